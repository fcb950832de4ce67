package sqlite

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/caseledger/caseledger/domain"
)

// decode returns the envelope stored as raw at position.
func decode(position int64, raw []byte) (domain.Envelope, error) {
	var d envelopeDecoder
	return d.decode(position, string(raw))
}

// envelopeDecoder decodes stored envelopes. The envelope column holds what
// appendSealed writes, keys in one order; parse reads that shape directly,
// and anything else is left to json.Unmarshal, which gives the same
// envelope for every input parse accepts. A decoder shares the strings that
// repeat from event to event (stream, type, actor). It reads the row's
// text as the driver hands it over, a string, and copies out only what the
// envelope keeps, so nothing holds on to the row. It is not safe for
// concurrent use.
type envelopeDecoder struct {
	strs map[string]string
	// The last of each string that often repeats from one event to the next.
	stream, actorID, actorName, actorOrg string
}

// maxInterned bounds the strings a decoder keeps.
const maxInterned = 4096

func (d *envelopeDecoder) decode(position int64, raw string) (domain.Envelope, error) {
	var e domain.Envelope
	if !d.parse(raw, &e) {
		e = domain.Envelope{}
		if err := json.Unmarshal([]byte(raw), &e); err != nil {
			return domain.Envelope{}, fmt.Errorf("decode event at position %d: %w", position, err)
		}
	}
	e.Position = uint64(position)
	return e, nil
}

// parse reads raw as appendSealed writes it into e, reporting false for
// anything it does not take: another key order, escaped strings, numbers
// that are not plain digits, times that are not RFC 3339 in UTC.
func (d *envelopeDecoder) parse(raw string, e *domain.Envelope) bool {
	p := parser{b: raw, ok: true}
	e.EventID = p.key(`{"event_id":`).str()
	e.Stream = d.same(&d.stream, p.key(`,"stream":`).bytes())
	e.Revision = p.key(`,"revision":`).uint()
	e.Type = d.intern(p.key(`,"type":`).bytes())
	e.SchemaVersion = p.key(`,"schema_version":`).int()
	e.OccurredAt = p.key(`,"occurred_at":`).time()
	e.RecordedAt = p.key(`,"recorded_at":`).time()
	e.Actor = d.actor(p.key(`,"actor":`))
	if p.has(`,"correlation_id":`) {
		e.CorrelationID = p.key(`,"correlation_id":`).str()
	}
	if p.has(`,"causation_id":`) {
		e.CausationID = p.key(`,"causation_id":`).str()
	}
	if p.has(`,"replaces":`) {
		e.Replaces = p.key(`,"replaces":`).str()
	}
	if p.has(`,"imported":`) {
		im := &domain.Imported{System: p.key(`,"imported":{"system":`).str()}
		im.RecordedAt = p.key(`,"recorded_at":`).time()
		im.Actor = d.actor(p.key(`,"actor":`))
		p.key(`}`)
		e.Imported = im
	}
	e.PrevHash = p.key(`,"prev_hash":`).str()
	e.Hash = p.key(`,"hash":`).str()
	e.Data = p.key(`,"data":`).data()
	return p.ok
}

// actor reads an actor object.
func (d *envelopeDecoder) actor(p *parser) domain.Actor {
	a := domain.Actor{ID: d.same(&d.actorID, p.key(`{"id":`).bytes())}
	a.Name = d.same(&d.actorName, p.key(`,"name":`).bytes())
	a.Organisation = d.same(&d.actorOrg, p.key(`,"organisation":`).bytes())
	p.key(`,"roles":`)
	switch {
	case p.has(`null`):
		p.key(`null`)
	case p.has(`[]`):
		p.key(`[]`)
		a.Roles = []string{}
	default:
		p.key(`[`)
		for {
			a.Roles = append(a.Roles, d.intern(p.bytes()))
			if !p.ok || !p.has(`,`) {
				break
			}
			p.key(`,`)
		}
		p.key(`]`)
	}
	p.key(`}`)
	return a
}

// same returns *last if s spells it, else s interned, which becomes *last:
// events read stream by stream mostly share their stream and actor with
// the one before.
func (d *envelopeDecoder) same(last *string, s string) string {
	if s != *last {
		*last = d.intern(s)
	}
	return *last
}

// intern returns a copy of s, the same copy each time s repeats.
func (d *envelopeDecoder) intern(s string) string {
	if c, ok := d.strs[s]; ok {
		return c
	}
	c := strings.Clone(s)
	if d.strs == nil || len(d.strs) >= maxInterned {
		d.strs = make(map[string]string, 64)
	}
	d.strs[c] = c
	return c
}

// parser reads a stored envelope from the front. Once a read fails, ok is
// false and every later read returns a zero value.
type parser struct {
	b  string
	ok bool
}

// has reports whether the rest starts with lit.
func (p *parser) has(lit string) bool { return p.ok && strings.HasPrefix(p.b, lit) }

