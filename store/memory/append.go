package memory

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/caseledger/caseledger/domain"
	"github.com/caseledger/caseledger/store"
)

// Append stores evs at the end of stream if it satisfies expected, sealing
// each. If every id was stored before in stream it stores nothing and
// reports the originals with Duplicate set.
func (s *Store) Append(ctx context.Context, stream string, expected store.Expected, evs ...domain.Envelope) (store.Appended, error) {
	if err := store.CheckAppendable(stream, evs); err != nil {
		return store.Appended{}, err
	}
	if err := ctx.Err(); err != nil {
		return store.Appended{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return store.Appended{}, store.ErrClosed
	}
	if res, done, err := s.duplicate(stream, evs); done {
		return res, err
	}
	ps := s.streams[stream]
	last, exists := uint64(len(ps))-1, len(ps) > 0
	if !expected.Allows(last, exists) {
		return store.Appended{}, fmt.Errorf("append to %s: expected %s, at %d events: %w",
			stream, expected, len(ps), store.ErrWrongRevision)
	}
	sealed, err := s.seal(stream, uint64(len(ps)), evs)
	if err != nil {
		return store.Appended{}, err
	}
	for _, e := range sealed {
		s.events = append(s.events, clone(e))
		s.streams[stream] = append(s.streams[stream], e.Position)
		s.byID[e.EventID] = e.Position
	}
	s.broadcast()
	return appended(sealed, false), nil
}

// duplicate decides an append some of whose ids were stored before: done is
// false when none were.
func (s *Store) duplicate(stream string, evs []domain.Envelope) (res store.Appended, done bool, err error) {
	var found []domain.Envelope
	for _, e := range evs {
		if p, ok := s.byID[e.EventID]; ok {
			found = append(found, clone(s.events[p-1]))
		}
	}
	if len(found) == 0 {
		return store.Appended{}, false, nil
	}
	for _, e := range found {
		if len(found) != len(evs) || e.Stream != stream {
			return store.Appended{}, true, fmt.Errorf("append to %s: event %s is in %s: %w",
				stream, e.EventID, e.Stream, store.ErrDuplicateEventID)
		}
	}
	return appended(found, true), true, nil
}

// seal returns copies of evs placed in stream from revision first on, after
// the stream's last hash, stamped with one recorded_at. s.mu must be held.
func (s *Store) seal(stream string, first uint64, evs []domain.Envelope) ([]domain.Envelope, error) {
	prev := domain.ZeroHash
	if first > 0 {
		prev = s.events[s.streams[stream][first-1]-1].Hash
	}
	now := s.now().UTC()
	if now.Before(s.stamped) {
		now = s.stamped
	}
	s.stamped = now
	out := make([]domain.Envelope, len(evs))
	for i, e := range evs {
		e = clone(e)
		if len(e.Data) == 0 {
			e.Data = json.RawMessage("{}")
		}
		if err := domain.Seal(&e, stream, first+uint64(i), prev, now); err != nil {
			return nil, fmt.Errorf("append to %s: %w: %w", stream, store.ErrInvalid, err)
		}
		e.Position = uint64(len(s.events) + i + 1)
		prev = e.Hash
		out[i] = e
	}
	return out, nil
}

// appended is the result of an append whose events are evs.
func appended(evs []domain.Envelope, dup bool) store.Appended {
	last := evs[len(evs)-1]
	return store.Appended{
		Revision: last.Revision, Position: last.Position, RecordedAt: last.RecordedAt,
		Events: evs, Duplicate: dup,
	}
}
