package api_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/caseledger/caseledger/api"
	"github.com/caseledger/caseledger/domain"
	"github.com/caseledger/caseledger/store/sqlite"
)

// These tests make the embedded store's engine fail for real — SQLite
// itself answers "database or disk is full" or an I/O error — and check
// what QUALITY.md asks of store faults through the real HTTP server: 503
// with Retry-After and the unavailable problem, nothing partial stored, the
// server up, and writes accepted again once the fault clears, without a
// restart.

// diskPages is the size, in 512-byte pages, of the "disk" of the full-disk
// test: the cap WithMaxPageCount puts on the database file.
const diskPages = 4096

// serveStore starts a server over st, whose file is in dir, as startHarness
// does over a store it opens itself.
func serveStore(t *testing.T, dir string, st *sqlite.Store) *harness {
	t.Helper()
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
		served: make(chan error, 1), store: st, logs: logs, crns: new(atomic.Int64),
		client:  &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 64}},
		covered: map[string]bool{},
	}
	go func() { h.served <- h.srv.Serve(ln) }()
	t.Cleanup(h.stop)
	return h
}

// openCase is the body of POST /v1/cases for crn.
func openCase(crn string) map[string]any {
	return map[string]any{"crn": crn, "person": map[string]any{"given_name": "Di", "family_name": "Skfull", "date_of_birth": "1985-05-05"}}
}

// addSentence is the body of POST /v1/cases/{crn}/sentences for id.
func addSentence(id string) map[string]any {
	return map[string]any{"sentence_id": id, "kind": "community_order", "court": "Leeds MC", "start_date": "2025-01-01"}
}

// requireUnavailable asserts r is the 503 a store fault is answered with.
func requireUnavailable(t testing.TB, r response, what string) {
	t.Helper()
	requireProblem(t, r, http.StatusServiceUnavailable, "unavailable")
	require.NotEmpty(t, r.header.Get("Retry-After"), "%s: 503 says when to retry", what)
}

// ledgerOf reads every event st holds, in global order.
func ledgerOf(t testing.TB, st *sqlite.Store) []domain.Envelope {
	t.Helper()
	var all []domain.Envelope
	for after := uint64(0); ; {
		page, err := st.ReadAll(context.Background(), after, 1000)
		require.NoError(t, err)
		if len(page) == 0 {
			return all
		}
		all = append(all, page...)
		after = page[len(page)-1].Position
	}
}

// requireVerified asserts, over HTTP, that every hash chain verifies and
// the ledger holds n events. The verification only reads.
func requireVerified(t testing.TB, h *harness, n int) {
	t.Helper()
	r := h.get(t, tokAuditor, "/v1/audit/verify")
	require.Equal(t, http.StatusOK, r.status, "answer: %s", r)
	var v struct {
		OK     bool `json:"ok"`
		Events int  `json:"events"`
	}
	require.NoError(t, json.Unmarshal(r.body, &v))
	require.True(t, v.OK, "chains verify: %s", r.body)
	require.Equal(t, n, v.Events)
}

// requireReady asserts /readyz's answer.
func requireReady(t testing.TB, h *harness, status int) {
	t.Helper()
	r := h.get(t, "", "/readyz")
	require.Equal(t, status, r.status, "readyz: %s", r)
}

