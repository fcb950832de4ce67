package api_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// badInput is the table of one write route: a request it accepts on a
// fixture, and the route's own bad inputs (enumerations, references, ids in
// the path, rules). The generic rows are made from the accepted request.
type badInput struct {
	valid func(t *testing.T, f *fixture) call
	rows  func(t *testing.T, f *fixture, v call) []badRow
}

// post is a request of token to path with a JSON body.
func post(token, path string, body map[string]any) call {
	return call{path: path, token: token, body: body, header: map[string]string{}}
}

// badInputs holds a table for every write route of API.md.
var badInputs = map[string]badInput{
	"/v1/cases": {
		valid: func(t *testing.T, f *fixture) call {
			return post(tokN01, "/v1/cases", map[string]any{"crn": f.h.newCRN(),
				"person": map[string]any{"given_name": "Ann", "family_name": "New", "date_of_birth": "2000-12-31"}})
		},
		rows: func(t *testing.T, f *fixture, v call) []badRow {
			person := v.body.(map[string]any)["person"].(map[string]any)
			withPerson := func(k string, val any) call {
				p := map[string]any{}
				for pk, pv := range person {
					p[pk] = pv
				}
				if val == nil {
					delete(p, k)
				} else {
					p[k] = val
				}
				return v.with("person", p)
			}
			return []badRow{
				invalid("CRN of the wrong shape", v.with("crn", "X12"), "crn"),
				invalid("CRN in lower case", v.with("crn", "x123456"), "crn"),
				invalid("no CRN", v.without("crn"), "crn").on(targetOf(v)),
				invalid("no given name", withPerson("given_name", nil), "person.given_name"),
				invalid("date of birth not a date", withPerson("date_of_birth", "1990-02-30"), "person.date_of_birth"),
				malformed("person of the wrong type", v.with("person", "Ann New")),
				malformed("unknown field in person", withPerson("middle_name", "Q")),
				conflict("CRN taken", v.with("crn", f.crn), "case_exists"),
				forbidden("the admin does not open cases", v.as(tokAdmin)),
				forbidden("the reviewer does not open cases", v.as(tokReviewer)),
			}
		},
	},
	"/v1/cases/{crn}/closure": {
		valid: func(t *testing.T, f *fixture) call {
			return post(tokN01, f.at(t, "/v1/cases/{crn}/closure"), map[string]any{"reason": "order completed"})
		},
		rows: func(t *testing.T, f *fixture, v call) []badRow {
			return []badRow{
				invalid("no reason", v.without("reason"), "reason"),
				malformed("reason of the wrong type", v.with("reason", 5)),
				conflict("back-dated before later entries", v.with("occurred_at", instant(f.openedAt.Add(time.Second))), "invalidates_history"),
				conflict("already closed", v.withCRN(f.closed(t)), "case_closed"),
			}
		},
	},
	"/v1/cases/{crn}/reopening": {
		valid: func(t *testing.T, f *fixture) call {
			return post(tokN01, fill(t, "/v1/cases/{crn}/reopening", f.closed(t)), map[string]any{"reason": "closed in error"})
		},
		rows: func(t *testing.T, f *fixture, v call) []badRow {
			return []badRow{
				invalid("no reason", v.without("reason"), "reason"),
				conflict("not closed", v.withCRN(f.crn), "case_not_closed"),
			}
		},
	},
	"/v1/cases/{crn}/allocations": {
		valid: func(t *testing.T, f *fixture) call {
			return post(tokN01, f.at(t, "/v1/cases/{crn}/allocations"), map[string]any{"provider": "NPS", "team": "N1", "officer": "N02",
				"reason": "caseload_adjustment", "rationale": "N01 over capacity"})
		},
		rows: func(t *testing.T, f *fixture, v call) []badRow {
			return []badRow{
				invalid("unknown reason", v.with("reason", "because"), "reason"),
				invalid("no rationale", v.without("rationale"), "rationale"),
				malformed("sensitive of the wrong type", v.with("sensitive", "yes")),
				unknownRef("unknown officer", v.with("officer", "N99"), "officer", "unknown_officer"),
				unknownRef("unknown team", v.with("team", "N9"), "team", "unknown_team"),
				unknownRef("unknown provider", v.with("provider", "NOPE"), "provider", "unknown_provider"),
				unknownRef("officer in another team", v.with("team", "N2"), "officer", "officer_not_in_team"),
				unknownRef("team of another provider", v.with("team", "C1").with("officer", "C01"), "team", "team_not_in_provider"),
				conflict("another provider takes an owned case by transfer", v.with("provider", "CRC1").with("team", "C1").with("officer", "C01"), "allocation_provider"),
			}
		},
	},
	"/v1/cases/{crn}/deallocations": {
		valid: func(t *testing.T, f *fixture) call {
			return post(tokN01, f.at(t, "/v1/cases/{crn}/deallocations"), map[string]any{"reason": "officer left"})
		},
		rows: func(t *testing.T, f *fixture, v call) []badRow {
			return []badRow{
				invalid("no reason", v.without("reason"), "reason"),
				conflict("not allocated then", v.with("occurred_at", instant(f.openedAt.Add(time.Second))), "not_allocated"),
				conflict("never allocated", v.withCRN(f.remanded(t)), "not_allocated"),
			}
		},
	},
	"/v1/cases/{crn}/transfers": {
		valid: func(t *testing.T, f *fixture) call {
			return post(tokN01, f.at(t, "/v1/cases/{crn}/transfers"), map[string]any{"scope": "case",
				"to": map[string]any{"provider": "CRC1", "team": "C1"}, "reason": "moved to Bradford"})
		},
		rows: func(t *testing.T, f *fixture, v call) []badRow {
			components := v.with("scope", "components")
			return []badRow{
				invalid("unknown scope", v.with("scope", "everything"), "scope"),
				invalid("components of a case transfer", v.with("components", []string{"req1"}), "components"),
				invalid("a components transfer of none", components, "components"),
				invalid("a component named twice", components.with("components", []string{"cond1", "cond1"}), "components[1]"),
				invalid("no destination", v.without("to"), "to.provider"),
				malformed("from in the body", v.with("from", map[string]any{"provider": "NPS"})),
				malformed("components of the wrong type", components.with("components", "req1")),
				malformed("unknown field in to", v.with("to", map[string]any{"provider": "CRC1", "desk": "3"})),
				unknownRef("unknown component", components.with("components", []string{"zz"}), "components[0]", "unknown_component"),
				unknownRef("unknown provider", v.with("to", map[string]any{"provider": "NOPE"}), "to.provider", "unknown_provider"),
				unknownRef("team of another provider", v.with("to", map[string]any{"provider": "CRC1", "team": "C2"}), "to.team", "team_not_in_provider"),
				unknownRef("unknown officer", v.with("to", map[string]any{"provider": "CRC1", "officer": "C99"}), "to.officer", "unknown_officer"),
				conflict("a component already in a pending transfer", components.with("components", []string{"req1"}), "component_transfer_pending"),
				conflict("an ended component", components.with("components", []string{"req-term"}), "component_not_active"),
				conflict("transfer id taken", v.with("transfer_id", "tr-pend"), "duplicate_id"),
			}
		},
	},
	"/v1/cases/{crn}/transfers/{id}/acceptance": {
		valid: func(t *testing.T, f *fixture) call {
			return post(tokC01, f.at(t, "/v1/cases/{crn}/transfers/{id}/acceptance", "tr-pend"), map[string]any{"team": "C1", "officer": "C01"})
		},
		rows: func(t *testing.T, f *fixture, v call) []badRow {
			return []badRow{
				notFound("unknown transfer", v.to(f.at(t, "/v1/cases/{crn}/transfers/{id}/acceptance", "tr-zz")), "transfer_not_found"),
				invalid("no officer", v.without("officer"), "officer"),
				unknownRef("unknown officer", v.with("officer", "C99"), "officer", "unknown_officer"),
				unknownRef("officer of another team", v.with("officer", "C02"), "officer", "officer_not_in_team"),
				unknownRef("team of another provider", v.with("team", "C2").with("officer", "C02"), "team", "team_not_in_provider"),
				conflict("not pending", v.to(f.at(t, "/v1/cases/{crn}/transfers/{id}/acceptance", "tr-done")), "transfer_not_pending"),
			}
		},
	},
	"/v1/cases/{crn}/transfers/{id}/rejection": {
		valid: func(t *testing.T, f *fixture) call {
			return post(tokC01, f.at(t, "/v1/cases/{crn}/transfers/{id}/rejection", "tr-pend"), map[string]any{"reason": "no capacity"})
		},
		rows: func(t *testing.T, f *fixture, v call) []badRow {
			return []badRow{
				notFound("unknown transfer", v.to(f.at(t, "/v1/cases/{crn}/transfers/{id}/rejection", "tr-zz")), "transfer_not_found"),
				invalid("no reason", v.without("reason"), "reason"),
				malformed("automatic in the body", v.with("automatic", true)),
				conflict("not pending", v.to(f.at(t, "/v1/cases/{crn}/transfers/{id}/rejection", "tr-done")), "transfer_not_pending"),
			}
		},
	},
	"/v1/cases/{crn}/transfers/{id}/cancellation": {
		valid: func(t *testing.T, f *fixture) call {
			return post(tokN01, f.at(t, "/v1/cases/{crn}/transfers/{id}/cancellation", "tr-pend"), map[string]any{"reason": "not needed"})
		},
		rows: func(t *testing.T, f *fixture, v call) []badRow {
			return []badRow{
				notFound("unknown transfer", v.to(f.at(t, "/v1/cases/{crn}/transfers/{id}/cancellation", "tr-zz")), "transfer_not_found"),
				invalid("no reason", v.without("reason"), "reason"),
				conflict("not pending", v.to(f.at(t, "/v1/cases/{crn}/transfers/{id}/cancellation", "tr-done")), "transfer_not_pending"),
			}
		},
	},
	"/v1/cases/{crn}/sentences": {
		valid: func(t *testing.T, f *fixture) call {
			return post(tokN01, f.at(t, "/v1/cases/{crn}/sentences"), map[string]any{"kind": "suspended_sentence_order", "court": "Leeds MC",
				"start_date": "2026-01-05", "expected_end_date": "2027-01-04"})
		},
		rows: func(t *testing.T, f *fixture, v call) []badRow {
			return []badRow{
				invalid("unknown kind", v.with("kind", "fine"), "kind"),
				invalid("start date not a date", v.with("start_date", "2026-02-30"), "start_date"),
				invalid("ends before it starts", v.with("expected_end_date", "2025-01-01"), "expected_end_date"),
				invalid("no court", v.without("court"), "court"),
				malformed("start date of the wrong type", v.with("start_date", 20260105)),
				conflict("sentence id taken", v.with("sentence_id", "co1"), "duplicate_id"),
				conflict("id of a requirement", v.with("sentence_id", "req1"), "duplicate_id"),
			}
		},
	},
	"/v1/cases/{crn}/sentences/{id}/termination": {
		valid: func(t *testing.T, f *fixture) call {
			return post(tokN01, f.at(t, "/v1/cases/{crn}/sentences/{id}/termination", "co1"), map[string]any{"reason": "revoked"})
		},
		rows: func(t *testing.T, f *fixture, v call) []badRow {
			return []badRow{
				notFound("unknown sentence", v.to(f.at(t, "/v1/cases/{crn}/sentences/{id}/termination", "zz")), "sentence_not_found"),
				invalid("no reason", v.without("reason"), "reason"),
				conflict("already terminated", v.to(f.at(t, "/v1/cases/{crn}/sentences/{id}/termination", "co-term")), "sentence_not_active"),
			}
		},
	},
	"/v1/cases/{crn}/sentences/{id}/requirements": {
		valid: func(t *testing.T, f *fixture) call {
			return post(tokN01, f.at(t, "/v1/cases/{crn}/sentences/{id}/requirements", "co1"), map[string]any{"category": "curfew", "description": "8pm to 6am"})
		},
		rows: func(t *testing.T, f *fixture, v call) []badRow {
			on := func(s string) call { return v.to(f.at(t, "/v1/cases/{crn}/sentences/{id}/requirements", s)) }
			return []badRow{
				notFound("unknown sentence", on("zz"), "sentence_not_found"),
				invalid("unknown category", v.with("category", "knitting"), "category"),
				invalid("no description", v.without("description"), "description"),
				conflict("on a licence", on("lic1"), "wrong_sentence_kind"),
				conflict("on a terminated sentence", on("co-term"), "sentence_not_active"),
				conflict("requirement id taken", v.with("requirement_id", "req1"), "duplicate_id"),
			}
		},
	},
	"/v1/cases/{crn}/requirements/{id}/termination": {
		valid: func(t *testing.T, f *fixture) call {
			return post(tokN01, f.at(t, "/v1/cases/{crn}/requirements/{id}/termination", "req1"), map[string]any{"reason": "completed"})
		},
		rows: func(t *testing.T, f *fixture, v call) []badRow {
			on := func(s string) call { return v.to(f.at(t, "/v1/cases/{crn}/requirements/{id}/termination", s)) }
			return []badRow{
				notFound("unknown requirement", on("zz"), "component_not_found"),
				notFound("a licence condition", on("cond1"), "component_not_found"),
				invalid("no reason", v.without("reason"), "reason"),
				conflict("already terminated", on("req-term"), "component_not_active"),
			}
		},
	},
	"/v1/cases/{crn}/sentences/{id}/licence-conditions": {
		valid: func(t *testing.T, f *fixture) call {
			return post(tokN01, f.at(t, "/v1/cases/{crn}/sentences/{id}/licence-conditions", "lic1"), map[string]any{"category": "no_contact", "description": "no contact with V"})
		},
		rows: func(t *testing.T, f *fixture, v call) []badRow {
			on := func(s string) call { return v.to(f.at(t, "/v1/cases/{crn}/sentences/{id}/licence-conditions", s)) }
			return []badRow{
				notFound("unknown sentence", on("zz"), "sentence_not_found"),
				invalid("unknown category", v.with("category", "be good"), "category"),
				conflict("on a community order", on("co1"), "wrong_sentence_kind"),
				conflict("on a recalled licence", on("lic2"), "sentence_recalled"),
				conflict("condition id taken", v.with("condition_id", "cond1"), "duplicate_id"),
			}
		},
	},
	"/v1/cases/{crn}/licence-conditions/{id}/variation": {
		valid: func(t *testing.T, f *fixture) call {
			return post(tokN01, f.at(t, "/v1/cases/{crn}/licence-conditions/{id}/variation", "cond1"), map[string]any{"description": "10pm to 6am"})
		},
		rows: func(t *testing.T, f *fixture, v call) []badRow {
			on := func(s string) call { return v.to(f.at(t, "/v1/cases/{crn}/licence-conditions/{id}/variation", s)) }
			return []badRow{
				notFound("unknown condition", on("zz"), "component_not_found"),
				notFound("a requirement", on("req1"), "component_not_found"),
				invalid("no description", v.without("description"), "description"),
				conflict("terminated", on("cond-term"), "component_not_active"),
			}
		},
	},
	"/v1/cases/{crn}/licence-conditions/{id}/termination": {
		valid: func(t *testing.T, f *fixture) call {
			return post(tokN01, f.at(t, "/v1/cases/{crn}/licence-conditions/{id}/termination", "cond1"), map[string]any{"reason": "revoked"})
		},
		rows: func(t *testing.T, f *fixture, v call) []badRow {
			on := func(s string) call { return v.to(f.at(t, "/v1/cases/{crn}/licence-conditions/{id}/termination", s)) }
			return []badRow{
				notFound("unknown condition", on("zz"), "component_not_found"),
				invalid("unknown reason", v.with("reason", "bored"), "reason"),
				malformed("cause_event_id in the body", v.with("cause_event_id", f.ev["rc1"])),
				conflict("terminated", on("cond-term"), "component_not_active"),
			}
		},
	},
	"/v1/cases/{crn}/risk-assessments": {
		valid: func(t *testing.T, f *fixture) call {
			return post(tokN01, f.at(t, "/v1/cases/{crn}/risk-assessments"), map[string]any{"tool": "OASys", "rosh": "low", "rsr": 2.5, "ogrs": 30})
		},
		rows: func(t *testing.T, f *fixture, v call) []badRow {
			return []badRow{
				invalid("unknown RoSH", v.with("rosh", "extreme"), "rosh"),
				invalid("RSR over 100", v.with("rsr", 150), "rsr"),
				invalid("OGRS below 0", v.with("ogrs", -1), "ogrs"),
				invalid("no tool", v.without("tool"), "tool"),
				malformed("RSR of the wrong type", v.with("rsr", "high")),
				conflict("assessment id taken", v.with("assessment_id", "ra1"), "duplicate_id"),
			}
		},
	},
	"/v1/cases/{crn}/registrations": {
		valid: func(t *testing.T, f *fixture) call {
			return post(tokN01, f.at(t, "/v1/cases/{crn}/registrations"), map[string]any{"type": "MAPP", "category": "M2", "level": "M1", "next_review_date": "2026-12-01"})
		},
		rows: func(t *testing.T, f *fixture, v call) []badRow {
			return []badRow{
				invalid("unknown type", v.with("type", "XXXX"), "type"),
				invalid("unknown MAPPA category", v.with("category", "M9"), "category"),
				invalid("unknown MAPPA level", v.with("level", "M4"), "level"),
				invalid("review date not a date", v.with("next_review_date", "soon"), "next_review_date"),
				conflict("registration id taken", v.with("registration_id", "reg1"), "duplicate_id"),
			}
		},
	},
	"/v1/cases/{crn}/registrations/{id}/review": {
		valid: func(t *testing.T, f *fixture) call {
			return post(tokN01, f.at(t, "/v1/cases/{crn}/registrations/{id}/review", "reg1"), map[string]any{"next_review_date": "2027-01-01", "notes": "n"})
		},
		rows: func(t *testing.T, f *fixture, v call) []badRow {
			on := func(s string) call { return v.to(f.at(t, "/v1/cases/{crn}/registrations/{id}/review", s)) }
			return []badRow{
				notFound("unknown registration", on("zz"), "registration_not_found"),
				notFound("a retracted registration", on("reg-oops"), "registration_not_found"),
				invalid("no review date", v.without("next_review_date"), "next_review_date"),
				conflict("deregistered", on("reg-gone"), "registration_not_active"),
			}
		},
	},
	"/v1/cases/{crn}/registrations/{id}/deregistration": {
		valid: func(t *testing.T, f *fixture) call {
			return post(tokN01, f.at(t, "/v1/cases/{crn}/registrations/{id}/deregistration", "reg1"), map[string]any{"reason": "no longer applies"})
		},
		rows: func(t *testing.T, f *fixture, v call) []badRow {
			on := func(s string) call { return v.to(f.at(t, "/v1/cases/{crn}/registrations/{id}/deregistration", s)) }
			return []badRow{
				notFound("unknown registration", on("zz"), "registration_not_found"),
				invalid("no reason", v.without("reason"), "reason"),
				conflict("already deregistered", on("reg-gone"), "registration_not_active"),
			}
		},
	},
	"/v1/cases/{crn}/appointments": {
		valid: func(t *testing.T, f *fixture) call {
			return post(tokN01, f.at(t, "/v1/cases/{crn}/appointments"), map[string]any{"starts_at": instant(time.Now().Add(72 * time.Hour)),
				"kind": "home_visit", "officer": "N01", "sentence_id": "co1"})
		},
		rows: func(t *testing.T, f *fixture, v call) []badRow {
			return []badRow{
				invalid("unknown kind", v.with("kind", "pub"), "kind"),
				invalid("no start", v.without("starts_at"), "starts_at"),
				malformed("start not a time", v.with("starts_at", "tomorrow")),
				unknownRef("unknown officer", v.with("officer", "N99"), "officer", "unknown_officer"),
				unknownRef("unknown sentence", v.with("sentence_id", "zz"), "sentence_id", "unknown_sentence"),
				conflict("on a recalled licence", v.with("sentence_id", "lic2"), "sentence_recalled"),
				conflict("appointment id taken", v.with("appointment_id", "ap-open"), "duplicate_id"),
			}
		},
	},
	"/v1/cases/{crn}/appointments/{id}/reschedule": {
		valid: func(t *testing.T, f *fixture) call {
			return post(tokN01, f.at(t, "/v1/cases/{crn}/appointments/{id}/reschedule", "ap-open"), map[string]any{"starts_at": instant(time.Now().Add(96 * time.Hour)), "reason": "clash"})
		},
		rows: func(t *testing.T, f *fixture, v call) []badRow {
			on := func(s string) call { return v.to(f.at(t, "/v1/cases/{crn}/appointments/{id}/reschedule", s)) }
			return []badRow{
				notFound("unknown appointment", on("zz"), "appointment_not_found"),
				invalid("no reason", v.without("reason"), "reason"),
				invalid("no start", v.without("starts_at"), "starts_at"),
				conflict("already has an outcome", on("ap-ok"), "appointment_closed"),
			}
		},
	},
	"/v1/cases/{crn}/appointments/{id}/cancellation": {
		valid: func(t *testing.T, f *fixture) call {
			return post(tokN01, f.at(t, "/v1/cases/{crn}/appointments/{id}/cancellation", "ap-open"), map[string]any{"reason": "officer ill"})
		},
		rows: func(t *testing.T, f *fixture, v call) []badRow {
			on := func(s string) call { return v.to(f.at(t, "/v1/cases/{crn}/appointments/{id}/cancellation", s)) }
			return []badRow{
				notFound("unknown appointment", on("zz"), "appointment_not_found"),
				invalid("no reason", v.without("reason"), "reason"),
				conflict("already has an outcome", on("ap-ok"), "appointment_closed"),
			}
		},
	},
	"/v1/cases/{crn}/appointments/{id}/outcome": {
		valid: func(t *testing.T, f *fixture) call {
			return post(tokN01, f.at(t, "/v1/cases/{crn}/appointments/{id}/outcome", "ap-open"), map[string]any{"outcome": "acceptable_absence", "notes": "ill"})
		},
		rows: func(t *testing.T, f *fixture, v call) []badRow {
			on := func(s string) call { return v.to(f.at(t, "/v1/cases/{crn}/appointments/{id}/outcome", s)) }
			return []badRow{
				notFound("unknown appointment", on("zz"), "appointment_not_found"),
				invalid("unknown outcome", v.with("outcome", "late"), "outcome"),
				conflict("already has an outcome", on("ap-ok"), "appointment_closed"),
			}
		},
	},
	"/v1/cases/{crn}/warnings": {
		valid: func(t *testing.T, f *fixture) call {
			return post(tokN01, f.at(t, "/v1/cases/{crn}/warnings"), map[string]any{"sentence_id": "co1", "appointment_ids": []string{"ap-ua"}})
		},
		rows: func(t *testing.T, f *fixture, v call) []badRow {
			return []badRow{
				invalid("no appointments", v.with("appointment_ids", []string{}), "appointment_ids"),
				malformed("appointment ids of the wrong type", v.with("appointment_ids", "ap-ua")),
				unknownRef("unknown sentence", v.with("sentence_id", "zz"), "sentence_id", "unknown_sentence"),
				unknownRef("unknown appointment", v.with("appointment_ids", []string{"zz"}), "appointment_ids[0]", "unknown_appointment"),
				conflict("a complied appointment", v.with("appointment_ids", []string{"ap-ok"}), "not_non_compliance"),
				conflict("warning id taken", v.with("warning_id", "ap-ua"), "duplicate_id"),
			}
		},
	},
	"/v1/cases/{crn}/breaches": {
		valid: func(t *testing.T, f *fixture) call {
			return post(tokN01, f.at(t, "/v1/cases/{crn}/breaches"), map[string]any{"sentence_id": "lic1", "reason": "missed curfew", "appointment_ids": []string{}})
		},
		rows: func(t *testing.T, f *fixture, v call) []badRow {
			return []badRow{
				invalid("no reason", v.without("reason"), "reason"),
				unknownRef("unknown sentence", v.with("sentence_id", "zz"), "sentence_id", "unknown_sentence"),
				unknownRef("unknown appointment", v.with("appointment_ids", []string{"zz"}), "appointment_ids[0]", "unknown_appointment"),
				conflict("a breach of the sentence is open", v.with("sentence_id", "co1"), "breach_open"),
				conflict("a terminated sentence", v.with("sentence_id", "co-term"), "sentence_not_active"),
			}
		},
	},
	"/v1/cases/{crn}/breaches/{id}/conclusion": {
		valid: func(t *testing.T, f *fixture) call {
			return post(tokN01, f.at(t, "/v1/cases/{crn}/breaches/{id}/conclusion", "br-open"), map[string]any{"outcome": "proved", "sanction": "curfew"})
		},
		rows: func(t *testing.T, f *fixture, v call) []badRow {
			on := func(s string) call { return v.to(f.at(t, "/v1/cases/{crn}/breaches/{id}/conclusion", s)) }
			return []badRow{
				notFound("unknown breach", on("zz"), "breach_not_found"),
				invalid("unknown outcome", v.with("outcome", "maybe"), "outcome"),
				conflict("already concluded", on("br-done"), "breach_not_open"),
			}
		},
	},
	"/v1/cases/{crn}/custody/remand": {
		valid: func(t *testing.T, f *fixture) call {
			return post(tokN01, f.at(t, "/v1/cases/{crn}/custody/remand"), map[string]any{"court": "Leeds Crown Court", "reason": "new charge"})
		},
		rows: func(t *testing.T, f *fixture, v call) []badRow {
			return []badRow{
				invalid("no court", v.without("court"), "court"),
				conflict("already remanded", v.withCRN(f.remanded(t)), "custody_state"),
			}
		},
	},
	"/v1/cases/{crn}/custody/release": {
		valid: func(t *testing.T, f *fixture) call {
			return post(tokN01, fill(t, "/v1/cases/{crn}/custody/release", f.remanded(t)), map[string]any{"establishment": "HMP Leeds", "release_type": "bail"})
		},
		rows: func(t *testing.T, f *fixture, v call) []badRow {
			return []badRow{
				invalid("no establishment", v.without("establishment"), "establishment"),
				conflict("not in custody", v.withCRN(f.crn), "custody_state"),
			}
		},
	},
	"/v1/cases/{crn}/recalls": {
		valid: func(t *testing.T, f *fixture) call {
			return post(tokN01, f.at(t, "/v1/cases/{crn}/recalls"), map[string]any{"sentence_id": "lic1", "type": "standard", "reason": "further offence", "decided_by": "PPCS"})
		},
		rows: func(t *testing.T, f *fixture, v call) []badRow {
			return []badRow{
				invalid("unknown type", v.with("type", "soft"), "type"),
				invalid("no decider", v.without("decided_by"), "decided_by"),
				unknownRef("unknown sentence", v.with("sentence_id", "zz"), "sentence_id", "unknown_sentence"),
				conflict("not a licence", v.with("sentence_id", "co1"), "not_a_licence"),
				conflict("a recall is open", v.with("sentence_id", "lic2"), "recall_open"),
			}
		},
	},
	"/v1/cases/{crn}/recalls/{id}/conclusion": {
		valid: func(t *testing.T, f *fixture) call {
			return post(tokN01, f.at(t, "/v1/cases/{crn}/recalls/{id}/conclusion", "rc1"), map[string]any{"outcome": "rescinded"})
		},
		rows: func(t *testing.T, f *fixture, v call) []badRow {
			on := func(s string) call { return v.to(f.at(t, "/v1/cases/{crn}/recalls/{id}/conclusion", s)) }
			return []badRow{
				notFound("unknown recall", on("zz"), "recall_not_found"),
				invalid("unknown outcome", v.with("outcome", "forgotten"), "outcome"),
				conflict("already concluded", on("rc-done"), "recall_not_open"),
			}
		},
	},
	"/v1/cases/{crn}/information": {
		valid: func(t *testing.T, f *fixture) call {
			return post(tokN01, f.at(t, "/v1/cases/{crn}/information"), map[string]any{
				"source":  map[string]any{"organisation": "Leeds Housing", "kind": "housing"},
				"channel": "phone", "received_by": map[string]any{"team": "N1"}, "summary": "eviction notice", "risk_relevant": true, "urgency": "routine"})
		},
		rows: func(t *testing.T, f *fixture, v call) []badRow {
			return []badRow{
				invalid("unknown source kind", v.with("source", map[string]any{"organisation": "X", "kind": "gossip"}), "source.kind"),
				invalid("unknown channel", v.with("channel", "pigeon"), "channel"),
				invalid("unknown urgency", v.with("urgency", "whenever"), "urgency"),
				invalid("received by nobody", v.with("received_by", map[string]any{}), "received_by"),
				malformed("risk_relevant of the wrong type", v.with("risk_relevant", "yes")),
				unknownRef("received by an unknown officer", v.with("received_by", map[string]any{"officer": "N99"}), "received_by.officer", "unknown_officer"),
				unknownRef("received by an unknown team", v.with("received_by", map[string]any{"team": "N9"}), "received_by.team", "unknown_team"),
				conflict("information id taken", v.with("information_id", "inf1"), "duplicate_id"),
			}
		},
	},
	"/v1/cases/{crn}/information/{id}/routing": {
		valid: func(t *testing.T, f *fixture) call {
			return post(tokN01, f.at(t, "/v1/cases/{crn}/information/{id}/routing", "inf1"), map[string]any{"to": map[string]any{"officer": "N02"}, "reason": "cover"})
		},
		rows: func(t *testing.T, f *fixture, v call) []badRow {
			return []badRow{
				notFound("unknown information", v.to(f.at(t, "/v1/cases/{crn}/information/{id}/routing", "zz")), "information_not_found"),
				invalid("routed to nobody", v.with("to", map[string]any{}), "to"),
				unknownRef("to an unknown officer", v.with("to", map[string]any{"officer": "N99"}), "to.officer", "unknown_officer"),
				unknownRef("to an unknown team", v.with("to", map[string]any{"team": "N9"}), "to.team", "unknown_team"),
				conflict("the case is closed", v.to(fill(t, "/v1/cases/{crn}/information/{id}/routing", f.closed(t), "inf-c")), "case_closed"),
			}
		},
	},
	"/v1/cases/{crn}/information/{id}/acknowledgement": {
		valid: func(t *testing.T, f *fixture) call {
			return post(tokN01, f.at(t, "/v1/cases/{crn}/information/{id}/acknowledgement", "inf1"), map[string]any{"action": "called the police"})
		},
		rows: func(t *testing.T, f *fixture, v call) []badRow {
			return []badRow{
				notFound("unknown information", v.to(f.at(t, "/v1/cases/{crn}/information/{id}/acknowledgement", "zz")), "information_not_found"),
				invalid("no action", v.without("action"), "action"),
				malformed("by in the body", v.with("by", "N02")),
				conflict("the case is closed", v.to(fill(t, "/v1/cases/{crn}/information/{id}/acknowledgement", f.closed(t), "inf-c")), "case_closed"),
			}
		},
	},
	"/v1/cases/{crn}/disclosures": {
		valid: func(t *testing.T, f *fixture) call {
			return post(tokN01, f.at(t, "/v1/cases/{crn}/disclosures"), map[string]any{"information_ids": []string{"inf1"},
				"recipient": map[string]any{"organisation": "MAPPA panel", "person": "chair"}, "summary": "s", "basis": "CJA 2003 s325"})
		},
		rows: func(t *testing.T, f *fixture, v call) []badRow {
			return []badRow{
				invalid("no basis", v.without("basis"), "basis"),
				invalid("no recipient", v.with("recipient", map[string]any{}), "recipient.organisation"),
				unknownRef("unknown information", v.with("information_ids", []string{"zz"}), "information_ids[0]", "unknown_information"),
				conflict("the case is closed", v.withCRN(f.closed(t)).with("information_ids", []string{"inf-c"}), "case_closed"),
			}
		},
	},
	"/v1/cases/{crn}/sfo": {
		valid: func(t *testing.T, f *fixture) call {
			return post(tokN01, f.at(t, "/v1/cases/{crn}/sfo"), map[string]any{"offence": "manslaughter", "offence_date": "2026-02-01",
				"charged_at": instant(time.Now().Add(-time.Hour)), "first_appearance_at": instant(time.Now().Add(-time.Minute)), "category": "discretionary"})
		},
		rows: func(t *testing.T, f *fixture, v call) []badRow {
			return []badRow{
				invalid("unknown category", v.with("category", "big"), "category"),
				invalid("offence date not a date", v.with("offence_date", "yesterday"), "offence_date"),
				invalid("no charge time", v.without("charged_at"), "charged_at"),
				malformed("charge time not a time", v.with("charged_at", "today")),
				conflict("SFO id taken", v.with("sfo_id", "sfo1"), "duplicate_id"),
			}
		},
	},
	"/v1/cases/{crn}/sfo/{id}/review-completion": {
		valid: func(t *testing.T, f *fixture) call {
			return post(tokReviewer, f.at(t, "/v1/cases/{crn}/sfo/{id}/review-completion", "sfo1"), map[string]any{"summary": "no learning"})
		},
		rows: func(t *testing.T, f *fixture, v call) []badRow {
			return []badRow{
				notFound("unknown SFO", v.to(f.at(t, "/v1/cases/{crn}/sfo/{id}/review-completion", "zz")), "sfo_not_found"),
				invalid("no summary", v.without("summary"), "summary"),
				forbidden("the practitioner does not complete reviews", v.as(tokN01)),
				forbidden("the admin does not complete reviews", v.as(tokAdmin)),
				conflict("already completed", v.to(f.at(t, "/v1/cases/{crn}/sfo/{id}/review-completion", "sfo-done")), "sfo_review_completed"),
			}
		},
	},
	"/v1/cases/{crn}/events/{event_id}/retraction": {
		valid: func(t *testing.T, f *fixture) call {
			return post(tokN01, f.at(t, "/v1/cases/{crn}/events/{event_id}/retraction", f.ev["ra1"]), map[string]any{"reason": "wrong person",
				"replacement": map[string]any{"type": "risk.assessed", "data": map[string]any{"assessment_id": "ra1", "tool": "OASys", "rosh": "low", "rsr": 1}}})
		},
		rows: func(t *testing.T, f *fixture, v call) []badRow {
			on := func(id string) call { return v.to(f.at(t, "/v1/cases/{crn}/events/{event_id}/retraction", id)) }
			replace := func(typ string, data map[string]any) call {
				return v.with("replacement", map[string]any{"type": typ, "data": data})
			}
			risk := map[string]any{"assessment_id": "ra1", "tool": "OASys", "rosh": "low", "rsr": 1}
			other := map[string]any{}
			for k, val := range risk {
				other[k] = val
			}
			other["rosh"] = "extreme"
			return []badRow{
				notFound("unknown event", on("6f0e2a47-9d1c-4c55-8a0b-52b3c6a1e9d4"), "event_not_found"),
				notFound("an event of another case", on(mustFirstEvent(t, f.h, f.closed(t))), "event_not_found"),
				invalid("no reason", v.without("reason"), "reason"),
				invalid("a replacement of an unknown type", replace("risk.guessed", risk), "replacement.type"),
				invalid("a replacement that opens a case", replace("case.opened", map[string]any{"crn": f.crn}), "replacement.type"),
				invalid("a replacement of org data", replace("provider.registered", map[string]any{"code": "X", "name": "X"}), "replacement.type"),
				invalid("a replacement with an invalid value", replace("risk.assessed", other), "rosh"),
				malformed("a replacement with an unknown field", replace("risk.assessed", map[string]any{"assessment_id": "ra1", "colour": "red"})),
				malformed("a replacement of the wrong type", v.with("replacement", "risk.assessed")),
				conflict("case.opened cannot be retracted", on(f.ev["opened"]), "not_retractable"),
				conflict("already retracted", on(f.ev["reg-oops"]), "already_retracted"),
				conflict("others depend on it", on(f.ev["co1"]).without("replacement"), "invalidates_history"),
			}
		},
	},
	"/v1/cases/{crn}/restrictions": {
		valid: func(t *testing.T, f *fixture) call {
			return post(tokAdmin, f.at(t, "/v1/cases/{crn}/restrictions"), map[string]any{"excluded": []string{"N03"}, "restricted_to": []string{}})
		},
		rows: func(t *testing.T, f *fixture, v call) []badRow {
			return []badRow{
				malformed("excluded of the wrong type", v.with("excluded", "N03")),
				forbidden("a practitioner does not restrict", v.as(tokN01)),
				forbidden("a reviewer does not restrict", v.as(tokReviewer)),
				conflict("before the case opened", v.with("occurred_at", instant(f.openedAt.Add(-time.Minute))), "case_not_open"),
			}
		},
	},
	"/v1/org/providers": {
		valid: func(t *testing.T, f *fixture) call {
			return post(tokAdmin, "/v1/org/providers", map[string]any{"code": f.code("P"), "name": "Eastern CRC", "high_risk": false})
		},
		rows: func(t *testing.T, f *fixture, v call) []badRow {
			return []badRow{
				invalid("no name", v.without("name"), "name"),
				invalid("no code", v.without("code"), "code"),
				malformed("high_risk of the wrong type", v.with("high_risk", "yes")),
				forbidden("a practitioner does not register providers", v.as(tokN01)),
				conflict("code taken", v.with("code", "NPS"), "duplicate_code"),
			}
		},
	},
	"/v1/org/teams": {
		valid: func(t *testing.T, f *fixture) call {
			return post(tokAdmin, "/v1/org/teams", map[string]any{"code": f.code("T"), "provider": "NPS", "name": "Wakefield", "phone": "01924", "email": "w@x"})
		},
		rows: func(t *testing.T, f *fixture, v call) []badRow {
			return []badRow{
				invalid("no email", v.without("email"), "email"),
				unknownRef("unknown provider", v.with("provider", "NOPE"), "provider", "unknown_provider"),
				forbidden("a practitioner does not register teams", v.as(tokN01)),
				conflict("code taken", v.with("code", "N1"), "duplicate_code"),
			}
		},
	},
	"/v1/org/officers": {
		valid: func(t *testing.T, f *fixture) call {
			return post(tokAdmin, "/v1/org/officers", map[string]any{"code": f.code("O"), "name": "New Officer", "grade": "PSO", "team": "N2", "phone": "1", "email": "o@x"})
		},
		rows: func(t *testing.T, f *fixture, v call) []badRow {
			return []badRow{
				invalid("unknown grade", v.with("grade", "boss"), "grade"),
				unknownRef("unknown team", v.with("team", "N9"), "team", "unknown_team"),
				forbidden("a practitioner does not register officers", v.as(tokN01)),
				conflict("code taken", v.with("code", "N01"), "duplicate_code"),
			}
		},
	},
	"/v1/org/officers/{code}/move": {
		valid: func(t *testing.T, f *fixture) call {
			return post(tokAdmin, fill(t, "/v1/org/officers/{code}/move", f.officer(t)), map[string]any{"team": "N2"})
		},
		rows: func(t *testing.T, f *fixture, v call) []badRow {
			gone := f.officer(t)
			f.h.write(t, tokAdmin, "/v1/org/officers/{code}/departure", nil, gone)
			return []badRow{
				notFound("unknown officer", v.to("/v1/org/officers/N99/move"), "officer_not_found"),
				invalid("no team", v.without("team"), "team"),
				unknownRef("unknown team", v.with("team", "N9"), "team", "unknown_team"),
				forbidden("a practitioner does not move officers", v.as(tokN01)),
				conflict("the officer has left", v.to(fill(t, "/v1/org/officers/{code}/move", gone)), "officer_left"),
			}
		},
	},
	"/v1/org/officers/{code}/absences": {
		valid: func(t *testing.T, f *fixture) call {
			now := time.Now()
			return post(tokAdmin, fill(t, "/v1/org/officers/{code}/absences", f.officer(t)), map[string]any{
				"from": instant(now.Add(24 * time.Hour)), "to": instant(now.Add(240 * time.Hour)), "cover_officer": "N02"})
		},
		rows: func(t *testing.T, f *fixture, v call) []badRow {
			code := strings.Split(v.path, "/")[4]
			return []badRow{
				notFound("unknown officer", v.to("/v1/org/officers/N99/absences"), "officer_not_found"),
				invalid("ends before it starts", v.with("to", instant(time.Now())), "to"),
				invalid("no start", v.without("from"), "from"),
				invalid("covers their own absence", v.with("cover_officer", code), "cover_officer"),
				malformed("start not a time", v.with("from", "monday")),
				unknownRef("unknown cover", v.with("cover_officer", "N99"), "cover_officer", "unknown_officer"),
				forbidden("a practitioner does not record absences", v.as(tokN01)),
				conflict("absence id taken", v.with("absence_id", "abs-n02"), "duplicate_id"),
			}
		},
	},
	"/v1/org/officers/{code}/absences/{id}/cancellation": {
		valid: func(t *testing.T, f *fixture) call {
			code := f.officer(t)
			abs := f.h.write(t, tokAdmin, "/v1/org/officers/{code}/absences", map[string]any{
				"from": instant(time.Now().Add(24 * time.Hour)), "to": instant(time.Now().Add(48 * time.Hour))}, code)
			return post(tokAdmin, fill(t, "/v1/org/officers/{code}/absences/{id}/cancellation", code, abs.str("absence_id")), map[string]any{"reason": "withdrawn"})
		},
		rows: func(t *testing.T, f *fixture, v call) []badRow {
			parts := strings.Split(v.path, "/")
			code, id := parts[4], parts[6]
			cancelled := f.h.write(t, tokAdmin, "/v1/org/officers/{code}/absences", map[string]any{
				"from": instant(time.Now().Add(24 * time.Hour)), "to": instant(time.Now().Add(48 * time.Hour))}, code).str("absence_id")
			f.h.write(t, tokAdmin, "/v1/org/officers/{code}/absences/{id}/cancellation", map[string]any{"reason": "r"}, code, cancelled)
			at := func(code, id string) call {
				return v.to(fill(t, "/v1/org/officers/{code}/absences/{id}/cancellation", code, id))
			}
			return []badRow{
				notFound("unknown absence", at(code, "zz"), "absence_not_found"),
				notFound("another officer's absence", at("N01", id), ""),
				notFound("unknown officer", at("N99", id), ""),
				invalid("no reason", v.without("reason"), "reason"),
				forbidden("a practitioner does not cancel absences", v.as(tokN01)),
				conflict("already cancelled", at(code, cancelled), "absence_cancelled"),
			}
		},
	},
	"/v1/org/events/{event_id}/retraction": {
		valid: func(t *testing.T, f *fixture) call {
			p := f.h.write(t, tokAdmin, "/v1/org/providers", map[string]any{"code": f.code("P"), "name": "Typo", "high_risk": false})
			return post(tokAdmin, fill(t, "/v1/org/events/{event_id}/retraction", p.first()), map[string]any{"reason": "entered in error"})
		},
		rows: func(t *testing.T, f *fixture, v call) []badRow {
			provider := f.code("P")
			used := f.h.write(t, tokAdmin, "/v1/org/providers", map[string]any{"code": provider, "name": "Used", "high_risk": false}).first()
			f.h.write(t, tokAdmin, "/v1/org/teams", map[string]any{"code": f.code("T"), "provider": provider, "name": "T", "phone": "1", "email": "e"})
			gone := f.h.write(t, tokAdmin, "/v1/org/providers", map[string]any{"code": f.code("P"), "name": "Gone", "high_risk": false}).first()
			retraction := f.h.write(t, tokAdmin, "/v1/org/events/{event_id}/retraction", map[string]any{"reason": "r"}, gone).first()
			crn := f.h.newCRN()
			caseEvent := f.h.write(t, tokN01, "/v1/cases", map[string]any{"crn": crn,
				"person": map[string]any{"given_name": "A", "family_name": "B", "date_of_birth": "1999-09-09"}}).first()
			on := func(id string) call { return v.to(fill(t, "/v1/org/events/{event_id}/retraction", id)) }
			return []badRow{
				notFound("unknown event", on("6f0e2a47-9d1c-4c55-8a0b-52b3c6a1e9d4"), "event_not_found"),
				notFound("an event of a case", on(caseEvent), "event_not_found"),
				invalid("no reason", v.without("reason"), "reason"),
				forbidden("a practitioner does not retract org data", v.as(tokN01)),
				conflict("a team depends on it", on(used), "invalidates_history"),
				conflict("already retracted", on(gone), "already_retracted"),
				conflict("a retraction", on(retraction), "not_retractable"),
			}
		},
	},
	"/v1/org/officers/{code}/departure": {
		valid: func(t *testing.T, f *fixture) call {
			return call{path: fill(t, "/v1/org/officers/{code}/departure", f.officer(t)), token: tokAdmin, header: map[string]string{}}
		},
		rows: func(t *testing.T, f *fixture, v call) []badRow {
			owner, gone := f.officer(t), f.officer(t)
			crn := f.h.newCRN()
			f.h.write(t, tokN01, "/v1/cases", map[string]any{"crn": crn, "person": map[string]any{"given_name": "A", "family_name": "B", "date_of_birth": "1999-09-09"}})
			f.h.write(t, tokN01, "/v1/cases/{crn}/allocations", map[string]any{"provider": "NPS", "team": "N1", "officer": owner,
				"reason": "initial_allocation", "rationale": "r"}, crn)
			f.h.write(t, tokAdmin, "/v1/org/officers/{code}/departure", nil, gone)
			on := func(code string) call { return v.to(fill(t, "/v1/org/officers/{code}/departure", code)) }
			return []badRow{
				notFound("unknown officer", on("N99"), "officer_not_found"),
				malformed("a code in the body", v.with("code", "N01")),
				forbidden("a practitioner does not record departures", v.as(tokN01)),
				conflict("the officer owns a case", on(owner), "officer_owns_cases"),
				conflict("the officer has left", on(gone), "officer_left"),
			}
		},
	},
}

