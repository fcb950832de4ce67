package main

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/caseledger/caseledger/domain"
)

// string reads a string value, null being the empty string.
func (p *lineParser) string(field string, dst *string) *lineError {
	return p.readString(field, dst, false)
}

// internedString is string for the values lines repeat (streams, types,
// actors, source systems): each is allocated once per decoder, not once
// a line, which took a third of the line check's allocations.
func (p *lineParser) internedString(field string, dst *string) *lineError {
	return p.readString(field, dst, true)
}

func (p *lineParser) readString(field string, dst *string, intern bool) *lineError {
	if p.null() {
		return nil
	}
	if !p.at('"') {
		if p.i < len(p.b) && strings.IndexByte("{[-0123456789tf", p.b[p.i]) >= 0 {
			return fieldError(field, "must be a string")
		}
		return p.syntax(field)
	}
	b, ok := p.rawBytes()
	if !ok {
		return fieldError(field, "malformed JSON string (or not UTF-8)")
	}
	if intern {
		*dst = p.d.intern(b)
	} else {
		*dst = string(b)
	}
	return nil
}

// requiredInterned reads a required string value, interned.
func (p *lineParser) requiredInterned(field string, dst *string) *lineError {
	if err := p.internedString(field, dst); err != nil {
		return err
	}
	if *dst == "" {
		return fieldError(field, "is required")
	}
	return nil
}

// uuidString reads a required event id: a UUID in its canonical form
// (lower case, with hyphens), the form ids are hashed in.
func (p *lineParser) uuidString(field string, dst *string) *lineError {
	if err := p.string(field, dst); err != nil {
		return err
	}
	if *dst == "" {
		return fieldError(field, "is required")
	}
	return checkUUID(field, *dst)
}

func (p *lineParser) optionalUUID(field string, dst *string) *lineError {
	if err := p.string(field, dst); err != nil || *dst == "" {
		return err
	}
	return checkUUID(field, *dst)
}

func checkUUID(field, s string) *lineError {
	if !canonicalUUID(s) {
		return fieldError(field, "%q is not a UUID in canonical form (lower-case hex, 8-4-4-4-12)", s)
	}
	return nil
}

// canonicalUUID reports whether s is a UUID as uuid.UUID.String writes it.
func canonicalUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := range len(s) {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
				return false
			}
		}
	}
	return true
}

// instant reads an RFC 3339 time.
func (p *lineParser) instant(field string, dst *time.Time) *lineError {
	var s string
	if err := p.string(field, &s); err != nil || s == "" {
		return err
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return fieldError(field, "%q is not an RFC 3339 time (e.g. 2024-03-01T09:30:00Z)", s)
	}
	*dst = t
	return nil
}

// schemaVersion reads a non-negative integer.
func (p *lineParser) schemaVersion(field string, dst *int) *lineError {
	if p.null() {
		return nil
	}
	p.ws()
	start := p.i
	for p.i < len(p.b) && ((p.b[p.i] >= '0' && p.b[p.i] <= '9') || strings.IndexByte("-+.eE", p.b[p.i]) >= 0) {
		p.i++
	}
	n, err := strconv.Atoi(string(p.b[start:p.i]))
	if err != nil || n < 0 || (p.i-start > 1 && p.b[start] == '0') {
		if p.i == start {
			return fieldError(field, "must be a number")
		}
		return fieldError(field, "%q is not a schema version", p.b[start:p.i])
	}
	*dst = n
	return nil
}

// actor reads an actor object.
func (p *lineParser) actor(field string, a *domain.Actor) *lineError {
	if p.null() {
		return nil
	}
	a.Roles = []string{} // absent roles are hashed as [] wherever they are
	return p.object(field, func(key []byte) *lineError {
		switch string(key) {
		case "id":
			return p.internedString("id", &a.ID)
		case "name":
			return p.internedString("name", &a.Name)
		case "organisation":
			return p.internedString("organisation", &a.Organisation)
		case "roles":
			return p.roles("roles", &a.Roles)
		}
		return fieldError(string(key), "unknown field")
	})
}

// roles reads an array of strings.
func (p *lineParser) roles(field string, dst *[]string) *lineError {
	if p.null() {
		return nil
	}
	if !p.at('[') {
		return fieldError(field, "must be an array of strings")
	}
	p.i++
	if p.at(']') {
		p.i++
		return nil
	}
	for {
		var s string
		if err := p.internedString(field, &s); err != nil {
			err.Field = fmt.Sprintf("%s[%d]", field, len(*dst))
			return err
		}
		*dst = append(*dst, s)
		switch {
		case p.at(','):
			p.i++
		case p.at(']'):
			p.i++
			return nil
		default:
			return p.syntax(field)
		}
	}
}

// imported reads the imported object.
func (p *lineParser) imported(field string, im *domain.Imported) *lineError {
	return p.object(field, func(key []byte) *lineError {
		switch string(key) {
		case "system":
			return p.internedString("system", &im.System)
		case "recorded_at":
			return p.instant("recorded_at", &im.RecordedAt)
		case "actor":
			return p.actor("actor", &im.Actor)
		}
		return fieldError(string(key), "unknown field")
	})
}

// data reads the payload: an object, kept as its JSON text for
// domain.DecodeStrict to check against its type.
func (p *lineParser) data(field string, dst *json.RawMessage) *lineError {
	if p.null() {
		return nil
	}
	if !p.at('{') {
		return fieldError(field, "must be an object")
	}
	start := p.i
	if !p.skipValue(0) {
		return fieldError(field, "malformed JSON")
	}
	*dst = p.b[start:p.i]
	return nil
}
