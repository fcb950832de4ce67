package memory

import (
	"context"

	"github.com/caseledger/caseledger/domain"
	"github.com/caseledger/caseledger/store"
)

// subscribePage is how many events a subscriber copies per lock.
const subscribePage = 256

// Subscribe delivers every event after position after, in order, then
// follows appends until ctx ends (the channel is then closed) or the store
// is closed (store.ErrClosed is sent on the error channel first).
func (s *Store) Subscribe(ctx context.Context, after uint64) (<-chan domain.Envelope, <-chan error) {
	out := make(chan domain.Envelope)
	errs := make(chan error, 1)
	go func() {
		defer close(out)
		defer close(errs)
		for {
			s.mu.Lock()
			page, changed, closed := s.readAfter(after, subscribePage), s.changed, s.closed
			s.mu.Unlock()
			if closed {
				errs <- store.ErrClosed
				return
			}
			for _, e := range page {
				select {
				case out <- e:
					after = e.Position
				case <-ctx.Done():
					return
				case <-s.done:
					errs <- store.ErrClosed
					return
				}
			}
			if len(page) == subscribePage {
				continue
			}
			select {
			case <-changed:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out, errs
}
