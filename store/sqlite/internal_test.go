package sqlite

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

	"github.com/caseledger/caseledger/domain"
	"github.com/caseledger/caseledger/store"
)

// openTemp opens a store in a fresh file, closed when the test ends.
func openTemp(t testing.TB, opts ...Option) *Store {
	t.Helper()
	s, err := Open(filepath.Join(t.TempDir(), "ledger.db"), opts...)
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// event builds an unsealed event with a fresh id.
func event(t testing.TB) domain.Envelope {
	t.Helper()
	return domain.Envelope{EventID: uuid.NewString(), Type: "test.happened", SchemaVersion: 1,
		OccurredAt: time.Now(), Data: []byte(`{"n":1}`)}
}

func TestEveryReadConnectionIsDurable(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	var conns []interface{ Close() error }
	for range 3 { // held at once, so they are three distinct connections
		conn, err := s.readDB.Conn(ctx)
		require.NoError(t, err)
		conns = append(conns, conn)
		var mode string
		var sync, queryOnly int
		require.NoError(t, conn.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode))
		require.NoError(t, conn.QueryRowContext(ctx, "PRAGMA synchronous").Scan(&sync))
		require.NoError(t, conn.QueryRowContext(ctx, "PRAGMA query_only").Scan(&queryOnly))
		require.Equal(t, "wal", mode)
		require.Equal(t, 2, sync, "synchronous=FULL")
		require.Equal(t, 1, queryOnly)
	}
	for _, c := range conns {
		require.NoError(t, c.Close())
	}
}

func TestWriteConnectionIsDurable(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	tests := []struct {
		name    string
		dsn     string
		wantErr bool
	}{
		{name: "the writer's settings", dsn: writeDSN(filepath.Join(dir, "a.db"))},
		{name: "driver defaults", dsn: filepath.Join(dir, "b.db"), wantErr: true},
		{name: "synchronous normal", dsn: filepath.Join(dir, "c.db") + "?_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db, err := sql.Open("sqlite", tt.dsn)
			require.NoError(t, err)
			defer db.Close()
			conn, err := db.Conn(ctx)
			require.NoError(t, err)
			defer conn.Close()
			err = checkDurable(ctx, conn)
			if tt.wantErr {
				require.Error(t, err, "Open refuses a connection that is not durable")
				return
			}
			require.NoError(t, err)
		})
	}
}

func TestConcurrentAppendsShareCommits(t *testing.T) {
	const appenders = 64
	release := make(chan struct{})
	var once sync.Once
	entered := make(chan struct{})
	clock := func() time.Time {
		once.Do(func() { close(entered); <-release }) // hold the first batch open
		return time.Now()
	}
	s := openTemp(t, WithClock(clock))
	ctx := context.Background()

	first := make(chan error, 1)
	go func() { _, err := s.Append(ctx, "case-0", store.NoStream, event(t)); first <- err }()
	<-entered
	var started, done sync.WaitGroup
	errs := make(chan error, appenders)
	for i := 1; i < appenders; i++ {
		started.Add(1)
		done.Go(func() {
			started.Done()
			_, err := s.Append(ctx, fmt.Sprintf("case-%d", i), store.NoStream, event(t))
			errs <- err
		})
	}
	started.Wait()
	close(release)
	require.NoError(t, <-first)
	done.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	require.Less(t, s.writer.commits.Load(), int64(appenders/2),
		"%d appends waiting together should share commits", appenders)
}
