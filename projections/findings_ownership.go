package projections

import (
	"fmt"

	"github.com/caseledger/caseledger/domain"
)

// exposed is the state risk_escalation_not_actioned looks for: an open,
// high-risk case (RoSH high or very high, or MAPPA) owned by a provider that
// is not high_risk.
func (p *replay) exposed(f facts) bool {
	return f.Open && f.HighRisk && f.Owner != nil && !p.org.HighRisk(f.Owner.Provider)
}

// riskEscalationNotActioned is risk_escalation_not_actioned. It is triggered,
// when the case is open and after the event owned by a provider that is not
// high_risk, by: a registration.added of type MAPP; RoSH (the latest
// risk.assessed, or an active RHRH/RVHR registration) going from not high to
// high or very high; or — possible only when a risk fact was back-dated
// before it — ownership passing to such a provider while the case is high
// risk. Each trigger is one finding. It is resolved by the first later event
// after which the owner's provider is high_risk (a case transfer accepted, or
// an allocation), the case is no longer high risk, or the case is closed; a
// deallocation does not resolve it. It fires when the resolution is strictly
// later than trigger + RiskEscalation, or there is none and at is strictly
// later. From = the trigger; To = the resolution, or at. Evidence: the
// triggering event, the event that made the owner, then the resolving event.
func riskEscalationNotActioned(p *replay, th Thresholds) []Finding {
	var out []Finding
	window := th.RiskEscalation.D()
	for i, st := range p.steps {
		if !p.exposed(st.after) {
			continue
		}
		cause := escalation(st)
		if cause == "" && !p.exposed(st.before) {
			cause = fmt.Sprintf("Case passed to %s while high risk", st.after.Owner.Provider)
		}
		if cause == "" {
			continue
		}
		at, deadline := st.r.OccurredAt, st.r.OccurredAt.Add(window)
		var end *step
		for j := i + 1; j < len(p.steps); j++ {
			if f := p.steps[j].after; !f.Open || !f.HighRisk || (f.Owner != nil && p.org.HighRisk(f.Owner.Provider)) {
				end = &p.steps[j]
				break
			}
		}
		if (end != nil && !end.r.OccurredAt.After(deadline)) || (end == nil && !p.at.After(deadline)) {
			continue
		}
		what := fmt.Sprintf("%s while owned by %s, not a high_risk provider; no transfer to a high_risk provider accepted within %s",
			cause, ownerName(st.after.Owner), fmtDur(window))
		if end == nil {
			out = append(out, finding(RuleEscalationNotActed, at, p.at,
				fmt.Sprintf("%s: still there %s later", what, fmtDur(p.at.Sub(at))), st.r.EventID, st.after.OwnerEvent))
			continue
		}
		out = append(out, finding(RuleEscalationNotActed, at, end.r.OccurredAt,
			fmt.Sprintf("%s: resolved %s later (%s)", what, fmtDur(end.r.OccurredAt.Sub(at)), end.r.Event.Type()),
			st.r.EventID, st.after.OwnerEvent, end.r.EventID))
	}
	return out
}

// escalation names what a step did to raise the case's risk, or "".
func escalation(st step) string {
	if e, ok := st.r.Event.(domain.RegistrationAdded); ok && e.RegType == "MAPP" {
		return fmt.Sprintf("MAPPA registered (%s)", e.RegistrationID)
	}
	if st.before.RoSHHigh || !st.after.RoSHHigh {
		return ""
	}
	switch e := st.r.Event.(type) {
	case domain.RiskAssessed:
		return fmt.Sprintf("RoSH raised to %s (assessment %s)", words(e.RoSH), e.AssessmentID)
	case domain.RegistrationAdded:
		return fmt.Sprintf("RoSH raised by registration %s (%s)", e.RegistrationID, e.RegType)
	}
	return "RoSH raised to high by " + st.r.Event.Type()
}

// transferPendingTooLong is transfer_pending_too_long. A transfer (of the
// case or of components) is pending from its transfer.requested until the
// transfer.accepted, transfer.rejected or transfer.cancelled that ends it,
// or until at while none has. It fires when that span is strictly longer
// than TransferPending. From = the request; To = the end, or at. Evidence:
// the request, then the event that ended it.
func transferPendingTooLong(p *replay, th Thresholds) []Finding {
	var out []Finding
	for i, st := range p.steps {
		e, ok := st.r.Event.(domain.TransferRequested)
		if !ok {
			continue
		}
		to, end, how := p.at, "", "still pending"
		for _, q := range p.steps[i+1:] {
			if id, verb := transferEnd(q.r.Event); id == e.TransferID {
				to, end, how = q.r.OccurredAt, q.r.EventID, verb
				break
			}
		}
		from := st.r.OccurredAt
		if to.Sub(from) <= th.TransferPending.D() {
			continue
		}
		what := "case"
		if e.Scope == domain.ScopeComponents {
			what = fmt.Sprintf("%d component(s)", len(e.Components))
		}
		out = append(out, finding(RuleTransferPendingLong, from, to,
			fmt.Sprintf("Transfer %s of the %s from %s (%s) to %s pending %s (limit %s): %s",
				e.TransferID, what, e.From.Provider, e.From.Officer, destination(e.To), fmtDur(to.Sub(from)), fmtDur(th.TransferPending.D()), how),
			st.r.EventID, end))
	}
	return out
}

// transferEnd returns the transfer an event ends and how, or "".
func transferEnd(e domain.Event) (id, how string) {
	switch e := e.(type) {
	case domain.TransferAccepted:
		return e.TransferID, "accepted"
	case domain.TransferRejected:
		return e.TransferID, "rejected"
	case domain.TransferCancelled:
		return e.TransferID, "cancelled"
	}
	return "", ""
}

// unallocated is unallocated. A period with no owner is a span of positive
// length during which the case is open (opened, not closed) and has no owner:
// from the case.opened, case.deallocated or case.reopened that began it to
// the allocation or transfer acceptance that gave it an owner, the
// case.closed that ended it, or at. There is no threshold: any positive
// length fires (an opening and an allocation at the same instant make
// none). Evidence: the event that began it, then the one that ended it.
func unallocated(p *replay, _ Thresholds) []Finding {
	var out []Finding
	var start *step
	emit := func(to string, end *step) {
		toAt := p.at
		if end != nil {
			toAt = end.r.OccurredAt
		}
		if !toAt.After(start.r.OccurredAt) {
			return
		}
		summary := fmt.Sprintf("No owner for %s from %s (after %s)", fmtDur(toAt.Sub(start.r.OccurredAt)), fmtDate(start.r.OccurredAt), start.r.Event.Type())
		if end != nil {
			summary += "; ended by " + end.r.Event.Type()
		}
		out = append(out, finding(RuleUnallocated, start.r.OccurredAt, toAt, summary, start.r.EventID, to))
	}
	for i := range p.steps {
		st := &p.steps[i]
		was := st.before.Open && st.before.Owner == nil
		is := st.after.Open && st.after.Owner == nil
		switch {
		case !was && is:
			start = st
		case was && !is && start != nil:
			emit(st.r.EventID, st)
			start = nil
		}
	}
	if start != nil {
		emit("", nil)
	}
	return out
}
