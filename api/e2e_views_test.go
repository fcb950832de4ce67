package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/caseledger/caseledger/api"
)

// tokC02 is a practitioner of CRC2, a provider that none of the cases of the
// read tests involves unless a test says so: the "unrelated provider".
const tokC02 = "e2e-c02-token"

// The harness's identities hold no CRC2 practitioner; the read tests add one
// (harmless to every other test: one more token in the tokens file).
func init() {
	identities[tokC02] = api.TokenEntry{ID: "C02", Name: "Cal Doe", Organisation: "CRC2", Roles: []string{api.RolePractitioner}}
}

// day is the findings' day of 24 hours.
const day = 24 * time.Hour

// readJSON reads path as token, requires a 200 JSON answer and decodes it
// into v (when v is not nil).
func (h *harness) readJSON(t testing.TB, token, path string, v any) response {
	t.Helper()
	r := h.get(t, token, path)
	require.Equal(t, http.StatusOK, r.status, "GET %s: %s", path, r)
	require.Equal(t, "application/json", r.header.Get("Content-Type"), "GET %s", path)
	if v != nil {
		require.NoError(t, json.Unmarshal(r.body, v), "GET %s: %s", path, r.body)
	}
	return r
}

// withQuery adds name, value pairs to a path as its query string.
func withQuery(path string, kv ...string) string {
	q := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		q.Set(kv[i], kv[i+1])
	}
	if len(q) == 0 {
		return path
	}
	return path + "?" + q.Encode()
}

// requireKeys asserts that v (a decoded JSON object) has each of keys, and
// returns it as a map.
func requireKeys(t testing.TB, v any, keys ...string) map[string]any {
	t.Helper()
	m, ok := v.(map[string]any)
	require.True(t, ok, "an object: %v", v)
	for _, k := range keys {
		require.Contains(t, m, k, "field %q of %v", k, m)
	}
	return m
}

// requireCaseETag asserts a case read's ETag is the case stream's revision.
func requireCaseETag(t testing.TB, r response, revision uint64) {
	t.Helper()
	require.Equal(t, fmt.Sprintf(`"%d"`, revision), r.header.Get("ETag"), "the case's revision")
}

// recordedAt is when a write was recorded.
func recordedAt(t testing.TB, w written) time.Time {
	t.Helper()
	at, err := time.Parse(time.RFC3339Nano, w.RecordedAt)
	require.NoError(t, err)
	return at
}

// instantOf parses an instant of an answer; it must be in UTC with a Z.
func instantOf(t testing.TB, v any) time.Time {
	t.Helper()
	s, ok := v.(string)
	require.True(t, ok, "an instant: %v", v)
	require.True(t, strings.HasSuffix(s, "Z"), "UTC with Z: %s", s)
	at, err := time.Parse(time.RFC3339Nano, s)
	require.NoError(t, err)
	return at
}

// requireInstant asserts an answer's instant is want.
func requireInstant(t testing.TB, want time.Time, got any, msgAndArgs ...any) {
	t.Helper()
	g := instantOf(t, got)
	require.True(t, want.Equal(g), append([]any{"want %s, got %s", want.UTC(), g}, msgAndArgs...)...)
}

// openCaseAt opens a case as token with a back-dated occurred_at and
// allocates it at allocated to officer of team of provider; it returns
// the opening and the allocation.
func (h *harness) openCaseAt(t testing.TB, token, crn string, opened, allocated time.Time, provider, team, officer string) (written, written) {
	t.Helper()
	o := h.write(t, token, "/v1/cases", map[string]any{"crn": crn, "occurred_at": instant(opened),
		"person": map[string]any{"given_name": "Dee", "family_name": "Vue", "date_of_birth": "1988-03-04"}})
	a := h.write(t, token, "/v1/cases/{crn}/allocations", map[string]any{"provider": provider, "team": team, "officer": officer,
		"reason": "initial_allocation", "rationale": "fits caseload", "occurred_at": instant(allocated)}, crn)
	return o, a
}

// registrationIDs lists the registrations of a summary, by id, with whether
// each is active.
func registrationIDs(t testing.TB, summary map[string]any) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	for _, r := range summary["registrations"].([]any) {
		m := requireKeys(t, r, "registration_id", "type", "active")
		out[m["registration_id"].(string)] = m["active"].(bool)
	}
	return out
}

