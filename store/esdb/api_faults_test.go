package esdb

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/caseledger/caseledger/api"
	"github.com/caseledger/caseledger/domain"
)

// These tests run the real HTTP server over the store, the real client and
// the fake server, with a proxy in between that the test cuts: what an
// operator of an EventStoreDB deployment sees when the cluster becomes
// unreachable, or the connection drops in the middle of a call.

// apiToken is the bearer token of the practitioner the tests write as.
const apiToken = "esdb-faults-token"

// apiClient talks HTTP to a server over the store.
type apiClient struct {
	t    *testing.T
	base string
	http *http.Client
}

// serveAPI starts the HTTP server over s on 127.0.0.1:0 until the test ends.
func serveAPI(t *testing.T, s *Store) *apiClient {
	t.Helper()
	raw, err := json.Marshal([]api.TokenEntry{{ID: "N01", Name: "Sam Pike", Organisation: "NPS",
		Roles: []string{api.RolePractitioner}, TokenSHA256: api.HashToken(apiToken)}})
	require.NoError(t, err)
	tokens, err := api.ParseTokens(raw)
	require.NoError(t, err)
	logs := &syncBuffer{}
	srv := api.New(api.Config{Store: s, Tokens: tokens, Log: slog.New(slog.NewTextHandler(logs, nil))})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = hs.Serve(ln) }()
	t.Cleanup(func() {
		_ = hs.Close()
		if out := logs.String(); strings.Contains(out, "level=ERROR") {
			t.Errorf("the server logged errors (a store fault is no internal error):\n%s", out)
		}
	})
	return &apiClient{t: t, base: "http://" + ln.Addr().String(), http: &http.Client{Timeout: 60 * time.Second}}
}

// syncBuffer is what the server logs, kept for the end of the test.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// answer is a response, read whole.
type answer struct {
	status int
	header http.Header
	body   []byte
}

// do sends a request; headers are name, value pairs.
func (c *apiClient) do(method, path string, body any, headers ...string) answer {
	c.t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		require.NoError(c.t, err)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, c.base+path, rd)
	require.NoError(c.t, err)
	req.Header.Set("Authorization", "Bearer "+apiToken)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := c.http.Do(req)
	require.NoError(c.t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	require.NoError(c.t, err)
	return answer{status: res.StatusCode, header: res.Header, body: b}
}

// openCaseBody is the body of POST /v1/cases for crn.
func openCaseBody(crn string) map[string]any {
	return map[string]any{"crn": crn, "person": map[string]any{"given_name": "Es", "family_name": "Dee", "date_of_birth": "1970-07-07"}}
}

// requireUnavailable asserts a is the API's answer to a store fault: 503,
// Retry-After and the unavailable problem of API.md.
func requireUnavailable(t *testing.T, a answer, what string) {
	t.Helper()
	require.Equal(t, http.StatusServiceUnavailable, a.status, "%s: %s", what, a.body)
	require.NotEmpty(t, a.header.Get("Retry-After"), "%s: 503 says when to retry", what)
	if strings.HasPrefix(a.header.Get("Content-Type"), "application/problem+json") {
		var p struct{ Type string }
		require.NoError(t, json.Unmarshal(a.body, &p))
		require.Equal(t, "urn:caseledger:problem:unavailable", p.Type, what)
	}
}

