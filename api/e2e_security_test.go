package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

// securityCases builds, through the API, one case of each kind the
// authorisation rules tell apart, and returns their CRNs by kind.
func securityCases(t *testing.T, h *harness) map[string]string {
	t.Helper()
	crns := map[string]string{}
	// owned: NPS owns it (N01), nothing else.
	crns["owned"] = h.newCRN()
	h.openCase(t, crns["owned"])
	// pending: NPS owns it, a case transfer into CRC1 is pending.
	crns["pending"] = h.newCRN()
	h.openCase(t, crns["pending"])
	h.write(t, tokN01, "/v1/cases/{crn}/transfers", map[string]any{"transfer_id": "t1", "scope": "case",
		"to": map[string]any{"provider": "CRC1"}, "reason": "moved"}, crns["pending"])
	// restricted: NPS owns it, N02 is excluded.
	crns["restricted"] = h.newCRN()
	h.openCase(t, crns["restricted"])
	h.write(t, tokAdmin, "/v1/cases/{crn}/restrictions", map[string]any{"excluded": []string{"N02"}, "restricted_to": []string{}}, crns["restricted"])
	// sfo: NPS owns it, an SFO is notified.
	crns["sfo"] = h.newCRN()
	h.openCase(t, crns["sfo"])
	h.write(t, tokN01, "/v1/cases/{crn}/sfo", map[string]any{"sfo_id": "sfo1", "offence": "robbery", "offence_date": "2026-01-01",
		"charged_at": "2026-01-02T10:00:00Z", "category": "discretionary"}, crns["sfo"])
	return crns
}

// TestAuthorisationTable covers role × route × ownership × restriction: who
// may read and write each kind of case. A refusal is 403 with one body for
// every case, so it reveals nothing about the case.
func TestAuthorisationTable(t *testing.T) {
	h := newHarness(t)
	h.seedOrg(t)
	crns := securityCases(t, h)
	type who struct {
		name, token string
	}
	callers := []who{{"N01 (NPS owner)", tokN01}, {"N02 (NPS, excluded from restricted)", tokN02}, {"C01 (CRC1)", tokC01},
		{"C02 (CRC2)", tokC02}, {"reviewer", tokReviewer}, {"auditor", tokAuditor}, {"admin", tokAdmin}}
	// read: which (caller, case kind) may read the case summary.
	mayRead := map[string]map[string]bool{
		"owned":      {tokN01: true, tokN02: true, tokAuditor: true, tokAdmin: true},
		"pending":    {tokN01: true, tokN02: true, tokC01: true, tokAuditor: true, tokAdmin: true},
		"restricted": {tokN01: true, tokAuditor: true, tokAdmin: true},
		"sfo":        {tokN01: true, tokN02: true, tokReviewer: true, tokAuditor: true, tokAdmin: true},
	}
	reads := []string{"/v1/cases/{crn}", "/v1/cases/{crn}/ownership", "/v1/cases/{crn}/events", "/v1/cases/{crn}/timeline", "/v1/cases/{crn}/knowledge"}
	var forbidden string
	for kind, crn := range crns {
		for _, c := range callers {
			for _, route := range reads {
				t.Run(fmt.Sprintf("read %s %s by %s", route, kind, c.name), func(t *testing.T) {
					r := h.get(t, c.token, fill(t, route, crn))
					if mayRead[kind][c.token] {
						require.Equal(t, http.StatusOK, r.status, "%s", r)
						return
					}
					requireProblem(t, r, http.StatusForbidden, "forbidden")
					if forbidden == "" {
						forbidden = string(r.body)
					}
					require.Equal(t, forbidden, string(r.body), "every refusal is the same")
				})
			}
		}
	}
	// write: a risk assessment, by each caller on each kind of case.
	mayWrite := map[string]map[string]bool{
		"owned":      {tokN01: true, tokN02: true},
		"pending":    {tokN01: true, tokN02: true, tokC01: true},
		"restricted": {tokN01: true},
		"sfo":        {tokN01: true, tokN02: true},
	}
	for kind, crn := range crns {
		for _, c := range callers {
			t.Run(fmt.Sprintf("write risk on %s by %s", kind, c.name), func(t *testing.T) {
				before := h.state(t, crn)
				r := h.post(t, c.token, fill(t, "/v1/cases/{crn}/risk-assessments", crn), map[string]any{"tool": "OASys", "rosh": "medium", "rsr": 3})
				if mayWrite[kind][c.token] {
					require.Equal(t, http.StatusCreated, r.status, "%s", r)
					return
				}
				requireProblem(t, r, http.StatusForbidden, "forbidden")
				require.Equal(t, before, h.state(t, crn), "a refused write changes nothing")
			})
		}
	}
	t.Run("only the receiving provider accepts a transfer", func(t *testing.T) {
		path := fill(t, "/v1/cases/{crn}/transfers/t1/acceptance", crns["pending"])
		requireProblem(t, h.post(t, tokN01, path, map[string]any{"team": "C1", "officer": "C01"}), http.StatusForbidden, "forbidden")
		requireProblem(t, h.post(t, tokC02, path, map[string]any{"team": "C1", "officer": "C01"}), http.StatusForbidden, "forbidden")
		requireProblem(t, h.post(t, tokC01, fill(t, "/v1/cases/{crn}/transfers/t1/cancellation", crns["pending"]), map[string]any{"reason": "x"}),
			http.StatusForbidden, "forbidden")
		require.Equal(t, http.StatusCreated, h.post(t, tokC01, path, map[string]any{"team": "C1", "officer": "C01"}).status)
		requireProblem(t, h.get(t, tokN01, fill(t, "/v1/cases/{crn}", crns["pending"])), http.StatusForbidden, "forbidden")
	})
	t.Run("reviewers complete reviews of SFO cases only", func(t *testing.T) {
		body := map[string]any{"summary": "review done"}
		requireProblem(t, h.post(t, tokN01, fill(t, "/v1/cases/{crn}/sfo/sfo1/review-completion", crns["sfo"]), body), http.StatusForbidden, "forbidden")
		require.Equal(t, http.StatusCreated, h.post(t, tokReviewer, fill(t, "/v1/cases/{crn}/sfo/sfo1/review-completion", crns["sfo"]), body).status)
	})
}

