package domain

import (
	"fmt"
	"strings"
)

// Kind classifies why a command was refused; the API maps each to a status.
type Kind int

// The kinds of refusal.
const (
	// Validation: well-formed but invalid values, or an unknown reference in the body (422).
	Validation Kind = iota + 1
	// NotFound: the thing the command acts on does not exist (404).
	NotFound
	// Conflict: a business rule refuses it (409).
	Conflict
)

func (k Kind) String() string {
	switch k {
	case Validation:
		return "validation"
	case NotFound:
		return "not-found"
	case Conflict:
		return "conflict"
	}
	return "unknown"
}

// FieldError says what is wrong with one field of a command.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// Error is a refusal by a named rule. Rule values are package-level (ErrX);
// errors.Is matches a refusal against them by rule name, whatever detail was
// added with With, Field or Invalidating.
type Error struct {
	Kind    Kind
	Rule    string
	Message string
	// Fields lists each invalid field, for validation refusals.
	Fields []FieldError
	// EventID names the existing event the command would invalidate, when the
	// refusal comes from re-checking the history after it.
	EventID string
	// Cause is the rule the invalidated event would then break.
	Cause *Error
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Message)
	for _, f := range e.Fields {
		fmt.Fprintf(&b, "; %s: %s", f.Field, f.Message)
	}
	if e.Cause != nil {
		fmt.Fprintf(&b, " (event %s: %s)", e.EventID, e.Cause.Error())
	}
	return b.String()
}

// Is reports whether target is the same rule.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Rule == e.Rule
}

// Unwrap exposes the rule an invalidated event would break.
func (e *Error) Unwrap() error {
	if e.Cause == nil {
		return nil
	}
	return e.Cause
}

// With returns a copy of the rule with a more specific message.
func (e *Error) With(format string, args ...any) *Error {
	c := *e
	c.Message = e.Message + ": " + fmt.Sprintf(format, args...)
	return &c
}

