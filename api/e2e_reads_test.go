package api_test

import (
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestCaseEventsPaging pages through a case of 25 events.
func TestCaseEventsPaging(t *testing.T) {
	h := newHarness(t)
	h.seedOrg(t)
	crn := h.newCRN()
	h.openCase(t, crn)
	for i := 0; i < 23; i++ {
		h.write(t, tokN01, "/v1/cases/{crn}/registrations", map[string]any{"type": "WEAP"}, crn)
	}
	next := func(n uint64) *uint64 { return &n }
	tests := []struct {
		name      string
		query     string
		wantFirst uint64
		wantLen   int
		wantNext  *uint64
	}{
		{"the default", "", 0, 25, nil},
		{"the first page", "?limit=10", 0, 10, next(10)},
		{"the second page", "?from_revision=10&limit=10", 10, 10, next(20)},
		{"the last page", "?from_revision=20&limit=10", 20, 5, nil},
		{"one before the last", "?from_revision=23&limit=1", 23, 1, next(24)},
		{"the last event", "?from_revision=24&limit=1", 24, 1, nil},
		{"just past the end", "?from_revision=25", 0, 0, nil},
		{"far past the end", "?from_revision=1000&limit=1000", 0, 0, nil},
		{"the largest limit", "?limit=1000", 0, 25, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := h.get(t, tokAuditor, "/v1/cases/"+crn+"/events"+tt.query)
			require.Equal(t, http.StatusOK, r.status, "answer: %s", r)
			require.Equal(t, "application/json", r.header.Get("Content-Type"))
			require.Equal(t, `"24"`, r.header.Get("ETag"), "the case's revision, whatever the page")
			var page eventsPage
			require.NoError(t, json.Unmarshal(r.body, &page))
			require.Equal(t, crn, page.CRN)
			require.Len(t, page.Events, tt.wantLen)
			for i, e := range page.Events {
				require.Equal(t, tt.wantFirst+uint64(i), e.Revision)
				require.Equal(t, "case-"+crn, e.Stream)
				require.Equal(t, 1, e.SchemaVersion)
				require.Regexp(t, uuidPattern, e.EventID)
				require.Len(t, e.Hash, 64)
				require.NotEmpty(t, e.Data)
			}
			require.Equal(t, tt.wantNext, page.NextFromRevision)
			raw := jsonOf(t, r)
			require.Contains(t, raw, "next_from_revision", "null at the end, not left out")
		})
	}

	bad := []struct {
		name, path, token string
		status            int
		problem           string
	}{
		{"limit over 1000", "/v1/cases/" + crn + "/events?limit=1001", tokAuditor, http.StatusBadRequest, "malformed"},
		{"limit 0", "/v1/cases/" + crn + "/events?limit=0", tokAuditor, http.StatusBadRequest, "malformed"},
		{"negative limit", "/v1/cases/" + crn + "/events?limit=-1", tokAuditor, http.StatusBadRequest, "malformed"},
		{"limit not a number", "/v1/cases/" + crn + "/events?limit=ten", tokAuditor, http.StatusBadRequest, "malformed"},
		{"negative from_revision", "/v1/cases/" + crn + "/events?from_revision=-1", tokAuditor, http.StatusBadRequest, "malformed"},
		{"from_revision not a number", "/v1/cases/" + crn + "/events?from_revision=x", tokAuditor, http.StatusBadRequest, "malformed"},
		{"unknown case", "/v1/cases/Z999999/events", tokAuditor, http.StatusNotFound, "not-found"},
		{"not a CRN", "/v1/cases/nope/events", tokAuditor, http.StatusNotFound, "not-found"},
		{"no token", "/v1/cases/" + crn + "/events", "", http.StatusUnauthorized, "unauthorized"},
		{"unknown token", "/v1/cases/" + crn + "/events", "nope", http.StatusUnauthorized, "unauthorized"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			requireProblem(t, h.get(t, tt.token, tt.path), tt.status, tt.problem)
		})
	}
}

// TestCaseEventsETagServesIfMatch reads a case's ETag and writes with it.
func TestCaseEventsETagServesIfMatch(t *testing.T) {
	h := newHarness(t)
	h.seedOrg(t)
	crn := h.newCRN()
	h.openCase(t, crn)
	etag := h.get(t, tokN01, "/v1/cases/"+crn+"/events").header.Get("ETag")
	w := requireWritten(t, h.post(t, tokN01, "/v1/cases/"+crn+"/registrations", map[string]any{"type": "WEAP"}, "If-Match", etag), http.StatusCreated)
	require.Equal(t, `"1"`, etag)
	require.Equal(t, uint64(2), w.Revision)
	requireProblem(t, h.post(t, tokN01, "/v1/cases/"+crn+"/registrations", map[string]any{"type": "WEAP"}, "If-Match", etag),
		http.StatusPreconditionFailed, "precondition-failed")
}

