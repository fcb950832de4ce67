package api_test

import (
	"fmt"
	"maps"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/caseledger/caseledger/api"
)

// fixture is the state a route's table of bad inputs runs against: for a
// case route, a case that holds one of everything (active and ended, open
// and concluded) so every rule has something to refuse; for an org route,
// the seeded org and codes no other test uses.
type fixture struct {
	h        *harness
	crn      string            // the rich case
	ev       map[string]string // event ids of the rich case, by name
	openedAt time.Time         // when the rich case opened (back-dated)

	closedOnce, remandedOnce sync.Once
	closedCRN, remandedCRN   string
	closedOpened             string // the case.opened event of the closed case
}

// richCase builds, through the API, the case every case route's rows use.
func richCase(t *testing.T, h *harness) *fixture {
	t.Helper()
	f := &fixture{h: h, crn: h.newCRN(), ev: map[string]string{}, openedAt: time.Now().Add(-time.Hour).Truncate(time.Millisecond)}
	w := func(name, token, template string, body map[string]any, args ...string) {
		t.Helper()
		got := h.write(t, token, template, body, append([]string{f.crn}, args...)...)
		if name != "" {
			f.ev[name] = got.first()
		}
	}
	soon := instant(time.Now().Add(48 * time.Hour))
	h.write(t, tokN01, "/v1/cases", map[string]any{"crn": f.crn, "occurred_at": instant(f.openedAt),
		"person": map[string]any{"given_name": "Jo", "family_name": "Fix", "date_of_birth": "1980-02-29"}})
	f.ev["opened"] = mustFirstEvent(t, h, f.crn)
	w("", tokN01, "/v1/cases/{crn}/allocations", map[string]any{"provider": "NPS", "team": "N1", "officer": "N01", "reason": "initial_allocation", "rationale": "fits"})
	for _, s := range [][2]string{{"co1", "community_order"}, {"co-term", "community_order"}, {"lic1", "licence"}, {"lic2", "licence"}, {"lic3", "licence"}} {
		w(s[0], tokN01, "/v1/cases/{crn}/sentences", map[string]any{"sentence_id": s[0], "kind": s[1], "court": "Leeds MC", "start_date": "2025-01-01"})
	}
	w("", tokN01, "/v1/cases/{crn}/sentences/{id}/termination", map[string]any{"reason": "revoked"}, "co-term")
	for _, id := range []string{"req1", "req-term"} {
		w(id, tokN01, "/v1/cases/{crn}/sentences/{id}/requirements", map[string]any{"requirement_id": id, "category": "unpaid_work", "description": "80 hours"}, "co1")
	}
	w("", tokN01, "/v1/cases/{crn}/requirements/{id}/termination", map[string]any{"reason": "completed"}, "req-term")
	for _, id := range []string{"cond1", "cond-term"} {
		w(id, tokN01, "/v1/cases/{crn}/sentences/{id}/licence-conditions", map[string]any{"condition_id": id, "category": "curfew", "description": "9pm to 6am"}, "lic1")
	}
	w("", tokN01, "/v1/cases/{crn}/licence-conditions/{id}/termination", map[string]any{"reason": "expired"}, "cond-term")
	w("rc1", tokN01, "/v1/cases/{crn}/recalls", map[string]any{"recall_id": "rc1", "sentence_id": "lic2", "type": "standard", "reason": "r", "decided_by": "PPCS"})
	w("", tokN01, "/v1/cases/{crn}/recalls", map[string]any{"recall_id": "rc-done", "sentence_id": "lic3", "type": "standard", "reason": "r", "decided_by": "PPCS"})
	w("", tokN01, "/v1/cases/{crn}/recalls/{id}/conclusion", map[string]any{"outcome": "withdrawn"}, "rc-done")
	w("ra1", tokN01, "/v1/cases/{crn}/risk-assessments", map[string]any{"assessment_id": "ra1", "tool": "OASys", "rosh": "medium", "rsr": 2.1})
	for _, r := range [][2]string{{"reg1", "WEAP"}, {"reg-gone", "ADVP"}, {"reg-oops", "RCCO"}} {
		w(r[0], tokN01, "/v1/cases/{crn}/registrations", map[string]any{"registration_id": r[0], "type": r[1]})
	}
	w("", tokN01, "/v1/cases/{crn}/registrations/{id}/deregistration", map[string]any{"reason": "ended"}, "reg-gone")
	w("", tokN01, "/v1/cases/{crn}/events/{event_id}/retraction", map[string]any{"reason": "wrong case"}, f.ev["reg-oops"])
	for _, a := range []string{"ap-open", "ap-ua", "ap-ok"} {
		w(a, tokN01, "/v1/cases/{crn}/appointments", map[string]any{"appointment_id": a, "starts_at": soon, "kind": "office", "officer": "N01", "sentence_id": "co1"})
	}
	w("", tokN01, "/v1/cases/{crn}/appointments/{id}/outcome", map[string]any{"outcome": "unacceptable_absence"}, "ap-ua")
	w("", tokN01, "/v1/cases/{crn}/appointments/{id}/outcome", map[string]any{"outcome": "attended_complied"}, "ap-ok")
	w("", tokN01, "/v1/cases/{crn}/breaches", map[string]any{"breach_id": "br-done", "sentence_id": "co1", "reason": "r", "appointment_ids": []string{"ap-ua"}})
	w("", tokN01, "/v1/cases/{crn}/breaches/{id}/conclusion", map[string]any{"outcome": "not_proved"}, "br-done")
	w("", tokN01, "/v1/cases/{crn}/breaches", map[string]any{"breach_id": "br-open", "sentence_id": "co1", "reason": "r", "appointment_ids": []string{"ap-ua"}})
	w("", tokN01, "/v1/cases/{crn}/transfers", map[string]any{"transfer_id": "tr-pend", "scope": "components", "components": []string{"req1"},
		"to": map[string]any{"provider": "CRC1", "team": "C1"}, "reason": "unpaid work in Bradford"})
	w("", tokN01, "/v1/cases/{crn}/transfers", map[string]any{"transfer_id": "tr-done", "scope": "components", "components": []string{"cond1"},
		"to": map[string]any{"provider": "CRC1"}, "reason": "r"})
	w("", tokC01, "/v1/cases/{crn}/transfers/{id}/rejection", map[string]any{"reason": "no capacity"}, "tr-done")
	w("", tokN01, "/v1/cases/{crn}/information", map[string]any{"information_id": "inf1", "source": map[string]any{"organisation": "Police", "kind": "police"},
		"channel": "email", "received_by": map[string]any{"officer": "N01"}, "summary": "s", "risk_relevant": false, "urgency": "routine"})
	for _, id := range []string{"sfo1", "sfo-done"} {
		w("", tokN01, "/v1/cases/{crn}/sfo", map[string]any{"sfo_id": id, "offence": "rape", "offence_date": "2026-01-01",
			"charged_at": instant(time.Now().Add(-time.Minute)), "category": "mandatory"})
	}
	w("", tokReviewer, "/v1/cases/{crn}/sfo/{id}/review-completion", map[string]any{"summary": "done"}, "sfo-done")
	return f
}

