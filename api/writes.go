package api

import (
	"encoding/json"
	"reflect"
	"strings"
	"time"

	"github.com/caseledger/caseledger/domain"
)

// streamKind says where a write goes.
type streamKind int

const (
	caseStream streamKind = iota // the case named by {crn}
	newCase                      // the case named by the body's crn
	orgStream                    // the org stream
)

// write is one write route of API.md: its path, the command its body
// decodes into, which of the command's fields come from the path, and the id
// it creates. Routes, handlers and the OpenAPI document are all made from
// this one table.
type write struct {
	path    string
	name    string
	summary string
	event   string
	stream  streamKind
	roles   []string
	newCmd  func() any
	// fromPath maps a path variable to the command's JSON field it fills.
	fromPath map[string]string
	// created is the JSON field of the id the command creates; the server
	// generates it when the body leaves it out.
	created string
	// internal lists command fields no body may set.
	internal []string
}

var (
	practitioners = []string{RolePractitioner}
	admins        = []string{RoleAdmin}
)

// writes is every write of API.md.
var writes = []write{
	{path: "/v1/cases", name: "openCase", summary: "Open a case", event: "case.opened", stream: newCase, newCmd: func() any { return new(domain.OpenCase) }},
	{path: "/v1/cases/{crn}/closure", name: "closeCase", summary: "Close a case", event: "case.closed", newCmd: func() any { return new(domain.CloseCase) }},
	{path: "/v1/cases/{crn}/reopening", name: "reopenCase", summary: "Reopen a closed case", event: "case.reopened", newCmd: func() any { return new(domain.ReopenCase) }},
	{path: "/v1/cases/{crn}/allocations", name: "allocateCase", summary: "Allocate the case to an officer", event: "case.allocated", newCmd: func() any { return new(domain.AllocateCase) }},
	{path: "/v1/cases/{crn}/deallocations", name: "deallocateCase", summary: "Leave the case with no owner", event: "case.deallocated", newCmd: func() any { return new(domain.DeallocateCase) }},
	{path: "/v1/cases/{crn}/transfers", name: "requestTransfer", summary: "Request a transfer of the case or of components", event: "transfer.requested", created: "transfer_id", newCmd: func() any { return new(domain.RequestTransfer) }},
	{path: "/v1/cases/{crn}/transfers/{id}/acceptance", name: "acceptTransfer", summary: "Accept a transfer", event: "transfer.accepted", fromPath: idAs("transfer_id"), newCmd: func() any { return new(domain.AcceptTransfer) }},
	{path: "/v1/cases/{crn}/transfers/{id}/rejection", name: "rejectTransfer", summary: "Reject a transfer", event: "transfer.rejected", fromPath: idAs("transfer_id"), newCmd: func() any { return new(domain.RejectTransfer) }},
	{path: "/v1/cases/{crn}/transfers/{id}/cancellation", name: "cancelTransfer", summary: "Cancel a transfer", event: "transfer.cancelled", fromPath: idAs("transfer_id"), newCmd: func() any { return new(domain.CancelTransfer) }},
	{path: "/v1/cases/{crn}/sentences", name: "recordSentence", summary: "Record a sentence", event: "sentence.recorded", created: "sentence_id", newCmd: func() any { return new(domain.RecordSentence) }},
	{path: "/v1/cases/{crn}/sentences/{id}/termination", name: "terminateSentence", summary: "Terminate a sentence and its components", event: "sentence.terminated", fromPath: idAs("sentence_id"), newCmd: func() any { return new(domain.TerminateSentence) }},
	{path: "/v1/cases/{crn}/sentences/{id}/requirements", name: "imposeRequirement", summary: "Impose a requirement", event: "requirement.imposed", fromPath: idAs("sentence_id"), created: "requirement_id", newCmd: func() any { return new(domain.ImposeRequirement) }},
	{path: "/v1/cases/{crn}/requirements/{id}/termination", name: "terminateRequirement", summary: "Terminate a requirement", event: "requirement.terminated", fromPath: idAs("requirement_id"), newCmd: func() any { return new(domain.TerminateRequirement) }},
	{path: "/v1/cases/{crn}/sentences/{id}/licence-conditions", name: "imposeLicenceCondition", summary: "Impose a licence condition", event: "licence_condition.imposed", fromPath: idAs("sentence_id"), created: "condition_id", newCmd: func() any { return new(domain.ImposeLicenceCondition) }},
	{path: "/v1/cases/{crn}/licence-conditions/{id}/variation", name: "varyLicenceCondition", summary: "Vary a licence condition", event: "licence_condition.varied", fromPath: idAs("condition_id"), newCmd: func() any { return new(domain.VaryLicenceCondition) }},
	{path: "/v1/cases/{crn}/licence-conditions/{id}/termination", name: "terminateLicenceCondition", summary: "Terminate a licence condition", event: "licence_condition.terminated", fromPath: idAs("condition_id"), internal: []string{"cause_event_id"}, newCmd: func() any { return new(domain.TerminateLicenceCondition) }},
	{path: "/v1/cases/{crn}/risk-assessments", name: "assessRisk", summary: "Record a risk assessment", event: "risk.assessed", created: "assessment_id", newCmd: func() any { return new(domain.AssessRisk) }},
	{path: "/v1/cases/{crn}/registrations", name: "addRegistration", summary: "Add a registration", event: "registration.added", created: "registration_id", newCmd: func() any { return new(domain.AddRegistration) }},
	{path: "/v1/cases/{crn}/registrations/{id}/review", name: "reviewRegistration", summary: "Review a registration", event: "registration.reviewed", fromPath: idAs("registration_id"), newCmd: func() any { return new(domain.ReviewRegistration) }},
	{path: "/v1/cases/{crn}/registrations/{id}/deregistration", name: "deregister", summary: "Deregister", event: "registration.deregistered", fromPath: idAs("registration_id"), newCmd: func() any { return new(domain.Deregister) }},
	{path: "/v1/cases/{crn}/appointments", name: "bookAppointment", summary: "Book an appointment", event: "appointment.booked", created: "appointment_id", newCmd: func() any { return new(domain.BookAppointment) }},
	{path: "/v1/cases/{crn}/appointments/{id}/reschedule", name: "rescheduleAppointment", summary: "Reschedule an appointment", event: "appointment.rescheduled", fromPath: idAs("appointment_id"), newCmd: func() any { return new(domain.RescheduleAppointment) }},
	{path: "/v1/cases/{crn}/appointments/{id}/cancellation", name: "cancelAppointment", summary: "Cancel an appointment", event: "appointment.cancelled", fromPath: idAs("appointment_id"), newCmd: func() any { return new(domain.CancelAppointment) }},
	{path: "/v1/cases/{crn}/appointments/{id}/outcome", name: "recordOutcome", summary: "Record an appointment's outcome", event: "appointment.outcome_recorded", fromPath: idAs("appointment_id"), newCmd: func() any { return new(domain.RecordOutcome) }},
	{path: "/v1/cases/{crn}/warnings", name: "issueWarning", summary: "Issue a warning", event: "warning.issued", created: "warning_id", newCmd: func() any { return new(domain.IssueWarning) }},
	{path: "/v1/cases/{crn}/breaches", name: "raiseBreach", summary: "Raise a breach", event: "breach.raised", created: "breach_id", newCmd: func() any { return new(domain.RaiseBreach) }},
	{path: "/v1/cases/{crn}/breaches/{id}/conclusion", name: "concludeBreach", summary: "Conclude a breach", event: "breach.concluded", fromPath: idAs("breach_id"), newCmd: func() any { return new(domain.ConcludeBreach) }},
	{path: "/v1/cases/{crn}/custody/remand", name: "remand", summary: "Record a remand in custody", event: "custody.remanded", newCmd: func() any { return new(domain.Remand) }},
	{path: "/v1/cases/{crn}/custody/release", name: "release", summary: "Record a release", event: "custody.released", newCmd: func() any { return new(domain.Release) }},
	{path: "/v1/cases/{crn}/recalls", name: "raiseRecall", summary: "Raise a recall (and its consequences)", event: "recall.raised", created: "recall_id", newCmd: func() any { return new(domain.RaiseRecall) }},
	{path: "/v1/cases/{crn}/recalls/{id}/conclusion", name: "concludeRecall", summary: "Conclude a recall", event: "recall.concluded", fromPath: idAs("recall_id"), newCmd: func() any { return new(domain.ConcludeRecall) }},
	{path: "/v1/cases/{crn}/information", name: "receiveInformation", summary: "Record information received", event: "information.received", created: "information_id", newCmd: func() any { return new(domain.ReceiveInformation) }},
	{path: "/v1/cases/{crn}/information/{id}/routing", name: "routeInformation", summary: "Route information", event: "information.routed", fromPath: idAs("information_id"), newCmd: func() any { return new(domain.RouteInformation) }},
	{path: "/v1/cases/{crn}/information/{id}/acknowledgement", name: "acknowledgeInformation", summary: "Acknowledge information (by the caller)", event: "information.acknowledged", fromPath: idAs("information_id"), newCmd: func() any { return new(domain.AcknowledgeInformation) }},
	{path: "/v1/cases/{crn}/disclosures", name: "shareInformation", summary: "Record a disclosure", event: "information.shared", newCmd: func() any { return new(domain.ShareInformation) }},
	{path: "/v1/cases/{crn}/sfo", name: "notifySFO", summary: "Notify a serious further offence", event: "sfo.notified", created: "sfo_id", newCmd: func() any { return new(domain.NotifySFO) }},
	{path: "/v1/cases/{crn}/sfo/{id}/review-completion", name: "completeSFOReview", summary: "Complete an SFO review", event: "sfo.review_completed", roles: []string{RoleReviewer}, fromPath: idAs("sfo_id"), newCmd: func() any { return new(domain.CompleteSFOReview) }},
	{path: "/v1/cases/{crn}/events/{event_id}/retraction", name: "retractEntry", summary: "Retract an entry, optionally with its replacement", event: "entry.retracted", fromPath: map[string]string{"event_id": "event_id"}, newCmd: func() any { return new(retractBody) }},
	{path: "/v1/cases/{crn}/restrictions", name: "restrictAccess", summary: "Restrict access to the case", event: "case.access_restricted", roles: admins, newCmd: func() any { return new(domain.RestrictAccess) }},
	{path: "/v1/org/providers", name: "registerProvider", summary: "Register a provider", event: "provider.registered", stream: orgStream, roles: admins, newCmd: func() any { return new(domain.RegisterProvider) }},
	{path: "/v1/org/teams", name: "registerTeam", summary: "Register a team", event: "team.registered", stream: orgStream, roles: admins, newCmd: func() any { return new(domain.RegisterTeam) }},
	{path: "/v1/org/officers", name: "registerOfficer", summary: "Register an officer", event: "officer.registered", stream: orgStream, roles: admins, newCmd: func() any { return new(domain.RegisterOfficer) }},
	{path: "/v1/org/officers/{code}/move", name: "moveOfficer", summary: "Move an officer to another team", event: "officer.moved", stream: orgStream, roles: admins, fromPath: map[string]string{"code": "code"}, newCmd: func() any { return new(domain.MoveOfficer) }},
	{path: "/v1/org/officers/{code}/absences", name: "recordAbsence", summary: "Record an officer's absence", event: "officer.absence_recorded", stream: orgStream, roles: admins, fromPath: map[string]string{"code": "code"}, created: "absence_id", newCmd: func() any { return new(domain.RecordAbsence) }},
	{path: "/v1/org/officers/{code}/absences/{id}/cancellation", name: "cancelAbsence", summary: "Cancel an absence", event: "officer.absence_cancelled", stream: orgStream, roles: admins, fromPath: map[string]string{"id": "absence_id", "code": ""}, newCmd: func() any { return new(domain.CancelAbsence) }},
	{path: "/v1/org/events/{event_id}/retraction", name: "retractOrgEntry", summary: "Retract an org entry", event: "entry.retracted", stream: orgStream, roles: admins, fromPath: map[string]string{"event_id": "event_id"}, newCmd: func() any { return new(domain.RetractOrgEntry) }},
	{path: "/v1/org/officers/{code}/departure", name: "recordDeparture", summary: "Record that an officer left", event: "officer.left", stream: orgStream, roles: admins, fromPath: map[string]string{"code": "code"}, newCmd: func() any { return new(domain.RecordDeparture) }},
}

func idAs(field string) map[string]string { return map[string]string{"id": field} }

// retractBody is the body of a case retraction.
type retractBody struct {
	EventID     string       `json:"event_id"`
	Reason      string       `json:"reason"`
	Replacement *replacement `json:"replacement,omitempty"`
}

type replacement struct {
	Type string          `json:"type"`
	Data json.RawMessage `json:"data"`
	// OccurredAt is when the corrected entry happened; by default, when the
	// retracted one did.
	OccurredAt *time.Time `json:"occurred_at,omitempty"`
}

// rolesOf returns who may call w: practitioners write cases unless the
// route says otherwise.
func (w write) rolesOf() []string {
	if w.roles != nil {
		return w.roles
	}
	return practitioners
}

// bodyFields returns the JSON fields a body of w may carry: the command's,
// less those taken from the path and the internal ones, plus occurred_at.
func (w write) bodyFields() map[string]bool {
	out := map[string]bool{}
	t := reflect.TypeOf(w.newCmd()).Elem()
	for i := 0; i < t.NumField(); i++ {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name == "" || name == "-" {
			continue
		}
		out[name] = true
	}
	for _, f := range w.fromPath {
		delete(out, f)
	}
	for _, f := range w.internal {
		delete(out, f)
	}
	return out
}
