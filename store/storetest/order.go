package storetest

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/caseledger/caseledger/domain"
	"github.com/caseledger/caseledger/store"
)

// testGlobalOrder checks that positions increase across streams and that
// ReadAll pages through them after a given position.
func testGlobalOrder(t *testing.T, f Factory) {
	ctx := context.Background()
	s := f.New(t)
	var appended []domain.Envelope
	for i, stream := range []string{"case-a", "case-b", "case-a", "case-c", "case-b", "case-a"} {
		res := appendOK(t, s, stream, store.Any, newEvents(t, 1+i%3)...)
		appended = append(appended, res.Events...)
	}
	all := readAll(t, s)
	requireSameEnvelopes(t, appended, all)
	requireGlobalOrder(t, all)
	require.NotZero(t, all[0].Position, "ReadAll(0) must be able to return the first event")

	for _, after := range []int{0, 1, 5, len(all) - 1} {
		pos := uint64(0)
		if after > 0 {
			pos = all[after-1].Position
		}
		page, err := s.ReadAll(ctx, pos, 4)
		require.NoError(t, err)
		require.Equal(t, positions(all[after:min(after+4, len(all))]), positions(page), "after %d", pos)
	}
	tail, err := s.ReadAll(ctx, all[len(all)-1].Position, 10)
	require.NoError(t, err)
	require.Empty(t, tail)

	for _, stream := range []string{"case-a", "case-b", "case-c"} {
		requireChain(t, readStream(t, s, stream))
	}
}

// testReadStream checks paging through one stream and reading one that
// does not exist.
func testReadStream(t *testing.T, f Factory) {
	ctx := context.Background()
	s := f.New(t)
	appendOK(t, s, "case-other", store.NoStream, newEvents(t, 3)...)
	res := appendOK(t, s, "case-a", store.NoStream, newEvents(t, 10)...)
	appendOK(t, s, "case-other", store.Any, newEvents(t, 3)...)

	tests := []struct {
		from  uint64
		limit int
		want  []domain.Envelope
	}{
		{from: 0, limit: 4, want: res.Events[0:4]},
		{from: 4, limit: 4, want: res.Events[4:8]},
		{from: 8, limit: 4, want: res.Events[8:10]},
		{from: 10, limit: 4, want: nil},
		{from: 3, limit: 1, want: res.Events[3:4]},
		{from: 0, limit: 100, want: res.Events},
	}
	for _, tt := range tests {
		got, err := s.ReadStream(ctx, "case-a", tt.from, tt.limit)
		require.NoError(t, err)
		requireSameEnvelopes(t, tt.want, got)
	}

	missing, err := s.ReadStream(ctx, "case-missing", 0, 10)
	require.NoError(t, err)
	require.Empty(t, missing)
}
