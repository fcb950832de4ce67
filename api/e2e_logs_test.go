package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/caseledger/caseledger/api"
	"github.com/caseledger/caseledger/api/demo"
	"github.com/caseledger/caseledger/api/ledger"
	"github.com/caseledger/caseledger/domain"
	"github.com/caseledger/caseledger/store/memory"
)

// syncBuffer is a log destination safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestLogsCarryNoPersonalDataNorTokens runs the demo, serves it, reads every
// case's views and sends bad writes full of a person's name, then scans the
// server's log for the demo people's names and for the tokens.
func TestLogsCarryNoPersonalDataNorTokens(t *testing.T) {
	ctx := context.Background()
	st := memory.New()
	sum, err := demo.Generate(ctx, ledger.New(st, time.Now), demo.Options{Cases: 12, Seed: 7, Now: time.Now().Add(-time.Minute)})
	require.NoError(t, err)
	var entries []api.TokenEntry
	tokens := map[string]string{}
	for i, u := range sum.Users {
		tok := fmt.Sprintf("log-test-token-%d-%s", i, u.Roles[0])
		u.TokenSHA256 = api.HashToken(tok)
		entries = append(entries, u)
		tokens[u.Roles[0]] = tok
	}
	raw, err := json.Marshal(entries)
	require.NoError(t, err)
	auth, err := api.ParseTokens(raw)
	require.NoError(t, err)
	var logs syncBuffer
	srv := api.New(api.Config{Store: st, Tokens: auth, Log: slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	hs := &http.Server{Handler: srv}
	go func() { _ = hs.Serve(ln) }()
	t.Cleanup(func() { _ = hs.Close() })
	base := "http://" + ln.Addr().String()

	names := peopleNames(t, st)
	require.NotEmpty(t, names)
	get := func(tok, path string) {
		req, _ := http.NewRequest(http.MethodGet, base+path, nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
	}
	post := func(tok, path, body string) {
		req, _ := http.NewRequest(http.MethodPost, base+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
	}
	for crn, name := range names {
		for _, view := range []string{"", "/ownership", "/timeline?format=html", "/events", "/knowledge", "/audit"} {
			get(tokens[api.RoleAuditor], "/v1/cases/"+crn+view)
		}
		get(tokens[api.RoleReviewer], "/v1/cases/"+crn) // often refused
		post(tokens[api.RolePractitioner], "/v1/cases/"+crn+"/closure", `{"reason": "`+name+`", "unknown": "`+name+`"}`)
		post(tokens[api.RolePractitioner], "/v1/cases/"+crn+"/information", `{"summary": "`+name+` called", "channel": "pigeon"}`)
		post(tokens[api.RolePractitioner], "/v1/cases", `{"crn": "bad", "person": {"given_name": "`+name+`"}}`)
	}
	get("not-a-token-"+names[firstKey(names)], "/v1/org")

	out := logs.String()
	require.Contains(t, out, `"route":"/v1/cases/{crn}/timeline"`, "the log has lines to scan")
	for _, name := range names {
		for _, part := range strings.Fields(name) {
			require.NotContains(t, out, part, "a person's name in the log")
		}
	}
	for _, tok := range tokens {
		require.NotContains(t, out, tok, "a token in the log")
	}
	require.NotContains(t, out, "not-a-token", "a bad token in the log")
}

// peopleNames returns each case's person's full name, by CRN.
func peopleNames(t *testing.T, st *memory.Store) map[string]string {
	t.Helper()
	out := map[string]string{}
	evs, err := st.ReadAll(context.Background(), 0, 1<<20)
	require.NoError(t, err)
	for _, e := range evs {
		if e.Type != "case.opened" {
			continue
		}
		ev, err := domain.DecodeEnvelope(e)
		require.NoError(t, err)
		o := ev.(domain.CaseOpened)
		out[o.CRN] = o.Person.GivenName + " " + o.Person.FamilyName
	}
	return out
}

func firstKey(m map[string]string) string {
	for k := range m {
		return k
	}
	return ""
}
