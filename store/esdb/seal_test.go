package esdb

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"
	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/caseledger/caseledger/domain"
	"github.com/caseledger/caseledger/store"
)

// storedRun builds n events sealed in stream from revision first on, with
// positions 100 apart, as they would be read back.
func storedRun(t *testing.T, stream string, first uint64, n int) []domain.Envelope {
	t.Helper()
	evs := make([]domain.Envelope, n)
	prev := domain.ZeroHash
	for i := range evs {
		evs[i] = newSealed(t, stream, first+uint64(i), prev)
		evs[i].Position = 100 * (first + uint64(i) + 1)
		prev = evs[i].Hash
	}
	return evs
}

// recordedRun returns evs as EventStoreDB would return them from stream.
func recordedRun(t *testing.T, stream string, evs []domain.Envelope) []*esdb.RecordedEvent {
	t.Helper()
	recs := make([]*esdb.RecordedEvent, len(evs))
	for i, e := range evs {
		d, err := toEventData(e)
		require.NoError(t, err)
		recs[i] = recordedOf(d, stream, e.Revision, e.Position)
	}
	return recs
}

// unsealed returns the events as their caller first gave them.
func unsealed(evs []domain.Envelope) []domain.Envelope {
	out := make([]domain.Envelope, len(evs))
	for i, e := range evs {
		out[i] = domain.Envelope{EventID: e.EventID, Type: e.Type, Data: e.Data}
	}
	return out
}

func TestSealAllChainsTheBatchAfterTheTail(t *testing.T) {
	now := time.Date(2024, 3, 4, 8, 0, 0, 1, time.UTC)
	evs := []domain.Envelope{newEnvelope(t), newEnvelope(t), newEnvelope(t)}
	evs[1].Data = nil
	prev := strings.Repeat("ab", 32)

	sealed, data, err := sealAll(evs, "case-X123456", 7, prev, now)

	require.NoError(t, err)
	require.Len(t, data, 3)
	for i, e := range sealed {
		require.Equal(t, "case-X123456", e.Stream)
		require.Equal(t, uint64(7+i), e.Revision)
		require.Equal(t, prev, e.PrevHash)
		require.True(t, now.Equal(e.RecordedAt))
		hash, err := domain.ComputeHash(e)
		require.NoError(t, err)
		require.Equal(t, hash, e.Hash)
		require.Equal(t, uuid.MustParse(e.EventID), data[i].EventID)
		require.Equal(t, []byte(e.Data), data[i].Data)
		prev = e.Hash
	}
	require.JSONEq(t, `{}`, string(sealed[1].Data), "an empty payload is stored as {}")
	require.Empty(t, evs[0].Hash, "the caller's events are left as they were")
}

func TestSealAllRefusesAPayloadThatIsNotJSON(t *testing.T) {
	e := newEnvelope(t)
	e.Data = json.RawMessage(`{"a":`)

	_, _, err := sealAll([]domain.Envelope{e}, "s", 0, domain.ZeroHash, time.Now())

	require.ErrorIs(t, err, store.ErrInvalid)
}

func TestCheckStorable(t *testing.T) {
	notUUID, notJSON, noData := newEnvelope(t), newEnvelope(t), newEnvelope(t)
	notUUID.EventID = "e1"
	notJSON.Data = json.RawMessage(`{"a":`)
	noData.Data = nil

	require.NoError(t, checkStorable("case-X123456", []domain.Envelope{newEnvelope(t), noData}))
	require.ErrorIs(t, checkStorable("case-X123456", []domain.Envelope{newEnvelope(t), notUUID}), store.ErrInvalid)
	require.ErrorIs(t, checkStorable("case-X123456", []domain.Envelope{notJSON}), store.ErrInvalid)
	require.ErrorIs(t, checkStorable("$stats", []domain.Envelope{newEnvelope(t)}), store.ErrInvalid)
}

func TestStampAfterNeverGoesBack(t *testing.T) {
	t0 := time.Date(2024, 3, 4, 8, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		now    time.Time
		floors []time.Time
		want   time.Time
	}{
		{"the clock", t0, []time.Time{t0.Add(-time.Second), {}}, t0},
		{"the last stamp when the clock stepped back", t0, []time.Time{t0.Add(time.Second), {}}, t0.Add(time.Second)},
		{"the stream's last recorded_at", t0, []time.Time{{}, t0.Add(time.Minute)}, t0.Add(time.Minute)},
		{"in UTC", t0.In(time.FixedZone("BST", 3600)), nil, t0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := stampAfter(tt.now, tt.floors...)
			require.True(t, tt.want.Equal(got), "want %s, got %s", tt.want, got)
			require.Equal(t, time.UTC, got.Location())
		})
	}
}

