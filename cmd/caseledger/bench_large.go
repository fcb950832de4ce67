package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/caseledger/caseledger/api/demo"
	"github.com/caseledger/caseledger/api/ledger"
	"github.com/caseledger/caseledger/projections/runner"
	"github.com/caseledger/caseledger/store/sqlite"
)

// largeBytesPerEvent is what an event of the synthetic histories takes in
// the store's file, indexes included (measured: ~1 KiB), with room for the
// WAL: the disk --large needs is this times the events.
const largeBytesPerEvent = 1300

// benchLarge serves `bench --large`: memory and restart-to-ready at
// QUALITY.md's scale. Into an empty --data it writes the demo's
// organisation and --large-cases synthetic cases of --large-events events
// in all (about 20 each, through the ledger, decided by the domain), then
// rebuilds the projections' snapshot (the checkpoint a restart resumes
// from). A --data that already holds them is measured as it is, so the
// generation, hours long, is paid once. It then restarts `serve` over the
// directory once per run and measures it. It fails at once, saying what it
// would do, when --data is not given or its disk is too small.
func benchLarge(ctx context.Context, cfg benchConfig, rep *benchReport, prog *benchProgress) error {
	perCase := cfg.largeEvents / cfg.largeCases
	total := perCase * cfg.largeCases
	need := uint64(total) * largeBytesPerEvent
	plan := fmt.Sprintf("bench --large writes %s cases of %d events (%s events, about %.0f GiB) into an empty --data directory, "+
		"rebuilds the projections' snapshot, then restarts `caseledger serve` over it %d times, measuring restart-to-ready and resident memory",
		thousands(float64(cfg.largeCases)), perCase, thousands(float64(total)), float64(need)/(1<<30), cfg.runs)
	if cfg.data == "" {
		return fmt.Errorf("%s; it keeps the directory so that later runs measure without generating again: give --data DIR", plan)
	}
	if err := os.MkdirAll(cfg.data, 0o750); err != nil {
		return err
	}
	rep.Machine = describeMachine(cfg.data)
	rep.Scale = benchScale{Events: total, Runs: cfg.runs, LargeCases: cfg.largeCases}
	st, err := sqlite.Open(filepath.Join(cfg.data, DBFile))
	if err != nil {
		return err
	}
	defer st.Close()
	marker := filepath.Join(cfg.data, largeMarker)
	want := fmt.Sprintf("%d cases, %d events\n", cfg.largeCases, total)
	switch got, err := os.ReadFile(marker); {
	case err == nil && string(got) == want:
		prog.step("%s already holds the data: measuring it", cfg.data)
	case err == nil:
		return fmt.Errorf("%s: %s holds another data set (%s)", plan, cfg.data, strings.TrimSpace(string(got)))
	case !errors.Is(err, os.ErrNotExist):
		return err
	default:
		if err := largeGenerate(ctx, st, cfg, plan, need, perCase, rep, prog); err != nil {
			return err
		}
		if err := largeRebuild(ctx, st, filepath.Join(cfg.data, SnapshotFile), rep, prog); err != nil {
			return err
		}
		if err := os.WriteFile(marker, []byte(want), 0o644); err != nil {
			return err
		}
	}
	if err := st.Close(); err != nil {
		return err
	}
	b := &bencher{cfg: cfg, dir: cfg.data, prog: prog}
	return b.measureRestart(ctx, rep, cfg.largeCases >= 1_000_000 && total >= 20_000_000)
}

// largeGenerate writes the large data set into the empty store st, after
// checking that the disk can hold it.
func largeGenerate(ctx context.Context, st *sqlite.Store, cfg benchConfig, plan string, need uint64, perCase int, rep *benchReport, prog *benchProgress) error {
	if first, err := st.ReadAll(ctx, 0, 1); err != nil {
		return err
	} else if len(first) > 0 {
		return fmt.Errorf("%s: %s holds events but not all of them: give an empty directory, or the one an earlier --large run filled", plan, cfg.data)
	}
	var fs syscall.Statfs_t
	if err := syscall.Statfs(cfg.data, &fs); err == nil {
		if free := fs.Bavail * uint64(fs.Bsize); free < need {
			return fmt.Errorf("%s: %s has %.0f GiB free, it needs about %.0f GiB", plan, cfg.data, float64(free)/(1<<30), float64(need)/(1<<30))
		}
	}
	prog.step("%s", plan)
	now := time.Now()
	sum, err := demo.Generate(ctx, ledger.New(st, time.Now), demo.Options{Cases: 1, Seed: cfg.seed, Now: now})
	if err != nil {
		return fmt.Errorf("demo organisation: %w", err)
	}
	ids, err := newBenchIdentities(sum.Users)
	if err != nil {
		return err
	}
	l := ledger.New(st, time.Now)
	org, _, err := l.Org(ctx)
	if err != nil {
		return err
	}
	start := time.Now()
	n, err := newSynth(org, ids, time.Now()).writeCases(ctx, l, 'L', cfg.largeCases, perCase, prog, func(int, benchCase) {})
	if err != nil {
		return err
	}
	rate := float64(n) / time.Since(start).Seconds()
	rep.add(measured("generation", "events/s", unitRate, []float64{rate}).
		note("%s synthetic events through the ledger in one append per case (not a target)", thousands(float64(n))))
	return nil
}

// largeRebuild writes the projections' snapshot a restart resumes from,
// reporting the full rebuild at this scale.
func largeRebuild(ctx context.Context, st *sqlite.Store, snapshot string, rep *benchReport, prog *benchProgress) error {
	prog.step("rebuilding the projections' snapshot")
	start := time.Now()
	r := runner.New(st, time.Now, snapshot)
	n, err := r.Rebuild(ctx, func(pos uint64) { prog.count("rebuild: events", int(pos), int(pos)) })
	if err != nil {
		return fmt.Errorf("rebuild: %w", err)
	}
	if n == 0 {
		return errors.New("rebuild: the store is empty")
	}
	rep.add(measured(rowRebuild, "events/s", unitRate, []float64{float64(n) / time.Since(start).Seconds()}).atLeast(300_000).
		note("%s events, one run (the snapshot --large restarts from)", thousands(float64(n))))
	return nil
}

// largeMarker is written into --data once the large data set and its
// snapshot are complete, naming them.
const largeMarker = "bench-large.txt"
