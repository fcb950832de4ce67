package projections

import (
	"sort"
	"time"

	"github.com/caseledger/caseledger/domain"
)

// ComplianceView is the compliance view of API.md.
type ComplianceView struct {
	Upcoming        []AppointmentView `json:"upcoming"`
	NextAppointment *AppointmentView  `json:"next_appointment"`
	LastAttended    *AppointmentView  `json:"last_attended"`
	// UnacceptableSinceEnforcement counts unacceptable absences and failures
	// to comply at appointments after the latest warning or breach.
	UnacceptableSinceEnforcement int          `json:"unacceptable_absences_since_last_enforcement"`
	OpenBreaches                 []BreachView `json:"open_breaches"`
	AsOf                         time.Time    `json:"as_of"`
}

// AppointmentView is one appointment.
type AppointmentView struct {
	AppointmentID string    `json:"appointment_id"`
	StartsAt      time.Time `json:"starts_at"`
	Kind          string    `json:"kind"`
	Officer       string    `json:"officer"`
	SentenceID    string    `json:"sentence_id,omitempty"`
	Outcome       string    `json:"outcome,omitempty"`
}

// BreachView is an open breach.
type BreachView struct {
	BreachID   string `json:"breach_id"`
	SentenceID string `json:"sentence_id"`
	Reason     string `json:"reason"`
}

// Compliance returns the compliance view at the snapshot's instant.
// Upcoming appointments are those not cancelled, without an outcome, that
// start at or after the instant — so later today is included.
func Compliance(s Snapshot) ComplianceView {
	c := s.State
	out := ComplianceView{Upcoming: []AppointmentView{}, OpenBreaches: []BreachView{}, AsOf: s.AsOf.UTC()}
	enforced := latestEnforcement(s.Timeline)
	for _, id := range keys(c.Appointments) {
		a := c.Appointments[id]
		v := appointmentView(a)
		switch {
		case !a.Cancelled && a.Outcome == "" && !a.StartsAt.Before(s.AsOf):
			out.Upcoming = append(out.Upcoming, v)
		case a.Outcome == domain.OutcomeComplied || a.Outcome == domain.OutcomeFailedToComply:
			if out.LastAttended == nil || a.StartsAt.After(out.LastAttended.StartsAt) {
				last := v
				out.LastAttended = &last
			}
		}
		if (a.Outcome == domain.OutcomeUnacceptableAbsence || a.Outcome == domain.OutcomeFailedToComply) && a.StartsAt.After(enforced) {
			out.UnacceptableSinceEnforcement++
		}
	}
	sort.Slice(out.Upcoming, func(i, j int) bool { return out.Upcoming[i].StartsAt.Before(out.Upcoming[j].StartsAt) })
	if len(out.Upcoming) > 0 {
		next := out.Upcoming[0]
		out.NextAppointment = &next
	}
	for _, id := range keys(c.Breaches) {
		if b := c.Breaches[id]; b.Open {
			out.OpenBreaches = append(out.OpenBreaches, BreachView{BreachID: b.BreachID, SentenceID: b.SentenceID, Reason: b.Reason})
		}
	}
	return out
}

func appointmentView(a *domain.Appointment) AppointmentView {
	return AppointmentView{AppointmentID: a.AppointmentID, StartsAt: a.StartsAt.UTC(), Kind: a.Kind, Officer: a.Officer,
		SentenceID: a.SentenceID, Outcome: a.Outcome}
}

// latestEnforcement is when the latest warning or breach occurred (zero if none).
func latestEnforcement(timeline []domain.Recorded) time.Time {
	var at time.Time
	for _, r := range timeline {
		switch r.Event.(type) {
		case domain.WarningIssued, domain.BreachRaised:
			at = r.OccurredAt
		}
	}
	return at
}