// TestCaseSummaryView reads the case summary over HTTP: its shape as API.md
// lists it, its ETag, and both clocks — a back-dated risk assessment shows
// as_of its own time but not as known before it was recorded; a retracted
// registration disappears as known after the retraction and shows as known
// before it.
func TestCaseSummaryView(t *testing.T) {
	h := newHarness(t)
	h.seedOrg(t)
	crn := h.newCRN()
	opened := time.Now().Add(-30 * day).Truncate(time.Second).UTC()
	at := func(d time.Duration) string { return instant(opened.Add(d)) }
	h.openCaseAt(t, tokN01, crn, opened, opened.Add(time.Minute), "NPS", "N1", "N01")
	w := func(template string, body map[string]any, args ...string) written {
		t.Helper()
		return h.write(t, tokN01, template, body, append([]string{crn}, args...)...)
	}
	w("/v1/cases/{crn}/sentences", map[string]any{"sentence_id": "co1", "kind": "community_order", "court": "Leeds MC", "start_date": "2025-01-01", "occurred_at": at(time.Hour)})
	w("/v1/cases/{crn}/sentences/{id}/requirements", map[string]any{"requirement_id": "req1", "category": "unpaid_work", "description": "80 hours", "occurred_at": at(2 * time.Hour)}, "co1")
	w("/v1/cases/{crn}/sentences/{id}/requirements", map[string]any{"requirement_id": "req2", "category": "curfew", "description": "7pm to 7am", "occurred_at": at(2 * time.Hour)}, "co1")
	w("/v1/cases/{crn}/requirements/{id}/termination", map[string]any{"reason": "revoked by the court", "occurred_at": at(3 * time.Hour)}, "req2")
	w("/v1/cases/{crn}/sentences", map[string]any{"sentence_id": "lic1", "kind": "licence", "court": "Leeds CC", "start_date": "2025-02-01", "occurred_at": at(time.Hour)})
	w("/v1/cases/{crn}/sentences/{id}/licence-conditions", map[string]any{"condition_id": "cond1", "category": "residence", "description": "reside at 1 Main St", "occurred_at": at(2 * time.Hour)}, "lic1")
	medium := w("/v1/cases/{crn}/risk-assessments", map[string]any{"assessment_id": "ra1", "tool": "OASys", "rosh": "medium", "rsr": 3.5, "occurred_at": at(day)})
	w("/v1/cases/{crn}/registrations", map[string]any{"registration_id": "weap", "type": "WEAP", "occurred_at": at(2 * day)})
	w("/v1/cases/{crn}/registrations", map[string]any{"registration_id": "advp", "type": "ADVP", "occurred_at": at(2 * day)})
	w("/v1/cases/{crn}/registrations/{id}/deregistration", map[string]any{"reason": "no longer applies", "occurred_at": at(4 * day)}, "advp")
	oops := w("/v1/cases/{crn}/registrations", map[string]any{"registration_id": "oops", "type": "RCCO", "occurred_at": at(3 * day)})
	beforeHigh := w("/v1/cases/{crn}/custody/remand", map[string]any{"court": "Leeds MC", "reason": "new charge", "occurred_at": at(20 * day)})
	// Recorded now, about something ten days after the opening.
	high := w("/v1/cases/{crn}/risk-assessments", map[string]any{"assessment_id": "ra2", "tool": "OASys", "rosh": "high", "rsr": 7.1, "occurred_at": at(10 * day)})
	retraction := w("/v1/cases/{crn}/events/{event_id}/retraction", map[string]any{"reason": "entered on the wrong case"}, oops.first())
	require.True(t, recordedAt(t, high).After(recordedAt(t, beforeHigh)), "each write is recorded after the one before")
	require.True(t, recordedAt(t, retraction).After(recordedAt(t, oops)))

	path := "/v1/cases/" + crn
	summary := func(t *testing.T, kv ...string) map[string]any {
		t.Helper()
		r := h.readJSON(t, tokN01, withQuery(path, kv...), nil)
		requireCaseETag(t, r, retraction.Revision)
		return jsonOf(t, r)
	}

	t.Run("shape", func(t *testing.T) {
		s := requireKeys(t, summary(t), "crn", "person", "status", "revision", "owner", "sentences", "registrations", "risk", "custody")
		require.Equal(t, crn, s["crn"])
		requireKeys(t, s["person"], "given_name", "family_name", "date_of_birth")
		require.Equal(t, "active", s["status"])
		require.EqualValues(t, retraction.Revision, s["revision"])
		owner := requireKeys(t, s["owner"], "provider", "team", "officer", "since", "reason")
		require.Equal(t, []any{"NPS", "N1", "N01", "initial_allocation"}, []any{owner["provider"], owner["team"], owner["officer"], owner["reason"]})
		requireInstant(t, opened.Add(time.Minute), owner["since"])
		require.Equal(t, "remanded", s["custody"])

		sentences := map[string]map[string]any{}
		for _, x := range s["sentences"].([]any) {
			m := requireKeys(t, x, "sentence_id", "kind", "status", "requirements", "licence_conditions")
			sentences[m["sentence_id"].(string)] = m
		}
		require.Len(t, sentences, 2)
		co := sentences["co1"]
		require.Equal(t, "active", co["status"])
		require.Empty(t, co["licence_conditions"])
		reqs := map[string]map[string]any{}
		for _, x := range co["requirements"].([]any) {
			m := requireKeys(t, x, "id", "category", "description", "status")
			reqs[m["id"].(string)] = m
		}
		require.Equal(t, "active", reqs["req1"]["status"])
		require.NotContains(t, reqs["req1"], "terminated_reason", "only a terminated component has a reason")
		require.Equal(t, "terminated", reqs["req2"]["status"])
		require.Equal(t, "revoked by the court", reqs["req2"]["terminated_reason"])
		lic := sentences["lic1"]
		require.Empty(t, lic["requirements"])
		conds := lic["licence_conditions"].([]any)
		require.Len(t, conds, 1)
		require.Equal(t, "cond1", requireKeys(t, conds[0], "id", "status")["id"])
		require.Equal(t, "active", conds[0].(map[string]any)["status"])

		require.Equal(t, map[string]bool{"weap": true, "advp": false}, registrationIDs(t, s), "deregistered is not active; retracted is gone")
		risk := requireKeys(t, s["risk"], "rosh", "rsr", "assessed_at")
		require.Equal(t, "high", risk["rosh"])
		require.EqualValues(t, 7.1, risk["rsr"])
		requireInstant(t, opened.Add(10*day), risk["assessed_at"], "the back-dated assessment is the latest by occurred_at")
	})

	t.Run("a back-dated risk assessment, as of its own time", func(t *testing.T) {
		risk := summary(t, "as_of", at(10*day))["risk"].(map[string]any)
		require.Equal(t, "high", risk["rosh"])
		requireInstant(t, opened.Add(10*day), risk["assessed_at"])

		risk = summary(t, "as_of", at(10*day-time.Second))["risk"].(map[string]any)
		require.Equal(t, "medium", risk["rosh"], "a second before it occurred")
		requireInstant(t, opened.Add(day), risk["assessed_at"])
	})

	t.Run("not as known before it was recorded", func(t *testing.T) {
		for _, asOf := range []string{at(10 * day), instant(time.Now())} {
			s := summary(t, "as_of", asOf, "known_at", beforeHigh.RecordedAt)
			require.Equal(t, "medium", s["risk"].(map[string]any)["rosh"], "as of %s", asOf)
			require.EqualValues(t, beforeHigh.Revision, s["revision"], "the revision as known then")
		}
		s := summary(t, "known_at", medium.RecordedAt, "as_of", at(25*day))
		require.Equal(t, "medium", s["risk"].(map[string]any)["rosh"])
		require.Equal(t, "community", s["custody"], "the remand was not yet recorded")
	})

	t.Run("a retraction", func(t *testing.T) {
		require.NotContains(t, registrationIDs(t, summary(t)), "oops", "gone as known after the retraction")
		before := registrationIDs(t, summary(t, "known_at", oops.RecordedAt))
		require.Equal(t, true, before["oops"], "shown as known before it")
		justBefore := recordedAt(t, retraction).Add(-time.Nanosecond)
		require.Equal(t, true, registrationIDs(t, summary(t, "known_at", instant(justBefore)))["oops"])
		require.NotContains(t, registrationIDs(t, summary(t, "known_at", retraction.RecordedAt)), "oops", "gone from the instant it is recorded")
	})

	t.Run("a closed case", func(t *testing.T) {
		other := h.newCRN()
		h.openCase(t, other)
		closure := h.write(t, tokN01, "/v1/cases/{crn}/closure", map[string]any{"reason": "order ended"}, other)
		r := h.readJSON(t, tokN01, "/v1/cases/"+other, nil)
		requireCaseETag(t, r, closure.Revision)
		s := jsonOf(t, r)
		require.Equal(t, "closed", s["status"])
		require.Nil(t, s["owner"], "closing ends ownership")
		require.Nil(t, s["risk"], "never assessed")
		require.Equal(t, "community", s["custody"])
	})
}

