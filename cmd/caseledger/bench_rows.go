package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime/pprof"
	"time"

	"github.com/caseledger/caseledger/projections/runner"
	"github.com/caseledger/caseledger/store/sqlite"
)

// The rows of QUALITY.md's performance table, as the report names them.
const (
	rowWrites    = "HTTP writes"
	rowReads     = "summary/ownership reads"
	rowRebuild   = "full rebuild"
	rowTimeline  = "SFO timeline"
	rowOwnership = "ownership as_of/known_at"
	rowImport    = "bulk import"
	rowMemory    = "memory"
	rowRestart   = "restart to ready"
)

// bencher measures the rows against one fixture.
type bencher struct {
	cfg      benchConfig
	st       *sqlite.Store
	fx       *benchFixture
	dir      string
	prog     *benchProgress
	profiled map[string]bool
}

// profile runs f, under the CPU profiler the first time name is measured
// when --cpuprofile is set. The profile holds the load generator too: it
// runs in this process.
func (b *bencher) profile(name string, f func() error) error {
	if b.cfg.profileDir == "" || b.profiled[name] {
		return f()
	}
	b.profiled[name] = true
	if err := os.MkdirAll(b.cfg.profileDir, 0o750); err != nil {
		return err
	}
	out, err := os.Create(filepath.Join(b.cfg.profileDir, name+".pprof"))
	if err != nil {
		return err
	}
	defer out.Close()
	if err := pprof.StartCPUProfile(out); err != nil {
		return err
	}
	err = f()
	pprof.StopCPUProfile()
	return err
}

// measureRebuild folds every projection again from the whole store, as
// `caseledger rebuild` does (snapshot written), once per run.
func (b *bencher) measureRebuild(ctx context.Context, rep *benchReport) error {
	var rates, noise []float64
	n := 0
	for run := range b.cfg.runs {
		b.prog.step("rebuild, run %d of %d", run+1, b.cfg.runs)
		r := runner.New(b.st, time.Now, filepath.Join(b.dir, SnapshotFile))
		var took time.Duration
		meter := startCPUMeter()
		err := b.profile("rebuild", func() error {
			start := time.Now()
			var err error
			n, err = r.Rebuild(ctx, nil)
			took = time.Since(start)
			return err
		})
		other, _ := meter.stop()
		noise = append(noise, other)
		if err != nil {
			return fmt.Errorf("rebuild: %w", err)
		}
		rates = append(rates, float64(n)/took.Seconds())
	}
	rep.add(measured(rowRebuild, "events/s", unitRate, rates).atLeast(300_000).
		note("%s events, as `caseledger rebuild`: directory and actor index folded again, snapshot written (the Merkle tree is not rebuilt)", thousands(float64(n))).noisy(noise))
	return nil
}
