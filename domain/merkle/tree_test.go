package merkle_test

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/caseledger/caseledger/domain/merkle"
)

func TestTreeAgreesWithTheReferenceForEverySizeUpTo64(t *testing.T) {
	ls := leaves(64)
	tree := &merkle.Tree{}
	require.Equal(t, merkle.EmptyRoot, tree.Root(), "the zero Tree is empty")
	for n := 1; n <= len(ls); n++ {
		tree.Append(ls[n-1])
		require.Equal(t, refRoot(ls[:n]), tree.Root(), "root of %d", n)
		for m := 0; m <= n; m++ {
			require.Equal(t, refRoot(ls[:m]), tree.RootAt(uint64(m)), "root of the first %d of %d", m, n)
		}
	}
}

func TestTreeAgreesWithTheReferenceForLargerSizes(t *testing.T) {
	rng := rand.New(rand.NewPCG(6962, 9162))
	sizes := []int{127, 128, 129, 1023, 1024, 1025, 4097}
	for range 5 {
		sizes = append(sizes, 65+rng.IntN(3000))
	}
	all := leaves(4097)
	for _, n := range sizes {
		ls := all[:n]
		tree := treeOf(t, ls)
		require.Equal(t, refRoot(ls), tree.Root(), "root of %d", n)
		for range 20 {
			m := rng.IntN(n + 1)
			require.Equal(t, refRoot(ls[:m]), tree.RootAt(uint64(m)), "root of the first %d of %d", m, n)

			i := rng.IntN(n)
			path, err := tree.InclusionProof(uint64(i), uint64(n))
			require.NoError(t, err)
			require.Equal(t, hexes(refPath(i, ls)), hexes(path), "path of %d in %d", i, n)
			require.NoError(t, merkle.VerifyInclusion(ls[i], uint64(i), uint64(n), path, tree.Root()))

			proof, err := tree.ConsistencyProof(uint64(m), uint64(n))
			require.NoError(t, err)
			require.Equal(t, hexes(refProof(m, ls)), hexes(proof), "consistency of %d with %d", m, n)
			require.NoError(t, merkle.VerifyConsistency(uint64(m), uint64(n), tree.RootAt(uint64(m)), tree.Root(), proof))
		}
	}
}

func TestProofsAreTheReferenceProofs(t *testing.T) {
	ls := leaves(40)
	tree := treeOf(t, ls)
	for n := 1; n <= len(ls); n++ {
		for i := range n {
			path, err := tree.InclusionProof(uint64(i), uint64(n))
			require.NoError(t, err)
			require.Equal(t, hexes(refPath(i, ls[:n])), hexes(path), "path of %d in %d", i, n)
		}
		for m := 0; m <= n; m++ {
			proof, err := tree.ConsistencyProof(uint64(m), uint64(n))
			require.NoError(t, err)
			require.NotNil(t, proof, "an empty proof is [] in JSON, not null")
			require.Equal(t, hexes(refProof(m, ls[:n])), hexes(proof), "consistency of %d with %d", m, n)
		}
	}
}

func TestProofsMatchTheCertificateTransparencyVectors(t *testing.T) {
	tree := ctTree(t)
	for _, tc := range []struct {
		name        string
		first, size uint64
		inclusion   bool
		want        []string
	}{
		{"leaf 0 of 8", 0, 8, true, []string{
			"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
			"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
			"6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
		{"leaf 5 of 8", 5, 8, true, []string{
			"bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
			"ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
			"d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
		{"2 to 8", 2, 8, false, []string{
			"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
			"6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
		{"6 to 8", 6, 8, false, []string{
			"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
			"ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
			"d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
		{"2 to 5", 2, 5, false, []string{
			"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
			"bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := make([][32]byte, len(tc.want))
			for i, h := range tc.want {
				want[i] = unhex32(t, h)
			}
			if tc.inclusion {
				got, err := tree.InclusionProof(tc.first, tc.size)
				require.NoError(t, err)
				require.Equal(t, tc.want, hexes(got))
				leaf, err := tree.Leaf(tc.first)
				require.NoError(t, err)
				require.NoError(t, merkle.VerifyInclusion(leaf, tc.first, tc.size, want, unhex32(t, ctRoots[tc.size])))
				return
			}
			got, err := tree.ConsistencyProof(tc.first, tc.size)
			require.NoError(t, err)
			require.Equal(t, tc.want, hexes(got))
			require.NoError(t, merkle.VerifyConsistency(tc.first, tc.size,
				unhex32(t, ctRoots[tc.first]), unhex32(t, ctRoots[tc.size]), want))
		})
	}
}

func TestTreeRefusesWhatItDoesNotHold(t *testing.T) {
	tree := treeOf(t, leaves(5))
	for _, tc := range []struct {
		name string
		ask  func() error
	}{
		{"leaf past the end", func() error { _, err := tree.Leaf(5); return err }},
		{"inclusion at the size", func() error { _, err := tree.InclusionProof(3, 3); return err }},
		{"inclusion in a larger tree", func() error { _, err := tree.InclusionProof(0, 6); return err }},
		{"inclusion in the empty tree", func() error { _, err := tree.InclusionProof(0, 0); return err }},
		{"consistency backwards", func() error { _, err := tree.ConsistencyProof(4, 3); return err }},
		{"consistency with a larger tree", func() error { _, err := tree.ConsistencyProof(2, 6); return err }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.ErrorIs(t, tc.ask(), merkle.ErrOutOfRange)
		})
	}
	require.Panics(t, func() { tree.RootAt(6) }, "RootAt past the end is a programming error")
}

func TestEarlierRootsDoNotChangeAsTheTreeGrows(t *testing.T) {
	ls := leaves(300)
	tree := &merkle.Tree{}
	var roots [][32]byte
	for _, l := range ls {
		roots = append(roots, tree.Root())
		tree.Append(l)
	}
	for m, want := range roots {
		require.Equal(t, want, tree.RootAt(uint64(m)), "root of %d after growing to %d", m, len(ls))
	}
}

func BenchmarkAppend(b *testing.B) {
	ls := leaves(1 << 16)
	tree := &merkle.Tree{}
	for i := range b.N {
		tree.Append(ls[i%len(ls)])
	}
}

func BenchmarkProofs(b *testing.B) {
	const n = 1<<20 + 12345
	tree := &merkle.Tree{}
	l := leaves(1)[0]
	for range n {
		tree.Append(l)
	}
	b.Run("RootAt", func(b *testing.B) {
		for i := range b.N {
			tree.RootAt(n - uint64(i%1000))
		}
	})
	b.Run("InclusionProof", func(b *testing.B) {
		for i := range b.N {
			if _, err := tree.InclusionProof(uint64(i%n), n); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("ConsistencyProof", func(b *testing.B) {
		for i := range b.N {
			if _, err := tree.ConsistencyProof(uint64(1+i%(n-1)), n); err != nil {
				b.Fatal(err)
			}
		}
	})
}