// TestOwnershipView reads ownership history as time slices after a case
// transfer's acceptance, at instants before and after it and as known
// before the acceptance was recorded.
func TestOwnershipView(t *testing.T) {
	h := newHarness(t)
	h.seedOrg(t)
	crn := h.newCRN()
	opened := time.Now().Add(-20 * day).Truncate(time.Second).UTC()
	_, alloc := h.openCaseAt(t, tokN01, crn, opened, opened, "NPS", "N1", "N01")
	h.write(t, tokN01, "/v1/cases/{crn}/sentences", map[string]any{"sentence_id": "co1", "kind": "community_order", "court": "Leeds MC",
		"start_date": "2025-01-01", "occurred_at": instant(opened.Add(time.Hour))}, crn)
	h.write(t, tokN01, "/v1/cases/{crn}/sentences/{id}/requirements", map[string]any{"requirement_id": "uw1", "category": "unpaid_work",
		"description": "100 hours", "occurred_at": instant(opened.Add(time.Hour))}, crn, "co1")
	h.write(t, tokN01, "/v1/cases/{crn}/transfers", map[string]any{"transfer_id": "tr-uw", "scope": "components", "components": []string{"uw1"},
		"to": map[string]any{"provider": "CRC1", "team": "C1"}, "reason": "unpaid work in Bradford", "occurred_at": instant(opened.Add(day))}, crn)
	h.write(t, tokC01, "/v1/cases/{crn}/transfers/{id}/acceptance", map[string]any{"team": "C1", "officer": "C01",
		"occurred_at": instant(opened.Add(day + time.Hour))}, crn, "tr-uw")
	requested := h.write(t, tokN01, "/v1/cases/{crn}/transfers", map[string]any{"transfer_id": "tr-case", "scope": "case",
		"to": map[string]any{"provider": "NPS", "team": "N2"}, "reason": "moved to Wakefield", "occurred_at": instant(opened.Add(2 * day))}, crn)
	accepted := h.write(t, tokN01, "/v1/cases/{crn}/transfers/{id}/acceptance", map[string]any{"team": "N2", "officer": "N03",
		"occurred_at": instant(opened.Add(5 * day))}, crn, "tr-case")

	path := "/v1/cases/" + crn + "/ownership"
	view := func(t *testing.T, kv ...string) map[string]any {
		t.Helper()
		r := h.readJSON(t, tokN01, withQuery(path, kv...), nil)
		requireCaseETag(t, r, accepted.Revision)
		return requireKeys(t, jsonOf(t, r), "current", "history", "components", "pending_transfers")
	}
	slice := func(t *testing.T, v any) map[string]any {
		t.Helper()
		return requireKeys(t, v, "from", "to", "provider", "team", "officer", "reason", "rationale", "event_id")
	}

	t.Run("after the acceptance", func(t *testing.T) {
		v := view(t)
		cur := requireKeys(t, v["current"], "provider", "team", "officer", "since", "reason")
		require.Equal(t, []any{"NPS", "N2", "N03", "transfer_in"}, []any{cur["provider"], cur["team"], cur["officer"], cur["reason"]})
		requireInstant(t, opened.Add(5*day), cur["since"])
		hist := v["history"].([]any)
		require.Len(t, hist, 2, "oldest first: the allocation's slice, then the acceptance's")
		first, second := slice(t, hist[0]), slice(t, hist[1])
		require.Equal(t, []any{"NPS", "N1", "N01", "initial_allocation", "fits caseload", alloc.first()},
			[]any{first["provider"], first["team"], first["officer"], first["reason"], first["rationale"], first["event_id"]})
		requireInstant(t, opened, first["from"])
		requireInstant(t, opened.Add(5*day), first["to"], "the first slice ends where the second begins")
		require.Equal(t, []any{"NPS", "N2", "N03", accepted.first()}, []any{second["provider"], second["team"], second["officer"], second["event_id"]})
		requireInstant(t, opened.Add(5*day), second["from"])
		require.Nil(t, second["to"], "null while current")
		require.Empty(t, v["pending_transfers"])
		comps := v["components"].([]any)
		require.Len(t, comps, 1)
		c := requireKeys(t, comps[0], "id", "kind", "provider", "team", "officer")
		require.Equal(t, map[string]any{"id": "uw1", "kind": "requirement", "provider": "CRC1", "team": "C1", "officer": "C01"}, c)
	})

	pendingView := func(t *testing.T, v map[string]any) {
		t.Helper()
		cur := v["current"].(map[string]any)
		require.Equal(t, "N01", cur["officer"])
		hist := v["history"].([]any)
		require.Len(t, hist, 1)
		require.Nil(t, slice(t, hist[0])["to"])
		pending := v["pending_transfers"].([]any)
		require.Len(t, pending, 1)
		p := requireKeys(t, pending[0], "transfer_id", "scope", "components", "from", "to", "requested_at")
		require.Equal(t, "tr-case", p["transfer_id"])
		require.Equal(t, "case", p["scope"])
		require.Equal(t, []any{}, p["components"])
		require.Equal(t, map[string]any{"provider": "NPS", "team": "N1", "officer": "N01"}, p["from"])
		require.Equal(t, "NPS", p["to"].(map[string]any)["provider"])
		require.Equal(t, "N2", p["to"].(map[string]any)["team"])
		requireInstant(t, opened.Add(2*day), p["requested_at"])
	}
	t.Run("as of an instant while the transfer was pending", func(t *testing.T) {
		pendingView(t, view(t, "as_of", instant(opened.Add(3*day))))
	})
	t.Run("as known before the acceptance was recorded", func(t *testing.T) {
		pendingView(t, view(t, "known_at", requested.RecordedAt))
	})
	t.Run("as of before the component transfer's acceptance", func(t *testing.T) {
		v := view(t, "as_of", instant(opened.Add(day+time.Minute)))
		comps := v["components"].([]any)
		require.Equal(t, "NPS", comps[0].(map[string]any)["provider"], "managed by the case's owner until accepted")
		pending := v["pending_transfers"].([]any)
		require.Len(t, pending, 1)
		require.Equal(t, []any{"uw1"}, pending[0].(map[string]any)["components"])
	})
	t.Run("before the case had an owner", func(t *testing.T) {
		v := view(t, "as_of", instant(opened.Add(-time.Second)))
		require.Nil(t, v["current"])
		require.Empty(t, v["history"])
	})
}

// TestContactView reads whom to contact: the owner; the cover while the
// owner is away with cover; the owner's team as the duty contact while the
// owner is away with none; nobody on a case with no owner.
func TestContactView(t *testing.T) {
	h := newHarness(t)
	h.seedOrg(t)
	now := time.Now().Truncate(time.Second).UTC()
	leave := h.write(t, tokAdmin, "/v1/org/officers/{code}/absences", map[string]any{"absence_id": "abs-n01",
		"from": instant(now.Add(-40 * day)), "to": instant(now.Add(-30 * day)), "occurred_at": instant(now.Add(-41 * day))}, "N01")
	require.Equal(t, "org", leave.Stream)

	byN01, byN02, nobody := h.newCRN(), h.newCRN(), h.newCRN()
	h.openCaseAt(t, tokN01, byN01, now.Add(-60*day), now.Add(-60*day), "NPS", "N1", "N01")
	h.openCaseAt(t, tokN01, byN02, now.Add(-60*day), now.Add(-60*day), "NPS", "N1", "N02")
	h.write(t, tokN01, "/v1/cases", map[string]any{"crn": nobody, "person": map[string]any{"given_name": "No", "family_name": "Owner", "date_of_birth": "1999-09-09"}})

	contact := func(t *testing.T, crn string, kv ...string) map[string]any {
		t.Helper()
		r := h.readJSON(t, tokN01, withQuery("/v1/cases/"+crn+"/contact", kv...), nil)
		require.NotEmpty(t, r.header.Get("ETag"))
		return requireKeys(t, jsonOf(t, r), "owner", "absent", "cover", "duty")
	}
	n01 := map[string]any{"officer": "N01", "name": "Officer N01", "phone": "0113 496 0001", "email": "n01@probation.example",
		"team": "N1", "team_phone": "0113 496 0000", "team_email": "n1@probation.example"}

	t.Run("the owner absent with no cover: the duty team", func(t *testing.T) {
		c := contact(t, byN01, "as_of", instant(now.Add(-35*day)))
		require.Equal(t, n01, c["owner"])
		require.Equal(t, true, c["absent"])
		require.Nil(t, c["cover"])
		require.Equal(t, map[string]any{"team": "N1", "team_phone": "0113 496 0000", "team_email": "n1@probation.example"}, c["duty"])
	})
	t.Run("the first and last instants of the absence", func(t *testing.T) {
		require.Equal(t, true, contact(t, byN01, "as_of", instant(now.Add(-40*day)))["absent"], "from is inside")
		require.Equal(t, false, contact(t, byN01, "as_of", instant(now.Add(-30*day)))["absent"], "to is outside")
	})
	t.Run("the owner at work", func(t *testing.T) {
		c := contact(t, byN01)
		require.Equal(t, n01, c["owner"])
		require.Equal(t, false, c["absent"])
		require.Nil(t, c["cover"])
		require.Nil(t, c["duty"])
	})
	t.Run("the owner absent with cover", func(t *testing.T) {
		c := contact(t, byN02)
		require.Equal(t, "N02", c["owner"].(map[string]any)["officer"])
		require.Equal(t, true, c["absent"])
		require.Equal(t, map[string]any{"officer": "N01", "name": "Officer N01", "phone": "0113 496 0001", "email": "n01@probation.example"}, c["cover"])
		require.Nil(t, c["duty"], "no duty contact when there is cover")
	})
	t.Run("overlapping absences: the one with cover wins, every time", func(t *testing.T) {
		// As the findings judge it (docs/FINDINGS.md): whatever order the
		// absences are kept in, an owner with cover is covered.
		h.write(t, tokAdmin, "/v1/org/officers/{code}/absences", map[string]any{"absence_id": "abs-a-uncovered",
			"from": instant(now.Add(-50 * day)), "to": instant(now.Add(-44 * day)), "occurred_at": instant(now.Add(-51 * day))}, "N01")
		h.write(t, tokAdmin, "/v1/org/officers/{code}/absences", map[string]any{"absence_id": "abs-b-covered",
			"from": instant(now.Add(-48 * day)), "to": instant(now.Add(-46 * day)), "cover_officer": "N02", "occurred_at": instant(now.Add(-51 * day))}, "N01")
		for i := 0; i < 20; i++ {
			c := contact(t, byN01, "as_of", instant(now.Add(-47*day)))
			require.Equal(t, true, c["absent"])
			require.NotNil(t, c["cover"], "read %d: covered by N02", i)
			require.Equal(t, "N02", c["cover"].(map[string]any)["officer"])
			require.Nil(t, c["duty"])
		}
		c := contact(t, byN01, "as_of", instant(now.Add(-45*day)))
		require.Nil(t, c["cover"], "after the covered absence, the uncovered one")
		require.Equal(t, "N1", c["duty"].(map[string]any)["team"])
	})
	t.Run("no owner", func(t *testing.T) {
		c := contact(t, nobody)
		require.Nil(t, c["owner"])
		require.Equal(t, false, c["absent"])
		require.Nil(t, c["cover"])
		require.Nil(t, c["duty"])
	})
}

