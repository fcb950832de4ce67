package sqlite_test

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/caseledger/caseledger/domain"
	"github.com/caseledger/caseledger/store"
	"github.com/caseledger/caseledger/store/sqlite"
)

func TestTheStoreKnowsWhereTheStreamsItWroteEnd(t *testing.T) {
	ctx := context.Background()
	s := openAt(t, filepath.Join(t.TempDir(), "ledger.db"))
	_, _, ok := s.Tip("case-X000001")
	require.False(t, ok, "nothing written or read yet")

	_, err := s.Append(ctx, "case-X000001", store.NoStream, newEvent(t), newEvent(t))
	require.NoError(t, err)
	last, epoch, ok := s.Tip("case-X000001")
	require.True(t, ok, "known as soon as the append is answered")
	require.Equal(t, uint64(1), last)

	s.Observe("case-X000001", 0, epoch)
	last, _, _ = s.Tip("case-X000001")
	require.Equal(t, uint64(1), last, "a reader that saw less cannot move it back")

	s.Observe("case-X000002", 4, epoch+1)
	_, _, ok = s.Tip("case-X000002")
	require.False(t, ok, "an observation of another epoch is not believed")
	s.Observe("case-X000002", 4, epoch)
	last, _, ok = s.Tip("case-X000002")
	require.True(t, ok)
	require.Equal(t, uint64(4), last)

	_, err = s.Append(ctx, "case-X000001", store.Exact(0), newEvent(t))
	require.ErrorIs(t, err, store.ErrWrongRevision)
	last, _, _ = s.Tip("case-X000001")
	require.Equal(t, uint64(1), last, "a refused append changes nothing")
}

func TestAnImportMakesTheStoreForgetWhereStreamsEnd(t *testing.T) {
	// An import writes streams behind the tips' back: after it, no tip is
	// believed, and what a reader saw before it is not either.
	ctx := context.Background()
	s := openAt(t, filepath.Join(t.TempDir(), "ledger.db"))
	_, err := s.Append(ctx, "case-X000001", store.NoStream, newEvent(t))
	require.NoError(t, err)
	_, before, ok := s.Tip("case-X000001")
	require.True(t, ok)

	batches := []sqlite.Batch{{Stream: "case-X000001", Expected: store.Exact(0), Events: []domain.Envelope{newEvent(t), newEvent(t)}}}
	res, err := s.Import(ctx, slices.Values(batches), sqlite.ImportOptions{})
	require.NoError(t, err)
	require.Empty(t, res.Failed)

	_, after, ok := s.Tip("case-X000001")
	require.False(t, ok, "forgotten: a reader must read the imported events")
	require.NotEqual(t, before, after, "a new epoch")
	s.Observe("case-X000001", 0, before)
	_, _, ok = s.Tip("case-X000001")
	require.False(t, ok, "an observation from before the import is not believed")
}

func TestAClosedStoreKnowsNothing(t *testing.T) {
	s, err := sqlite.Open(filepath.Join(t.TempDir(), "ledger.db"))
	require.NoError(t, err)
	_, err = s.Append(context.Background(), "case-X000001", store.NoStream, newEvent(t))
	require.NoError(t, err)
	require.NoError(t, s.Close())
	_, _, ok := s.Tip("case-X000001")
	require.False(t, ok, "its readers must read, and find it closed")
}
