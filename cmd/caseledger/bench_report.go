package main

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
)

// benchReport is what the bench prints, and writes with --json.
type benchReport struct {
	Command string      `json:"command"`
	Started time.Time   `json:"started"`
	Machine machineInfo `json:"machine"`
	Scale   benchScale  `json:"scale"`
	Rows    []benchRow  `json:"rows"`
}

// benchScale is the data and the load the figures were measured with.
type benchScale struct {
	DemoCases    int     `json:"demo_cases"`
	WriteCases   int     `json:"write_cases"`
	CaseEvents   int     `json:"large_case_events"`
	Events       int     `json:"events"`
	Clients      int     `json:"clients"`
	Runs         int     `json:"runs"`
	DurationS    float64 `json:"duration_s"`
	ImportEvents int     `json:"import_events"`
	// SynthRate is the rate the write cases were generated at (events/s,
	// through the ledger in large appends): what --large's generation runs at.
	SynthRate float64 `json:"synthetic_generation_events_per_s,omitempty"`
	// LargeCases is the cases of --large's data set.
	LargeCases int `json:"large_cases,omitempty"`
	// GenerationS is how long writing the demo cases, the write cases and
	// the large case took, in seconds.
	GenerationS []float64 `json:"generation_s,omitempty"`
}

func (fx *benchFixture) scale(cfg benchConfig) benchScale {
	return benchScale{DemoCases: len(fx.demoCases), WriteCases: len(fx.writeCases), CaseEvents: cfg.caseEvents, Events: fx.events,
		Clients: cfg.clients, Runs: cfg.runs, DurationS: cfg.duration.Seconds(), ImportEvents: cfg.importEvents, SynthRate: fx.writeRate,
		GenerationS: []float64{fx.took[0].Seconds(), fx.took[1].Seconds(), fx.took[2].Seconds()}}
}

// Units of the figures.
const (
	unitRate  = "/s"
	unitMS    = "ms"
	unitMiB   = "MiB"
	unitS     = "s"
	unitRatio = "×"
)

// benchRow is one figure: a metric of a row of QUALITY.md's table, the
// median of its runs, and its ratios to the target and to the baseline
// measured in the same runs.
type benchRow struct {
	Row    string    `json:"row"`
	Metric string    `json:"metric"`
	Unit   string    `json:"unit"`
	Runs   []float64 `json:"runs,omitempty"`
	Median *float64  `json:"median,omitempty"`
	// Target is the bar, a floor when AtLeast and a ceiling otherwise.
	Target  *float64 `json:"target,omitempty"`
	AtLeast bool     `json:"at_least,omitempty"`
	// RatioToTarget is Median / Target: met at >= 1 for a floor, <= 1 for a ceiling.
	RatioToTarget *float64  `json:"ratio_to_target,omitempty"`
	Met           *bool     `json:"met,omitempty"`
	Baseline      string    `json:"baseline,omitempty"`
	BaselineRuns  []float64 `json:"baseline_runs,omitempty"`
	// BaselineMedian is the median of the baseline's runs; RatioToBaseline
	// is the median of each run's ratio to its own baseline.
	BaselineMedian  *float64 `json:"baseline_median,omitempty"`
	RatioToBaseline *float64 `json:"ratio_to_baseline,omitempty"`
	// OtherCPU is, for each run, the share of the CPUs that other
	// processes used while it was measured.
	OtherCPU []float64 `json:"other_processes_cpu_share,omitempty"`
	// NotMeasured says why there is no figure.
	NotMeasured string `json:"not_measured,omitempty"`
	Note        string `json:"note,omitempty"`
}

// measured is a row made of runs.
func measured(row, metric, unit string, runs []float64) benchRow {
	r := benchRow{Row: row, Metric: metric, Unit: unit, Runs: runs}
	if m, ok := median(runs); ok {
		r.Median = &m
	}
	return r
}

// notMeasured is a row whose measurement failed.
func notMeasured(row, metric, unit string, err error) benchRow {
	return benchRow{Row: row, Metric: metric, Unit: unit, NotMeasured: err.Error()}
}

func (r benchRow) atLeast(target float64) benchRow { return r.target(target, true) }
func (r benchRow) atMost(target float64) benchRow  { return r.target(target, false) }

func (r benchRow) target(t float64, atLeast bool) benchRow {
	r.Target, r.AtLeast = &t, atLeast
	if r.Median != nil {
		ratio := *r.Median / t
		met := (atLeast && ratio >= 1) || (!atLeast && ratio <= 1)
		r.RatioToTarget, r.Met = &ratio, &met
	}
	return r
}

// unjudged drops the verdict: the figure was not measured at the target's scale.
func (r benchRow) unjudged() benchRow {
	r.Met = nil
	return r
}

// against adds the baseline measured in the same runs.
func (r benchRow) against(name string, runs []float64) benchRow {
	r.Baseline, r.BaselineRuns = name, runs
	if m, ok := median(runs); ok {
		r.BaselineMedian = &m
	}
	var ratios []float64
	for i := range min(len(runs), len(r.Runs)) {
		if runs[i] != 0 {
			ratios = append(ratios, r.Runs[i]/runs[i])
		}
	}
	if m, ok := median(ratios); ok {
		r.RatioToBaseline = &m
	}
	return r
}

func (r benchRow) note(format string, args ...any) benchRow {
	r.Note = strings.Trim(fmt.Sprintf(format, args...), "; ")
	return r
}

// noisy records what other processes used in each run, and says so in
// the note when it was more than a twentieth of the machine.
func (r benchRow) noisy(otherCPU []float64) benchRow {
	r.OtherCPU = otherCPU
	if worst := slices.Max(otherCPU); worst > 0.05 {
		r.Note = joinNotes(r.Note, fmt.Sprintf("other processes used up to %.0f%% of the CPUs in a run", 100*worst))
	}
	return r
}

func (rep *benchReport) add(r benchRow) { rep.Rows = append(rep.Rows, r) }

// rowOrder is the order of QUALITY.md's performance table.
var rowOrder = []string{rowWrites, rowImport, rowRebuild, rowReads, rowTimeline, rowOwnership, rowMemory, rowRestart}

// sortRows puts the rows in QUALITY.md's order, keeping each row's metrics
// in the order they were added; other rows come last.
func (rep *benchReport) sortRows() {
	rank := func(r benchRow) int {
		if i := slices.Index(rowOrder, r.Row); i >= 0 {
			return i
		}
		return len(rowOrder)
	}
	slices.SortStableFunc(rep.Rows, func(a, b benchRow) int { return rank(a) - rank(b) })
}

func median(xs []float64) (float64, bool) {
	var ok []float64
	for _, x := range xs {
		if !math.IsNaN(x) && !math.IsInf(x, 0) {
			ok = append(ok, x)
		}
	}
	if len(ok) == 0 {
		return 0, false
	}
	slices.Sort(ok)
	n := len(ok)
	if n%2 == 1 {
		return ok[n/2], true
	}
	return (ok[n/2-1] + ok[n/2]) / 2, true
}
