package domain

import (
	"strconv"
	"time"
	"unicode/utf8"
)

// This file writes the RFC 8785 (JCS) canonical JSON of an envelope as it is
// hashed directly, instead of marshalling the hashed struct and handing the
// result to jcs.Transform, which builds a tree of strings for every value and
// dominated the cost of sealing. The contract is byte-identity with that
// slower path: canonical_test.go compares the two over many envelopes and a
// fuzz target over arbitrary ones. Whatever the fast writer does not handle
// exactly the way the slow path would (invalid UTF-8, numbers beyond 2^53,
// odd escapes, duplicate keys, years json.Marshal refuses, ...) makes it give
// up, and ComputeHash then takes the slow path, which also produces its errors.

// maxCanonicalDepth bounds the nesting the fast writer follows; deeper
// payloads take the slow path, which has its own limit.
const maxCanonicalDepth = 512

// maxExactInt is the largest integer every float64 up to which is exact:
// JCS writes numbers as ECMAScript doubles, so an integer up to it is
// written as its plain decimal digits.
const maxExactInt = 1 << 53

// appendHashed appends the canonical JSON of e without hash and position,
// exactly as jcs.Transform(json.Marshal(hashed)) would write it, or reports
// false when e holds something it leaves to the slow path. Keys are written
// in the sorted order JCS gives them. c is scratch space, reused between
// calls to spare allocations; nil will do.
func appendHashed(dst []byte, e *Envelope, c *canonicaliser) ([]byte, bool) {
	ok := true
	str := func(key, v string) { // a member with a string value
		dst = append(dst, key...)
		dst, ok = appendGoString(dst, v, ok)
	}
	dst = append(dst, `{"actor":`...)
	dst, ok = appendActor(dst, &e.Actor, true, ok)
	if e.CausationID != "" {
		str(`,"causation_id":`, e.CausationID)
	}
	if e.CorrelationID != "" {
		str(`,"correlation_id":`, e.CorrelationID)
	}
	dst = append(dst, `,"data":`...)
	if len(e.Data) == 0 {
		dst = append(dst, "{}"...)
	} else if ok {
		if c == nil {
			c = &canonicaliser{}
		}
		dst, ok = c.appendJSON(dst, e.Data)
	}
	str(`,"event_id":`, e.EventID)
	if e.Imported != nil && ok {
		dst, ok = appendImported(dst, e.Imported)
	}
	dst = append(dst, `,"occurred_at":"`...)
	dst = e.OccurredAt.UTC().AppendFormat(dst, time.RFC3339Nano)
	dst = append(dst, '"')
	str(`,"prev_hash":`, e.PrevHash)
	dst = append(dst, `,"recorded_at":"`...)
	dst = e.RecordedAt.UTC().AppendFormat(dst, time.RFC3339Nano)
	dst = append(dst, '"')
	if e.Replaces != "" {
		str(`,"replaces":`, e.Replaces)
	}
	if e.Revision > maxExactInt || e.SchemaVersion > maxExactInt || e.SchemaVersion < -maxExactInt {
		return dst, false
	}
	dst = append(dst, `,"revision":`...)
	dst = strconv.AppendUint(dst, e.Revision, 10)
	dst = append(dst, `,"schema_version":`...)
	dst = strconv.AppendInt(dst, int64(e.SchemaVersion), 10)
	str(`,"stream":`, e.Stream)
	str(`,"type":`, e.Type)
	return append(dst, '}'), ok
}

// appendActor appends an actor's members in key order. nilRolesEmpty says
// whether nil roles are written as [] (the envelope's actor) or null (the
// imported actor, which ComputeHash has always hashed as json.Marshal
// writes it).
func appendActor(dst []byte, a *Actor, nilRolesEmpty, ok bool) ([]byte, bool) {
	dst = append(dst, `{"id":`...)
	dst, ok = appendGoString(dst, a.ID, ok)
	dst = append(dst, `,"name":`...)
	dst, ok = appendGoString(dst, a.Name, ok)
	dst = append(dst, `,"organisation":`...)
	dst, ok = appendGoString(dst, a.Organisation, ok)
	dst = append(dst, `,"roles":`...)
	switch {
	case a.Roles == nil && !nilRolesEmpty:
		dst = append(dst, "null"...)
	default:
		dst = append(dst, '[')
		for i, r := range a.Roles {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst, ok = appendGoString(dst, r, ok)
		}
		dst = append(dst, ']')
	}
	return append(dst, '}'), ok
}

// appendImported appends the imported member. Its time is marshalled by
// time.Time's MarshalJSON, which refuses years outside 0-9999: those are
// left to the slow path, which reports the error.
func appendImported(dst []byte, im *Imported) ([]byte, bool) {
	t := im.RecordedAt.UTC()
	if y := t.Year(); y < 0 || y > 9999 {
		return dst, false
	}
	dst = append(dst, `,"imported":{"actor":`...)
	dst, ok := appendActor(dst, &im.Actor, false, true)
	dst = append(dst, `,"recorded_at":"`...)
	dst = t.AppendFormat(dst, time.RFC3339Nano)
	dst = append(dst, `","system":`...)
	dst, ok = appendGoString(dst, im.System, ok)
	return append(dst, '}'), ok
}

// appendGoString appends s as JCS writes a string: quoted, with \" \\ \b \f
// \n \r \t and \u00xx for the other control characters escaped, and
// everything else, non-ASCII included, as it is. json.Marshal would replace
// invalid UTF-8 with U+FFFD; such strings go to the slow path instead.
func appendGoString(dst []byte, s string, ok bool) ([]byte, bool) {
	if !ok {
		return dst, false
	}
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				return dst, false
			}
			i += size
			continue
		}
		if c >= 0x20 && c != '"' && c != '\\' {
			i++
			continue
		}
		dst = append(dst, s[start:i]...)
		dst = appendEscaped(dst, c)
		i++
		start = i
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"'), true
}

// appendEscaped appends the JCS escape of an ASCII character that needs one.
func appendEscaped(dst []byte, c byte) []byte {
	switch c {
	case '"':
		return append(dst, `\"`...)
	case '\\':
		return append(dst, `\\`...)
	case '\b':
		return append(dst, `\b`...)
	case '\f':
		return append(dst, `\f`...)
	case '\n':
		return append(dst, `\n`...)
	case '\r':
		return append(dst, `\r`...)
	case '\t':
		return append(dst, `\t`...)
	}
	const hexDigits = "0123456789abcdef"
	return append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
}
