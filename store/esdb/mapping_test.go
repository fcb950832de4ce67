package esdb

import (
	"encoding/json"
	"math"
	"testing"
	"time"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"
	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/caseledger/caseledger/domain"
	"github.com/caseledger/caseledger/store"
)

// newEnvelope builds an unsealed envelope with every optional field set,
// times in a zone other than UTC.
func newEnvelope(t *testing.T) domain.Envelope {
	t.Helper()
	bst := time.FixedZone("BST", 3600)
	return domain.Envelope{
		EventID:       uuid.NewString(),
		Type:          "case.allocated",
		SchemaVersion: 2,
		OccurredAt:    time.Date(2024, 3, 1, 10, 30, 0, 123456789, bst),
		Actor:         domain.Actor{ID: "u1", Name: "A Officer", Organisation: "NPS", Roles: []string{"practitioner"}},
		CorrelationID: "req-1",
		CausationID:   uuid.NewString(),
		Replaces:      uuid.NewString(),
		Imported: &domain.Imported{System: "nDelius", RecordedAt: time.Date(2019, 5, 2, 9, 0, 0, 5, bst),
			Actor: domain.Actor{ID: "legacy", Roles: []string{}}},
		Data: json.RawMessage(`{"provider":"N07","team":"T1","officer":"O1"}`),
	}
}

// newSealed builds an envelope sealed in stream at revision after prev.
func newSealed(t *testing.T, stream string, revision uint64, prev string) domain.Envelope {
	t.Helper()
	e := newEnvelope(t)
	require.NoError(t, domain.Seal(&e, stream, revision, prev, time.Date(2024, 3, 4, 8, 0, 0, 999, time.UTC)))
	return e
}

// recordedOf builds the event EventStoreDB would return for d stored in the
// stream id at revision, with commit and prepare position pos.
func recordedOf(d esdb.EventData, id string, revision, pos uint64) *esdb.RecordedEvent {
	return &esdb.RecordedEvent{
		EventID: d.EventID, EventType: d.EventType, ContentType: "application/json",
		StreamID: id, EventNumber: revision, Position: esdb.Position{Commit: pos, Prepare: pos},
		CreatedDate: time.Now(), Data: d.Data, UserMetadata: d.Metadata,
	}
}

func TestToEventDataKeepsThePayloadAsDataAndTheRestAsMetadata(t *testing.T) {
	e := newSealed(t, "case-X123456", 3, domain.ZeroHash)
	e.Position = 77

	got, err := toEventData(e)

	require.NoError(t, err)
	require.Equal(t, uuid.MustParse(e.EventID), got.EventID)
	require.Equal(t, "case.allocated", got.EventType)
	require.Equal(t, esdb.ContentTypeJson, got.ContentType)
	require.Equal(t, []byte(e.Data), got.Data)
	var meta map[string]any
	require.NoError(t, json.Unmarshal(got.Metadata, &meta))
	keys := make([]string, 0, len(meta))
	for k := range meta {
		keys = append(keys, k)
	}
	require.ElementsMatch(t, []string{"event_id", "stream", "revision", "type", "schema_version",
		"occurred_at", "recorded_at", "actor", "correlation_id", "causation_id", "replaces",
		"imported", "prev_hash", "hash"}, keys)
	require.Equal(t, "case-X123456", meta["stream"])
	require.Equal(t, e.Hash, meta["hash"])
	require.Equal(t, "2024-03-01T09:30:00.123456789Z", meta["occurred_at"])
}

func TestToEventDataLeavesOptionalFieldsOut(t *testing.T) {
	e := newEnvelope(t)
	e.CorrelationID, e.CausationID, e.Replaces, e.Imported = "", "", "", nil

	got, err := toEventData(e)

	require.NoError(t, err)
	var meta map[string]any
	require.NoError(t, json.Unmarshal(got.Metadata, &meta))
	for _, k := range []string{"correlation_id", "causation_id", "replaces", "imported", "position", "data"} {
		require.NotContains(t, meta, k)
	}
}

func TestToEventDataRefusesAnIDThatIsNotAUUID(t *testing.T) {
	e := newEnvelope(t)
	e.EventID = "e1"

	_, err := toEventData(e)

	require.ErrorIs(t, err, store.ErrInvalid)
}

func TestFromRecordedRoundTripsTheSealedEnvelope(t *testing.T) {
	want := newSealed(t, "case-X123456", 5, "ab"+domain.ZeroHash[2:])
	d, err := toEventData(want)
	require.NoError(t, err)

	got, err := fromRecorded(recordedOf(d, "case-X123456", 5, 4242), "case-X123456")

	require.NoError(t, err)
	want.Position = 4242
	require.True(t, want.OccurredAt.Equal(got.OccurredAt))
	require.True(t, want.RecordedAt.Equal(got.RecordedAt))
	require.Equal(t, time.UTC, got.OccurredAt.Location())
	require.Equal(t, time.UTC, got.RecordedAt.Location())
	got.OccurredAt, got.RecordedAt = want.OccurredAt, want.RecordedAt
	require.True(t, want.Imported.RecordedAt.Equal(got.Imported.RecordedAt))
	got.Imported.RecordedAt = want.Imported.RecordedAt
	require.Equal(t, want, got)
	hash, err := domain.ComputeHash(got)
	require.NoError(t, err)
	require.Equal(t, want.Hash, hash, "the hash still verifies after the round trip")
}

