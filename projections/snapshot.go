package projections

import (
	"sort"
	"time"

	"github.com/caseledger/caseledger/domain"
)

// Snapshot is one case as at AsOf, as known at KnownAt: the fold of the
// events recorded by KnownAt and occurred by AsOf, in (occurred_at,
// position) order, after removing every event retracted by a retraction
// recorded by KnownAt. It is computed from the case's own events only.
type Snapshot struct {
	AsOf, KnownAt time.Time
	// Known are the case's events recorded by KnownAt, in stream order.
	Known []domain.Recorded
	// Timeline are the live known events that occurred by AsOf, in fold order.
	Timeline []domain.Recorded
	// State is the fold of Timeline.
	State *domain.Case
	// Slices are the ownership slices of Timeline, made during the same
	// fold (slicesOf(Timeline)).
	Slices []Slice
}

// At returns the case whose stream history is given as at asOf, as known at
// knownAt. history is in stream order, whose recorded_at never decreases.
func At(history []domain.Recorded, asOf, knownAt time.Time) Snapshot {
	n := sort.Search(len(history), func(i int) bool { return history[i].RecordedAt.After(knownAt) })
	known := history[:n]
	all := domain.Timeline(known)
	m := sort.Search(len(all), func(i int) bool { return all[i].OccurredAt.After(asOf) })
	return fold(Snapshot{AsOf: asOf, KnownAt: knownAt, Known: known, Timeline: all[:m]})
}

// AtOrdered is At(history, asOf, knownAt) for a knownAt by which every
// event of history was recorded, given the history's live events in fold
// order (domain.Timeline(history)), which it folds in place instead of
// copying and sorting them again: a server keeps that order with the case.
func AtOrdered(history, timeline []domain.Recorded, asOf, knownAt time.Time) Snapshot {
	m := sort.Search(len(timeline), func(i int) bool { return timeline[i].OccurredAt.After(asOf) })
	return fold(Snapshot{AsOf: asOf, KnownAt: knownAt, Known: history, Timeline: timeline[:m:m]})
}

// fold sets s's State and Slices from its Timeline.
func fold(s Snapshot) Snapshot {
	s.State = domain.NewCaseFor(len(s.Timeline))
	for _, r := range s.Timeline {
		before := s.State.Owner
		domain.Evolve(s.State, r)
		s.Slices = sliceStep(s.Slices, before, s.State.Owner, r)
	}
	return s
}

// Exists reports whether the case had been opened as known at KnownAt.
func (s Snapshot) Exists() bool { return len(s.Known) > 0 }

// Revision is the revision of the last known event.
func (s Snapshot) Revision() uint64 {
	if len(s.Known) == 0 {
		return 0
	}
	return s.Known[len(s.Known)-1].Revision
}
