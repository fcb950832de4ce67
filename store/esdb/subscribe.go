package esdb

import (
	"context"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"

	"github.com/caseledger/caseledger/domain"
)

// Subscribe delivers our events after position after, in $all order: a
// catch-up subscription to $all that reads what is stored and then follows
// live appends, with system events filtered out at the server. The event
// channel is closed when ctx ends. On any other end — the connection lost,
// a leader change, the store closed (store.ErrClosed) — the error is sent
// on the error channel first; the caller subscribes again from the last
// position it processed.
func (s *Store) Subscribe(ctx context.Context, after uint64) (<-chan domain.Envelope, <-chan error) {
	out := make(chan domain.Envelope)
	errs := make(chan error, 1)
	go func() {
		defer close(errs)
		defer close(out)
		if err := s.follow(ctx, after, out); err != nil && ctx.Err() == nil {
			errs <- err
		}
	}()
	return out, errs
}

// follow runs one subscription until ctx ends or it drops.
func (s *Store) follow(ctx context.Context, after uint64, out chan<- domain.Envelope) error {
	var sub *esdb.Subscription
	opts := esdb.SubscribeToAllOptions{From: allFrom(after), Filter: subscriptionFilter(s.ns)}
	c, err := s.with(ctx, func(c *esdb.Client) (err error) {
		sub, err = c.SubscribeToAll(s.readCtx(ctx), opts)
		return err
	})
	if err != nil {
		return s.fail(ctx, c, err)
	}
	defer sub.Close()
	cursor := esdb.Position{Commit: after, Prepare: after}
	for {
		ev := sub.Recv()
		if ev.SubscriptionDropped != nil {
			return s.fail(ctx, c, ev.SubscriptionDropped.Error)
		}
		if ev.EventAppeared == nil {
			continue // checkpoints, caught up, fell behind
		}
		rec := ev.EventAppeared.OriginalEvent()
		if rec == nil || !isAfter(rec.Position, cursor) {
			continue
		}
		cursor = rec.Position
		e, ok, err := s.envelope(rec)
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		select {
		case out <- e:
		case <-ctx.Done():
			return nil
		}
	}
}
