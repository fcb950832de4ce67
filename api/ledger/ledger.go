package ledger

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/caseledger/caseledger/domain"
	"github.com/caseledger/caseledger/store"
	"github.com/caseledger/caseledger/store/cache"
)

// Store is what the ledger needs from an event store.
type Store interface {
	Append(ctx context.Context, stream string, expected store.Expected, evs ...domain.Envelope) (store.Appended, error)
	ReadStream(ctx context.Context, stream string, from uint64, limit int) ([]domain.Envelope, error)
}

// Errors the ledger adds to the domain's refusals.
var (
	// ErrPrecondition: If-Match named another revision than the stream's.
	ErrPrecondition = errors.New("the stream is not at the If-Match revision")
	// ErrIdempotencyMismatch: the Idempotency-Key was used with another body.
	ErrIdempotencyMismatch = errors.New("the idempotency key was used with another request body")
	// ErrContention: the stream kept moving under the command.
	ErrContention = errors.New("the stream changed under the command too often; try again")
)

// maxAttempts bounds how often a command is decided again after losing a race.
const maxAttempts = 8

// readPage is how many events one stream read asks for.
const readPage = 1000

// Ledger carries out commands.
type Ledger struct {
	store Store
	now   func() time.Time
	cases *cache.Histories // case streams, decoded

	orgMu      sync.Mutex
	orgHistory []domain.Recorded // the org stream as last read, decoded
	org        *domain.Org       // built from orgHistory; never mutated once built

	turns turns // writers of one stream, one at a time
}

// New returns a ledger over st with the given clock.
func New(st Store, now func() time.Time, opts ...Option) *Ledger {
	o := options{cacheEvents: cache.DefaultMaxEvents}
	for _, opt := range opts {
		opt(&o)
	}
	return &Ledger{store: st, now: now, cases: cache.New(st, o.cacheEvents)}
}

// Option configures a ledger.
type Option func(*options)

type options struct{ cacheEvents int }

// CacheEvents bounds the decoded case events the ledger keeps in memory
// (cache.DefaultMaxEvents when n ≤ 0).
func CacheEvents(n int) Option {
	return func(o *options) {
		if n > 0 {
			o.cacheEvents = n
		}
	}
}

// Request is one command with everything around it.
type Request struct {
	// Stream is the stream the command writes to (a case stream or org).
	Stream string
	Actor  domain.Actor
	// OccurredAt is when it happened; zero means now.
	OccurredAt time.Time
	// IfMatch, when set, is the revision the stream must be at (-1: no stream).
	IfMatch *int64
	// Key scopes the idempotency key: caller, method, path and key. Empty
	// when the request has no Idempotency-Key.
	Key string
	// Digest identifies the request body, to tell a replay from a reuse of
	// the key with another body.
	Digest string
	// CorrelationID is the request's id, carried by every event it writes.
	CorrelationID string
	// Seed is what the request's event ids (and any ids the server
	// generates for it) derive from: see SeedFor.
	Seed uuid.UUID
}

// Result is what a successful command wrote.
type Result struct {
	Stream     string
	Revision   uint64
	Position   uint64
	RecordedAt time.Time
	Events     []domain.Envelope
	// Replayed is true when the request was an idempotent replay.
	Replayed bool
}

// SeedFor returns the seed of a request's ids: derived from its scoped
// idempotency key, so that a retry derives the same ids, or random without one.
func SeedFor(key string) uuid.UUID {
	if key == "" {
		return uuid.New()
	}
	return uuid.NewSHA1(keyNamespace, []byte(key))
}

// GeneratedID returns the n-th id the server generates for a request (a
// transfer_id the client left out, say), derived from its seed.
func GeneratedID(seed uuid.UUID, n int) string {
	return uuid.NewSHA1(seed, []byte(fmt.Sprintf("generated-%d", n))).String()
}

// keyNamespace scopes idempotency seeds.
var keyNamespace = uuid.MustParse("6f0e2a47-9d1c-4c55-8a0b-52b3c6a1e9d4")

// correlation returns the correlation id stamped on the request's events:
// with an idempotency key it names the body's digest, so a replay can be told
// from a reuse of the key with another body.
func (r Request) correlation() string {
	if r.Key != "" {
		return "idem:" + r.Digest
	}
	return r.CorrelationID
}

// History returns a case stream as stored now, with its events decoded. It
// reads only what was stored since the case was last read; callers must not
// modify what it returns.
func (l *Ledger) History(ctx context.Context, stream string) (cache.Stream, error) {
	return l.cases.Load(ctx, stream)
}

// ReadStream reads a whole stream.
func (l *Ledger) ReadStream(ctx context.Context, stream string) ([]domain.Envelope, error) {
	var out []domain.Envelope
	for from := uint64(0); ; {
		page, err := l.store.ReadStream(ctx, stream, from, readPage)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", stream, err)
		}
		out = append(out, page...)
		if len(page) < readPage {
			return out, nil
		}
		from = page[len(page)-1].Revision + 1
	}
}

// Org returns the reference data as currently stored. It reads only the org
// events stored since the last call, and rebuilds the org only when there
// were some; callers must not modify what it returns.
func (l *Ledger) Org(ctx context.Context) (*domain.Org, []domain.Recorded, error) {
	l.orgMu.Lock()
	defer l.orgMu.Unlock()
	t, tips := l.store.(cache.Tipper)
	if tips && l.org != nil && len(l.orgHistory) > 0 {
		if last, _, ok := t.Tip(domain.OrgStream); ok && last == l.orgHistory[len(l.orgHistory)-1].Revision {
			return l.org, l.orgHistory[:len(l.orgHistory):len(l.orgHistory)], nil // unchanged: nothing to read
		}
	}
	var epoch uint64
	if tips {
		_, epoch, _ = t.Tip(domain.OrgStream)
	}
	from, grew := uint64(len(l.orgHistory)), false
	for {
		page, err := l.store.ReadStream(ctx, domain.OrgStream, from, readPage)
		if err != nil {
			return nil, nil, fmt.Errorf("read org: %w", err)
		}
		decoded, err := domain.FromEnvelopes(page)
		if err != nil {
			return nil, nil, err
		}
		l.orgHistory = append(l.orgHistory, decoded...)
		grew = grew || len(page) > 0
		if len(page) < readPage {
			break
		}
		from += uint64(len(page))
	}
	if grew || l.org == nil {
		l.org = domain.BuildOrg(l.orgHistory)
	}
	if tips && len(l.orgHistory) > 0 {
		t.Observe(domain.OrgStream, l.orgHistory[len(l.orgHistory)-1].Revision, epoch)
	}
	return l.org, l.orgHistory[:len(l.orgHistory):len(l.orgHistory)], nil
}
