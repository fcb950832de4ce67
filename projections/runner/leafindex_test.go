package runner

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestTheLeafIndexFindsEveryIdAsWrittenOnly(t *testing.T) {
	x := newLeafIndex()
	id := "6f0e2a47-9d1c-4c55-8a0b-52b3c6a1e9d4"
	x.put(id, 7)
	x.put("legacy-42", 8)
	x.put(strings.ToUpper(id), 9) // another id as far as the ledger goes
	for want, id := range map[uint64]string{7: id, 8: "legacy-42", 9: strings.ToUpper(id)} {
		got, ok := x.get(id)
		require.True(t, ok, id)
		require.Equal(t, want, got, id)
	}
	for _, other := range []string{"{" + id + "}", "urn:uuid:" + id, strings.ReplaceAll(id, "-", ""), "legacy-43"} {
		_, ok := x.get(other)
		require.False(t, ok, "%s is not an id the ledger holds", other)
	}
	require.Len(t, x.uuids, 1)
	require.Len(t, x.others, 2)
}
