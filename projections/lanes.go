package projections

import (
	"time"

	"github.com/caseledger/caseledger/domain"
)

// Lanes are the series the timeline page draws as swimlanes.
type Lanes struct {
	RoSH         []Period
	Custody      []Period
	Appointments []Mark
	Information  []InfoSpan
	// Absences are the owners' absences while they owned the case; Value
	// names the cover officer, or is empty when none was recorded.
	Absences []Period
}

// Period is a value held from From until To.
type Period struct {
	From, To time.Time
	Value    string
	EventID  string
}

// Mark is a point on a lane.
type Mark struct {
	At      time.Time
	Value   string
	EventID string
	Label   string
}

// InfoSpan is a piece of information from its receipt to its first
// acknowledgement (To zero when never acknowledged).
type InfoSpan struct {
	ID           string
	ReceivedAt   time.Time
	AckAt        time.Time
	RiskRelevant bool
	Urgent       bool
	EventID      string
}

// lanesOf reads the swimlanes off a timeline (live events in fold order) up to end.
func lanesOf(timeline []domain.Recorded, end time.Time) Lanes {
	var l Lanes
	custody := Period{Value: domain.CustodyStatusCommunity}
	started := false
	info := map[string]int{}
	appts := map[string]*domain.AppointmentBooked{}
	for _, r := range timeline {
		switch e := r.Event.(type) {
		case domain.CaseOpened:
			custody.From, started = r.OccurredAt, true
		case domain.RiskAssessed:
			l.RoSH = closeLast(l.RoSH, r.OccurredAt)
			l.RoSH = append(l.RoSH, Period{From: r.OccurredAt, Value: e.RoSH, EventID: r.EventID})
		case domain.CustodyRemanded, domain.CustodyReleased, domain.RecallConcluded:
			next := custodyAfter(r.Event, custody.Value)
			if started && next != custody.Value {
				custody.To = r.OccurredAt
				l.Custody = append(l.Custody, custody)
				custody = Period{From: r.OccurredAt, Value: next, EventID: r.EventID}
			}
		case domain.AppointmentBooked:
			b := e
			appts[e.AppointmentID] = &b
		case domain.AppointmentRescheduled:
			if b := appts[e.AppointmentID]; b != nil {
				b.StartsAt = e.StartsAt
			}
		case domain.AppointmentOutcomeRecorded:
			if b := appts[e.AppointmentID]; b != nil {
				l.Appointments = append(l.Appointments, Mark{At: b.StartsAt, Value: e.Outcome, EventID: r.EventID, Label: b.Kind})
			}
		case domain.InformationReceived:
			info[e.InformationID] = len(l.Information)
			l.Information = append(l.Information, InfoSpan{ID: e.InformationID, ReceivedAt: r.OccurredAt,
				RiskRelevant: e.RiskRelevant, Urgent: e.Urgency == "urgent", EventID: r.EventID})
		case domain.InformationAcknowledged:
			if i, ok := info[e.InformationID]; ok && l.Information[i].AckAt.IsZero() {
				l.Information[i].AckAt = r.OccurredAt
			}
		}
	}
	l.RoSH = closeLast(l.RoSH, end)
	if started {
		custody.To = end
		l.Custody = append(l.Custody, custody)
	}
	return l
}

func closeLast(ps []Period, at time.Time) []Period {
	if n := len(ps); n > 0 && ps[n-1].To.IsZero() {
		ps[n-1].To = at
	}
	return ps
}

func custodyAfter(e domain.Event, cur string) string {
	switch e := e.(type) {
	case domain.CustodyRemanded:
		return domain.CustodyStatusRemanded
	case domain.CustodyReleased:
		return domain.CustodyStatusCommunity
	case domain.RecallConcluded:
		if e.Outcome == domain.RecallReturnedToCustody {
			return domain.CustodyStatusInCustody
		}
	}
	return cur
}

// ownerAbsences returns the absences of each owner that overlap the slice
// in which they owned the case.
func ownerAbsences(slices []Slice, org *domain.Org, end time.Time) []Period {
	var out []Period
	if org == nil {
		return out
	}
	for _, s := range slices {
		to := end
		if s.To != nil {
			to = *s.To
		}
		for _, id := range keys(org.Absences) {
			a := org.Absences[id]
			if a.Code != s.Owner.Officer || a.Cancelled || !a.From.Before(to) || !a.To.After(s.From) {
				continue
			}
			out = append(out, Period{From: later(a.From, s.From), To: earlierOf(a.To, to), Value: a.CoverOfficer, EventID: a.EventID})
		}
	}
	return out
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func earlierOf(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
