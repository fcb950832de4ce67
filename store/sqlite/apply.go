package sqlite

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/caseledger/caseledger/domain"
	"github.com/caseledger/caseledger/store"
)

// apply carries out one request inside the batch's transaction under its
// own savepoint. On success it records the stream's new tip in pending; on
// a failure of the request's own it rolls back to the savepoint and leaves
// pending as it was. An ErrUnavailable error means the transaction itself
// is in doubt and the batch must be abandoned. A request of one event needs
// no savepoint: its one INSERT is the only statement that writes, and a
// statement that fails is undone by SQLite on its own (the access log's
// appends, one event each, are most appends). A request whose ids turn out
// to be stored already is answered, once its inserts are undone, as
// duplicate says.
func (w *writer) apply(r *request, pending map[string]tip) (store.Appended, error) {
	if len(r.events) == 1 {
		res, err := w.applyIn(r, pending)
		if errors.Is(err, errIDTaken) {
			return w.duplicateOf(r)
		}
		return res, err
	}
	if err := w.exec("SAVEPOINT append"); err != nil {
		return store.Appended{}, unavailable("savepoint", err)
	}
	res, err := w.applyIn(r, pending)
	if errors.Is(err, store.ErrUnavailable) {
		return store.Appended{}, err
	}
	if err != nil {
		if rerr := w.exec("ROLLBACK TO append"); rerr != nil {
			return store.Appended{}, unavailable("rollback to savepoint", rerr)
		}
	}
	if errors.Is(err, errIDTaken) {
		res, err = w.duplicateOf(r)
	}
	if rerr := w.exec("RELEASE append"); rerr != nil {
		return store.Appended{}, unavailable("release savepoint", rerr)
	}
	return res, err
}

// errIDTaken says an insert was refused because its event id is stored.
var errIDTaken = errors.New("event id stored already")

// duplicateOf answers a request some of whose event ids are stored.
func (w *writer) duplicateOf(r *request) (store.Appended, error) {
	stored, err := w.storedEvents(r.events)
	if err != nil {
		return store.Appended{}, err
	}
	return duplicate(r, stored)
}

// applyIn checks the expected revision, then seals and inserts the
// request's events. Idempotency costs no lookup before the insert: the
// UNIQUE index on event_id refuses a stored id (errIDTaken). A request the
// expected revision refuses is looked up, since a retry of one that was
// stored finds its stream moved on — by itself.
func (w *writer) applyIn(r *request, pending map[string]tip) (store.Appended, error) {
	t, err := w.tipOf(r.stream, pending)
	if err != nil {
		return store.Appended{}, err
	}
	if !r.expected.Allows(t.revision, t.exists) {
		stored, err := w.storedEvents(r.events)
		if err != nil {
			return store.Appended{}, err
		}
		if len(stored) > 0 {
			return duplicate(r, stored)
		}
		return store.Appended{}, fmt.Errorf("append to %s: expected %s, at %s: %w",
			r.stream, r.expected, t, store.ErrWrongRevision)
	}
	if err := w.seal(r, t); err != nil {
		return store.Appended{}, err
	}
	for i := range r.events {
		if err := w.insertEvent(&r.events[i]); err != nil {
			return store.Appended{}, err
		}
	}
	last := r.events[len(r.events)-1]
	pending[r.stream] = tip{exists: true, revision: last.Revision, hash: last.Hash}
	return appended(r.events, false), nil
}

// seal places the request's events after t, all stamped with one
// recorded_at. Absent data is stored as the empty object it is hashed as.
func (w *writer) seal(r *request, t tip) error {
	rev, prev := uint64(0), domain.ZeroHash
	if t.exists {
		rev, prev = t.revision+1, t.hash
	}
	now := w.stamp()
	for i := range r.events {
		e := &r.events[i]
		if len(e.Data) == 0 {
			e.Data = json.RawMessage("{}")
		}
		if err := domain.Seal(e, r.stream, rev+uint64(i), prev, now); err != nil {
			return fmt.Errorf("append to %s: %w: %w", r.stream, store.ErrInvalid, err)
		}
		prev = e.Hash
	}
	return nil
}

// insertEvent writes one sealed event and sets its position. A constraint
// refusing the row means the cached tip was wrong (another process wrote
// the file): the tip is forgotten and the request fails alone.
func (w *writer) insertEvent(e *domain.Envelope) error {
	env, err := encode(e)
	if err != nil {
		return fmt.Errorf("append to %s: %w: %w", e.Stream, store.ErrInvalid, err)
	}
	res, err := w.insert.ExecContext(context.Background(), e.EventID, e.Stream, int64(e.Revision), e.Type,
		domain.FormatTime(e.OccurredAt), domain.FormatTime(e.RecordedAt), env)
	if isConstraint(err) && strings.Contains(err.Error(), "events.event_id") {
		return fmt.Errorf("append to %s: event %s: %w", e.Stream, e.EventID, errIDTaken)
	}
	if isConstraint(err) {
		delete(w.tips, e.Stream)
		return fmt.Errorf("append to %s: %w: %w", e.Stream, store.ErrWrongRevision, err)
	}
	if err != nil {
		return unavailable("insert", err)
	}
	pos, err := res.LastInsertId()
	if err != nil {
		return unavailable("insert", err)
	}
	e.Position = uint64(pos)
	return nil
}
