package esdb

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"sync"
	"time"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"

	"github.com/caseledger/caseledger/domain"
	"github.com/caseledger/caseledger/store"
)

// Store is the event store port over an EventStoreDB (KurrentDB) node or
// cluster. It is safe for concurrent use; Close it when done.
type Store struct {
	cfg    *esdb.Configuration
	ns     namespace
	leader bool // reads ask for the leader (nodePreference=leader)

	mu      sync.Mutex // guards the fields below
	client  *esdb.Client
	closed  bool
	calls   map[*esdb.Client]int // calls running on each client
	drained chan struct{}        // closed when Close may close the client
	wait    time.Duration        // how long Close waits for running calls

	streams  [64]sync.Mutex // striped by stream: one append per stream at a time
	appendMu sync.Mutex     // serialises stamp-and-append (see write)
	stamped  time.Time      // the last recorded_at given out
}

// Open returns a store for the EventStoreDB cluster the connection string
// names, e.g. "esdb://node1:2113,node2:2113,node3:2113?tls=true&nodePreference=leader".
// It does not contact the server: the client connects on first use, so a
// cluster that is down at start-up makes operations fail with
// store.ErrUnavailable rather than Open fail.
func Open(ctx context.Context, url string) (*Store, error) {
	return open(ctx, url, "")
}

// open is Open with stream ids prefixed by ns (tests share a server this way).
func open(ctx context.Context, connection string, ns namespace) (*Store, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	cfg, err := esdb.ParseConnectionString(connection)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) { // its message would repeat the password
			err = ue.Err
		}
		return nil, fmt.Errorf("eventstoredb connection string: %w", err)
	}
	cfg.Logger = clientLog(slog.Default())
	client, err := esdb.NewClient(cfg)
	if err != nil {
		return nil, fmt.Errorf("eventstoredb client: %w", err)
	}
	return &Store{
		cfg: cfg, ns: ns, leader: cfg.NodePreference == esdb.NodePreferenceLeader,
		client: client, calls: map[*esdb.Client]int{}, wait: closeWait,
	}, nil
}

// closeWait is how long Close waits for running calls.
const closeWait = 5 * time.Second

// Close closes the connection once the calls running on it have returned;
// later calls fail with store.ErrClosed and running subscriptions end with
// it. Closing twice is harmless. A call still stuck in the client after
// closeWait leaves the connection open (the client would panic), and Close
// says so.
func (s *Store) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	c, running := s.client, s.calls[s.client]
	drained := make(chan struct{})
	if running == 0 {
		close(drained)
	} else {
		s.drained = drained
	}
	s.mu.Unlock()
	t := time.NewTimer(s.wait)
	defer t.Stop()
	select {
	case <-drained:
		return c.Close()
	case <-t.C:
		return fmt.Errorf("eventstoredb: %d calls still running after %s; connection left open", running, s.wait)
	}
}

// readStream returns the events of the EventStoreDB stream id that opts and
// count select, none when the stream does not exist.
func (s *Store) readStream(ctx context.Context, id string, opts esdb.ReadStreamOptions, count uint64) ([]*esdb.RecordedEvent, error) {
	var recs []*esdb.RecordedEvent
	c, err := s.with(ctx, func(c *esdb.Client) error {
		rs, err := c.ReadStream(ctx, id, opts, count)
		if err != nil {
			return err
		}
		defer rs.Close()
		recs, err = drain(rs)
		return err
	})
	switch err = s.fail(ctx, c, err); {
	case errors.Is(err, errStreamNotFound):
		return nil, nil
	case err != nil:
		return nil, err
	}
	return recs, nil
}

// drain receives every event of rs.
func drain(rs *esdb.ReadStream) ([]*esdb.RecordedEvent, error) {
	var recs []*esdb.RecordedEvent
	for {
		ev, err := rs.Recv()
		if errors.Is(err, io.EOF) {
			return recs, nil
		}
		if err != nil {
			return nil, err
		}
		if rec := ev.OriginalEvent(); rec != nil {
			recs = append(recs, rec)
		}
	}
}

// decodeStream maps events read from stream to envelopes.
func decodeStream(recs []*esdb.RecordedEvent, stream string) ([]domain.Envelope, error) {
	out := make([]domain.Envelope, 0, len(recs))
	for _, rec := range recs {
		e, err := fromRecorded(rec, stream)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

// ReadStream returns up to limit events of stream from revision from on,
// oldest first; none when the stream does not exist.
func (s *Store) ReadStream(ctx context.Context, stream string, from uint64, limit int) ([]domain.Envelope, error) {
	if limit <= 0 {
		return nil, fmt.Errorf("read %s: %w: limit %d", stream, store.ErrInvalid, limit)
	}
	recs, err := s.readStream(s.readCtx(ctx), s.ns.id(stream), esdb.ReadStreamOptions{From: esdb.Revision(from)}, uint64(limit))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", stream, err)
	}
	evs, err := decodeStream(recs, stream)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", stream, err)
	}
	return evs, nil
}
