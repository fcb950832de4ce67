package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/caseledger/caseledger/domain"
	"github.com/caseledger/caseledger/store"
)

// storedEvents returns the already stored events whose ids are among evs',
// by id. Within a batch it sees what earlier requests inserted.
func (w *writer) storedEvents(evs []domain.Envelope) (map[string]domain.Envelope, error) {
	idList := make([]string, len(evs))
	for i, e := range evs {
		idList[i] = e.EventID
	}
	arg, err := json.Marshal(idList)
	if err != nil {
		return nil, fmt.Errorf("%w: event ids: %w", store.ErrInvalid, err)
	}
	rows, err := w.stored.QueryContext(context.Background(), string(arg))
	if err != nil {
		return nil, unavailable("look up event ids", err)
	}
	defer rows.Close()
	var found map[string]domain.Envelope
	for rows.Next() {
		var pos int64
		var raw []byte
		if err := rows.Scan(&pos, &raw); err != nil {
			return nil, unavailable("look up event ids", err)
		}
		e, err := decode(pos, raw)
		if err != nil {
			return nil, unavailable("look up event ids", err)
		}
		if found == nil {
			found = map[string]domain.Envelope{}
		}
		found[e.EventID] = e
	}
	if err := rows.Err(); err != nil {
		return nil, unavailable("look up event ids", err)
	}
	return found, nil
}

// duplicate answers a request some of whose ids were stored before: a
// retry, if all of them were, in this stream; ErrDuplicateEventID if not.
func duplicate(r *request, stored map[string]domain.Envelope) (store.Appended, error) {
	evs := make([]domain.Envelope, 0, len(r.events))
	for _, e := range r.events {
		s, ok := stored[e.EventID]
		if !ok || s.Stream != r.stream {
			where := "not"
			if ok {
				where = "in " + s.Stream
			}
			return store.Appended{}, fmt.Errorf("append to %s: event %s stored %s, of %d stored before: %w",
				r.stream, e.EventID, where, len(stored), store.ErrDuplicateEventID)
		}
		evs = append(evs, s)
	}
	return appended(evs, true), nil
}

// tipOf returns where stream ends: as this batch left it, else as cached,
// else as the file says (which, with no pending write to the stream, is its
// committed state, and is cached as such).
func (w *writer) tipOf(stream string, pending map[string]tip) (tip, error) {
	if t, ok := pending[stream]; ok {
		return t, nil
	}
	if t, ok := w.tips[stream]; ok {
		return t, nil
	}
	var rev int64
	var raw []byte
	err := w.tip.QueryRowContext(context.Background(), stream).Scan(&rev, &raw)
	if errors.Is(err, sql.ErrNoRows) {
		w.tips.put(stream, tip{})
		return tip{}, nil
	}
	if err != nil {
		return tip{}, unavailable("read stream tip", err)
	}
	var last struct {
		Hash string `json:"hash"`
	}
	if err := json.Unmarshal(raw, &last); err != nil {
		return tip{}, unavailable("read stream tip", err)
	}
	t := tip{exists: true, revision: uint64(rev), hash: last.Hash}
	w.tips.put(stream, t)
	return t, nil
}
