package domain

import "time"

// AccessRecorded is one read of a case's data, allowed or refused, in the
// case's access log (stream access-{CRN}). The reader is the envelope's actor.
type AccessRecorded struct {
	View    string     `json:"view"`
	Outcome string     `json:"outcome"`
	AsOf    *time.Time `json:"as_of,omitempty"`
	KnownAt *time.Time `json:"known_at,omitempty"`
}

// Access outcomes.
const (
	AccessAllowed = "allowed"
	AccessRefused = "refused"
)

// Type names.
func (AccessRecorded) Type() string { return "access.recorded" }
