package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/caseledger/caseledger/api"
	"github.com/caseledger/caseledger/store/sqlite"
)

// The bearer tokens the end-to-end tests use, one per identity below.
const (
	tokAdmin    = "e2e-admin-token"
	tokN01      = "e2e-n01-token"
	tokN02      = "e2e-n02-token"
	tokC01      = "e2e-c01-token"
	tokReviewer = "e2e-reviewer-token"
	tokAuditor  = "e2e-auditor-token"
)

// identities are the callers of the tests: an admin at HQ, practitioners of
// NPS (N01, N02) and CRC1 (C01), an SFO reviewer and an auditor.
var identities = map[string]api.TokenEntry{
	tokAdmin:    {ID: "ADM1", Name: "Ada Admin", Organisation: "HQ", Roles: []string{api.RoleAdmin}},
	tokN01:      {ID: "N01", Name: "Sam Pike", Organisation: "NPS", Roles: []string{api.RolePractitioner}},
	tokN02:      {ID: "N02", Name: "Ali Khan", Organisation: "NPS", Roles: []string{api.RolePractitioner}},
	tokC01:      {ID: "C01", Name: "Kim Lee", Organisation: "CRC1", Roles: []string{api.RolePractitioner}},
	tokReviewer: {ID: "REV1", Name: "Rae Viewer", Organisation: "HQ", Roles: []string{api.RoleReviewer}},
	tokAuditor:  {ID: "AUD1", Name: "Aud Itor", Organisation: "HQ", Roles: []string{api.RoleAuditor}},
}

// tokensFile is the tokens file of the identities, as an operator writes it.
func tokensFile(t *testing.T) []byte {
	t.Helper()
	var entries []api.TokenEntry
	for tok, e := range identities {
		e.TokenSHA256 = api.HashToken(tok)
		entries = append(entries, e)
	}
	b, err := json.Marshal(entries)
	require.NoError(t, err)
	return b
}

// harness is one real server on 127.0.0.1:0 over the embedded store in a
// data directory, and an HTTP client that talks to it.
type harness struct {
	t      *testing.T
	dir    string
	base   string
	api    *api.Server
	srv    *http.Server
	served chan error
	store  *sqlite.Store
	client *http.Client
	logs   *logSink
	crns   *atomic.Int64

	stopOnce sync.Once

	coveredMu sync.Mutex
	covered   map[string]bool // write route templates that answered 201
}

// newHarness starts a server over a fresh data directory.
func newHarness(t *testing.T) *harness {
	t.Helper()
	return startHarness(t, t.TempDir(), new(atomic.Int64))
}

// startHarness starts a server over the store in dir; crns numbers the
// cases the tests open, carried over a restart.
func startHarness(t *testing.T, dir string, crns *atomic.Int64) *harness {
	t.Helper()
	st, err := sqlite.Open(filepath.Join(dir, "caseledger.db"))
	require.NoError(t, err)
	tokens, err := api.ParseTokens(tokensFile(t))
	require.NoError(t, err)
	logs := &logSink{}
	server := api.New(api.Config{Store: st, Tokens: tokens,
		Log: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelWarn}))})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	h := &harness{
		t: t, dir: dir, base: "http://" + ln.Addr().String(), api: server,
		srv:    &http.Server{Handler: server, ReadHeaderTimeout: 10 * time.Second},
		served: make(chan error, 1), store: st, logs: logs, crns: crns,
		client:  &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 64}},
		covered: map[string]bool{},
	}
	go func() { h.served <- h.srv.Serve(ln) }()
	t.Cleanup(h.stop)
	return h
}

