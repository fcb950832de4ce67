package sqlite

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/caseledger/caseledger/domain"
)

// sealed is an envelope as the envelope column stores it: everything but
// the position, which is the row's own key. The outer Position field hides
// the embedded one from encoding/json and, being nil, is omitted.
type sealed struct {
	*domain.Envelope
	Position *struct{} `json:"position,omitempty"`
}

// encode returns e's envelope JSON as stored. It is text, not a blob, so
// that SQLite's JSON functions and the sqlite3 shell read it as JSON.
//
// The column's format is json.Marshal(sealed{e}). appendSealed writes the
// same bytes directly, several times faster; an envelope it leaves aside
// (invalid UTF-8, a time not in UTC) is marshalled.
func encode(e *domain.Envelope) (string, error) {
	buf := encodeBufs.Get().(*[]byte)
	defer encodeBufs.Put(buf)
	if raw, ok := appendSealed((*buf)[:0], e); ok {
		if cap(raw) <= 64<<10 {
			*buf = raw
		}
		return string(raw), nil
	}
	raw, err := json.Marshal(sealed{Envelope: e})
	if err != nil {
		return "", fmt.Errorf("encode event %s: %w", e.EventID, err)
	}
	return string(raw), nil
}

// encodeBufs are the buffers encode writes into before copying the result
// into a string of the exact size.
var encodeBufs = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}

// appendSealed appends exactly what json.Marshal(sealed{e}) writes, for a
// sealed envelope: one whose data is JSON (sealing refuses any other) and
// whose times are in UTC, as Seal leaves them. It reports false for
// anything else, and for strings json.Marshal would repair (invalid UTF-8).
func appendSealed(dst []byte, e *domain.Envelope) ([]byte, bool) {
	ok := true
	str := func(key, v string) {
		dst = append(dst, key...)
		dst, ok = appendMarshalledString(dst, v, ok)
	}
	str(`{"event_id":`, e.EventID)
	str(`,"stream":`, e.Stream)
	dst = append(dst, `,"revision":`...)
	dst = strconv.AppendUint(dst, e.Revision, 10)
	str(`,"type":`, e.Type)
	dst = append(dst, `,"schema_version":`...)
	dst = strconv.AppendInt(dst, int64(e.SchemaVersion), 10)
	dst, ok = appendTime(append(dst, `,"occurred_at":`...), e.OccurredAt, ok)
	dst, ok = appendTime(append(dst, `,"recorded_at":`...), e.RecordedAt, ok)
	dst, ok = appendMarshalledActor(append(dst, `,"actor":`...), &e.Actor, ok)
	if e.CorrelationID != "" {
		str(`,"correlation_id":`, e.CorrelationID)
	}
	if e.CausationID != "" {
		str(`,"causation_id":`, e.CausationID)
	}
	if e.Replaces != "" {
		str(`,"replaces":`, e.Replaces)
	}
	if im := e.Imported; im != nil {
		str(`,"imported":{"system":`, im.System)
		dst, ok = appendTime(append(dst, `,"recorded_at":`...), im.RecordedAt, ok)
		dst, ok = appendMarshalledActor(append(dst, `,"actor":`...), &im.Actor, ok)
		dst = append(dst, '}')
	}
	str(`,"prev_hash":`, e.PrevHash)
	str(`,"hash":`, e.Hash)
	if len(e.Data) == 0 {
		return dst, false // not sealed
	}
	dst = appendCompactData(append(dst, `,"data":`...), e.Data)
	return append(dst, '}'), ok
}

func appendMarshalledActor(dst []byte, a *domain.Actor, ok bool) ([]byte, bool) {
	dst, ok = appendMarshalledString(append(dst, `{"id":`...), a.ID, ok)
	dst, ok = appendMarshalledString(append(dst, `,"name":`...), a.Name, ok)
	dst, ok = appendMarshalledString(append(dst, `,"organisation":`...), a.Organisation, ok)
	dst = append(dst, `,"roles":`...)
	if a.Roles == nil {
		dst = append(dst, "null"...)
	} else {
		dst = append(dst, '[')
		for i, r := range a.Roles {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst, ok = appendMarshalledString(dst, r, ok)
		}
		dst = append(dst, ']')
	}
	return append(dst, '}'), ok
}

// appendTime appends t as time.Time's MarshalJSON does, for a UTC time in
// the years it accepts.
func appendTime(dst []byte, t time.Time, ok bool) ([]byte, bool) {
	if y := t.Year(); !ok || t.Location() != time.UTC || y < 0 || y > 9999 {
		return dst, false
	}
	dst = append(dst, '"')
	dst = t.AppendFormat(dst, time.RFC3339Nano)
	return append(dst, '"'), true
}

const hexDigits = "0123456789abcdef"

// appendMarshalledString appends s quoted as json.Marshal quotes it: \" \\
// \b \f \n \r \t, \u00xx for other control characters and for < > &, and
// \u2028 \u2029. Invalid UTF-8, which json.Marshal replaces, is left to it.
func appendMarshalledString(dst []byte, s string, ok bool) ([]byte, bool) {
	if !ok {
		return dst, false
	}
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if plainInString[c] {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			return dst, false
		}
		if r == '\u2028' || r == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			start = i + size
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"'), true
}

// appendCompactData appends the JSON text data as json.Marshal writes a
// json.RawMessage: without whitespace outside strings, and with < > & and
// U+2028 U+2029 escaped. data must be valid JSON (a sealed envelope's is),
// so those characters can only be inside strings.
func appendCompactData(dst, data []byte) []byte {
	inString := false
	start := 0
	for i := 0; i < len(data); i++ {
		c := data[i]
		if !specialInData[c] {
			continue
		}
		switch {
		case c == '"':
			inString = !inString
		case c == '\\': // only inside strings: the escaped character is skipped
			i++
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			if !inString {
				dst = append(dst, data[start:i]...)
				start = i + 1
			}
		case c == '<' || c == '>' || c == '&':
			dst = append(dst, data[start:i]...)
			dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			start = i + 1
		case c == 0xE2 && i+2 < len(data) && data[i+1] == 0x80 && data[i+2]&^1 == 0xA8:
			dst = append(dst, data[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[data[i+2]&0xF])
			start = i + 3
			i += 2
		}
	}
	return append(dst, data[start:]...)
}

// plainInString marks the ASCII bytes json.Marshal copies into a string as
// they are; specialInData the bytes appendCompactData must look at.
var plainInString, specialInData [256]bool

func init() {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		plainInString[c] = !strings.ContainsRune(`"\<>&`, rune(c))
	}
	for _, c := range []byte("\"\\ \t\n\r<>&\xe2") {
		specialInData[c] = true
	}
}
