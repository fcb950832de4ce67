package storetest

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/caseledger/caseledger/store"
)

// testDurability checks that acknowledged appends survive a restart and that
// appends after it continue each stream's chain and the global order.
func testDurability(t *testing.T, f Factory) {
	if f.Reopen == nil {
		t.Skip("the store keeps nothing across a restart")
	}
	s := f.New(t)
	appendOK(t, s, "case-a", store.NoStream, newEvents(t, 3)...)
	retried := newEvents(t, 2)
	orig := appendOK(t, s, "case-b", store.NoStream, retried...)
	appendOK(t, s, "case-a", store.Exact(2), newEvents(t, 4)...)
	before := readAll(t, s)

	s = f.Reopen(t, s)
	requireSameEnvelopes(t, before, readAll(t, s))
	requireChain(t, readStream(t, s, "case-a"))
	requireChain(t, readStream(t, s, "case-b"))
	requireDuplicateOf(t, orig, appendOK(t, s, "case-b", store.NoStream, retried...))

	res := appendOK(t, s, "case-a", store.Exact(6), newEvents(t, 2)...)
	require.Equal(t, uint64(8), res.Revision)
	require.Equal(t, before[len(before)-1].Hash, res.Events[0].PrevHash)
	appendOK(t, s, "case-c", store.NoStream, newEvent(t))

	after := readAll(t, s)
	require.Len(t, after, len(before)+3)
	requireSameEnvelopes(t, before, after[:len(before)])
	requireGlobalOrder(t, after)
	requireChain(t, readStream(t, s, "case-a"))

	s = f.Reopen(t, s)
	requireSameEnvelopes(t, after, readAll(t, s))
}
