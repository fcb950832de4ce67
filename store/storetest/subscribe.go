package storetest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/caseledger/caseledger/domain"
	"github.com/caseledger/caseledger/store"
)

// waitLimit bounds every wait for a subscription; a store that needs longer
// is broken, not slow.
const waitLimit = 20 * time.Second

// testSubscribe checks catch-up, live delivery, starting from a position,
// concurrent appends and cancellation.
func testSubscribe(t *testing.T, f Factory) {
	t.Run("catch up then live", func(t *testing.T) {
		s := f.New(t)
		for i := range 5 {
			appendOK(t, s, fmt.Sprintf("case-%d", i%2), store.Any, newEvent(t))
		}
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		evs, errs := s.Subscribe(ctx, 0)
		got := receive(t, evs, errs, 5)
		requireSameEnvelopes(t, readAll(t, s), got)

		for i := range 5 {
			appendOK(t, s, fmt.Sprintf("case-%d", i%3), store.Any, newEvents(t, 2)...)
		}
		got = append(got, receive(t, evs, errs, 10)...)
		requireSameEnvelopes(t, readAll(t, s), got)
		requireNext(t, s, evs, errs)
	})
	t.Run("after a position", func(t *testing.T) {
		s := f.New(t)
		appendOK(t, s, "case-a", store.NoStream, newEvents(t, 6)...)
		all := readAll(t, s)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		evs, errs := s.Subscribe(ctx, all[2].Position)
		requireSameEnvelopes(t, all[3:], receive(t, evs, errs, 3))
		requireNext(t, s, evs, errs)
	})
	t.Run("concurrent appends", func(t *testing.T) {
		s := f.New(t)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		evs, errs := s.Subscribe(ctx, 0)
		appendConcurrently(t, s, 4, 25)
		got := receive(t, evs, errs, 100)
		requireSameEnvelopes(t, readAll(t, s), got)
		requireNext(t, s, evs, errs)
	})
	t.Run("cancel closes the channel", func(t *testing.T) {
		s := f.New(t)
		appendOK(t, s, "case-a", store.NoStream, newEvents(t, 3)...)
		ctx, cancel := context.WithCancel(context.Background())
		evs, errs := s.Subscribe(ctx, 0)
		receive(t, evs, errs, 1)
		cancel()
		requireClosed(t, evs)
	})
}

// appendConcurrently has writers goroutines append n single events each to
// their own stream.
func appendConcurrently(t *testing.T, s Store, writers, n int) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, writers*n)
	for w := range writers {
		wg.Go(func() {
			stream := fmt.Sprintf("case-w%d", w)
			for range n {
				if _, err := s.Append(context.Background(), stream, store.Any, newEvent(t)); err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
}

// receive waits for the next n events of a subscription.
func receive(t *testing.T, evs <-chan domain.Envelope, errs <-chan error, n int) []domain.Envelope {
	t.Helper()
	deadline := time.After(waitLimit)
	var got []domain.Envelope
	for len(got) < n {
		select {
		case e, ok := <-evs:
			require.True(t, ok, "subscription closed after %d of %d events", len(got), n)
			got = append(got, e)
		case err, ok := <-errs:
			if !ok {
				errs = nil
				continue
			}
			require.NoError(t, err, "subscription failed after %d of %d events", len(got), n)
		case <-deadline:
			require.FailNow(t, "subscription stalled", "%d of %d events after %s", len(got), n, waitLimit)
		}
	}
	return got
}

// requireNext appends a marker event and checks that it is the very next
// event delivered: nothing was delivered twice or left over.
func requireNext(t *testing.T, s Store, evs <-chan domain.Envelope, errs <-chan error) {
	t.Helper()
	marker := appendOK(t, s, "case-marker", store.Any, newEvent(t))
	got := receive(t, evs, errs, 1)
	requireSameEnvelopes(t, marker.Events, got)
}

// requireClosed waits for evs to be closed, draining what is in flight.
func requireClosed(t *testing.T, evs <-chan domain.Envelope) {
	t.Helper()
	deadline := time.After(waitLimit)
	for {
		select {
		case _, ok := <-evs:
			if !ok {
				return
			}
		case <-deadline:
			require.FailNow(t, "subscription not closed after its context ended")
		}
	}
}