// TestComplianceView reads compliance: an appointment later the same day is
// upcoming and the next appointment; non-compliance is counted since the
// latest warning or breach; open breaches; last attended — at several
// instants.
func TestComplianceView(t *testing.T) {
	h := newHarness(t)
	h.seedOrg(t)
	now := time.Now().Truncate(time.Second).UTC()
	crn := h.newCRN()
	h.openCaseAt(t, tokN01, crn, now.Add(-20*day), now.Add(-20*day), "NPS", "N1", "N01")
	h.write(t, tokN01, "/v1/cases/{crn}/sentences", map[string]any{"sentence_id": "co1", "kind": "community_order", "court": "Leeds MC",
		"start_date": "2025-01-01", "occurred_at": instant(now.Add(-20 * day))}, crn)
	past := func(id string, startsAgo time.Duration, outcome string) {
		t.Helper()
		starts := now.Add(-startsAgo)
		h.write(t, tokN01, "/v1/cases/{crn}/appointments", map[string]any{"appointment_id": id, "starts_at": instant(starts), "kind": "office",
			"officer": "N01", "sentence_id": "co1", "occurred_at": instant(starts.Add(-day))}, crn)
		h.write(t, tokN01, "/v1/cases/{crn}/appointments/{id}/outcome", map[string]any{"outcome": outcome, "occurred_at": instant(starts.Add(2 * time.Hour))}, crn, id)
	}
	past("ap1", 10*day, "unacceptable_absence")
	h.write(t, tokN01, "/v1/cases/{crn}/warnings", map[string]any{"warning_id": "w1", "sentence_id": "co1", "appointment_ids": []string{"ap1"},
		"occurred_at": instant(now.Add(-9 * day))}, crn)
	past("ap2", 5*day, "attended_complied")
	past("ap3", 3*day, "unacceptable_absence")
	past("ap4", 2*day, "attended_failed_to_comply")
	h.write(t, tokN01, "/v1/cases/{crn}/breaches", map[string]any{"breach_id": "br1", "sentence_id": "co1", "reason": "two failures",
		"appointment_ids": []string{"ap3", "ap4"}, "occurred_at": instant(now.Add(-day))}, crn)

	// A day two days ahead, in UTC: appointments at 08:00, 12:00 (cancelled),
	// 15:30, and one the week after.
	d := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC).Add(2 * day)
	future := map[string]time.Time{"early": d.Add(8 * time.Hour), "noon": d.Add(12 * time.Hour), "later": d.Add(15*time.Hour + 30*time.Minute), "week": d.Add(5*day + 10*time.Hour)}
	for _, id := range []string{"early", "noon", "later", "week"} {
		h.write(t, tokN01, "/v1/cases/{crn}/appointments", map[string]any{"appointment_id": id, "starts_at": instant(future[id]), "kind": "office",
			"officer": "N01", "sentence_id": "co1"}, crn)
	}
	last := h.write(t, tokN01, "/v1/cases/{crn}/appointments/{id}/cancellation", map[string]any{"reason": "office closed"}, crn, "noon")

	compliance := func(t *testing.T, kv ...string) map[string]any {
		t.Helper()
		r := h.readJSON(t, tokN01, withQuery("/v1/cases/"+crn+"/compliance", kv...), nil)
		requireCaseETag(t, r, last.Revision)
		return requireKeys(t, jsonOf(t, r), "upcoming", "next_appointment", "last_attended", "unacceptable_absences_since_last_enforcement", "open_breaches")
	}
	ids := func(v any) []string {
		out := []string{}
		for _, a := range v.([]any) {
			out = append(out, a.(map[string]any)["appointment_id"].(string))
		}
		return out
	}

	t.Run("later the same day is the next appointment", func(t *testing.T) {
		c := compliance(t, "as_of", instant(d.Add(9*time.Hour)))
		require.Equal(t, []string{"later", "week"}, ids(c["upcoming"]), "soonest first; earlier today and cancelled are not upcoming")
		next := requireKeys(t, c["next_appointment"], "appointment_id", "starts_at", "kind", "officer")
		require.Equal(t, "later", next["appointment_id"])
		requireInstant(t, future["later"], next["starts_at"])
	})
	t.Run("exactly at its start it is still upcoming", func(t *testing.T) {
		c := compliance(t, "as_of", instant(future["later"]))
		require.Equal(t, "later", c["next_appointment"].(map[string]any)["appointment_id"])
	})
	t.Run("that morning, the early one is next", func(t *testing.T) {
		c := compliance(t, "as_of", instant(d.Add(7*time.Hour)))
		require.Equal(t, []string{"early", "later", "week"}, ids(c["upcoming"]))
		require.Equal(t, "early", c["next_appointment"].(map[string]any)["appointment_id"])
	})
	t.Run("now: counted since the breach, which is open", func(t *testing.T) {
		c := compliance(t)
		require.Equal(t, []string{"early", "later", "week"}, ids(c["upcoming"]))
		require.EqualValues(t, 0, c["unacceptable_absences_since_last_enforcement"])
		require.Equal(t, []any{map[string]any{"breach_id": "br1", "sentence_id": "co1", "reason": "two failures"}}, c["open_breaches"])
		la := requireKeys(t, c["last_attended"], "appointment_id", "starts_at", "outcome")
		require.Equal(t, "ap4", la["appointment_id"], "a failure to comply was attended")
		require.Equal(t, "attended_failed_to_comply", la["outcome"])
	})
	t.Run("before the breach: counted since the warning", func(t *testing.T) {
		c := compliance(t, "as_of", instant(now.Add(-36*time.Hour)))
		require.EqualValues(t, 2, c["unacceptable_absences_since_last_enforcement"], "ap3 and ap4, not ap1 before the warning")
		require.Empty(t, c["open_breaches"])
		require.Empty(t, c["upcoming"], "the future appointments were booked later")
		require.Nil(t, c["next_appointment"])
	})
	t.Run("before the warning", func(t *testing.T) {
		c := compliance(t, "as_of", instant(now.Add(-9*day-time.Second)))
		require.EqualValues(t, 1, c["unacceptable_absences_since_last_enforcement"])
		require.Nil(t, c["last_attended"])
	})
}

