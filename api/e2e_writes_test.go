package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestEveryWriteSucceeds walks one realistic case, the org around it and an
// officer's departure through every write route of API.md, checking each
// 201 (the harness checks the common shape, the first event and the created
// id of every write) and, through the events read, what the writes stored.
func TestEveryWriteSucceeds(t *testing.T) {
	h := newHarness(t)
	h.seedOrg(t)

	t.Run("org", func(t *testing.T) { writeOrg(t, h) })
	t.Run("case", func(t *testing.T) { writeCaseLife(t, h) })
	t.Run("departure", func(t *testing.T) { writeDeparture(t, h) })

	for _, r := range writeRoutes {
		require.True(t, h.covered[r.path], "no 201 from %s", r.path)
	}
}

// writeOrg exercises the org writes seedOrg does not: a generated absence
// id, an absence's cancellation, a move and a retraction.
func writeOrg(t *testing.T, h *harness) {
	now := time.Now()
	abs := h.write(t, tokAdmin, "/v1/org/officers/{code}/absences",
		map[string]any{"from": instant(now.Add(48 * time.Hour)), "to": instant(now.Add(96 * time.Hour))}, "N03")
	h.write(t, tokAdmin, "/v1/org/officers/{code}/absences/{id}/cancellation", map[string]any{"reason": "leave withdrawn"}, "N03", abs.str("absence_id"))
	h.write(t, tokAdmin, "/v1/org/officers/{code}/move", map[string]any{"team": "N1"}, "N03")
	oops := h.write(t, tokAdmin, "/v1/org/providers", map[string]any{"code": "OOPS", "name": "Entered in error", "high_risk": false})
	retraction := h.write(t, tokAdmin, "/v1/org/events/{event_id}/retraction", map[string]any{"reason": "not a provider"}, oops.first())
	require.Equal(t, []string{"entry.retracted"}, retraction.types())
	require.Greater(t, retraction.Revision, oops.Revision)
	require.Greater(t, retraction.Position, oops.Position, "positions increase")

	var org struct {
		Providers []struct {
			Code     string `json:"code"`
			HighRisk bool   `json:"high_risk"`
		} `json:"providers"`
		Officers []struct {
			Code string `json:"code"`
			Team string `json:"team"`
		} `json:"officers"`
		Absences []struct {
			AbsenceID    string `json:"absence_id"`
			Officer      string `json:"officer"`
			CoverOfficer string `json:"cover_officer"`
			Cancelled    bool   `json:"cancelled"`
		} `json:"absences"`
	}
	r := h.get(t, tokN01, "/v1/org")
	require.Equal(t, http.StatusOK, r.status)
	require.Equal(t, retraction.etag, r.header.Get("ETag"), "the org's ETag is its stream's revision")
	require.NoError(t, json.Unmarshal(r.body, &org))
	var providers []string
	for _, p := range org.Providers {
		providers = append(providers, p.Code)
		require.Equal(t, p.Code == "NPS", p.HighRisk)
	}
	require.Equal(t, []string{"CRC1", "CRC2", "NPS"}, providers, "the retracted provider is gone")
	for _, o := range org.Officers {
		if o.Code == "N03" {
			require.Equal(t, "N1", o.Team, "moved")
		}
	}
	absences := map[string]bool{}
	for _, a := range org.Absences {
		absences[a.AbsenceID] = a.Cancelled
	}
	require.Equal(t, map[string]bool{"abs-n02": false, abs.str("absence_id"): true}, absences)
}

