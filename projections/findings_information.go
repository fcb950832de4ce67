package projections

import (
	"fmt"
	"strings"
	"time"

	"github.com/caseledger/caseledger/domain"
)

// informationNotAcknowledged is information_not_acknowledged. For every
// information.received with risk_relevant true, the deadline is its
// occurred_at plus AckUrgent (urgency urgent) or AckRoutine (routine). An
// acknowledgement counts when its by is, at the acknowledgement's own
// instant, the owner or the cover officer recorded for the owner's absence
// (a team colleague or SPO does not count). The rule fires when the first
// counting acknowledgement is strictly after the deadline, or when there is
// none and at is strictly after the deadline: an acknowledgement exactly at
// the deadline is in time. From = received; To = the late acknowledgement,
// or the deadline when there is none. Evidence: the information.received,
// every routing of it and every acknowledgement by someone else, in fold
// order, then the late acknowledgement.
func informationNotAcknowledged(p *replay, th Thresholds) []Finding {
	var out []Finding
	for i, st := range p.steps {
		e, ok := st.r.Event.(domain.InformationReceived)
		if !ok || !e.RiskRelevant {
			continue
		}
		window := th.AckRoutine.D()
		if e.Urgency == "urgent" {
			window = th.AckUrgent.D()
		}
		received := st.r.OccurredAt
		deadline := received.Add(window)
		evidence := []string{st.r.EventID}
		var ack *domain.Recorded
		for _, q := range p.steps[i+1:] {
			switch f := q.r.Event.(type) {
			case domain.InformationRouted:
				if f.InformationID == e.InformationID {
					evidence = append(evidence, q.r.EventID)
				}
			case domain.InformationAcknowledged:
				if f.InformationID != e.InformationID {
					continue
				}
				if p.ownerOrCover(q.before.Owner, f.By, q.r.OccurredAt) {
					r := q.r
					ack = &r
				} else {
					evidence = append(evidence, q.r.EventID)
				}
			}
			if ack != nil {
				break
			}
		}
		if (ack != nil && !ack.OccurredAt.After(deadline)) || (ack == nil && !p.at.After(deadline)) {
			continue
		}
		what := fmt.Sprintf("%s risk-relevant information %s from %s not acknowledged by the owner or cover within %s",
			capitalise(e.Urgency), e.InformationID, e.Source.Organisation, fmtDur(window))
		owner := "; owner at receipt " + ownerName(st.before.Owner)
		if ack == nil {
			out = append(out, finding(RuleNotAcknowledged, received, deadline,
				fmt.Sprintf("%s: unacknowledged %s after receipt%s", what, fmtDur(p.at.Sub(received)), owner), evidence...))
			continue
		}
		by := ack.Event.(domain.InformationAcknowledged).By
		out = append(out, finding(RuleNotAcknowledged, received, ack.OccurredAt,
			fmt.Sprintf("%s: acknowledged by %s %s after receipt%s", what, by, fmtDur(ack.OccurredAt.Sub(received)), owner),
			append(evidence, ack.EventID)...))
	}
	return out
}

// informationMisrouted is information_misrouted. It judges every
// information.received not taken by reception (received_by.reception false)
// and every information.routed, against the owner at that event's instant:
// a recipient officer is right when they are the owner, the cover recorded
// for the owner's absence at that instant, or an officer of the owner's team
// at that instant; a recipient with only a team is right when it is the
// owner's team. When both an officer and a team are named, the officer
// decides. With no owner at that instant there is no right place and the rule
// is silent (unallocated reports the gap). From = the misrouting event; To =
// the first later event that put the information in the right place (a
// routing to the right place or an acknowledgement by the owner or cover,
// judged at its own instant), or at. Evidence: the misrouting event, the
// event that made the owner (allocation or transfer acceptance), and the
// correcting event if any.
func informationMisrouted(p *replay, _ Thresholds) []Finding {
	var out []Finding
	for i, st := range p.steps {
		info, officer, team, verb := infoRecipient(st.r.Event)
		owner := st.before.Owner
		t := st.r.OccurredAt
		if info == "" || owner == nil || p.rightPlace(owner, officer, team, t) {
			continue
		}
		to, fixed := p.at, ""
		for _, q := range p.steps[i+1:] {
			if p.reached(q, info) {
				to, fixed = q.r.OccurredAt, q.r.EventID
				break
			}
		}
		summary := fmt.Sprintf("Information %s %s %s, who was neither the owner %s, the owner's team nor a recorded cover",
			info, verb, recipient(officer, team), ownerName(owner))
		if fixed == "" {
			summary += fmt.Sprintf("; it never reached them (%s)", fmtDur(to.Sub(t)))
		} else {
			summary += fmt.Sprintf("; it reached them %s later", fmtDur(to.Sub(t)))
		}
		out = append(out, finding(RuleMisrouted, t, to, summary, st.r.EventID, st.before.OwnerEvent, fixed))
	}
	return out
}

