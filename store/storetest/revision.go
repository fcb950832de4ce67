package storetest

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/caseledger/caseledger/domain"
	"github.com/caseledger/caseledger/store"
)

// testExpectedRevision covers Any, NoStream and Exact, accepted and refused.
func testExpectedRevision(t *testing.T, f Factory) {
	ctx := context.Background()
	tests := []struct {
		name    string
		given   int // events already in the stream
		when    store.Expected
		wantRev uint64
		wantErr error
	}{
		{name: "any on a missing stream", given: 0, when: store.Any, wantRev: 0},
		{name: "any on an existing stream", given: 2, when: store.Any, wantRev: 2},
		{name: "no stream on a missing stream", given: 0, when: store.NoStream, wantRev: 0},
		{name: "no stream on an existing stream", given: 1, when: store.NoStream, wantErr: store.ErrWrongRevision},
		{name: "exact on a missing stream", given: 0, when: store.Exact(0), wantErr: store.ErrWrongRevision},
		{name: "exact at the tip", given: 3, when: store.Exact(2), wantRev: 3},
		{name: "exact stale", given: 3, when: store.Exact(1), wantErr: store.ErrWrongRevision},
		{name: "exact ahead", given: 3, when: store.Exact(3), wantErr: store.ErrWrongRevision},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := f.New(t)
			stream := newStream(t)
			if tt.given > 0 {
				appendOK(t, s, stream, store.NoStream, newEvents(t, tt.given)...)
			}
			res, err := s.Append(ctx, stream, tt.when, newEvent(t))
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
				require.Len(t, readStream(t, s, stream), tt.given, "a refused append stores nothing")
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.wantRev, res.Revision)
			require.Len(t, readStream(t, s, stream), tt.given+1)
		})
	}
}

// testSealing checks that the store places, stamps and chains every event
// and reports the last one in Appended.
func testSealing(t *testing.T, f Factory) {
	s := f.New(t)
	stream := newStream(t)
	first := appendOK(t, s, stream, store.NoStream, newEvents(t, 3)...)
	second := appendOK(t, s, stream, store.Exact(2), newEvents(t, 2)...)

	sealed := append(append([]domain.Envelope{}, first.Events...), second.Events...)
	require.Len(t, sealed, 5)
	requireChain(t, sealed)
	for i, e := range sealed {
		require.Equal(t, stream, e.Stream)
		require.NotZero(t, e.Position, "position of event %d", i)
		require.False(t, e.RecordedAt.IsZero(), "recorded_at of event %d", i)
	}
	for _, res := range []store.Appended{first, second} {
		last := res.Events[len(res.Events)-1]
		require.False(t, res.Duplicate)
		require.Equal(t, last.Revision, res.Revision)
		require.Equal(t, last.Position, res.Position)
		requireSameTime(t, last.RecordedAt, res.RecordedAt)
	}
	require.Equal(t, uint64(2), first.Revision)
	require.Equal(t, uint64(4), second.Revision)
	requireSameEnvelopes(t, sealed, readStream(t, s, stream))
}

// testInvalid checks that unstorable appends are refused with ErrInvalid and
// store nothing.
func testInvalid(t *testing.T, f Factory) {
	ctx := context.Background()
	noType := newEvent(t)
	noType.Type = ""
	badData := newEvent(t)
	badData.Data = json.RawMessage(`{"n":`)
	twice := newEvent(t)
	tests := []struct {
		name   string
		stream string
		evs    []domain.Envelope
	}{
		{name: "no events", stream: "case-1"},
		{name: "no stream", stream: "", evs: newEvents(t, 1)},
		{name: "no type", stream: "case-1", evs: []domain.Envelope{newEvent(t), noType}},
		{name: "same id twice", stream: "case-1", evs: []domain.Envelope{twice, twice}},
		{name: "data not JSON", stream: "case-1", evs: []domain.Envelope{newEvent(t), badData}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := f.New(t)
			_, err := s.Append(ctx, tt.stream, store.Any, tt.evs...)
			require.ErrorIs(t, err, store.ErrInvalid)
			require.Empty(t, readAll(t, s))
		})
	}
}