// TestEveryReadIsInTheAccessLog: allowed and refused reads are logged — who,
// which view, the outcome — auditors and admins read the log, and the
// knowledge map's readers come from it.
func TestEveryReadIsInTheAccessLog(t *testing.T) {
	h := newHarness(t)
	h.seedOrg(t)
	crn := h.newCRN()
	h.openCase(t, crn)
	require.Equal(t, http.StatusOK, h.get(t, tokN01, "/v1/cases/"+crn).status)
	require.Equal(t, http.StatusOK, h.get(t, tokN02, "/v1/cases/"+crn+"/ownership").status)
	requireProblem(t, h.get(t, tokC01, "/v1/cases/"+crn), http.StatusForbidden, "forbidden")

	requireProblem(t, h.get(t, tokN01, "/v1/cases/"+crn+"/access-log"), http.StatusForbidden, "forbidden")
	r := h.get(t, tokAuditor, "/v1/cases/"+crn+"/access-log")
	require.Equal(t, http.StatusOK, r.status, "%s", r)
	var log struct {
		Entries []struct {
			Actor   struct{ ID string } `json:"actor"`
			View    string              `json:"view"`
			Outcome string              `json:"outcome"`
		} `json:"entries"`
	}
	require.NoError(t, json.Unmarshal(r.body, &log))
	var got []string
	for _, e := range log.Entries {
		got = append(got, e.Actor.ID+" "+e.View+" "+e.Outcome)
	}
	require.Equal(t, []string{"N01 caseSummary allowed", "N02 ownership allowed", "C01 caseSummary refused", "AUD1 accessLog allowed"}, got)

	k := jsonOf(t, h.get(t, tokN01, "/v1/cases/"+crn+"/knowledge"))
	var readers []string
	for _, rd := range k["readers"].([]any) {
		readers = append(readers, rd.(map[string]any)["actor"].(string))
	}
	require.Equal(t, []string{"N01", "N02", "AUD1"}, readers, "allowed reads, in order; the refused one held nothing")
}

// TestSecurityHeadersOnEveryResponse: success, refusal and unknown route alike.
func TestSecurityHeadersOnEveryResponse(t *testing.T) {
	h := newHarness(t)
	h.seedOrg(t)
	for _, r := range []response{h.get(t, tokAuditor, "/v1/org"), h.get(t, "", "/v1/org"), h.get(t, tokAuditor, "/v1/nowhere"), h.get(t, "", "/healthz")} {
		require.Equal(t, "nosniff", r.header.Get("X-Content-Type-Options"), "%s", r)
		require.Equal(t, "DENY", r.header.Get("X-Frame-Options"))
		require.Equal(t, "no-referrer", r.header.Get("Referrer-Policy"))
		require.Contains(t, r.header.Get("Content-Security-Policy"), "default-src 'none'")
		require.Equal(t, "no-store", r.header.Get("Cache-Control"))
	}
}
