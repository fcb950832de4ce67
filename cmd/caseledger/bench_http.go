package main

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"time"
)

// httpRuns gathers the per-run figures of the HTTP rows.
type httpRuns struct {
	writeRate, writeP50, writeP99          []float64
	readRate, readP50, readP99             []float64
	offRate, offP50, offP99                []float64
	timelineP50, timelineP99               []float64
	ownershipP50, ownershipP99             []float64
	writeNote, readNote, timelineNote, own string
	timelineSamples, ownershipSamples      int
	// The share of the CPUs other processes used during each run's load.
	writeNoise, readNoise, timelineNoise, ownNoise []float64
}

// measureHTTP measures the rows served over HTTP: a real server over the
// store with the access log, and, for the reads' baseline in the same run,
// one without, started for that load alone and stopped after it, so that
// each load has its server to itself in the process, as a deployment does
// (two servers at once held two caches and indexes, and the collector's
// work on both showed in the latencies).
func (b *bencher) measureHTTP(ctx context.Context, rep *benchReport) error {
	b.prog.step("starting the server")
	on, err := startBenchServer(ctx, b.st, b.fx.tokens, filepath.Join(b.dir, SnapshotFile), false)
	if err != nil {
		return err
	}
	defer on.close()
	client := benchClient(b.cfg.clients)
	defer client.CloseIdleConnections()
	warmup := min(b.cfg.duration/5, time.Second)
	many := func(base string, next func(*rand.Rand) benchCall) load {
		return load{client: client, base: base, clients: b.cfg.clients, warmup: warmup, duration: b.cfg.duration, next: next}
	}
	one := func(next func(*rand.Rand) benchCall) load {
		return load{client: client, base: on.base, clients: 1, warmup: warmup, duration: b.cfg.duration, minSamples: 20, next: next}
	}
	var h httpRuns
	for run := range b.cfg.runs {
		seed := uint64(b.cfg.seed)*1000 + uint64(run)
		step := func(what string) {
			b.prog.step("%s, run %d of %d", what, run+1, b.cfg.runs)
			if err := on.settle(ctx); err != nil {
				b.prog.step("settling: %v", err)
			}
		}

		step("HTTP writes")
		w, err := b.runLoad(ctx, "writes", many(on.base, b.writeCall), seed)
		if err != nil {
			return fmt.Errorf("writes: %w", err)
		}
		h.writeRate, h.writeP50, h.writeP99 = append(h.writeRate, w.perSecond()), append(h.writeP50, w.quantile(0.5)), append(h.writeP99, w.quantile(0.99))
		h.writeNote = joinNotes(h.writeNote, w.failures())
		h.writeNoise = append(h.writeNoise, w.noise)

		// The two read loads alternate which goes first, so that drift
		// over a run does not favour one.
		var withLog, without loadResult
		order := []bool{true, false}
		if run%2 == 1 {
			order = []bool{false, true}
		}
		for _, logged := range order {
			if logged {
				step("reads")
				if withLog, err = b.runLoad(ctx, "reads", many(on.base, b.readCall), seed); err != nil {
					return fmt.Errorf("reads: %w", err)
				}
				continue
			}
			step("reads-no-access-log")
			if without, err = b.readsWithoutAccessLog(ctx, many, seed); err != nil {
				return fmt.Errorf("reads-no-access-log: %w", err)
			}
		}
		h.readRate, h.readP50, h.readP99 = append(h.readRate, withLog.perSecond()), append(h.readP50, withLog.quantile(0.5)), append(h.readP99, withLog.quantile(0.99))
		h.offRate, h.offP50, h.offP99 = append(h.offRate, without.perSecond()), append(h.offP50, without.quantile(0.5)), append(h.offP99, without.quantile(0.99))
		h.readNote = joinNotes(h.readNote, withLog.failures(), without.failures())
		h.readNoise = append(h.readNoise, max(withLog.noise, without.noise))

		step("SFO timeline")
		t, err := b.runLoad(ctx, "timeline", one(b.timelineCall), seed)
		if err != nil {
			return fmt.Errorf("timeline: %w", err)
		}
		h.timelineP50, h.timelineP99 = append(h.timelineP50, t.quantile(0.5)), append(h.timelineP99, t.quantile(0.99))
		h.timelineSamples += len(t.latencies)
		h.timelineNote = joinNotes(h.timelineNote, t.failures())
		h.timelineNoise = append(h.timelineNoise, t.noise)

		step("ownership as_of/known_at")
		o, err := b.runLoad(ctx, "ownership", one(b.ownershipCall), seed)
		if err != nil {
			return fmt.Errorf("ownership: %w", err)
		}
		h.ownershipP50, h.ownershipP99 = append(h.ownershipP50, o.quantile(0.5)), append(h.ownershipP99, o.quantile(0.99))
		h.ownershipSamples += len(o.latencies)
		h.own = joinNotes(h.own, o.failures())
		h.ownNoise = append(h.ownNoise, o.noise)
	}
	b.addHTTPRows(rep, h)
	return nil
}

