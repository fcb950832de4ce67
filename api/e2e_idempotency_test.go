package api_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// keyed returns c sent with an Idempotency-Key.
func keyed(c call, key string) call { return c.withHeader("Idempotency-Key", key) }

// reformatted is the same JSON body with other whitespace and key order.
func reformatted(t *testing.T, body map[string]any) string {
	t.Helper()
	keys := make([]string, 0, len(body))
	for k := range body {
		keys = append(keys, k)
	}
	var b strings.Builder
	b.WriteString("{\n")
	for i := len(keys) - 1; i >= 0; i-- { // map order, reversed: not the first request's
		b.WriteString("  " + string(mustJSON(t, keys[i])) + " :  " + string(mustJSON(t, body[keys[i]])))
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString("\n")
	}
	b.WriteString("}\n")
	return b.String()
}

// TestIdempotentReplay sends writes of every shape (a new case, a case
// write whose id the server generates, one with consequences, an org write)
// with an Idempotency-Key, then again: the same body is answered 200 with
// the first answer and ETag and nothing is written; another body with the
// same key is 422 and nothing is written.
func TestIdempotentReplay(t *testing.T) {
	h := newHarness(t)
	h.seedOrg(t)
	f := richCase(t, h)
	tests := []struct {
		name    string
		when    call
		another map[string]any // a different body under the same key
	}{
		{"open a case", post(tokN01, "/v1/cases", map[string]any{"crn": h.newCRN(),
			"person": map[string]any{"given_name": "I", "family_name": "Dem", "date_of_birth": "1990-01-01"}}),
			map[string]any{"crn": h.newCRN(), "person": map[string]any{"given_name": "I", "family_name": "Dem", "date_of_birth": "1990-01-01"}}},
		{"a generated id", post(tokN01, f.at(t, "/v1/cases/{crn}/appointments"), map[string]any{"starts_at": instant(time.Now().Add(time.Hour)),
			"kind": "video", "officer": "N01"}), map[string]any{"starts_at": instant(time.Now().Add(2 * time.Hour)), "kind": "video", "officer": "N01"}},
		{"with consequences", post(tokN01, f.at(t, "/v1/cases/{crn}/recalls"), map[string]any{"sentence_id": "lic1", "type": "standard",
			"reason": "r", "decided_by": "PPCS"}), map[string]any{"sentence_id": "lic1", "type": "fixed_term", "reason": "r", "decided_by": "PPCS"}},
		{"org", post(tokAdmin, "/v1/org/providers", map[string]any{"code": "IDEM", "name": "Idem CRC", "high_risk": false}),
			map[string]any{"code": "IDEM2", "name": "Idem CRC", "high_risk": false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			target := targetOf(tt.when)
			first := h.do(t, keyed(tt.when, "key-"+strings.ReplaceAll(tt.name, " ", "-")))
			w := requireWritten(t, first, http.StatusCreated)
			stored := h.state(t, target)

			again := h.do(t, keyed(tt.when, "key-"+strings.ReplaceAll(tt.name, " ", "-")))
			requireWritten(t, again, http.StatusOK)
			require.JSONEq(t, string(first.body), string(again.body), "the first answer")
			require.Equal(t, string(first.body), string(again.body), "byte for byte")
			require.Equal(t, first.header.Get("ETag"), again.header.Get("ETag"))
			require.Equal(t, stored, h.state(t, target), "a replay writes nothing")

			same := h.do(t, keyed(tt.when.raw(reformatted(t, tt.when.body.(map[string]any))), "key-"+strings.ReplaceAll(tt.name, " ", "-")))
			require.Equal(t, http.StatusOK, same.status, "the same JSON, formatted otherwise: %s", same)
			require.Equal(t, string(first.body), string(same.body))

			other := h.do(t, keyed(tt.when.raw(string(mustJSON(t, tt.another))), "key-"+strings.ReplaceAll(tt.name, " ", "-")))
			p := requireProblem(t, other, http.StatusUnprocessableEntity, "validation")
			require.Contains(t, p.fields(), "Idempotency-Key")
			require.Equal(t, stored, h.state(t, target), "a reused key writes nothing")
			if tt.when.path == "/v1/cases" {
				require.False(t, h.state(t, tt.another["crn"].(string)).exists, "the other case is not opened")
			}

			if len(w.Events) > 1 {
				evs, _, _ := h.caseEvents(t, target)
				require.Len(t, evs, int(w.Revision)+1, "the consequences are stored once")
			}
		})
	}
}

