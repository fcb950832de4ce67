package projections

import (
	"time"

	"github.com/caseledger/caseledger/domain"
)

// Slice is a period of a case's ownership: Owner from From until To (nil
// while current). A period with no owner is not a slice.
type Slice struct {
	Owner   domain.Owner
	From    time.Time
	To      *time.Time
	Reason  string
	EventID string
}

// OwnershipSlices folds a case's history (as currently known) into its
// ownership time slices, oldest first.
func OwnershipSlices(history []domain.Recorded) []Slice {
	var out []Slice
	c := domain.NewCase()
	for _, r := range domain.Timeline(history) {
		before := c.Owner
		domain.Evolve(c, r)
		if sameOwner(before, c.Owner) {
			continue
		}
		if n := len(out); n > 0 && out[n-1].To == nil {
			at := r.OccurredAt
			out[n-1].To = &at
		}
		if c.Owner != nil {
			out = append(out, Slice{Owner: *c.Owner, From: r.OccurredAt, Reason: reasonOf(r.Event), EventID: r.EventID})
		}
	}
	return out
}

func sameOwner(a, b *domain.Owner) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

func reasonOf(e domain.Event) string {
	switch e := e.(type) {
	case domain.CaseAllocated:
		return e.Reason
	case domain.TransferAccepted:
		return "transfer_in"
	}
	return ""
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