// writeCaseLife takes one case from opening to reopening.
func writeCaseLife(t *testing.T, h *harness) {
	crn := h.newCRN()
	opened := h.write(t, tokN01, "/v1/cases", map[string]any{"crn": crn,
		"person": map[string]any{"given_name": "Lee", "family_name": "Barr", "date_of_birth": "1990-01-01", "pnc": "2001/0000000A", "noms": "A1234BC"}})
	require.Equal(t, crn, opened.CRN)
	require.Equal(t, "/v1/cases/"+crn, opened.header.Get("Location"))
	require.Equal(t, []string{"case.opened"}, opened.types())
	require.Equal(t, uint64(0), opened.Revision)

	// Ownership.
	alloc := map[string]any{"provider": "NPS", "team": "N1", "officer": "N01", "reason": "initial_allocation", "rationale": "fits caseload", "sensitive": true}
	h.write(t, tokN01, "/v1/cases/{crn}/allocations", alloc, crn)
	h.write(t, tokN01, "/v1/cases/{crn}/deallocations", map[string]any{"reason": "officer on long-term leave"}, crn)
	alloc["reason"], alloc["officer"] = "caseload_adjustment", "N01"
	h.write(t, tokN01, "/v1/cases/{crn}/allocations", alloc, crn)

	// Sentences, requirements and licence conditions.
	lic := h.write(t, tokN01, "/v1/cases/{crn}/sentences", map[string]any{"sentence_id": "lic1", "kind": "licence",
		"court": "Leeds Crown Court", "start_date": "2025-06-01", "expected_end_date": "2027-06-01"}, crn)
	require.Equal(t, "lic1", lic.str("sentence_id"))
	co := h.write(t, tokN01, "/v1/cases/{crn}/sentences", map[string]any{"kind": "community_order", "court": "Leeds MC", "start_date": "2025-07-01"}, crn)
	coID := co.str("sentence_id")
	h.write(t, tokN01, "/v1/cases/{crn}/sentences/{id}/requirements", map[string]any{"requirement_id": "req-uw",
		"category": "unpaid_work", "description": "120 hours"}, crn, coID)
	components := make([]string, 11)
	for i := range components {
		components[i] = fmt.Sprintf("rq%02d", i+1)
		h.write(t, tokN01, "/v1/cases/{crn}/sentences/{id}/requirements", map[string]any{"requirement_id": components[i],
			"category": "rehabilitation_activity", "description": "RAR day " + fmt.Sprint(i+1)}, crn, coID)
	}
	gen := h.write(t, tokN01, "/v1/cases/{crn}/sentences/{id}/requirements", map[string]any{"category": "curfew", "description": "7pm to 7am"}, crn, coID)
	h.write(t, tokN01, "/v1/cases/{crn}/requirements/{id}/termination", map[string]any{"reason": "curfew revoked by the court"}, crn, gen.str("requirement_id"))
	h.write(t, tokN01, "/v1/cases/{crn}/sentences", map[string]any{"sentence_id": "sso1", "kind": "suspended_sentence_order", "court": "Leeds MC", "start_date": "2025-08-01"}, crn)
	h.write(t, tokN01, "/v1/cases/{crn}/sentences/{id}/requirements", map[string]any{"requirement_id": "req-sso", "category": "alcohol_treatment", "description": "ATR"}, crn, "sso1")
	ended := h.write(t, tokN01, "/v1/cases/{crn}/sentences/{id}/termination", map[string]any{"reason": "activated"}, crn, "sso1")
	require.Equal(t, []string{"sentence.terminated", "requirement.terminated"}, ended.types(), "its requirements end with it")
	h.write(t, tokN01, "/v1/cases/{crn}/sentences/{id}/licence-conditions", map[string]any{"condition_id": "cond-res",
		"category": "residence", "description": "reside at the approved premises"}, crn, "lic1")
	h.write(t, tokN01, "/v1/cases/{crn}/sentences/{id}/licence-conditions", map[string]any{"condition_id": "cond-nc",
		"category": "no_contact", "description": "no contact with the victim"}, crn, "lic1")
	h.write(t, tokN01, "/v1/cases/{crn}/sentences/{id}/licence-conditions", map[string]any{"category": "exclusion_zone", "description": "not to enter LS6"}, crn, "lic1")
	h.write(t, tokN01, "/v1/cases/{crn}/licence-conditions/{id}/variation", map[string]any{"description": "reside at 1 Main St"}, crn, "cond-res")
	h.write(t, tokN01, "/v1/cases/{crn}/licence-conditions/{id}/termination", map[string]any{"reason": "varied"}, crn, "cond-nc")

	// Risk and registrations.
	risk := h.write(t, tokN01, "/v1/cases/{crn}/risk-assessments", map[string]any{"tool": "OASys", "rosh": "medium", "rsr": 3.2, "ogrs": 41}, crn)
	weap := h.write(t, tokN01, "/v1/cases/{crn}/registrations", map[string]any{"type": "WEAP", "next_review_date": "2026-12-01", "notes": "knife"}, crn)
	h.write(t, tokN01, "/v1/cases/{crn}/registrations/{id}/review", map[string]any{"next_review_date": "2027-06-01", "notes": "still applies"}, crn, weap.str("registration_id"))
	h.write(t, tokN01, "/v1/cases/{crn}/registrations", map[string]any{"registration_id": "reg-advp", "type": "ADVP"}, crn)
	h.write(t, tokN01, "/v1/cases/{crn}/registrations/{id}/deregistration", map[string]any{"reason": "no longer applies"}, crn, "reg-advp")

	// Contact and enforcement.
	soon := time.Now().Add(24 * time.Hour)
	book := func(id, sentence string, at time.Time) {
		h.write(t, tokN01, "/v1/cases/{crn}/appointments", map[string]any{"appointment_id": id, "starts_at": instant(at),
			"kind": "office", "officer": "N01", "sentence_id": sentence}, crn)
	}
	book("ap1", coID, soon)
	book("ap2", coID, soon)
	book("ap3", coID, soon)
	book("ap-lic", "lic1", soon.Add(48*time.Hour))
	generated := h.write(t, tokN01, "/v1/cases/{crn}/appointments", map[string]any{"starts_at": instant(soon), "kind": "phone", "officer": "N02"}, crn)
	require.NotEqual(t, "", generated.str("appointment_id"))
	h.write(t, tokN01, "/v1/cases/{crn}/appointments/{id}/outcome", map[string]any{"outcome": "unacceptable_absence"}, crn, "ap1")
	h.write(t, tokN01, "/v1/cases/{crn}/appointments/{id}/reschedule", map[string]any{"starts_at": instant(soon.Add(time.Hour)), "reason": "clash"}, crn, "ap2")
	h.write(t, tokN01, "/v1/cases/{crn}/appointments/{id}/outcome", map[string]any{"outcome": "attended_failed_to_comply", "notes": "left early"}, crn, "ap2")
	h.write(t, tokN01, "/v1/cases/{crn}/appointments/{id}/cancellation", map[string]any{"reason": "officer ill"}, crn, "ap3")
	h.write(t, tokN01, "/v1/cases/{crn}/warnings", map[string]any{"sentence_id": coID, "appointment_ids": []string{"ap1"}}, crn)
	h.write(t, tokN01, "/v1/cases/{crn}/breaches", map[string]any{"breach_id": "br1", "sentence_id": coID, "reason": "second failure", "appointment_ids": []string{"ap2"}}, crn)
	h.write(t, tokN01, "/v1/cases/{crn}/breaches/{id}/conclusion", map[string]any{"outcome": "proved", "sanction": "fine"}, crn, "br1")

	// Custody and recall: the recall ends the licence's conditions, rejects
	// the pending transfer of one of them and cancels the licence's future
	// appointment, all in the one write.
	h.write(t, tokN01, "/v1/cases/{crn}/custody/remand", map[string]any{"court": "Leeds MC", "reason": "new charge"}, crn)
	h.write(t, tokN01, "/v1/cases/{crn}/custody/release", map[string]any{"establishment": "HMP Leeds", "release_type": "bail"}, crn)
	condTransfer := h.write(t, tokN01, "/v1/cases/{crn}/transfers", map[string]any{"transfer_id": "tr-cond", "scope": "components",
		"components": []string{"cond-res"}, "to": map[string]any{"provider": "CRC2"}, "reason": "approved premises in Hull"}, crn)
	require.Equal(t, "tr-cond", condTransfer.str("transfer_id"))
	recall := h.write(t, tokN01, "/v1/cases/{crn}/recalls", map[string]any{"sentence_id": "lic1", "type": "fixed_term",
		"reason": "breach of licence", "decided_by": "PPCS"}, crn)
	require.Equal(t, []string{"recall.raised", "licence_condition.terminated", "licence_condition.terminated",
		"transfer.rejected", "appointment.cancelled"}, recall.types(), "the consequences are in the same write")
	evs, _, _ := h.caseEvents(t, crn)
	for _, e := range recall.Events[1:] {
		got := eventByID(t, evs, e.EventID)
		require.Equal(t, recall.first(), got.CausationID, "%s is caused by the recall", e.Type)
		d := got.data(t)
		switch e.Type {
		case "licence_condition.terminated":
			require.Equal(t, "recall", d["reason"])
			require.Equal(t, recall.first(), d["cause_event_id"])
		case "transfer.rejected":
			require.Equal(t, "tr-cond", d["transfer_id"])
			require.Equal(t, true, d["automatic"])
		case "appointment.cancelled":
			require.Equal(t, "ap-lic", d["appointment_id"])
		}
	}
	h.write(t, tokN01, "/v1/cases/{crn}/recalls/{id}/conclusion", map[string]any{"outcome": "returned_to_custody"}, crn, recall.str("recall_id"))

	// Information: received, routed, acknowledged by the caller, disclosed.
	info := h.write(t, tokN01, "/v1/cases/{crn}/information", map[string]any{
		"source":  map[string]any{"organisation": "West Yorkshire Police", "person": "DC Hale", "kind": "police"},
		"channel": "phone", "received_by": map[string]any{"officer": "N02"},
		"summary": "arrested for assault", "risk_relevant": true, "urgency": "urgent"}, crn)
	infoID := info.str("information_id")
	h.write(t, tokN01, "/v1/cases/{crn}/information/{id}/routing", map[string]any{"to": map[string]any{"officer": "N01"}, "reason": "the owner"}, crn, infoID)
	ack := h.write(t, tokN01, "/v1/cases/{crn}/information/{id}/acknowledgement", map[string]any{"action": "spoke to the police"}, crn, infoID)
	h.write(t, tokN01, "/v1/cases/{crn}/disclosures", map[string]any{"information_ids": []string{infoID},
		"recipient": map[string]any{"organisation": "Leeds Children's Services"}, "summary": "risk to children", "basis": "Children Act 2004 s11"}, crn)

	// SFO: notified by the practitioner, the review completed by the reviewer.
	sfo := h.write(t, tokN01, "/v1/cases/{crn}/sfo", map[string]any{"offence": "murder", "offence_date": "2026-01-01",
		"charged_at": instant(time.Now().Add(-time.Hour)), "category": "mandatory"}, crn)
	h.write(t, tokReviewer, "/v1/cases/{crn}/sfo/{id}/review-completion", map[string]any{"summary": "learning identified"}, crn, sfo.str("sfo_id"))

	// A correction: the risk assessment retracted and replaced in one write.
	correction := h.write(t, tokN01, "/v1/cases/{crn}/events/{event_id}/retraction", map[string]any{"reason": "wrong RoSH entered",
		"replacement": map[string]any{"type": "risk.assessed", "data": map[string]any{"assessment_id": risk.str("assessment_id"),
			"tool": "OASys", "rosh": "low", "rsr": 3.2}}}, crn, risk.first())
	require.Equal(t, []string{"entry.retracted", "risk.assessed"}, correction.types())

	// A restriction, by an admin.
	h.write(t, tokAdmin, "/v1/cases/{crn}/restrictions", map[string]any{"excluded": []string{"N03"}, "restricted_to": []string{}}, crn)

	// Transfers: 11 components in one write, accepted by CRC1; a case
	// transfer cancelled by its sender, one rejected by its receiver, one
	// accepted by the CRC1 practitioner.
	comp := h.write(t, tokN01, "/v1/cases/{crn}/transfers", map[string]any{"scope": "components", "components": components,
		"to": map[string]any{"provider": "CRC1", "team": "C1"}, "reason": "RAR delivered by CRC1"}, crn)
	require.Len(t, comp.Events, 1, "one atomic event carries every component")
	h.write(t, tokC01, "/v1/cases/{crn}/transfers/{id}/acceptance", map[string]any{"team": "C1", "officer": "C01"}, crn, comp.str("transfer_id"))
	h.write(t, tokN01, "/v1/cases/{crn}/transfers", map[string]any{"transfer_id": "tr-x", "scope": "case", "to": map[string]any{"provider": "CRC2"}, "reason": "moving"}, crn)
	h.write(t, tokN01, "/v1/cases/{crn}/transfers/{id}/cancellation", map[string]any{"reason": "not moving after all"}, crn, "tr-x")
	h.write(t, tokN01, "/v1/cases/{crn}/transfers", map[string]any{"transfer_id": "tr-r", "scope": "case", "to": map[string]any{"provider": "CRC1"}, "reason": "moving"}, crn)
	h.write(t, tokC01, "/v1/cases/{crn}/transfers/{id}/rejection", map[string]any{"reason": "no capacity"}, crn, "tr-r")
	move := h.write(t, tokN01, "/v1/cases/{crn}/transfers", map[string]any{"scope": "case", "to": map[string]any{"provider": "CRC1", "team": "C1"}, "reason": "moved to Bradford"}, crn)
	accepted := h.write(t, tokC01, "/v1/cases/{crn}/transfers/{id}/acceptance", map[string]any{"team": "C1", "officer": "C01"}, crn, move.str("transfer_id"))
	require.Equal(t, []string{"transfer.accepted"}, accepted.types(), "the acceptance itself moves ownership")

	// Closure (with its cascade) and reopening, by the new owner.
	closed := h.write(t, tokC01, "/v1/cases/{crn}/closure", map[string]any{"reason": "order completed"}, crn)
	require.Contains(t, closed.types(), "sentence.terminated", "closing ends the active sentences")
	require.Contains(t, closed.types(), "requirement.terminated")
	h.write(t, tokC01, "/v1/cases/{crn}/reopening", map[string]any{"reason": "closed in error"}, crn)

	// What was stored.
	evs, etag, ok := h.caseEvents(t, crn)
	require.True(t, ok)
	last := evs[len(evs)-1]
	require.Equal(t, "case.reopened", last.Type)
	require.Equal(t, fmt.Sprintf("%q", fmt.Sprint(last.Revision)), etag)
	for i, e := range evs {
		require.Equal(t, uint64(i), e.Revision, "revisions have no gaps")
		require.Equal(t, "case-"+crn, e.Stream)
		if i > 0 {
			require.Greater(t, e.Position, evs[i-1].Position)
			require.Equal(t, evs[i-1].Hash, e.PrevHash, "the stream is a hash chain")
		} else {
			require.Equal(t, strings.Repeat("0", 64), e.PrevHash)
		}
	}
	require.Equal(t, "N01", eventByID(t, evs, ack.first()).data(t)["by"], "acknowledged by the caller")
	opener := eventByID(t, evs, opened.first()).Actor
	require.Equal(t, "N01", opener.ID, "the actor is the caller")
	require.Equal(t, "NPS", opener.Organisation)
	retracted := eventByID(t, evs, correction.Events[0].EventID)
	require.Equal(t, risk.first(), retracted.data(t)["event_id"])
	replacement := eventByID(t, evs, correction.Events[1].EventID)
	require.Equal(t, risk.first(), replacement.Replaces, "the replacement names what it replaces")
	require.Equal(t, "low", replacement.data(t)["rosh"])
	requested := eventByID(t, evs, move.first()).data(t)
	require.Equal(t, map[string]any{"provider": "NPS", "team": "N1", "officer": "N01"}, requested["from"], "from is the owner")
	require.Len(t, eventByID(t, evs, comp.first()).data(t)["components"], 11)
	for _, e := range evs {
		if e.Type == "sfo.review_completed" {
			require.Equal(t, "REV1", e.Actor.ID)
			require.Equal(t, []string{"reviewer"}, e.Actor.Roles)
		}
	}
}

