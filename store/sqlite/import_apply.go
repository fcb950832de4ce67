package sqlite

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/caseledger/caseledger/store"
)

// commitImport carries out an import chunk in a transaction of its own and
// answers only after COMMIT has returned. It has no savepoint to pay for
// (SQLite copies every page a savepoint's changes touch to a journal): if a
// row is refused, the transaction is rolled back and begun again, and the
// chunk's batches carried out one by one, each as an Append.
func (w *writer) commitImport(r *request) {
	defer closeOnce(r.chunk.committing)
	if r.chunk.first {
		if err := w.exec(importCacheSQL); err != nil {
			r.reply <- reply{err: unavailable("set cache_size", err)}
			return
		}
	}
	if err := w.begin(); err != nil {
		r.reply <- reply{err: err}
		return
	}
	pending := map[string]tip{}
	wrote, err := w.applyImport(r.chunk, pending)
	closeOnce(r.chunk.committing) // the importer may seal the next chunk while this one commits
	if err == nil {
		err = w.commitLeavingWAL()
	}
	if err != nil {
		w.tips.forget(pending)
		r.reply <- reply{err: errors.Join(err, w.rollback())}
		return
	}
	w.commits.Add(1)
	w.tips.commit(pending)
	if wrote {
		w.notify()
	}
	r.reply <- reply{}
}

// importCacheSQL gives the write connection the page cache of a bulk
// insert, for an import and the bare insert alike. SQLite's default
// (2 MiB) is smaller than one import transaction's pages: it spilled dirty
// pages to the WAL in the middle of each transaction, and wrote them again
// at COMMIT once touched again. It costs memory (the driver's allocator
// holds about three times the cache's size), so appends keep the default
// until an import.
var importCacheSQL = fmt.Sprintf("PRAGMA cache_size = %d", -(64 << 10))

// commitLeavingWAL commits without copying the WAL into the database file
// (the import's checkpointer does), then sets the WAL's copying back for
// appends.
func (w *writer) commitLeavingWAL() error {
	if err := w.exec("PRAGMA wal_autocheckpoint = 0"); err != nil {
		return unavailable("set wal_autocheckpoint", err)
	}
	err := w.exec("COMMIT")
	if err != nil {
		err = unavailable("commit", err)
	}
	if rerr := w.exec(fmt.Sprintf("PRAGMA wal_autocheckpoint = %d", defaultAutocheckpoint)); rerr != nil {
		err = errors.Join(err, unavailable("set wal_autocheckpoint", rerr))
	}
	return err
}

// closeOnce closes ch unless it is closed already.
func closeOnce(ch chan struct{}) {
	select {
	case <-ch:
	default:
		close(ch)
	}
}

// applyImport carries out an import chunk in the open transaction, which
// holds nothing else. Each batch is checked against its stream's tip
// (Expected, and idempotency when Expected refuses it), sealed again unless
// the seal made ahead still holds, and all rows are inserted with multi-row
// statements. The outcome of each batch is left in it; an error means the
// transaction is in doubt.
func (w *writer) applyImport(c *importChunk, pending map[string]tip) (wrote bool, err error) {
	stamp, ahead := c.stamp, !c.stamp.IsZero() && !c.stamp.Before(w.stamped)
	if !ahead {
		stamp = w.stamp()
	}
	w.importRows = w.importRows[:0]
	for _, b := range c.batches {
		t, err := w.importTip(b, ahead, pending)
		if err != nil {
			return false, err
		}
		if !b.Expected.Allows(t.revision, t.exists) {
			if b.dup, b.err = w.refusal(b, t); errors.Is(b.err, store.ErrUnavailable) {
				return false, b.err
			}
			continue
		}
		if !ahead || !b.sealed || b.sealedOn != t {
			if b.rows, b.err = sealRows(b.Stream, b.Events, t, stamp, b.rows[:0]); b.err != nil {
				continue
			}
		}
		w.importRows = append(w.importRows, b.rows...)
		last := b.Events[len(b.Events)-1]
		pending[b.Stream] = tip{exists: true, revision: last.Revision, hash: last.Hash}
		wrote = true
	}
	err = w.rows.insert(context.Background(), w.importRows)
	clear(w.importRows)
	switch {
	case isConstraint(err):
		if err := w.rollback(); err != nil {
			return false, err
		}
		if err := w.begin(); err != nil {
			return false, err
		}
		clear(pending)
		return w.applyImportAlone(c, pending)
	case err != nil:
		return false, unavailable("insert", err)
	}
	if stamp.After(w.stamped) {
		w.stamped = stamp
	}
	return wrote, nil
}

// importTip is where b's stream ends, for b. A stream the writer knows
// nothing of, b having been sealed ahead on a tip it expects and the file
// bore out (no stream, or the event at revision r, read), is taken to end
// there without asking the file again: a committed event cannot have
// changed, and the INSERT of b's first event at the next revision fails on
// the UNIQUE (stream, revision) index if anything is there, which sends the
// chunk to the slow path, which looks. It saves a query for every new
// stream. A tip this import only guessed (after its own earlier batch,
// which may have failed) is never taken on trust.
func (w *writer) importTip(b *importBatch, ahead bool, pending map[string]tip) (tip, error) {
	if t, ok := pending[b.Stream]; ok {
		return t, nil
	}
	if t, ok := w.tips[b.Stream]; ok {
		return t, nil
	}
	if ahead && b.sealed && b.committed {
		return b.sealedOn, nil
	}
	return w.tipOf(b.Stream, pending)
}

// applyImportAlone carries out each batch of c that was not refused as its
// own Append: the slow path, taken when a row of the chunk was refused.
func (w *writer) applyImportAlone(c *importChunk, pending map[string]tip) (wrote bool, err error) {
	for _, b := range c.batches {
		if b.err != nil || b.dup {
			continue // refused before anything was inserted: the answer stands
		}
		r := &request{ctx: context.Background(), stream: b.Stream, expected: b.Expected, events: b.Events}
		res, err := w.apply(r, pending)
		if errors.Is(err, store.ErrUnavailable) {
			return false, err
		}
		b.err, b.dup = err, err == nil && res.Duplicate
		wrote = wrote || (err == nil && !res.Duplicate)
	}
	return wrote, nil
}

// refusal answers a batch whose stream is not at the expected revision as
// Append would: a retry if every id was stored before in the stream,
// ErrDuplicateEventID if some were, ErrWrongRevision otherwise.
func (w *writer) refusal(b *importBatch, t tip) (dup bool, err error) {
	stored, err := w.storedEvents(b.Events)
	if err != nil {
		return false, err
	}
	r := &request{stream: b.Stream, events: b.Events}
	if len(stored) > 0 {
		_, err := duplicate(r, stored)
		return err == nil, err
	}
	return false, fmt.Errorf("append to %s: expected %s, at %s: %w", b.Stream, b.Expected, t, store.ErrWrongRevision)
}

// stampAhead is the recorded_at an import may seal with ahead of the
// writer: the clock, but never earlier than last.
func stampAhead(now func() time.Time, last time.Time) time.Time {
	t := now().UTC()
	if t.Before(last) {
		return last
	}
	return t
}
