package merkle_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/caseledger/caseledger/domain/merkle"
)

func TestEveryInclusionProofVerifiesForSizesUpTo64(t *testing.T) {
	ls := leaves(64)
	tree := treeOf(t, ls)
	for n := uint64(1); n <= 64; n++ {
		root := tree.RootAt(n)
		for i := range n {
			proof, err := tree.InclusionProof(i, n)
			require.NoError(t, err)
			require.NoError(t, merkle.VerifyInclusion(ls[i], i, n, proof, root), "leaf %d of %d", i, n)
		}
	}
}

func TestAnInclusionProofFailsWhenAnyLeafOrTheRootChanged(t *testing.T) {
	ls := leaves(33)
	tree := treeOf(t, ls)
	for n := 1; n <= len(ls); n++ {
		root := tree.RootAt(uint64(n))
		for i := range n {
			proof, err := tree.InclusionProof(uint64(i), uint64(n))
			require.NoError(t, err)

			// The event itself altered: its leaf no longer leads to the root.
			bad := altered(ls, i)[i]
			require.ErrorIs(t, merkle.VerifyInclusion(bad, uint64(i), uint64(n), proof, root), merkle.ErrProofInvalid)

			// Any other event altered: the tree that now holds it has a proof
			// for leaf i that leads to another root, not the signed one.
			for j := range n {
				if j == i {
					continue
				}
				other := treeOf(t, altered(ls[:n], j))
				p, err := other.InclusionProof(uint64(i), uint64(n))
				require.NoError(t, err)
				require.ErrorIs(t, merkle.VerifyInclusion(ls[i], uint64(i), uint64(n), p, root), merkle.ErrProofInvalid,
					"leaf %d of %d with leaf %d altered", i, n, j)
			}

			// The root altered.
			wrong := root
			wrong[31] ^= 0x80
			require.ErrorIs(t, merkle.VerifyInclusion(ls[i], uint64(i), uint64(n), proof, wrong), merkle.ErrProofInvalid)
		}
	}
}

func TestMangledInclusionProofsFail(t *testing.T) {
	ls := leaves(40)
	tree := treeOf(t, ls)
	for n := uint64(1); n <= 40; n++ {
		root := tree.RootAt(n)
		for i := range n {
			proof, err := tree.InclusionProof(i, n)
			require.NoError(t, err)
			fails := func(what string, leaf [32]byte, index, size uint64, p [][32]byte) {
				t.Helper()
				require.ErrorIs(t, merkle.VerifyInclusion(leaf, index, size, p, root), merkle.ErrProofInvalid,
					"%s: leaf %d of %d", what, i, n)
			}
			fails("extended", ls[i], i, n, append(append([][32]byte(nil), proof...), ls[0]))
			fails("index at the size", ls[i], n, n, proof)
			fails("size 0", ls[i], i, 0, proof)
			if i+1 < n {
				fails("next index", ls[i], i+1, n, proof)
			}
			if i > 0 {
				fails("previous index", ls[i], i-1, n, proof)
			}
			if n > 1 {
				fails("truncated", ls[i], i, n, proof[:len(proof)-1])
			}
			for k := range proof {
				p := append([][32]byte(nil), proof...)
				p[k][7] ^= 0x01
				fails("a flipped bit", ls[i], i, n, p)
				if k > 0 && p[k-1] != p[k] {
					p := append([][32]byte(nil), proof...)
					p[k-1], p[k] = p[k], p[k-1]
					fails("swapped", ls[i], i, n, p)
				}
			}
		}
	}
}

func TestEveryConsistencyProofVerifiesUpTo40(t *testing.T) {
	ls := leaves(40)
	tree := treeOf(t, ls)
	for n := uint64(0); n <= 40; n++ {
		for m := uint64(0); m <= n; m++ {
			proof, err := tree.ConsistencyProof(m, n)
			require.NoError(t, err)
			require.NoError(t, merkle.VerifyConsistency(m, n, tree.RootAt(m), tree.RootAt(n), proof), "%d to %d", m, n)
		}
	}
}

func TestAConsistencyProofFailsWhenAnOldLeafWasAltered(t *testing.T) {
	ls := leaves(40)
	tree := treeOf(t, ls)
	for n := 1; n <= 40; n++ {
		for m := 1; m <= n; m++ {
			oldRoot := tree.RootAt(uint64(m)) // what the auditor's checkpoint holds
			for j := range m {
				// The server now holds a history in which an event before the
				// checkpoint was altered, and proves as best it can.
				rewritten := treeOf(t, altered(ls[:n], j))
				proof, err := rewritten.ConsistencyProof(uint64(m), uint64(n))
				require.NoError(t, err)
				require.ErrorIs(t, merkle.VerifyConsistency(uint64(m), uint64(n), oldRoot, rewritten.Root(), proof),
					merkle.ErrProofInvalid, "%d to %d with leaf %d altered", m, n, j)
			}
		}
	}
}

func TestMangledConsistencyProofsFail(t *testing.T) {
	ls := leaves(40)
	tree := treeOf(t, ls)
	for n := uint64(2); n <= 40; n++ {
		for m := uint64(1); m < n; m++ {
			oldRoot, newRoot := tree.RootAt(m), tree.RootAt(n)
			proof, err := tree.ConsistencyProof(m, n)
			require.NoError(t, err)
			fails := func(what string, mm, nn uint64, o, r [32]byte, p [][32]byte) {
				t.Helper()
				require.ErrorIs(t, merkle.VerifyConsistency(mm, nn, o, r, p), merkle.ErrProofInvalid, "%s: %d to %d", what, m, n)
			}
			fails("empty", m, n, oldRoot, newRoot, nil)
			fails("truncated", m, n, oldRoot, newRoot, proof[:len(proof)-1])
			fails("extended", m, n, oldRoot, newRoot, append(append([][32]byte(nil), proof...), ls[0]))
			fails("sizes swapped", n, m, newRoot, oldRoot, proof)
			fails("old root wrong", m, n, tree.RootAt(m-1), newRoot, proof)
			fails("new root wrong", m, n, oldRoot, tree.RootAt(n-1), proof)
			if m > 1 {
				fails("old size off by one", m-1, n, oldRoot, newRoot, proof)
			}
			for k := range proof {
				p := append([][32]byte(nil), proof...)
				p[k][3] ^= 0x80
				fails("a flipped bit", m, n, oldRoot, newRoot, p)
			}
		}
	}
}

func TestConsistencyEdgeCases(t *testing.T) {
	tree := treeOf(t, leaves(8))
	r4, r5 := tree.RootAt(4), tree.RootAt(5)
	require.NoError(t, merkle.VerifyConsistency(4, 4, r4, r4, nil), "a tree is consistent with itself")
	require.ErrorIs(t, merkle.VerifyConsistency(4, 4, r4, r5, nil), merkle.ErrProofInvalid, "one size, two roots")
	require.ErrorIs(t, merkle.VerifyConsistency(4, 4, r4, r4, [][32]byte{r4}), merkle.ErrProofInvalid)
	require.NoError(t, merkle.VerifyConsistency(0, 8, merkle.EmptyRoot, tree.Root(), nil), "everything extends nothing")
	require.ErrorIs(t, merkle.VerifyConsistency(0, 8, merkle.EmptyRoot, tree.Root(), [][32]byte{r4}), merkle.ErrProofInvalid)
	require.ErrorIs(t, merkle.VerifyConsistency(5, 4, r5, r4, nil), merkle.ErrProofInvalid)
}
