package storetest

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/caseledger/caseledger/store"
)

// testClosed checks that a closed store refuses appends with ErrClosed,
// ends its subscriptions, and can be closed again.
func testClosed(t *testing.T, f Factory) {
	s := f.New(t)
	appendOK(t, s, "case-a", store.NoStream, newEvent(t))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	evs, errs := s.Subscribe(ctx, 0)
	receive(t, evs, errs, 1)

	require.NoError(t, s.Close())
	_, err := s.Append(context.Background(), "case-a", store.Any, newEvent(t))
	require.ErrorIs(t, err, store.ErrClosed)
	requireClosed(t, evs)
	require.NoError(t, s.Close(), "closing twice is harmless")
}