// readsWithoutAccessLog measures the reads on a server without the access
// log, started for them (caught up before the load) and stopped after.
func (b *bencher) readsWithoutAccessLog(ctx context.Context, many func(string, func(*rand.Rand) benchCall) load, seed uint64) (loadResult, error) {
	off, err := startBenchServer(ctx, b.st, b.fx.tokens, "", true)
	if err != nil {
		return loadResult{}, err
	}
	res, err := b.runLoad(ctx, "reads-no-access-log", many(off.base, b.readCall), seed)
	return res, errors.Join(err, off.close())
}

// runLoad runs one load, checking that something succeeded.
func (b *bencher) runLoad(ctx context.Context, name string, l load, seed uint64) (loadResult, error) {
	var res loadResult
	err := b.profile(name, func() error {
		meter := startCPUMeter()
		var err error
		if res, err = l.run(ctx, seed); err != nil {
			return err
		}
		res.noise, _ = meter.stop()
		return res.check()
	})
	return res, err
}

func (b *bencher) addHTTPRows(rep *benchReport, h httpRuns) {
	cases := fmt.Sprintf("%d clients, %s cases", b.cfg.clients, thousands(float64(len(b.fx.writeCases))))
	rep.add(measured(rowWrites, "commands/s", unitRate, h.writeRate).atLeast(5_000).note("%s; %s", cases, h.writeNote).noisy(h.writeNoise))
	rep.add(measured(rowWrites, "p99", unitMS, h.writeP99).atMost(50))
	rep.add(measured(rowWrites, "p50", unitMS, h.writeP50))
	reads := fmt.Sprintf("%d clients, %d demo cases; baseline: the same reads with NoAccessLog", b.cfg.clients, len(b.fx.demoCases))
	rep.add(measured(rowReads, "requests/s", unitRate, h.readRate).atLeast(10_000).against("access log off", h.offRate).note("%s; %s", reads, h.readNote).noisy(h.readNoise))
	rep.add(measured(rowReads, "p99", unitMS, h.readP99).atMost(20).against("access log off", h.offP99))
	rep.add(measured(rowReads, "p50", unitMS, h.readP50).against("access log off", h.offP50))
	rep.add(measured(rowTimeline, "p99", unitMS, h.timelineP99).atMost(50).
		note("GET .../timeline (JSON) of a case of %s events, 1 client, %d requests; %s", thousands(float64(b.cfg.caseEvents)), h.timelineSamples, h.timelineNote).noisy(h.timelineNoise))
	rep.add(measured(rowTimeline, "p50", unitMS, h.timelineP50))
	rep.add(measured(rowOwnership, "p99", unitMS, h.ownershipP99).atMost(5).
		note("GET .../ownership?as_of&known_at, random, on the same case, 1 client, %d requests; %s", h.ownershipSamples, h.own).noisy(h.ownNoise))
	rep.add(measured(rowOwnership, "p50", unitMS, h.ownershipP50))
}

