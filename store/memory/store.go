package memory

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/caseledger/caseledger/domain"
	"github.com/caseledger/caseledger/store"
)

// Store is an in-memory event store. The zero value is not usable; call New.
type Store struct {
	now func() time.Time

	mu      sync.Mutex
	events  []domain.Envelope   // events[i] is at position i+1
	streams map[string][]uint64 // stream → positions of its events, by revision
	byID    map[string]uint64   // event id → position
	stamped time.Time           // the last recorded_at given out
	changed chan struct{}       // closed and replaced on every append
	closed  bool
	done    chan struct{} // closed by Close
}

// Option configures a Store.
type Option func(*Store)

// WithClock makes the store stamp recorded_at from now instead of time.Now.
// The store still never lets recorded_at decrease.
func WithClock(now func() time.Time) Option {
	return func(s *Store) { s.now = now }
}

// New returns an empty store.
func New(opts ...Option) *Store {
	s := &Store{
		now:     time.Now,
		streams: map[string][]uint64{},
		byID:    map[string]uint64{},
		changed: make(chan struct{}),
		done:    make(chan struct{}),
	}
	for _, o := range opts {
		o(s)
	}
	return s
}

// Close ends every subscription and makes later calls fail with
// store.ErrClosed. Closing twice is harmless.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.closed {
		s.closed = true
		close(s.done)
		s.broadcast()
	}
	return nil
}

// broadcast wakes every subscriber waiting for a change. s.mu must be held.
func (s *Store) broadcast() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// ReadStream returns up to limit events of stream from revision from on.
func (s *Store) ReadStream(ctx context.Context, stream string, from uint64, limit int) ([]domain.Envelope, error) {
	if limit <= 0 {
		return nil, fmt.Errorf("read %s: %w: limit %d", stream, store.ErrInvalid, limit)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, store.ErrClosed
	}
	ps := s.streams[stream]
	if from >= uint64(len(ps)) {
		return nil, nil
	}
	ps = ps[from:min(uint64(len(ps)), from+uint64(limit))]
	out := make([]domain.Envelope, len(ps))
	for i, p := range ps {
		out[i] = clone(s.events[p-1])
	}
	return out, nil
}

// ReadAll returns up to limit events with a position after after.
func (s *Store) ReadAll(ctx context.Context, after uint64, limit int) ([]domain.Envelope, error) {
	if limit <= 0 {
		return nil, fmt.Errorf("read all: %w: limit %d", store.ErrInvalid, limit)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, store.ErrClosed
	}
	return s.readAfter(after, limit), nil
}

// readAfter copies up to limit events after position after. s.mu must be held.
func (s *Store) readAfter(after uint64, limit int) []domain.Envelope {
	if after >= uint64(len(s.events)) {
		return nil
	}
	evs := s.events[after:min(uint64(len(s.events)), after+uint64(limit))]
	out := make([]domain.Envelope, len(evs))
	for i, e := range evs {
		out[i] = clone(e)
	}
	return out
}

// clone returns a copy of e that shares no memory with it.
func clone(e domain.Envelope) domain.Envelope {
	e.Actor.Roles = cloneStrings(e.Actor.Roles)
	e.Data = append([]byte(nil), e.Data...)
	if e.Imported != nil {
		imp := *e.Imported
		imp.Actor.Roles = cloneStrings(imp.Actor.Roles)
		e.Imported = &imp
	}
	return e
}

// cloneStrings copies ss, keeping nil as nil.
func cloneStrings(ss []string) []string {
	if ss == nil {
		return nil
	}
	return append([]string{}, ss...)
}
