package demo

import (
	"time"

	"github.com/caseledger/caseledger/domain"
)

// Notes recorded with each outcome.
var outcomeNotes = map[string][]string{
	domain.OutcomeComplied: {
		"Discussed employment and housing; no concerns", "Worked on the sentence plan: consequential thinking exercise",
		"Reports drinking less; continue to monitor", "Reviewed progress on the sentence plan; engaging well",
	},
	domain.OutcomeFailedToComply:      {"Arrived intoxicated and was sent home", "Refused to engage with the session and left early"},
	domain.OutcomeAcceptableAbsence:   {"Medical certificate provided", "Job interview, agreed in advance"},
	domain.OutcomeUnacceptableAbsence: {"Did not attend; no explanation given", "No contact: phone switched off"},
}

// bookNext books the next appointment after base at the usual interval:
// weekly during the first eight weeks, then by RoSH — within the SFO
// review's no-contact thresholds (14 days when high, 28 otherwise), so that
// only missed appointments open gaps.
func (g *caseGen) bookNext(base time.Time) error {
	st := g.state()
	lo, hi := 21, 27
	switch {
	case base.Sub(g.opened) < 56*day:
		lo, hi = 6, 7
	case st.HighRisk():
		lo, hi = 9, 12
	case st.Risk != nil && st.Risk.RoSH == domain.RoSHMedium:
		lo, hi = 14, 20
	}
	return g.book(g.daysAfter(maxTime(base, g.t), lo, hi))
}

// book books an appointment starting at starts, by the worker with the
// owner (or who stands in then), and plans its outcome. No appointment is
// booked in custody, on a closed case or behind an open recall; the one
// after the end is left upcoming (later today, for some cases).
func (g *caseGen) book(starts time.Time) error {
	st := g.state()
	s := st.Sentences[g.primary]
	g.nextAppt = ""
	if st.Custody != domain.CustodyStatusCommunity || st.Closed || (s != nil && s.OpenRecall != "") {
		return nil
	}
	if starts.After(g.end) && g.p.today && !g.upcoming {
		g.upcoming, starts = true, laterToday(g.now)
	}
	kind := pick(g.rng, []string{"office", "office", "office", "office", "office", "home_visit", "video", "phone"})
	if g.homeVisit {
		kind, g.homeVisit = "home_visit", false
	}
	sentence := ""
	if s != nil && s.Active {
		sentence = g.primary
	}
	officer := g.org.teams[g.ownerOrLast(st).Team].spo().Code
	if st.Owner != nil {
		officer = g.present(st.Owner.Officer, starts).Code
	}
	id := g.id("appointment")
	if _, err := g.do(g.workerActor(), domain.BookAppointment{AppointmentID: id, StartsAt: starts, Kind: kind,
		Officer: officer, SentenceID: sentence}); err != nil {
		return err
	}
	g.nextAppt = id
	if chance(g.rng, 0.05) && starts.Add(-2*day).After(g.t) {
		g.at(officeTime(g.rng, starts.Add(-2*day)), func() error { return g.reschedule(id) })
	}
	record := starts.Add(time.Duration(between(g.rng, 45, 90)) * time.Minute)
	if g.p.late && chance(g.rng, 0.2) {
		g.at(officeTime(g.rng, starts.Add(time.Duration(between(g.rng, 3, 6))*day)), func() error { return g.recordOutcome(id, record) })
	} else {
		g.at(record, func() error { return g.recordOutcome(id, record) })
	}
	return nil
}

// reschedule moves an appointment a few days later at the person's request.
func (g *caseGen) reschedule(id string) error {
	a := g.state().Appointments[id]
	if a == nil || a.Cancelled || a.Outcome != "" {
		return nil
	}
	_, err := g.do(g.workerActor(), domain.RescheduleAppointment{AppointmentID: id,
		StartsAt: g.daysAfter(a.StartsAt, 1, 3), Reason: "Asked to move it: starting a new job that week"})
	return err
}

