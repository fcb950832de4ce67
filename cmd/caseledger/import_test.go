package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/caseledger/caseledger/domain"
	"github.com/caseledger/caseledger/store"
	"github.com/caseledger/caseledger/store/memory"
	"github.com/caseledger/caseledger/store/sqlite"
)

// sourceTime is when the source system recorded the first event of a test file.
var sourceTime = time.Date(2021, 6, 1, 9, 0, 0, 0, time.UTC)

// exportLine is one line of an import file as an exporter would write it:
// the i-th event the source recorded, of type typ in stream, with data.
func exportLine(t *testing.T, stream, typ, data string, i int) importLineJSON {
	t.Helper()
	at := sourceTime.Add(time.Duration(i) * time.Hour)
	return importLineJSON{Stream: stream, EventID: uuid.NewString(), Type: typ, SchemaVersion: 1,
		OccurredAt: at.Add(-30 * time.Minute), Actor: migrationActor, Data: json.RawMessage(data),
		Imported: &domain.Imported{System: "nDelius", RecordedAt: at,
			Actor: domain.Actor{ID: "D1234", Name: "Delius User", Organisation: "NPS", Roles: []string{"practitioner"}}},
		CorrelationID: "export-1"}
}

// caseLines are the lines of a case history: opened, then n reopen/close pairs.
func caseLines(t *testing.T, crn string, n, from int) []importLineJSON {
	t.Helper()
	stream := domain.CaseStream(crn)
	lines := []importLineJSON{exportLine(t, stream, "case.opened",
		fmt.Sprintf(`{"crn":%q,"person":{"given_name":"Ann","family_name":"Smith","date_of_birth":"1990-01-02"}}`, crn), from)}
	for i := range n {
		lines = append(lines,
			exportLine(t, stream, "case.closed", `{"reason":"sentence served"}`, from+2*i+1),
			exportLine(t, stream, "case.reopened", `{"reason":"new order"}`, from+2*i+2))
	}
	return lines
}

// ndjson writes lines as an import file.
func ndjson(t *testing.T, lines []importLineJSON) []byte {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	for _, l := range lines {
		require.NoError(t, enc.Encode(l))
	}
	return b.Bytes()
}

// writeFile writes data to a file in a temporary directory.
func writeFile(t *testing.T, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "events.ndjson")
	require.NoError(t, os.WriteFile(path, data, 0o600))
	return path
}

// runImportCmd runs `caseledger import` on data into the data directory dir.
func runImportCmd(t *testing.T, dir string, data []byte, flags ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	args := append(append([]string{"import", "--data", dir}, flags...), writeFile(t, data))
	err := run(context.Background(), args, &out, &errOut)
	require.Empty(t, errOut.String(), "no progress when stderr is not a terminal")
	return out.String(), err
}

// storedEvents opens the store in dir and returns every event in global order.
func storedEvents(t *testing.T, dir string) []domain.Envelope {
	t.Helper()
	st, err := sqlite.Open(filepath.Join(dir, DBFile))
	require.NoError(t, err)
	defer st.Close()
	return readAllEvents(t, st)
}

func readAllEvents(t *testing.T, st eventStore) []domain.Envelope {
	t.Helper()
	var out []domain.Envelope
	for after := uint64(0); ; {
		page, err := st.ReadAll(context.Background(), after, 1000)
		require.NoError(t, err)
		if len(page) == 0 {
			return out
		}
		out = append(out, page...)
		after = page[len(page)-1].Position
	}
}

// requireChainsVerify checks every stream's hash chain.
func requireChainsVerify(t *testing.T, evs []domain.Envelope) {
	t.Helper()
	v := domain.NewChainVerifier()
	for _, e := range evs {
		v.Add(e)
	}
	require.Empty(t, v.Failures)
}

