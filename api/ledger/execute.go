package ledger

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/caseledger/caseledger/domain"
	"github.com/caseledger/caseledger/store"
)

// Decider turns a stream's history into new events. Execute calls it once per
// attempt, with the stream as stored and the org reference data.
type Decider func(history []domain.Recorded, org *domain.Org, orgHistory []domain.Recorded, m domain.Meta) ([]domain.Recorded, error)

// Case returns the Decider of a case command.
func Case(cmd domain.Command) Decider {
	return func(h []domain.Recorded, org *domain.Org, _ []domain.Recorded, m domain.Meta) ([]domain.Recorded, error) {
		return domain.Decide(h, org, m, cmd)
	}
}

// Org returns the Decider of an org command; allocations gives the ownership
// slices of the officer it concerns (for moves and departures).
func Org(cmd domain.OrgCommand, allocations []domain.Allocation) Decider {
	return func(h []domain.Recorded, _ *domain.Org, _ []domain.Recorded, m domain.Meta) ([]domain.Recorded, error) {
		return domain.DecideOrg(h, m, cmd, allocations)
	}
}

// Execute loads req.Stream, decides, and appends. A refusal is returned as
// the domain's *domain.Error; a replay of an idempotent request returns the
// first result with Replayed set.
func (l *Ledger) Execute(ctx context.Context, req Request, decide Decider) (Result, error) {
	seed := req.Seed
	if seed == [16]byte{} {
		seed = SeedFor(req.Key)
	}
	defer l.turns.take(req.Stream)()
	for attempt := 0; attempt < maxAttempts; attempt++ {
		res, err := l.attempt(ctx, req, decide, seed)
		if !errors.Is(err, store.ErrWrongRevision) {
			return res, err
		}
		if req.IfMatch != nil {
			return Result{}, ErrPrecondition
		}
	}
	return Result{}, ErrContention
}

func (l *Ledger) attempt(ctx context.Context, req Request, decide Decider, seed [16]byte) (Result, error) {
	envs, history, err := l.load(ctx, req.Stream)
	if err != nil {
		return Result{}, err
	}
	if req.Key != "" {
		if res, found, err := replay(envs, seed, req.correlation()); found || err != nil {
			return res, err
		}
	}
	org, orgHistory, err := l.Org(ctx)
	if err != nil {
		return Result{}, err
	}
	now := l.now().UTC()
	at := req.OccurredAt
	if at.IsZero() {
		at = now
	}
	m := domain.Meta{OccurredAt: at, Now: now, Actor: req.Actor, Seed: seed}
	decided, err := decide(history, org, orgHistory, m)
	if err != nil {
		return Result{}, l.precondition(req, envs, err)
	}
	if err := l.precondition(req, envs, nil); err != nil {
		return Result{}, err
	}
	return l.append(ctx, req, envs, decided)
}

// load reads the stream a command writes to: a case stream through the
// cache of decoded cases, any other stream (org) from the store.
func (l *Ledger) load(ctx context.Context, stream string) ([]domain.Envelope, []domain.Recorded, error) {
	if strings.HasPrefix(stream, domain.CaseStream("")) {
		h, err := l.History(ctx, stream)
		return h.Envelopes, h.Events, err
	}
	envs, err := l.ReadStream(ctx, stream)
	if err != nil {
		return nil, nil, err
	}
	history, err := domain.FromEnvelopes(envs)
	if err != nil {
		return nil, nil, fmt.Errorf("decode %s: %w", stream, err)
	}
	return envs, history, nil
}

// precondition answers ErrPrecondition when If-Match does not name the
// stream's revision, unless err is a refusal that comes first (422, 404).
func (l *Ledger) precondition(req Request, envs []domain.Envelope, err error) error {
	var de *domain.Error
	if err != nil && (!errors.As(err, &de) || de.Kind != domain.Conflict) {
		return err
	}
	if req.IfMatch != nil && *req.IfMatch != int64(len(envs))-1 {
		return ErrPrecondition
	}
	return err
}

func (l *Ledger) append(ctx context.Context, req Request, envs []domain.Envelope, decided []domain.Recorded) (Result, error) {
	out := make([]domain.Envelope, 0, len(decided))
	for _, r := range decided {
		e, err := domain.ToEnvelope(r, req.correlation())
		if err != nil {
			return Result{}, err
		}
		out = append(out, e)
	}
	expected := store.NoStream
	if len(envs) > 0 {
		expected = store.Exact(envs[len(envs)-1].Revision)
	}
	app, err := l.store.Append(ctx, req.Stream, expected, out...)
	if errors.Is(err, store.ErrDuplicateEventID) && req.Key != "" {
		return Result{}, ErrIdempotencyMismatch
	}
	if err != nil {
		return Result{}, err
	}
	return Result{Stream: req.Stream, Revision: app.Revision, Position: app.Position, RecordedAt: app.RecordedAt,
		Events: app.Events, Replayed: app.Duplicate}, nil
}

// replay finds the events an earlier request with the same idempotency key
// wrote: their ids are the ones derived from the seed, stored together.
func replay(envs []domain.Envelope, seed [16]byte, correlation string) (Result, bool, error) {
	first := domain.EventID(seed, 0)
	for i, e := range envs {
		if e.EventID != first {
			continue
		}
		if e.CorrelationID != correlation {
			return Result{}, true, ErrIdempotencyMismatch
		}
		ids := map[string]bool{}
		for k := 0; k < len(envs)-i; k++ {
			ids[domain.EventID(seed, k)] = true
		}
		j := i + 1
		for j < len(envs) && ids[envs[j].EventID] {
			j++
		}
		evs := envs[i:j]
		last := evs[len(evs)-1]
		return Result{Stream: e.Stream, Revision: last.Revision, Position: last.Position,
			RecordedAt: last.RecordedAt, Events: evs, Replayed: true}, true, nil
	}
	return Result{}, false, nil
}
