package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/caseledger/caseledger/domain"
)

// fuzzNow is the import's time in the decoder tests.
var fuzzNow = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// goodLine is a line every decoder accepts.
const goodLine = `{"stream":"case-X123456","event_id":"0b0f7e52-4a7e-4c35-9e0e-6a0c7b0f1d2e","type":"case.closed",` +
	`"schema_version":1,"occurred_at":"2024-03-01T09:30:00Z","actor":{"id":"migration","name":"nDelius migration",` +
	`"organisation":"HMPPS","roles":["import"]},"data":{"reason":"moved abroad"},"imported":{"system":"nDelius",` +
	`"recorded_at":"2024-03-01T11:00:00.5+01:00","actor":{"id":"D1","name":"Delius User","organisation":"NPS","roles":[]}},` +
	`"correlation_id":"export-7"}`

func TestDecodeLineAcceptsAGoodLine(t *testing.T) {
	e, err := newLineDecoder(fuzzNow).decodeLine([]byte(goodLine))
	require.Nil(t, err)
	require.Equal(t, domain.Envelope{
		EventID: "0b0f7e52-4a7e-4c35-9e0e-6a0c7b0f1d2e", Stream: "case-X123456", Type: "case.closed", SchemaVersion: 1,
		OccurredAt: time.Date(2024, 3, 1, 9, 30, 0, 0, time.UTC),
		Actor:      domain.Actor{ID: "migration", Name: "nDelius migration", Organisation: "HMPPS", Roles: []string{"import"}},
		Imported: &domain.Imported{System: "nDelius", RecordedAt: time.Date(2024, 3, 1, 11, 0, 0, 5e8, time.FixedZone("", 3600)),
			Actor: domain.Actor{ID: "D1", Name: "Delius User", Organisation: "NPS", Roles: []string{}}},
		CorrelationID: "export-7", Data: json.RawMessage(`{"reason":"moved abroad"}`),
	}, e)
}

func TestDecodeLineTreatsNullAsAbsentAndAllowsWhitespace(t *testing.T) {
	line := strings.NewReplacer(`"correlation_id":"export-7"`, `"correlation_id":null,"replaces":null`,
		`,"roles":[]`, `,"roles":null`).Replace(goodLine)
	line = strings.NewReplacer(`":`, `" : `, `,"`, ` ,	"`).Replace(line)
	e, err := newLineDecoder(fuzzNow).decodeLine([]byte(" \t" + line + " \r"))
	require.Nil(t, err)
	require.Empty(t, e.CorrelationID)
	require.Equal(t, []string{}, e.Imported.Actor.Roles, "absent roles are stored as [] (they are hashed so)")
}

func TestDecodeLineErrors(t *testing.T) {
	tests := []struct {
		name, line, wantField, wantMsg string
	}{
		{"empty object", `{}`, "stream", "is required"},
		{"an array", `[1]`, "", "not a JSON object"},
		{"cut short", goodLine[:40], "event_id", "malformed JSON string"},
		{"key cut short", `{"str`, "", "malformed JSON"},
		{"escaped key given twice", strings.Replace(goodLine, `"type":`, `"typ\u0065":"case.closed","type":`, 1), "type", "given twice"},
		{"unknown field in actor", strings.Replace(goodLine, `"id":"migration",`, `"id":"migration","grade":"PO",`, 1), "actor.grade", "unknown field"},
		{"actor not an object", strings.Replace(goodLine, `"actor":{"id":"migration"`, `"actor":"migration","x":{"id":"migration"`, 1), "actor", "must be an object"},
		{"data not an object", strings.Replace(goodLine, `{"reason":"moved abroad"}`, `"moved abroad"`, 1), "data", "must be an object"},
		{"data not JSON", strings.Replace(goodLine, `{"reason":"moved abroad"}`, `{"reason":}`, 1), "data", "malformed JSON"},
		{"schema version not a number", strings.Replace(goodLine, `"schema_version":1`, `"schema_version":"1"`, 1), "schema_version", "must be a number"},
		{"schema version a fraction", strings.Replace(goodLine, `"schema_version":1`, `"schema_version":1.0`, 1), "schema_version", `"1.0" is not a schema version`},
		{"number for a string", strings.Replace(goodLine, `"correlation_id":"export-7"`, `"correlation_id":7`, 1), "correlation_id", "must be a string"},
		{"causation not a UUID", strings.Replace(goodLine, `"correlation_id"`, `"causation_id":"x","correlation_id"`, 1), "causation_id", "not a UUID"},
		{"position", strings.Replace(goodLine, `{"stream"`, `{"position":4,"stream"`, 1), "position", "assigned by the ledger"},
		{"recorded_at", strings.Replace(goodLine, `{"stream"`, `{"recorded_at":"2024-03-01T10:00:00Z","stream"`, 1), "recorded_at", "imported.recorded_at"},
		{"org event in a case", strings.Replace(strings.Replace(goodLine, `"case.closed"`, `"officer.left"`, 1), `{"reason":"moved abroad"}`, `{"code":"N01"}`, 1),
			"type", `"officer.left" is reference data`},
		{"access.recorded", strings.Replace(goodLine, `"case.closed"`, `"access.recorded"`, 1), "type", "access logs"},
		{"surrogate escape unpaired in data", strings.Replace(goodLine, `moved abroad`, `moved \ud800 abroad`, 1), "data", "cannot be sealed"},
		{"data key given twice", strings.Replace(goodLine, `{"reason":"moved abroad"}`, `{"reason":"moved abroad","reason":"x"}`, 1), "data", `key "reason" given twice`},
		{"data key given twice, escaped", strings.Replace(goodLine, `{"reason":"moved abroad"}`, `{"reason":"moved abroad","re\u0061son":"x"}`, 1), "data", "cannot be sealed"},
		{"data not UTF-8", strings.Replace(goodLine, `moved abroad`, "moved \xff abroad", 1), "data", "not valid UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := newLineDecoder(fuzzNow).decodeLine([]byte(tt.line))
			require.NotNil(t, err)
			require.Equal(t, tt.wantField, err.Field, err.Error())
			require.Contains(t, err.Msg, tt.wantMsg)
		})
	}
}

