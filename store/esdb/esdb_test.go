package esdb

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/caseledger/caseledger/store/storetest"
)

// TestConformance runs the store conformance suite against the EventStoreDB
// (or KurrentDB) named by CASELEDGER_ESDB_URL, e.g.
//
//	CASELEDGER_ESDB_URL='esdb://admin:changeit@localhost:2113?tls=false' go test ./store/esdb/ -run Conformance -v
//
// The suite expects every store it opens to be empty and reuses stream
// names, so each store it opens sees the server through its own random
// namespace: stream ids are prefixed, and $all reads and subscriptions skip
// everything outside the prefix. The suite can therefore run against a
// server that holds other data, and again and again; nothing is deleted.
// Reading $all needs a user in $admins or $ops.
func TestConformance(t *testing.T) {
	url := os.Getenv("CASELEDGER_ESDB_URL")
	if url == "" {
		t.Skip("set CASELEDGER_ESDB_URL to run the conformance suite against EventStoreDB")
	}
	storetest.Run(t, factory(url))
}

// TestConformanceAgainstFake runs the suite through the real client against
// the in-process fakeServer. It checks the plumbing, not EventStoreDB itself.
// The checks of event ids stored in another stream are skipped: the store
// cannot see them (see doc.go).
func TestConformanceAgainstFake(t *testing.T) {
	storetest.Run(t, factory(startFake(t).url()))
}

// factory opens each store the suite asks for in a fresh namespace of the
// server at url; Reopen opens the same namespace again.
func factory(url string) storetest.Factory {
	return storetest.Factory{
		New: func(t *testing.T) storetest.Store {
			return openTest(t, url, newNamespace(t))
		},
		Reopen: func(t *testing.T, s storetest.Store) storetest.Store {
			ns := s.(*Store).ns
			require.NoError(t, s.Close())
			return openTest(t, url, ns)
		},
		StreamLocalEventIDs: true,
	}
}

// newNamespace returns a stream-id prefix no other test run uses.
func newNamespace(t *testing.T) namespace {
	t.Helper()
	b := make([]byte, 6)
	_, err := rand.Read(b)
	require.NoError(t, err)
	return namespace("cltest" + hex.EncodeToString(b) + "-")
}

// openTest opens a store in namespace ns and closes it when the test ends.
func openTest(t *testing.T, url string, ns namespace) *Store {
	t.Helper()
	s, err := open(context.Background(), url, ns)
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	return s
}
