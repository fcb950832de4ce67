package sqlite_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	msqlite "modernc.org/sqlite"

	"github.com/caseledger/caseledger/domain"
	"github.com/caseledger/caseledger/store"
	"github.com/caseledger/caseledger/store/sqlite"
)

// openAt opens the store at path, closed when the test ends.
func openAt(t *testing.T, path string, opts ...sqlite.Option) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(path, opts...)
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// newEvent builds an unsealed event with a fresh id.
func newEvent(t *testing.T) domain.Envelope {
	t.Helper()
	return domain.Envelope{
		EventID: uuid.NewString(), Type: "test.happened", SchemaVersion: 1,
		OccurredAt: time.Date(2024, 3, 1, 10, 30, 0, 0, time.UTC),
		Actor:      domain.Actor{ID: "T1", Name: "Test", Organisation: "NPS", Roles: []string{"practitioner"}},
		Data:       []byte(`{"n":1}`),
	}
}

// openRaw opens the file as an auditor's tool would, behind the store's back.
func openRaw(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", path+"?_pragma=busy_timeout(10000)")
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	return db
}

func TestOpenFailureIsUnavailable(t *testing.T) {
	_, err := sqlite.Open(filepath.Join(t.TempDir(), "missing", "dir", "ledger.db"))
	require.ErrorIs(t, err, store.ErrUnavailable)
	var driverErr *msqlite.Error
	require.ErrorAs(t, err, &driverErr, "the driver's error stays in the chain")
}

func TestAuditorCanReadTheFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ledger.db")
	s := openAt(t, path)
	res, err := s.Append(context.Background(), "case-a", store.NoStream, newEvent(t), newEvent(t))
	require.NoError(t, err)

	rows, err := openRaw(t, path).Query(`SELECT position, event_id, stream, revision, type, occurred_at,
		recorded_at, typeof(envelope), json_extract(envelope, '$.hash'),
		json_type(envelope, '$.position') IS NULL FROM events ORDER BY position`)
	require.NoError(t, err)
	defer rows.Close()
	for _, want := range res.Events {
		require.True(t, rows.Next())
		var pos, rev int64
		var id, stream, typ, occurred, recorded, kind, hash string
		var noPosition bool
		require.NoError(t, rows.Scan(&pos, &id, &stream, &rev, &typ, &occurred, &recorded, &kind, &hash, &noPosition))
		require.Equal(t, []any{int64(want.Position), want.EventID, "case-a", int64(want.Revision), want.Type},
			[]any{pos, id, stream, rev, typ})
		require.Equal(t, domain.FormatTime(want.OccurredAt), occurred)
		require.Equal(t, domain.FormatTime(want.RecordedAt), recorded)
		require.Equal(t, "text", kind, "the envelope is JSON text the shell can show")
		require.Equal(t, want.Hash, hash)
		require.True(t, noPosition, "the envelope does not repeat the position")
	}
	require.False(t, rows.Next())
	require.NoError(t, rows.Err())

	var version int
	require.NoError(t, openRaw(t, path).QueryRow("PRAGMA user_version").Scan(&version))
	require.Equal(t, 1, version)
}

func TestRowWrittenBehindTheStoresBack(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "ledger.db")
	s := openAt(t, path)
	_, err := s.Append(ctx, "case-a", store.NoStream, newEvent(t)) // the writer now caches revision 0
	require.NoError(t, err)
	_, err = openRaw(t, path).Exec(`INSERT INTO events (event_id, stream, revision, type, occurred_at, recorded_at, envelope)
		VALUES ('outside', 'case-a', 2, 'test.happened', '', '', '{"hash":"outside-hash"}')`)
	require.NoError(t, err)

	// Revision 1 goes in, revision 2 collides: the savepoint takes back both.
	_, err = s.Append(ctx, "case-a", store.Any, newEvent(t), newEvent(t))
	require.ErrorIs(t, err, store.ErrWrongRevision)
	require.Equal(t, []uint64{0, 2}, readAllRaw(t, path))

	// The stale tip was forgotten, so the next append follows the real one.
	res, err := s.Append(ctx, "case-a", store.Any, newEvent(t))
	require.NoError(t, err)
	require.Equal(t, uint64(3), res.Revision)
	require.Equal(t, "outside-hash", res.Events[0].PrevHash)
}

// readAllRaw returns the revisions in the file, in position order.
func readAllRaw(t *testing.T, path string) []uint64 {
	t.Helper()
	rows, err := openRaw(t, path).Query(`SELECT revision FROM events ORDER BY position`)
	require.NoError(t, err)
	defer rows.Close()
	var out []uint64
	for rows.Next() {
		var r uint64
		require.NoError(t, rows.Scan(&r))
		out = append(out, r)
	}
	require.NoError(t, rows.Err())
	return out
}

func TestCloseWhileAppending(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ledger.db")
	s, err := sqlite.Open(path)
	require.NoError(t, err)
	var mu sync.Mutex
	var acked []string
	var wg sync.WaitGroup
	failures := make(chan error, 16)
	for w := range 16 {
		wg.Go(func() {
			for {
				e := newEvent(t)
				_, err := s.Append(context.Background(), fmt.Sprintf("case-%d", w), store.Any, e)
				if err != nil {
					failures <- err
					return
				}
				mu.Lock()
				acked = append(acked, e.EventID)
				enough := len(acked) >= 100
				mu.Unlock()
				if enough {
					_ = s.Close()
				}
			}
		})
	}
	wg.Wait()
	close(failures)
	for err := range failures {
		require.ErrorIs(t, err, store.ErrClosed)
	}

	s = openAt(t, path)
	all, err := s.ReadAll(context.Background(), 0, 100_000)
	require.NoError(t, err)
	stored := map[string]bool{}
	for _, e := range all {
		stored[e.EventID] = true
	}
	require.Len(t, stored, len(all))
	for _, id := range acked {
		require.True(t, stored[id], "acknowledged event %s survives", id)
	}
}

func TestRecordedAtNeverGoesBackAcrossRestart(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "ledger.db")
	later := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	s := openAt(t, path, sqlite.WithClock(func() time.Time { return later }))
	_, err := s.Append(ctx, "case-a", store.NoStream, newEvent(t))
	require.NoError(t, err)
	require.NoError(t, s.Close())

	s = openAt(t, path, sqlite.WithClock(func() time.Time { return later.Add(-time.Hour) }))
	res, err := s.Append(ctx, "case-a", store.Exact(0), newEvent(t))
	require.NoError(t, err)
	require.True(t, res.RecordedAt.Equal(later), "got %s", res.RecordedAt)
}

func TestReadsAfterCloseAreRefused(t *testing.T) {
	s := openAt(t, filepath.Join(t.TempDir(), "ledger.db"))
	require.NoError(t, s.Close())
	_, err := s.ReadAll(context.Background(), 0, 10)
	require.ErrorIs(t, err, store.ErrClosed)
	_, err = s.ReadStream(context.Background(), "case-a", 0, 10)
	require.ErrorIs(t, err, store.ErrClosed)
	evs, errs := s.Subscribe(context.Background(), 0)
	require.ErrorIs(t, <-errs, store.ErrClosed)
	_, open := <-evs
	require.False(t, open)
}
