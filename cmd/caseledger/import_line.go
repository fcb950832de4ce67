package main

import (
	"bytes"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/caseledger/caseledger/domain"
)

// lineError is a refused line of an import file: its number, the field at
// fault (empty when the line as a whole is), and why.
type lineError struct {
	Line  int
	Field string
	Msg   string
}

func (e *lineError) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("line %d: %s", e.Line, e.Msg)
	}
	return fmt.Sprintf("line %d: %s: %s", e.Line, e.Field, e.Msg)
}

// fieldError is a lineError before its line number is known.
func fieldError(field, format string, args ...any) *lineError {
	return &lineError{Field: field, Msg: fmt.Sprintf(format, args...)}
}

// knownTypes are the event types the domain knows, each with its zero
// value, which says what kind of stream it belongs to.
var knownTypes = func() map[string]domain.Event {
	m := map[string]domain.Event{}
	for _, t := range domain.EventTypes() {
		zero, err := domain.Decode(t, domain.SchemaVersion, nil)
		if err != nil {
			panic(err) // the domain lists a type it cannot decode
		}
		m[t] = zero
	}
	return m
}()

// ledgerFields are the envelope fields the ledger assigns: a line that
// gives one is refused rather than silently overruled.
var ledgerFields = map[string]bool{"revision": true, "position": true, "recorded_at": true, "prev_hash": true, "hash": true}

// lineDecoder decodes the lines of an import file. Each goroutine
// decoding lines has its own.
type lineDecoder struct {
	now      time.Time         // the import's own time, which no time of the source may be after
	streams  map[string]string // the streams seen good so far, with their CRN
	interned map[string]string // strings lines repeat, each kept once
}

func newLineDecoder(now time.Time) *lineDecoder {
	return &lineDecoder{now: now, streams: map[string]string{}, interned: map[string]string{}}
}

// maxInterned bounds what a decoder interns: past it, a string not seen
// yet is allocated as it comes (a file naming more than this many actors,
// say), so a file of unique values costs a lookup a value, not memory.
const maxInterned = 1 << 14

// intern returns b as a string, the same string for the same bytes.
func (d *lineDecoder) intern(b []byte) string {
	if s, ok := d.interned[string(b)]; ok {
		return s
	}
	s := string(b)
	if len(d.interned) < maxInterned {
		d.interned[s] = s
	}
	return s
}

// decodeLine decodes one line of an import file (docs/IMPORT.md) into an
// unsealed envelope with Stream set, checking every field. The returned
// error is a *lineError without its line number.
func (d *lineDecoder) decodeLine(line []byte) (domain.Envelope, *lineError) {
	var e domain.Envelope
	var imported *domain.Imported
	schema := -1
	p := lineParser{b: line, d: d}
	err := p.object("", func(key []byte) *lineError {
		switch string(key) {
		case "stream":
			return p.requiredInterned("stream", &e.Stream)
		case "event_id":
			return p.uuidString("event_id", &e.EventID)
		case "type":
			return p.requiredInterned("type", &e.Type)
		case "schema_version":
			return p.schemaVersion("schema_version", &schema)
		case "occurred_at":
			return p.instant("occurred_at", &e.OccurredAt)
		case "actor":
			return p.actor("actor", &e.Actor)
		case "data":
			return p.data("data", &e.Data)
		case "imported":
			if p.null() {
				return nil
			}
			imported = &domain.Imported{}
			return p.imported("imported", imported)
		case "correlation_id":
			return p.string("correlation_id", &e.CorrelationID)
		case "causation_id":
			return p.optionalUUID("causation_id", &e.CausationID)
		case "replaces":
			return p.optionalUUID("replaces", &e.Replaces)
		}
		if ledgerFields[string(key)] {
			return fieldError(string(key), "is assigned by the ledger and must be left out (the source's recording time goes in imported.recorded_at)")
		}
		return fieldError(string(key), "unknown field")
	})
	if err != nil {
		return e, err
	}
	if err := p.end(); err != nil {
		return e, err
	}
	e.Imported = imported
	e.SchemaVersion = schema
	if err := checkLine(&e, d.now, d.streams); err != nil {
		return e, err
	}
	return e, p.checkSealable(&e)
}

// checkSealable refuses data that decodes but could not be sealed: the
// hash's canonical JSON (RFC 8785) refuses invalid UTF-8, unpaired
// surrogates and keys given twice, which encoding/json lets through, and a
// line must never pass the check and then fail halfway through the import.
// Without escapes, the keys' bytes are the keys, so the parser's count of
// repeated keys and a UTF-8 check are exact; with escapes, the event is
// hashed as the store will hash it.
func (p *lineParser) checkSealable(e *domain.Envelope) *lineError {
	switch {
	case p.dataRepeats != "":
		return fieldError("data", "key %q given twice", p.dataRepeats)
	case !utf8.Valid(e.Data):
		return fieldError("data", "is not valid UTF-8")
	case bytes.IndexByte(e.Data, '\\') >= 0:
		return checkHashable(e)
	}
	return nil
}

