package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/caseledger/caseledger/api"
	"github.com/caseledger/caseledger/domain"
	"github.com/caseledger/caseledger/projections"
)

// runTimeline writes a case's SFO timeline from a data directory, offline.
func runTimeline(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("timeline", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var sf storeFlags
	sf.register(fs)
	format := fs.String("format", "json", "json, csv or html")
	knownAt := fs.String("known-at", "", "as the record stood at this instant (RFC 3339; default now)")
	from := fs.String("from", "", "window start (RFC 3339; default 12 months before the SFO's charged_at, or the case's opening)")
	to := fs.String("to", "", "window end (RFC 3339; default now)")
	thresholds := fs.String("findings", "", "a JSON file of findings thresholds (default DOMAIN.md's)")
	crn, rest := "", args
	if len(args) > 0 && args[0] != "" && args[0][0] != '-' {
		crn, rest = args[0], args[1:]
	}
	if err := fs.Parse(rest); err != nil || crn == "" {
		fmt.Fprintln(stderr, "usage: caseledger timeline CRN [--format json|csv|html] [--known-at T] [--from T] [--to T] [--data DIR]")
		return errUsage
	}
	th, err := loadThresholds(*thresholds)
	if err != nil {
		return err
	}
	now := time.Now().UTC()
	k, err := instant(*knownAt, now)
	if err != nil {
		return fmt.Errorf("--known-at: %w", err)
	}
	st, _, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	history, err := readHistory(ctx, st, domain.CaseStream(crn))
	if err != nil {
		return err
	}
	if len(history) == 0 {
		return fmt.Errorf("no case %s", crn)
	}
	orgHistory, err := readHistory(ctx, st, domain.OrgStream)
	if err != nil {
		return err
	}
	defFrom, defTo := projections.DefaultWindow(history, now)
	f, err := instant(*from, defFrom)
	if err != nil {
		return fmt.Errorf("--from: %w", err)
	}
	t, err := instant(*to, defTo)
	if err != nil {
		return fmt.Errorf("--to: %w", err)
	}
	v := projections.Timeline(history, domain.BuildOrg(orgHistory), f, t, k, th)
	switch *format {
	case "csv":
		return projections.WriteCSV(stdout, v)
	case "html":
		return api.RenderTimelineHTML(stdout, v, th.LateEntry.D())
	case "json":
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(v)
	}
	return fmt.Errorf("--format %q: want json, csv or html", *format)
}

func instant(s string, def time.Time) (time.Time, error) {
	if s == "" {
		return def, nil
	}
	return time.Parse(time.RFC3339Nano, s)
}

// loadThresholds reads a findings configuration file over the defaults.
func loadThresholds(path string) (projections.Thresholds, error) {
	th := projections.DefaultThresholds()
	if path == "" {
		return th, nil
	}
	data, err := readFile(path)
	if err != nil {
		return th, err
	}
	if err := decodeConfig(data, &th); err != nil {
		return th, fmt.Errorf("%s: %w", path, err)
	}
	return th, nil
}

// readHistory reads and decodes a whole stream.
func readHistory(ctx context.Context, st eventStore, stream string) ([]domain.Recorded, error) {
	var envs []domain.Envelope
	for from := uint64(0); ; {
		page, err := st.ReadStream(ctx, stream, from, 1000)
		if err != nil {
			return nil, err
		}
		envs = append(envs, page...)
		if len(page) < 1000 {
			break
		}
		from = page[len(page)-1].Revision + 1
	}
	return domain.FromEnvelopes(envs)
}
