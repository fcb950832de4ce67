package sqlite

import (
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/caseledger/caseledger/domain"
)

// requireDecodedAsUnmarshalled checks that decode gives exactly what
// json.Unmarshal gives for raw, error for error. It reports whether the
// direct parser took raw.
func requireDecodedAsUnmarshalled(t *testing.T, raw string) bool {
	t.Helper()
	var want domain.Envelope
	wantErr := json.Unmarshal([]byte(raw), &want)
	want.Position = 7
	var d envelopeDecoder
	var parsed domain.Envelope
	fast := d.parse(raw, &parsed)
	got, err := d.decode(7, raw)
	if wantErr != nil {
		require.False(t, fast, "parse took what json.Unmarshal refuses: %q", raw)
		require.Error(t, err)
		return false
	}
	require.NoError(t, err)
	require.Equal(t, want, got, "decoded %q", raw)
	return fast
}

func TestDecodeIsJSONUnmarshal(t *testing.T) {
	datas := []string{
		`{}`, `{"a":1}`, ` { "reason" : "moved abroad" , "n" : [ 1 , 2.50 , -0 ] } `,
		"{\n\t\"summary\": \"Police & housing <urgent>\",\r\n \"x\": \"a\u2028b\u2029\"}",
		`{"s":"quote \" and \\ and \/ and \u00e9 \ud83d\ude00 \u2028 \u003c"}`,
		`{"nested":{"deep":[{"k":"v w"},null,true,false]}}`, `[]`, `"just a string"`, `12.5e3`, `null`,
		`{"a":"\\"}`, `{"a":"\\\"","b" : 1}`,
	}
	rng := rand.New(rand.NewPCG(5, 6))
	fast := 0
	for i := range 5000 {
		e := sealedEnvelope(t, rng, datas[rng.IntN(len(datas))], i%10 == 9)
		raw, err := encode(&e)
		require.NoError(t, err)
		requireDecodedAsUnmarshalled(t, raw)
		e = plainRandomEnvelope(t, rng)
		raw, err = encode(&e)
		require.NoError(t, err)
		if requireDecodedAsUnmarshalled(t, raw) {
			fast++
		}
	}
	require.Equal(t, 5000, fast, "envelopes without escapes take the direct parser")
}

func TestDecodeLeavesAsideWhatItDoesNotTake(t *testing.T) {
	e := plainEnvelope(t)
	raw, err := encode(&e)
	require.NoError(t, err)
	require.True(t, requireDecodedAsUnmarshalled(t, raw), "a plain envelope is parsed directly")
	for _, edit := range []struct{ from, to string }{
		{`"revision":4`, `"revision":4.0`},
		{`"revision":4`, `"revision":04`},
		{`"revision":4`, `"revision":-4`},
		{`"schema_version":1`, `"schema_version":-1`},
		{`"roles":["practitioner"]`, `"roles":[]`},
		{`"roles":["practitioner"]`, `"roles":null`},
		{`"roles":["practitioner"]`, `"roles":["a","b\u00e9"]`},
		{`"name":"Officer"`, `"name":"Off\"icer"`},
		{`"stream":"case-X123456"`, `"stream" : "case-X123456"`},
		{`"event_id":`, `"position":3,"event_id":`},
		{`Z","recorded_at"`, `+01:00","recorded_at"`},
		{`Z","recorded_at"`, `.Z","recorded_at"`},
		{`"type":"information.received"`, `"type":"information.received","type":"x"`},
		{`"data":{`, `"data": {`},
		{`2026-03-02T09:30:00Z`, `2026-02-29T09:30:00Z`},
		{`2026-03-02T09:30:00Z`, `2024-02-29T09:30:00Z`},
		{`2026-03-02T09:30:00Z`, `2026-04-31T09:30:00Z`},
		{`2026-03-02T09:30:00Z`, `2026-13-02T09:30:00Z`},
		{`2026-03-02T09:30:00Z`, `2026-00-02T09:30:00Z`},
		{`2026-03-02T09:30:00Z`, `2026-03-00T09:30:00Z`},
		{`2026-03-02T09:30:00Z`, `2026-03-02T24:00:00Z`},
		{`2026-03-02T09:30:00Z`, `2026-03-02T09:60:00Z`},
		{`2026-03-02T09:30:00Z`, `2026-03-02T09:30:60Z`},
		{`2026-03-02T09:30:00Z`, `2026-03-02T09:30:00.1234567891Z`},
		{`2026-03-02T09:30:00Z`, `2026-03-02T09:30:00.000000001Z`},
		{`2026-03-02T09:30:00Z`, `2026-03-02T09:30:00.50Z`},
		{`2026-03-02T09:30:00Z`, `0000-01-01T00:00:00Z`},
		{`2026-03-02T09:30:00Z`, `2026-03-02t09:30:00Z`},
		{`"urgency":"urgent"}}`, `"urgency":"urgent"} }`},
		{`"urgency":"urgent"}}`, `"urgency":"urgent"}`},
		{`"urgency":"urgent"}}`, `"urgency":"urgent"}}}`},
		{`"urgency":"urgent"}}`, `"urgency":"urgent"},"x":1}`},
		{`"urgency":"urgent"}}`, `"urgency":"urgent"]}`},
	} {
		require.Contains(t, raw, edit.from)
		requireDecodedAsUnmarshalled(t, strings.Replace(raw, edit.from, edit.to, 1))
	}
}

