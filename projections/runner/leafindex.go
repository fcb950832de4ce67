package runner

import "github.com/google/uuid"

// leafIndex maps an event id to its leaf in the Merkle tree. It holds one
// entry per event of the ledger, so its size matters: an id in the
// canonical UUID form (every id the ledger makes, and most imported ones)
// is kept as its 16 bytes, about a third of what the string costs; any
// other id as the string.
type leafIndex struct {
	uuids  map[uuid.UUID]uint64
	others map[string]uint64
}

func newLeafIndex() leafIndex {
	return leafIndex{uuids: map[uuid.UUID]uint64{}, others: map[string]uint64{}}
}

// key returns id's 16 bytes when id is a UUID written canonically, so that
// no other spelling of the same UUID finds its leaf.
func key(id string) (uuid.UUID, bool) {
	if len(id) != 36 {
		return uuid.UUID{}, false
	}
	u, err := uuid.Parse(id)
	if err != nil || u.String() != id {
		return uuid.UUID{}, false
	}
	return u, true
}

func (x leafIndex) put(id string, leaf uint64) {
	if u, ok := key(id); ok {
		x.uuids[u] = leaf
		return
	}
	x.others[id] = leaf
}

func (x leafIndex) get(id string) (uint64, bool) {
	if u, ok := key(id); ok {
		leaf, found := x.uuids[u]
		return leaf, found
	}
	leaf, found := x.others[id]
	return leaf, found
}
