package domain

import (
	"time"

	"github.com/google/uuid"
)

// Meta is what every command carries besides its own fields: when it
// happened, the server's now (for the future check), who asks, and the seed
// its event ids are derived from. The domain takes all of these as inputs: it
// has no clock and no randomness.
type Meta struct {
	OccurredAt time.Time
	Now        time.Time
	Actor      Actor
	Seed       uuid.UUID
}

// Command asks a decider to record something. Most commands are the payload
// of the one event they ask for, as a named type (AllocateCase is the
// CaseAllocated it records); a few derive fields from the state
// (RequestTransfer, AcknowledgeInformation) or record several events
// (RetractEntry).
type Command interface {
	plan(c *Case, m Meta) ([]Event, *Error)
}

// single is a command that records exactly its own payload as one event.
type single interface{ event() Event }

// Commands that record their payload as one event.
type (
	OpenCase                  CaseOpened
	CloseCase                 CaseClosed
	ReopenCase                CaseReopened
	RestrictAccess            CaseAccessRestricted
	RecordSentence            SentenceRecorded
	TerminateSentence         SentenceTerminated
	ImposeRequirement         RequirementImposed
	TerminateRequirement      RequirementTerminated
	ImposeLicenceCondition    LicenceConditionImposed
	VaryLicenceCondition      LicenceConditionVaried
	TerminateLicenceCondition LicenceConditionTerminated
	AllocateCase              CaseAllocated
	DeallocateCase            CaseDeallocated
	AcceptTransfer            TransferAccepted
	CancelTransfer            TransferCancelled
	AssessRisk                RiskAssessed
	AddRegistration           RegistrationAdded
	ReviewRegistration        RegistrationReviewed
	Deregister                RegistrationDeregistered
	BookAppointment           AppointmentBooked
	RescheduleAppointment     AppointmentRescheduled
	CancelAppointment         AppointmentCancelled
	RecordOutcome             AppointmentOutcomeRecorded
	IssueWarning              WarningIssued
	RaiseBreach               BreachRaised
	ConcludeBreach            BreachConcluded
	Remand                    CustodyRemanded
	Release                   CustodyReleased
	RaiseRecall               RecallRaised
	ConcludeRecall            RecallConcluded
	ReceiveInformation        InformationReceived
	RouteInformation          InformationRouted
	ShareInformation          InformationShared
	NotifySFO                 SFONotified
	CompleteSFOReview         SFOReviewCompleted
)

func (c OpenCase) event() Event                  { return CaseOpened(c) }
func (c CloseCase) event() Event                 { return CaseClosed(c) }
func (c ReopenCase) event() Event                { return CaseReopened(c) }
func (c RestrictAccess) event() Event            { return CaseAccessRestricted(c) }
func (c RecordSentence) event() Event            { return SentenceRecorded(c) }
func (c TerminateSentence) event() Event         { return SentenceTerminated(c) }
func (c ImposeRequirement) event() Event         { return RequirementImposed(c) }
func (c TerminateRequirement) event() Event      { return RequirementTerminated(c) }
func (c ImposeLicenceCondition) event() Event    { return LicenceConditionImposed(c) }
func (c VaryLicenceCondition) event() Event      { return LicenceConditionVaried(c) }
func (c TerminateLicenceCondition) event() Event { return LicenceConditionTerminated(c) }
func (c AllocateCase) event() Event              { return CaseAllocated(c) }
func (c DeallocateCase) event() Event            { return CaseDeallocated(c) }
func (c AcceptTransfer) event() Event            { return TransferAccepted(c) }
func (c CancelTransfer) event() Event            { return TransferCancelled(c) }
func (c AssessRisk) event() Event                { return RiskAssessed(c) }
func (c AddRegistration) event() Event           { return RegistrationAdded(c) }
func (c ReviewRegistration) event() Event        { return RegistrationReviewed(c) }
func (c Deregister) event() Event                { return RegistrationDeregistered(c) }
func (c BookAppointment) event() Event           { return AppointmentBooked(c) }
func (c RescheduleAppointment) event() Event     { return AppointmentRescheduled(c) }
func (c CancelAppointment) event() Event         { return AppointmentCancelled(c) }
func (c RecordOutcome) event() Event             { return AppointmentOutcomeRecorded(c) }
func (c IssueWarning) event() Event              { return WarningIssued(c) }
func (c RaiseBreach) event() Event               { return BreachRaised(c) }
func (c ConcludeBreach) event() Event            { return BreachConcluded(c) }
func (c Remand) event() Event                    { return CustodyRemanded(c) }
func (c Release) event() Event                   { return CustodyReleased(c) }
func (c RaiseRecall) event() Event               { return RecallRaised(c) }
func (c ConcludeRecall) event() Event            { return RecallConcluded(c) }
func (c ReceiveInformation) event() Event        { return InformationReceived(c) }
func (c RouteInformation) event() Event          { return InformationRouted(c) }
func (c ShareInformation) event() Event          { return InformationShared(c) }
func (c NotifySFO) event() Event                 { return SFONotified(c) }
func (c CompleteSFOReview) event() Event         { return SFOReviewCompleted(c) }

func planSingle(s single) ([]Event, *Error) { return []Event{s.event()}, nil }

