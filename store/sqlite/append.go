package sqlite

import (
	"context"
	"fmt"

	"github.com/caseledger/caseledger/domain"
	"github.com/caseledger/caseledger/store"
)

// request is one Append waiting for the writer.
type request struct {
	ctx      context.Context
	stream   string
	expected store.Expected
	events   []domain.Envelope // the store's own copies, sealed in place
	chunk    *importChunk      // set instead of stream, expected and events by Import
	reply    chan reply        // buffered, so the writer never waits
}

// reply is the writer's answer to a request.
type reply struct {
	res store.Appended
	err error
}

// Append stores evs at the end of stream if it satisfies expected, sealing
// each, and returns once they are durable. If every id was stored before in
// stream it stores nothing and reports the originals with Duplicate set. If
// ctx ends while the writer has the request, the outcome is unknown: retry
// with the same ids.
func (s *Store) Append(ctx context.Context, stream string, expected store.Expected, evs ...domain.Envelope) (store.Appended, error) {
	if err := store.CheckAppendable(stream, evs); err != nil {
		return store.Appended{}, err
	}
	r := &request{ctx: ctx, stream: stream, expected: expected, events: copyEvents(evs), reply: make(chan reply, 1)}
	select {
	case s.requests <- r:
	case <-ctx.Done():
		return store.Appended{}, ctx.Err()
	case <-s.quit:
		return store.Appended{}, store.ErrClosed
	}
	select {
	case rep := <-r.reply:
		return rep.res, rep.err
	case <-ctx.Done():
		return store.Appended{}, fmt.Errorf("append to %s: outcome unknown: %w", stream, ctx.Err())
	case <-s.done:
		select {
		case rep := <-r.reply:
			return rep.res, rep.err
		default:
			return store.Appended{}, store.ErrClosed
		}
	}
}

// copyEvents copies evs deeply enough that sealing the copies, and the
// caller reusing its slices, cannot affect each other.
func copyEvents(evs []domain.Envelope) []domain.Envelope {
	out := make([]domain.Envelope, len(evs))
	for i, e := range evs {
		e.Data = append([]byte(nil), e.Data...)
		if e.Actor.Roles != nil {
			e.Actor.Roles = append([]string{}, e.Actor.Roles...)
		}
		out[i] = e
	}
	return out
}
