package esdb

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"
	"github.com/google/uuid"

	"github.com/caseledger/caseledger/domain"
	"github.com/caseledger/caseledger/store"
)

// ErrCorrupt reports a stored event whose envelope does not agree with where
// EventStoreDB holds it (stream, revision, id or type), or cannot be decoded.
// It is never transient: something other than this package wrote to the
// stream, or the event was altered.
var ErrCorrupt = errors.New("stored event does not match its envelope")

// errNoPosition reports an event read without its $all position, which
// servers before EventStoreDB 22.6 leave out of stream reads.
var errNoPosition = errors.New("event read without its $all position (EventStoreDB 22.6 or later reports it on stream reads)")

// envelopeMeta is the envelope as it is kept in an event's user metadata: every
// field but the payload (the event's data) and the position (the server's).
type envelopeMeta struct {
	EventID       string           `json:"event_id"`
	Stream        string           `json:"stream"`
	Revision      uint64           `json:"revision"`
	Type          string           `json:"type"`
	SchemaVersion int              `json:"schema_version"`
	OccurredAt    time.Time        `json:"occurred_at"`
	RecordedAt    time.Time        `json:"recorded_at"`
	Actor         domain.Actor     `json:"actor"`
	CorrelationID string           `json:"correlation_id,omitempty"`
	CausationID   string           `json:"causation_id,omitempty"`
	Replaces      string           `json:"replaces,omitempty"`
	Imported      *domain.Imported `json:"imported,omitempty"`
	PrevHash      string           `json:"prev_hash"`
	Hash          string           `json:"hash"`
}

// eventID parses the envelope's id as the UUID EventStoreDB keys events by.
func eventID(e domain.Envelope) (uuid.UUID, error) {
	id, err := uuid.Parse(e.EventID)
	if err != nil {
		return uuid.Nil, fmt.Errorf("%w: event id %q is not a UUID", store.ErrInvalid, e.EventID)
	}
	return id, nil
}

// toEventData maps a sealed envelope to the event EventStoreDB stores: its id
// and type as the event's, its payload as the data and the rest of the
// envelope as JSON user metadata.
func toEventData(e domain.Envelope) (esdb.EventData, error) {
	id, err := eventID(e)
	if err != nil {
		return esdb.EventData{}, err
	}
	meta, err := json.Marshal(envelopeMeta{
		EventID: e.EventID, Stream: e.Stream, Revision: e.Revision, Type: e.Type,
		SchemaVersion: e.SchemaVersion, OccurredAt: e.OccurredAt.UTC(), RecordedAt: e.RecordedAt.UTC(),
		Actor: e.Actor, CorrelationID: e.CorrelationID, CausationID: e.CausationID,
		Replaces: e.Replaces, Imported: e.Imported, PrevHash: e.PrevHash, Hash: e.Hash,
	})
	if err != nil {
		return esdb.EventData{}, fmt.Errorf("%w: event %s: %w", store.ErrInvalid, e.EventID, err)
	}
	return esdb.EventData{
		EventID: id, EventType: e.Type, ContentType: esdb.ContentTypeJson,
		Data: e.Data, Metadata: meta,
	}, nil
}

// fromRecorded maps an event read from EventStoreDB back to its envelope.
// stream is the logical stream the event's stream id stands for. The
// envelope's position is the event's commit position in $all.
func fromRecorded(rec *esdb.RecordedEvent, stream string) (domain.Envelope, error) {
	var m envelopeMeta
	if err := json.Unmarshal(rec.UserMetadata, &m); err != nil {
		return domain.Envelope{}, fmt.Errorf("%w: %s@%d: metadata: %w", ErrCorrupt, rec.StreamID, rec.EventNumber, err)
	}
	if err := checkRecorded(rec, m, stream); err != nil {
		return domain.Envelope{}, err
	}
	if rec.Position.Commit == math.MaxUint64 {
		return domain.Envelope{}, fmt.Errorf("%s@%d: %w", rec.StreamID, rec.EventNumber, errNoPosition)
	}
	data := json.RawMessage(rec.Data)
	if len(data) == 0 {
		data = nil
	}
	return domain.Envelope{
		EventID: m.EventID, Stream: m.Stream, Revision: m.Revision, Position: rec.Position.Commit,
		Type: m.Type, SchemaVersion: m.SchemaVersion, OccurredAt: m.OccurredAt.UTC(),
		RecordedAt: m.RecordedAt.UTC(), Actor: m.Actor, CorrelationID: m.CorrelationID,
		CausationID: m.CausationID, Replaces: m.Replaces, Imported: m.Imported,
		PrevHash: m.PrevHash, Hash: m.Hash, Data: data,
	}, nil
}