func TestPlaceOf(t *testing.T) {
	first, ok := placeOf(store.Exact(4))
	require.True(t, ok)
	require.Equal(t, uint64(5), first)
	first, ok = placeOf(store.NoStream)
	require.True(t, ok)
	require.Equal(t, uint64(0), first)
	_, ok = placeOf(store.Any)
	require.False(t, ok)
}

func TestTipOf(t *testing.T) {
	_, exists, err := tipOf(nil, "s")
	require.NoError(t, err)
	require.False(t, exists)
	run := storedRun(t, "s", 0, 3)
	recs := recordedRun(t, "s", run)

	last, exists, err := tipOf([]*esdb.RecordedEvent{recs[2], recs[1], recs[0]}, "s")

	require.NoError(t, err)
	require.True(t, exists)
	require.Equal(t, run[2], last)
	require.Equal(t, "no stream", describeTip(domain.Envelope{}, false))
	require.Equal(t, "revision 2", describeTip(last, true))
	_, _, err = tipOf(recs, "another")
	require.ErrorIs(t, err, ErrCorrupt)
}

func TestDuplicateOf(t *testing.T) {
	run := storedRun(t, "s", 0, 6) // revisions 0..5
	retried := unsealed(run[3:5])  // stored at 3 and 4
	fresh := unsealed([]domain.Envelope{newEnvelope(t), newEnvelope(t)})
	otherSpelling := unsealed(run[3:5])
	otherSpelling[0].EventID = strings.ToUpper(otherSpelling[0].EventID) // the same UUID
	tests := []struct {
		name    string
		batch   []domain.Envelope
		want    []domain.Envelope // nil: not done
		wantErr error
	}{
		{"a retry", retried, run[3:5], nil},
		{"a retry of the first write", unsealed(run[0:2]), run[0:2], nil},
		{"a retry in another order", []domain.Envelope{retried[1], retried[0]}, []domain.Envelope{run[4], run[3]}, nil},
		{"the same ids spelt otherwise", otherSpelling, run[3:5], nil},
		{"new events", fresh, nil, nil},
		{"some stored", []domain.Envelope{retried[0], fresh[0]}, nil, store.ErrDuplicateEventID},
		{"some stored, last", []domain.Envelope{fresh[0], retried[1]}, nil, store.ErrDuplicateEventID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, done, err := duplicateOf(tt.batch, recordedRun(t, "s", run), "s")

			if tt.wantErr != nil {
				require.True(t, done)
				require.ErrorIs(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.want != nil, done)
			if tt.want != nil {
				require.True(t, res.Duplicate)
				requireSameEnvelopes(t, tt.want, res.Events)
				require.Equal(t, tt.want[len(tt.want)-1].Revision, res.Revision)
				require.Equal(t, tt.want[len(tt.want)-1].Position, res.Position)
			}
		})
	}
}

// requireSameEnvelopes checks got is want, times compared as instants.
func requireSameEnvelopes(t *testing.T, want, got []domain.Envelope) {
	t.Helper()
	require.Len(t, got, len(want))
	for i := range want {
		w, g := want[i], got[i]
		require.True(t, w.OccurredAt.Equal(g.OccurredAt) && w.RecordedAt.Equal(g.RecordedAt))
		require.True(t, w.Imported.RecordedAt.Equal(g.Imported.RecordedAt))
		g.OccurredAt, g.RecordedAt, g.Imported.RecordedAt = w.OccurredAt, w.RecordedAt, w.Imported.RecordedAt
		require.Equal(t, w, g)
	}
}

func TestSameEvents(t *testing.T) {
	run := storedRun(t, "s", 0, 2)

	require.NoError(t, sameEvents(run, run))
	require.ErrorIs(t, sameEvents(run, run[:1]), store.ErrUnavailable)
	require.ErrorIs(t, sameEvents(run, []domain.Envelope{run[1], run[0]}), ErrCorrupt)
}

func TestPageSize(t *testing.T) {
	require.Equal(t, uint64(32), pageSize(1))
	require.Equal(t, uint64(101), pageSize(100))
	require.Equal(t, uint64(maxPage), pageSize(1_000_000))
	require.Equal(t, uint64(64), nextPageSize(32, false, 7), "a page of system events only doubles the next")
	require.Equal(t, uint64(maxPage), nextPageSize(maxPage, false, 7))
	require.Equal(t, uint64(32), nextPageSize(1024, true, 7))
}
