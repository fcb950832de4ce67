package main

import (
	"fmt"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestImportOfInterleavedStreamsStoresEachInOrder(t *testing.T) {
	// Streams interleaved in the file are each stored whole, in the
	// file's order.
	a, b, c := caseLines(t, "X000001", 4, 0), caseLines(t, "X000002", 4, 20), caseLines(t, "X000003", 3, 40)
	all := slices.Concat(a[:3], b[:2], c, a[3:], b[2:])
	dir := t.TempDir()
	out, err := runImportCmd(t, dir, ndjson(t, all))
	require.NoError(t, err)
	require.Contains(t, out, fmt.Sprintf("imported  %d events into 3 streams", len(all)))
	stored := storedEvents(t, dir)
	require.Len(t, stored, len(all))
	requireChainsVerify(t, stored)
	byStream := map[string][]string{}
	for _, e := range stored {
		byStream[e.Stream] = append(byStream[e.Stream], e.EventID)
	}
	for _, lines := range [][]importLineJSON{a, b, c} {
		var want []string
		for _, l := range lines {
			want = append(want, l.EventID)
		}
		require.Equal(t, want, byStream[lines[0].Stream], "each stream in the file's order")
	}
}

func TestImportRefusesABadLastLineAndTheStoreStaysUsable(t *testing.T) {
	var all []importLineJSON
	for i := range 20 {
		all = append(all, caseLines(t, fmt.Sprintf("X%06d", i+1), 3, 10*i)...)
	}
	bad := ndjson(t, all)
	bad = append(bad, []byte(`{"stream":"case-X000099","type":"case.opened"}`+"\n")...)
	dir := t.TempDir()
	_, err := runImportCmd(t, dir, bad)
	require.ErrorContains(t, err, fmt.Sprintf("line %d", len(all)+1))
	require.Empty(t, storedEvents(t, dir), "nothing was written")

	out, err := runImportCmd(t, dir, ndjson(t, all))
	require.NoError(t, err, "the store is usable afterwards")
	require.Contains(t, out, fmt.Sprintf("imported  %d events into 20 streams", len(all)))
	requireChainsVerify(t, storedEvents(t, dir))
}
