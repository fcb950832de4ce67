package projections

import (
	"sort"
	"time"

	"github.com/caseledger/caseledger/domain"
)

// facts is what the findings need to know of a case at one point of its fold.
type facts struct {
	// Owner is the owner (nil when none); OwnerEvent the event that made it.
	Owner      *domain.Owner
	OwnerEvent string
	// Open is opened and not closed.
	Open bool
	// Community is custody status community.
	Community bool
	// Sentences is the number of active sentences.
	Sentences int
	// RoSHHigh is DOMAIN.md's "RoSH": the latest risk.assessed is high or
	// very high, or an RHRH/RVHR registration is active.
	RoSHHigh bool
	// HighRisk is domain.Case.HighRisk: RoSHHigh or an active MAPPA registration.
	HighRisk bool
}

// supervised is "under supervision in the community": the case is open, the
// person is in the community and at least one sentence is active.
func (f facts) supervised() bool { return f.Open && f.Community && f.Sentences > 0 }

// step is one live event with the case's facts just before and just after it.
type step struct {
	r             domain.Recorded
	before, after facts
}

// replay is a case's timeline re-folded once, for all the rules.
type replay struct {
	steps []step
	// at is the instant the findings are evaluated at.
	at    time.Time
	state *domain.Case
	org   *domain.Org
	// outcomes maps an appointment id to its outcome event.
	outcomes map[string]domain.Recorded
	// attended memoises contacts(), which two rules ask for.
	attended []mark
	counted  bool
}

func newReplay(s Snapshot, org *domain.Org, at time.Time) *replay {
	p := &replay{at: at, state: s.State, org: org, outcomes: map[string]domain.Recorded{}}
	if p.state == nil {
		p.state = domain.NewCase()
	}
	c := domain.NewCase()
	var cur facts
	p.steps = make([]step, 0, len(s.Timeline))
	for _, r := range s.Timeline {
		before := cur
		domain.Evolve(c, r)
		cur = factsOf(c, cur, r.EventID)
		p.steps = append(p.steps, step{r: r, before: before, after: cur})
		if o, ok := r.Event.(domain.AppointmentOutcomeRecorded); ok {
			p.outcomes[o.AppointmentID] = r
		}
	}
	return p
}

// factsOf reads the facts off the state after the event id; prev keeps the
// owner pointer (and the event that made it) while the owner is unchanged.
func factsOf(c *domain.Case, prev facts, id string) facts {
	f := facts{Owner: prev.Owner, OwnerEvent: prev.OwnerEvent, Open: c.Opened && !c.Closed,
		Community: c.Custody == domain.CustodyStatusCommunity, HighRisk: c.HighRisk()}
	if !sameOwner(prev.Owner, c.Owner) {
		f.Owner, f.OwnerEvent = nil, ""
		if c.Owner != nil {
			o := *c.Owner
			f.Owner, f.OwnerEvent = &o, id
		}
	}
	for _, s := range c.Sentences {
		if s.Active {
			f.Sentences++
		}
	}
	f.RoSHHigh = c.Risk != nil && (c.Risk.RoSH == domain.RoSHHigh || c.Risk.RoSH == domain.RoSHVeryHigh)
	for _, r := range c.Registrations {
		if r.Active && (r.RegType == "RHRH" || r.RegType == "RVHR") {
			f.RoSHHigh = true
		}
	}
	return f
}

// factsAt returns the facts after every event that occurred by t.
func (p *replay) factsAt(t time.Time) facts {
	i := sort.Search(len(p.steps), func(i int) bool { return p.steps[i].r.OccurredAt.After(t) })
	if i == 0 {
		return facts{}
	}
	return p.steps[i-1].after
}

// absence returns the officer's absence covering t (domain.Org.AbsenceAt).
func (p *replay) absence(officer string, t time.Time) (*domain.AbsenceInfo, bool) {
	return p.org.AbsenceAt(officer, t)
}

// cover returns the cover officer recorded for the officer's absence at t, or "".
func (p *replay) cover(officer string, t time.Time) string {
	if a, ok := p.absence(officer, t); ok {
		return a.CoverOfficer
	}
	return ""
}

// ownerOrCover reports whether officer is the owner, or the owner's cover, at t.
func (p *replay) ownerOrCover(owner *domain.Owner, officer string, t time.Time) bool {
	if owner == nil || officer == "" {
		return false
	}
	return officer == owner.Officer || officer == p.cover(owner.Officer, t)
}

// appointmentAt is when an appointment was to take place (its starts_at
// after any rescheduling), or the zero time if it is unknown.
func (p *replay) appointmentAt(id string) time.Time {
	if a := p.state.Appointments[id]; a != nil {
		return a.StartsAt
	}
	return time.Time{}
}

func attended(outcome string) bool {
	return outcome == domain.OutcomeComplied || outcome == domain.OutcomeFailedToComply
}

func nonCompliant(outcome string) bool {
	return outcome == domain.OutcomeUnacceptableAbsence || outcome == domain.OutcomeFailedToComply
}

func ownerName(o *domain.Owner) string {
	if o == nil {
		return "nobody"
	}
	return o.Officer + " of team " + o.Team + " (" + o.Provider + ")"
}

func earlier(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}