// mustFirstEvent returns the id of a case's first event.
func mustFirstEvent(t testing.TB, h *harness, crn string) string {
	t.Helper()
	evs, _, ok := h.caseEvents(t, crn)
	require.True(t, ok)
	return evs[0].EventID
}

// closed returns a case that is closed, with information inf-c received
// before the closure.
func (f *fixture) closed(t *testing.T) string {
	f.closedOnce.Do(func() {
		f.closedCRN = f.h.newCRN()
		f.h.openCase(t, f.closedCRN)
		f.closedOpened = mustFirstEvent(t, f.h, f.closedCRN)
		f.h.write(t, tokN01, "/v1/cases/{crn}/information", map[string]any{"information_id": "inf-c",
			"source": map[string]any{"organisation": "Housing", "kind": "housing"}, "channel": "letter",
			"received_by": map[string]any{"reception": true}, "summary": "s", "risk_relevant": false, "urgency": "routine"}, f.closedCRN)
		f.h.write(t, tokN01, "/v1/cases/{crn}/closure", map[string]any{"reason": "order ended"}, f.closedCRN)
	})
	return f.closedCRN
}

// remanded returns a case, never allocated, whose person is remanded.
func (f *fixture) remanded(t *testing.T) string {
	f.remandedOnce.Do(func() {
		f.remandedCRN = f.h.newCRN()
		f.h.write(t, tokN01, "/v1/cases", map[string]any{"crn": f.remandedCRN,
			"person": map[string]any{"given_name": "Al", "family_name": "Rem", "date_of_birth": "1970-01-01"}})
		f.h.write(t, tokN01, "/v1/cases/{crn}/custody/remand", map[string]any{"court": "Leeds MC", "reason": "new charge"}, f.remandedCRN)
	})
	return f.remandedCRN
}