// Field returns a copy of the rule naming the field at fault.
func (e *Error) Field(field, format string, args ...any) *Error {
	c := *e
	c.Fields = append(append([]FieldError(nil), e.Fields...), FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
	return &c
}

func rule(k Kind, name, msg string) *Error { return &Error{Kind: k, Rule: name, Message: msg} }

// The rules. Each refusal the deciders make is one of these.
var (
	ErrInvalid            = rule(Validation, "invalid", "invalid values")
	ErrFutureOccurredAt   = rule(Validation, "future_occurred_at", "occurred_at is in the future")
	ErrUnknownProvider    = rule(Validation, "unknown_provider", "no such provider at occurred_at")
	ErrUnknownTeam        = rule(Validation, "unknown_team", "no such team at occurred_at")
	ErrUnknownOfficer     = rule(Validation, "unknown_officer", "no such officer at occurred_at")
	ErrOfficerNotInTeam   = rule(Validation, "officer_not_in_team", "the officer is not in that team at occurred_at")
	ErrTeamNotInProvider  = rule(Validation, "team_not_in_provider", "the team does not belong to that provider")
	ErrUnknownSentence    = rule(Validation, "unknown_sentence", "no such sentence")
	ErrUnknownComponent   = rule(Validation, "unknown_component", "no such requirement or licence condition")
	ErrUnknownAppointment = rule(Validation, "unknown_appointment", "no such appointment")
	ErrUnknownInformation = rule(Validation, "unknown_information", "no such information")

	ErrCaseNotFound         = rule(NotFound, "case_not_found", "no such case")
	ErrSentenceNotFound     = rule(NotFound, "sentence_not_found", "no such sentence")
	ErrComponentNotFound    = rule(NotFound, "component_not_found", "no such requirement or licence condition")
	ErrTransferNotFound     = rule(NotFound, "transfer_not_found", "no such transfer")
	ErrRegistrationNotFound = rule(NotFound, "registration_not_found", "no such registration")
	ErrAppointmentNotFound  = rule(NotFound, "appointment_not_found", "no such appointment")
	ErrBreachNotFound       = rule(NotFound, "breach_not_found", "no such breach")
	ErrRecallNotFound       = rule(NotFound, "recall_not_found", "no such recall")
	ErrInformationNotFound  = rule(NotFound, "information_not_found", "no such information")
	ErrSFONotFound          = rule(NotFound, "sfo_not_found", "no such SFO notification")
	ErrEventNotFound        = rule(NotFound, "event_not_found", "no such event in this stream")
	ErrOfficerNotFound      = rule(NotFound, "officer_not_found", "no such officer")
	ErrAbsenceNotFound      = rule(NotFound, "absence_not_found", "no such absence")

	ErrCaseExists               = rule(Conflict, "case_exists", "a case with this CRN already exists")
	ErrCaseNotOpen              = rule(Conflict, "case_not_open", "the case was not open at occurred_at")
	ErrCaseClosed               = rule(Conflict, "case_closed", "the case is closed at occurred_at")
	ErrCaseNotClosed            = rule(Conflict, "case_not_closed", "the case is not closed at occurred_at")
	ErrDuplicateID              = rule(Conflict, "duplicate_id", "the id is already used in this case")
	ErrSentenceNotActive        = rule(Conflict, "sentence_not_active", "the sentence is not active at occurred_at")
	ErrWrongSentenceKind        = rule(Conflict, "wrong_sentence_kind", "the sentence is not of a kind that allows this")
	ErrSentenceRecalled         = rule(Conflict, "sentence_recalled", "the licence is under an open recall")
	ErrComponentNotActive       = rule(Conflict, "component_not_active", "the requirement or condition is not active at occurred_at")
	ErrTransferPending          = rule(Conflict, "transfer_pending", "a transfer of this case is already pending")
	ErrAllocationDuringTransfer = rule(Conflict, "allocation_during_transfer", "the case cannot be allocated while a case transfer is pending")
	ErrComponentTransferPending = rule(Conflict, "component_transfer_pending", "a component is already in a pending transfer")
	ErrMixedComponentManagers   = rule(Conflict, "mixed_component_managers", "the components are managed by different owners: transfer them separately")
	ErrTransferNotPending       = rule(Conflict, "transfer_not_pending", "the transfer is not pending")
	ErrTransferFromMismatch     = rule(Conflict, "transfer_from_mismatch", "the transfer's from is not the owner at occurred_at")
	ErrNotAllocated             = rule(Conflict, "not_allocated", "the case has no owner at occurred_at")
	ErrHighRiskProvider         = rule(Conflict, "high_risk_provider", "a high or very high RoSH or MAPPA case may only go to a high_risk provider")
	ErrAllocationProvider       = rule(Conflict, "allocation_provider", "the case may not be allocated to this provider: an owned case moves to another provider by transfer, and an unowned case is allocated by the provider that opened it or last owned it")
	ErrRegistrationNotActive    = rule(Conflict, "registration_not_active", "the registration is not active at occurred_at")
	ErrAppointmentClosed        = rule(Conflict, "appointment_closed", "the appointment is cancelled or has an outcome")
	ErrNotNonCompliance         = rule(Conflict, "not_non_compliance", "the appointment has no unacceptable absence or failure to comply")
	ErrBreachOpen               = rule(Conflict, "breach_open", "a breach of this sentence is already open")
	ErrBreachNotOpen            = rule(Conflict, "breach_not_open", "the breach is already concluded")
	ErrCustodyState             = rule(Conflict, "custody_state", "the custody status does not allow this")
	ErrNotALicence              = rule(Conflict, "not_a_licence", "a recall is raised against a licence")
	ErrRecallOpen               = rule(Conflict, "recall_open", "a recall of this licence is already open")
	ErrRecallNotOpen            = rule(Conflict, "recall_not_open", "the recall is already concluded")
	ErrSFOReviewCompleted       = rule(Conflict, "sfo_review_completed", "the SFO review is already completed")
	ErrNotRetractable           = rule(Conflict, "not_retractable", "this kind of entry cannot be retracted")
	ErrAlreadyRetracted         = rule(Conflict, "already_retracted", "the entry is already retracted")
	ErrConsequencesDiffer       = rule(Conflict, "consequences_differ", "the entry's recorded consequences would no longer match what it causes")
	ErrInvalidatesHistory       = rule(Conflict, "invalidates_history", "the command would make a later entry invalid")

	ErrDuplicateCode             = rule(Conflict, "duplicate_code", "the code is already registered")
	ErrOfficerLeft               = rule(Conflict, "officer_left", "the officer has left")
	ErrOfficerOwnsCases          = rule(Conflict, "officer_owns_cases", "the officer still owns cases: reallocate them first")
	ErrMoveInvalidatesAllocation = rule(Conflict, "move_invalidates_allocation", "a back-dated move would invalidate an existing allocation")
	ErrAbsenceCancelled          = rule(Conflict, "absence_cancelled", "the absence is already cancelled")
)

// invalidates wraps the rule a later event would break once the command's
// events are in the history.
func invalidates(eventID string, cause *Error) *Error {
	c := *ErrInvalidatesHistory
	c.Message = fmt.Sprintf("%s: %s", ErrInvalidatesHistory.Message, eventID)
	c.EventID = eventID
	c.Cause = cause
	return &c
}