// writeDeparture checks that an officer who owns a case cannot leave (409,
// naming the case) and can once the case is reallocated.
func writeDeparture(t *testing.T, h *harness) {
	h.write(t, tokAdmin, "/v1/org/officers", map[string]any{"code": "N04", "name": "Officer N04", "grade": "PSO", "team": "N1",
		"phone": "0113 496 0004", "email": "n04@probation.example"})
	crn := h.newCRN()
	h.write(t, tokN01, "/v1/cases", map[string]any{"crn": crn, "person": map[string]any{"given_name": "Mo", "family_name": "Dean", "date_of_birth": "1985-05-05"}})
	h.write(t, tokN01, "/v1/cases/{crn}/allocations", map[string]any{"provider": "NPS", "team": "N1", "officer": "N04",
		"reason": "initial_allocation", "rationale": "new starter"}, crn)

	before := h.state(t, "org")
	p := requireProblem(t, h.post(t, tokAdmin, "/v1/org/officers/N04/departure", nil), http.StatusConflict, "conflict")
	require.Equal(t, "officer_owns_cases", p.Rule)
	require.Contains(t, p.Detail, crn, "the refusal names the case")
	require.Equal(t, before, h.state(t, "org"))

	h.write(t, tokN01, "/v1/cases/{crn}/allocations", map[string]any{"provider": "NPS", "team": "N1", "officer": "N01",
		"reason": "officer_left", "rationale": "N04 leaving"}, crn)
	left := h.write(t, tokAdmin, "/v1/org/officers/{code}/departure", nil, "N04")
	require.Equal(t, []string{"officer.left"}, left.types())

	org := jsonOf(t, h.get(t, tokAuditor, "/v1/org"))
	for _, o := range org["officers"].([]any) {
		if o := o.(map[string]any); o["code"] == "N04" {
			require.NotNil(t, o["left_at"], "N04 has left")
		}
	}
}

