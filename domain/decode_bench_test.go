package domain_test

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/caseledger/caseledger/domain"
)

// decodeFirstValue is how Decode has always read a stored payload: its first
// JSON value, with encoding/json's Decoder.
func decodeFirstValue(typ string, data []byte) (domain.Event, error) {
	zero, err := domain.Decode(typ, domain.SchemaVersion, nil)
	if err != nil {
		return nil, err
	}
	ptr := reflect.New(reflect.TypeOf(zero))
	if len(data) > 0 {
		if err := json.NewDecoder(bytes.NewReader(data)).Decode(ptr.Interface()); err != nil {
			return nil, err
		}
	}
	return ptr.Elem().Interface().(domain.Event), nil
}

// FuzzDecodeIsFirstValue checks that Decode gives what decoding the first
// JSON value of the payload gives, error for error.
func FuzzDecodeIsFirstValue(f *testing.F) {
	for _, e := range samples() {
		data, err := json.Marshal(e)
		require.NoError(f, err)
		f.Add(e.Type(), string(data))
	}
	f.Add("case.closed", `{"reason":"x"} {"reason":"y"}`)
	f.Add("case.closed", `{"reason":"x"} x`)
	f.Add("case.closed", `{"REASON":"x","reason":"y"}`)
	f.Add("risk.assessed", `{"rsr":"high","tool":"x"}`)
	f.Fuzz(func(t *testing.T, typ, data string) {
		want, wantErr := decodeFirstValue(typ, []byte(data))
		got, err := domain.Decode(typ, domain.SchemaVersion, []byte(data))
		if wantErr != nil {
			require.Error(t, err)
			return
		}
		require.NoError(t, err)
		require.Equal(t, want, got)
	})
}

func BenchmarkDecode(b *testing.B) {
	var envs []domain.Envelope
	for _, e := range samples() {
		data, err := json.Marshal(e)
		require.NoError(b, err)
		envs = append(envs, domain.Envelope{Type: e.Type(), SchemaVersion: domain.SchemaVersion, Data: data})
	}
	b.ReportAllocs()
	for range b.N {
		if _, err := domain.FromEnvelopes(envs); err != nil {
			b.Fatal(err)
		}
	}
}
