package projections

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/caseledger/caseledger/domain"
)

// mark is an instant of the case with the event that is its evidence.
type mark struct {
	at time.Time
	id string
	// appointment is the appointment id, for non-compliance and contacts.
	appointment string
}

// absenceWithoutEnforcement is absence_without_enforcement. A non-compliance
// is an appointment outcome unacceptable_absence or attended_failed_to_comply
// (a failure to comply is enforced like an unacceptable absence: warnings and
// breaches may name either, and the compliance view counts both), timed at
// the appointment's starts_at. A non-compliance is a repeat when an earlier
// one happened within RepeatWindow before it (difference ≤ RepeatWindow) and
// after the latest breach raised before it. A first one is answered by a
// warning.issued or breach.raised of the case occurring in [its time, its
// time + EnforcementWindow]; a repeat only by a breach.raised in that span.
// The rule fires when the answer comes strictly after the deadline, or not
// at all and at is strictly after the deadline; one finding per
// non-compliance. From = the non-compliance; To = the late answer, or the
// deadline. Evidence: the outcome event (for a repeat, the earlier one's
// first), then the late answer.
func absenceWithoutEnforcement(p *replay, th Thresholds) []Finding {
	var misses, warnings, breaches []mark
	for _, st := range p.steps {
		switch e := st.r.Event.(type) {
		case domain.AppointmentOutcomeRecorded:
			if t := p.appointmentAt(e.AppointmentID); nonCompliant(e.Outcome) && !t.IsZero() && !t.After(p.at) {
				misses = append(misses, mark{at: t, id: st.r.EventID, appointment: e.AppointmentID})
			}
		case domain.WarningIssued:
			warnings = append(warnings, mark{at: st.r.OccurredAt, id: st.r.EventID})
		case domain.BreachRaised:
			breaches = append(breaches, mark{at: st.r.OccurredAt, id: st.r.EventID})
		}
	}
	sort.SliceStable(misses, func(i, j int) bool { return misses[i].at.Before(misses[j].at) })
	enforcement := append(append([]mark(nil), warnings...), breaches...)
	sort.SliceStable(enforcement, func(i, j int) bool { return enforcement[i].at.Before(enforcement[j].at) })
	window := th.EnforcementWindow.D()
	var out []Finding
	for i, n := range misses {
		first := repeatOf(misses[:i], n, breaches, th.RepeatWindow.D())
		answers, want := enforcement, "a warning or breach"
		if first != nil {
			answers, want = breaches, "a breach"
		}
		deadline := n.at.Add(window)
		answer := firstFrom(answers, n.at)
		if (answer != nil && !answer.at.After(deadline)) || (answer == nil && !p.at.After(deadline)) {
			continue
		}
		what := fmt.Sprintf("Non-compliance at appointment %s (%s) not followed by %s within %s", n.appointment, fmtDate(n.at), want, fmtDur(window))
		evidence := []string{n.id}
		if first != nil {
			what = fmt.Sprintf("Second non-compliance at appointment %s (%s), %s after %s, not followed by a breach within %s",
				n.appointment, fmtDate(n.at), fmtDur(n.at.Sub(first.at)), first.appointment, fmtDur(window))
			evidence = []string{first.id, n.id}
		}
		if answer == nil {
			out = append(out, finding(RuleNoEnforcement, n.at, deadline, what+": none by "+fmtDate(p.at), evidence...))
			continue
		}
		out = append(out, finding(RuleNoEnforcement, n.at, answer.at,
			fmt.Sprintf("%s: it came %s after", what, fmtDur(answer.at.Sub(n.at))), append(evidence, answer.id)...))
	}
	return out
}

// repeatOf returns the earliest of the earlier non-compliances that makes n a
// repeat: within window before n and after the latest breach raised before n.
func repeatOf(earlier []mark, n mark, breaches []mark, window time.Duration) *mark {
	var lastBreach time.Time
	for _, b := range breaches {
		if b.at.Before(n.at) {
			lastBreach = b.at
		}
	}
	for i := range earlier {
		m := &earlier[i]
		if m.at.After(lastBreach) && n.at.Sub(m.at) <= window && !m.at.After(n.at) {
			return m
		}
	}
	return nil
}

// firstFrom returns the first mark at or after t (marks sorted by time).
func firstFrom(ms []mark, t time.Time) *mark {
	for i := range ms {
		if !ms[i].at.Before(t) {
			return &ms[i]
		}
	}
	return nil
}

