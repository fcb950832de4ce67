package demo

import (
	"context"
	"encoding/binary"
	"errors"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/caseledger/caseledger/api"
	"github.com/caseledger/caseledger/api/ledger"
	"github.com/caseledger/caseledger/domain"
)

// Options says what Generate writes.
type Options struct {
	// Cases is how many cases to generate (default 200).
	Cases int
	// Seed decides all the content: the same seed gives the same events.
	Seed int64
	// Now is when the histories end (default time.Now()): no occurred_at is
	// later, and they begin about 18 months before it. It must not be later
	// than the ledger's clock.
	Now time.Time
	// Workers is how many cases are written concurrently (default 8), so
	// that a durable store can share its commits between them.
	Workers int
	// Progress, when set, is called after each case with the number of
	// cases and events written so far; calls never overlap.
	Progress func(cases, events int)
}

// Summary is what Generate wrote.
type Summary struct {
	Cases int
	// Events counts the events written by type, consequences included.
	Events map[string]int
	Total  int
	// Users are the identities to make demo tokens for, one per role: the
	// administrator, a practitioner of each provider (the officer holding
	// most of its cases), the SFO reviewer and an auditor. Their
	// TokenSHA256 is empty.
	Users []api.TokenEntry
}

// orgAge is how long before Options.Now the organisation is registered; the
// oldest case opens 540 days before it.
const orgAge = 600 * day

// Generate writes an invented organisation and opts.Cases case histories
// into an empty ledger through l.Execute. A refusal by the domain is a bug
// in the generator: it is returned, naming the case and the command.
func Generate(ctx context.Context, l *ledger.Ledger, opts Options) (Summary, error) {
	opts = opts.withDefaults()
	if opts.Cases < 0 {
		return Summary{}, errors.New("demo: a negative number of cases")
	}
	rng := rand.New(rand.NewPCG(uint64(opts.Seed), 0))
	org := planOrg(rng, opts.Now.Add(-orgAge).Truncate(day).Add(8*time.Hour), opts.Now)
	ow := newWriter(ctx, l, domain.OrgStream, rng)
	if err := org.register(ow); err != nil {
		return Summary{}, err
	}
	results, err := generateCases(ctx, l, org, opts, total(ow.tally))
	if err != nil {
		return Summary{}, err
	}
	sum := Summary{Cases: opts.Cases, Events: map[string]int{}}
	for _, t := range append([]map[string]int{ow.tally}, tallies(results)...) {
		for typ, n := range t {
			sum.Events[typ] += n
			sum.Total += n
		}
	}
	sum.Users = users(org, results)
	return sum, nil
}

func (o Options) withDefaults() Options {
	if o.Cases == 0 {
		o.Cases = 200
	}
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	o.Now = o.Now.UTC()
	if o.Workers <= 0 {
		o.Workers = 8
	}
	return o
}

// caseResult is what one case's generation leaves: its tally and its owner
// at the end.
type caseResult struct {
	tally map[string]int
	owner *domain.Owner
}

// generateCases writes the cases on opts.Workers goroutines; each case's
// commands stay in order, and its content depends only on (seed, index).
func generateCases(ctx context.Context, l *ledger.Ledger, org *orgPlan, opts Options, events int) ([]caseResult, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	results := make([]caseResult, opts.Cases)
	next := make(chan int)
	var mu sync.Mutex
	done := 0
	var wg sync.WaitGroup
	for range opts.Workers {
		wg.Go(func() {
			for i := range next {
				res, err := generateCase(ctx, l, org, opts, i)
				if err != nil {
					cancel(err)
					continue
				}
				results[i] = res
				mu.Lock()
				done, events = done+1, events+total(res.tally)
				if opts.Progress != nil {
					opts.Progress(done, events)
				}
				mu.Unlock()
			}
		})
	}
feed:
	for i := range opts.Cases {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		return nil, err
	}
	return results, nil
}

// writer executes the commands of one stream in order, drawing each
// request's seed (so its event ids) from rng, and tallies what it wrote.
type writer struct {
	ctx    context.Context
	l      *ledger.Ledger
	stream string
	rng    *rand.Rand
	tally  map[string]int
}

func newWriter(ctx context.Context, l *ledger.Ledger, stream string, rng *rand.Rand) *writer {
	return &writer{ctx: ctx, l: l, stream: stream, rng: rng, tally: map[string]int{}}
}

func (w *writer) execute(actor domain.Actor, at time.Time, decide ledger.Decider) ([]domain.Envelope, error) {
	req := ledger.Request{Stream: w.stream, Actor: actor, OccurredAt: at, Seed: newSeed(w.rng), CorrelationID: newSeed(w.rng).String()}
	res, err := w.l.Execute(w.ctx, req, decide)
	if err != nil {
		return nil, err
	}
	for _, e := range res.Events {
		w.tally[e.Type]++
	}
	return res.Events, nil
}

// newSeed draws a version 4 UUID from rng.
func newSeed(rng *rand.Rand) uuid.UUID {
	var u uuid.UUID
	binary.BigEndian.PutUint64(u[:8], rng.Uint64())
	binary.BigEndian.PutUint64(u[8:], rng.Uint64())
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	return u
}

func total(tally map[string]int) int {
	n := 0
	for _, v := range tally {
		n += v
	}
	return n
}

func tallies(results []caseResult) []map[string]int {
	out := make([]map[string]int, len(results))
	for i, r := range results {
		out[i] = r.tally
	}
	return out
}