func TestImportGeneratedFileVerifies(t *testing.T) {
	data, err := sampleImport(context.Background(), 3000, 7)
	require.NoError(t, err)
	dir := t.TempDir()
	out, err := runImportCmd(t, dir, data)
	require.NoError(t, err)
	require.Contains(t, out, "imported  3,000 events into")
	require.Contains(t, out, "skipped   0 events already stored")

	stored := storedEvents(t, dir)
	require.Len(t, stored, 3000)
	requireChainsVerify(t, stored)
	// Every line is stored as it was, with the import's own recorded_at and
	// the source's kept in imported.
	lines := bytes.Split(bytes.TrimSpace(data), []byte("\n"))
	byID := map[string]importLineJSON{}
	for _, l := range lines {
		var line importLineJSON
		require.NoError(t, json.Unmarshal(l, &line))
		byID[line.EventID] = line
	}
	for _, e := range stored {
		line, ok := byID[e.EventID]
		require.True(t, ok)
		require.Equal(t, line.Stream, e.Stream)
		require.Equal(t, line.Type, e.Type)
		require.True(t, line.OccurredAt.Equal(e.OccurredAt))
		require.Equal(t, migrationActor, e.Actor)
		require.True(t, line.Imported.RecordedAt.Equal(e.Imported.RecordedAt), "imported.recorded_at is the source's")
		require.Equal(t, line.Imported.Actor, e.Imported.Actor)
		require.True(t, e.RecordedAt.After(line.Imported.RecordedAt), "recorded_at is the import's own")
		require.JSONEq(t, string(line.Data), string(e.Data))
	}

	var verifyOut bytes.Buffer
	require.NoError(t, run(context.Background(), []string{"verify", "--data", dir}, &verifyOut, &bytes.Buffer{}))
	require.Contains(t, verifyOut.String(), "ok: every hash chain verifies")
}

func TestImportAgainStoresNothing(t *testing.T) {
	data := ndjson(t, append(caseLines(t, "X000001", 3, 0), caseLines(t, "X000002", 2, 10)...))
	dir := t.TempDir()
	_, err := runImportCmd(t, dir, data)
	require.NoError(t, err)
	before := storedEvents(t, dir)

	out, err := runImportCmd(t, dir, data)
	require.NoError(t, err)
	require.Contains(t, out, "imported  0 events into 0 streams")
	require.Contains(t, out, "skipped   12 events already stored")
	require.Contains(t, out, "nothing new")
	require.Equal(t, before, storedEvents(t, dir))
}

func TestImportOfAPartlyImportedFileStoresTheRest(t *testing.T) {
	a, b, c := caseLines(t, "X000001", 4, 0), caseLines(t, "X000002", 4, 20), caseLines(t, "X000003", 1, 40)
	all := append(append(append([]importLineJSON{}, a...), b...), c...)
	dir := t.TempDir()
	// First an export that stopped halfway through the second case...
	_, err := runImportCmd(t, dir, ndjson(t, all[:len(a)+3]))
	require.NoError(t, err)
	// ...then the whole again, and one that overlaps only its end.
	out, err := runImportCmd(t, dir, ndjson(t, all))
	require.NoError(t, err)
	require.Contains(t, out, fmt.Sprintf("imported  %d events into 2 streams", len(all)-len(a)-3))
	require.Contains(t, out, fmt.Sprintf("skipped   %d events already stored", len(a)+3))
	out, err = runImportCmd(t, dir, ndjson(t, all[len(a)+5:]))
	require.NoError(t, err)
	require.Contains(t, out, "imported  0 events")

	stored := storedEvents(t, dir)
	require.Len(t, stored, len(all))
	requireChainsVerify(t, stored)
	for i, e := range stored {
		require.Equal(t, all[i].EventID, e.EventID, "stored in the file's order")
	}
}