func (c OpenCase) plan(*Case, Meta) ([]Event, *Error)                  { return planSingle(c) }
func (c CloseCase) plan(*Case, Meta) ([]Event, *Error)                 { return planSingle(c) }
func (c ReopenCase) plan(*Case, Meta) ([]Event, *Error)                { return planSingle(c) }
func (c RestrictAccess) plan(*Case, Meta) ([]Event, *Error)            { return planSingle(c) }
func (c RecordSentence) plan(*Case, Meta) ([]Event, *Error)            { return planSingle(c) }
func (c TerminateSentence) plan(*Case, Meta) ([]Event, *Error)         { return planSingle(c) }
func (c ImposeRequirement) plan(*Case, Meta) ([]Event, *Error)         { return planSingle(c) }
func (c TerminateRequirement) plan(*Case, Meta) ([]Event, *Error)      { return planSingle(c) }
func (c ImposeLicenceCondition) plan(*Case, Meta) ([]Event, *Error)    { return planSingle(c) }
func (c VaryLicenceCondition) plan(*Case, Meta) ([]Event, *Error)      { return planSingle(c) }
func (c TerminateLicenceCondition) plan(*Case, Meta) ([]Event, *Error) { return planSingle(c) }
func (c AllocateCase) plan(*Case, Meta) ([]Event, *Error)              { return planSingle(c) }
func (c DeallocateCase) plan(*Case, Meta) ([]Event, *Error)            { return planSingle(c) }
func (c AcceptTransfer) plan(*Case, Meta) ([]Event, *Error)            { return planSingle(c) }
func (c CancelTransfer) plan(*Case, Meta) ([]Event, *Error)            { return planSingle(c) }
func (c AssessRisk) plan(*Case, Meta) ([]Event, *Error)                { return planSingle(c) }
func (c AddRegistration) plan(*Case, Meta) ([]Event, *Error)           { return planSingle(c) }
func (c ReviewRegistration) plan(*Case, Meta) ([]Event, *Error)        { return planSingle(c) }
func (c Deregister) plan(*Case, Meta) ([]Event, *Error)                { return planSingle(c) }
func (c BookAppointment) plan(*Case, Meta) ([]Event, *Error)           { return planSingle(c) }
func (c RescheduleAppointment) plan(*Case, Meta) ([]Event, *Error)     { return planSingle(c) }
func (c CancelAppointment) plan(*Case, Meta) ([]Event, *Error)         { return planSingle(c) }
func (c RecordOutcome) plan(*Case, Meta) ([]Event, *Error)             { return planSingle(c) }
func (c IssueWarning) plan(*Case, Meta) ([]Event, *Error)              { return planSingle(c) }
func (c RaiseBreach) plan(*Case, Meta) ([]Event, *Error)               { return planSingle(c) }
func (c ConcludeBreach) plan(*Case, Meta) ([]Event, *Error)            { return planSingle(c) }
func (c Remand) plan(*Case, Meta) ([]Event, *Error)                    { return planSingle(c) }
func (c Release) plan(*Case, Meta) ([]Event, *Error)                   { return planSingle(c) }
func (c RaiseRecall) plan(*Case, Meta) ([]Event, *Error)               { return planSingle(c) }
func (c ConcludeRecall) plan(*Case, Meta) ([]Event, *Error)            { return planSingle(c) }
func (c ReceiveInformation) plan(*Case, Meta) ([]Event, *Error)        { return planSingle(c) }
func (c RouteInformation) plan(*Case, Meta) ([]Event, *Error)          { return planSingle(c) }
func (c ShareInformation) plan(*Case, Meta) ([]Event, *Error)          { return planSingle(c) }
func (c NotifySFO) plan(*Case, Meta) ([]Event, *Error)                 { return planSingle(c) }
func (c CompleteSFOReview) plan(*Case, Meta) ([]Event, *Error)         { return planSingle(c) }

// RejectTransfer refuses a transfer by hand (automatic is false).
type RejectTransfer struct {
	TransferID string `json:"transfer_id"`
	Reason     string `json:"reason"`
}

func (c RejectTransfer) plan(*Case, Meta) ([]Event, *Error) {
	return []Event{TransferRejected{TransferID: c.TransferID, Reason: c.Reason}}, nil
}

// RequestTransfer asks to move the case or some components; its from is the
// owner (or the components' manager) at occurred_at.
type RequestTransfer struct {
	TransferID string      `json:"transfer_id"`
	Scope      string      `json:"scope"`
	Components []string    `json:"components,omitempty"`
	To         Destination `json:"to"`
	Reason     string      `json:"reason"`
}

func (c RequestTransfer) plan(s *Case, _ Meta) ([]Event, *Error) {
	e := TransferRequested{TransferID: c.TransferID, Scope: c.Scope, Components: c.Components, To: c.To, Reason: c.Reason}
	if err := validateFields(e); err != nil {
		return nil, err
	}
	if !s.Opened || s.Closed {
		return []Event{e}, nil // check refuses it with ErrCaseNotOpen or ErrCaseClosed
	}
	from, err := transferSource(s, c.Scope, c.Components)
	if err != nil {
		return nil, err
	}
	e.From = *from
	return []Event{e}, nil
}

// AcknowledgeInformation records that the caller read and acted on
// information; by is the caller's id, from the authenticated actor.
type AcknowledgeInformation struct {
	InformationID string `json:"information_id"`
	Action        string `json:"action"`
}

func (c AcknowledgeInformation) plan(_ *Case, m Meta) ([]Event, *Error) {
	return []Event{InformationAcknowledged{InformationID: c.InformationID, By: m.Actor.ID, Action: c.Action}}, nil
}
