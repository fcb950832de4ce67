package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"runtime"
	"sync"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/caseledger/caseledger/store"
)

// Store is the embedded event store. It is safe for concurrent use.
type Store struct {
	writeDB *sql.DB // holds the one write connection, owned by the writer
	readDB  *sql.DB // read-only pool
	// readStream and readAll are prepared once: database/sql keeps one
	// SQLite statement per pooled connection, so a read skips the parser.
	readStream, readAll *sql.Stmt
	writer              *writer
	now                 func() time.Time // the writer's clock, which Import also reads
	requests            chan *request
	commits             *broadcast
	known               *known // where streams end, as this process knows

	mu     sync.Mutex // guards closed and subs.Add against Close
	closed bool
	quit   chan struct{}  // closed by Close
	done   chan struct{}  // closed when the writer has stopped
	subs   sync.WaitGroup // running subscriptions

	closeOnce sync.Once
	closeErr  error
}

// config is what Options set.
type config struct {
	now       func() time.Time
	maxBatch  int
	readConns int
	maxPages  int
}

// Option configures Open.
type Option func(*config)

// WithClock makes the writer stamp recorded_at from now instead of
// time.Now. recorded_at still never decreases. now must be safe to call
// from any goroutine: Import reads it too, to seal ahead of the writer.
func WithClock(now func() time.Time) Option {
	return func(c *config) { c.now = now }
}

// WithMaxBatch caps how many appends share one transaction (default 512).
func WithMaxBatch(n int) Option {
	return func(c *config) { c.maxBatch = max(1, n) }
}

// WithMaxPageCount caps the database file at pages pages (PRAGMA
// max_page_count on the write connection). An append that needs a page
// more fails as on a full disk: SQLite answers SQLITE_FULL, "database or
// disk is full", and the store store.ErrUnavailable. It exists for tests of
// a full disk, which need neither root nor a small file system; no
// production configuration sets it.
func WithMaxPageCount(pages int) Option {
	return func(c *config) { c.maxPages = pages }
}

// Open opens, creating if need be, the event store in the SQLite file at
// path, and starts its writer.
func Open(path string, opts ...Option) (*Store, error) {
	cfg := config{now: time.Now, maxBatch: 512, readConns: max(4, 2*runtime.GOMAXPROCS(0))}
	for _, o := range opts {
		o(&cfg)
	}
	if err := checkPath(path); err != nil {
		return nil, err
	}
	s := &Store{
		now:      cfg.now,
		requests: make(chan *request),
		commits:  newBroadcast(),
		known:    newKnown(),
		quit:     make(chan struct{}),
		done:     make(chan struct{}),
	}
	if err := s.open(context.Background(), path, cfg); err != nil {
		if s.writer != nil {
			err = errors.Join(err, s.writer.close())
		}
		return nil, errors.Join(err, s.closeDBs())
	}
	go func() {
		defer close(s.done)
		s.writer.run(s.requests, s.quit)
	}()
	return s, nil
}

// open opens the write connection, prepares the file and the writer, then
// the read pool; the writer goes first so the file is in WAL mode and has
// its schema before any reader opens it.
func (s *Store) open(ctx context.Context, path string, cfg config) error {
	dsn := writeDSN(path)
	if cfg.maxPages > 0 {
		dsn += "&_pragma=" + url.QueryEscape(fmt.Sprintf("max_page_count(%d)", cfg.maxPages))
	}
	var err error
	if s.writeDB, err = sql.Open("sqlite", dsn); err != nil {
		return unavailable("open", err)
	}
	s.writeDB.SetMaxOpenConns(1)
	conn, err := s.writeDB.Conn(ctx)
	if err != nil {
		return unavailable("open write connection", err)
	}
	w, err := newWriter(ctx, conn, cfg, s.commits.notify, s.known)
	if err != nil {
		return errors.Join(err, conn.Close())
	}
	s.writer = w
	if s.readDB, err = sql.Open("sqlite", readDSN(path)); err != nil {
		return unavailable("open read pool", err)
	}
	s.readDB.SetMaxOpenConns(cfg.readConns)
	s.readDB.SetMaxIdleConns(cfg.readConns)
	if err := s.readDB.PingContext(ctx); err != nil {
		return unavailable("open read connection", err)
	}
	if s.readStream, err = s.readDB.PrepareContext(ctx, readStreamSQL); err != nil {
		return unavailable("prepare", err)
	}
	if s.readAll, err = s.readDB.PrepareContext(ctx, readAllSQL); err != nil {
		return unavailable("prepare", err)
	}
	return nil
}

// Close stops the writer, failing appends it has not taken with
// store.ErrClosed, ends every subscription, and closes the database. An
// append already in a batch is committed or failed first. Closing twice is
// harmless.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		s.mu.Lock()
		s.closed = true
		close(s.quit)
		s.mu.Unlock()
		<-s.done
		s.subs.Wait()
		s.closeErr = errors.Join(s.writer.close(), s.closeDBs())
	})
	return s.closeErr
}

// closeDBs closes whichever pools are open.
func (s *Store) closeDBs() error {
	var errs []error
	for _, stmt := range []*sql.Stmt{s.readStream, s.readAll} {
		if stmt != nil {
			errs = append(errs, stmt.Close())
		}
	}
	for _, db := range []*sql.DB{s.readDB, s.writeDB} {
		if db != nil {
			errs = append(errs, db.Close())
		}
	}
	return errors.Join(errs...)
}

// isClosed reports whether Close has begun.
func (s *Store) isClosed() bool {
	select {
	case <-s.quit:
		return true
	default:
		return false
	}
}

// readFailure translates an error from the read pool.
func (s *Store) readFailure(op string, err error) error {
	switch {
	case s.isClosed():
		return store.ErrClosed
	case isContext(err):
		return err
	}
	return unavailable(op, err)
}