// TestCaseReadsRefuse checks every case read's refusals: 401 without
// credentials, 404 for an unknown case and for a case not yet opened as known
// at known_at, 400 for a bad instant or format, 403 for a practitioner of an
// unrelated provider and for a reviewer on a case without an SFO — and that
// the reviewer reads every view once an SFO is notified. Every answer that
// succeeds carries the case's ETag.
func TestCaseReadsRefuse(t *testing.T) {
	h := newHarness(t)
	h.seedOrg(t)
	crn := h.newCRN()
	opened, _ := h.openCaseAt(t, tokN01, crn, time.Now().Add(-10*day), time.Now().Add(-10*day), "NPS", "N1", "N01")
	last := h.write(t, tokN01, "/v1/cases/{crn}/risk-assessments", map[string]any{"tool": "OASys", "rosh": "low", "rsr": 1.2}, crn)
	beforeOpening := instant(recordedAt(t, opened).Add(-time.Millisecond))

	type route struct {
		path string
		bad  []string // query parameters that must be RFC 3339 instants (or a format)
	}
	routes := []route{
		{"", []string{"as_of", "known_at"}},
		{"/ownership", []string{"as_of", "known_at"}},
		{"/contact", []string{"as_of", "known_at"}},
		{"/compliance", []string{"as_of", "known_at"}},
		{"/audit", []string{"known_at"}},
		{"/timeline", []string{"known_at", "from", "to", "format"}},
		{"/timeline?format=csv", []string{"known_at"}},
		{"/timeline?format=html", []string{"known_at"}},
		{"/knowledge", []string{"at", "known_at"}},
	}
	join := func(base, name, value string) string {
		sep := "?"
		if strings.Contains(base, "?") {
			sep = "&"
		}
		return base + sep + name + "=" + url.QueryEscape(value)
	}
	for _, rt := range routes {
		path := "/v1/cases/" + crn + rt.path
		t.Run(strings.TrimPrefix(rt.path, "/"), func(t *testing.T) {
			for _, tok := range []string{tokN01, tokAuditor, tokAdmin} {
				r := h.get(t, tok, path)
				require.Equal(t, http.StatusOK, r.status, "%s: %s", path, r)
				requireCaseETag(t, r, last.Revision)
			}
			requireProblem(t, h.get(t, "", path), http.StatusUnauthorized, "unauthorized")
			requireProblem(t, h.get(t, "not-a-token", path), http.StatusUnauthorized, "unauthorized")
			requireProblem(t, h.get(t, tokAuditor, strings.Replace(path, crn, "Z999999", 1)), http.StatusNotFound, "not-found")
			requireProblem(t, h.get(t, tokAuditor, strings.Replace(path, crn, "nope", 1)), http.StatusNotFound, "not-found")
			requireProblem(t, h.get(t, tokAuditor, join(path, "known_at", beforeOpening)), http.StatusNotFound, "not-found")
			require.Equal(t, http.StatusOK, h.get(t, tokAuditor, join(path, "known_at", opened.RecordedAt)).status, "known from its recording")
			for _, name := range rt.bad {
				for _, v := range []string{"yesterday", "2026-13-01T00:00:00Z", "2026-01-01"} {
					p := requireProblem(t, h.get(t, tokAuditor, join(path, name, v)), http.StatusBadRequest, "malformed")
					require.Contains(t, p.fields(), name, "%s=%s", name, v)
				}
			}
			forbidden := requireProblem(t, h.get(t, tokC02, path), http.StatusForbidden, "forbidden")
			require.Equal(t, forbidden, requireProblem(t, h.get(t, tokReviewer, path), http.StatusForbidden, "forbidden"),
				"a reviewer on a case without an SFO: the same refusal")
			requireProblem(t, h.get(t, tokC01, path), http.StatusForbidden, "forbidden")
		})
	}

	t.Run("a reviewer, once an SFO is notified", func(t *testing.T) {
		sfo := h.write(t, tokN01, "/v1/cases/{crn}/sfo", map[string]any{"offence": "robbery", "offence_date": "2026-01-01",
			"charged_at": instant(time.Now().Add(-time.Hour)), "category": "discretionary"}, crn)
		for _, rt := range routes {
			r := h.get(t, tokReviewer, "/v1/cases/"+crn+rt.path)
			require.Equal(t, http.StatusOK, r.status, "%s: %s", rt.path, r)
			requireCaseETag(t, r, sfo.Revision)
		}
		requireProblem(t, h.get(t, tokC02, "/v1/cases/"+crn), http.StatusForbidden, "forbidden")
	})
	t.Run("access is judged on the current state, whatever as_of", func(t *testing.T) {
		other := h.newCRN()
		h.openCaseAt(t, tokN01, other, time.Now().Add(-10*day), time.Now().Add(-10*day), "NPS", "N1", "N01")
		h.write(t, tokN01, "/v1/cases/{crn}/transfers", map[string]any{"transfer_id": "t1", "scope": "case", "to": map[string]any{"provider": "CRC1"},
			"reason": "moving", "occurred_at": instant(time.Now().Add(-5 * day))}, other)
		h.write(t, tokC01, "/v1/cases/{crn}/transfers/{id}/acceptance", map[string]any{"team": "C1", "officer": "C01"}, other, "t1")
		asOfThen := withQuery("/v1/cases/"+other, "as_of", instant(time.Now().Add(-7*day)))
		requireProblem(t, h.get(t, tokN01, asOfThen), http.StatusForbidden, "forbidden")
		require.Equal(t, "N01", jsonOf(t, h.readJSON(t, tokC01, asOfThen, nil))["owner"].(map[string]any)["officer"],
			"the new owner reads the case as it was when NPS owned it")
	})
}

// caseRow is one row of GET /v1/cases.
type caseRow struct {
	CRN   string `json:"crn"`
	Owner *struct {
		Provider string `json:"provider"`
		Team     string `json:"team"`
		Officer  string `json:"officer"`
	} `json:"owner"`
	RoSH  string `json:"rosh"`
	MAPPA bool   `json:"mappa"`
}

// listAll pages through GET /v1/cases with limit, following the cursor,
// and returns every row and the number of pages.
func (h *harness) listAll(t *testing.T, token, query string, limit int) ([]caseRow, int) {
	t.Helper()
	var out []caseRow
	cursor := ""
	for pages := 1; ; pages++ {
		require.Less(t, pages, 100, "the cursor moves on")
		path := fmt.Sprintf("/v1/cases?limit=%d", limit)
		if query != "" {
			path += "&" + query
		}
		if cursor != "" {
			path += "&cursor=" + url.QueryEscape(cursor)
		}
		r := h.readJSON(t, token, path, nil)
		raw := requireKeys(t, jsonOf(t, r), "cases", "next_cursor")
		var page struct {
			Cases      []caseRow `json:"cases"`
			NextCursor *string   `json:"next_cursor"`
		}
		require.NoError(t, json.Unmarshal(r.body, &page))
		require.LessOrEqual(t, len(page.Cases), limit)
		for _, c := range raw["cases"].([]any) {
			m := requireKeys(t, c, "crn", "owner", "rosh", "mappa")
			require.NotContains(t, m, "person", "no personal details")
		}
		out = append(out, page.Cases...)
		if page.NextCursor == nil {
			return out, pages
		}
		require.Len(t, page.Cases, limit, "a page with a next cursor is full")
		cursor = *page.NextCursor
	}
}

