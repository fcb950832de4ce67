package merkle_test

import (
	"crypto/ed25519"
	"fmt"
	"time"

	"github.com/caseledger/caseledger/domain/merkle"
)

// A server appends every event's leaf in global order and signs checkpoints;
// an auditor who kept an old checkpoint checks a new one against it offline.
func Example() {
	key := ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize)) // from configuration: ParsePrivateKey
	tree := &merkle.Tree{}
	appendEvents := func(n int) {
		for i := range n {
			tree.Append(merkle.LeafHash([]byte{byte(tree.Size()), byte(i)})) // merkle.EventLeaf(e) in the server
		}
	}

	appendEvents(11)
	kept := merkle.Sign(key, tree.Size(), 11, tree.Root(), time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
	appendEvents(19)
	latest := merkle.Sign(key, tree.Size(), 30, tree.Root(), time.Date(2025, 1, 2, 0, 0, 0, 0, time.UTC))
	proof, _ := tree.ConsistencyProof(kept.Size, latest.Size) // GET /v1/audit/proof

	// The auditor, offline, with the public key and both checkpoints.
	pub := key.Public().(ed25519.PublicKey)
	fmt.Println(kept.Verify(pub), latest.Verify(pub))
	oldRoot, _ := kept.RootHash()
	newRoot, _ := latest.RootHash()
	fmt.Println(merkle.VerifyConsistency(kept.Size, latest.Size, oldRoot, newRoot, proof))
	// Output:
	// <nil> <nil>
	// <nil>
}
