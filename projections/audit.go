package projections

import (
	"time"

	"github.com/caseledger/caseledger/domain"
)

// AuditEntry is one event of a case's audit trail.
type AuditEntry struct {
	EventID     string       `json:"event_id"`
	Revision    uint64       `json:"revision"`
	Type        string       `json:"type"`
	OccurredAt  time.Time    `json:"occurred_at"`
	RecordedAt  time.Time    `json:"recorded_at"`
	LagSeconds  float64      `json:"lag_seconds"`
	Actor       domain.Actor `json:"actor"`
	Summary     string       `json:"summary"`
	RetractedBy string       `json:"retracted_by,omitempty"`
	Replaces    string       `json:"replaces,omitempty"`
	CausationID string       `json:"causation_id,omitempty"`
}

// Audit returns the audit entries of known events (a case's stream as known
// at some instant, in stream order), each linked to what retracts it.
func Audit(known []domain.Recorded) []AuditEntry {
	retractedBy := domain.Retracted(known)
	out := make([]AuditEntry, 0, len(known))
	for _, r := range known {
		out = append(out, AuditEntry{EventID: r.EventID, Revision: r.Revision, Type: r.Event.Type(),
			OccurredAt: r.OccurredAt.UTC(), RecordedAt: r.RecordedAt.UTC(), LagSeconds: r.RecordedAt.Sub(r.OccurredAt).Seconds(),
			Actor: r.Actor, Summary: Summarize(r.Event), RetractedBy: retractedBy[r.EventID], Replaces: r.Replaces, CausationID: r.CausationID})
	}
	return out
}
