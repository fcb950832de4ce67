package api_test

import "strings"

// writeRoute is one write of API.md, as a client sees it.
type writeRoute struct {
	path    string // the path template
	event   string // the type of the first event it records
	created string // the id it creates (server-generated when left out)
	token   string // a caller whose role may use it
}

// org reports whether the route writes the org stream.
func (r writeRoute) org() bool { return strings.HasPrefix(r.path, "/v1/org/") }

// writeRoutes is every write route of API.md's table, in its order.
var writeRoutes = []writeRoute{
	{"/v1/cases", "case.opened", "", tokN01},
	{"/v1/cases/{crn}/closure", "case.closed", "", tokN01},
	{"/v1/cases/{crn}/reopening", "case.reopened", "", tokN01},
	{"/v1/cases/{crn}/allocations", "case.allocated", "", tokN01},
	{"/v1/cases/{crn}/deallocations", "case.deallocated", "", tokN01},
	{"/v1/cases/{crn}/transfers", "transfer.requested", "transfer_id", tokN01},
	{"/v1/cases/{crn}/transfers/{id}/acceptance", "transfer.accepted", "", tokC01},
	{"/v1/cases/{crn}/transfers/{id}/rejection", "transfer.rejected", "", tokC01},
	{"/v1/cases/{crn}/transfers/{id}/cancellation", "transfer.cancelled", "", tokN01},
	{"/v1/cases/{crn}/sentences", "sentence.recorded", "sentence_id", tokN01},
	{"/v1/cases/{crn}/sentences/{id}/termination", "sentence.terminated", "", tokN01},
	{"/v1/cases/{crn}/sentences/{id}/requirements", "requirement.imposed", "requirement_id", tokN01},
	{"/v1/cases/{crn}/requirements/{id}/termination", "requirement.terminated", "", tokN01},
	{"/v1/cases/{crn}/sentences/{id}/licence-conditions", "licence_condition.imposed", "condition_id", tokN01},
	{"/v1/cases/{crn}/licence-conditions/{id}/variation", "licence_condition.varied", "", tokN01},
	{"/v1/cases/{crn}/licence-conditions/{id}/termination", "licence_condition.terminated", "", tokN01},
	{"/v1/cases/{crn}/risk-assessments", "risk.assessed", "assessment_id", tokN01},
	{"/v1/cases/{crn}/registrations", "registration.added", "registration_id", tokN01},
	{"/v1/cases/{crn}/registrations/{id}/review", "registration.reviewed", "", tokN01},
	{"/v1/cases/{crn}/registrations/{id}/deregistration", "registration.deregistered", "", tokN01},
	{"/v1/cases/{crn}/appointments", "appointment.booked", "appointment_id", tokN01},
	{"/v1/cases/{crn}/appointments/{id}/reschedule", "appointment.rescheduled", "", tokN01},
	{"/v1/cases/{crn}/appointments/{id}/cancellation", "appointment.cancelled", "", tokN01},
	{"/v1/cases/{crn}/appointments/{id}/outcome", "appointment.outcome_recorded", "", tokN01},
	{"/v1/cases/{crn}/warnings", "warning.issued", "warning_id", tokN01},
	{"/v1/cases/{crn}/breaches", "breach.raised", "breach_id", tokN01},
	{"/v1/cases/{crn}/breaches/{id}/conclusion", "breach.concluded", "", tokN01},
	{"/v1/cases/{crn}/custody/remand", "custody.remanded", "", tokN01},
	{"/v1/cases/{crn}/custody/release", "custody.released", "", tokN01},
	{"/v1/cases/{crn}/recalls", "recall.raised", "recall_id", tokN01},
	{"/v1/cases/{crn}/recalls/{id}/conclusion", "recall.concluded", "", tokN01},
	{"/v1/cases/{crn}/information", "information.received", "information_id", tokN01},
	{"/v1/cases/{crn}/information/{id}/routing", "information.routed", "", tokN01},
	{"/v1/cases/{crn}/information/{id}/acknowledgement", "information.acknowledged", "", tokN01},
	{"/v1/cases/{crn}/disclosures", "information.shared", "", tokN01},
	{"/v1/cases/{crn}/sfo", "sfo.notified", "sfo_id", tokN01},
	{"/v1/cases/{crn}/sfo/{id}/review-completion", "sfo.review_completed", "", tokReviewer},
	{"/v1/cases/{crn}/events/{event_id}/retraction", "entry.retracted", "", tokN01},
	{"/v1/cases/{crn}/restrictions", "case.access_restricted", "", tokAdmin},
	{"/v1/org/providers", "provider.registered", "", tokAdmin},
	{"/v1/org/teams", "team.registered", "", tokAdmin},
	{"/v1/org/officers", "officer.registered", "", tokAdmin},
	{"/v1/org/officers/{code}/move", "officer.moved", "", tokAdmin},
	{"/v1/org/officers/{code}/absences", "officer.absence_recorded", "absence_id", tokAdmin},
	{"/v1/org/officers/{code}/absences/{id}/cancellation", "officer.absence_cancelled", "", tokAdmin},
	{"/v1/org/events/{event_id}/retraction", "entry.retracted", "", tokAdmin},
	{"/v1/org/officers/{code}/departure", "officer.left", "", tokAdmin},
}

// routeOf returns the write route of a template.
func routeOf(path string) (writeRoute, bool) {
	for _, r := range writeRoutes {
		if r.path == path {
			return r, true
		}
	}
	return writeRoute{}, false
}