func TestImportRefusesABadLineNamingItAndWritesNothing(t *testing.T) {
	good := func() []importLineJSON { return caseLines(t, "X000001", 2, 0) }
	tests := []struct {
		name    string
		line    int // 1-based, in a file of good() with this line replaced
		bad     func(l *importLineJSON, first importLineJSON) string
		wantErr string
	}{
		{"not JSON", 3, func(*importLineJSON, importLineJSON) string { return `{"stream": "case-X000001",` }, "line 3: malformed JSON"},
		{"unknown field", 2, func(l *importLineJSON, _ importLineJSON) string { return withField(t, *l, "colour", `"red"`) }, `line 2: colour: unknown field`},
		{"a field the ledger assigns", 4, func(l *importLineJSON, _ importLineJSON) string { return withField(t, *l, "hash", `"abc"`) },
			"line 4: hash: is assigned by the ledger"},
		{"a field given twice", 2, func(l *importLineJSON, _ importLineJSON) string { return withField(t, *l, "type", `"case.closed"`) },
			"line 2: type: given twice"},
		{"unknown event type", 3, func(l *importLineJSON, _ importLineJSON) string { l.Type = "case.exploded"; return encodeLine(t, *l) },
			`line 3: type: "case.exploded" is not a known event type`},
		{"payload field unknown to its type", 2, func(l *importLineJSON, _ importLineJSON) string {
			l.Data = json.RawMessage(`{"reason":"x","why":1}`)
			return encodeLine(t, *l)
		},
			`line 2: data: json: unknown field "why"`},
		{"payload of the wrong shape", 2, func(l *importLineJSON, _ importLineJSON) string {
			l.Data = json.RawMessage(`{"reason":5}`)
			return encodeLine(t, *l)
		},
			"line 2: data:"},
		{"payload key given twice", 2, func(l *importLineJSON, _ importLineJSON) string {
			l.Data = json.RawMessage(`{"reason":"a","reason":"b"}`)
			return encodeLine(t, *l)
		},
			`line 2: data: key "reason" given twice`},
		{"bad stream", 1, func(l *importLineJSON, _ importLineJSON) string { l.Stream = "case-123"; return encodeLine(t, *l) }, `line 1: stream: "case-123": want "org" or case-{CRN}`},
		{"access log", 1, func(l *importLineJSON, _ importLineJSON) string {
			l.Stream = "access-X000001"
			return encodeLine(t, *l)
		}, "line 1: stream: \"access-X000001\": access logs"},
		{"case event in org", 2, func(l *importLineJSON, _ importLineJSON) string { l.Stream = "org"; return encodeLine(t, *l) }, `line 2: type: "case.closed" is a case event`},
		{"opened under another CRN", 1, func(l *importLineJSON, _ importLineJSON) string { l.Stream = "case-X000009"; return encodeLine(t, *l) },
			`line 1: data.crn: "X000001" is not the CRN of stream case-X000009`},
		{"event id not a UUID", 5, func(l *importLineJSON, _ importLineJSON) string { l.EventID = "E-5"; return encodeLine(t, *l) }, `line 5: event_id: "E-5" is not a UUID`},
		{"event id in upper case", 5, func(l *importLineJSON, _ importLineJSON) string {
			l.EventID = strings.ToUpper(l.EventID)
			return encodeLine(t, *l)
		}, "line 5: event_id:"},
		{"event id twice in the file", 4, func(l *importLineJSON, first importLineJSON) string {
			l.EventID = first.EventID
			return encodeLine(t, *l)
		}, ""},
		{"bad time", 2, func(l *importLineJSON, _ importLineJSON) string {
			return strings.Replace(encodeLine(t, *l), `"occurred_at":"2021`, `"occurred_at":"01/06/2021`, 1)
		}, `line 2: occurred_at: "01/06/2021`},
		{"no imported block", 3, func(l *importLineJSON, _ importLineJSON) string { l.Imported = nil; return encodeLine(t, *l) }, "line 3: imported: is required"},
		{"no source system", 3, func(l *importLineJSON, _ importLineJSON) string { l.Imported.System = ""; return encodeLine(t, *l) }, "line 3: imported.system: is required"},
		{"source actor field unknown", 3, func(l *importLineJSON, _ importLineJSON) string {
			return strings.Replace(encodeLine(t, *l), `"roles":["practitioner"]`, `"roles":["practitioner"],"grade":"PO"`, 1)
		}, "line 3: imported.actor.grade: unknown field"},
		{"source role not a string", 3, func(l *importLineJSON, _ importLineJSON) string {
			return strings.Replace(encodeLine(t, *l), `"roles":["practitioner"]`, `"roles":["practitioner",7]`, 1)
		}, "line 3: imported.actor.roles[1]: must be a string"},
		{"occurred after the source recorded it", 2, func(l *importLineJSON, _ importLineJSON) string {
			l.OccurredAt = l.Imported.RecordedAt.Add(time.Hour)
			return encodeLine(t, *l)
		},
			"line 2: occurred_at: 2021-06-01T11:00:00Z is after imported.recorded_at"},
		{"recorded by the source in the future", 2, func(l *importLineJSON, _ importLineJSON) string {
			l.Imported.RecordedAt = time.Now().Add(time.Hour)
			return encodeLine(t, *l)
		}, "line 2: imported.recorded_at:"},
		{"schema version", 2, func(l *importLineJSON, _ importLineJSON) string { l.SchemaVersion = 2; return encodeLine(t, *l) }, "line 2: schema_version: 2 is not a known schema version"},
		{"no actor", 2, func(l *importLineJSON, _ importLineJSON) string { l.Actor = domain.Actor{}; return encodeLine(t, *l) }, "line 2: actor: is required"},
		{"trailing data", 2, func(l *importLineJSON, _ importLineJSON) string { return encodeLine(t, *l) + " {}" }, "line 2: malformed JSON: data after the object"},
		{"not UTF-8", 2, func(l *importLineJSON, _ importLineJSON) string {
			l.Data = json.RawMessage("{\"reason\":\"caf\xe9\"}")
			return encodeLine(t, *l)
		}, "line 2: data: is not valid UTF-8"},
		{"case.opened not first", 3, func(l *importLineJSON, _ importLineJSON) string {
			o := good()[0]
			o.EventID = l.EventID
			o.Imported.RecordedAt = l.Imported.RecordedAt
			o.OccurredAt = l.OccurredAt
			return encodeLine(t, o)
		}, "line 3: type: case.opened must be the first event of case-X000001"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lines := good()
			var b strings.Builder
			for i, l := range lines {
				if i == tt.line-1 {
					b.WriteString(tt.bad(&l, lines[0]) + "\n")
					continue
				}
				b.WriteString(encodeLine(t, l) + "\n")
			}
			if tt.wantErr == "" { // the duplicate id: the later line is named, with the first
				tt.wantErr = fmt.Sprintf("line %d: event_id: %s is also the event_id of line 1", tt.line, lines[0].EventID)
			}
			dir := t.TempDir()
			_, err := runImportCmd(t, dir, []byte(b.String()))
			require.ErrorContains(t, err, tt.wantErr)
			require.ErrorContains(t, err, "1 bad line; nothing was imported")
			require.Empty(t, storedEvents(t, dir), "nothing is written")
		})
	}
}

