package sqlite_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/caseledger/caseledger/domain"
	"github.com/caseledger/caseledger/store"
	"github.com/caseledger/caseledger/store/sqlite"
)

// TestFullDiskIsUnavailableAndStoresNothing fills a file capped by
// WithMaxPageCount: SQLite's SQLITE_FULL becomes store.ErrUnavailable
// (never ErrWrongRevision, which a refused row could be mistaken for), the
// failing append stores none of its events, and reads still answer.
func TestFullDiskIsUnavailableAndStoresNothing(t *testing.T) {
	s := openAt(t, filepath.Join(t.TempDir(), "events.db"), sqlite.WithMaxPageCount(16))
	ctx := context.Background()
	var err error
	stored := 0
	for i := 0; i < 10000 && err == nil; i++ {
		batch := []domain.Envelope{newEvent(t), newEvent(t), newEvent(t)}
		batch[0].Data = []byte(`{"pad":"` + strings.Repeat("x", 900) + `"}`)
		if _, err = s.Append(ctx, "case-X123456", store.Any, batch...); err == nil {
			stored += len(batch)
		}
	}
	require.ErrorIs(t, err, store.ErrUnavailable, "the disk fills")
	require.NotErrorIs(t, err, store.ErrWrongRevision)
	require.Contains(t, err.Error(), "database or disk is full")

	got, rerr := s.ReadStream(ctx, "case-X123456", 0, 100000)
	require.NoError(t, rerr, "reads still answer")
	require.Len(t, got, stored, "the failed append stored none of its events")
}
