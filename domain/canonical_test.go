package domain

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// slowHash is the hash by the definition: json.Marshal, then jcs.Transform.
func slowHash(e Envelope) (string, error) {
	canon, err := canonicalSlow(e)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(canon)
	return hex.EncodeToString(sum[:]), nil
}

// requireSameCanonical checks that the fast writer, when it accepts e,
// writes exactly what the slow path writes, and that ComputeHash agrees
// with the slow path, errors included. It reports whether the fast writer
// accepted e.
func requireSameCanonical(t *testing.T, e Envelope) bool {
	t.Helper()
	fast, ok := appendHashed(nil, &e, nil)
	slow, slowErr := canonicalSlow(e)
	if ok {
		require.NoError(t, slowErr, "the fast writer accepted what the slow path refuses: %s", fast)
		require.Equal(t, string(slow), string(fast))
	}
	got, err := ComputeHash(e)
	want, wantErr := slowHash(e)
	require.Equal(t, wantErr != nil, err != nil, "errors differ: %v / %v", err, wantErr)
	require.Equal(t, want, got)
	return ok
}

func TestCanonicalMatchesJCSForEveryEventType(t *testing.T) {
	// Every registered payload, zero-valued and filled in, as the decider
	// would marshal it, in envelopes with and without the optional fields.
	rng := rand.New(rand.NewPCG(1, 2))
	for _, typ := range EventTypes() {
		for i := range 20 {
			v := reflect.New(registry[typ])
			if i > 0 {
				fill(rng, v.Elem(), 0)
			}
			data, err := json.Marshal(v.Interface())
			require.NoError(t, err)
			e := randomEnvelope(rng, data, false)
			e.Type = typ
			require.True(t, requireSameCanonical(t, e), "the fast writer takes every ordinary payload: %s", data)
		}
	}
}

func TestCanonicalMatchesJCSOnRandomEnvelopes(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	fast := 0
	const n = 20000
	for range n {
		odd := rng.IntN(10) == 0 // now and then, things the fast writer leaves aside
		var b bytes.Buffer
		randomJSON(rng, &b, 0, odd)
		if requireSameCanonical(t, randomEnvelope(rng, b.Bytes(), odd)) {
			fast++
		}
	}
	require.Greater(t, fast, n*8/10, "most envelopes take the fast path")
}

func TestCanonicalEdgeCases(t *testing.T) {
	tests := []struct {
		name     string
		data     string
		wantFast bool
	}{
		{"empty object", `{}`, true},
		{"absent data", ``, true},
		{"whitespace around", " \t\n{ \"b\" : 1 , \"a\" : [ 1 , 2 ] }\r\n", true},
		{"keys out of order, nested", `{"z":{"y":1,"x":[{"b":1,"a":2}]},"a":null}`, true},
		{"key order by UTF-16", `{"\u20ac":1,"\ud83d\ude00":2,"\ufb01":3,"a":4}`, false},
		{"literal key order by UTF-16", `{"€":1,"😀":2,"ﬁ":3,"a":4,"é":5}`, true},
		{"keys sharing a prefix", `{"ab":1,"a":2,"abc":3,"b":4}`, true},
		{"numbers", `[0,-0,1,-1,123456789012345,1234567890123456,9007199254740993,1.0,1.5e3,1E-7,1e21,1e+21,0.1,-0.0,5e-324,1.7976931348623157e308]`, true},
		{"number out of range", `[1e400]`, false},
		{"escapes", `["a\"b\\c\/d\b\f\n\r\t","\u0000\u001f\u0020\u007f\u00e9\u2028\ud83d\ude00","<>&"]`, true},
		{"lone high surrogate", `["\ud800"]`, false},
		{"lone low surrogate", `["\udc00"]`, false},
		{"invalid UTF-8", "[\"\xff\"]", false},
		{"raw control character", "[\"a\x01\"]", false},
		{"duplicate key", `{"a":1,"a":2}`, false},
		{"duplicate key after sorting", `{"b":1,"a":2,"b":3}`, false},
		{"escaped key", `{"\u0061":1}`, false},
		{"trailing data", `{} {}`, false},
		{"not JSON", `{"a":}`, false},
		{"leading zero", `[01]`, false},
		{"bare literals", `[true,false,null]`, true},
		{"top-level scalar", `"x"`, true},
		{"deep", strings.Repeat("[", 600) + strings.Repeat("]", 600), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := randomEnvelope(rand.New(rand.NewPCG(5, 6)), []byte(tt.data), false)
			require.Equal(t, tt.wantFast, requireSameCanonical(t, e))
		})
	}
}