func crnsOf(rows []caseRow) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = r.CRN
	}
	return out
}

// TestListCases pages through GET /v1/cases with a cursor and filters it;
// each caller sees only the cases they may read.
func TestListCases(t *testing.T) {
	h := newHarness(t)
	h.seedOrg(t)
	var nps, byN02 []string
	for i := 0; i < 7; i++ {
		crn := h.newCRN()
		officer := "N01"
		if i%3 == 0 {
			officer = "N02"
			byN02 = append(byN02, crn)
		}
		h.openCaseAt(t, tokN01, crn, time.Now().Add(-day), time.Now().Add(-day), "NPS", "N1", officer)
		nps = append(nps, crn)
	}
	h.write(t, tokN01, "/v1/cases/{crn}/risk-assessments", map[string]any{"tool": "OASys", "rosh": "very_high", "rsr": 9}, nps[1])
	h.write(t, tokN01, "/v1/cases/{crn}/registrations", map[string]any{"type": "MAPP", "category": "M2", "level": "M1"}, nps[1])
	crc := h.newCRN()
	h.openCaseAt(t, tokC01, crc, time.Now().Add(-day), time.Now().Add(-day), "CRC1", "C1", "C01")
	unowned := h.newCRN()
	h.write(t, tokN01, "/v1/cases", map[string]any{"crn": unowned, "person": map[string]any{"given_name": "Un", "family_name": "Owned", "date_of_birth": "2000-01-01"}})
	all := append(append(append([]string{}, nps...), crc), unowned)
	sort.Strings(all)
	withUnowned := append(append([]string{}, nps...), unowned)
	sort.Strings(withUnowned)

	tests := []struct {
		name      string
		token     string
		query     string
		limit     int
		want      []string
		wantPages int
	}{
		{"N01, two at a time", tokN01, "", 2, withUnowned, 4},
		{"N01, exactly a page", tokN01, "", 8, withUnowned, 1},
		{"N01, one at a time", tokN01, "", 1, withUnowned, 8},
		{"N01, by provider", tokN01, "provider=NPS", 3, nps, 3},
		{"N01, by team", tokN01, "team=N1", 100, nps, 1},
		{"N01, by officer", tokN01, "officer=N02", 2, byN02, 2},
		{"N01, another provider's cases", tokN01, "provider=CRC1", 10, nil, 1},
		{"C01", tokC01, "", 2, []string{crc}, 1},
		{"C02 reads none", tokC02, "", 5, nil, 1},
		{"the reviewer, with no SFO anywhere", tokReviewer, "", 5, nil, 1},
		{"the auditor", tokAuditor, "", 4, all, 3},
		{"the admin, by provider and officer", tokAdmin, "provider=NPS&officer=N01", 2, []string{nps[1], nps[2], nps[4], nps[5]}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, pages := h.listAll(t, tt.token, tt.query, tt.limit)
			want := tt.want
			if want == nil {
				want = []string{}
			}
			require.Equal(t, want, append([]string{}, crnsOf(rows)...), "in CRN order, each once")
			require.Equal(t, tt.wantPages, pages)
		})
	}

	t.Run("a row", func(t *testing.T) {
		rows, _ := h.listAll(t, tokN01, "", 100)
		for _, r := range rows {
			switch r.CRN {
			case nps[1]:
				require.Equal(t, "very_high", r.RoSH)
				require.True(t, r.MAPPA)
				require.Equal(t, "N01", r.Owner.Officer)
				require.Equal(t, "N1", r.Owner.Team)
				require.Equal(t, "NPS", r.Owner.Provider)
			case unowned:
				require.Nil(t, r.Owner)
			default:
				require.False(t, r.MAPPA)
			}
		}
	})
	t.Run("the default limit and a cursor past the end", func(t *testing.T) {
		var page struct {
			Cases      []caseRow `json:"cases"`
			NextCursor *string   `json:"next_cursor"`
		}
		h.readJSON(t, tokAuditor, "/v1/cases", &page)
		require.Equal(t, all, crnsOf(page.Cases))
		require.Nil(t, page.NextCursor)
		h.readJSON(t, tokAuditor, "/v1/cases?cursor=Z999999", &page)
		require.Empty(t, page.Cases)
		h.readJSON(t, tokAuditor, "/v1/cases?cursor="+all[2]+"&limit=2", &page)
		require.Equal(t, all[3:5], crnsOf(page.Cases), "the cursor is exclusive")
	})
	t.Run("refusals", func(t *testing.T) {
		for _, q := range []string{"limit=0", "limit=1001", "limit=ten", "limit=-1"} {
			requireProblem(t, h.get(t, tokN01, "/v1/cases?"+q), http.StatusBadRequest, "malformed")
		}
		requireProblem(t, h.get(t, "", "/v1/cases"), http.StatusUnauthorized, "unauthorized")
	})
}

// TestCaseAuditTrail reads GET /v1/cases/{crn}/audit: the entries' shape,
// retractions linked both ways, paging, and as known at an instant.
func TestCaseAuditTrail(t *testing.T) {
	h := newHarness(t)
	h.seedOrg(t)
	crn := h.newCRN()
	h.openCaseAt(t, tokN01, crn, time.Now().Add(-5*day), time.Now().Add(-5*day), "NPS", "N1", "N01")
	risk := h.write(t, tokN01, "/v1/cases/{crn}/risk-assessments", map[string]any{"assessment_id": "ra1", "tool": "OASys", "rosh": "high",
		"rsr": 7, "occurred_at": instant(time.Now().Add(-3 * day))}, crn)
	correction := h.write(t, tokN01, "/v1/cases/{crn}/events/{event_id}/retraction", map[string]any{"reason": "wrong RoSH",
		"replacement": map[string]any{"type": "risk.assessed", "data": map[string]any{"assessment_id": "ra1", "tool": "OASys", "rosh": "low", "rsr": 2}}},
		crn, risk.first())
	require.Equal(t, []string{"entry.retracted", "risk.assessed"}, correction.types())
	last := h.write(t, tokN02, "/v1/cases/{crn}/registrations", map[string]any{"type": "WEAP"}, crn)

	path := "/v1/cases/" + crn + "/audit"
	type page struct {
		Entries          []map[string]any `json:"entries"`
		NextFromRevision *uint64          `json:"next_from_revision"`
	}
	read := func(t *testing.T, token string, kv ...string) page {
		t.Helper()
		var p page
		r := h.readJSON(t, token, withQuery(path, kv...), &p)
		requireCaseETag(t, r, last.Revision)
		requireKeys(t, jsonOf(t, r), "entries", "next_from_revision")
		return p
	}

	t.Run("shape and links", func(t *testing.T) {
		p := read(t, tokN01)
		require.Len(t, p.Entries, 6)
		require.Nil(t, p.NextFromRevision)
		byID := map[string]map[string]any{}
		for i, e := range p.Entries {
			requireKeys(t, e, "event_id", "revision", "type", "occurred_at", "recorded_at", "lag_seconds", "actor", "summary")
			require.EqualValues(t, i, e["revision"], "stream order")
			requireKeys(t, e["actor"], "id", "name", "organisation", "roles")
			lag := instantOf(t, e["recorded_at"]).Sub(instantOf(t, e["occurred_at"])).Seconds()
			require.InDelta(t, lag, e["lag_seconds"], 0.001)
			byID[e["event_id"].(string)] = e
		}
		retracted := byID[risk.first()]
		require.Equal(t, correction.Events[0].EventID, retracted["retracted_by"])
		require.Greater(t, retracted["lag_seconds"].(float64), (3*day - time.Minute).Seconds(), "back-dated three days")
		require.Equal(t, risk.first(), byID[correction.Events[1].EventID]["replaces"])
		require.NotContains(t, byID[last.first()], "retracted_by")
		require.NotContains(t, byID[last.first()], "replaces")
		require.Equal(t, "N02", byID[last.first()]["actor"].(map[string]any)["id"])
	})
	t.Run("paged", func(t *testing.T) {
		var got []string
		from := "0"
		for {
			p := read(t, tokAuditor, "from_revision", from, "limit", "4")
			for _, e := range p.Entries {
				got = append(got, e["event_id"].(string))
			}
			if p.NextFromRevision == nil {
				break
			}
			from = fmt.Sprint(*p.NextFromRevision)
		}
		require.Len(t, got, 6)
		require.Equal(t, last.first(), got[5])
	})
	t.Run("as known before the correction", func(t *testing.T) {
		p := read(t, tokN01, "known_at", risk.RecordedAt)
		require.Len(t, p.Entries, 3)
		require.NotContains(t, p.Entries[2], "retracted_by", "not yet retracted as known then")
	})
	t.Run("refusals", func(t *testing.T) {
		requireProblem(t, h.get(t, tokN01, path+"?limit=0"), http.StatusBadRequest, "malformed")
		requireProblem(t, h.get(t, tokN01, path+"?from_revision=x"), http.StatusBadRequest, "malformed")
	})
}

