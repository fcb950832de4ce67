package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/caseledger/caseledger/projections/runner"
)

// runRebuild rebuilds every projection from the store and writes a fresh
// snapshot, showing progress on a terminal.
func runRebuild(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("rebuild", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var sf storeFlags
	sf.register(fs)
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	st, _, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	r := runner.New(st, time.Now, filepath.Join(sf.data, SnapshotFile))
	progress := newProgress(stderr, "rebuild")
	start := time.Now()
	n, err := r.Rebuild(ctx, func(pos uint64) { progress.set(int(pos)) })
	progress.done()
	if err != nil {
		return err
	}
	took := time.Since(start)
	rate := float64(n) / took.Seconds()
	fmt.Fprintf(stdout, "rebuilt the projections from %d events in %s (%.0f events/s); snapshot at position %d\n",
		n, took.Round(time.Millisecond), rate, r.Position())
	return nil
}