// encodeLine is l as one line of JSON.
func encodeLine(t *testing.T, l importLineJSON) string {
	t.Helper()
	b, err := json.Marshal(l)
	require.NoError(t, err)
	return string(b)
}

// withField is l with one more member, written first.
func withField(t *testing.T, l importLineJSON, key, value string) string {
	t.Helper()
	return fmt.Sprintf(`{%q:%s,%s`, key, value, encodeLine(t, l)[1:])
}

func TestImportNamesEveryBadLine(t *testing.T) {
	lines := caseLines(t, "X000001", 15, 0)
	var b strings.Builder
	for i, l := range lines {
		if i%2 == 1 {
			l.SchemaVersion = 9
		}
		b.WriteString(encodeLine(t, l) + "\n")
	}
	dir := t.TempDir()
	_, err := runImportCmd(t, dir, []byte(b.String()))
	require.ErrorContains(t, err, "15 bad lines; nothing was imported")
	require.ErrorContains(t, err, "\n  line 2: schema_version")
	require.ErrorContains(t, err, "\n  line 30: schema_version")
	require.NotContains(t, err.Error(), "more", "all 15 named: under the limit")
	require.Empty(t, storedEvents(t, dir))
}

func TestImportRefusesAStreamOutOfOrder(t *testing.T) {
	lines := caseLines(t, "X000001", 3, 0)
	lines = append(lines, caseLines(t, "X000002", 1, 20)...)
	lines[3], lines[4] = lines[4], lines[3] // the source recorded line 5's event before line 4's
	dir := t.TempDir()
	_, err := runImportCmd(t, dir, ndjson(t, lines))
	require.ErrorContains(t, err, "line 5: imported.recorded_at: 2021-06-01T12:00:00Z is before 2021-06-01T13:00:00Z, that of line 4, "+
		"the previous event of case-X000001: a stream's events must appear in the order the source recorded them")
	require.Empty(t, storedEvents(t, dir))
}

