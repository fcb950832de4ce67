package runner

import (
	"cmp"
	"context"
	"crypto/ed25519"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/caseledger/caseledger/domain"
	"github.com/caseledger/caseledger/projections"
)

// Source is what the runner reads.
type Source interface {
	ReadAll(ctx context.Context, after uint64, limit int) ([]domain.Envelope, error)
	ReadStream(ctx context.Context, stream string, from uint64, limit int) ([]domain.Envelope, error)
}

// pageSize is how many events one read of the global order asks for.
const pageSize = 2000

// roundEvents is how many events of the global order a catch-up reads
// before folding the cases they touched: a case is folded once a round,
// however many of its events the round holds.
const roundEvents = 10 * pageSize

// Runner owns the global projections.
type Runner struct {
	src  Source
	now  func() time.Time
	snap string // snapshot file, "" for none

	mu     sync.RWMutex
	dir    *projections.Directory
	actors *projections.Actors
	head   uint64 // the store's last known position, for lag
	treeMu sync.Mutex
	tree   *ledgerTree

	signKey   ed25519.PrivateKey
	signPath  string
	signEvery time.Duration

	// histories, when set, gives a case's decoded history for catch-up.
	histories func(ctx context.Context, stream string) ([]domain.Recorded, error)
}

// Option configures a runner.
type Option func(*Runner)

// WithHistories makes catch-up fold a case a round touched from load — the
// server's cache of decoded cases, which reads and decodes only what is new
// — instead of reading and decoding its whole stream. A rebuild, which
// touches every case once, reads the store as before.
func WithHistories(load func(ctx context.Context, stream string) ([]domain.Recorded, error)) Option {
	return func(r *Runner) { r.histories = load }
}

// New returns a runner over src; snapshot is the file it checkpoints to ("" for none).
func New(src Source, now func() time.Time, snapshot string, opts ...Option) *Runner {
	r := &Runner{src: src, now: now, snap: snapshot, dir: projections.NewDirectory(), actors: projections.NewActors(), tree: newLedgerTree()}
	for _, opt := range opts {
		opt(r)
	}
	return r
}

// Read calls f with the projections, read-locked, after catching up with
// every event stored so far, so a caller reads its own writes.
func (r *Runner) Read(ctx context.Context, f func(*projections.Directory, *projections.Actors)) error {
	if err := r.CatchUp(ctx); err != nil {
		return err
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	f(r.dir, r.actors)
	return nil
}

// Position is the global position the projections are complete up to.
func (r *Runner) Position() uint64 {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.dir.Position
}

// CatchUp folds in every event stored after the projections' position.
// It returns the number of events applied.
func (r *Runner) CatchUp(ctx context.Context) error {
	_, err := r.catchUp(ctx, nil)
	return err
}

// catchUp is CatchUp reporting the events applied so far as it goes.
// Empty projections over a store that reads every stream whole
// (streamReader) are first folded stream by stream, each case once.
func (r *Runner) catchUp(ctx context.Context, progress func(uint64)) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	if src, ok := r.src.(streamReader); ok && r.dir.Position == 0 {
		var err error
		if n, err = r.foldStreams(ctx, src, progress); err != nil {
			return 0, err
		}
	}
	for {
		round, more, err := r.readRound(ctx)
		if err != nil {
			return n, err
		}
		if len(round) == 0 {
			return n, nil
		}
		if err := r.apply(ctx, round); err != nil {
			return n, err
		}
		n += len(round)
		if progress != nil {
			progress(uint64(n))
		}
		if !more {
			return n, nil
		}
	}
}

