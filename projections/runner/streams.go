package runner

import (
	"cmp"
	"context"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/caseledger/caseledger/domain"
	"github.com/caseledger/caseledger/projections"
)

// streamReader is a Source that can also read every stream whole, from one
// state of the store, calling f from several goroutines (the embedded
// store does). A rebuild over it reads and decodes each event once.
type streamReader interface {
	ReadStreams(ctx context.Context, f func([]domain.Envelope) error) (uint64, error)
}

// foldStreams folds every stream src holds into empty projections: each
// case's row from its whole stream, and every event into the actor index,
// which is then put back in global order. It returns the events folded.
// Called with r.mu held; on an error the projections are left empty.
func (r *Runner) foldStreams(ctx context.Context, src streamReader, progress func(uint64)) (int, error) {
	now := r.now()
	var mu sync.Mutex // guards the projections and n while f runs on several goroutines
	n := 0
	var foldErr error // an error of the fold, not of the read
	head, err := src.ReadStreams(ctx, func(envs []domain.Envelope) error {
		row, isCase, err := rowOfStream(envs, now)
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			foldErr = cmp.Or(foldErr, err)
			return err
		}
		for _, e := range envs {
			r.actors.Apply(e)
		}
		if isCase {
			r.dir.Put(row)
		}
		n += len(envs)
		if progress != nil {
			progress(uint64(n))
		}
		return nil
	})
	if err != nil {
		r.dir, r.actors = projections.NewDirectory(), projections.NewActors()
		if foldErr != nil {
			return 0, foldErr
		}
		return 0, fmt.Errorf("projections: read every stream: %w", err)
	}
	sortByPosition(r.actors)
	r.dir.Position = head
	r.head = max(r.head, head)
	return n, nil
}

// sortByPosition puts every actor's events back in global order, several
// actors at once.
func sortByPosition(a *projections.Actors) {
	lists := make([][]projections.EventRef, 0, len(a.ByActor))
	for _, refs := range a.ByActor {
		lists = append(lists, refs)
	}
	var wg sync.WaitGroup
	workers := runtime.GOMAXPROCS(0)
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(lists); i += workers {
				slices.SortFunc(lists[i], func(a, b projections.EventRef) int { return cmp.Compare(a.Position, b.Position) })
			}
		})
	}
	wg.Wait()
}

// rowOfStream folds a case's whole stream into its row; it reports false
// for a stream that is not a case's.
func rowOfStream(envs []domain.Envelope, now time.Time) (projections.CaseRow, bool, error) {
	crn, ok := strings.CutPrefix(envs[0].Stream, "case-")
	if !ok {
		return projections.CaseRow{}, false, nil
	}
	row, err := caseRow(crn, envs, now)
	return row, err == nil, err
}
