package sqlite

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/caseledger/caseledger/domain"
	"github.com/caseledger/caseledger/store"
)

// Batch is one stream's events for Import: stored as one Append would store
// them, atomically at the end of Stream if it satisfies Expected, and not
// again if every id was stored before in Stream.
type Batch struct {
	Stream   string
	Expected store.Expected
	Events   []domain.Envelope
}

// ImportOptions tunes Import.
type ImportOptions struct {
	// TxEvents is how many events a transaction takes: whole batches until
	// at least this many (default DefaultTxEvents).
	TxEvents int
	// Progress, when set, is called after each commit with the result so
	// far. Calls never overlap.
	Progress func(ImportResult)
}

// DefaultTxEvents is the transaction size of an import: large enough that
// the fsync and the pages every commit rewrites (those of the event_id
// index, where random ids land all over it) are a small part of each
// commit — 8,192 took an eighth off a bulk insert's CPU time against
// 4,096 — small enough that appends waiting behind one commit wait tens
// of milliseconds (about 70).
const DefaultTxEvents = 8192

// ImportResult is what Import did.
type ImportResult struct {
	Events     int // events stored
	Streams    int // batches stored
	Duplicates int // events not stored again: their whole batch had been
	Commits    int // transactions committed
	// Failed lists the batches refused, each alone (store.ErrWrongRevision,
	// store.ErrDuplicateEventID, store.ErrInvalid): nothing of them was stored.
	Failed []BatchError
}

// BatchError is a batch Import refused.
type BatchError struct {
	Stream string
	Err    error
}

func (e BatchError) Error() string { return e.Stream + ": " + e.Err.Error() }

// Import stores many streams' batches, each as one Append would, but many
// to a transaction, with multi-row INSERTs and one fsync per transaction.
// It goes through the writer, so it stays serialised with appends, which
// commit between its transactions; each batch keeps Append's guarantees
// (atomic, Expected checked, idempotent on ids, recorded_at never
// decreasing).
//
// While the writer stores one transaction, Import seals the next on the
// other cores: it stamps it with the store's clock and chains each batch
// after the tip it expects (what this import sealed before, or nothing for
// NoStream, or the event at revision r for Exact(r), read from the read
// pool). The writer keeps those seals only if the tip is still that and
// nothing later was stamped meanwhile, and otherwise seals again itself:
// the speculation saves time, never correctness.
//
// Import seals the batches' events in place: the caller hands them over.
// It returns at the first failure of the store itself (ErrUnavailable,
// ErrClosed) or when ctx ends, with what was committed before it; a
// transaction already with the writer is always waited for, so that the
// result is exact. Re-running an import is safe: what was stored is found
// stored.
func (s *Store) Import(ctx context.Context, batches iter.Seq[Batch], opts ImportOptions) (ImportResult, error) {
	if opts.TxEvents <= 0 {
		opts.TxEvents = DefaultTxEvents
	}
	im := &importer{s: s, opts: opts, sealed: map[string]tip{}, ckpt: s.startCheckpointer()}
	defer im.ckpt.stop()
	var chunk []*importBatch
	size := 0
	for b := range batches {
		if err := store.CheckAppendable(b.Stream, b.Events); err != nil {
			im.res.Failed = append(im.res.Failed, BatchError{Stream: b.Stream, Err: err})
			continue
		}
		chunk = append(chunk, &importBatch{Batch: b})
		if size += len(b.Events); size >= opts.TxEvents {
			if err := im.send(ctx, chunk); err != nil {
				return im.res, err
			}
			chunk, size = nil, 0
		}
	}
	if len(chunk) > 0 {
		if err := im.send(ctx, chunk); err != nil {
			return im.res, err
		}
	}
	return im.res, im.wait()
}

// importer is one Import under way.
type importer struct {
	s        *Store
	opts     ImportOptions
	res      ImportResult
	sealed   map[string]tip // the tip each stream had after this import's batches, as sealed
	stamp    time.Time      // the last recorded_at this import sealed with
	inflight *request
	ckpt     *checkpointer // copies the WAL its commits leave
	began    bool          // a chunk was sent
}

// importChunk is one transaction's worth of batches, as the writer gets it.
type importChunk struct {
	batches []*importBatch
	stamp   time.Time // the recorded_at of the seals made ahead; zero if none
	// committing is closed by the writer once it has inserted the chunk's
	// rows, or given up on them.
	committing chan struct{}
	first      bool // the import's first chunk: the writer sets its cache
}

// importBatch is a batch, sealed ahead or not, and what became of it.
type importBatch struct {
	Batch
	sealed    bool // sealed ahead, after sealedOn, with the chunk's stamp
	sealedOn  tip
	committed bool // sealedOn is no stream, or an event read from the file
	rows      []row

	// Set by the writer.
	err error
	dup bool
}