// TestPendingTransfersList lists the transfers pending into a provider: no
// team or officer filter is needed, and a filter never hides a transfer
// addressed to the provider as a whole.
func TestPendingTransfersList(t *testing.T) {
	h := newHarness(t)
	h.seedOrg(t)
	now := time.Now().Truncate(time.Second).UTC()
	var crns []string
	for i := 0; i < 4; i++ {
		crn := h.newCRN()
		h.openCaseAt(t, tokN01, crn, now.Add(-10*day), now.Add(-10*day), "NPS", "N1", "N01")
		crns = append(crns, crn)
	}
	transfer := func(crn, id string, to map[string]any, ago time.Duration) {
		t.Helper()
		h.write(t, tokN01, "/v1/cases/{crn}/transfers", map[string]any{"transfer_id": id, "scope": "case", "to": to,
			"reason": "moving", "occurred_at": instant(now.Add(-ago))}, crn)
	}
	transfer(crns[0], "t-any", map[string]any{"provider": "CRC1"}, 3*day)
	transfer(crns[1], "t-c01", map[string]any{"provider": "CRC1", "team": "C1", "officer": "C01"}, 4*day)
	transfer(crns[2], "t-crc2", map[string]any{"provider": "CRC2", "team": "C2"}, day)
	transfer(crns[3], "t-done", map[string]any{"provider": "CRC1", "team": "C1"}, 2*day)
	h.write(t, tokC01, "/v1/cases/{crn}/transfers/{id}/acceptance", map[string]any{"team": "C1", "officer": "C01"}, crns[3], "t-done")

	list := func(t *testing.T, token, provider string, kv ...string) []map[string]any {
		t.Helper()
		var out struct {
			Transfers []map[string]any `json:"transfers"`
		}
		r := h.readJSON(t, token, withQuery("/v1/providers/"+provider+"/pending-transfers", kv...), &out)
		requireKeys(t, jsonOf(t, r), "transfers")
		return out.Transfers
	}
	ids := func(ts []map[string]any) []string {
		out := []string{}
		for _, x := range ts {
			out = append(out, x["transfer_id"].(string))
		}
		return out
	}

	t.Run("no filter", func(t *testing.T) {
		ts := list(t, tokC01, "CRC1")
		require.Equal(t, []string{"t-c01", "t-any"}, ids(ts), "oldest first; the accepted one is gone")
		x := requireKeys(t, ts[0], "crn", "transfer_id", "scope", "components", "from", "to", "requested_at")
		require.Equal(t, crns[1], x["crn"])
		require.Equal(t, "case", x["scope"])
		require.Equal(t, []any{}, x["components"])
		require.Equal(t, map[string]any{"provider": "NPS", "team": "N1", "officer": "N01"}, x["from"])
		require.Equal(t, map[string]any{"provider": "CRC1", "team": "C1", "officer": "C01"}, x["to"])
		requireInstant(t, now.Add(-4*day), x["requested_at"])
	})
	filters := []struct {
		name string
		kv   []string
		want []string
	}{
		{"the team named", []string{"team", "C1"}, []string{"t-c01", "t-any"}},
		{"another team: only what names no team", []string{"team", "C9"}, []string{"t-any"}},
		{"the officer named", []string{"officer", "C01"}, []string{"t-c01", "t-any"}},
		{"another officer: only what names no officer", []string{"officer", "C99"}, []string{"t-any"}},
		{"team and officer", []string{"team", "C1", "officer", "C01"}, []string{"t-c01", "t-any"}},
	}
	for _, f := range filters {
		t.Run(f.name, func(t *testing.T) {
			require.Equal(t, f.want, ids(list(t, tokC01, "CRC1", f.kv...)))
		})
	}
	t.Run("other providers and callers", func(t *testing.T) {
		require.Equal(t, []string{"t-crc2"}, ids(list(t, tokC02, "CRC2")))
		require.Equal(t, []string{"t-c01", "t-any"}, ids(list(t, tokAuditor, "CRC1")))
		require.Equal(t, []string{}, ids(list(t, tokN01, "NPS")), "nothing pending into NPS")
		requireProblem(t, h.get(t, tokN01, "/v1/providers/CRC1/pending-transfers"), http.StatusForbidden, "forbidden")
		requireProblem(t, h.get(t, tokC02, "/v1/providers/CRC1/pending-transfers"), http.StatusForbidden, "forbidden")
		requireProblem(t, h.get(t, tokReviewer, "/v1/providers/CRC1/pending-transfers"), http.StatusForbidden, "forbidden")
		requireProblem(t, h.get(t, "", "/v1/providers/CRC1/pending-transfers"), http.StatusUnauthorized, "unauthorized")
	})
}