func TestImportRefusesStreamsThatDisagreeWithTheStore(t *testing.T) {
	a := caseLines(t, "X000001", 2, 0)
	b := caseLines(t, "X000002", 2, 10)
	ctx := context.Background()
	tests := []struct {
		name    string
		given   [][]importLineJSON // imported first
		live    string             // a stream that then gets an event recorded in this ledger
		when    []importLineJSON
		flags   []string
		wantErr string
	}{
		{name: "a case with live events", given: [][]importLineJSON{a[:3]}, live: "case-X000001", when: a,
			wantErr: "case-X000001: holds 1 event recorded in this ledger; importing would put history after it (line 4 on): refused, unless --after-live"},
		{name: "stored events not first in the file", given: [][]importLineJSON{{a[0], a[2]}}, when: a,
			wantErr: "case-X000001: line 3 (event " + a[2].EventID + ") is stored but line 2, before it, is not"},
		{name: "a new case without its opening", when: a[1:],
			wantErr: "case-X000001: line 1: the case does not exist, so its first event must be case.opened, not case.closed"},
		{name: "an event id reused for another event", given: [][]importLineJSON{a[:2]},
			when:    append([]importLineJSON{a[0], {Stream: a[1].Stream, EventID: a[1].EventID, Type: "case.reopened", SchemaVersion: 1, OccurredAt: a[1].OccurredAt, Actor: a[1].Actor, Data: a[2].Data, Imported: a[1].Imported}}, a[2:]...),
			wantErr: "case-X000001: line 2: event " + a[1].EventID + " is stored with other content (type case.closed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for _, g := range tt.given {
				_, err := runImportCmd(t, dir, ndjson(t, g))
				require.NoError(t, err)
			}
			if tt.live != "" {
				st, err := sqlite.Open(filepath.Join(dir, DBFile))
				require.NoError(t, err)
				_, err = st.Append(ctx, tt.live, store.Any, domain.Envelope{EventID: uuid.NewString(), Type: "case.closed", SchemaVersion: 1,
					OccurredAt: time.Now(), Actor: domain.Actor{ID: "N01"}, Data: json.RawMessage(`{"reason":"live"}`)})
				require.NoError(t, err)
				require.NoError(t, st.Close())
			}
			before := storedEvents(t, dir)
			// Another stream in the same file, which alone would import.
			_, err := runImportCmd(t, dir, ndjson(t, append(append([]importLineJSON{}, tt.when...), b...)), tt.flags...)
			require.ErrorContains(t, err, tt.wantErr)
			require.ErrorContains(t, err, "nothing was imported")
			require.Equal(t, before, storedEvents(t, dir), "nothing is written, not even the stream that agreed")
		})
	}
}