// at is a path of the rich case.
func (f *fixture) at(t testing.TB, template string, args ...string) string {
	t.Helper()
	return fill(t, template, append([]string{f.crn}, args...)...)
}

// code returns a code for org data no other test uses.
func (f *fixture) code(prefix string) string {
	return fmt.Sprintf("%s%d", prefix, f.h.crns.Add(1))
}

// officer registers an officer in N1 and returns their code.
func (f *fixture) officer(t testing.TB) string {
	t.Helper()
	code := f.code("Z")
	f.h.write(t, tokAdmin, "/v1/org/officers", map[string]any{"code": code, "name": "Officer " + code, "grade": "PO", "team": "N1",
		"phone": "0113 496 0009", "email": "z@probation.example"})
	return code
}

// with returns a copy of c whose JSON body has key set to v.
func (c call) with(key string, v any) call {
	c = c.clone()
	m, _ := c.body.(map[string]any)
	if m == nil {
		m = map[string]any{}
	}
	m[key] = v
	c.body = m
	return c
}

// without returns a copy of c whose JSON body lacks key.
func (c call) without(key string) call {
	c = c.clone()
	if m, ok := c.body.(map[string]any); ok {
		delete(m, key)
	}
	return c
}

// raw returns a copy of c that sends body as is.
func (c call) raw(body string) call {
	c = c.clone()
	c.body = body
	return c
}

// withHeader returns a copy of c with a header set ("" removes it).
func (c call) withHeader(name, value string) call {
	c = c.clone()
	c.header[name] = value
	return c
}

// as returns a copy of c sent with another token ("" for none).
func (c call) as(token string) call {
	c = c.clone()
	c.token = token
	return c
}

// to returns a copy of c sent to another path.
func (c call) to(path string) call {
	c = c.clone()
	c.path = path
	return c
}

// inChunks returns a copy of c whose body is sent without a length.
func (c call) inChunks() call {
	c = c.clone()
	c.chunked = true
	return c
}

func (c call) clone() call {
	c.header = maps.Clone(c.header)
	if c.header == nil {
		c.header = map[string]string{}
	}
	if m, ok := c.body.(map[string]any); ok {
		c.body = maps.Clone(m)
	}
	return c
}

// withCRN returns a copy of c sent to another case on the same route.
func (c call) withCRN(crn string) call {
	parts := strings.Split(c.path, "/")
	parts[3] = crn // "", "v1", "cases", crn, ...
	return c.to(strings.Join(parts, "/"))
}

// jsonText is the body of c as sent.
func (c call) jsonText(t testing.TB) string {
	t.Helper()
	if s, ok := c.body.(string); ok {
		return s
	}
	if c.body == nil {
		return "{}"
	}
	return string(mustJSON(t, c.body))
}

// badRow is one bad request and the refusal it must get.
type badRow struct {
	name    string
	call    call
	status  int
	problem string // the problem name of API.md
	field   string // a field the problem's errors must name, if any
	rule    string // the domain rule the problem must name, if any
	target  string // the stream that must not change: a CRN or "org" ("" for the route's own)
}

func malformed(name string, c call) badRow {
	return badRow{name: name, call: c, status: http.StatusBadRequest, problem: "malformed"}
}

func invalid(name string, c call, field string) badRow {
	return badRow{name: name, call: c, status: http.StatusUnprocessableEntity, problem: "validation", field: field}
}

func unknownRef(name string, c call, field, rule string) badRow {
	return badRow{name: name, call: c, status: http.StatusUnprocessableEntity, problem: "validation", field: field, rule: rule}
}

