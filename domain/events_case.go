package domain

// Person is who a case is about.
type Person struct {
	GivenName   string `json:"given_name"`
	FamilyName  string `json:"family_name"`
	DateOfBirth string `json:"date_of_birth"`
	PNC         string `json:"pnc,omitempty"`
	NOMS        string `json:"noms,omitempty"`
}

// CaseOpened starts a case's stream.
type CaseOpened struct {
	CRN    string `json:"crn"`
	Person Person `json:"person"`
}

// CaseClosed ends ownership and terminates every sentence; it cancels a
// pending case transfer in the same write.
type CaseClosed struct {
	Reason string `json:"reason"`
}

// CaseReopened reopens a closed case.
type CaseReopened struct {
	Reason string `json:"reason"`
}

// CaseAccessRestricted makes a case limited-access.
type CaseAccessRestricted struct {
	Excluded     []string `json:"excluded"`
	RestrictedTo []string `json:"restricted_to"`
}

// SentenceRecorded records a court disposal supervised by probation.
type SentenceRecorded struct {
	SentenceID      string `json:"sentence_id"`
	Kind            string `json:"kind"`
	Court           string `json:"court"`
	StartDate       string `json:"start_date"`
	ExpectedEndDate string `json:"expected_end_date,omitempty"`
}

// SentenceTerminated ends a sentence; its components, their transfers and its
// future appointments are ended in the same write.
type SentenceTerminated struct {
	SentenceID string `json:"sentence_id"`
	Reason     string `json:"reason"`
}

// RequirementImposed adds a requirement to a community or suspended sentence order.
type RequirementImposed struct {
	SentenceID    string `json:"sentence_id"`
	RequirementID string `json:"requirement_id"`
	Category      string `json:"category"`
	Description   string `json:"description"`
}

// RequirementTerminated ends a requirement; its pending transfers are rejected
// in the same write.
type RequirementTerminated struct {
	RequirementID string `json:"requirement_id"`
	Reason        string `json:"reason"`
}

// LicenceConditionImposed adds a condition to a licence.
type LicenceConditionImposed struct {
	SentenceID  string `json:"sentence_id"`
	ConditionID string `json:"condition_id"`
	Category    string `json:"category"`
	Description string `json:"description"`
}

// LicenceConditionVaried changes a condition's wording.
type LicenceConditionVaried struct {
	ConditionID string `json:"condition_id"`
	Description string `json:"description"`
}

// LicenceConditionTerminated ends a condition; its pending transfers are
// rejected in the same write. CauseEventID names the recall (or other event)
// that caused it.
type LicenceConditionTerminated struct {
	ConditionID  string `json:"condition_id"`
	Reason       string `json:"reason"`
	CauseEventID string `json:"cause_event_id,omitempty"`
}

// Type names.
func (CaseOpened) Type() string                 { return "case.opened" }
func (CaseClosed) Type() string                 { return "case.closed" }
func (CaseReopened) Type() string               { return "case.reopened" }
func (CaseAccessRestricted) Type() string       { return "case.access_restricted" }
func (SentenceRecorded) Type() string           { return "sentence.recorded" }
func (SentenceTerminated) Type() string         { return "sentence.terminated" }
func (RequirementImposed) Type() string         { return "requirement.imposed" }
func (RequirementTerminated) Type() string      { return "requirement.terminated" }
func (LicenceConditionImposed) Type() string    { return "licence_condition.imposed" }
func (LicenceConditionVaried) Type() string     { return "licence_condition.varied" }
func (LicenceConditionTerminated) Type() string { return "licence_condition.terminated" }
