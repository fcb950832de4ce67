package api

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/caseledger/caseledger/domain"
	"github.com/caseledger/caseledger/store"
	"github.com/caseledger/caseledger/store/cache"
	"github.com/caseledger/caseledger/store/memory"
)

func TestTheRememberedCurrentStateChangesWhenAnEventOccurs(t *testing.T) {
	// Given a stream whose second event occurs later than it was recorded
	// (a command dated a few minutes ahead), the current state read before
	// that instant leaves it out, and read after it includes it, although
	// the stream did not grow in between.
	ctx := context.Background()
	src := memory.New()
	recorded := time.Now().UTC()
	for _, at := range []time.Time{recorded.Add(-time.Hour), recorded.Add(time.Hour)} {
		r := domain.Recorded{EventID: at.String(), OccurredAt: at, Actor: domain.Actor{ID: "U1"},
			Event: domain.AccessRecorded{View: "summary", Outcome: domain.AccessAllowed}}
		e, err := domain.ToEnvelope(r, "")
		require.NoError(t, err)
		_, err = src.Append(ctx, "case-X000001", store.Any, e)
		require.NoError(t, err)
	}
	h := cache.New(src, 0)
	stream, err := h.Load(ctx, "case-X000001")
	require.NoError(t, err)

	before := recorded.Add(time.Minute)
	first, _, whole := currentOf(stream, before)
	require.Len(t, first.Timeline, 1)
	require.False(t, whole, "an event occurs later: the timeline is not the whole stream's")
	require.Equal(t, before, first.AsOf)

	later := before.Add(time.Minute)
	again, _, _ := currentOf(stream, later)
	require.Same(t, first.State, again.State, "remembered: the same fold")
	require.Equal(t, later, again.AsOf, "stamped with the instant asked for")
	require.Equal(t, later, again.KnownAt)

	after := recorded.Add(2 * time.Hour)
	now, _, whole := currentOf(stream, after)
	require.Len(t, now.Timeline, 2, "the second event has occurred")
	require.True(t, whole, "every event has occurred and been recorded")
	require.NotSame(t, first.State, now.State)

	earlier, _, _ := currentOf(stream, recorded.Add(30*time.Second))
	require.Len(t, earlier.Timeline, 1, "an instant before the remembered fold is folded again")
}
