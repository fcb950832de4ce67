package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/caseledger/caseledger/domain"
	"github.com/caseledger/caseledger/store"
)

// testConcurrency checks optimistic concurrency on one contended stream and
// throughput-style appends to many streams at once.
func testConcurrency(t *testing.T, f Factory) {
	t.Run("one stream", func(t *testing.T) {
		const writers, each = 16, 20
		s := f.New(t)
		stream := newStream(t)
		appendOK(t, s, stream, store.NoStream, newEvent(t))

		acked := make([][]string, writers)
		errs := make([]error, writers)
		var wg sync.WaitGroup
		for w := range writers {
			wg.Go(func() { acked[w], errs[w] = appendContended(t, s, stream, each) })
		}
		wg.Wait()

		seen := eventIDs{}
		for w := range writers {
			require.NoError(t, errs[w], "writer %d", w)
			require.Len(t, acked[w], each)
		}
		got := readStream(t, s, stream)
		require.Len(t, got, 1+writers*each)
		requireChain(t, got)
		seen.count(got)
		for w := range writers {
			for _, id := range acked[w] {
				require.Equal(t, 1, seen[id], "acknowledged event %s stored once", id)
			}
		}
	})
	t.Run("one stream with any", func(t *testing.T) {
		const writers, each = 16, 10
		s := f.New(t)
		var wg sync.WaitGroup
		errs := make(chan error, writers*each)
		for range writers {
			wg.Go(func() {
				for range each {
					if _, err := s.Append(context.Background(), "case-any", store.Any, newEvent(t)); err != nil {
						errs <- err
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			require.NoError(t, err, "an append expecting any revision is never refused")
		}
		got := readStream(t, s, "case-any")
		require.Len(t, got, writers*each)
		requireChain(t, got)
	})
	t.Run("many streams", func(t *testing.T) {
		const writers, each = 32, 10
		s := f.New(t)
		appendConcurrently(t, s, writers, each)
		all := readAll(t, s)
		require.Len(t, all, writers*each)
		requireGlobalOrder(t, all)
		byStream := map[string][]domain.Envelope{}
		for _, e := range all {
			byStream[e.Stream] = append(byStream[e.Stream], e)
		}
		require.Len(t, byStream, writers)
		for _, evs := range byStream {
			requireChain(t, evs)
		}
	})
}

// appendContended appends n events one at a time to stream, each expecting
// the last revision it has seen and re-reading the tip when refused. It
// returns the ids of the acknowledged events.
func appendContended(t *testing.T, s Store, stream string, n int) ([]string, error) {
	ctx := context.Background()
	var last uint64
	var acked []string
	for len(acked) < n {
		e := newEvent(t)
		res, err := s.Append(ctx, stream, store.Exact(last), e)
		if errors.Is(err, store.ErrWrongRevision) {
			tip, err := s.ReadStream(ctx, stream, last+1, 1_000_000)
			if err != nil {
				return acked, err
			}
			if len(tip) == 0 {
				return acked, fmt.Errorf("refused at revision %d, but nothing follows it", last)
			}
			last = tip[len(tip)-1].Revision
			continue
		}
		if err != nil {
			return acked, err
		}
		acked = append(acked, e.EventID)
		last = res.Revision
	}
	return acked, nil
}

// eventIDs is a set of event ids.
type eventIDs map[string]int

// count records evs in the set.
func (m eventIDs) count(evs []domain.Envelope) {
	for _, e := range evs {
		m[e.EventID]++
	}
}
