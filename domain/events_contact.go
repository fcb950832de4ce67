package domain

import "time"

// AppointmentBooked books a contact with the person.
type AppointmentBooked struct {
	AppointmentID string    `json:"appointment_id"`
	StartsAt      time.Time `json:"starts_at"`
	Kind          string    `json:"kind"`
	Officer       string    `json:"officer"`
	SentenceID    string    `json:"sentence_id,omitempty"`
}

// AppointmentRescheduled moves an appointment.
type AppointmentRescheduled struct {
	AppointmentID string    `json:"appointment_id"`
	StartsAt      time.Time `json:"starts_at"`
	Reason        string    `json:"reason"`
}

// AppointmentCancelled cancels an appointment.
type AppointmentCancelled struct {
	AppointmentID string `json:"appointment_id"`
	Reason        string `json:"reason"`
}

// AppointmentOutcomeRecorded records what happened at an appointment.
type AppointmentOutcomeRecorded struct {
	AppointmentID string `json:"appointment_id"`
	Outcome       string `json:"outcome"`
	Notes         string `json:"notes,omitempty"`
}

// WarningIssued records a warning for non-compliance.
type WarningIssued struct {
	WarningID      string   `json:"warning_id"`
	SentenceID     string   `json:"sentence_id"`
	AppointmentIDs []string `json:"appointment_ids"`
}

// BreachRaised starts breach action against a sentence.
type BreachRaised struct {
	BreachID       string   `json:"breach_id"`
	SentenceID     string   `json:"sentence_id"`
	Reason         string   `json:"reason"`
	AppointmentIDs []string `json:"appointment_ids"`
}

// BreachConcluded ends breach action.
type BreachConcluded struct {
	BreachID string `json:"breach_id"`
	Outcome  string `json:"outcome"`
	Sanction string `json:"sanction,omitempty"`
}

// CustodyRemanded records a remand in custody.
type CustodyRemanded struct {
	Court  string `json:"court"`
	Reason string `json:"reason"`
}

// CustodyReleased records a release into the community.
type CustodyReleased struct {
	Establishment string `json:"establishment"`
	ReleaseType   string `json:"release_type"`
}

// RecallRaised revokes a licence; its consequences are recorded in the same write.
type RecallRaised struct {
	RecallID   string `json:"recall_id"`
	SentenceID string `json:"sentence_id"`
	RecallType string `json:"type"`
	Reason     string `json:"reason"`
	DecidedBy  string `json:"decided_by"`
}

// RecallConcluded ends a recall.
type RecallConcluded struct {
	RecallID string `json:"recall_id"`
	Outcome  string `json:"outcome"`
}

// Type names.
func (AppointmentBooked) Type() string          { return "appointment.booked" }
func (AppointmentRescheduled) Type() string     { return "appointment.rescheduled" }
func (AppointmentCancelled) Type() string       { return "appointment.cancelled" }
func (AppointmentOutcomeRecorded) Type() string { return "appointment.outcome_recorded" }
func (WarningIssued) Type() string              { return "warning.issued" }
func (BreachRaised) Type() string               { return "breach.raised" }
func (BreachConcluded) Type() string            { return "breach.concluded" }
func (CustodyRemanded) Type() string            { return "custody.remanded" }
func (CustodyReleased) Type() string            { return "custody.released" }
func (RecallRaised) Type() string               { return "recall.raised" }
func (RecallConcluded) Type() string            { return "recall.concluded" }