// referenceLine is the import line as encoding/json decodes it: the
// reference the hand-written decoder is fuzzed against.
type referenceLine struct {
	Stream        string          `json:"stream"`
	EventID       string          `json:"event_id"`
	Type          string          `json:"type"`
	SchemaVersion *int            `json:"schema_version"`
	OccurredAt    string          `json:"occurred_at"`
	Actor         *referenceActor `json:"actor"`
	Data          json.RawMessage `json:"data"`
	Imported      *struct {
		System     string          `json:"system"`
		RecordedAt string          `json:"recorded_at"`
		Actor      *referenceActor `json:"actor"`
	} `json:"imported"`
	CorrelationID string `json:"correlation_id"`
	CausationID   string `json:"causation_id"`
	Replaces      string `json:"replaces"`
}

type referenceActor struct {
	ID           string   `json:"id"`
	Name         string   `json:"name"`
	Organisation string   `json:"organisation"`
	Roles        []string `json:"roles"`
}

func (a *referenceActor) actor() domain.Actor {
	if a == nil {
		return domain.Actor{}
	}
	roles := a.Roles
	if roles == nil {
		roles = []string{}
	}
	return domain.Actor{ID: a.ID, Name: a.Name, Organisation: a.Organisation, Roles: roles}
}

// referenceDecode decodes line with encoding/json, strictly (unknown
// fields, trailing data and invalid UTF-8 refused), then checks it as
// decodeLine does.
func referenceDecode(line []byte) (domain.Envelope, error) {
	if !utf8.Valid(line) {
		return domain.Envelope{}, errors.New("not UTF-8")
	}
	var l referenceLine
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&l); err != nil {
		return domain.Envelope{}, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return domain.Envelope{}, errors.New("trailing data")
	}
	if !bytes.HasPrefix(bytes.TrimLeft(line, " \t\r\n"), []byte("{")) {
		return domain.Envelope{}, errors.New("not an object")
	}
	e := domain.Envelope{Stream: l.Stream, EventID: l.EventID, Type: l.Type, SchemaVersion: -1,
		CorrelationID: l.CorrelationID, CausationID: l.CausationID, Replaces: l.Replaces, Actor: l.Actor.actor()}
	if l.SchemaVersion != nil {
		e.SchemaVersion = *l.SchemaVersion
	}
	if string(l.Data) != "null" {
		if len(l.Data) > 0 && l.Data[0] != '{' {
			return e, errors.New("data not an object")
		}
		e.Data = l.Data
	}
	parse := func(s string, dst *time.Time) error {
		if s == "" {
			return nil
		}
		t, err := time.Parse(time.RFC3339Nano, s)
		*dst = t
		return err
	}
	if err := parse(l.OccurredAt, &e.OccurredAt); err != nil {
		return e, err
	}
	if im := l.Imported; im != nil {
		e.Imported = &domain.Imported{System: im.System, Actor: im.Actor.actor()}
		if err := parse(im.RecordedAt, &e.Imported.RecordedAt); err != nil {
			return e, err
		}
	}
	for _, id := range []struct{ field, v string }{{"event_id", e.EventID}, {"causation_id", e.CausationID}, {"replaces", e.Replaces}} {
		if id.v != "" {
			if err := checkUUID(id.field, id.v); err != nil {
				return e, err
			}
		}
	}
	if err := checkLine(&e, fuzzNow, nil); err != nil {
		return e, err
	}
	if err := checkHashable(&e); err != nil {
		return e, err
	}
	return e, nil
}

// FuzzDecodeLine holds the line decoder to encoding/json: whatever it
// accepts, encoding/json accepts too, with the same result; what it refuses
// and encoding/json accepts is only what encoding/json is lax about (keys
// given twice, or in another case). Its seeds are testdata/import_lines.ndjson.
func FuzzDecodeLine(f *testing.F) {
	f.Add([]byte(goodLine))
	seeds, err := os.Open("testdata/import_lines.ndjson")
	require.NoError(f, err)
	defer seeds.Close()
	sc := bufio.NewScanner(seeds)
	for sc.Scan() {
		f.Add(append([]byte(nil), sc.Bytes()...))
	}
	require.NoError(f, sc.Err())
	f.Fuzz(func(t *testing.T, line []byte) {
		got, err := newLineDecoder(fuzzNow).decodeLine(line)
		want, refErr := referenceDecode(line)
		if err == nil {
			require.NoError(t, refErr, "accepted what encoding/json refuses: %q", line)
			require.Equal(t, want, got)
			if _, err := domain.ComputeHash(got); err != nil {
				t.Fatalf("accepted a line that cannot be sealed: %v", err)
			}
			return
		}
		require.NotEmpty(t, err.Error())
		if refErr == nil {
			require.True(t, err.Msg == "given twice" || err.Msg == "unknown field",
				"refused what encoding/json accepts, for another reason than a repeated or case-folded key: %v: %q", err, line)
		}
	})
}
