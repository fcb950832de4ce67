package projections

import (
	"slices"
	"time"

	"github.com/caseledger/caseledger/domain"
)

// TimelineEntry is one entry of the reviewer's chronology: the audit entry
// with who owned the case at that instant.
type TimelineEntry struct {
	AuditEntry
	Owner *domain.Owner `json:"owner"`
}

// TimelineView is the SFO timeline of a case over a window, as known at an
// instant: every entry in occurred_at order (retracted ones kept and marked),
// and the findings.
type TimelineView struct {
	CRN      string          `json:"crn"`
	Person   domain.Person   `json:"person"`
	From     time.Time       `json:"from"`
	To       time.Time       `json:"to"`
	KnownAt  time.Time       `json:"known_at"`
	Entries  []TimelineEntry `json:"entries"`
	Findings []Finding       `json:"findings"`
	// Slices are the ownership slices over the window, for the swimlanes.
	Slices []SliceView `json:"ownership"`
	// Lanes are the other swimlanes of the printable page.
	Lanes Lanes `json:"-"`
}

// DefaultWindow is the window of the timeline when none is asked for: from
// 12 months before the latest SFO's charged_at — or from the case's opening
// when there is none — to now.
func DefaultWindow(known []domain.Recorded, now time.Time) (time.Time, time.Time) {
	var from time.Time
	var charged time.Time
	for _, r := range known {
		switch e := r.Event.(type) {
		case domain.CaseOpened:
			if from.IsZero() || r.OccurredAt.Before(from) {
				from = r.OccurredAt
			}
		case domain.SFONotified:
			if e.ChargedAt.After(charged) {
				charged = e.ChargedAt
			}
		}
	}
	if !charged.IsZero() {
		from = charged.AddDate(-1, 0, 0)
	}
	return from, now
}

// Timeline builds the timeline of a case's history for the window [from,
// to), as known at knownAt. Findings are evaluated at the earlier of to and
// knownAt.
func Timeline(history []domain.Recorded, org *domain.Org, from, to, knownAt time.Time, th Thresholds) TimelineView {
	at := to
	if knownAt.Before(at) {
		at = knownAt
	}
	evaluated := At(history, at, knownAt)
	whole := evaluated // the usual case: the window ends by known_at
	if !at.Equal(to) {
		whole = At(history, to, knownAt)
	}
	owned := whole.Slices
	out := TimelineView{CRN: whole.State.CRN, Person: whole.State.Person, From: from.UTC(), To: to.UTC(), KnownAt: knownAt.UTC(),
		Entries: []TimelineEntry{}, Findings: Findings(evaluated, org, from, to, at, th), Slices: []SliceView{}}
	audit := Audit(whole.Known)
	entries := make([]TimelineEntry, 0, len(audit))
	for i, a := range audit {
		r := whole.Known[i]
		if r.OccurredAt.Before(from) || !r.OccurredAt.Before(to) {
			continue
		}
		entries = append(entries, TimelineEntry{AuditEntry: a, Owner: ownerAt(owned, r.OccurredAt)})
	}
	byOccurred := func(a, b TimelineEntry) int { return a.OccurredAt.Compare(b.OccurredAt) }
	if !slices.IsSortedFunc(entries, byOccurred) {
		slices.SortStableFunc(entries, byOccurred)
	}
	out.Entries = entries
	out.Lanes = lanesOf(whole.Timeline, to)
	out.Lanes.Absences = ownerAbsences(owned, org, to)
	for _, sl := range owned {
		if (sl.To != nil && !sl.To.After(from)) || !sl.From.Before(to) {
			continue
		}
		out.Slices = append(out.Slices, SliceView{From: sl.From.UTC(), To: sl.To, Provider: sl.Owner.Provider, Team: sl.Owner.Team,
			Officer: sl.Owner.Officer, Reason: sl.Reason, Rationale: sl.Rationale, EventID: sl.EventID})
	}
	return out
}

// ownerAt returns the owner whose slice covers t, or nil.
func ownerAt(slices []Slice, t time.Time) *domain.Owner {
	for i := len(slices) - 1; i >= 0; i-- {
		s := slices[i]
		if !s.From.After(t) && (s.To == nil || s.To.After(t)) {
			o := s.Owner
			return &o
		}
	}
	return nil
}
