package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/caseledger/caseledger/domain"
)

// runVerify checks every stream's hash chain, reading the whole ledger in
// global order, and names the first bad event of each broken stream.
func runVerify(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var sf storeFlags
	sf.register(fs)
	asJSON := fs.Bool("json", false, "print the result as JSON")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	st, _, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	v := domain.NewChainVerifier()
	progress := newProgress(stderr, "verify")
	for after := uint64(0); ; {
		page, err := st.ReadAll(ctx, after, 1000)
		if err != nil {
			return fmt.Errorf("read events after %d: %w", after, err)
		}
		if len(page) == 0 {
			break
		}
		for _, e := range page {
			v.Add(e)
		}
		after = page[len(page)-1].Position
		progress.set(v.Events)
	}
	progress.done()
	report := verifyReport{OK: len(v.Failures) == 0, Streams: v.Streams(), Events: v.Events, Failures: v.Failures}
	if report.Failures == nil {
		report.Failures = []domain.ChainFailure{}
	}
	if *asJSON {
		if err := json.NewEncoder(stdout).Encode(report); err != nil {
			return err
		}
	} else {
		fmt.Fprintf(stdout, "%d events in %d streams checked\n", report.Events, report.Streams)
		for _, f := range report.Failures {
			fmt.Fprintf(stdout, "FAIL %s revision %d (event %s): %s\n", f.Stream, f.Revision, f.EventID, f.Reason)
		}
		if report.OK {
			fmt.Fprintln(stdout, "ok: every hash chain verifies")
		}
	}
	if !report.OK {
		return errVerifyFailed
	}
	return nil
}

type verifyReport struct {
	OK       bool                  `json:"ok"`
	Streams  int                   `json:"streams"`
	Events   int                   `json:"events"`
	Failures []domain.ChainFailure `json:"failures"`
}

// progress prints a counter on a terminal and nothing otherwise.
type progress struct {
	w     io.Writer
	label string
	tty   bool
}

func newProgress(w io.Writer, label string) *progress {
	f, ok := w.(*os.File)
	tty := false
	if ok {
		if st, err := f.Stat(); err == nil {
			tty = st.Mode()&os.ModeCharDevice != 0
		}
	}
	return &progress{w: w, label: label, tty: tty}
}

func (p *progress) set(n int) {
	if p.tty {
		fmt.Fprintf(p.w, "\r%s: %d events", p.label, n)
	}
}

func (p *progress) done() {
	if p.tty {
		fmt.Fprintln(p.w)
	}
}
