package projections

// lateEntry is late_entry. Every live entry that occurred by at and whose
// recorded_at − occurred_at is strictly more than LateEntry is one finding,
// From = occurred_at, To = recorded_at, evidence [its id]. Consequences
// recorded in the same write as their cause (causation_id set) share its two
// clocks and are left out: the cause is reported. The lag is measured against
// the ledger's own recorded_at: the imported envelope's recorded_at is not
// part of domain.Recorded (see docs/FINDINGS.md).
func lateEntry(p *replay, th Thresholds) []Finding {
	var out []Finding
	for _, st := range p.steps {
		r := st.r
		lag := r.RecordedAt.Sub(r.OccurredAt)
		if r.CausationID != "" || r.RecordedAt.IsZero() || lag <= th.LateEntry.D() {
			continue
		}
		out = append(out, finding(RuleLateEntry, r.OccurredAt, r.RecordedAt,
			r.Event.Type()+" recorded "+fmtDur(lag)+" after it occurred, by "+r.Actor.ID+": "+Summarize(r.Event),
			r.EventID))
	}
	return out
}
