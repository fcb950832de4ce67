package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"runtime"
	"slices"
	"sync"

	"github.com/caseledger/caseledger/domain"
	"github.com/caseledger/caseledger/store"
)

// The queries of ReadStreams. A range of streams is read through the
// (stream, revision) index; the unary + keeps SQLite from reading by
// position instead and sorting.
const (
	headSQL           = `SELECT max(position) FROM events`
	streamAtSQL       = `SELECT stream FROM events WHERE position >= ? ORDER BY position LIMIT 1`
	readStreamsSQL    = `SELECT position, revision, envelope FROM events WHERE stream >= ? AND stream < ? AND +position <= ? ORDER BY stream, revision`
	readStreamsEndSQL = `SELECT position, revision, envelope FROM events WHERE stream >= ? AND +position <= ? ORDER BY stream, revision`
)

// streamsBatch is how many events a reader gathers, whole streams at a
// time, before handing them to a decoder.
const streamsBatch = 512

// ReadStreams calls f with the events of every stream, a whole stream at a
// time, oldest first, and returns the position of the last event stored
// when it began (0 for an empty store): it reads every event up to there
// and none after, so the streams are those of one state of the store
// (positions only grow, so no event up to there can be stored later).
// It reads the ledger once, for a rebuild, with the reading and decoding
// spread over the CPUs: f is called from several goroutines at once, each
// time with another stream, and may keep the slice. The first error f
// returns stops the read and is returned.
func (s *Store) ReadStreams(ctx context.Context, f func([]domain.Envelope) error) (uint64, error) {
	const op = "read streams"
	if s.isClosed() {
		return 0, store.ErrClosed
	}
	var head sql.NullInt64
	if err := s.readDB.QueryRowContext(ctx, headSQL).Scan(&head); err != nil {
		return 0, s.readFailure(op, err)
	}
	if head.Int64 == 0 {
		return 0, nil
	}
	bounds, err := s.streamBounds(ctx, head.Int64, runtime.GOMAXPROCS(0))
	if err != nil {
		return 0, s.readFailure(op, err)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var first firstError
	fail := func(err error) {
		first.set(err)
		cancel()
	}
	batches := make(chan *rawBatch, 2*runtime.GOMAXPROCS(0))
	var decoders sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		decoders.Go(func() { decodeBatches(batches, f, &first, fail) })
	}
	var readers sync.WaitGroup
	for i := range bounds {
		readers.Go(func() {
			if err := s.scanStreams(ctx, bounds, i, head.Int64, batches); err != nil {
				fail(err)
			}
		})
	}
	readers.Wait()
	close(batches)
	decoders.Wait()
	if err := first.get(); err != nil {
		return 0, err
	}
	return uint64(head.Int64), nil
}

// streamBounds splits the streams into at most parts ranges of about as
// many events each: range i is from bounds[i] (the first is "") up to
// bounds[i+1], the last to the end. The bounds are the streams of events
// at evenly spaced positions.
func (s *Store) streamBounds(ctx context.Context, head int64, parts int) ([]string, error) {
	bounds := []string{""}
	for i := 1; i < parts; i++ {
		var stream string
		err := s.readDB.QueryRowContext(ctx, streamAtSQL, head*int64(i)/int64(parts)).Scan(&stream)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return nil, err
		}
		bounds = append(bounds, stream)
	}
	slices.Sort(bounds)
	return slices.Compact(bounds), nil
}

// scanStreams reads the streams of range i of bounds, events up to head,
// sending them in batches that never split a stream.
func (s *Store) scanStreams(ctx context.Context, bounds []string, i int, head int64, batches chan<- *rawBatch) error {
	const op = "read streams"
	query, args := readStreamsEndSQL, []any{bounds[i], head}
	if i+1 < len(bounds) {
		query, args = readStreamsSQL, []any{bounds[i], bounds[i+1], head}
	}
	rows, err := s.readDB.QueryContext(ctx, query, args...)
	if err != nil {
		return s.readFailure(op, err)
	}
	defer rows.Close()
	b := newRawBatch()
	var pos, rev int64
	var raw string // the driver's own copy, taken as it is
	for rows.Next() {
		if err := rows.Scan(&pos, &rev, &raw); err != nil {
			return s.readFailure(op, err)
		}
		// Revision 0 begins a stream: only there may a batch end.
		if rev == 0 && len(b.positions) >= streamsBatch {
			if !send(ctx, batches, b) {
				return ctx.Err()
			}
			b = newRawBatch()
		}
		b.add(pos, raw)
	}
	if err := rows.Err(); err != nil {
		return s.readFailure(op, err)
	}
	if len(b.positions) > 0 && !send(ctx, batches, b) {
		return ctx.Err()
	}
	return nil
}

// decodeBatches decodes batches and calls f with their streams until
// batches is closed, reporting an error to fail; after an error it only
// drains.
func decodeBatches(batches <-chan *rawBatch, f func([]domain.Envelope) error, first *firstError, fail func(error)) {
	var d envelopeDecoder
	for b := range batches {
		if first.get() != nil {
			continue
		}
		if err := b.each(&d, f); err != nil {
			fail(err)
		}
	}
}

func send(ctx context.Context, batches chan<- *rawBatch, b *rawBatch) bool {
	select {
	case batches <- b:
		return true
	case <-ctx.Done():
		return false
	}
}

// rawBatch is stored envelopes of whole streams, in stream order, each
// the string the driver made of its row.
type rawBatch struct {
	positions []int64
	raws      []string
}

func newRawBatch() *rawBatch {
	return &rawBatch{positions: make([]int64, 0, streamsBatch), raws: make([]string, 0, streamsBatch)}
}

func (b *rawBatch) add(pos int64, raw string) {
	b.positions = append(b.positions, pos)
	b.raws = append(b.raws, raw)
}

// each decodes the batch and calls f with each stream's events.
func (b *rawBatch) each(d *envelopeDecoder, f func([]domain.Envelope) error) error {
	envs := make([]domain.Envelope, len(b.positions))
	for i, raw := range b.raws {
		e, err := d.decode(b.positions[i], raw)
		if err != nil {
			return unavailable("read streams", err)
		}
		envs[i] = e
	}
	for len(envs) > 0 {
		n := 1
		for n < len(envs) && envs[n].Stream == envs[0].Stream {
			n++
		}
		if err := f(envs[:n:n]); err != nil {
			return err
		}
		envs = envs[n:]
	}
	return nil
}

// firstError keeps the first error of several goroutines.
type firstError struct {
	mu  sync.Mutex
	err error
}

func (e *firstError) set(err error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.err == nil {
		e.err = err
	}
}

func (e *firstError) get() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.err
}