// TestBackDatedWriteKeepsOccurredAt checks the two clocks: a back-dated
// occurred_at is kept as given (in UTC), a small clock skew into the future is
// accepted, and recorded_at is the server's own.
func TestBackDatedWriteKeepsOccurredAt(t *testing.T) {
	h := newHarness(t)
	h.seedOrg(t)
	crn := h.newCRN()
	openedAt := time.Now().Add(-30 * 24 * time.Hour).Truncate(time.Millisecond)
	h.write(t, tokN01, "/v1/cases", map[string]any{"crn": crn, "occurred_at": instant(openedAt),
		"person": map[string]any{"given_name": "Lee", "family_name": "Barr", "date_of_birth": "1990-01-01"}})

	tenDaysAgo := time.Now().Add(-10 * 24 * time.Hour).Truncate(time.Second).UTC()
	tests := []struct {
		name       string
		occurredAt string
		want       time.Time
	}{
		{"three days ago", instant(time.Now().Add(-72 * time.Hour).Truncate(time.Millisecond)), time.Time{}},
		{"with an offset", tenDaysAgo.In(time.FixedZone("CEST", 2*3600)).Format(time.RFC3339), tenDaysAgo},
		{"a minute ahead, within the skew", instant(time.Now().Add(time.Minute).Truncate(time.Millisecond)), time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := tt.want
			if want.IsZero() {
				var err error
				want, err = time.Parse(time.RFC3339Nano, tt.occurredAt)
				require.NoError(t, err)
			}
			before := time.Now()
			w := h.write(t, tokN01, "/v1/cases/{crn}/registrations", map[string]any{"type": "RCCO", "occurred_at": tt.occurredAt}, crn)
			after := time.Now()
			recordedAt, err := time.Parse(time.RFC3339Nano, w.RecordedAt)
			require.NoError(t, err)
			require.False(t, recordedAt.Before(before.Add(-time.Second)) || recordedAt.After(after.Add(time.Second)),
				"recorded_at %s is the server's now, not occurred_at", recordedAt)

			evs, _, _ := h.caseEvents(t, crn)
			got := eventByID(t, evs, w.first())
			require.True(t, want.Equal(got.OccurredAt), "occurred_at kept: want %s, got %s", want, got.OccurredAt)
			require.True(t, strings.HasSuffix(string(mustJSON(t, got.OccurredAt)), `Z"`), "in UTC")
			require.True(t, recordedAt.Equal(got.RecordedAt))
		})
	}
}