// noContact is no_contact. Supervision in the community is a span during
// which the case is open, the custody status is community and at least one
// sentence is active (spans of zero length are ignored). A contact is an
// appointment whose outcome is attended_complied or
// attended_failed_to_comply, at its starts_at (≤ at). In each span, the gaps
// run from the span's start or a contact to the next contact, or to the
// span's end (at, while it lasts). A gap fires when it is strictly longer than
// NoContact, or NoContactHighRisk when RoSH (the latest risk.assessed, or an
// active RHRH/RVHR registration) is high or very high at the gap's start. From
// = the gap's start; To = its end. Evidence: the outcome event of the contact
// (or the event that started supervision) at each end, when there is one.
func noContact(p *replay, th Thresholds) []Finding {
	contacts := p.contacts()
	var out []Finding
	gap := func(from, to mark) {
		limit, level := th.NoContact.D(), "RoSH not high"
		if p.factsAt(from.at).RoSHHigh {
			limit, level = th.NoContactHighRisk.D(), "RoSH high"
		}
		if to.at.Sub(from.at) <= limit {
			return
		}
		out = append(out, finding(RuleNoContact, from.at, to.at,
			fmt.Sprintf("No attended appointment for %s from %s to %s while under supervision in the community (limit %s, %s)",
				fmtDur(to.at.Sub(from.at)), fmtDate(from.at), fmtDate(to.at), fmtDur(limit), level), from.id, to.id))
	}
	for _, span := range p.supervision() {
		last := span[0]
		for _, c := range contacts {
			if c.at.Before(span[0].at) || c.at.After(span[1].at) {
				continue
			}
			gap(last, c)
			last = c
		}
		gap(last, span[1])
	}
	return out
}

// supervision returns the spans [start, end] of supervision in the community,
// each end carrying the event that ended it (or none and at, while it lasts).
func (p *replay) supervision() [][2]mark {
	var out [][2]mark
	var start *mark
	for _, st := range p.steps {
		was, is := st.before.supervised(), st.after.supervised()
		switch {
		case !was && is && start == nil:
			start = &mark{at: st.r.OccurredAt, id: st.r.EventID}
		case was && !is && start != nil:
			if st.r.OccurredAt.After(start.at) {
				out = append(out, [2]mark{*start, {at: st.r.OccurredAt, id: st.r.EventID}})
			}
			start = nil
		}
	}
	if start != nil && p.at.After(start.at) {
		out = append(out, [2]mark{*start, {at: p.at}})
	}
	return out
}

// contacts returns the attended appointments by at, soonest first (ties
// in appointment id order). Callers must not modify it.
func (p *replay) contacts() []mark {
	if p.counted {
		return p.attended
	}
	var out []mark
	for id, a := range p.state.Appointments {
		if attended(a.Outcome) && !a.StartsAt.After(p.at) {
			out = append(out, mark{at: a.StartsAt, id: p.outcomes[id].EventID, appointment: id})
		}
	}
	slices.SortFunc(out, func(a, b mark) int {
		if c := a.at.Compare(b.at); c != 0 {
			return c
		}
		return strings.Compare(a.appointment, b.appointment)
	})
	p.attended, p.counted = out, true
	return out
}

// homeVisitRegistrations are the domestic-abuse (ADVP, ADVV) and
// child-concern (RCCO, RCPR, RCHD) registration types.
var homeVisitRegistrations = map[string]bool{"ADVP": true, "ADVV": true, "RCCO": true, "RCPR": true, "RCHD": true}

// homeVisitMissing is home_visit_missing. For every registration.added of
// type ADVP, ADVV, RCCO, RCPR or RCHD, the deadline is its occurred_at plus
// HomeVisit; a home visit is an appointment of kind home_visit with outcome
// attended_complied or attended_failed_to_comply, at its starts_at, in
// [registration, deadline]. It fires when the first home visit at or after
// the registration is strictly after the deadline, or there is none by at and
// at is strictly after the deadline — unless the registration was deregistered, or the case
// closed, by the deadline (the need lapsed). From = the registration; To =
// the late visit, or the deadline. Evidence: the registration.added, then the
// late visit's outcome event.
func homeVisitMissing(p *replay, th Thresholds) []Finding {
	var visits []mark
	for _, c := range p.contacts() {
		if p.state.Appointments[c.appointment].Kind == "home_visit" {
			visits = append(visits, c)
		}
	}
	var out []Finding
	for i, st := range p.steps {
		e, ok := st.r.Event.(domain.RegistrationAdded)
		if !ok || !homeVisitRegistrations[e.RegType] {
			continue
		}
		at, deadline := st.r.OccurredAt, st.r.OccurredAt.Add(th.HomeVisit.D())
		visit := firstFrom(visits, at)
		if (visit != nil && !visit.at.After(deadline)) || (visit == nil && !p.at.After(deadline)) || p.lapsed(i, e.RegistrationID, deadline) {
			continue
		}
		what := fmt.Sprintf("Registration %s (%s) on %s with no attended home visit within %s", e.RegistrationID, e.RegType, fmtDate(at), fmtDur(th.HomeVisit.D()))
		if visit == nil {
			out = append(out, finding(RuleHomeVisitMissing, at, deadline, what+": none by "+fmtDate(p.at), st.r.EventID))
			continue
		}
		out = append(out, finding(RuleHomeVisitMissing, at, visit.at,
			fmt.Sprintf("%s: visit %s came %s after", what, visit.appointment, fmtDur(visit.at.Sub(at))), st.r.EventID, visit.id))
	}
	return out
}

// lapsed reports whether, after step i and by deadline, the registration was
// deregistered or the case closed.
func (p *replay) lapsed(i int, registration string, deadline time.Time) bool {
	for _, q := range p.steps[i+1:] {
		if q.r.OccurredAt.After(deadline) {
			return false
		}
		if d, ok := q.r.Event.(domain.RegistrationDeregistered); ok && d.RegistrationID == registration {
			return true
		}
		if !q.after.Open {
			return true
		}
	}
	return false
}