func TestFromRecordedChecksTheEnvelopeAgainstTheServer(t *testing.T) {
	e := newSealed(t, "case-X123456", 5, domain.ZeroHash)
	d, err := toEventData(e)
	require.NoError(t, err)
	tests := []struct {
		name   string
		change func(*esdb.RecordedEvent)
		stream string
	}{
		{"another stream", func(*esdb.RecordedEvent) {}, "case-Y000000"},
		{"another revision", func(r *esdb.RecordedEvent) { r.EventNumber = 6 }, "case-X123456"},
		{"another id", func(r *esdb.RecordedEvent) { r.EventID = uuid.New() }, "case-X123456"},
		{"another type", func(r *esdb.RecordedEvent) { r.EventType = "case.closed" }, "case-X123456"},
		{"no metadata", func(r *esdb.RecordedEvent) { r.UserMetadata = nil }, "case-X123456"},
		{"metadata not JSON", func(r *esdb.RecordedEvent) { r.UserMetadata = []byte("{") }, "case-X123456"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := recordedOf(d, "case-X123456", 5, 10)
			tt.change(rec)

			_, err := fromRecorded(rec, tt.stream)

			require.ErrorIs(t, err, ErrCorrupt)
		})
	}
}

func TestFromRecordedRefusesAnEventWithoutPosition(t *testing.T) {
	e := newSealed(t, "s", 0, domain.ZeroHash)
	d, err := toEventData(e)
	require.NoError(t, err)

	_, err = fromRecorded(recordedOf(d, "s", 0, math.MaxUint64), "s")

	require.ErrorIs(t, err, errNoPosition)
}

func TestFromRecordedReadsEmptyDataAsNil(t *testing.T) {
	e := newSealed(t, "s", 0, domain.ZeroHash)
	d, err := toEventData(e)
	require.NoError(t, err)
	rec := recordedOf(d, "s", 0, 1)
	rec.Data = []byte{}

	got, err := fromRecorded(rec, "s")

	require.NoError(t, err)
	require.Nil(t, got.Data)
}

func TestExpectedRevisionIsTheExactStateRead(t *testing.T) {
	require.Equal(t, esdb.NoStream{}, expectedRevision(0, false))
	require.Equal(t, esdb.Revision(0), expectedRevision(0, true))
	require.Equal(t, esdb.Revision(41), expectedRevision(41, true))
}

func TestAllFrom(t *testing.T) {
	require.Equal(t, esdb.Start{}, allFrom(0))
	require.Equal(t, esdb.Position{Commit: 1234, Prepare: 1234}, allFrom(1234))
}

func TestIsAfter(t *testing.T) {
	tests := []struct {
		name      string
		p, cursor esdb.Position
		want      bool
	}{
		{"later commit", esdb.Position{Commit: 20, Prepare: 20}, esdb.Position{Commit: 10, Prepare: 10}, true},
		{"same position", esdb.Position{Commit: 10, Prepare: 10}, esdb.Position{Commit: 10, Prepare: 10}, false},
		{"earlier commit", esdb.Position{Commit: 5, Prepare: 5}, esdb.Position{Commit: 10, Prepare: 10}, false},
		{"same commit, later prepare", esdb.Position{Commit: 10, Prepare: 12}, esdb.Position{Commit: 10, Prepare: 10}, true},
		{"later commit, earlier prepare", esdb.Position{Commit: 30, Prepare: 2}, esdb.Position{Commit: 10, Prepare: 10}, true},
		{"anything after the start", esdb.Position{Commit: 1, Prepare: 1}, esdb.Position{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Equal(t, tt.want, isAfter(tt.p, tt.cursor))
		})
	}
}

func TestNamespaceOwns(t *testing.T) {
	tests := []struct {
		name       string
		ns         namespace
		stream     string
		eventType  string
		want       string
		wantIsOurs bool
	}{
		{"an event of ours", "", "case-X123456", "case.opened", "case-X123456", true},
		{"a system event type", "", "case-X123456", "$metadata", "", false},
		{"a link", "", "case-X123456", "$>", "", false},
		{"a system stream", "", "$stats-127.0.0.1:2113", "statsCollected", "", false},
		{"a stream's metadata stream", "", "$$case-X123456", "$metadata", "", false},
		{"in the namespace", "t1-", "t1-case-X123456", "case.opened", "case-X123456", true},
		{"outside the namespace", "t1-", "t2-case-X123456", "case.opened", "", false},
		{"unprefixed under a namespace", "t1-", "case-X123456", "case.opened", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := tt.ns.owns(&esdb.RecordedEvent{StreamID: tt.stream, EventType: tt.eventType})
			require.Equal(t, tt.wantIsOurs, ok)
			if ok {
				require.Equal(t, tt.want, got)
			}
		})
	}
}

func TestNamespaceID(t *testing.T) {
	require.Equal(t, "case-X123456", namespace("").id("case-X123456"))
	require.Equal(t, "t1-case-X123456", namespace("t1-").id("case-X123456"))
}

func TestSubscriptionFilter(t *testing.T) {
	require.Equal(t, esdb.ExcludeSystemEventsFilter(), subscriptionFilter(""))
	require.Equal(t, &esdb.SubscriptionFilter{Type: esdb.StreamFilterType, Prefixes: []string{"t1-"}},
		subscriptionFilter("t1-"))
}
