package esdb

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"
	"google.golang.org/grpc/metadata"

	"github.com/caseledger/caseledger/store"
)

// with runs op, a call on the client, and returns the client it used and
// op's error, or ctx's when ctx ends first: the client does not heed ctx
// while it looks for a node, so op may outlive the return. Running calls
// are counted, since the client (v4.2.0) panics if it is closed while a
// call asks it for a connection or reports a failure to it.
func (s *Store) with(ctx context.Context, op func(*esdb.Client) error) (*esdb.Client, error) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil, store.ErrClosed
	}
	c := s.client
	s.calls[c]++
	s.mu.Unlock()
	done := make(chan error, 1)
	go func() {
		defer s.release(c)
		done <- op(c)
	}()
	select {
	case err := <-done:
		return c, err
	case <-ctx.Done():
		select {
		case err := <-done:
			return c, err
		default:
			return c, ctx.Err()
		}
	}
}

// release counts a call on c as returned.
func (s *Store) release(c *esdb.Client) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.calls[c]--; s.calls[c] > 0 {
		return
	}
	delete(s.calls, c)
	if c == s.client && s.drained != nil {
		close(s.drained)
		s.drained = nil
	}
}

// fail translates err, which a call on c returned (nil stays nil). The
// client gives up for good once a discovery fails (it then answers every
// call with "connection closed"), so such a client is replaced and the next
// call rediscovers the cluster. The old one is not closed: its goroutine has
// ended, and calls that were queued behind the discovery are stuck in it.
func (s *Store) fail(ctx context.Context, c *esdb.Client, err error) error {
	if err == nil {
		return nil
	}
	s.mu.Lock()
	closed := s.closed
	if !closed && c != nil && s.client == c && hasCode(err, esdb.ErrorCodeConnectionClosed) {
		if fresh, nerr := esdb.NewClient(s.cfg); nerr == nil {
			s.client = fresh
		}
	}
	s.mu.Unlock()
	switch {
	case closed || errors.Is(err, store.ErrClosed):
		return store.ErrClosed
	case ctx.Err() != nil && errors.Is(err, ctx.Err()):
		return fmt.Errorf("eventstoredb: %w", err)
	case ctx.Err() != nil:
		return fmt.Errorf("%w: %w", ctx.Err(), translate(err))
	}
	return translate(err)
}

// onLeader marks ctx's calls as needing the cluster leader. The client's own
// RequiresLeader option puts the header in the incoming metadata, which is
// never sent (options.go in v4.2.0), so it is set here. A follower answers
// "not leader" and the client reconnects to the leader it names.
func onLeader(ctx context.Context) context.Context {
	return metadata.AppendToOutgoingContext(ctx, "requires-leader", "true")
}

// readCtx is the context of a read: on the leader when the connection
// string prefers it, so a read sees every acknowledged append.
func (s *Store) readCtx(ctx context.Context) context.Context {
	if s.leader {
		return onLeader(ctx)
	}
	return ctx
}

// clientLog sends the client's log lines to log.
func clientLog(log *slog.Logger) esdb.LoggingFunc {
	levels := map[esdb.LogLevel]slog.Level{
		esdb.LogDebug: slog.LevelDebug, esdb.LogInfo: slog.LevelInfo,
		esdb.LogWarn: slog.LevelWarn, esdb.LogError: slog.LevelError,
	}
	return func(level esdb.LogLevel, format string, args ...any) {
		log.Log(context.Background(), levels[level], "eventstoredb client: "+fmt.Sprintf(format, args...))
	}
}