// send seals chunk ahead, waits for the transaction before it, and hands
// chunk to the writer. The sealing waits until the writer has inserted the
// transaction before it and is committing it: the fsync leaves the cores
// idle, while sealing during the inserts would slow them down.
func (im *importer) send(ctx context.Context, chunk []*importBatch) error {
	if err := ctx.Err(); err != nil {
		return errors.Join(im.wait(), err)
	}
	if r := im.inflight; r != nil {
		select {
		case <-r.chunk.committing:
		case <-im.s.done:
		}
	}
	c := im.prepare(ctx, chunk)
	if err := im.wait(); err != nil {
		return err
	}
	if len(c.batches) == 0 {
		return nil
	}
	if im.res.Commits > 0 && im.res.Commits%restartEvery == 0 {
		im.ckpt.catchUp() // so that the WAL starts again from its beginning
	}
	c.first = !im.began
	im.began = true
	r := &request{ctx: context.WithoutCancel(ctx), chunk: c, reply: make(chan reply, 1)}
	select {
	case im.s.requests <- r:
		im.inflight = r
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-im.s.quit:
		return store.ErrClosed
	}
}

// wait collects the outcome of the transaction with the writer, if any.
func (im *importer) wait() error {
	r := im.inflight
	if r == nil {
		return nil
	}
	im.inflight = nil
	var rep reply
	select {
	case rep = <-r.reply:
	case <-im.s.done:
		select {
		case rep = <-r.reply:
		default:
			return store.ErrClosed
		}
	}
	if rep.err != nil {
		return fmt.Errorf("import: %w", rep.err)
	}
	im.res.Commits++
	im.ckpt.signal()
	for _, b := range r.chunk.batches {
		b.rows = nil // stored: let them go
		switch {
		case b.err != nil:
			im.res.Failed = append(im.res.Failed, BatchError{Stream: b.Stream, Err: b.err})
			delete(im.sealed, b.Stream) // whatever this import sealed after it is stale
		case b.dup:
			im.res.Duplicates += len(b.Events)
		default:
			im.res.Events += len(b.Events)
			im.res.Streams++
		}
	}
	if im.opts.Progress != nil {
		im.opts.Progress(im.res)
	}
	return nil
}

// prepare seals the batches of chunk whose tip it can foresee, in
// parallel, and drops those that cannot be sealed at all (ErrInvalid).
func (im *importer) prepare(ctx context.Context, chunk []*importBatch) *importChunk {
	stamp := stampAhead(im.s.now, im.stamp)
	im.stamp = stamp
	var work []*importBatch
	for _, b := range chunk {
		if t, committed, ok := im.foresee(ctx, b); ok {
			b.sealed, b.sealedOn, b.committed = true, t, committed
			work = append(work, b)
		}
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(sealers(), len(work)) {
		wg.Go(func() {
			for i := next.Add(1) - 1; i < int64(len(work)); i = next.Add(1) - 1 {
				b := work[i]
				b.rows, b.err = sealRows(b.Stream, b.Events, b.sealedOn, stamp, b.rows[:0])
			}
		})
	}
	wg.Wait()
	c := &importChunk{stamp: stamp, committing: make(chan struct{})}
	for _, b := range chunk {
		if b.err != nil {
			im.res.Failed = append(im.res.Failed, BatchError{Stream: b.Stream, Err: b.err})
			continue
		}
		if b.sealed {
			last := b.Events[len(b.Events)-1]
			im.sealed[b.Stream] = tip{exists: true, revision: last.Revision, hash: last.Hash}
		}
		c.batches = append(c.batches, b)
	}
	return c
}

// sealers is how many goroutines seal ahead: one a core, as they work
// while the writer waits for its fsync.
func sealers() int { return runtime.GOMAXPROCS(0) }

// foresee returns the tip b's stream will most likely have when the writer
// takes b, or false if it cannot tell cheaply. committed says the tip is
// not this import's guess but what b expects and the file bore out: no
// stream at all, or an event the read pool read.
func (im *importer) foresee(ctx context.Context, b *importBatch) (t tip, committed, ok bool) {
	if t, ok := im.sealed[b.Stream]; ok {
		return t, false, true
	}
	if b.Expected.IsNoStream() {
		return tip{}, true, true
	}
	rev, exact := b.Expected.Revision()
	if !exact {
		return tip{}, false, false
	}
	evs, err := im.s.ReadStream(ctx, b.Stream, rev, 1)
	if err != nil || len(evs) != 1 || evs[0].Revision != rev {
		return tip{}, false, false // the writer will find out
	}
	return tip{exists: true, revision: rev, hash: evs[0].Hash}, true, true
}

// sealRows seals evs in place at the end of stream after t, all stamped
// stamp, and encodes them as rows (appended to rows).
func sealRows(stream string, evs []domain.Envelope, t tip, stamp time.Time, rows []row) ([]row, error) {
	rev, prev := uint64(0), domain.ZeroHash
	if t.exists {
		rev, prev = t.revision+1, t.hash
	}
	recordedAt := domain.FormatTime(stamp)
	for i := range evs {
		e := &evs[i]
		if err := domain.Seal(e, stream, rev+uint64(i), prev, stamp); err != nil {
			return rows, fmt.Errorf("import to %s: %w: %w", stream, store.ErrInvalid, err)
		}
		prev = e.Hash
		r, err := newRow(e, recordedAt)
		if err != nil {
			return rows, fmt.Errorf("import to %s: %w: %w", stream, store.ErrInvalid, err)
		}
		rows = append(rows, r)
	}
	return rows, nil
}