// stop shuts the server down gracefully and closes the store. It fails the
// test if the server logged an internal error: no test expects a 500.
func (h *harness) stop() {
	h.stopOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		// A connection the client dialled but never used is "new" to the
		// server, which Shutdown waits 5 s for: close them first.
		h.client.CloseIdleConnections()
		if err := h.srv.Shutdown(ctx); err != nil {
			h.t.Errorf("shutdown: %v", err)
		}
		if err := <-h.served; !errors.Is(err, http.ErrServerClosed) {
			h.t.Errorf("serve: %v", err)
		}
		if err := h.store.Close(); err != nil {
			h.t.Errorf("close store: %v", err)
		}
		if s := h.logs.String(); strings.Contains(s, "level=ERROR") {
			h.t.Errorf("the server logged errors:\n%s", s)
		}
	})
}

// restart stops the server and starts another over the same data directory.
func (h *harness) restart(t *testing.T) *harness {
	t.Helper()
	h.stop()
	return startHarness(t, h.dir, h.crns)
}

// logSink keeps what the server logs.
type logSink struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logSink) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logSink) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// newCRN returns a CRN no test has used on this harness yet.
func (h *harness) newCRN() string {
	return fmt.Sprintf("E%06d", h.crns.Add(1))
}

// call is one HTTP request of a test.
type call struct {
	method string // POST when empty
	path   string
	token  string // no Authorization header when empty
	// body is sent as is when []byte or string, as JSON otherwise; nil sends no body.
	body any
	// header adds headers; an empty value removes one (Content-Type, say).
	header map[string]string
	// chunked sends the body without a Content-Length.
	chunked bool
}

// response is what the server answered.
type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) String() string {
	return fmt.Sprintf("%d %s", r.status, r.body)
}

// do sends c and reads the whole answer.
func (h *harness) do(t testing.TB, c call) response {
	t.Helper()
	r, err := h.send(c)
	require.NoError(t, err)
	return r
}

// send sends c and reads the whole answer; unlike do it may be called from
// any goroutine.
func (h *harness) send(c call) (response, error) {
	method := c.method
	if method == "" {
		method = http.MethodPost
	}
	var body io.Reader
	if c.body != nil {
		var raw []byte
		switch b := c.body.(type) {
		case []byte:
			raw = b
		case string:
			raw = []byte(b)
		default:
			var err error
			if raw, err = json.Marshal(b); err != nil {
				return response{}, err
			}
		}
		body = bytes.NewReader(raw)
		if c.chunked {
			body = struct{ io.Reader }{body} // hides the length: sent chunked
		}
	}
	req, err := http.NewRequest(method, h.base+c.path, body)
	if err != nil {
		return response{}, err
	}
	if c.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	for k, v := range c.header {
		if v == "" {
			req.Header.Del(k)
		} else {
			req.Header.Set(k, v)
		}
	}
	res, err := h.client.Do(req)
	if err != nil {
		return response{}, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return response{status: res.StatusCode, header: res.Header, body: b}, err
}

// post sends a JSON body; headers are name, value pairs.
func (h *harness) post(t testing.TB, token, path string, body any, headers ...string) response {
	t.Helper()
	require.Zero(t, len(headers)%2, "headers are name, value pairs")
	c := call{path: path, token: token, body: body, header: map[string]string{}}
	for i := 0; i < len(headers); i += 2 {
		c.header[headers[i]] = headers[i+1]
	}
	return h.do(t, c)
}

// get reads path.
func (h *harness) get(t testing.TB, token, path string) response {
	t.Helper()
	return h.do(t, call{method: http.MethodGet, path: path, token: token})
}

// jsonOf decodes an answer's body.
func jsonOf(t testing.TB, r response) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(r.body, &m), "body: %s", r.body)
	return m
}

// problem is the RFC 9457 body of a refusal.
type problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail"`
	Errors []struct {
		Field   string `json:"field"`
		Message string `json:"message"`
	} `json:"errors"`
	Rule    string `json:"rule"`
	EventID string `json:"event_id"`
}

