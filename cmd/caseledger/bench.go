package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/caseledger/caseledger/store/sqlite"
)

// benchConfig is what `caseledger bench` measures, and at what scale.
type benchConfig struct {
	data         string // "" for a fresh temporary directory, removed afterwards
	cases        int    // demo cases: the reads
	writeCases   int    // synthetic cases the writes go to
	caseEvents   int    // events of the one large case: timeline and ownership
	clients      int
	duration     time.Duration
	runs         int
	importEvents int
	seed         int64
	jsonFile     string
	profileDir   string
	large        bool
	largeCases   int
	largeEvents  int
}

const benchUsage = `usage: caseledger bench [--cases N] [--write-cases N] [--case-events N] [--clients N]
                       [--duration D] [--runs N] [--import-events N] [--data DIR] [--json FILE] [--cpuprofile DIR]
       caseledger bench --large --data DIR [--large-cases N] [--large-events N] [--json FILE]`

func parseBenchFlags(args []string, stderr io.Writer) (benchConfig, error) {
	var c benchConfig
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.data, "data", "", "data directory to generate into; it must hold no events (default: a temporary directory, removed afterwards)")
	fs.IntVar(&c.cases, "cases", 200, "demo cases to generate: the case summary and ownership reads go to them")
	fs.IntVar(&c.writeCases, "write-cases", 1000, "cases the HTTP writes go to, created first (the target is for 10,000)")
	fs.IntVar(&c.caseEvents, "case-events", 5000, "events of the one large case the timeline and ownership queries read")
	fs.IntVar(&c.clients, "clients", 64, "concurrent HTTP clients of the write and read loads")
	fs.DurationVar(&c.duration, "duration", 5*time.Second, "how long each load of each run is measured (after a warm-up)")
	fs.IntVar(&c.runs, "runs", 3, "runs of every measurement; the table reports the median")
	fs.IntVar(&c.importEvents, "import-events", 100000, "events of the bulk import measurement")
	fs.Int64Var(&c.seed, "seed", 1, "seed of the generated data")
	fs.StringVar(&c.jsonFile, "json", "", "also write the results as JSON to this file")
	fs.StringVar(&c.profileDir, "cpuprofile", "", "write a CPU profile of each measurement's first run into this directory (ROW.pprof)")
	fs.BoolVar(&c.large, "large", false, "measure memory and restart-to-ready at 1,000,000 cases / 20,000,000 events in --data (generating them if it is empty)")
	fs.IntVar(&c.largeCases, "large-cases", 1_000_000, "with --large: the cases to generate (to try --large at a smaller scale)")
	fs.IntVar(&c.largeEvents, "large-events", 20_000_000, "with --large: the events to generate, across the cases")
	err := fs.Parse(args)
	if err == nil && fs.NArg() > 0 {
		err = fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if err == nil {
		err = c.check()
	}
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintf(stderr, "%v\n%s\n", err, benchUsage)
		}
		return c, errUsage
	}
	return c, nil
}

func (c benchConfig) check() error {
	switch {
	case c.cases < 1 || c.writeCases < 1 || c.clients < 1 || c.runs < 1:
		return errors.New("--cases, --write-cases, --clients and --runs must be at least 1")
	case c.cases >= 1_000_000 || c.writeCases >= 1_000_000:
		return errors.New("--cases and --write-cases must be below 1,000,000 (case reference numbers have six digits)")
	case c.caseEvents < 20:
		return errors.New("--case-events must be at least 20")
	case c.duration <= 0 || c.importEvents < 1:
		return errors.New("--duration and --import-events must be positive")
	case c.large && (c.largeCases < 1 || c.largeEvents < 4*c.largeCases):
		return errors.New("--large-cases must be positive and --large-events at least 4 per case")
	}
	return nil
}

// runBench serves `caseledger bench`: it generates data into a fresh store,
// measures every row of QUALITY.md's performance table against it, and
// prints the medians with their ratios to the targets and baselines.
func runBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, err := parseBenchFlags(args, stderr)
	if err != nil {
		return err
	}
	rep := &benchReport{Command: strings.Join(append([]string{"caseledger", "bench"}, args...), " "), Started: time.Now().UTC()}
	prog := newBenchProgress(stderr)
	meter := startCPUMeter()
	if cfg.large {
		err = benchLarge(ctx, cfg, rep, prog)
	} else {
		err = benchAll(ctx, cfg, rep, prog)
	}
	prog.clear()
	if err != nil {
		return err
	}
	rep.Machine.OtherCPU, rep.Machine.Steal = meter.stop()
	rep.sortRows()
	rep.writeTable(stdout)
	if cfg.jsonFile != "" {
		data, err := json.MarshalIndent(rep, "", "  ")
		if err != nil {
			return err
		}
		if err := os.WriteFile(cfg.jsonFile, append(data, '\n'), 0o644); err != nil {
			return fmt.Errorf("--json: %w", err)
		}
	}
	return nil
}

// benchDir returns the data directory: --data, which must hold no events
// yet, or a fresh temporary one that cleanup removes.
func benchDir(cfg benchConfig) (dir string, cleanup func(), err error) {
	if cfg.data != "" {
		return cfg.data, func() {}, os.MkdirAll(cfg.data, 0o750)
	}
	dir, err = os.MkdirTemp("", "caseledger-bench-")
	if err != nil {
		return "", nil, err
	}
	return dir, func() { os.RemoveAll(dir) }, nil
}

// benchAll is the bench at the chosen scale: every row but the large one.
func benchAll(ctx context.Context, cfg benchConfig, rep *benchReport, prog *benchProgress) error {
	dir, cleanup, err := benchDir(cfg)
	if err != nil {
		return err
	}
	defer cleanup()
	prog.step("describing the machine")
	rep.Machine = describeMachine(dir)
	st, err := sqlite.Open(filepath.Join(dir, DBFile))
	if err != nil {
		return err
	}
	defer st.Close()
	if first, err := st.ReadAll(ctx, 0, 1); err != nil {
		return err
	} else if len(first) > 0 {
		return fmt.Errorf("%s already holds events: the bench generates its own data (choose an empty --data directory)", dir)
	}
	fx, err := newBenchFixture(ctx, st, cfg, prog)
	if err != nil {
		return err
	}
	rep.Scale = fx.scale(cfg)
	b := &bencher{cfg: cfg, st: st, fx: fx, dir: dir, prog: prog, profiled: map[string]bool{}}
	if err := b.measureRebuild(ctx, rep); err != nil {
		return err
	}
	if err := b.measureHTTP(ctx, rep); err != nil {
		return err
	}
	if err := st.Close(); err != nil {
		return err
	}
	b.measureImport(ctx, rep)
	return b.measureRestart(ctx, rep, false)
}
