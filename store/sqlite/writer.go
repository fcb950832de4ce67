package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/caseledger/caseledger/domain"
	"github.com/caseledger/caseledger/store"
)

// The writer's statements. The duplicate lookup takes the ids as one JSON
// array so that one prepared statement serves a batch of any size.
const (
	insertSQL = `INSERT INTO events (event_id, stream, revision, type, occurred_at, recorded_at, envelope)
		VALUES (?, ?, ?, ?, ?, ?, ?)`
	storedSQL = `SELECT position, envelope FROM events
		WHERE event_id IN (SELECT value FROM json_each(?))`
	tipSQL = `SELECT revision, envelope FROM events
		WHERE stream = ? ORDER BY revision DESC LIMIT 1`
	lastStampSQL = `SELECT recorded_at FROM events ORDER BY position DESC LIMIT 1`
)

// writer owns the write connection and carries out every append, in
// batches that share one transaction and one fsync.
type writer struct {
	conn     *sql.Conn
	insert   *sql.Stmt
	stored   *sql.Stmt
	tip      *sql.Stmt
	now      func() time.Time
	stamped  time.Time // the last recorded_at given out
	tips     tips      // committed stream tips
	maxBatch int
	rows     *rowInserter // the multi-row INSERTs of imports
	// importRows is the rows of the import chunk being applied, kept for its capacity.
	importRows []row
	notify     func()       // wakes subscribers after a commit that wrote
	known      *known       // tips shared with readers: set after COMMIT, before answering
	commits    atomic.Int64 // transactions committed, to see batching at work
}

// newWriter checks conn's durability settings, creates the schema, and
// prepares the writer's statements and clock. On failure conn is left for
// the caller to close.
func newWriter(ctx context.Context, conn *sql.Conn, cfg config, notify func(), k *known) (*writer, error) {
	if err := checkDurable(ctx, conn); err != nil {
		return nil, err
	}
	if err := migrate(ctx, conn); err != nil {
		return nil, err
	}
	w := &writer{conn: conn, now: cfg.now, tips: tips{}, known: k, maxBatch: cfg.maxBatch, notify: notify, rows: newRowInserter(conn)}
	for _, p := range []struct {
		stmt **sql.Stmt
		sql  string
	}{{&w.insert, insertSQL}, {&w.stored, storedSQL}, {&w.tip, tipSQL}} {
		stmt, err := conn.PrepareContext(ctx, p.sql)
		if err != nil {
			return nil, errors.Join(unavailable("prepare", err), w.closeStmts())
		}
		*p.stmt = stmt
	}
	if err := w.loadStamp(ctx); err != nil {
		return nil, errors.Join(err, w.closeStmts())
	}
	return w, nil
}

// loadStamp starts the clock at the last recorded_at in the file, so that
// recorded_at never decreases across a restart either.
func (w *writer) loadStamp(ctx context.Context) error {
	var last string
	err := w.conn.QueryRowContext(ctx, lastStampSQL).Scan(&last)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return unavailable("read last recorded_at", err)
	}
	if w.stamped, err = time.Parse(time.RFC3339Nano, last); err != nil {
		return fmt.Errorf("sqlite store: last recorded_at %q: %w", last, err)
	}
	return nil
}

// stamp returns the recorded_at for the next append: the clock, but never
// earlier than the last one given out.
func (w *writer) stamp() time.Time {
	now := w.now().UTC()
	if now.Before(w.stamped) {
		now = w.stamped
	}
	w.stamped = now
	return now
}

// close releases the statements and the write connection.
func (w *writer) close() error {
	return errors.Join(w.closeStmts(), w.conn.Close())
}

// closeStmts releases whichever statements were prepared.
func (w *writer) closeStmts() error {
	var errs []error
	for _, stmt := range []*sql.Stmt{w.insert, w.stored, w.tip} {
		if stmt != nil {
			errs = append(errs, stmt.Close())
		}
	}
	errs = append(errs, w.rows.close())
	return errors.Join(errs...)
}

// run serves requests until quit is closed, taking every append already
// waiting into the same batch. An import chunk is committed alone, after
// the appends taken before it.
func (w *writer) run(requests <-chan *request, quit <-chan struct{}) {
	batch := make([]*request, 0, w.maxBatch)
	var held *request // an import chunk that ended the collection of a batch
	for {
		r := held
		held = nil
		if r == nil {
			select {
			case <-quit:
				return
			case r = <-requests:
			}
		}
		if r.chunk != nil {
			// An import writes streams behind the known tips: they are
			// forgotten, and what readers saw meanwhile is not believed.
			w.known.reset()
			w.commitImport(r)
			w.known.reset()
			continue
		}
		batch = append(batch[:0], r)
	collect:
		for len(batch) < w.maxBatch {
			select {
			case r := <-requests:
				if r.chunk != nil {
					held = r
					break collect
				}
				batch = append(batch, r)
			default:
				break collect
			}
		}
		w.commit(batch)
		clear(batch)
	}
}

// exec runs one statement on the write connection outside any caller's
// context: a batch is never abandoned halfway because one caller left.
func (w *writer) exec(query string) error {
	_, err := w.conn.ExecContext(context.Background(), query)
	return err
}

// appended is the result of an append whose events are evs.
func appended(evs []domain.Envelope, dup bool) store.Appended {
	last := evs[len(evs)-1]
	return store.Appended{
		Revision: last.Revision, Position: last.Position, RecordedAt: last.RecordedAt,
		Events: evs, Duplicate: dup,
	}
}
