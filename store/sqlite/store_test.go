package sqlite_test

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/caseledger/caseledger/store/sqlite"
	"github.com/caseledger/caseledger/store/storetest"
)

func TestConformance(t *testing.T) {
	paths := map[storetest.Store]string{}
	open := func(t *testing.T, path string) storetest.Store {
		s, err := sqlite.Open(path)
		require.NoError(t, err)
		t.Cleanup(func() { _ = s.Close() })
		paths[s] = path
		return s
	}
	storetest.Run(t, storetest.Factory{
		New: func(t *testing.T) storetest.Store {
			return open(t, filepath.Join(t.TempDir(), "ledger.db"))
		},
		Reopen: func(t *testing.T, s storetest.Store) storetest.Store {
			require.NoError(t, s.Close())
			return open(t, paths[s])
		},
	})
}
