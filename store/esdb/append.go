package esdb

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"time"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"

	"github.com/caseledger/caseledger/domain"
	"github.com/caseledger/caseledger/store"
)

const (
	// appendAttempts bounds how often Append re-reads the tail after losing a
	// race with another writer or meeting a follower.
	appendAttempts = 8
	// tailWindow is how many events before the tail an append with
	// expected store.Any searches for its ids, besides its own length.
	tailWindow = 64
	// readDeadline bounds each read Append makes while it holds a stream's
	// lock; the client gives reads no deadline of their own.
	readDeadline = 10 * time.Second
)

// errRaced marks an append the server refused because the stream moved
// after its tail was read: Append reads the tail again.
var errRaced = errors.New("stream moved since its tail was read")

// Append writes evs to stream atomically if the stream satisfies expected,
// sealing each event after the stream's last one. If every id is found
// among the stream's last events or at the revisions expected puts the
// batch at, it writes nothing and returns the stored originals with
// Duplicate set; if only some are, it fails with store.ErrDuplicateEventID.
// Ids stored elsewhere go unnoticed: EventStoreDB has no index by event id.
func (s *Store) Append(ctx context.Context, stream string, expected store.Expected, evs ...domain.Envelope) (store.Appended, error) {
	if err := store.CheckAppendable(stream, evs); err != nil {
		return store.Appended{}, err
	}
	if err := checkStorable(stream, evs); err != nil {
		return store.Appended{}, fmt.Errorf("append to %s: %w", stream, err)
	}
	unlock := s.lockStream(stream)
	defer unlock()
	ctx = onLeader(ctx)
	var (
		res store.Appended
		err error
	)
	for attempt := range appendAttempts {
		if err = pause(ctx, attempt); err != nil {
			break
		}
		res, err = s.tryAppend(ctx, stream, expected, evs)
		if !errors.Is(err, errRaced) && !hasCode(err, esdb.ErrorCodeNotLeader) {
			break
		}
	}
	if err != nil {
		return store.Appended{}, fmt.Errorf("append to %s: %w", stream, err)
	}
	return res, nil
}

// bounded returns opts with the deadline of Append's reads.
func bounded(opts esdb.ReadStreamOptions) esdb.ReadStreamOptions {
	d := readDeadline
	opts.Deadline = &d
	return opts
}

// pause waits a little, longer at each attempt after the first, so that
// writers racing for one stream, or a client reconnecting to a new leader,
// do not retry in lockstep.
func pause(ctx context.Context, attempt int) error {
	if attempt == 0 {
		return nil
	}
	d := time.Duration(attempt)*5*time.Millisecond + rand.N(5*time.Millisecond)
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// lockStream serialises this process's appends to one stream (and, sharing
// a stripe, a few others), so they do not race each other at the server;
// writers in other processes are fenced by the expected revision.
func (s *Store) lockStream(stream string) (unlock func()) {
	h := fnv.New32a()
	h.Write([]byte(stream))
	mu := &s.streams[h.Sum32()%uint32(len(s.streams))]
	mu.Lock()
	return mu.Unlock
}

// tryAppend reads the stream's tail, answers a retried batch with its
// originals, checks expected and writes. It returns an error wrapping
// errRaced when the stream moved between the read and the write.
func (s *Store) tryAppend(ctx context.Context, stream string, expected store.Expected, evs []domain.Envelope) (store.Appended, error) {
	id := s.ns.id(stream)
	window, err := s.readStream(ctx, id, bounded(esdb.ReadStreamOptions{From: esdb.End{}, Direction: esdb.Backwards}), uint64(len(evs)+tailWindow))
	if err != nil {
		return store.Appended{}, err
	}
	last, exists, err := tipOf(window, stream)
	if err != nil {
		return store.Appended{}, err
	}
	candidates, err := s.candidates(ctx, id, expected, len(evs), window)
	if err != nil {
		return store.Appended{}, err
	}
	if res, done, err := duplicateOf(evs, candidates, stream); done {
		return res, err
	}
	if !expected.Allows(last.Revision, exists) {
		return store.Appended{}, fmt.Errorf("expected %s, stream at %s: %w", expected, describeTip(last, exists), store.ErrWrongRevision)
	}
	return s.write(ctx, id, stream, last, exists, evs)
}

// candidates returns the stored events among which a retry of a batch of n
// events expecting expected would find its ids: the tail window (newest
// first) and, for an exact or no-stream expectation, the n revisions the
// batch would have taken, read when the window does not reach back to them.
func (s *Store) candidates(ctx context.Context, id string, expected store.Expected, n int, window []*esdb.RecordedEvent) ([]*esdb.RecordedEvent, error) {
	first, placed := placeOf(expected)
	if !placed || len(window) == 0 || window[0].EventNumber < first || window[len(window)-1].EventNumber <= first {
		return window, nil
	}
	recs, err := s.readStream(ctx, id, bounded(esdb.ReadStreamOptions{From: esdb.Revision(first)}), uint64(n))
	if err != nil {
		return nil, err
	}
	return append(recs, window...), nil
}

// write seals evs after the stream's last event and appends them, expecting
// the stream to be exactly where it was read. recorded_at is stamped
// immediately before the append, and this process's appends are serialised
// from stamp to acknowledgement, so recorded_at never decreases along the
// global order among them; appends from other processes may interleave, so
// known_at is exact to within the commit latency.
func (s *Store) write(ctx context.Context, id, stream string, last domain.Envelope, exists bool, evs []domain.Envelope) (store.Appended, error) {
	first, prev := uint64(0), domain.ZeroHash
	if exists {
		first, prev = last.Revision+1, last.Hash
	}
	s.appendMu.Lock()
	now := stampAfter(time.Now(), s.stamped, last.RecordedAt)
	s.stamped = now
	sealed, data, err := sealAll(evs, stream, first, prev, now)
	if err == nil {
		opts := esdb.AppendToStreamOptions{ExpectedRevision: expectedRevision(last.Revision, exists)}
		var c *esdb.Client
		c, err = s.with(ctx, func(c *esdb.Client) error {
			_, err := c.AppendToStream(ctx, id, opts, data...)
			return err
		})
		err = s.fail(ctx, c, err)
	}
	s.appendMu.Unlock()
	if errors.Is(err, store.ErrWrongRevision) {
		return store.Appended{}, fmt.Errorf("%w: %w", errRaced, err)
	}
	if err != nil {
		return store.Appended{}, err
	}
	return s.readBack(ctx, id, stream, sealed)
}

// readBack reads the events just appended, to learn their positions, and
// checks they are the ones sealed.
func (s *Store) readBack(ctx context.Context, id, stream string, sealed []domain.Envelope) (store.Appended, error) {
	recs, err := s.readStream(ctx, id, bounded(esdb.ReadStreamOptions{From: esdb.Revision(sealed[0].Revision)}), uint64(len(sealed)))
	if err != nil {
		return store.Appended{}, fmt.Errorf("read back: %w", err)
	}
	got, err := decodeStream(recs, stream)
	if err != nil {
		return store.Appended{}, fmt.Errorf("read back: %w", err)
	}
	if err := sameEvents(sealed, got); err != nil {
		return store.Appended{}, err
	}
	return appended(got, false), nil
}
