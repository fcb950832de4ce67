package sqlite

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestValidJSONIsJSONValid(t *testing.T) {
	for _, s := range []string{
		``, ` `, `{}`, `[]`, `{"a":1}`, ` { "a" : [ 1 , 2.50 , -0 , 1e5, 1E+5, 1.5e-3 ] } `, `{"a":}`, `{"a" 1}`, `{,}`, `[1,]`, `{"a":1,}`,
		`"s"`, `"\u00e9\ud83d\ude00 \" \\ \/ \b \f \n \r \t"`, `"\x"`, `"\u00g0"`, `"\u00e"`, "\"a\x01\"", "\"\xff\"", `"`,
		`01`, `-`, `-0`, `-01`, `1.`, `.5`, `1e`, `1e+`, `+1`, `0x1`, `true`, `false`, `null`, `tru`, `nul`, `nulll`, `true false`,
		`{"a":{"b":[{"c":null}]}}`, `{"a":1}}`, `[[[]]`, `{"a":1} x`, "{\"a\":\n1}\t", `[1 2]`, `{"a":1 "b":2}`,
		strings.Repeat("[", 10000) + strings.Repeat("]", 10000), strings.Repeat("[", 10001) + strings.Repeat("]", 10001),
		strings.Repeat(`{"a":`, 10000) + "1" + strings.Repeat("}", 10000),
	} {
		require.Equal(t, json.Valid([]byte(s)), validJSON(s), "%.40q", s)
	}
}

func FuzzValidJSON(f *testing.F) {
	for _, s := range []string{`{"a":[1,2.5e-3,"x\u00e9",true,null]}`, `[{"b":{}},[]]`, `"\\\""`, `-0.0E+1`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		require.Equal(t, json.Valid([]byte(s)), validJSON(s), "%q", s)
	})
}
