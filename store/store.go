package store

import (
	"errors"
	"fmt"
	"time"

	"github.com/caseledger/caseledger/domain"
)

// Expected is the revision a stream must be at for an append to proceed.
type Expected struct {
	kind     expectedKind
	revision uint64
}

type expectedKind uint8

const (
	expectAny expectedKind = iota
	expectNoStream
	expectExact
)

// Any accepts the stream at whatever revision it is, or absent.
var Any = Expected{kind: expectAny}

// NoStream requires the stream not to exist yet.
var NoStream = Expected{kind: expectNoStream}

// Exact requires the stream's last event to be at revision r.
func Exact(r uint64) Expected { return Expected{kind: expectExact, revision: r} }

// IsAny, IsNoStream and Revision describe e.
func (e Expected) IsAny() bool      { return e.kind == expectAny }
func (e Expected) IsNoStream() bool { return e.kind == expectNoStream }

// Revision returns the exact revision and true, or false when e is not Exact.
func (e Expected) Revision() (uint64, bool) { return e.revision, e.kind == expectExact }

// Allows reports whether a stream whose last revision is last (exists false
// when it has no events) satisfies e.
func (e Expected) Allows(last uint64, exists bool) bool {
	switch e.kind {
	case expectNoStream:
		return !exists
	case expectExact:
		return exists && last == e.revision
	}
	return true
}

func (e Expected) String() string {
	switch e.kind {
	case expectNoStream:
		return "no stream"
	case expectExact:
		return fmt.Sprintf("revision %d", e.revision)
	}
	return "any"
}

// Appended is the result of an append: the sealed events as stored, and the
// revision and position of the last one.
type Appended struct {
	Revision   uint64
	Position   uint64
	RecordedAt time.Time
	Events     []domain.Envelope
	// Duplicate is true when every event id had been stored before and nothing
	// new was written; Events are then the stored originals.
	Duplicate bool
}

// Errors every store translates its backend's failures into.
var (
	// ErrWrongRevision: the stream is not at the expected revision.
	ErrWrongRevision = errors.New("stream is not at the expected revision")
	// ErrDuplicateEventID: some, but not all, of the event ids were stored
	// before, or they were stored in another stream.
	ErrDuplicateEventID = errors.New("event id already stored elsewhere")
	// ErrUnavailable: the store cannot be reached or is failing; try later.
	ErrUnavailable = errors.New("event store unavailable")
	// ErrInvalid: the events given to Append are not storable (no id, no type).
	ErrInvalid = errors.New("invalid events for append")
	// ErrClosed: the store was closed.
	ErrClosed = errors.New("event store closed")
)

// CheckAppendable returns ErrInvalid unless every event has an id and a type,
// and ids are distinct. Every store calls it before appending.
func CheckAppendable(stream string, evs []domain.Envelope) error {
	if stream == "" {
		return fmt.Errorf("%w: empty stream name", ErrInvalid)
	}
	if len(evs) == 0 {
		return fmt.Errorf("%w: no events", ErrInvalid)
	}
	seen := make(map[string]bool, len(evs))
	for i, e := range evs {
		if e.EventID == "" || e.Type == "" {
			return fmt.Errorf("%w: event %d has no id or type", ErrInvalid, i)
		}
		if seen[e.EventID] {
			return fmt.Errorf("%w: event id %s twice", ErrInvalid, e.EventID)
		}
		seen[e.EventID] = true
	}
	return nil
}