// plainRandomEnvelope is a sealed envelope whose strings need no escapes.
func plainRandomEnvelope(t *testing.T, rng *rand.Rand) domain.Envelope {
	t.Helper()
	s := func() string {
		const chars = "abcXYZ019 -._:/é€😀"
		r := []rune(chars)
		var b strings.Builder
		for range rng.IntN(12) {
			b.WriteRune(r[rng.IntN(len(r))])
		}
		return b.String()
	}
	e := domain.Envelope{EventID: s(), Type: s(), SchemaVersion: rng.IntN(3),
		OccurredAt: time.Unix(rng.Int64N(4e9), rng.Int64N(1e9)*int64(rng.IntN(2))),
		Actor:      domain.Actor{ID: s(), Name: s(), Organisation: s()}, Data: json.RawMessage(`{"a":[1,{"b":"c d"}],"e":"\u0026"}`)}
	switch rng.IntN(3) {
	case 0:
		e.Actor.Roles = []string{s(), s()}
	case 1:
		e.Actor.Roles = []string{}
	}
	if rng.IntN(2) == 0 {
		e.CorrelationID, e.CausationID, e.Replaces = s(), s(), s()
	}
	if rng.IntN(2) == 0 {
		e.Imported = &domain.Imported{System: s(), RecordedAt: time.Unix(rng.Int64N(4e9), 0), Actor: domain.Actor{ID: s(), Roles: []string{s()}}}
	}
	require.NoError(t, domain.Seal(&e, s(), rng.Uint64N(1e6), domain.ZeroHash, time.Unix(rng.Int64N(4e9), rng.Int64N(1e9))))
	return e
}

// plainEnvelope is an envelope as the ledger stores most of them.
func plainEnvelope(t *testing.T) domain.Envelope {
	t.Helper()
	e := domain.Envelope{EventID: "4d3f4d1e-5c43-4f4e-9d1b-2f55b1a0c001", Type: "information.received", SchemaVersion: 1,
		OccurredAt: time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC), CorrelationID: "c-1",
		Actor: domain.Actor{ID: "N01", Name: "Officer", Organisation: "NPS", Roles: []string{"practitioner"}},
		Data: json.RawMessage(`{"information_id":"i-1","summary":"` +
			strings.Repeat("Reported concerns & family. ", 6) + `","risk_relevant":true,"urgency":"urgent"}`)}
	require.NoError(t, domain.Seal(&e, "case-X123456", 4, domain.ZeroHash, time.Date(2026, 3, 2, 10, 0, 0, 123456789, time.UTC)))
	return e
}

func FuzzDecode(f *testing.F) {
	e := domain.Envelope{EventID: "e", Type: "t", SchemaVersion: 1, Actor: domain.Actor{ID: "a", Roles: []string{"r"}},
		Imported: &domain.Imported{System: "nDelius", Actor: domain.Actor{ID: "b"}}, Data: json.RawMessage(`{"a":[1,{"b":"c"}]}`)}
	if err := domain.Seal(&e, "case-X123456", 3, domain.ZeroHash, time.Unix(1e9, 5)); err != nil {
		f.Fatal(err)
	}
	raw, err := encode(&e)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(raw)
	f.Add(`{"event_id":"e","stream":"s","revision":0,"type":"t","schema_version":1,"occurred_at":"0001-01-01T00:00:00Z",` +
		`"recorded_at":"2026-01-01T00:00:00.5Z","actor":{"id":"","name":"","organisation":"","roles":null},"prev_hash":"","hash":"","data":{}}`)
	f.Fuzz(func(t *testing.T, raw string) {
		requireDecodedAsUnmarshalled(t, raw)
	})
}

func BenchmarkDecode(b *testing.B) {
	var t testing.T
	e := plainEnvelope(&t)
	raw, err := encode(&e)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("direct", func(b *testing.B) {
		var d envelopeDecoder
		for range b.N {
			if _, err := d.decode(1, raw); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("json.Unmarshal", func(b *testing.B) {
		for range b.N {
			var e domain.Envelope
			if err := json.Unmarshal([]byte(raw), &e); err != nil {
				b.Fatal(err)
			}
		}
	})
}