// readRound reads the global order after the projections' position, page
// by page, until the end or roundEvents; it reports whether it stopped
// before the end.
func (r *Runner) readRound(ctx context.Context) ([]domain.Envelope, bool, error) {
	var round []domain.Envelope
	after := r.dir.Position
	for len(round) < roundEvents {
		page, err := r.src.ReadAll(ctx, after, pageSize)
		if err != nil {
			return nil, false, fmt.Errorf("projections: read after %d: %w", after, err)
		}
		if len(page) == 0 {
			return round, false, nil
		}
		round = append(round, page...)
		after = page[len(page)-1].Position
	}
	return round, true, nil
}

// apply folds a round of the global order into the projections: the row of
// every case the round touched, folded again from that case's own events,
// and the actor index event by event. Nothing changes unless every case
// folds.
func (r *Runner) apply(ctx context.Context, round []domain.Envelope) error {
	rows, err := r.foldCases(ctx, touchedCases(round), r.now())
	if err != nil {
		return err
	}
	for _, row := range rows {
		r.dir.Put(row)
	}
	for _, e := range round {
		r.actors.Apply(e)
	}
	r.dir.Position = round[len(round)-1].Position
	r.head = max(r.head, r.dir.Position)
	return nil
}

// touchedCases lists, once each, the CRNs of the cases events belong to.
func touchedCases(events []domain.Envelope) []string {
	seen := map[string]bool{}
	var crns []string
	for _, e := range events {
		if crn, ok := strings.CutPrefix(e.Stream, "case-"); ok && !seen[crn] {
			seen[crn] = true
			crns = append(crns, crn)
		}
	}
	return crns
}

// foldCases folds the row of each case from its whole stream, several
// cases at once when there are many.
func (r *Runner) foldCases(ctx context.Context, crns []string, now time.Time) ([]projections.CaseRow, error) {
	rows := make([]projections.CaseRow, len(crns))
	var next atomic.Int64
	var first error
	var mu sync.Mutex
	work := func() {
		for i := int(next.Add(1) - 1); i < len(crns); i = int(next.Add(1) - 1) {
			row, err := r.foldCase(ctx, crns[i], now)
			if err != nil {
				mu.Lock()
				first = cmp.Or(first, err)
				mu.Unlock()
				next.Store(int64(len(crns))) // stop the others
				return
			}
			rows[i] = row
		}
	}
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0)-1, len(crns)/minCasesPerWorker) {
		wg.Go(work)
	}
	work()
	wg.Wait()
	return rows, first
}

// minCasesPerWorker is how many cases it takes to fold on another goroutine.
const minCasesPerWorker = 8

// foldCase reads a case's whole stream (or takes its history from the
// histories) and folds its row.
func (r *Runner) foldCase(ctx context.Context, crn string, now time.Time) (projections.CaseRow, error) {
	if r.histories != nil {
		history, err := r.histories(ctx, domain.CaseStream(crn))
		if err != nil {
			return projections.CaseRow{}, fmt.Errorf("projections: read case %s: %w", crn, err)
		}
		return projections.RowOf(history, now), nil
	}
	envs, err := readStream(ctx, r.src, domain.CaseStream(crn))
	if err != nil {
		return projections.CaseRow{}, err
	}
	return caseRow(crn, envs, now)
}

// caseRow decodes a case's whole stream and folds its row, as known now.
func caseRow(crn string, envs []domain.Envelope, now time.Time) (projections.CaseRow, error) {
	history, err := domain.FromEnvelopes(envs)
	if err != nil {
		return projections.CaseRow{}, fmt.Errorf("projections: decode case %s: %w", crn, err)
	}
	return projections.RowOf(history, now), nil
}

// readStream reads a whole stream.
func readStream(ctx context.Context, src Source, stream string) ([]domain.Envelope, error) {
	var out []domain.Envelope
	for from := uint64(0); ; {
		page, err := src.ReadStream(ctx, stream, from, pageSize)
		if err != nil {
			return nil, fmt.Errorf("projections: read %s: %w", stream, err)
		}
		out = append(out, page...)
		if len(page) < pageSize {
			return out, nil
		}
		from = page[len(page)-1].Revision + 1
	}
}
