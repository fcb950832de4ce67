package runner

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"strings"
	"sync"
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
}

// New returns a runner over src; snapshot is the file it checkpoints to ("" for none).
func New(src Source, now func() time.Time, snapshot string) *Runner {
	return &Runner{src: src, now: now, snap: snapshot, dir: projections.NewDirectory(), actors: projections.NewActors(), tree: newLedgerTree()}
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

func (r *Runner) catchUp(ctx context.Context, progress func(uint64)) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for {
		page, err := r.src.ReadAll(ctx, r.dir.Position, pageSize)
		if err != nil {
			return n, fmt.Errorf("projections: read after %d: %w", r.dir.Position, err)
		}
		if len(page) == 0 {
			return n, nil
		}
		if err := r.apply(ctx, page); err != nil {
			return n, err
		}
		n += len(page)
		if progress != nil {
			progress(r.dir.Position)
		}
	}
}

// apply folds one page of the global order into the projections: the actor
// index event by event, and the row of every case the page touched, folded
// again from that case's own events.
func (r *Runner) apply(ctx context.Context, page []domain.Envelope) error {
	touched := map[string]bool{}
	for _, e := range page {
		r.actors.Apply(e)
		if crn, ok := strings.CutPrefix(e.Stream, "case-"); ok {
			touched[crn] = true
		}
	}
	now := r.now()
	for crn := range touched {
		envs, err := readStream(ctx, r.src, domain.CaseStream(crn))
		if err != nil {
			return err
		}
		history, err := domain.FromEnvelopes(envs)
		if err != nil {
			return fmt.Errorf("projections: decode case %s: %w", crn, err)
		}
		r.dir.Put(projections.RowOf(history, now))
	}
	r.dir.Position = page[len(page)-1].Position
	if r.dir.Position > r.head {
		r.head = r.dir.Position
	}
	return nil
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