// TestOrgRead reads the reference data seeded through the API.
func TestOrgRead(t *testing.T) {
	h := newHarness(t)
	requireProblem(t, h.get(t, "", "/v1/org"), http.StatusUnauthorized, "unauthorized")
	h.seedOrg(t)
	r := h.get(t, tokC01, "/v1/org")
	require.Equal(t, http.StatusOK, r.status)
	require.Equal(t, `"12"`, r.header.Get("ETag"), "3 providers, 4 teams, 5 officers and an absence: revision 12")
	var org struct {
		Providers []map[string]any `json:"providers"`
		Teams     []map[string]any `json:"teams"`
		Officers  []map[string]any `json:"officers"`
		Absences  []map[string]any `json:"absences"`
	}
	require.NoError(t, json.Unmarshal(r.body, &org))
	codes := func(rows []map[string]any, key string) []string {
		var out []string
		for _, row := range rows {
			out = append(out, row[key].(string))
		}
		return out
	}
	require.Equal(t, []string{"CRC1", "CRC2", "NPS"}, codes(org.Providers, "code"))
	require.Equal(t, []string{"C1", "C2", "N1", "N2"}, codes(org.Teams, "code"))
	require.Equal(t, []string{"C01", "C02", "N01", "N02", "N03"}, codes(org.Officers, "code"))
	require.Equal(t, []string{"abs-n02"}, codes(org.Absences, "absence_id"))
	require.Equal(t, "N01", org.Absences[0]["cover_officer"])
	for _, tm := range org.Teams {
		if tm["code"] == "C1" {
			require.Equal(t, "CRC1", tm["provider"])
		}
	}
}

// TestHealthAndReadiness needs no credentials.
func TestHealthAndReadiness(t *testing.T) {
	h := newHarness(t)
	for _, path := range []string{"/healthz", "/readyz"} {
		r := h.get(t, "", path)
		require.Equal(t, http.StatusOK, r.status, "%s: %s", path, r)
		require.Equal(t, "application/json", r.header.Get("Content-Type"))
		require.NotEmpty(t, jsonOf(t, r))
	}
	require.Equal(t, true, jsonOf(t, h.get(t, "", "/healthz"))["ok"])
	require.Equal(t, true, jsonOf(t, h.get(t, "", "/readyz"))["ready"])
}

var routeLabel = regexp.MustCompile(`route="([^"]*)"`)

// TestMetricsLabelRoutesByTemplate checks the Prometheus text: request
// counts by route, where a route is a template of the router and never a
// concrete path (it would carry CRNs).
func TestMetricsLabelRoutesByTemplate(t *testing.T) {
	h := newHarness(t)
	h.seedOrg(t)
	crn := h.newCRN()
	h.openCase(t, crn)
	h.get(t, tokN01, "/v1/cases/"+crn+"/events")
	h.get(t, tokN01, "/v1/cases/Z999999/events")
	h.post(t, tokN01, "/v1/cases/"+crn+"/closure", map[string]any{})
	h.get(t, tokN01, "/v1/cases/"+crn+"/no-such-view")

	res, err := h.client.Get(h.base + "/metrics")
	require.NoError(t, err)
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.True(t, strings.HasPrefix(res.Header.Get("Content-Type"), "text/plain"), res.Header.Get("Content-Type"))
	text := string(body)

	require.Contains(t, text, "# TYPE caseledger_http_requests_total counter")
	require.Regexp(t, `caseledger_http_requests_total\{method="GET",route="/v1/cases/\{crn\}/events",status="200"\} 1`, text)
	require.Regexp(t, `caseledger_http_requests_total\{method="GET",route="/v1/cases/\{crn\}/events",status="404"\} 1`, text, "an unknown case is counted under the template too")
	require.Regexp(t, `caseledger_http_requests_total\{method="POST",route="/v1/cases/\{crn\}/allocations",status="201"\} 1`, text)
	require.Regexp(t, `caseledger_http_requests_total\{method="POST",route="/v1/cases/\{crn\}/closure",status="422"\} 1`, text)
	require.NotContains(t, text, crn, "no CRN in the metrics")
	require.NotContains(t, text, "Z999999")

	templates := map[string]bool{"unmatched": true}
	for _, r := range h.api.Routes() {
		templates[r.Path] = true
	}
	labels := routeLabel.FindAllStringSubmatch(text, -1)
	require.NotEmpty(t, labels)
	for _, m := range labels {
		require.True(t, templates[m[1]], "route label %q is a template of the router", m[1])
	}
}

// TestOpenAPIDocument checks /openapi.json is an OpenAPI 3.1 document.
func TestOpenAPIDocument(t *testing.T) {
	h := newHarness(t)
	r := h.get(t, "", "/openapi.json")
	require.Equal(t, http.StatusOK, r.status)
	require.Equal(t, "application/json", r.header.Get("Content-Type"))
	require.True(t, json.Valid(r.body))
	doc := jsonOf(t, r)
	require.Equal(t, "3.1.0", doc["openapi"])
	require.NotEmpty(t, doc["info"].(map[string]any)["title"])
	require.NotEmpty(t, doc["paths"])
}

