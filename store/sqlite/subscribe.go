package sqlite

import (
	"context"
	"sync"

	"github.com/caseledger/caseledger/domain"
	"github.com/caseledger/caseledger/store"
)

// subscribePage is how many events a subscription reads at a time.
const subscribePage = 512

// broadcast wakes every waiter at once: wait returns a channel that the
// next notify closes.
type broadcast struct {
	mu sync.Mutex
	ch chan struct{}
}

func newBroadcast() *broadcast { return &broadcast{ch: make(chan struct{})} }

// wait returns a channel closed by the next notify.
func (b *broadcast) wait() <-chan struct{} {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.ch
}

// notify wakes everyone waiting.
func (b *broadcast) notify() {
	b.mu.Lock()
	defer b.mu.Unlock()
	close(b.ch)
	b.ch = make(chan struct{})
}

// Subscribe delivers every event after position after, in global order:
// first what is stored, read in pages, then each commit's events as it
// happens. The event channel is closed when ctx ends, when the store is
// closed (store.ErrClosed is sent on the error channel first) or when a
// read fails (its error is sent first).
func (s *Store) Subscribe(ctx context.Context, after uint64) (<-chan domain.Envelope, <-chan error) {
	out := make(chan domain.Envelope)
	errs := make(chan error, 1)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		errs <- store.ErrClosed
		close(out)
		close(errs)
		return out, errs
	}
	s.subs.Add(1)
	go func() {
		defer s.subs.Done()
		defer close(out)
		defer close(errs)
		if err := s.follow(ctx, after, out); err != nil && ctx.Err() == nil {
			errs <- err
		}
	}()
	return out, errs
}

// follow sends events after position after to out until ctx ends or the
// store closes. It takes the commit notification before each read, so a
// commit after the read is never missed.
func (s *Store) follow(ctx context.Context, after uint64, out chan<- domain.Envelope) error {
	for {
		committed := s.commits.wait()
		page, err := s.ReadAll(ctx, after, subscribePage)
		if err != nil {
			return err
		}
		for _, e := range page {
			select {
			case out <- e:
				after = e.Position
			case <-ctx.Done():
				return nil
			case <-s.quit:
				return store.ErrClosed
			}
		}
		if len(page) == subscribePage {
			continue
		}
		select {
		case <-committed:
		case <-ctx.Done():
			return nil
		case <-s.quit:
			return store.ErrClosed
		}
	}
}