// eventually calls try until it returns true, failing the test if it has
// not by the deadline: the client reconnects in its own time.
func eventually(t *testing.T, what string, try func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !try() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within 60s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// caseEvents reads a case's stream through the store, requiring its hash
// chain to verify, and returns the types of its events.
func caseEvents(t *testing.T, s *Store, crn string) []string {
	t.Helper()
	evs, err := s.ReadStream(context.Background(), domain.CaseStream(crn), 0, 1000)
	require.NoError(t, err)
	requireChained(t, evs)
	types := make([]string, len(evs))
	for i, e := range evs {
		types[i] = e.Type
	}
	return types
}

// TestUnreachableClusterIs503AndRecovers cuts the way to the cluster under
// a running server: writes, case reads and /readyz answer 503 with
// Retry-After while it is cut, nothing is written, and once the cluster is
// reachable again the server serves as before, without a restart.
func TestUnreachableClusterIs503AndRecovers(t *testing.T) {
	f := startFake(t)
	p := startProxy(t, f.addr.String())
	s := openTest(t, p.url(), "")
	c := serveAPI(t, s)
	require.Equal(t, http.StatusCreated, c.do(http.MethodPost, "/v1/cases", openCaseBody("X100001")).status)
	require.Equal(t, http.StatusOK, c.do(http.MethodGet, "/readyz", nil).status)
	calls := f.calls()

	p.cut()
	for range 3 { // the first call loses the connection; later ones find no node
		requireUnavailable(t, c.do(http.MethodPost, "/v1/cases", openCaseBody("X100002")), "a write")
		requireUnavailable(t, c.do(http.MethodPost, "/v1/cases/X100001/sentences", sentenceBody("s1")), "a write to a case")
		requireUnavailable(t, c.do(http.MethodGet, "/v1/cases/X100001", nil), "a case read")
		requireUnavailable(t, c.do(http.MethodGet, "/readyz", nil), "readyz")
	}
	require.Equal(t, http.StatusOK, c.do(http.MethodGet, "/healthz", nil).status, "the server stays up")
	require.Equal(t, calls, f.calls(), "nothing reached the server")

	p.open()
	eventually(t, "ready again", func() bool { return c.do(http.MethodGet, "/readyz", nil).status == http.StatusOK })
	require.Equal(t, http.StatusCreated, c.do(http.MethodPost, "/v1/cases", openCaseBody("X100002")).status)
	require.Equal(t, http.StatusCreated, c.do(http.MethodPost, "/v1/cases/X100001/sentences", sentenceBody("s1")).status)
	require.Equal(t, http.StatusOK, c.do(http.MethodGet, "/v1/cases/X100001", nil).status)
	require.Equal(t, []string{"case.opened", "sentence.recorded"}, caseEvents(t, s, "X100001"))
	require.Equal(t, []string{"case.opened"}, caseEvents(t, s, "X100002"))
}

// TestConnectionCutMidAppendIs503AndRetriesStoreOnce cuts the connection
// while the server has an append in hand. The write answers 503: its
// outcome is unknown to the client (the server may or may not have read
// the whole request), so the caller retries with its Idempotency-Key once
// the cluster is back, and the command is stored exactly once, its chain
// intact.
func TestConnectionCutMidAppendIs503AndRetriesStoreOnce(t *testing.T) {
	f := startFake(t)
	p := startProxy(t, f.addr.String())
	s := openTest(t, p.url(), "")
	c := serveAPI(t, s)
	require.Equal(t, http.StatusCreated, c.do(http.MethodPost, "/v1/cases", openCaseBody("X200001")).status)

	f.set(func(f *fakeServer) { f.interpose = p.cut })
	body, key := sentenceBody("s1"), []string{"Idempotency-Key", "cut-mid-append"}
	requireUnavailable(t, c.do(http.MethodPost, "/v1/cases/X200001/sentences", body, key...), "the write whose append was cut")
	requireUnavailable(t, c.do(http.MethodGet, "/readyz", nil), "readyz while cut")
	f.mu.Lock()
	interposed := f.interpose == nil
	f.mu.Unlock()
	require.True(t, interposed, "the append reached the server and was cut there")

	p.open()
	eventually(t, "the retry answered", func() bool {
		a := c.do(http.MethodPost, "/v1/cases/X200001/sentences", body, key...)
		switch a.status {
		case http.StatusCreated, http.StatusOK: // stored now, or found stored
			return true
		}
		requireUnavailable(t, a, "a retry before the client reconnects")
		return false
	})
	require.Equal(t, http.StatusOK, c.do(http.MethodGet, "/readyz", nil).status)
	require.Equal(t, []string{"case.opened", "sentence.recorded"}, caseEvents(t, s, "X200001"), "stored once, whole")
}

// TestConnectionCutMidReadIs503AndLeavesNothingHalfRead cuts the
// connection while the server streams a case's events to a second API
// node, which has not read that case before, after the first event. The
// read answers 503, not a view of part of the case; once reconnected the
// node reads the whole case, and decides a write on all of it.
func TestConnectionCutMidReadIs503AndLeavesNothingHalfRead(t *testing.T) {
	f := startFake(t)
	p := startProxy(t, f.addr.String())
	s := openTest(t, p.url(), "")
	writer, reader := serveAPI(t, s), serveAPI(t, s)
	require.Equal(t, http.StatusCreated, writer.do(http.MethodPost, "/v1/cases", openCaseBody("X300001")).status)
	for _, id := range []string{"s1", "s2"} {
		require.Equal(t, http.StatusCreated, writer.do(http.MethodPost, "/v1/cases/X300001/sentences", sentenceBody(id)).status)
	}

	f.set(func(f *fakeServer) { f.midStream, f.midRead = s.ns.id(domain.CaseStream("X300001")), p.cut })
	requireUnavailable(t, reader.do(http.MethodGet, "/v1/cases/X300001", nil), "a read cut after the case's first event")
	f.mu.Lock()
	cutMidRead := f.midRead == nil
	f.mu.Unlock()
	require.True(t, cutMidRead, "the read was cut in the middle of the case's events")
	requireUnavailable(t, reader.do(http.MethodGet, "/readyz", nil), "readyz while cut")

	p.open()
	eventually(t, "the read answered", func() bool {
		a := reader.do(http.MethodGet, "/v1/cases/X300001", nil)
		if a.status == http.StatusOK {
			return true
		}
		requireUnavailable(t, a, "a read before the client reconnects")
		return false
	})
	a := reader.do(http.MethodPost, "/v1/cases/X300001/sentences", sentenceBody("s3"), "If-Match", `"2"`)
	require.Equal(t, http.StatusCreated, a.status, "decided on the whole case: %s", a.body)
	require.Equal(t, []string{"case.opened", "sentence.recorded", "sentence.recorded", "sentence.recorded"}, caseEvents(t, s, "X300001"))
}

// sentenceBody is the body of POST /v1/cases/{crn}/sentences for id.
func sentenceBody(id string) map[string]any {
	return map[string]any{"sentence_id": id, "kind": "community_order", "court": "Leeds MC", "start_date": "2025-01-01"}
}