// TestStoreFailureIs503 closes the store under the running server: writes
// and reads answer 503 with Retry-After, and readiness says not ready.
func TestStoreFailureIs503(t *testing.T) {
	h := newHarness(t)
	h.seedOrg(t)
	crn := h.newCRN()
	h.openCase(t, crn)
	require.NoError(t, h.store.Close())

	for name, c := range map[string]call{
		"a case write": post(tokN01, "/v1/cases/"+crn+"/registrations", map[string]any{"type": "WEAP"}),
		"an org write": post(tokAdmin, "/v1/org/providers", map[string]any{"code": "P503", "name": "n", "high_risk": false}),
		"a case read":  {method: http.MethodGet, path: "/v1/cases/" + crn + "/events", token: tokN01},
		"the org read": {method: http.MethodGet, path: "/v1/org", token: tokN01},
	} {
		t.Run(name, func(t *testing.T) {
			r := h.do(t, c)
			requireProblem(t, r, http.StatusServiceUnavailable, "unavailable")
			require.NotEmpty(t, r.header.Get("Retry-After"))
		})
	}
	r := h.get(t, "", "/readyz")
	require.Equal(t, http.StatusServiceUnavailable, r.status)
	require.NotEmpty(t, r.header.Get("Retry-After"))
}

// TestCaseEventsReadAccess checks who may read a case's raw events: judged
// on the case's current state, as every case read of API.md is; a refusal
// is 403 with the same body for every case.
func TestCaseEventsReadAccess(t *testing.T) {
	h := newHarness(t)
	h.seedOrg(t)
	crn, other := h.newCRN(), h.newCRN()
	h.openCase(t, crn)
	h.openCase(t, other)
	read := func(t *testing.T, token, crn string) response {
		t.Helper()
		return h.get(t, token, "/v1/cases/"+crn+"/events")
	}
	refusal := func(t *testing.T, r response) string {
		t.Helper()
		requireProblem(t, r, http.StatusForbidden, "forbidden")
		return string(r.body)
	}

	tests := []struct {
		name  string
		token string
		want  int
	}{
		{"the owning provider's practitioner", tokN01, http.StatusOK},
		{"another provider's practitioner", tokC01, http.StatusForbidden},
		{"a reviewer, with no SFO notified", tokReviewer, http.StatusForbidden},
		{"the auditor", tokAuditor, http.StatusOK},
		{"the admin", tokAdmin, http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := read(t, tt.token, crn)
			require.Equal(t, tt.want, r.status, "answer: %s", r)
			if tt.want == http.StatusForbidden {
				require.Equal(t, refusal(t, r), refusal(t, read(t, tt.token, other)), "the same refusal for every case")
			}
		})
	}

	t.Run("a transfer pending into the provider", func(t *testing.T) {
		h.write(t, tokN01, "/v1/cases/{crn}/transfers", map[string]any{"scope": "case", "to": map[string]any{"provider": "CRC1"}, "reason": "r"}, crn)
		require.Equal(t, http.StatusOK, read(t, tokC01, crn).status)
	})
	t.Run("a reviewer, once an SFO is notified", func(t *testing.T) {
		h.write(t, tokN01, "/v1/cases/{crn}/sfo", map[string]any{"offence": "murder", "offence_date": "2026-01-01",
			"charged_at": instant(time.Now().Add(-time.Hour)), "category": "mandatory"}, crn)
		require.Equal(t, http.StatusOK, read(t, tokReviewer, crn).status)
	})
	t.Run("an excluded user, whatever their role, auditors excepted", func(t *testing.T) {
		h.write(t, tokAdmin, "/v1/cases/{crn}/restrictions", map[string]any{"excluded": []string{"N01"}, "restricted_to": []string{}}, crn)
		refusal(t, read(t, tokN01, crn))
		require.Equal(t, http.StatusOK, read(t, tokAuditor, crn).status)
	})
	t.Run("an unknown case is 404 before 403", func(t *testing.T) {
		requireProblem(t, read(t, tokC01, "Z999999"), http.StatusNotFound, "not-found")
	})
}

// TestMetricsCountAppendsAndTimeTheStore: /metrics shows appended events by
// stream kind and store latency.
func TestMetricsCountAppendsAndTimeTheStore(t *testing.T) {
	h := newHarness(t)
	h.seedOrg(t)
	crn := h.newCRN()
	h.openCase(t, crn)
	require.Equal(t, http.StatusOK, h.get(t, tokN01, "/v1/cases/"+crn).status)
	r := h.get(t, "", "/metrics")
	require.Equal(t, http.StatusOK, r.status)
	body := string(r.body)
	require.Contains(t, body, `caseledger_events_appended_total{stream="case"} 2`)
	require.Contains(t, body, `caseledger_events_appended_total{stream="access"} 1`)
	require.Contains(t, body, `caseledger_store_duration_seconds_count{op="append"}`)
	require.Contains(t, body, `caseledger_projection_position`)
}
