package sqlite_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/caseledger/caseledger/store/sqlite"
)

func TestImportLeavesTheWALCopiedAndShort(t *testing.T) {
	// An import's commits leave the WAL to its checkpointer: when Import
	// returns, every frame is copied into the database file, and the WAL
	// has started again from its beginning along the way instead of
	// holding the whole import.
	path := filepath.Join(t.TempDir(), "ledger.db")
	s := openAt(t, path)
	res, err := s.Import(context.Background(), slices.Values(importBatches(t, 200, 20)), sqlite.ImportOptions{TxEvents: 100})
	require.NoError(t, err)
	require.Equal(t, 40, res.Commits)

	db, err := sql.Open("sqlite", path+"?_pragma=query_only(1)")
	require.NoError(t, err)
	defer db.Close()
	var busy, frames, copied int
	require.NoError(t, db.QueryRow("PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &frames, &copied))
	require.Equal(t, frames, copied, "every frame was copied already")

	wal, err := os.Stat(path + "-wal")
	require.NoError(t, err)
	file, err := os.Stat(path)
	require.NoError(t, err)
	require.Less(t, wal.Size(), file.Size()/2, "the WAL holds a few transactions, not all forty")
	requireLedgerSound(t, readAll(t, s))
}