// requireProblem asserts r is a problem of the given status and name.
func requireProblem(t testing.TB, r response, status int, name string) problem {
	t.Helper()
	require.Equal(t, status, r.status, "answer: %s", r)
	require.Equal(t, "application/problem+json", r.header.Get("Content-Type"))
	var p problem
	require.NoError(t, json.Unmarshal(r.body, &p), "body: %s", r.body)
	require.Equal(t, "urn:caseledger:problem:"+name, p.Type, "answer: %s", r)
	require.Equal(t, status, p.Status)
	require.NotEmpty(t, p.Title)
	if status == http.StatusUnauthorized {
		require.True(t, strings.HasPrefix(r.header.Get("WWW-Authenticate"), "Bearer"),
			"401 names the scheme: %q", r.header.Get("WWW-Authenticate"))
	}
	return p
}

// fields lists the fields a problem's errors name.
func (p problem) fields() []string {
	out := make([]string, len(p.Errors))
	for i, e := range p.Errors {
		out[i] = e.Field
	}
	return out
}

// written is the 201 answer of a write.
type written struct {
	CRN        string `json:"crn"`
	Stream     string `json:"stream"`
	Revision   uint64 `json:"revision"`
	Position   uint64 `json:"position"`
	RecordedAt string `json:"recorded_at"`
	Events     []struct {
		EventID  string `json:"event_id"`
		Type     string `json:"type"`
		Revision uint64 `json:"revision"`
	} `json:"events"`
	raw    map[string]any
	etag   string
	header http.Header
}

// types lists the types of the written events, in order.
func (w written) types() []string {
	out := make([]string, len(w.Events))
	for i, e := range w.Events {
		out[i] = e.Type
	}
	return out
}

// first is the id of the first event written: the command's own.
func (w written) first() string { return w.Events[0].EventID }

// str returns a top-level string field of the answer (a created id).
func (w written) str(field string) string {
	s, _ := w.raw[field].(string)
	return s
}

var uuidPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// requireWritten asserts r is a write's answer as API.md shapes it: the
// status, ETag "<revision>", the revision and position of the last event,
// recorded_at in UTC, the events with contiguous revisions.
func requireWritten(t testing.TB, r response, status int) written {
	t.Helper()
	require.Equal(t, status, r.status, "answer: %s", r)
	require.Equal(t, "application/json", r.header.Get("Content-Type"))
	var w written
	require.NoError(t, json.Unmarshal(r.body, &w), "body: %s", r.body)
	require.NoError(t, json.Unmarshal(r.body, &w.raw))
	w.etag = r.header.Get("ETag")
	w.header = r.header
	require.Equal(t, fmt.Sprintf("%q", fmt.Sprint(w.Revision)), w.etag, "ETag is the revision")
	require.NotEmpty(t, w.Events)
	for i, e := range w.Events {
		require.Regexp(t, uuidPattern, e.EventID)
		require.NotEmpty(t, e.Type)
		require.Equal(t, w.Revision-uint64(len(w.Events)-1-i), e.Revision, "events are contiguous and end at revision")
	}
	require.Positive(t, w.Position)
	require.True(t, strings.HasSuffix(w.RecordedAt, "Z"), "recorded_at is UTC: %s", w.RecordedAt)
	_, err := time.Parse(time.RFC3339Nano, w.RecordedAt)
	require.NoError(t, err)
	require.True(t, (w.CRN == "") != (w.Stream == ""), "crn or stream, not both: %s", r.body)
	if w.Stream != "" {
		require.Equal(t, "org", w.Stream)
	}
	return w
}

// write posts to a write route, filling the template's variables with args
// in order, and requires a 201. It records the route as covered.
func (h *harness) write(t testing.TB, token, template string, body any, args ...string) written {
	t.Helper()
	r := h.post(t, token, fill(t, template, args...), body)
	w := requireWritten(t, r, http.StatusCreated)
	requireRouteResult(t, template, body, w)
	h.coveredMu.Lock()
	h.covered[template] = true
	h.coveredMu.Unlock()
	return w
}