func TestCanonicalEnvelopeFieldsEdgeCases(t *testing.T) {
	base := randomEnvelope(rand.New(rand.NewPCG(7, 8)), []byte(`{"a":1}`), false)
	tests := []struct {
		name     string
		mutate   func(e *Envelope)
		wantFast bool
	}{
		{"as it is", func(*Envelope) {}, true},
		{"nil roles", func(e *Envelope) { e.Actor.Roles = nil }, true},
		{"imported actor nil roles", func(e *Envelope) {
			e.Imported = &Imported{System: "nDelius", RecordedAt: time.Unix(1, 5).In(time.FixedZone("X", 3600))}
		}, true},
		{"imported in year 10000", func(e *Envelope) {
			e.Imported = &Imported{System: "x", RecordedAt: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}
		}, false},
		{"occurred in year 10000", func(e *Envelope) { e.OccurredAt = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC) }, true},
		{"occurred before year 0", func(e *Envelope) { e.OccurredAt = time.Date(-5, 1, 1, 0, 0, 0, 0, time.UTC) }, true},
		{"zero times", func(e *Envelope) { e.OccurredAt, e.RecordedAt = time.Time{}, time.Time{} }, true},
		{"control characters and quotes", func(e *Envelope) { e.Actor.Name = "a\"b\\c\x00\x1f\x7f\u2028<&>" }, true},
		{"invalid UTF-8", func(e *Envelope) { e.Actor.Name = "a\xffb" }, false},
		{"revision 2^53", func(e *Envelope) { e.Revision = 1 << 53 }, true},
		{"revision past 2^53", func(e *Envelope) { e.Revision = 1<<53 + 1 }, false},
		{"largest revision", func(e *Envelope) { e.Revision = math.MaxUint64 }, false},
		{"negative schema version", func(e *Envelope) { e.SchemaVersion = -3 }, true},
		{"huge schema version", func(e *Envelope) { e.SchemaVersion = math.MinInt64 }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := base
			e.Actor.Roles = append([]string(nil), base.Actor.Roles...)
			tt.mutate(&e)
			require.Equal(t, tt.wantFast, requireSameCanonical(t, e))
		})
	}
}

func FuzzCanonicalHash(f *testing.F) {
	f.Add([]byte(`{"reason":"moved abroad","n":1.5e3}`), "case-X123456", "Ann \"O'Brien\"", uint64(3), false)
	f.Add([]byte(`{"b":[1,{"d":null,"c":true}],"a":"\u00e9\ud83d\ude00"}`), "org", "\x00", uint64(0), true)
	f.Add([]byte(`[1e400]`), "case-A000000", "\xff", uint64(1<<53+1), true)
	f.Add([]byte(`{"€":1,"😀":2,"ﬁ":3}`), "", "", uint64(7), false)
	f.Fuzz(func(t *testing.T, data []byte, stream, name string, revision uint64, imported bool) {
		e := randomEnvelope(rand.New(rand.NewPCG(revision, uint64(len(data)))), data, false)
		e.Stream, e.Actor.Name, e.Revision = stream, name, revision
		if !imported {
			e.Imported = nil
		}
		requireSameCanonical(t, e)
	})
}

