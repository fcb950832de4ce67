package domain

import (
	"sort"
	"time"
)

// cascade returns the consequences that root, applied to c (the state just
// before it), records in the same write: what a recall, a termination or a
// closure ends. It is used both to decide them and to check, when the history
// is re-folded, that the recorded consequences still match.
func cascade(c *Case, root Recorded) []Event {
	var out []Event
	switch e := root.Event.(type) {
	case RecallRaised:
		conds := activeComponents(c, e.SentenceID)
		for _, comp := range conds {
			out = append(out, LicenceConditionTerminated{ConditionID: comp.ID, Reason: "recall", CauseEventID: root.EventID})
		}
		out = append(out, rejectTransfersOf(c, conds, "licence recalled")...)
		out = append(out, cancelFutureAppointments(c, e.SentenceID, root.OccurredAt, "licence recalled")...)
	case SentenceTerminated:
		out = endSentence(c, e.SentenceID, root.EventID, root.OccurredAt)
	case RequirementTerminated:
		out = rejectTransfersOf(c, []*Component{c.Components[e.RequirementID]}, "requirement terminated")
	case LicenceConditionTerminated:
		out = rejectTransfersOf(c, []*Component{c.Components[e.ConditionID]}, "licence condition terminated")
	case CaseClosed:
		if t := c.PendingCaseTransfer(); t != nil {
			out = append(out, TransferCancelled{TransferID: t.TransferID, Reason: "case closed"})
		}
		rejected := map[string]bool{} // a transfer shared by two sentences is rejected once
		for _, id := range sortedKeys(c.Sentences) {
			if !c.Sentences[id].Active {
				continue
			}
			out = append(out, SentenceTerminated{SentenceID: id, Reason: "case closed"})
			for _, e := range endSentence(c, id, root.EventID, root.OccurredAt) {
				if r, ok := e.(TransferRejected); ok {
					if rejected[r.TransferID] {
						continue
					}
					rejected[r.TransferID] = true
				}
				out = append(out, e)
			}
		}
	}
	return out
}

// cascades reports whether an event of this type has consequences.
func cascades(e Event) bool {
	switch e.(type) {
	case RecallRaised, SentenceTerminated, RequirementTerminated, LicenceConditionTerminated, CaseClosed:
		return true
	}
	return false
}

func endSentence(c *Case, sentenceID, cause string, at time.Time) []Event {
	var out []Event
	comps := activeComponents(c, sentenceID)
	for _, comp := range comps {
		if comp.Kind == ComponentRequirement {
			out = append(out, RequirementTerminated{RequirementID: comp.ID, Reason: ReasonSentenceTerminated})
		} else {
			out = append(out, LicenceConditionTerminated{ConditionID: comp.ID, Reason: ReasonSentenceTerminated, CauseEventID: cause})
		}
	}
	out = append(out, rejectTransfersOf(c, comps, "sentence terminated")...)
	return append(out, cancelFutureAppointments(c, sentenceID, at, "sentence terminated")...)
}

func activeComponents(c *Case, sentenceID string) []*Component {
	var out []*Component
	for _, id := range sortedKeys(c.Components) {
		if comp := c.Components[id]; comp.Active && comp.SentenceID == sentenceID {
			out = append(out, comp)
		}
	}
	return out
}

// rejectTransfersOf rejects, automatically, every pending transfer holding
// one of comps — each transfer once, whole.
func rejectTransfersOf(c *Case, comps []*Component, reason string) []Event {
	seen := map[string]bool{}
	var ids []string
	for _, comp := range comps {
		if comp != nil && comp.PendingTransfer != "" && !seen[comp.PendingTransfer] {
			seen[comp.PendingTransfer] = true
			ids = append(ids, comp.PendingTransfer)
		}
	}
	sort.Strings(ids)
	out := make([]Event, 0, len(ids))
	for _, id := range ids {
		out = append(out, TransferRejected{TransferID: id, Reason: reason, Automatic: true})
	}
	return out
}

// cancelFutureAppointments cancels the sentence's appointments starting after
// at that have no outcome.
func cancelFutureAppointments(c *Case, sentenceID string, at time.Time, reason string) []Event {
	var out []Event
	for _, id := range sortedKeys(c.Appointments) {
		a := c.Appointments[id]
		if a.SentenceID == sentenceID && a.StartsAt.After(at) && !a.Cancelled && a.Outcome == "" {
			out = append(out, AppointmentCancelled{AppointmentID: id, Reason: reason})
		}
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// consequenceKey identifies a consequence by its type and what it ends, so
// recorded and recomputed consequences can be compared.
func consequenceKey(e Event) string {
	switch e := e.(type) {
	case LicenceConditionTerminated:
		return e.Type() + ":" + e.ConditionID
	case RequirementTerminated:
		return e.Type() + ":" + e.RequirementID
	case TransferRejected:
		return e.Type() + ":" + e.TransferID
	case TransferCancelled:
		return e.Type() + ":" + e.TransferID
	case AppointmentCancelled:
		return e.Type() + ":" + e.AppointmentID
	case SentenceTerminated:
		return e.Type() + ":" + e.SentenceID
	}
	return e.Type()
}