// requireRouteResult asserts what a route's 201 says beyond the common
// shape: the event it records first, and the id it creates — echoed when the
// body gave it, generated by the server when the body left it out.
func requireRouteResult(t testing.TB, template string, body any, w written) {
	t.Helper()
	route, ok := routeOf(template)
	require.True(t, ok, "%s is a write route of API.md", template)
	require.Equal(t, route.event, w.Events[0].Type)
	if route.org() {
		require.Equal(t, "org", w.Stream)
	} else {
		require.NotEmpty(t, w.CRN)
	}
	if route.created == "" {
		return
	}
	got := w.str(route.created)
	m, _ := body.(map[string]any)
	if given, ok := m[route.created].(string); ok && given != "" {
		require.Equal(t, given, got, "the %s the body gave is echoed", route.created)
	} else {
		require.Regexp(t, uuidPattern, got, "the server generates %s", route.created)
	}
}

var pathVar = regexp.MustCompile(`\{[a-z_]+\}`)

// fill replaces a template's variables with args, in order.
func fill(t testing.TB, template string, args ...string) string {
	t.Helper()
	vars := pathVar.FindAllStringIndex(template, -1)
	require.Len(t, args, len(vars), "arguments of %s", template)
	i := 0
	return pathVar.ReplaceAllStringFunc(template, func(string) string {
		i++
		return args[i-1]
	})
}

// streamState is what a test compares to see that nothing was written.
type streamState struct {
	exists bool
	count  int
	etag   string
	body   string
}

// state reads a stream's state: "org", or a CRN's case stream.
func (h *harness) state(t testing.TB, target string) streamState {
	t.Helper()
	if target == "org" {
		r := h.get(t, tokAuditor, "/v1/org")
		require.Equal(t, http.StatusOK, r.status, "answer: %s", r)
		return streamState{exists: true, etag: r.header.Get("ETag"), body: string(r.body)}
	}
	var st streamState
	for from := uint64(0); ; {
		r := h.get(t, tokAuditor, fmt.Sprintf("/v1/cases/%s/events?from_revision=%d&limit=1000", target, from))
		if r.status == http.StatusNotFound && from == 0 {
			requireProblem(t, r, http.StatusNotFound, "not-found")
			return streamState{}
		}
		require.Equal(t, http.StatusOK, r.status, "answer: %s", r)
		var page struct {
			Events []struct {
				Revision uint64 `json:"revision"`
			} `json:"events"`
			NextFromRevision *uint64 `json:"next_from_revision"`
		}
		require.NoError(t, json.Unmarshal(r.body, &page))
		st.exists, st.etag = true, r.header.Get("ETag")
		st.count += len(page.Events)
		if page.NextFromRevision == nil {
			return st
		}
		from = *page.NextFromRevision
	}
}

// envelope is a stored event as GET /v1/cases/{crn}/events answers it.
type envelope struct {
	EventID       string          `json:"event_id"`
	Stream        string          `json:"stream"`
	Revision      uint64          `json:"revision"`
	Position      uint64          `json:"position"`
	Type          string          `json:"type"`
	SchemaVersion int             `json:"schema_version"`
	OccurredAt    time.Time       `json:"occurred_at"`
	RecordedAt    time.Time       `json:"recorded_at"`
	Actor         api.TokenEntry  `json:"actor"`
	CorrelationID string          `json:"correlation_id"`
	CausationID   string          `json:"causation_id"`
	Replaces      string          `json:"replaces"`
	PrevHash      string          `json:"prev_hash"`
	Hash          string          `json:"hash"`
	Data          json.RawMessage `json:"data"`
}

// eventsPage is one page of GET /v1/cases/{crn}/events.
type eventsPage struct {
	CRN              string     `json:"crn"`
	Events           []envelope `json:"events"`
	NextFromRevision *uint64    `json:"next_from_revision"`
}