func TestImportAfterLiveEventsWhenAsked(t *testing.T) {
	a := caseLines(t, "X000001", 2, 0)
	dir := t.TempDir()
	_, err := runImportCmd(t, dir, ndjson(t, a[:3]))
	require.NoError(t, err)
	st, err := sqlite.Open(filepath.Join(dir, DBFile))
	require.NoError(t, err)
	_, err = st.Append(context.Background(), "case-X000001", store.Any, domain.Envelope{EventID: uuid.NewString(), Type: "case.closed",
		SchemaVersion: 1, OccurredAt: time.Now(), Actor: domain.Actor{ID: "N01"}, Data: json.RawMessage(`{"reason":"live"}`)})
	require.NoError(t, err)
	require.NoError(t, st.Close())

	out, err := runImportCmd(t, dir, ndjson(t, a), "--after-live")
	require.NoError(t, err)
	require.Contains(t, out, "imported  2 events into 1 streams")
	stored := storedEvents(t, dir)
	require.Len(t, stored, 6)
	require.Nil(t, stored[3].Imported, "the live event stays where it was")
	require.Equal(t, a[4].EventID, stored[5].EventID)
	requireChainsVerify(t, stored)
}

func TestImportReportsStreamsThatMovedSinceTheyWereRead(t *testing.T) {
	// The plan is made, then a live append moves one stream before the
	// write: that stream alone is refused, whole, and named.
	ctx := context.Background()
	st, err := sqlite.Open(filepath.Join(t.TempDir(), DBFile))
	require.NoError(t, err)
	defer st.Close()
	f, err := readImportFile(ndjson(t, append(caseLines(t, "X000001", 2, 0), caseLines(t, "X000002", 2, 10)...)), time.Now(), nil)
	require.NoError(t, err)
	plans, err := planImport(ctx, st, f, false)
	require.NoError(t, err)
	_, err = st.Append(ctx, "case-X000002", store.NoStream, domain.Envelope{EventID: uuid.NewString(), Type: "case.closed",
		SchemaVersion: 1, OccurredAt: time.Now(), Actor: domain.Actor{ID: "N01"}, Data: json.RawMessage(`{}`)})
	require.NoError(t, err)

	var rep importReport
	require.NoError(t, importBulk(ctx, st, plans, 0, &rep, newProgress(nil, "")))
	require.Equal(t, 5, rep.imported)
	require.Len(t, rep.failed, 1)
	require.Equal(t, "case-X000002", rep.failed[0].Stream)
	require.ErrorIs(t, rep.failed[0].Err, store.ErrWrongRevision)
	stored := readAllEvents(t, st)
	require.Len(t, stored, 6)
	requireChainsVerify(t, stored)

	var out bytes.Buffer
	rep.print(&out, "f", "here")
	require.Contains(t, out.String(), "NOT IMPORTED case-X000002")
}

func TestImportThroughTheStorePort(t *testing.T) {
	// A store other than the embedded one (EventStoreDB) is written one
	// Append per stream; the memory store stands in for it.
	ctx := context.Background()
	data, err := sampleImport(ctx, 800, 3)
	require.NoError(t, err)
	st := memory.New()
	defer st.Close()
	rep, err := importNDJSON(ctx, st, data, importOptions{})
	require.NoError(t, err)
	require.Equal(t, 800, rep.imported)
	stored := readAllEvents(t, st)
	require.Len(t, stored, 800)
	requireChainsVerify(t, stored)

	rep, err = importNDJSON(ctx, st, data, importOptions{})
	require.NoError(t, err)
	require.Equal(t, importReport{events: 800, streams: rep.streams, skipped: 800, elapsed: rep.elapsed}, rep)
}

func TestImportUsage(t *testing.T) {
	var out, errOut bytes.Buffer
	require.ErrorIs(t, run(context.Background(), []string{"import"}, &out, &errOut), errUsage)
	require.Contains(t, errOut.String(), "usage: caseledger import")
	require.ErrorContains(t, run(context.Background(), []string{"import", "--data", t.TempDir(), filepath.Join(t.TempDir(), "missing.ndjson")}, &out, &errOut),
		"no such file")
}

func TestDigits(t *testing.T) {
	for n, want := range map[int]string{0: "0", 7: "7", 999: "999", 1000: "1,000", 1234567: "1,234,567", -1234: "-1,234"} {
		require.Equal(t, want, digits(n))
	}
}
