package projections

import (
	"time"

	"github.com/caseledger/caseledger/domain"
)

// Slice is a period of a case's ownership: Owner from From until To (nil
// while current). A period with no owner is not a slice.
type Slice struct {
	Owner     domain.Owner
	From      time.Time
	To        *time.Time
	Reason    string
	Rationale string
	Sensitive bool
	EventID   string
}

// OwnershipSlices folds a case's history (as currently known) into its
// ownership time slices, oldest first.
func OwnershipSlices(history []domain.Recorded) []Slice {
	return slicesOf(domain.Timeline(history))
}

// slicesOf folds a timeline (live events in fold order) into ownership slices.
func slicesOf(timeline []domain.Recorded) []Slice {
	var out []Slice
	c := domain.NewCase()
	for _, r := range timeline {
		before := c.Owner
		domain.Evolve(c, r)
		out = sliceStep(out, before, c.Owner, r)
	}
	return out
}

// sliceStep extends the ownership slices out by the change of owner from
// before to after that r made, if it made one.
func sliceStep(out []Slice, before, after *domain.Owner, r domain.Recorded) []Slice {
	if sameOwner(before, after) {
		return out
	}
	if n := len(out); n > 0 && out[n-1].To == nil {
		at := r.OccurredAt
		out[n-1].To = &at
	}
	if after != nil {
		sl := Slice{Owner: *after, From: r.OccurredAt, Reason: "transfer_in", EventID: r.EventID}
		if a, ok := r.Event.(domain.CaseAllocated); ok {
			sl.Reason, sl.Rationale, sl.Sensitive = a.Reason, a.Rationale, a.Sensitive
		}
		out = append(out, sl)
	}
	return out
}

func sameOwner(a, b *domain.Owner) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

// Allocations returns the slices of one officer as the org decider needs them.
func Allocations(crn string, slices []Slice, officer string) []domain.Allocation {
	var out []domain.Allocation
	for _, s := range slices {
		if s.Owner.Officer == officer {
			out = append(out, domain.Allocation{CRN: crn, Team: s.Owner.Team, From: s.From, To: s.To})
		}
	}
	return out
}