// caseEvents reads a whole case stream page by page, with its ETag; false
// when there is no such case.
func (h *harness) caseEvents(t testing.TB, crn string) ([]envelope, string, bool) {
	t.Helper()
	var out []envelope
	var etag string
	for from := uint64(0); ; {
		r := h.get(t, tokAuditor, fmt.Sprintf("/v1/cases/%s/events?from_revision=%d&limit=1000", crn, from))
		if r.status == http.StatusNotFound && from == 0 {
			requireProblem(t, r, http.StatusNotFound, "not-found")
			return nil, "", false
		}
		require.Equal(t, http.StatusOK, r.status, "answer: %s", r)
		var p eventsPage
		require.NoError(t, json.Unmarshal(r.body, &p))
		out = append(out, p.Events...)
		etag = r.header.Get("ETag")
		if p.NextFromRevision == nil {
			return out, etag, true
		}
		from = *p.NextFromRevision
	}
}

// data decodes an envelope's payload.
func (e envelope) data(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(e.Data, &m))
	return m
}

// eventByID finds an event of a stream.
func eventByID(t testing.TB, evs []envelope, id string) envelope {
	t.Helper()
	for _, e := range evs {
		if e.EventID == id {
			return e
		}
	}
	require.Failf(t, "no such event", "%s", id)
	return envelope{}
}

// instant formats a time as the API takes it.
func instant(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// orgAt is when the tests' reference data came to be: long before any case.
var orgAt = time.Date(2024, 1, 2, 9, 0, 0, 0, time.UTC)

// seedOrg registers, through the API, NPS (high_risk) and two CRCs, their
// teams and officers, and an absence of N02 covered by N01.
func (h *harness) seedOrg(t testing.TB) {
	t.Helper()
	at := instant(orgAt)
	for _, p := range []struct {
		code, name string
		highRisk   bool
	}{{"NPS", "National Probation Service", true}, {"CRC1", "Northern CRC", false}, {"CRC2", "Southern CRC", false}} {
		h.write(t, tokAdmin, "/v1/org/providers", map[string]any{"code": p.code, "name": p.name, "high_risk": p.highRisk, "occurred_at": at})
	}
	for _, tm := range [][2]string{{"N1", "NPS"}, {"N2", "NPS"}, {"C1", "CRC1"}, {"C2", "CRC2"}} {
		h.write(t, tokAdmin, "/v1/org/teams", map[string]any{"code": tm[0], "provider": tm[1], "name": "Team " + tm[0],
			"phone": "0113 496 0000", "email": strings.ToLower(tm[0]) + "@probation.example", "occurred_at": at})
	}
	for _, o := range [][3]string{{"N01", "N1", "PO"}, {"N02", "N1", "SPO"}, {"N03", "N2", "PSO"}, {"C01", "C1", "PO"}, {"C02", "C2", "PO"}} {
		h.write(t, tokAdmin, "/v1/org/officers", map[string]any{"code": o[0], "name": "Officer " + o[0], "grade": o[2], "team": o[1],
			"phone": "0113 496 0001", "email": strings.ToLower(o[0]) + "@probation.example", "occurred_at": at})
	}
	now := time.Now()
	h.write(t, tokAdmin, "/v1/org/officers/{code}/absences", map[string]any{"absence_id": "abs-n02",
		"from": instant(now.Add(-24 * time.Hour)), "to": instant(now.Add(30 * 24 * time.Hour)), "cover_officer": "N01"}, "N02")
}

// openCase opens a case as N01 and allocates it to N01 in N1 of NPS.
func (h *harness) openCase(t testing.TB, crn string) {
	t.Helper()
	h.write(t, tokN01, "/v1/cases", map[string]any{"crn": crn,
		"person": map[string]any{"given_name": "Lee", "family_name": "Barr", "date_of_birth": "1990-01-01"}})
	h.write(t, tokN01, "/v1/cases/{crn}/allocations", map[string]any{"provider": "NPS", "team": "N1", "officer": "N01",
		"reason": "initial_allocation", "rationale": "fits caseload"}, crn)
}

// mustJSON encodes v.
func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return b
}