// TestBadInputsWriteNothing sends, to every write route, the generic bad
// inputs and the route's own, each answered with the status and problem type
// of API.md, after each of which the stream it aimed at is unchanged; then the
// accepted request the rows were made from, to show they differ from it only
// in what they name. Org routes share the org stream, so they run one by one;
// case routes each get their own case and run in parallel.
func TestBadInputsWriteNothing(t *testing.T) {
	h := newHarness(t)
	h.seedOrg(t)
	for _, route := range writeRoutes {
		spec, ok := badInputs[route.path]
		require.True(t, ok, "no table of bad inputs for %s", route.path)
		t.Run(strings.TrimPrefix(route.path, "/v1/"), func(t *testing.T) {
			var f *fixture
			if route.org() {
				f = &fixture{h: h}
			} else {
				t.Parallel()
				f = richCase(t, h)
			}
			v := spec.valid(t, f)
			require.Equal(t, route.token, v.token, "the accepted request is sent by the route's caller")
			own := spec.rows(t, f, v)
			rows := append(genericRows(t, v), own...)
			rows = append(rows, derivedRows(own, v)...)
			runRows(t, h, route, v, rows)
			t.Run("accepted", func(t *testing.T) { runValid(t, h, route, v) })
		})
	}
	require.Len(t, badInputs, len(writeRoutes), "a table for each route, and no other")
}

// TestBodyLimitIsOneMiB checks the limit is inclusive: a body of exactly
// 1 MiB is read (and refused for what it says), one byte more is 413.
func TestBodyLimitIsOneMiB(t *testing.T) {
	h := newHarness(t)
	h.seedOrg(t)
	crn := h.newCRN()
	h.openCase(t, crn)
	exactly := tooLarge()[:len(tooLarge())-len(`a"}`)] + `"}`
	require.Len(t, exactly, 1<<20)
	before := h.state(t, crn)
	requireProblem(t, h.post(t, tokN01, "/v1/cases/"+crn+"/registrations", exactly), http.StatusBadRequest, "malformed")
	requireProblem(t, h.post(t, tokN01, "/v1/cases/"+crn+"/registrations", tooLarge()), http.StatusRequestEntityTooLarge, "too-large")
	require.Equal(t, before, h.state(t, crn))
}