func BenchmarkComputeHash(b *testing.B) {
	rng := rand.New(rand.NewPCG(9, 10))
	data, err := json.Marshal(InformationReceived{InformationID: "i-1", Source: Source{Organisation: "Police", Kind: "police"},
		Channel: "phone", ReceivedBy: ReceivedBy{Officer: "N01"}, Summary: strings.Repeat("Reported concerns about contact with a child. ", 8),
		RiskRelevant: true, Urgency: "urgent"})
	require.NoError(b, err)
	e := randomEnvelope(rng, data, false)
	b.Run("fast", func(b *testing.B) {
		for range b.N {
			if _, err := ComputeHash(e); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("jcs", func(b *testing.B) {
		for range b.N {
			if _, err := slowHash(e); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// randomEnvelope is an envelope with data and random other fields; odd
// adds strings the fast writer leaves to the slow path.
func randomEnvelope(rng *rand.Rand, data []byte, odd bool) Envelope {
	zone := time.FixedZone("Z"+strconv.Itoa(rng.IntN(5)), 3600*(rng.IntN(25)-12))
	at := func() time.Time {
		return time.Unix(rng.Int64N(4e9), rng.Int64N(1e9)*int64(rng.IntN(2))).In(zone)
	}
	e := Envelope{
		EventID: randomString(rng, odd), Stream: randomString(rng, odd), Revision: rng.Uint64N(1 << 20),
		Type: randomString(rng, odd), SchemaVersion: rng.IntN(3), OccurredAt: at(), RecordedAt: at(),
		Actor:    Actor{ID: randomString(rng, odd), Name: randomString(rng, odd), Organisation: randomString(rng, odd)},
		PrevHash: randomString(rng, odd), Data: data,
	}
	for range rng.IntN(3) {
		e.Actor.Roles = append(e.Actor.Roles, randomString(rng, odd))
	}
	if rng.IntN(2) == 0 {
		e.Actor.Roles = []string{}
	}
	if rng.IntN(2) == 0 {
		e.CorrelationID, e.CausationID, e.Replaces = randomString(rng, odd), randomString(rng, odd), randomString(rng, odd)
	}
	if rng.IntN(2) == 0 {
		e.Imported = &Imported{System: randomString(rng, odd), RecordedAt: at(),
			Actor: Actor{ID: randomString(rng, odd), Roles: []string{randomString(rng, odd)}}}
		if rng.IntN(2) == 0 {
			e.Imported.Actor.Roles = nil
		}
	}
	return e
}

// randomString is a string of ASCII, escapes-to-be, and non-ASCII
// characters inside and outside the BMP; odd may add invalid UTF-8.
func randomString(rng *rand.Rand, odd bool) string {
	const pool = "abcXYZ019 -_.:\"\\/<>&\x00\x01\x1f\x7f\t\n"
	var b strings.Builder
	for range rng.IntN(12) {
		switch rng.IntN(8) {
		case 0:
			b.WriteRune([]rune("éß€ﬁ\u2028\uffff😀𝄞中")[rng.IntN(9)])
		case 1:
			if odd {
				b.WriteByte(0x80 + byte(rng.IntN(0x80)))
				continue
			}
			b.WriteByte('q')
		default:
			b.WriteByte(pool[rng.IntN(len(pool))])
		}
	}
	return b.String()
}

// randomJSON writes a random JSON value, with insignificant whitespace,
// escapes and number forms; odd may add numbers and strings the fast writer
// leaves aside.
func randomJSON(rng *rand.Rand, b *bytes.Buffer, depth int, odd bool) {
	space := func() {
		if rng.IntN(4) == 0 {
			b.WriteString([]string{" ", "\n", "\t", "\r", "  "}[rng.IntN(5)])
		}
	}
	space()
	kind := rng.IntN(8)
	if depth == 0 {
		kind = 0
	} else if depth > 4 {
		kind = 2 + rng.IntN(6)
	}
	switch kind {
	case 0:
		b.WriteByte('{')
		n := rng.IntN(8)
		keys := map[string]bool{}
		for i := 0; i < n; i++ {
			k := randomKey(rng, odd)
			if keys[k] && !odd {
				continue
			}
			keys[k] = true
			if len(keys) > 1 {
				b.WriteByte(',')
			}
			space()
			b.WriteString(k)
			space()
			b.WriteByte(':')
			randomJSON(rng, b, depth+1, odd)
		}
		space()
		b.WriteByte('}')
	case 1:
		b.WriteByte('[')
		for i := range rng.IntN(6) {
			if i > 0 {
				b.WriteByte(',')
			}
			randomJSON(rng, b, depth+1, odd)
		}
		b.WriteByte(']')
	case 2, 3:
		b.WriteString(randomNumber(rng, odd))
	case 4, 5:
		b.WriteString(randomJSONString(rng, odd))
	default:
		b.WriteString([]string{"true", "false", "null"}[rng.IntN(3)])
	}
	space()
}

// randomKey is a quoted key: mostly plain, sometimes with characters whose
// UTF-16 order differs from their code point order.
func randomKey(rng *rand.Rand, odd bool) string {
	keys := []string{"a", "b", "ab", "abc", "B", "_x", "reason", "sentence_id", "é", "€", "ﬁ", "😀", "😀a", "𝄞", "\uffff", "a\u00e9"}
	if odd && rng.IntN(3) == 0 {
		return []string{`"\u0061"`, `"a\"b"`, `"\ud83d\ude00"`, `"\n"`}[rng.IntN(4)]
	}
	return `"` + keys[rng.IntN(len(keys))] + `"`
}

// randomNumber is a JSON number in one of its many forms.
func randomNumber(rng *rand.Rand, odd bool) string {
	forms := []func() string{
		func() string { return strconv.Itoa(rng.IntN(1000) - 500) },
		func() string { return strconv.FormatInt(rng.Int64N(1<<53), 10) },
		func() string { return strconv.FormatFloat(rng.NormFloat64()*1e3, 'f', rng.IntN(6), 64) },
		func() string { return strconv.FormatFloat(rng.NormFloat64(), 'e', rng.IntN(17), 64) },
		func() string { return fmt.Sprintf("%dE%+d", rng.IntN(100), rng.IntN(60)-30) },
		func() string { return "-0" },
		func() string { return "0.000001" },
		func() string { return "1e21" },
		func() string { return "123456789012345678901234567890" },
	}
	if odd && rng.IntN(4) == 0 {
		return []string{"1e400", "-1e999", "01", "1.", ".5", "+1", "0x10", "1e"}[rng.IntN(8)]
	}
	return forms[rng.IntN(len(forms))]()
}

// randomJSONString is a quoted JSON string with escapes of every kind.
func randomJSONString(rng *rand.Rand, odd bool) string {
	parts := []string{"abc", " ", `\"`, `\\`, `\/`, `\b`, `\f`, `\n`, `\r`, `\t`, `\u0000`, `\u001F`, `\u0041`,
		`\u00e9`, `\u20AC`, `\u2028`, `\ud83d\ude00`, `\uD834\uDD1E`, "é", "😀", "<>&", "\u007f"}
	if odd {
		parts = append(parts, `\ud800`, `\udc00`, `\ud800x`, "\xff", "\xc3", "\x01", `\x`, `\u12`)
	}
	var b strings.Builder
	b.WriteByte('"')
	for range rng.IntN(6) {
		b.WriteString(parts[rng.IntN(len(parts))])
	}
	b.WriteByte('"')
	return b.String()
}

// fill sets every field of v to a random value, so that each event type's
// payload is marshalled with its real shape.
func fill(rng *rand.Rand, v reflect.Value, depth int) {
	switch v.Kind() {
	case reflect.String:
		v.SetString(randomString(rng, false))
	case reflect.Bool:
		v.SetBool(rng.IntN(2) == 0)
	case reflect.Int, reflect.Int64, reflect.Int32:
		v.SetInt(rng.Int64N(1000) - 10)
	case reflect.Uint, reflect.Uint64, reflect.Uint32:
		v.SetUint(rng.Uint64N(1000))
	case reflect.Float64, reflect.Float32:
		v.SetFloat(math.Round(rng.Float64()*10000) / 100)
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[time.Time]() {
			v.Set(reflect.ValueOf(time.Unix(rng.Int64N(4e9), rng.Int64N(1e9)).In(time.FixedZone("", 3600))))
			return
		}
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fill(rng, v.Field(i), depth+1)
			}
		}
	case reflect.Slice:
		if depth > 3 {
			return
		}
		n := rng.IntN(4)
		s := reflect.MakeSlice(v.Type(), n, n)
		for i := range n {
			fill(rng, s.Index(i), depth+1)
		}
		v.Set(s)
	case reflect.Pointer:
		if depth > 3 || rng.IntN(2) == 0 {
			return
		}
		p := reflect.New(v.Type().Elem())
		fill(rng, p.Elem(), depth+1)
		v.Set(p)
	case reflect.Map:
		if v.Type().Key().Kind() != reflect.String || depth > 3 {
			return
		}
		m := reflect.MakeMap(v.Type())
		for range rng.IntN(3) {
			val := reflect.New(v.Type().Elem()).Elem()
			fill(rng, val, depth+1)
			m.SetMapIndex(reflect.ValueOf(randomString(rng, false)).Convert(v.Type().Key()), val)
		}
		v.Set(m)
	}
}
