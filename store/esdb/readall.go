package esdb

import (
	"context"
	"fmt"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"

	"github.com/caseledger/caseledger/domain"
	"github.com/caseledger/caseledger/store"
)

// ReadAll returns up to limit of our events with a position after the given
// one, in $all order. System events, and events outside the store's
// namespace, are skipped and do not count towards limit; the client cannot
// filter reads of $all at the server, so pages grow while they hold none of
// ours.
func (s *Store) ReadAll(ctx context.Context, after uint64, limit int) ([]domain.Envelope, error) {
	if limit <= 0 {
		return nil, fmt.Errorf("read all: %w: limit %d", store.ErrInvalid, limit)
	}
	ctx = s.readCtx(ctx)
	var out []domain.Envelope
	from, cursor := allFrom(after), esdb.Position{Commit: after, Prepare: after}
	for count := pageSize(limit); len(out) < limit; {
		recs, err := s.readAll(ctx, from, count)
		if err != nil {
			return nil, fmt.Errorf("read all after %d: %w", after, err)
		}
		start, found := cursor, len(out)
		for _, rec := range recs {
			if !isAfter(rec.Position, cursor) {
				continue // the page starts at the last event of the previous one
			}
			cursor = rec.Position
			e, ok, err := s.envelope(rec)
			if err != nil {
				return nil, fmt.Errorf("read all after %d: %w", after, err)
			}
			if ok && len(out) < limit {
				out = append(out, e)
			}
		}
		if uint64(len(recs)) < count || cursor == start {
			break // the end of $all
		}
		from, count = cursor, nextPageSize(count, len(out) > found, limit-len(out))
	}
	return out, nil
}

// pageSize is how many $all events to ask for when n more of ours are
// wanted: one more, since a page repeats the event it starts from, and
// some slack for the system events in between.
func pageSize(n int) uint64 {
	return uint64(min(max(n+1, 32), maxPage))
}

// maxPage bounds the $all events read at once.
const maxPage = 4096

// nextPageSize is the size of the page after one of size count: twice as
// big when that one held none of ours, else sized for the n still wanted.
func nextPageSize(count uint64, foundOurs bool, n int) uint64 {
	if foundOurs {
		return pageSize(n)
	}
	return min(2*count, maxPage)
}

// readAll reads count events of $all from position from on.
func (s *Store) readAll(ctx context.Context, from esdb.AllPosition, count uint64) ([]*esdb.RecordedEvent, error) {
	var recs []*esdb.RecordedEvent
	c, err := s.with(ctx, func(c *esdb.Client) error {
		rs, err := c.ReadAll(ctx, esdb.ReadAllOptions{From: from}, count)
		if err != nil {
			return err
		}
		defer rs.Close()
		recs, err = drain(rs)
		return err
	})
	if err = s.fail(ctx, c, err); err != nil {
		return nil, err
	}
	return recs, nil
}

// envelope maps an event of $all to its envelope, and false when it is not
// one of ours.
func (s *Store) envelope(rec *esdb.RecordedEvent) (domain.Envelope, bool, error) {
	stream, ok := s.ns.owns(rec)
	if !ok {
		return domain.Envelope{}, false, nil
	}
	e, err := fromRecorded(rec, stream)
	return e, err == nil, err
}
