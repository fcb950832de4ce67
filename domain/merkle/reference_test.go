package merkle_test

import (
	"crypto/sha256"
	"encoding/hex"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/caseledger/caseledger/domain/merkle"
)

// This file is a naive transcription of RFC 6962 §2.1, written without looking
// at the package, for Tree to be checked against: roots by plain recursion over
// the leaf list, proofs by the RFC's PATH and SUBPROOF definitions.

func refLeaf(data []byte) [32]byte {
	return sha256.Sum256(append([]byte{0}, data...))
}

func refNode(l, r [32]byte) [32]byte {
	return sha256.Sum256(append(append([]byte{1}, l[:]...), r[:]...))
}

// refSplit is the largest power of two smaller than n.
func refSplit(n int) int {
	k := 1
	for k*2 < n {
		k *= 2
	}
	return k
}

// refRoot is MTH(D[n]).
func refRoot(d [][32]byte) [32]byte {
	switch len(d) {
	case 0:
		return sha256.Sum256(nil)
	case 1:
		return d[0]
	}
	k := refSplit(len(d))
	return refNode(refRoot(d[:k]), refRoot(d[k:]))
}

// refPath is PATH(m, D[n]).
func refPath(m int, d [][32]byte) [][32]byte {
	if len(d) <= 1 {
		return [][32]byte{}
	}
	k := refSplit(len(d))
	if m < k {
		return append(refPath(m, d[:k]), refRoot(d[k:]))
	}
	return append(refPath(m-k, d[k:]), refRoot(d[:k]))
}

// refProof is PROOF(m, D[n]).
func refProof(m int, d [][32]byte) [][32]byte {
	if m == 0 || m == len(d) {
		return [][32]byte{}
	}
	return refSubproof(m, d, true)
}

// refSubproof is SUBPROOF(m, D[n], b).
func refSubproof(m int, d [][32]byte, b bool) [][32]byte {
	if m == len(d) {
		if b {
			return [][32]byte{}
		}
		return [][32]byte{refRoot(d)}
	}
	k := refSplit(len(d))
	if m <= k {
		return append(refSubproof(m, d[:k], b), refRoot(d[k:]))
	}
	return append(refSubproof(m-k, d[k:], false), refRoot(d[:k]))
}

// leaves returns n distinct leaf hashes, the i-th of the data "leaf i".
func leaves(n int) [][32]byte {
	out := make([][32]byte, n)
	for i := range out {
		out[i] = refLeaf([]byte{'l', 'e', 'a', 'f', ' ', byte(i), byte(i >> 8), byte(i >> 16)})
	}
	return out
}

// treeOf returns a Tree of ls, appended in order.
func treeOf(t testing.TB, ls [][32]byte) *merkle.Tree {
	t.Helper()
	tree := &merkle.Tree{}
	for _, l := range ls {
		tree.Append(l)
	}
	require.Equal(t, uint64(len(ls)), tree.Size())
	return tree
}

// altered returns a copy of ls whose leaf i is different.
func altered(ls [][32]byte, i int) [][32]byte {
	out := append([][32]byte(nil), ls...)
	out[i][0] ^= 0x01
	return out
}

func unhex32(t testing.TB, s string) [32]byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	require.NoError(t, err)
	require.Len(t, b, 32)
	return [32]byte(b)
}

func hexes(hs [][32]byte) []string {
	out := make([]string, len(hs))
	for i, h := range hs {
		out[i] = hex.EncodeToString(h[:])
	}
	return out
}
