package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strconv"
	"sync"
	"time"

	"github.com/caseledger/caseledger/store"
	"github.com/caseledger/caseledger/store/sqlite"
)

// errImportIncomplete is returned when some streams of a checked file were
// refused by the store as they were written.
var errImportIncomplete = errors.New("import incomplete")

// runImport serves `caseledger import FILE.ndjson`: it checks the whole
// file, then the streams against the store, and only then appends each
// stream's new events atomically (docs/IMPORT.md).
func runImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var sf storeFlags
	sf.register(fs)
	afterLive := fs.Bool("after-live", false, "append imported history after events recorded in this ledger, instead of refusing such streams")
	if err := fs.Parse(args); err != nil || fs.NArg() != 1 {
		if err == nil {
			fmt.Fprintln(stderr, "usage: caseledger import [--data DIR | --store esdb://...] [--after-live] FILE.ndjson (- for standard input)")
		}
		return errUsage
	}
	name := fs.Arg(0)
	data, err := readInput(name)
	if err != nil {
		return err
	}
	st, where, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	rep, err := importNDJSON(ctx, st, data, importOptions{afterLive: *afterLive, progress: stderr})
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	rep.print(stdout, name, where)
	if len(rep.failed) > 0 {
		return fmt.Errorf("%s: %d %s not imported: %w", name, len(rep.failed), plural(len(rep.failed), "stream", "streams"), errImportIncomplete)
	}
	return nil
}

// readInput reads the file name, or standard input for "-".
func readInput(name string) ([]byte, error) {
	if name == "-" {
		return io.ReadAll(os.Stdin)
	}
	return os.ReadFile(name)
}

// importGCPercent is the garbage collector's target during an import. The
// decoded file is most of the heap and lives to the end: at the default
// (100) the collector marked it again and again as it grew, a tenth of the
// import's CPU time; at 300 it runs a cycle or two, for about 100 MB more at
// the peak (GOGC, when set, is left as it is).
const importGCPercent = 300

// importOptions are an import's choices.
type importOptions struct {
	afterLive bool
	txEvents  int       // the embedded store's transaction size; 0 for its default
	progress  io.Writer // where progress goes, if it is a terminal
}

// importReport is what an import did.
type importReport struct {
	events, streams   int // in the file
	imported, written int // events stored, and the streams they went to
	skipped           int // events found stored already
	failed            []sqlite.BatchError
	elapsed           time.Duration
}

// importNDJSON imports the NDJSON data into st: every line is checked, then
// every stream against the store, before anything is written; then each
// stream's new events are appended atomically — through the embedded store's
// bulk path when st is one, by one Append per stream otherwise. A stream the
// store refuses as it is written (it moved since it was read) is reported in
// failed; the others are stored.
func importNDJSON(ctx context.Context, st eventStore, data []byte, opts importOptions) (importReport, error) {
	start := time.Now()
	if os.Getenv("GOGC") == "" { // an operator's own choice stands
		defer debug.SetGCPercent(debug.SetGCPercent(importGCPercent))
	}
	checking := newProgress(opts.progress, "checked")
	f, err := readImportFile(data, start, func(n int) { checking.set(n) })
	checking.done()
	if err != nil {
		return importReport{}, err
	}
	plans, err := planImport(ctx, st, f, opts.afterLive)
	if err != nil {
		return importReport{}, err
	}
	rep := importReport{events: f.events, streams: len(f.streams)}
	for _, p := range plans {
		rep.skipped += p.skipped
	}
	writing := newProgress(opts.progress, "imported")
	if s, ok := st.(*sqlite.Store); ok {
		err = importBulk(ctx, s, plans, opts.txEvents, &rep, writing)
	} else {
		err = importByAppend(ctx, st, plans, &rep, writing)
	}
	writing.done()
	rep.elapsed = time.Since(start)
	return rep, err
}

// importBulk writes the plans through the embedded store's Import.
func importBulk(ctx context.Context, s *sqlite.Store, plans []streamPlan, txEvents int, rep *importReport, prog *progress) error {
	batches := func(yield func(sqlite.Batch) bool) {
		for _, p := range plans {
			if len(p.append) > 0 && !yield(sqlite.Batch{Stream: p.stream.name, Expected: p.expected, Events: p.append}) {
				return
			}
		}
	}
	res, err := s.Import(ctx, batches, sqlite.ImportOptions{TxEvents: txEvents,
		Progress: func(r sqlite.ImportResult) { prog.set(r.Events) }})
	rep.imported, rep.written, rep.failed = res.Events, res.Streams, res.Failed
	// A batch found stored whole was stored by someone else since the plan:
	// for the operator it is as skipped.
	rep.skipped += res.Duplicates
	if err != nil {
		return fmt.Errorf("%w (%d events were stored before it stopped; run the import again to finish)", err, res.Events)
	}
	return nil
}

// importByAppend writes the plans through the store port, one atomic
// Append per stream, a few at a time (a remote store gains from the
// concurrency).
func importByAppend(ctx context.Context, st eventStore, plans []streamPlan, rep *importReport, prog *progress) error {
	var mu sync.Mutex
	var fatal error
	sem := make(chan struct{}, 8)
	var wg sync.WaitGroup
	for _, p := range plans {
		if len(p.append) == 0 {
			continue
		}
		mu.Lock()
		stop := fatal != nil
		mu.Unlock()
		if stop || ctx.Err() != nil {
			break
		}
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			res, err := st.Append(ctx, p.stream.name, p.expected, p.append...)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil && res.Duplicate:
				rep.skipped += len(p.append)
			case err == nil:
				rep.imported += len(p.append)
				rep.written++
				prog.set(rep.imported)
			case errors.Is(err, store.ErrWrongRevision), errors.Is(err, store.ErrDuplicateEventID), errors.Is(err, store.ErrInvalid):
				rep.failed = append(rep.failed, sqlite.BatchError{Stream: p.stream.name, Err: err})
			case fatal == nil:
				fatal = err
			}
		})
	}
	wg.Wait()
	if fatal == nil {
		fatal = ctx.Err()
	}
	if fatal != nil {
		return fmt.Errorf("%w (%d events were stored before it stopped; run the import again to finish)", fatal, rep.imported)
	}
	return nil
}

// print writes the report for an operator.
func (r importReport) print(w io.Writer, name, where string) {
	fmt.Fprintf(w, "%s: %s events in %s streams (store: %s)\n", name, digits(r.events), digits(r.streams), where)
	fmt.Fprintf(w, "  imported  %s events into %s streams\n", digits(r.imported), digits(r.written))
	fmt.Fprintf(w, "  skipped   %s events already stored\n", digits(r.skipped))
	if r.imported == 0 && len(r.failed) == 0 {
		fmt.Fprintln(w, "  nothing new: every event of the file was stored already")
	}
	for _, f := range r.failed {
		fmt.Fprintf(w, "  NOT IMPORTED %s: %v (nothing of it was stored)\n", f.Stream, f.Err)
	}
	rate := float64(r.imported) / max(r.elapsed.Seconds(), 1e-9)
	fmt.Fprintf(w, "  in %s (%s events/s)\n", r.elapsed.Round(time.Millisecond), digits(int(rate)))
}

// digits writes n with its thousands separated: 1,234,567.
func digits(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