// recordOutcome records what happened at the appointment, as having
// occurred at occurred (days before now for an entry typed in late), deals
// with non-compliance, and books the next one. An appointment ended by a
// recall or a closure stops the chain; a rescheduled one waits.
func (g *caseGen) recordOutcome(id string, occurred time.Time) error {
	st := g.state()
	a := st.Appointments[id]
	switch {
	case a == nil || a.Cancelled || a.Outcome != "":
		if g.nextAppt == id {
			g.nextAppt = ""
		}
		return nil
	case a.StartsAt.After(occurred):
		at := a.StartsAt.Add(time.Hour)
		g.at(at, func() error { return g.recordOutcome(id, at) })
		return nil
	case st.Custody != domain.CustodyStatusCommunity:
		return g.cancelNext("In custody")
	case chance(g.rng, 0.03):
		if _, err := g.do(g.workerActor(), domain.CancelAppointment{AppointmentID: id, Reason: "Officer called to court: rebooked"}); err != nil {
			return err
		}
		g.tick()
		return g.book(g.daysAfter(g.t, 1, 4))
	}
	outcome, correct := g.chooseOutcome(occurred)
	by := g.org.actor(g.present(a.Officer, occurred).Code)
	recs, err := g.doAt(occurred, by, domain.RecordOutcome{AppointmentID: id, Outcome: outcome, Notes: pick(g.rng, outcomeNotes[outcome])})
	if err != nil {
		return err
	}
	switch {
	case correct:
		g.at(g.daysAfter(g.t, 1, 2), func() error { return g.correctOutcome(recs[0], id) })
	case (outcome == domain.OutcomeUnacceptableAbsence || outcome == domain.OutcomeFailedToComply) && a.SentenceID != "":
		g.enforce(id, a.SentenceID)
	}
	g.tick()
	return g.bookNext(a.StartsAt)
}

// chooseOutcome draws an outcome; correct is true for the one absence that
// will be found to have been recorded in error.
func (g *caseGen) chooseOutcome(at time.Time) (outcome string, correct bool) {
	if g.p.correction && !g.corrected && at.Sub(g.opened) > 60*day {
		g.corrected = true
		return domain.OutcomeUnacceptableAbsence, true
	}
	r := g.rng.Float64()
	switch {
	case r < 0.80:
		return domain.OutcomeComplied, false
	case r < 0.90:
		return domain.OutcomeAcceptableAbsence, false
	case r < 0.97:
		return domain.OutcomeUnacceptableAbsence, false
	}
	return domain.OutcomeFailedToComply, false
}

// correctOutcome retracts an unacceptable absence recorded in error and
// records, in the same write, the acceptable absence it was.
func (g *caseGen) correctOutcome(wrong domain.Recorded, id string) error {
	_, err := g.do(g.workerActor(), domain.RetractEntry{EventID: wrong.EventID,
		Reason: "Recorded in error: a medical certificate covering the appointment was received",
		Replacement: domain.AppointmentOutcomeRecorded{AppointmentID: id, Outcome: domain.OutcomeAcceptableAbsence,
			Notes: "Medical certificate received after the appointment"}})
	return err
}

// cancelNext cancels the booked appointment, if it is still open, and stops the chain.
func (g *caseGen) cancelNext(reason string) error {
	id := g.nextAppt
	g.nextAppt = ""
	if a := g.state().Appointments[id]; a == nil || a.Cancelled || a.Outcome != "" {
		return nil
	}
	_, err := g.do(g.workerActor(), domain.CancelAppointment{AppointmentID: id, Reason: reason})
	g.tick()
	return err
}

// ownerOrLast is the owner, or the last owner of an unowned case.
func (g *caseGen) ownerOrLast(st *domain.Case) *domain.Owner {
	if st.Owner != nil {
		return st.Owner
	}
	return st.LastOwner
}

// laterToday is halfway between now and 17:00, or 20 minutes from now
// after 16:20 (which may then be tomorrow, just after midnight).
func laterToday(now time.Time) time.Time {
	left := now.Truncate(day).Add(17 * time.Hour).Sub(now)
	if left < 40*time.Minute {
		return now.Add(20 * time.Minute)
	}
	return now.Add(left / 2).Truncate(5 * time.Minute)
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
