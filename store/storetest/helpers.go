package storetest

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/caseledger/caseledger/domain"
	"github.com/caseledger/caseledger/store"
)

// occurred is the OccurredAt of test events: not UTC and with nanoseconds, so
// a store that drops either is caught.
var occurred = time.Date(2024, 3, 1, 10, 30, 0, 123456789, time.FixedZone("BST", 3600))

// newEvent builds an unsealed event with a fresh id, as a caller would.
func newEvent(t *testing.T) domain.Envelope {
	t.Helper()
	return domain.Envelope{
		EventID:       uuid.NewString(),
		Type:          "test.happened",
		SchemaVersion: 1,
		OccurredAt:    occurred,
		Actor:         domain.Actor{ID: "T1", Name: "Test", Organisation: "NPS", Roles: []string{"practitioner"}},
		Data:          json.RawMessage(`{"n":1}`),
	}
}

// newEvents builds n unsealed events.
func newEvents(t *testing.T, n int) []domain.Envelope {
	t.Helper()
	evs := make([]domain.Envelope, n)
	for i := range evs {
		evs[i] = newEvent(t)
	}
	return evs
}

// newStream returns a stream name no other test uses.
func newStream(t *testing.T) string {
	t.Helper()
	return "case-" + uuid.NewString()[:8]
}

// appendOK appends evs and fails the test unless the store accepts them.
func appendOK(t *testing.T, s Store, stream string, exp store.Expected, evs ...domain.Envelope) store.Appended {
	t.Helper()
	res, err := s.Append(context.Background(), stream, exp, evs...)
	require.NoError(t, err, "append to %s at %s", stream, exp)
	return res
}

// readAll reads the whole global log in pages of 7, an awkward size on purpose.
func readAll(t *testing.T, s Store) []domain.Envelope {
	t.Helper()
	var all []domain.Envelope
	var after uint64
	for {
		page, err := s.ReadAll(context.Background(), after, 7)
		require.NoError(t, err)
		require.LessOrEqual(t, len(page), 7)
		if len(page) == 0 {
			return all
		}
		all = append(all, page...)
		after = page[len(page)-1].Position
	}
}

// readStream reads every event of stream.
func readStream(t *testing.T, s Store, stream string) []domain.Envelope {
	t.Helper()
	evs, err := s.ReadStream(context.Background(), stream, 0, 1_000_000)
	require.NoError(t, err)
	return evs
}

// requireChain checks that evs are one stream's events from revision 0 with
// an intact hash chain and contiguous revisions.
func requireChain(t *testing.T, evs []domain.Envelope) {
	t.Helper()
	prev := domain.ZeroHash
	for i, e := range evs {
		require.Equal(t, uint64(i), e.Revision, "revision of event %d", i)
		require.Equal(t, prev, e.PrevHash, "prev_hash of revision %d", i)
		h, err := domain.ComputeHash(e)
		require.NoError(t, err)
		require.Equal(t, h, e.Hash, "hash of revision %d", i)
		prev = e.Hash
	}
}

// requireGlobalOrder checks that positions strictly increase and recorded_at
// never decreases along evs.
func requireGlobalOrder(t *testing.T, evs []domain.Envelope) {
	t.Helper()
	for i := 1; i < len(evs); i++ {
		require.Greater(t, evs[i].Position, evs[i-1].Position, "position at %d", i)
		require.False(t, evs[i].RecordedAt.Before(evs[i-1].RecordedAt), "recorded_at decreases at %d", i)
	}
}

// requireSameEnvelope checks that got is want as stored: every field equal,
// times as instants in UTC, data as JSON.
func requireSameEnvelope(t *testing.T, want, got domain.Envelope) {
	t.Helper()
	require.Equal(t, want.EventID, got.EventID)
	require.Equal(t, want.Stream, got.Stream)
	require.Equal(t, want.Revision, got.Revision)
	require.Equal(t, want.Position, got.Position)
	require.Equal(t, want.Type, got.Type)
	require.Equal(t, want.SchemaVersion, got.SchemaVersion)
	requireSameTime(t, want.OccurredAt, got.OccurredAt)
	requireSameTime(t, want.RecordedAt, got.RecordedAt)
	require.Equal(t, want.Actor, got.Actor)
	require.Equal(t, want.CorrelationID, got.CorrelationID)
	require.Equal(t, want.CausationID, got.CausationID)
	require.Equal(t, want.Replaces, got.Replaces)
	require.Equal(t, want.Imported == nil, got.Imported == nil, "imported")
	if want.Imported != nil {
		require.Equal(t, want.Imported.System, got.Imported.System)
		require.True(t, want.Imported.RecordedAt.Equal(got.Imported.RecordedAt), "imported recorded_at")
		require.Equal(t, want.Imported.Actor, got.Imported.Actor)
	}
	require.Equal(t, want.PrevHash, got.PrevHash)
	require.Equal(t, want.Hash, got.Hash)
	require.JSONEq(t, string(want.Data), string(got.Data))
}

// requireSameEnvelopes applies requireSameEnvelope pairwise.
func requireSameEnvelopes(t *testing.T, want, got []domain.Envelope) {
	t.Helper()
	require.Len(t, got, len(want))
	for i := range want {
		requireSameEnvelope(t, want[i], got[i])
	}
}

// requireSameTime checks that got is the instant want, in UTC.
func requireSameTime(t *testing.T, want, got time.Time) {
	t.Helper()
	require.True(t, want.Equal(got), "want %s, got %s", want, got)
	require.Equal(t, time.UTC, got.Location(), "time %s is not UTC", got)
}

// ids returns the event ids of evs.
func ids(evs []domain.Envelope) []string {
	out := make([]string, len(evs))
	for i, e := range evs {
		out[i] = e.EventID
	}
	return out
}

// positions returns the positions of evs.
func positions(evs []domain.Envelope) []uint64 {
	out := make([]uint64, len(evs))
	for i, e := range evs {
		out[i] = e.Position
	}
	return out
}