// openOtherProgram opens the database file at path as another program on
// the same disk would (an operator's sqlite3 shell): its own connection,
// with no cap on the file's size.
func openOtherProgram(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", path+"?_pragma=busy_timeout(10000)")
	require.NoError(t, err)
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// pragma reads an integer PRAGMA through db.
func pragma(t testing.TB, db *sql.DB, name string) int {
	t.Helper()
	var n int
	require.NoError(t, db.QueryRow("PRAGMA "+name).Scan(&n))
	return n
}

// TestDiskFullAnswers503AndRecovers fills the "disk" under a running
// server and frees it again. The disk is the database file capped at
// diskPages pages (WithMaxPageCount): past the cap SQLite fails exactly as
// on a full file system, with SQLITE_FULL "database or disk is full". The
// file has 512-byte pages, so every event spills to an overflow page that
// must be allocated: once the file is at the cap with no free page, every
// append fails, whichever page its row would have landed on. Another
// program fills the disk (a table of its own grown past the cap) and frees
// it (deletes that table, leaving its pages free for reuse) — as a full
// disk fills with other files and an operator removes them.
func TestDiskFullAnswers503AndRecovers(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "caseledger.db")
	other := openOtherProgram(t, path)
	for _, q := range []string{"PRAGMA page_size = 512", "PRAGMA journal_mode = WAL", "CREATE TABLE other_files (b BLOB)"} {
		_, err := other.Exec(q)
		require.NoError(t, err, q)
	}
	st, err := sqlite.Open(path, sqlite.WithMaxPageCount(diskPages))
	require.NoError(t, err)
	h := serveStore(t, dir, st)

	// Given a case, written and read while the disk has room.
	crn := h.newCRN()
	requireWritten(t, h.post(t, tokN01, "/v1/cases", openCase(crn)), http.StatusCreated)
	requireWritten(t, h.post(t, tokN01, "/v1/cases/"+crn+"/sentences", addSentence("s1")), http.StatusCreated)
	require.Equal(t, http.StatusOK, h.get(t, tokN01, "/v1/cases/"+crn).status)
	before := ledgerOf(t, st)
	require.Less(t, pagesOf(t, other), diskPages, "the ledger fits on the disk")

	// When another program fills the disk.
	_, err = other.Exec("INSERT INTO other_files VALUES (zeroblob(?))", diskPages*512)
	require.NoError(t, err)
	require.GreaterOrEqual(t, pagesOf(t, other), diskPages)
	require.Zero(t, pragma(t, other, "freelist_count"), "no page is free")

	// Then every write answers 503 and stores nothing.
	key, keyed := "disk-full-retry", openCase(h.newCRN())
	writes := []struct {
		name, path string
		body       map[string]any
		headers    []string
	}{
		{"open a case", "/v1/cases", openCase(h.newCRN()), nil},
		{"open a case with an Idempotency-Key", "/v1/cases", keyed, []string{"Idempotency-Key", key}},
		{"add to a case", "/v1/cases/" + crn + "/sentences", addSentence("s2"), nil},
		{"add to a case at its revision", "/v1/cases/" + crn + "/sentences", addSentence("s3"), []string{"If-Match", `"1"`}},
	}
	for _, w := range writes {
		requireUnavailable(t, h.post(t, tokN01, w.path, w.body, w.headers...), w.name)
	}
	// A case read logs the access first; the log cannot be written, so the
	// read is not answered.
	requireUnavailable(t, h.get(t, tokN01, "/v1/cases/"+crn), "a case read")
	// The server stays up; what only reads still answers, and the store
	// still answers reads, so the server stays ready: it is the disk, not
	// the server, that an operator must see to.
	require.Equal(t, http.StatusOK, h.get(t, "", "/healthz").status)
	requireReady(t, h, http.StatusOK)
	require.Equal(t, http.StatusOK, h.get(t, tokN01, "/v1/cases").status, "the case list only reads")
	require.Equal(t, http.StatusOK, h.get(t, tokN01, "/v1/org").status, "the org only reads")
	requireVerified(t, h, len(before))
	requireSameLedger(t, before, ledgerOf(t, st))

	// When the other program's files are removed, writes succeed again
	// without a restart.
	_, err = other.Exec("DROP TABLE other_files")
	require.NoError(t, err)
	require.Positive(t, pragma(t, other, "freelist_count"), "pages are free again")
	again := requireWritten(t, h.post(t, tokN01, "/v1/cases", keyed, "Idempotency-Key", key), http.StatusCreated)
	require.Len(t, again.Events, 1, "the retry is stored once, as new: a failed request is not remembered")
	requireWritten(t, h.post(t, tokN01, "/v1/cases/"+crn+"/sentences", addSentence("s2"), "If-Match", `"1"`), http.StatusCreated)
	require.Equal(t, http.StatusOK, h.get(t, tokN01, "/v1/cases/"+crn).status)
	after := ledgerOf(t, st)
	requireSameLedger(t, before, after[:len(before)])
	requireVerified(t, h, len(after))
}

// pagesOf is the size of the database file in pages, as db sees it.
func pagesOf(t testing.TB, db *sql.DB) int {
	t.Helper()
	return pragma(t, db, "page_count")
}

// requireSameLedger asserts that got holds exactly the events of want:
// nothing added, removed or changed.
func requireSameLedger(t testing.TB, want, got []domain.Envelope) {
	t.Helper()
	require.Equal(t, len(want), len(got), "events in the ledger")
	for i := range want {
		require.Equal(t, fmt.Sprint(want[i].EventID, want[i].Position, want[i].Hash),
			fmt.Sprint(got[i].EventID, got[i].Position, got[i].Hash), "event %d", i)
	}
}
