package storetest

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/caseledger/caseledger/store"
)

// testIdempotency checks that retrying an append with the same event ids
// stores nothing and reports the original result, and that overlapping ids
// that are not a retry are refused.
func testIdempotency(t *testing.T, f Factory) {
	t.Run("retry at once", func(t *testing.T) {
		s := f.New(t)
		stream := newStream(t)
		evs := newEvents(t, 2)
		orig := appendOK(t, s, stream, store.NoStream, evs...)
		requireDuplicateOf(t, orig, appendOK(t, s, stream, store.NoStream, evs...))
		require.Len(t, readAll(t, s), 2)
	})
	t.Run("retry after the stream moved on", func(t *testing.T) {
		s := f.New(t)
		stream := newStream(t)
		appendOK(t, s, stream, store.NoStream, newEvent(t))
		evs := newEvents(t, 3)
		orig := appendOK(t, s, stream, store.Exact(0), evs...)
		appendOK(t, s, stream, store.Exact(3), newEvents(t, 2)...)
		requireDuplicateOf(t, orig, appendOK(t, s, stream, store.Exact(0), evs...))
		require.Len(t, readStream(t, s, stream), 6)
		requireChain(t, readStream(t, s, stream))
	})
	t.Run("retry of an append with any", func(t *testing.T) {
		s := f.New(t)
		stream := newStream(t)
		evs := newEvents(t, 1)
		orig := appendOK(t, s, stream, store.Any, evs...)
		appendOK(t, s, stream, store.Any, newEvent(t))
		requireDuplicateOf(t, orig, appendOK(t, s, stream, store.Any, evs...))
		require.Len(t, readStream(t, s, stream), 2)
	})
	t.Run("some ids stored before", func(t *testing.T) {
		s := f.New(t)
		stream := newStream(t)
		stored := newEvent(t)
		appendOK(t, s, stream, store.NoStream, stored)
		_, err := s.Append(context.Background(), stream, store.Exact(0), stored, newEvent(t))
		require.ErrorIs(t, err, store.ErrDuplicateEventID)
		require.Len(t, readAll(t, s), 1, "a refused append stores nothing")
	})
	t.Run("ids stored in another stream", func(t *testing.T) {
		if f.StreamLocalEventIDs {
			t.Skip("the store finds stored event ids only within a stream")
		}
		s := f.New(t)
		evs := newEvents(t, 2)
		appendOK(t, s, "case-a", store.NoStream, evs...)
		_, err := s.Append(context.Background(), "case-b", store.NoStream, evs...)
		require.ErrorIs(t, err, store.ErrDuplicateEventID)
		require.Empty(t, readStream(t, s, "case-b"))
	})
}

// requireDuplicateOf checks that got reports the same stored events as orig
// and says nothing new was written.
func requireDuplicateOf(t *testing.T, orig, got store.Appended) {
	t.Helper()
	require.True(t, got.Duplicate, "a retry is reported as a duplicate")
	require.Equal(t, orig.Revision, got.Revision)
	require.Equal(t, orig.Position, got.Position)
	requireSameTime(t, orig.RecordedAt, got.RecordedAt)
	requireSameEnvelopes(t, orig.Events, got.Events)
}

// testAtomicity checks that every event of an append is stored or none is.
func testAtomicity(t *testing.T, f Factory) {
	s := f.New(t)
	stream := newStream(t)
	batch := newEvents(t, 50)
	res := appendOK(t, s, stream, store.NoStream, batch...)
	require.Equal(t, uint64(49), res.Revision)
	got := readStream(t, s, stream)
	require.Equal(t, ids(batch), ids(got))
	requireChain(t, got)
	for i := 1; i < len(got); i++ {
		require.Greater(t, got[i].Position, got[i-1].Position)
	}

	refused := newEvents(t, 50)
	_, err := s.Append(context.Background(), stream, store.Exact(10), refused...)
	require.ErrorIs(t, err, store.ErrWrongRevision)
	require.Len(t, readAll(t, s), 50, "a refused batch writes none of its events")

	if f.StreamLocalEventIDs {
		return
	}
	other := newStream(t)
	_, err = s.Append(context.Background(), other, store.NoStream, append(newEvents(t, 10), batch[7])...)
	require.ErrorIs(t, err, store.ErrDuplicateEventID)
	require.Empty(t, readStream(t, s, other), "a batch refused on its last event writes none")
	require.Equal(t, ids(batch), ids(readAll(t, s)))
}
