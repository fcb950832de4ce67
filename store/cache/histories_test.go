package cache_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/caseledger/caseledger/domain"
	"github.com/caseledger/caseledger/store"
	"github.com/caseledger/caseledger/store/cache"
	"github.com/caseledger/caseledger/store/memory"
)

// counting is a store that counts the events it hands out.
type counting struct {
	*memory.Store
	read int
}

func (c *counting) ReadStream(ctx context.Context, stream string, from uint64, limit int) ([]domain.Envelope, error) {
	evs, err := c.Store.ReadStream(ctx, stream, from, limit)
	c.read += len(evs)
	return evs, err
}

// appendN appends n access events to stream.
func appendN(t *testing.T, s *memory.Store, stream string, n int) {
	t.Helper()
	for range n {
		r := domain.Recorded{EventID: uuid.NewString(), OccurredAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
			Actor: domain.Actor{ID: "U1", Name: "U", Organisation: "N01", Roles: []string{"auditor"}},
			Event: domain.AccessRecorded{View: "summary", Outcome: domain.AccessAllowed}}
		e, err := domain.ToEnvelope(r, "")
		require.NoError(t, err)
		_, err = s.Append(context.Background(), stream, store.Any, e)
		require.NoError(t, err)
	}
}

func TestLoadReadsOnlyWhatWasStoredSince(t *testing.T) {
	ctx := context.Background()
	src := &counting{Store: memory.New()}
	appendN(t, src.Store, "access-A", 3)
	h := cache.New(src, 0)

	s, err := h.Load(ctx, "access-A")
	require.NoError(t, err)
	require.Len(t, s.Envelopes, 3)
	require.Len(t, s.Events, 3)
	require.Equal(t, 3, src.read)

	appendN(t, src.Store, "access-A", 2)
	s, err = h.Load(ctx, "access-A")
	require.NoError(t, err)
	require.Len(t, s.Events, 5)
	require.Equal(t, 3+2, src.read, "only the two new events are read")
	for i, r := range s.Events {
		require.Equal(t, uint64(i), r.Revision)
		require.Equal(t, s.Envelopes[i].EventID, r.EventID)
		require.Equal(t, domain.AccessRecorded{View: "summary", Outcome: domain.AccessAllowed}, r.Event)
	}
}

func TestLoadOfAnAbsentStreamIsEmpty(t *testing.T) {
	h := cache.New(memory.New(), 0)
	s, err := h.Load(context.Background(), "case-X000001")
	require.NoError(t, err)
	require.Empty(t, s.Events)
	require.Empty(t, s.Envelopes)
}

func TestCallersCannotSeeEachOthersAppends(t *testing.T) {
	ctx := context.Background()
	src := memory.New()
	appendN(t, src, "access-A", 2)
	h := cache.New(src, 0)
	first, err := h.Load(ctx, "access-A")
	require.NoError(t, err)
	_ = append(first.Events, domain.Recorded{EventID: "mine"}) // a caller's own slice
	appendN(t, src, "access-A", 1)
	second, err := h.Load(ctx, "access-A")
	require.NoError(t, err)
	require.Len(t, first.Events, 2)
	require.NotEqual(t, "mine", second.Events[2].EventID)
}

func TestTheLeastRecentlyUsedStreamsAreDropped(t *testing.T) {
	ctx := context.Background()
	src := &counting{Store: memory.New()}
	for _, s := range []string{"access-A", "access-B", "access-C"} {
		appendN(t, src.Store, s, 4)
	}
	h := cache.New(src, 8)
	for _, s := range []string{"access-A", "access-B", "access-C"} {
		_, err := h.Load(ctx, s)
		require.NoError(t, err)
	}
	require.Equal(t, 8, h.Len(), "A was dropped to make room for C")
	src.read = 0
	_, err := h.Load(ctx, "access-C")
	require.NoError(t, err)
	require.Equal(t, 0, src.read, "C is held")
	_, err = h.Load(ctx, "access-A")
	require.NoError(t, err)
	require.Equal(t, 4, src.read, "A is read again")
	require.Equal(t, 8, h.Len())
}

func TestAStreamLargerThanTheBoundIsStillServed(t *testing.T) {
	src := memory.New()
	appendN(t, src, "access-A", 5)
	h := cache.New(src, 2)
	s, err := h.Load(context.Background(), "access-A")
	require.NoError(t, err)
	require.Len(t, s.Events, 5)
}

func TestARememberedValueLastsUntilTheStreamGrows(t *testing.T) {
	ctx := context.Background()
	src := memory.New()
	appendN(t, src, "access-A", 2)
	h := cache.New(src, 0)
	s, err := h.Load(ctx, "access-A")
	require.NoError(t, err)
	_, ok := s.Recall()
	require.False(t, ok, "nothing remembered yet")
	s.Remember("two")

	again, err := h.Load(ctx, "access-A")
	require.NoError(t, err)
	v, ok := again.Recall()
	require.True(t, ok)
	require.Equal(t, "two", v)

	appendN(t, src, "access-A", 1)
	grown, err := h.Load(ctx, "access-A")
	require.NoError(t, err)
	_, ok = grown.Recall()
	require.False(t, ok, "the stream grew")
	v, ok = s.Recall()
	require.True(t, ok, "the older view of the stream still recalls its own value")
	require.Equal(t, "two", v)
	grown.Remember("three")
	_, ok = s.Recall()
	require.False(t, ok, "one value per stream: the newer one")
	require.Equal(t, "", func() string { v, _ := (cache.Stream{}).Recall(); s, _ := v.(string); return s }(), "an empty Stream remembers nothing")
}

// tipping is a store that knows where streams end, as the embedded one does.
type tipping struct {
	counting
	tips     map[string]uint64
	epoch    uint64
	observed []string
}

func (s *tipping) Tip(stream string) (uint64, uint64, bool) {
	last, ok := s.tips[stream]
	return last, s.epoch, ok
}

func (s *tipping) Observe(stream string, last, epoch uint64) {
	s.observed = append(s.observed, fmt.Sprintf("%s@%d/%d", stream, last, epoch))
	if epoch == s.epoch {
		s.tips[stream] = last
	}
}

func TestAStoreThatKnowsWhereAStreamEndsIsNotRead(t *testing.T) {
	ctx := context.Background()
	src := &tipping{counting: counting{Store: memory.New()}, tips: map[string]uint64{}, epoch: 7}
	appendN(t, src.Store, "access-A", 3)
	h := cache.New(src, 0)

	_, err := h.Load(ctx, "access-A")
	require.NoError(t, err)
	require.Equal(t, 3, src.read, "not known: read")
	require.Equal(t, []string{"access-A@2/7"}, src.observed, "and the end it found told to the store")

	src.read = 0
	s, err := h.Load(ctx, "access-A")
	require.NoError(t, err)
	require.Zero(t, src.read, "known to end where the cache does: not read")
	require.Len(t, s.Events, 3)

	appendN(t, src.Store, "access-A", 1)
	src.tips["access-A"] = 3 // as the store's writer records it
	s, err = h.Load(ctx, "access-A")
	require.NoError(t, err)
	require.Equal(t, 1, src.read, "known to end later: the new event read")
	require.Len(t, s.Events, 4)
}