// writeCall is a durable single-command write to a random write case: a
// risk assessment or an appointment booking, by the case's practitioner.
func (b *bencher) writeCall(rng *rand.Rand) benchCall {
	c := b.fx.writeCases[rng.IntN(len(b.fx.writeCases))]
	if rng.IntN(2) == 0 {
		return benchCall{method: http.MethodPost, path: "/v1/cases/" + c.crn + "/risk-assessments", token: c.token, want: http.StatusCreated,
			body: []byte(`{"tool":"OASys","rosh":"medium","rsr":3.5}`)}
	}
	starts := time.Now().Add(7 * 24 * time.Hour).UTC().Format(time.RFC3339)
	return benchCall{method: http.MethodPost, path: "/v1/cases/" + c.crn + "/appointments", token: c.token, want: http.StatusCreated,
		body: fmt.Appendf(nil, `{"starts_at":%q,"kind":"office","officer":%q,"sentence_id":"sentence-1"}`, starts, c.officer)}
}

// readCall is a case summary or ownership read of a random demo case, as
// now, by someone who may read it.
func (b *bencher) readCall(rng *rand.Rand) benchCall {
	c := b.fx.demoCases[rng.IntN(len(b.fx.demoCases))]
	path := "/v1/cases/" + c.crn
	if rng.IntN(2) == 0 {
		path += "/ownership"
	}
	return benchCall{method: http.MethodGet, path: path, token: c.token, want: http.StatusOK}
}

// timelineCall is the large case's SFO timeline in JSON, by the reviewer.
func (b *bencher) timelineCall(*rand.Rand) benchCall {
	return benchCall{method: http.MethodGet, path: "/v1/cases/" + b.fx.big.crn + "/timeline", token: b.fx.bigReviewer, want: http.StatusOK}
}

// ownershipCall is the large case's ownership at a random as_of, as known
// at a random known_at since the case was first recorded.
func (b *bencher) ownershipCall(rng *rand.Rand) benchCall {
	now := time.Now()
	asOf := b.fx.bigOpened.Add(time.Duration(rng.Int64N(int64(now.Sub(b.fx.bigOpened)))))
	knownAt := b.fx.bigRecorded.Add(time.Duration(rng.Int64N(int64(now.Sub(b.fx.bigRecorded)) + 1)))
	path := fmt.Sprintf("/v1/cases/%s/ownership?as_of=%s&known_at=%s", b.fx.big.crn,
		asOf.UTC().Format(time.RFC3339Nano), knownAt.UTC().Format(time.RFC3339Nano))
	return benchCall{method: http.MethodGet, path: path, token: b.fx.big.token, want: http.StatusOK}
}

// measureImport measures the bulk import against a bare SQLite insert of
// the same rows, both in each run, through benchImport.
func (b *bencher) measureImport(ctx context.Context, rep *benchReport) {
	var imports, bare, ratios []float64
	events := 0
	for run := range b.cfg.runs {
		b.prog.step("bulk import, run %d of %d", run+1, b.cfg.runs)
		dir := filepath.Join(b.dir, fmt.Sprintf("import-%d", run+1))
		var f importFigures
		err := os.MkdirAll(dir, 0o750)
		if err == nil {
			err = b.profile("import", func() error {
				var err error
				f, err = benchImport(ctx, dir, b.cfg.importEvents)
				return err
			})
		}
		os.RemoveAll(dir)
		if err == nil && (f.ImportPerSec <= 0 || f.BarePerSec <= 0) {
			err = fmt.Errorf("benchImport returned no rates (%+v)", f)
		}
		if err != nil {
			rep.add(notMeasured(rowImport, "events/s", unitRate, err).atLeast(100_000))
			rep.add(notMeasured(rowImport, "ratio to bare SQLite insert", unitRatio, err).atLeast(0.7))
			return
		}
		events = f.Events
		imports, bare, ratios = append(imports, f.ImportPerSec), append(bare, f.BarePerSec), append(ratios, f.ImportPerSec/f.BarePerSec)
	}
	rep.add(measured(rowImport, "events/s", unitRate, imports).atLeast(100_000).against("bare SQLite insert", bare).
		note("%s events of NDJSON; baseline: a bare SQLite insert of the same rows, same durability, same run", thousands(float64(events))))
	rep.add(measured(rowImport, "ratio to bare SQLite insert", unitRatio, ratios).atLeast(0.7))
}