// key consumes lit, which must come next.
func (p *parser) key(lit string) *parser {
	if !p.has(lit) {
		p.ok = false
		return p
	}
	p.b = p.b[len(lit):]
	return p
}

// bytes consumes a string without escapes, all valid UTF-8, and returns its
// contents, part of the row. With no backslash, the string ends at the
// first quote.
func (p *parser) bytes() string {
	if !p.has(`"`) {
		return p.fail()
	}
	n := strings.IndexByte(p.b[1:], '"')
	if n < 0 {
		return p.fail()
	}
	s := p.b[1 : 1+n]
	ascii := true
	for i := range len(s) {
		c := s[i]
		if c < 0x20 || c == '\\' {
			return p.fail()
		}
		ascii = ascii && c < utf8.RuneSelf
	}
	if !ascii && !utf8.ValidString(s) {
		return p.fail()
	}
	p.b = p.b[n+2:]
	return s
}

// fail records that the input is not what parse takes.
func (p *parser) fail() string {
	p.ok = false
	return ""
}

// str consumes a string and returns a copy of it.
func (p *parser) str() string { return strings.Clone(p.bytes()) }

// digits consumes a run of decimal digits without a leading zero (but 0).
func (p *parser) digits() string {
	n := 0
	for n < len(p.b) && p.b[n] >= '0' && p.b[n] <= '9' {
		n++
	}
	if !p.ok || n == 0 || (n > 1 && p.b[0] == '0') {
		return p.fail()
	}
	d := p.b[:n]
	p.b = p.b[n:]
	return d
}

func (p *parser) uint() uint64 {
	d := p.digits()
	v, err := strconv.ParseUint(d, 10, 64)
	if err != nil {
		p.ok = false
	}
	return v
}

// int reads a number without a sign: the negative are left to json.Unmarshal.
func (p *parser) int() int {
	d := p.digits()
	v, err := strconv.ParseInt(d, 10, strconv.IntSize)
	if err != nil {
		p.ok = false
	}
	return int(v)
}

// time reads an instant written as appendTime writes it:
// YYYY-MM-DDTHH:MM:SS, up to nine digits of fraction, Z. It gives what
// time.Parse(time.RFC3339, s) gives, which builds the same time.Date.
func (p *parser) time() time.Time {
	s := p.bytes()
	if !rfc3339UTC(s) {
		p.ok = false
		return time.Time{}
	}
	year, month, day := num(s[0:4]), num(s[5:7]), num(s[8:10])
	hour, minute, sec := num(s[11:13]), num(s[14:16]), num(s[17:19])
	if month < 1 || month > 12 || day < 1 || day > daysIn(time.Month(month), year) || hour > 23 || minute > 59 || sec > 59 {
		p.ok = false
		return time.Time{}
	}
	nsec := 0
	if frac := s[19 : len(s)-1]; len(frac) > 0 {
		nsec = num(frac[1:])
		for range 10 - len(frac) {
			nsec *= 10
		}
	}
	return time.Date(year, time.Month(month), day, hour, minute, sec, nsec, time.UTC)
}

// rfc3339UTC reports whether s has the shape appendTime writes.
func rfc3339UTC(s string) bool {
	const shape = "dddd-dd-ddTdd:dd:dd"
	if len(s) < len(shape)+1 || len(s) > len(shape)+11 || s[len(s)-1] != 'Z' {
		return false
	}
	for i := range len(shape) {
		if c := s[i]; (shape[i] == 'd' && (c < '0' || c > '9')) || (shape[i] != 'd' && c != shape[i]) {
			return false
		}
	}
	frac := s[len(shape) : len(s)-1]
	if len(frac) == 0 {
		return true
	}
	if len(frac) < 2 || frac[0] != '.' {
		return false
	}
	for i := 1; i < len(frac); i++ {
		if c := frac[i]; c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// num is the value of a run of decimal digits.
func num(digits string) int {
	n := 0
	for i := range len(digits) {
		n = n*10 + int(digits[i]-'0')
	}
	return n
}

// daysIn is the number of days of month in year.
func daysIn(month time.Month, year int) int {
	return time.Date(year, month+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// enclosed reports whether b starts and ends as an object or an array does.
func enclosed(b string) bool {
	first, last := b[0], b[len(b)-1]
	return (first == '{' && last == '}') || (first == '[' && last == ']')
}

// data takes the rest but the closing brace as the payload, which must be
// one JSON object or array, and nothing may follow; it returns a copy.
func (p *parser) data() json.RawMessage {
	n := len(p.b)
	if !p.ok || n < 3 || p.b[n-1] != '}' || !enclosed(p.b[:n-1]) || !validJSON(p.b[:n-1]) {
		p.ok = false
		return nil
	}
	d := json.RawMessage(p.b[:n-1])
	p.b = p.b[n:]
	return d
}