func notFound(name string, c call, rule string) badRow {
	return badRow{name: name, call: c, status: http.StatusNotFound, problem: "not-found", rule: rule}
}

func forbidden(name string, c call) badRow {
	return badRow{name: name, call: c, status: http.StatusForbidden, problem: "forbidden"}
}

func conflict(name string, c call, rule string) badRow {
	return badRow{name: name, call: c, status: http.StatusConflict, problem: "conflict", rule: rule}
}

// on returns a copy of row whose unchanged stream is target.
func (r badRow) on(target string) badRow {
	r.target = target
	return r
}

// tooLarge is a JSON body one byte over the limit.
var tooLarge = sync.OnceValue(func() string {
	const head, tail = `{"reason":"`, `"}`
	return head + strings.Repeat("a", api.MaxBody+1-len(head)-len(tail)) + tail
})

// genericRows are the bad inputs every write route refuses the same way,
// made from a request v that the route accepts.
func genericRows(t testing.TB, v call) []badRow {
	t.Helper()
	future := instant(time.Now().Add(time.Hour))
	const stale = `"0"`
	rows := []badRow{
		malformed("not JSON", v.raw(`{"reason": `)),
		malformed("not an object", v.raw(`["reason"]`)),
		malformed("null", v.raw(`null`)),
		malformed("unknown field", v.with("bogus", true)),
		malformed("actor in the body", v.with("actor", map[string]any{"id": "N02"})),
		malformed("recorded_at in the body", v.with("recorded_at", instant(time.Now()))),
		malformed("trailing data", v.raw(v.jsonText(t)+` {}`)),
		malformed("trailing garbage", v.raw(v.jsonText(t)+`x`)),
		malformed("occurred_at of the wrong type", v.with("occurred_at", 12)),
		malformed("occurred_at not RFC 3339", v.with("occurred_at", "yesterday")),
		malformed("If-Match not a revision", v.withHeader("If-Match", `"seven"`)),
		malformed("Idempotency-Key too long", v.withHeader("Idempotency-Key", strings.Repeat("k", 129))),
		malformed("Idempotency-Key with a space", v.withHeader("Idempotency-Key", "a b")),
		{name: "text/plain", call: v.withHeader("Content-Type", "text/plain"), status: http.StatusUnsupportedMediaType, problem: "unsupported-media-type"},
		{name: "form", call: v.withHeader("Content-Type", "application/x-www-form-urlencoded"), status: http.StatusUnsupportedMediaType, problem: "unsupported-media-type"},
		{name: "no Content-Type", call: v.raw(v.jsonText(t)).withHeader("Content-Type", ""), status: http.StatusUnsupportedMediaType, problem: "unsupported-media-type"},
		{name: "no Content-Type, chunked", call: v.raw(v.jsonText(t)).withHeader("Content-Type", "").inChunks(), status: http.StatusUnsupportedMediaType, problem: "unsupported-media-type"},
		{name: "over 1 MiB", call: v.raw(tooLarge()), status: http.StatusRequestEntityTooLarge, problem: "too-large"},
		{name: "over 1 MiB, chunked", call: v.raw(tooLarge()).inChunks(), status: http.StatusRequestEntityTooLarge, problem: "too-large"},
		{name: "no token", call: v.as(""), status: http.StatusUnauthorized, problem: "unauthorized"},
		{name: "unknown token", call: v.as("not-a-token"), status: http.StatusUnauthorized, problem: "unauthorized"},
		{name: "basic credentials", call: v.as("").withHeader("Authorization", "Basic bjAxOnB3"), status: http.StatusUnauthorized, problem: "unauthorized"},
		forbidden("the auditor writes nothing", v.as(tokAuditor)),
		{name: "occurred_at in the future", call: v.with("occurred_at", future), status: http.StatusUnprocessableEntity,
			problem: "validation", field: "occurred_at", rule: "future_occurred_at"},
		{name: "stale If-Match", call: v.withHeader("If-Match", stale), status: http.StatusPreconditionFailed, problem: "precondition-failed"},
		// The order of the checks: 401, 415, 413, 400, 404, 403, 422, 412, 409.
		{name: "401 before 415", call: v.as("").withHeader("Content-Type", "text/plain"), status: http.StatusUnauthorized, problem: "unauthorized"},
		{name: "415 before 413", call: v.raw(tooLarge()).withHeader("Content-Type", "text/plain"), status: http.StatusUnsupportedMediaType, problem: "unsupported-media-type"},
		{name: "413 before 400", call: v.raw("[" + tooLarge()), status: http.StatusRequestEntityTooLarge, problem: "too-large"},
		forbidden("403 before 422", v.as(tokAuditor).with("occurred_at", future)),
		{name: "422 before 412", call: v.with("occurred_at", future).withHeader("If-Match", stale), status: http.StatusUnprocessableEntity,
			problem: "validation", field: "occurred_at"},
	}
	if strings.HasPrefix(v.path, "/v1/cases/") {
		unknown := v.withCRN("Z999999")
		rows = append(rows,
			notFound("unknown case", unknown, "").on("Z999999"),
			notFound("not a CRN", v.withCRN("z12"), ""),
			malformed("400 before 404", unknown.raw(`{`)).on("Z999999"),
			notFound("404 before 403", unknown.as(tokAuditor), "").on("Z999999"),
		)
	}
	return rows
}