// checkHashable refuses an event the store could not hash.
func checkHashable(e *domain.Envelope) *lineError {
	if _, err := domain.ComputeHash(*e); err != nil {
		return fieldError("data", "cannot be sealed: %s", strings.TrimPrefix(err.Error(), "canonicalise event "+e.EventID+": "))
	}
	return nil
}

// checkLine checks what decodeLine cannot check field by field: presence,
// and how the fields agree. streams, if not nil, remembers the stream
// names found good, with their CRN.
func checkLine(e *domain.Envelope, now time.Time, streams map[string]string) *lineError {
	for _, req := range []struct {
		field string
		ok    bool
	}{
		{"stream", e.Stream != ""}, {"event_id", e.EventID != ""}, {"type", e.Type != ""},
		{"schema_version", e.SchemaVersion >= 0}, {"occurred_at", !e.OccurredAt.IsZero()},
		{"actor", e.Actor.ID != ""}, {"data", len(e.Data) > 0}, {"imported", e.Imported != nil},
	} {
		if !req.ok {
			return fieldError(req.field, "is required")
		}
	}
	if e.SchemaVersion != domain.SchemaVersion {
		return fieldError("schema_version", "%d is not a known schema version (want %d)", e.SchemaVersion, domain.SchemaVersion)
	}
	crn, known := streams[e.Stream]
	if !known {
		var err *lineError
		if crn, err = importStream(e.Stream); err != nil {
			return err
		}
		if streams != nil {
			streams[e.Stream] = crn
		}
	}
	zero, known := knownTypes[e.Type]
	if !known {
		return fieldError("type", "%q is not a known event type", e.Type)
	}
	if err := checkTypeFits(zero, e.Stream); err != nil {
		return err
	}
	ev, derr := domain.DecodeStrict(e.Type, e.Data)
	if derr != nil {
		return fieldError("data", "%s", strings.TrimPrefix(derr.Error(), "decode "+e.Type+": "))
	}
	if opened, ok := ev.(domain.CaseOpened); ok && opened.CRN != crn {
		return fieldError("data.crn", "%q is not the CRN of stream %s", opened.CRN, e.Stream)
	}
	im := e.Imported
	switch {
	case im.System == "":
		return fieldError("imported.system", "is required")
	case im.RecordedAt.IsZero():
		return fieldError("imported.recorded_at", "is required")
	case im.Actor.ID == "":
		return fieldError("imported.actor.id", "is required")
	case im.RecordedAt.After(now.Add(domain.MaxSkew)):
		return fieldError("imported.recorded_at", "%s is in the future", domain.FormatTime(im.RecordedAt))
	case e.OccurredAt.After(im.RecordedAt.Add(domain.MaxSkew)):
		return fieldError("occurred_at", "%s is after imported.recorded_at %s: the source cannot have recorded it before it happened",
			domain.FormatTime(e.OccurredAt), domain.FormatTime(im.RecordedAt))
	}
	return nil
}

// importStream checks that stream is one an import may write, and returns
// its CRN (empty for org).
func importStream(stream string) (string, *lineError) {
	if stream == domain.OrgStream {
		return "", nil
	}
	if crn, ok := strings.CutPrefix(stream, "case-"); ok && domain.ValidCRN(crn) {
		return crn, nil
	}
	if strings.HasPrefix(stream, "access-") {
		return "", fieldError("stream", "%q: access logs are the ledger's own record of reads and are not imported", stream)
	}
	return "", fieldError("stream", "%q: want %q or case-{CRN} (a capital letter and six digits)", stream, domain.OrgStream)
}

// checkTypeFits refuses an event in a stream that cannot hold its type:
// reference data belongs to org, case events to a case.
func checkTypeFits(ev domain.Event, stream string) *lineError {
	switch ev.(type) {
	case domain.EntryRetracted:
		return nil // either stream
	case domain.AccessRecorded:
		return fieldError("type", "%q: access logs are the ledger's own record of reads and are not imported", ev.Type())
	case domain.ProviderRegistered, domain.TeamRegistered, domain.OfficerRegistered, domain.OfficerMoved,
		domain.OfficerAbsenceRecorded, domain.OfficerAbsenceCancelled, domain.OfficerLeft:
		if stream != domain.OrgStream {
			return fieldError("type", "%q is reference data: it belongs to stream %q, not %s", ev.Type(), domain.OrgStream, stream)
		}
		return nil
	}
	if stream == domain.OrgStream {
		return fieldError("type", "%q is a case event: it belongs to a case-{CRN} stream, not %s", ev.Type(), stream)
	}
	return nil
}
