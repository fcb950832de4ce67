package domain

// RiskAssessed records a risk assessment (e.g. OASys).
type RiskAssessed struct {
	AssessmentID string   `json:"assessment_id"`
	Tool         string   `json:"tool"`
	RoSH         string   `json:"rosh"`
	RSR          float64  `json:"rsr"`
	OGRS         *float64 `json:"ogrs,omitempty"`
}

// RegistrationAdded flags the case (MAPPA, RoSH, domestic abuse, …).
type RegistrationAdded struct {
	RegistrationID string `json:"registration_id"`
	RegType        string `json:"type"`
	Level          string `json:"level,omitempty"`
	Category       string `json:"category,omitempty"`
	NextReviewDate string `json:"next_review_date,omitempty"`
	Notes          string `json:"notes,omitempty"`
}

// RegistrationReviewed records a review of a registration.
type RegistrationReviewed struct {
	RegistrationID string `json:"registration_id"`
	NextReviewDate string `json:"next_review_date"`
	Notes          string `json:"notes,omitempty"`
}

// RegistrationDeregistered records that a registration no longer applies.
type RegistrationDeregistered struct {
	RegistrationID string `json:"registration_id"`
	Reason         string `json:"reason"`
}

// Type names.
func (RiskAssessed) Type() string             { return "risk.assessed" }
func (RegistrationAdded) Type() string        { return "registration.added" }
func (RegistrationReviewed) Type() string     { return "registration.reviewed" }
func (RegistrationDeregistered) Type() string { return "registration.deregistered" }
