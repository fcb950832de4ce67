package api

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/caseledger/caseledger/store/memory"
)

// FuzzWriteBody feeds arbitrary bodies to every write route's decoder: it
// must never panic, and what it accepts must be the route's command.
func FuzzWriteBody(f *testing.F) {
	for _, seed := range []string{`{}`, `{"reason":"x"}`, `{"occurred_at":"2026-01-01T00:00:00Z","reason":"x"}`,
		`{"crn":"X123456","person":{"given_name":"a","family_name":"b","date_of_birth":"1990-01-01"}}`,
		`{"scope":"components","components":["r1","r2"],"to":{"provider":"CRC1"},"reason":"x"}`,
		`{"replacement":{"type":"risk.assessed","data":{"assessment_id":"a","tool":"t","rosh":"low","rsr":1}},"reason":"x"}`,
		`[]`, `null`, `{"reason":1}`, `{"reason":"x"}{}`, `{"occurred_at":"yesterday"}`, "\x00", `{"a":`} {
		for i := range writes {
			f.Add(i, seed)
		}
	}
	f.Fuzz(func(t *testing.T, route int, body string) {
		if route < 0 || route >= len(writes) {
			return
		}
		wr := writes[route]
		cmd, _, err := parseCommand(wr, []byte(body), wr.bodyFields(), map[string]string{"crn": "X123456", "id": "i1", "code": "N01", "event_id": "e1"}, uuid.New())
		if err != nil {
			return
		}
		if wr.stream != orgStream {
			_, _ = caseCommand(cmd)
		}
	})
}

// FuzzParseTokens feeds arbitrary tokens files to the parser: no panic, and
// anything accepted authenticates nothing but its own tokens.
func FuzzParseTokens(f *testing.F) {
	f.Add(`[{"token_sha256":"` + HashToken("t") + `","id":"N01","name":"n","organisation":"NPS","roles":["practitioner"]}]`)
	f.Add(`[]`)
	f.Add(`[{"token_sha256":"zz","id":"N01","organisation":"NPS","roles":["practitioner"]}]`)
	f.Add(`{"not":"an array"}`)
	f.Add(`[{"token_sha256":"` + HashToken("t") + `","id":"N01","organisation":"NPS","roles":["root"]}]`)
	f.Fuzz(func(t *testing.T, data string) {
		toks, err := ParseTokens([]byte(data))
		if err != nil {
			return
		}
		if _, ok := toks.Authenticate("a token nobody hashed"); ok && !strings.Contains(data, HashToken("a token nobody hashed")) {
			t.Fatalf("an unlisted token authenticated")
		}
	})
}

// FuzzQueryParameters sends arbitrary query strings to every read route:
// the server answers with a status (never a panic or a 500).
func FuzzQueryParameters(f *testing.F) {
	raw, _ := json.Marshal([]TokenEntry{{TokenSHA256: HashToken("aud"), ID: "AUD1", Organisation: "HQ", Roles: []string{RoleAuditor}}})
	toks, err := ParseTokens(raw)
	if err != nil {
		f.Fatal(err)
	}
	srv := New(Config{Store: memory.New(), Tokens: toks, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	routes := allReads()
	for i := range routes {
		for _, q := range []string{"", "as_of=2026-01-01T00:00:00Z", "known_at=bad", "limit=0", "limit=99999999999999999999",
			"from_revision=-1", "format=html", "format=pdf", "cursor=%00", "at=2026-13-45T00:00:00Z", "event_id="} {
			f.Add(i, q)
		}
	}
	f.Fuzz(func(t *testing.T, route int, query string) {
		if route < 0 || route >= len(routes) {
			return
		}
		path := strings.NewReplacer("{crn}", "X123456", "{code}", "NPS", "{id}", "N01").Replace(routes[route].path)
		req := httptest.NewRequest(http.MethodGet, "http://x"+path, nil)
		req.URL.RawQuery = url.PathEscape(query)
		req.Header.Set("Authorization", "Bearer aud")
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%s?%s answered %d: %s", path, query, rec.Code, rec.Body.String())
		}
	})
}