// checkRecorded returns ErrCorrupt unless the envelope in m says what the
// server says about the event: same stream, revision, id and type.
func checkRecorded(rec *esdb.RecordedEvent, m envelopeMeta, stream string) error {
	var problem string
	switch id, err := uuid.Parse(m.EventID); {
	case m.Stream != stream:
		problem = fmt.Sprintf("envelope stream %q", m.Stream)
	case m.Revision != rec.EventNumber:
		problem = fmt.Sprintf("envelope revision %d", m.Revision)
	case err != nil || id != rec.EventID:
		problem = fmt.Sprintf("envelope id %q, stored id %s", m.EventID, rec.EventID)
	case m.Type != rec.EventType:
		problem = fmt.Sprintf("envelope type %q, stored type %q", m.Type, rec.EventType)
	default:
		return nil
	}
	return fmt.Errorf("%w: %s@%d: %s", ErrCorrupt, rec.StreamID, rec.EventNumber, problem)
}

// expectedRevision is the client's expected-revision option for an append
// sealed after the stream's last event at revision last (exists false: the
// stream has no events). It is never esdb.Any, whatever the caller expected:
// the caller's store.Expected is checked against the same tail first
// (Expected.Allows), and the revisions and prev_hash sealed into the events
// are only right if the stream is still where it was read.
func expectedRevision(last uint64, exists bool) esdb.ExpectedRevision {
	if !exists {
		return esdb.NoStream{}
	}
	return esdb.Revision(last)
}

// allFrom is where a read or subscription of $all starts to return the
// events after position after. Reads of $all include the event at the
// position they start from, so callers also drop events not after it
// (isAfter). Position 0 means the start: no event of ours is at 0, where the
// log begins with its epoch record.
func allFrom(after uint64) esdb.AllPosition {
	if after == 0 {
		return esdb.Start{}
	}
	return esdb.Position{Commit: after, Prepare: after}
}

// isAfter reports whether p comes after the cursor in $all order (commit
// position, then prepare position).
func isAfter(p, cursor esdb.Position) bool {
	if p.Commit != cursor.Commit {
		return p.Commit > cursor.Commit
	}
	return p.Prepare > cursor.Prepare
}

// isSystem reports whether rec is EventStoreDB's own: a system event type
// or a system stream (both start with "$"), link events ("$>") included.
func isSystem(rec *esdb.RecordedEvent) bool {
	return strings.HasPrefix(rec.EventType, "$") || strings.HasPrefix(rec.StreamID, "$")
}

// namespace maps the port's stream names to EventStoreDB stream ids by
// prefixing them. The empty namespace, used in production, maps a stream to
// itself; tests use a random one to share a server.
type namespace string

// id is the EventStoreDB stream id of stream.
func (n namespace) id(stream string) string { return string(n) + stream }

// owns returns the port's stream name of rec, and false when rec is not one
// of ours: a system event or stream, or a stream outside the namespace.
func (n namespace) owns(rec *esdb.RecordedEvent) (string, bool) {
	if isSystem(rec) {
		return "", false
	}
	return strings.CutPrefix(rec.StreamID, string(n))
}

// subscriptionFilter is the server-side filter of a subscription to $all:
// no system event types, and in a namespace only its streams. Events are
// checked again as they arrive (namespace.owns).
func subscriptionFilter(n namespace) *esdb.SubscriptionFilter {
	if n == "" {
		return esdb.ExcludeSystemEventsFilter()
	}
	return &esdb.SubscriptionFilter{Type: esdb.StreamFilterType, Prefixes: []string{string(n)}}
}
