package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/caseledger/caseledger/domain"
	"github.com/caseledger/caseledger/domain/merkle"
)

// runVerify checks every stream's hash chain, reading the whole ledger in
// global order, and names the first bad event of each broken stream.
func runVerify(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var sf storeFlags
	sf.register(fs)
	asJSON := fs.Bool("json", false, "print the result as JSON")
	checkpoint := fs.String("checkpoint", "", "a signed checkpoint (JSON, or JSON lines: the last is used) to prove the ledger against")
	pubKey := fs.String("public-key", "", "the Ed25519 public key that signed the checkpoint (PEM, hex or base64)")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	st, _, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	v := domain.NewChainVerifier()
	var tree merkle.Tree
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
			leaf, err := merkle.EventLeaf(e)
			if err != nil {
				leaf = [32]byte{} // a malformed hash is already a chain failure
			}
			tree.Append(leaf)
		}
		after = page[len(page)-1].Position
		progress.set(v.Events)
	}
	progress.done()
	report := verifyReport{OK: len(v.Failures) == 0, Streams: v.Streams(), Events: v.Events, Failures: v.Failures}
	if *checkpoint != "" {
		res, err := proveCheckpoint(*checkpoint, *pubKey, &tree)
		if err != nil {
			return err
		}
		report.Checkpoint = res
		report.OK = report.OK && res.OK
	}
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
		if c := report.Checkpoint; c != nil {
			fmt.Fprintf(stdout, "checkpoint of %d events (position %d, signed %s): %s\n", c.Size, c.Position, c.Signed.Format(time.RFC3339), c.Result)
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
	OK         bool                  `json:"ok"`
	Streams    int                   `json:"streams"`
	Events     int                   `json:"events"`
	Failures   []domain.ChainFailure `json:"failures"`
	Checkpoint *checkpointResult     `json:"checkpoint,omitempty"`
}

// checkpointResult says whether the ledger still matches a signed checkpoint.
type checkpointResult struct {
	OK       bool      `json:"ok"`
	Size     uint64    `json:"size"`
	Position uint64    `json:"position"`
	Signed   time.Time `json:"signed"`
	Result   string    `json:"result"`
}

// proveCheckpoint checks a signed checkpoint's signature, then that the
// Merkle root of the ledger's first Size events is the root it signed: if any
// event before it was changed, removed or reordered, the roots differ.
func proveCheckpoint(cpFile, keyFile string, tree *merkle.Tree) (*checkpointResult, error) {
	if keyFile == "" {
		return nil, errors.New("--checkpoint needs --public-key")
	}
	keyData, err := os.ReadFile(keyFile)
	if err != nil {
		return nil, err
	}
	pub, err := merkle.ParsePublicKey(keyData)
	if err != nil {
		return nil, fmt.Errorf("--public-key: %w", err)
	}
	cp, err := readCheckpoint(cpFile)
	if err != nil {
		return nil, err
	}
	res := &checkpointResult{Size: cp.Size, Position: cp.Position, Signed: cp.Time}
	root, err := cp.RootHash()
	switch {
	case err != nil:
		res.Result = "malformed root: " + err.Error()
	case cp.Verify(pub) != nil:
		res.Result = "the signature does not verify with this key"
	case tree.Size() < cp.Size:
		res.Result = fmt.Sprintf("the ledger holds %d events, fewer than the %d the checkpoint covers: events were removed", tree.Size(), cp.Size)
	case tree.RootAt(cp.Size) != root:
		res.Result = "the ledger's Merkle root differs from the signed one: an event before the checkpoint was changed, removed or reordered"
	default:
		res.OK, res.Result = true, "ok: nothing before the checkpoint has changed"
	}
	return res, nil
}

// readCheckpoint reads a checkpoint file: one JSON object, or JSON lines of
// which the last is taken.
func readCheckpoint(path string) (merkle.Checkpoint, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return merkle.Checkpoint{}, err
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	var cp merkle.Checkpoint
	if err := decodeConfig([]byte(lines[len(lines)-1]), &cp); err != nil {
		return cp, fmt.Errorf("%s: %w", path, err)
	}
	return cp, nil
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