// TestIdempotencyKeyScope checks that a key is scoped to (caller, method,
// path) and that failed requests are not remembered.
func TestIdempotencyKeyScope(t *testing.T) {
	h := newHarness(t)
	h.seedOrg(t)
	crn := h.newCRN()
	h.openCase(t, crn)
	body := map[string]any{"type": "WEAP"}
	path := "/v1/cases/" + crn + "/registrations"

	byN01 := requireWritten(t, h.post(t, tokN01, path, body, "Idempotency-Key", "k1"), http.StatusCreated)
	byN02 := requireWritten(t, h.post(t, tokN02, path, body, "Idempotency-Key", "k1"), http.StatusCreated)
	require.NotEqual(t, byN01.first(), byN02.first(), "another caller's key is another request")
	require.NotEqual(t, byN01.str("registration_id"), byN02.str("registration_id"))

	other := requireWritten(t, h.post(t, tokN01, "/v1/cases/"+crn+"/risk-assessments",
		map[string]any{"tool": "OASys", "rosh": "low", "rsr": 1}, "Idempotency-Key", "k1"), http.StatusCreated)
	require.Equal(t, byN02.Revision+1, other.Revision, "another path's key is another request")

	before := h.state(t, crn)
	requireProblem(t, h.post(t, tokN01, path, map[string]any{"type": "NOPE"}, "Idempotency-Key", "k2"), http.StatusUnprocessableEntity, "validation")
	require.Equal(t, before, h.state(t, crn))
	ok := requireWritten(t, h.post(t, tokN01, path, body, "Idempotency-Key", "k2"), http.StatusCreated)
	require.Equal(t, other.Revision+1, ok.Revision, "a failed request is not remembered")
	requireWritten(t, h.post(t, tokN01, path, body, "Idempotency-Key", "k2"), http.StatusOK)

	evs, _, _ := h.caseEvents(t, crn)
	require.Len(t, evs, int(ok.Revision)+1)
}

// TestIdempotentRetryAcrossRestart replays a write after the server was
// stopped and another started over the same data: 200, stored once.
func TestIdempotentRetryAcrossRestart(t *testing.T) {
	h := newHarness(t)
	h.seedOrg(t)
	crn := h.newCRN()
	h.openCase(t, crn)
	c := keyed(post(tokN01, "/v1/cases/"+crn+"/information", map[string]any{
		"source": map[string]any{"organisation": "Police", "kind": "police"}, "channel": "phone",
		"received_by": map[string]any{"officer": "N01"}, "summary": "s", "risk_relevant": true, "urgency": "urgent"}), "retry-after-restart")
	first := h.do(t, c)
	w := requireWritten(t, first, http.StatusCreated)
	stored := h.state(t, crn)

	h = h.restart(t)
	again := h.do(t, c)
	requireWritten(t, again, http.StatusOK)
	require.Equal(t, string(first.body), string(again.body))
	require.Equal(t, first.header.Get("ETag"), again.header.Get("ETag"))
	require.Equal(t, stored, h.state(t, crn), "stored once")

	evs, _, _ := h.caseEvents(t, crn)
	n := 0
	for _, e := range evs {
		if e.Type == "information.received" {
			n++
			require.Equal(t, w.str("information_id"), e.data(t)["information_id"])
		}
	}
	require.Equal(t, 1, n)
}

// TestConcurrentRetriesStoreOnce sends the same keyed request from many
// clients at once: one 201, the others 200 with the same answer, one event.
func TestConcurrentRetriesStoreOnce(t *testing.T) {
	h := newHarness(t)
	h.seedOrg(t)
	crn := h.newCRN()
	h.openCase(t, crn)
	c := keyed(post(tokN01, "/v1/cases/"+crn+"/registrations", map[string]any{"type": "RCPR"}), "same-everywhere")
	before := h.state(t, crn)

	const n = 8
	got := make([]exchange, n)
	all(n, func(i int) { got[i].r, got[i].err = h.send(c) })

	statuses := map[int]int{}
	var ids []string
	for _, x := range got {
		require.NoError(t, x.err)
		a := x.r
		statuses[a.status]++
		var w struct {
			RegistrationID string `json:"registration_id"`
			Revision       uint64 `json:"revision"`
		}
		require.NoError(t, json.Unmarshal(a.body, &w), "answer: %s", a)
		ids = append(ids, w.RegistrationID)
		require.Equal(t, uint64(before.count), w.Revision, "all name the one write")
	}
	require.Equal(t, map[int]int{http.StatusCreated: 1, http.StatusOK: n - 1}, statuses)
	for _, id := range ids {
		require.Equal(t, ids[0], id)
	}
	after := h.state(t, crn)
	require.Equal(t, before.count+1, after.count, "stored once")
}
