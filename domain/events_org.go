package domain

import "time"

// ProviderRegistered adds a supervising organisation.
type ProviderRegistered struct {
	Code     string `json:"code"`
	Name     string `json:"name"`
	HighRisk bool   `json:"high_risk"`
}

// TeamRegistered adds a team to a provider.
type TeamRegistered struct {
	Code     string `json:"code"`
	Provider string `json:"provider"`
	Name     string `json:"name"`
	Phone    string `json:"phone"`
	Email    string `json:"email"`
}

// OfficerRegistered adds an officer to a team.
type OfficerRegistered struct {
	Code  string `json:"code"`
	Name  string `json:"name"`
	Grade string `json:"grade"`
	Team  string `json:"team"`
	Phone string `json:"phone"`
	Email string `json:"email"`
}

// OfficerMoved moves an officer to another team.
type OfficerMoved struct {
	Code string `json:"code"`
	Team string `json:"team"`
}

// OfficerAbsenceRecorded records a period when an officer is away.
type OfficerAbsenceRecorded struct {
	AbsenceID    string    `json:"absence_id"`
	Code         string    `json:"code"`
	From         time.Time `json:"from"`
	To           time.Time `json:"to"`
	CoverOfficer string    `json:"cover_officer,omitempty"`
}

// OfficerAbsenceCancelled withdraws a recorded absence.
type OfficerAbsenceCancelled struct {
	AbsenceID string `json:"absence_id"`
	Reason    string `json:"reason"`
}

// OfficerLeft records that an officer left the service.
type OfficerLeft struct {
	Code string `json:"code"`
}

// Type names.
func (ProviderRegistered) Type() string      { return "provider.registered" }
func (TeamRegistered) Type() string          { return "team.registered" }
func (OfficerRegistered) Type() string       { return "officer.registered" }
func (OfficerMoved) Type() string            { return "officer.moved" }
func (OfficerAbsenceRecorded) Type() string  { return "officer.absence_recorded" }
func (OfficerAbsenceCancelled) Type() string { return "officer.absence_cancelled" }
func (OfficerLeft) Type() string             { return "officer.left" }