// infoRecipient returns who an information event put the information with,
// or an empty info when the event is not a receipt by an officer or team or
// a routing.
func infoRecipient(e domain.Event) (info, officer, team, verb string) {
	switch e := e.(type) {
	case domain.InformationReceived:
		if !e.ReceivedBy.Reception {
			return e.InformationID, e.ReceivedBy.Officer, e.ReceivedBy.Team, "received by"
		}
	case domain.InformationRouted:
		return e.InformationID, e.To.Officer, e.To.Team, "routed to"
	}
	return "", "", "", ""
}

// rightPlace reports whether officer (or, with no officer, team) is where
// information about a case owned by owner belongs at t.
func (p *replay) rightPlace(owner *domain.Owner, officer, team string, t time.Time) bool {
	if officer == "" {
		return team == owner.Team
	}
	if p.ownerOrCover(owner, officer, t) {
		return true
	}
	off, ok := p.org.Officers[officer]
	return ok && off.TeamOf(t) == owner.Team
}

// reached reports whether the step put information info in the right place.
func (p *replay) reached(q step, info string) bool {
	switch e := q.r.Event.(type) {
	case domain.InformationRouted:
		return e.InformationID == info && q.before.Owner != nil && p.rightPlace(q.before.Owner, e.To.Officer, e.To.Team, q.r.OccurredAt)
	case domain.InformationAcknowledged:
		return e.InformationID == info && p.ownerOrCover(q.before.Owner, e.By, q.r.OccurredAt)
	}
	return false
}

// ownerAbsentWithoutCover is owner_absent_without_cover. Something needs the
// owner when information is received (by anyone, reception included, risk
// relevant or not) or routed, at that event's occurred_at; or when an
// appointment's outcome is unacceptable_absence or attended_failed_to_comply,
// at the appointment's starts_at. It fires when the owner at that instant has
// a recorded, not cancelled absence covering it ([from, to)) with no
// cover_officer. Needs of the same information (or the same appointment)
// during the same absence make one finding. From = the first need; To = the
// end of the absence, or at if earlier. Evidence: the triggering events in
// fold order, then the officer.absence_recorded event of the org stream.
// Absences are taken from org as currently known.
func ownerAbsentWithoutCover(p *replay, _ Thresholds) []Finding {
	type need struct {
		f       Finding
		absence *domain.AbsenceInfo
	}
	var needs []*need
	byKey := map[string]*need{}
	for _, st := range p.steps {
		key, what, t, owner := "", "", st.r.OccurredAt, st.before.Owner
		switch e := st.r.Event.(type) {
		case domain.InformationReceived:
			key, what = "i:"+e.InformationID, "Information "+e.InformationID
		case domain.InformationRouted:
			key, what = "i:"+e.InformationID, "Information "+e.InformationID
		case domain.AppointmentOutcomeRecorded:
			t = p.appointmentAt(e.AppointmentID)
			if !nonCompliant(e.Outcome) || t.IsZero() || t.After(p.at) {
				continue
			}
			key, what, owner = "a:"+e.AppointmentID, fmt.Sprintf("Appointment %s (%s)", e.AppointmentID, words(e.Outcome)), p.factsAt(t).Owner
		default:
			continue
		}
		if owner == nil {
			continue
		}
		a, absent := p.absence(owner.Officer, t)
		if !absent || a.CoverOfficer != "" {
			continue
		}
		if n := byKey[key+"|"+a.AbsenceID]; n != nil {
			n.f.Evidence = append(n.f.Evidence, st.r.EventID)
			continue
		}
		n := &need{absence: a, f: finding(RuleOwnerAbsent, t, earlier(a.To, p.at),
			fmt.Sprintf("%s needed the owner %s, who was absent (absence %s, %s to %s) with no cover recorded",
				what, owner.Officer, a.AbsenceID, fmtDate(a.From), fmtDate(a.To)), st.r.EventID)}
		byKey[key+"|"+a.AbsenceID] = n
		needs = append(needs, n)
	}
	out := make([]Finding, 0, len(needs))
	for _, n := range needs {
		if n.absence.EventID != "" {
			n.f.Evidence = append(n.f.Evidence, n.absence.EventID)
		}
		out = append(out, n.f)
	}
	return out
}

func recipient(officer, team string) string {
	switch {
	case officer != "" && team != "":
		return officer + " (team " + team + ")"
	case officer != "":
		return officer
	}
	return "team " + team
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