// derivedRows checks the order of the checks on a route's own rows: a
// conflict with a stale If-Match is 412, and an unknown id in the path is 404
// even for a caller whose role may not write.
func derivedRows(rows []badRow, v call) []badRow {
	var out []badRow
	for _, r := range rows {
		switch {
		case r.status == http.StatusConflict:
			out = append(out, badRow{name: "412 before 409: " + r.name, call: r.call.withHeader("If-Match", `"0"`),
				status: http.StatusPreconditionFailed, problem: "precondition-failed", target: r.target})
		case r.status == http.StatusNotFound && r.call.path != v.path:
			d := r
			d.name, d.call = "404 before 403: "+r.name, r.call.as(tokAuditor)
			out = append(out, d)
		}
	}
	return out
}

// targetOf names the stream a request writes to.
func targetOf(c call) string {
	switch {
	case strings.HasPrefix(c.path, "/v1/org/"):
		return "org"
	case c.path == "/v1/cases":
		m, _ := c.body.(map[string]any)
		crn, _ := m["crn"].(string)
		return crn
	}
	return strings.Split(c.path, "/")[3]
}

// runRows sends each row and checks its refusal, and that the stream it
// aimed at did not change.
func runRows(t *testing.T, h *harness, route writeRoute, v call, rows []badRow) {
	t.Helper()
	defaultTarget := targetOf(v)
	// Only this test writes the streams it aims at, so the state after one
	// row is the state before the next one aimed at the same stream.
	known := map[string]streamState{}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			target := row.target
			if target == "" {
				target = targetOf(row.call)
				if target == "" {
					target = defaultTarget
				}
			}
			before, ok := known[target]
			if !ok {
				before = h.state(t, target)
			}
			delete(known, target) // read again if this row fails
			r := h.do(t, row.call)
			p := requireProblem(t, r, row.status, row.problem)
			if row.status == http.StatusUnprocessableEntity {
				require.NotEmpty(t, p.Errors, "422 lists each field")
			}
			if row.field != "" {
				require.Contains(t, p.fields(), row.field, "answer: %s", r)
			}
			if row.rule != "" {
				require.Equal(t, row.rule, p.Rule, "answer: %s", r)
			}
			after := h.state(t, target)
			require.Equal(t, before, after, "%s %s: a failed request writes nothing", route.path, row.name)
			known[target] = after
		})
	}
}

// runValid sends the request the rows were made from, with If-Match of the
// stream's current revision, and checks it is written: so every row above
// differs from an accepted request only in what it names.
func runValid(t *testing.T, h *harness, route writeRoute, v call) {
	t.Helper()
	target := targetOf(v)
	if route.path != "/v1/cases" {
		st := h.state(t, target)
		require.True(t, st.exists)
		v = v.withHeader("If-Match", st.etag)
	}
	r := h.do(t, v)
	w := requireWritten(t, r, http.StatusCreated)
	requireRouteResult(t, route.path, v.body, w)
}