// TestCaseloads reads officers' and teams' caseloads as known now: counts
// by RoSH (unknown when never assessed) and of MAPPA cases; closed cases
// are not counted.
func TestCaseloads(t *testing.T) {
	h := newHarness(t)
	h.seedOrg(t)
	open := func(officer string) string {
		crn := h.newCRN()
		h.openCaseAt(t, tokN01, crn, time.Now().Add(-day), time.Now().Add(-day), "NPS", "N1", officer)
		return crn
	}
	risk := func(crn, rosh string) {
		h.write(t, tokN01, "/v1/cases/{crn}/risk-assessments", map[string]any{"tool": "OASys", "rosh": rosh, "rsr": 5}, crn)
	}
	highMAPPA, low, unassessed, closed, veryHigh, mappaOnly := open("N02"), open("N02"), open("N02"), open("N02"), open("N01"), open("N01")
	risk(highMAPPA, "medium")
	risk(highMAPPA, "high")
	h.write(t, tokN01, "/v1/cases/{crn}/registrations", map[string]any{"type": "MAPP", "category": "M1", "level": "M2"}, highMAPPA)
	risk(low, "low")
	risk(closed, "high")
	h.write(t, tokN01, "/v1/cases/{crn}/closure", map[string]any{"reason": "order ended"}, closed)
	risk(veryHigh, "very_high")
	h.write(t, tokN01, "/v1/cases/{crn}/registrations", map[string]any{"type": "MAPP", "category": "M2", "level": "M1"}, mappaOnly)

	type entry struct {
		CRN   string `json:"crn"`
		RoSH  string `json:"rosh"`
		MAPPA bool   `json:"mappa"`
	}
	caseload := func(t *testing.T, token, path string) ([]entry, int, map[string]int, int) {
		t.Helper()
		var out struct {
			Cases      []entry        `json:"cases"`
			Count      int            `json:"count"`
			ByRoSH     map[string]int `json:"by_rosh"`
			MAPPACount int            `json:"mappa_count"`
		}
		r := h.readJSON(t, token, path, &out)
		raw := requireKeys(t, jsonOf(t, r), "cases", "count", "by_rosh", "mappa_count")
		requireKeys(t, raw["by_rosh"], "low", "medium", "high", "very_high", "unknown")
		for _, c := range raw["cases"].([]any) {
			requireKeys(t, c, "crn", "rosh", "mappa")
		}
		return out.Cases, out.Count, out.ByRoSH, out.MAPPACount
	}

	t.Run("an officer", func(t *testing.T) {
		cases, count, byRoSH, mappa := caseload(t, tokN01, "/v1/officers/N02/caseload")
		require.Equal(t, []entry{{highMAPPA, "high", true}, {low, "low", false}, {unassessed, "unknown", false}}, cases)
		require.Equal(t, 3, count, "the closed case is not counted")
		require.Equal(t, map[string]int{"low": 1, "medium": 0, "high": 1, "very_high": 0, "unknown": 1}, byRoSH)
		require.Equal(t, 1, mappa)
	})
	t.Run("a team", func(t *testing.T) {
		cases, count, byRoSH, mappa := caseload(t, tokN02, "/v1/teams/N1/caseload")
		require.Len(t, cases, 5)
		require.Equal(t, 5, count)
		require.Equal(t, map[string]int{"low": 1, "medium": 0, "high": 1, "very_high": 1, "unknown": 2}, byRoSH)
		require.Equal(t, 2, mappa)
	})
	t.Run("an empty team", func(t *testing.T) {
		cases, count, byRoSH, mappa := caseload(t, tokAuditor, "/v1/teams/N2/caseload")
		require.Empty(t, cases)
		require.Zero(t, count)
		require.Equal(t, map[string]int{"low": 0, "medium": 0, "high": 0, "very_high": 0, "unknown": 0}, byRoSH)
		require.Zero(t, mappa)
	})
	t.Run("after a transfer is accepted", func(t *testing.T) {
		h.write(t, tokN01, "/v1/cases/{crn}/transfers", map[string]any{"transfer_id": "t1", "scope": "case", "to": map[string]any{"provider": "NPS", "team": "N2"}, "reason": "r"}, low)
		h.write(t, tokN01, "/v1/cases/{crn}/transfers/{id}/acceptance", map[string]any{"team": "N2", "officer": "N03"}, low, "t1")
		_, count, _, _ := caseload(t, tokN01, "/v1/officers/N02/caseload")
		require.Equal(t, 2, count)
		cases, _, _, _ := caseload(t, tokN01, "/v1/officers/N03/caseload")
		require.Equal(t, []entry{{low, "low", false}}, cases)
	})
	t.Run("refusals", func(t *testing.T) {
		requireProblem(t, h.get(t, tokC01, "/v1/officers/N02/caseload"), http.StatusForbidden, "forbidden")
		requireProblem(t, h.get(t, tokC01, "/v1/teams/N1/caseload"), http.StatusForbidden, "forbidden")
		requireProblem(t, h.get(t, tokReviewer, "/v1/teams/N1/caseload"), http.StatusForbidden, "forbidden")
		requireProblem(t, h.get(t, tokN01, "/v1/officers/ZZ9/caseload"), http.StatusNotFound, "not-found")
		requireProblem(t, h.get(t, tokN01, "/v1/teams/ZZ9/caseload"), http.StatusNotFound, "not-found")
		requireProblem(t, h.get(t, "", "/v1/teams/N1/caseload"), http.StatusUnauthorized, "unauthorized")
	})
}

// TestActorEvents reads everything an actor recorded, in a recorded_at
// window; only auditors and admins may.
func TestActorEvents(t *testing.T) {
	h := newHarness(t)
	h.seedOrg(t)
	crn := h.newCRN()
	h.openCaseAt(t, tokN01, crn, time.Now().Add(-2*day), time.Now().Add(-2*day), "NPS", "N1", "N01")
	first := h.write(t, tokN02, "/v1/cases/{crn}/registrations", map[string]any{"type": "WEAP"}, crn)
	second := h.write(t, tokN02, "/v1/cases/{crn}/risk-assessments", map[string]any{"tool": "OASys", "rosh": "low", "rsr": 1, "occurred_at": instant(time.Now().Add(-day))}, crn)
	h.write(t, tokN01, "/v1/cases/{crn}/registrations", map[string]any{"type": "ADVP"}, crn)

	type ref struct {
		Stream     string    `json:"stream"`
		Revision   uint64    `json:"revision"`
		Position   uint64    `json:"position"`
		Type       string    `json:"type"`
		RecordedAt time.Time `json:"recorded_at"`
	}
	read := func(t *testing.T, token string, kv ...string) []ref {
		t.Helper()
		var out struct {
			Actor  string `json:"actor"`
			Count  int    `json:"count"`
			Events []ref  `json:"events"`
		}
		h.readJSON(t, token, withQuery("/v1/audit/actors/N02/events", kv...), &out)
		require.Equal(t, "N02", out.Actor)
		require.Len(t, out.Events, out.Count)
		return out.Events
	}
	all := read(t, tokAuditor)
	require.Len(t, all, 2)
	require.Equal(t, ref{Stream: "case-" + crn, Revision: first.Revision, Position: first.Position, Type: "registration.added", RecordedAt: recordedAt(t, first)}, all[0])
	require.Equal(t, "risk.assessed", all[1].Type)
	require.True(t, recordedAt(t, second).Equal(all[1].RecordedAt), "by recorded_at, not the back-dated occurred_at")
	require.Len(t, read(t, tokAdmin, "from", second.RecordedAt), 1, "from is inclusive")
	require.Len(t, read(t, tokAuditor, "to", second.RecordedAt), 1, "to is exclusive")
	require.Empty(t, read(t, tokAuditor, "to", first.RecordedAt))
	require.Empty(t, func() []ref {
		var out struct {
			Events []ref `json:"events"`
		}
		h.readJSON(t, tokAuditor, "/v1/audit/actors/NOBODY/events", &out)
		return out.Events
	}())
	requireProblem(t, h.get(t, tokAuditor, "/v1/audit/actors/N02/events?from=yesterday"), http.StatusBadRequest, "malformed")
	requireProblem(t, h.get(t, tokN02, "/v1/audit/actors/N02/events"), http.StatusForbidden, "forbidden")
	requireProblem(t, h.get(t, tokReviewer, "/v1/audit/actors/N02/events"), http.StatusForbidden, "forbidden")
	requireProblem(t, h.get(t, "", "/v1/audit/actors/N02/events"), http.StatusUnauthorized, "unauthorized")
}
