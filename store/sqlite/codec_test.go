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

// requireEncodedAsMarshalled checks that encode writes exactly what
// json.Marshal writes for the sealed envelope e, and that it decodes back
// to e. It reports whether the direct writer took e.
func requireEncodedAsMarshalled(t *testing.T, e domain.Envelope) bool {
	t.Helper()
	want, err := json.Marshal(sealed{Envelope: &e})
	require.NoError(t, err)
	_, fast := appendSealed(nil, &e)
	got, err := encode(&e)
	require.NoError(t, err)
	require.Equal(t, string(want), got)
	back, err := decode(int64(e.Position), []byte(got))
	require.NoError(t, err)
	require.Equal(t, e.Hash, back.Hash)
	h, err := domain.ComputeHash(back)
	require.NoError(t, err)
	require.Equal(t, e.Hash, h, "what is stored still verifies")
	return fast
}

// sealedEnvelope seals an envelope with data and strings from rng.
func sealedEnvelope(t *testing.T, rng *rand.Rand, data string, odd bool) domain.Envelope {
	t.Helper()
	s := func() string { return codecString(rng, odd) }
	e := domain.Envelope{EventID: s(), Type: s(), SchemaVersion: rng.IntN(3) - 1,
		OccurredAt: time.Unix(rng.Int64N(4e9), rng.Int64N(1e9)).In(time.FixedZone("X", 3600)),
		Actor:      domain.Actor{ID: s(), Name: s(), Organisation: s()}, Data: json.RawMessage(data)}
	if rng.IntN(2) == 0 {
		e.Actor.Roles = []string{s(), s()}
	}
	if rng.IntN(2) == 0 {
		e.CorrelationID, e.CausationID, e.Replaces = s(), s(), s()
	}
	if rng.IntN(2) == 0 {
		e.Imported = &domain.Imported{System: s(), RecordedAt: time.Unix(rng.Int64N(4e9), 0), Actor: domain.Actor{ID: s()}}
	}
	require.NoError(t, domain.Seal(&e, s(), rng.Uint64N(1e6), domain.ZeroHash, time.Unix(rng.Int64N(4e9), rng.Int64N(1e9))))
	e.Position = rng.Uint64N(1e6) + 1
	return e
}

func codecString(rng *rand.Rand, odd bool) string {
	parts := []string{"a", "Z", "0", " ", `"`, `\`, "/", "<", ">", "&", "\b", "\f", "\n", "\r", "\t", "\x00", "\x1f", "\x7f",
		"é", "€", "\u2028", "\u2029", "😀", "case-X123456"}
	if odd {
		parts = append(parts, "\xff", "\xe2\x80")
	}
	var b strings.Builder
	for range rng.IntN(8) {
		b.WriteString(parts[rng.IntN(len(parts))])
	}
	return b.String()
}

func TestEncodeIsJSONMarshal(t *testing.T) {
	datas := []string{
		`{}`, `{"a":1}`, ` { "reason" : "moved abroad" , "n" : [ 1 , 2.50 , -0 ] } `,
		"{\n\t\"summary\": \"Police & housing <urgent>\",\r\n \"x\": \"a\u2028b\u2029\"}",
		`{"s":"quote \" and \\ and \/ and \u00e9 \ud83d\ude00 \u2028 \u003c"}`,
		`{"nested":{"deep":[{"k":"v w"},null,true,false]}}`, `[]`, `"just a string"`, `12.5e3`, `null`,
		`{"a":"\\"}`, `{"a":"\\\"","b" : 1}`,
	}
	rng := rand.New(rand.NewPCG(1, 2))
	fast := 0
	for i := range 5000 {
		odd := i%10 == 9
		if requireEncodedAsMarshalled(t, sealedEnvelope(t, rng, datas[rng.IntN(len(datas))], odd)) {
			fast++
		}
	}
	require.Greater(t, fast, 4000, "most envelopes take the direct writer")
}

func TestEncodeLeavesAsideWhatItCannotWrite(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	e := domain.Envelope{EventID: "e", Type: "t", Actor: domain.Actor{Name: "a\xffb"}}
	require.NoError(t, domain.Seal(&e, "case-X123456", 0, domain.ZeroHash, time.Now()))
	require.False(t, requireEncodedAsMarshalled(t, e), "invalid UTF-8 is repaired by json.Marshal")
	e = sealedEnvelope(t, rng, `{"a":1}`, false)
	e.RecordedAt = e.RecordedAt.In(time.FixedZone("BST", 3600))
	_, ok := appendSealed(nil, &e)
	require.False(t, ok, "a time not in UTC")
}

func FuzzEncode(f *testing.F) {
	f.Add(`{"reason":"moved abroad"}`, "Ann <O'Brien> & co", uint64(3))
	f.Add(" { \"a\" : [1, 2] , \"b\":\"x\u2028\" } ", "\x00\"\\", uint64(0))
	f.Add(`"s"`, "\xff", uint64(9))
	f.Fuzz(func(t *testing.T, data, name string, seed uint64) {
		e := domain.Envelope{EventID: "e", Type: "t", SchemaVersion: 1, Actor: domain.Actor{ID: "a", Name: name},
			OccurredAt: time.Unix(int64(seed%4e9), 0), Data: json.RawMessage(data)}
		if err := domain.Seal(&e, "case-X123456", seed%1000, domain.ZeroHash, time.Unix(1e9, int64(seed%1e9))); err != nil {
			return // not sealable: never encoded
		}
		requireEncodedAsMarshalled(t, e)
	})
}

func BenchmarkEncode(b *testing.B) {
	e := domain.Envelope{EventID: "4d3f4d1e-5c43-4f4e-9d1b-2f55b1a0c001", Type: "information.received", SchemaVersion: 1,
		OccurredAt: time.Now(), Actor: domain.Actor{ID: "N01", Name: "Officer", Organisation: "NPS", Roles: []string{"practitioner"}},
		Data: json.RawMessage(`{"information_id":"i-1","source":{"organisation":"Police","kind":"police"},"channel":"phone","received_by":{"officer":"N01"},"summary":"` +
			strings.Repeat("Reported concerns about contact with a child & family. ", 6) + `","risk_relevant":true,"urgency":"urgent"}`)}
	if err := domain.Seal(&e, "case-X123456", 4, domain.ZeroHash, time.Now()); err != nil {
		b.Fatal(err)
	}
	b.Run("direct", func(b *testing.B) {
		for range b.N {
			if _, err := encode(&e); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("json.Marshal", func(b *testing.B) {
		for range b.N {
			if _, err := json.Marshal(sealed{Envelope: &e}); err != nil {
				b.Fatal(err)
			}
		}
	})
}
