package merkle

import (
	"errors"
	"fmt"
	"math/bits"
)

// ErrOutOfRange is returned when a proof is asked of a leaf or a size the tree
// does not have.
var ErrOutOfRange = errors.New("merkle: index or size out of range")

// Tree is an append-only RFC 6962 Merkle tree over leaf hashes in global order.
// It keeps every complete subtree: level k holds the roots of the aligned runs
// of 2^k leaves, so about 2 hashes (64 bytes) per leaf in all. Append costs
// amortised one node hash (at most log n); any root or proof is O(log n) hashes
// to read or compute, never a walk over the leaves.
//
// The zero Tree is empty and ready to use. A Tree is not safe for concurrent
// use: guard it with a sync.RWMutex (readers take the read lock).
type Tree struct {
	// levels[k][i] is the root of leaves [i·2^k, (i+1)·2^k); levels[0] are the
	// leaf hashes. Only complete subtrees are stored.
	levels [][][32]byte
}

// Append adds the next leaf, whose hash (see LeafHash, EventLeaf) is leaf.
func (t *Tree) Append(leaf [32]byte) {
	if len(t.levels) == 0 {
		t.levels = append(t.levels, nil)
	}
	t.levels[0] = append(t.levels[0], leaf)
	for k := 0; len(t.levels[k])%2 == 0; k++ {
		n := len(t.levels[k])
		parent := NodeHash(t.levels[k][n-2], t.levels[k][n-1])
		if k+1 == len(t.levels) {
			t.levels = append(t.levels, nil)
		}
		t.levels[k+1] = append(t.levels[k+1], parent)
	}
}

// Size is the number of leaves.
func (t *Tree) Size() uint64 {
	if len(t.levels) == 0 {
		return 0
	}
	return uint64(len(t.levels[0]))
}

// Leaf returns the hash of leaf index.
func (t *Tree) Leaf(index uint64) ([32]byte, error) {
	if index >= t.Size() {
		return [32]byte{}, fmt.Errorf("%w: leaf %d of a tree of %d", ErrOutOfRange, index, t.Size())
	}
	return t.levels[0][index], nil
}

// Root is the root of the whole tree: RootAt(Size()).
func (t *Tree) Root() [32]byte { return t.RootAt(t.Size()) }

// RootAt is the root of the tree of the first size leaves — the root the tree
// had, and a checkpoint signed, when it held that many. It panics if size is
// more than Size(), as indexing past a slice does; check first with Size when
// size comes from outside.
func (t *Tree) RootAt(size uint64) [32]byte {
	if size > t.Size() {
		panic(fmt.Sprintf("merkle: RootAt(%d) of a tree of %d leaves", size, t.Size()))
	}
	if size == 0 {
		return EmptyRoot
	}
	return t.subtree(0, size)
}

// subtree is the root of leaves [start, start+size), size ≥ 1, where start is a
// multiple of the smallest power of two not below size — true of every subtree
// the RFC 6962 recursion reaches from 0, so each left part is a stored complete
// subtree and only the right spine is hashed: O(log size).
func (t *Tree) subtree(start, size uint64) [32]byte {
	if size&(size-1) == 0 {
		k := bits.TrailingZeros64(size)
		return t.levels[k][start>>k]
	}
	k := split(size)
	return NodeHash(t.subtree(start, k), t.subtree(start+k, size-k))
}

// InclusionProof returns the audit path (RFC 6962 §2.1.1) of leaf index in the
// tree of the first size leaves, nearest the leaf first: what VerifyInclusion
// needs, with that leaf's hash and RootAt(size), to show the leaf is in it.
func (t *Tree) InclusionProof(index, size uint64) ([][32]byte, error) {
	if size > t.Size() || index >= size {
		return nil, fmt.Errorf("%w: inclusion of leaf %d in %d of a tree of %d", ErrOutOfRange, index, size, t.Size())
	}
	return t.path(index, 0, size, make([][32]byte, 0, bits.Len64(size))), nil
}

// path appends PATH(index, leaves [start, start+size)).
func (t *Tree) path(index, start, size uint64, proof [][32]byte) [][32]byte {
	if size == 1 {
		return proof
	}
	k := split(size)
	if index < start+k {
		proof = t.path(index, start, k, proof)
		return append(proof, t.subtree(start+k, size-k))
	}
	proof = t.path(index, start+k, size-k, proof)
	return append(proof, t.subtree(start, k))
}

// ConsistencyProof returns the proof (RFC 6962 §2.1.2) that the tree of the
// first oldSize leaves is a prefix of the tree of the first newSize: what
// VerifyConsistency needs, with RootAt(oldSize) and RootAt(newSize). The proof
// is empty when oldSize is 0 or equals newSize.
func (t *Tree) ConsistencyProof(oldSize, newSize uint64) ([][32]byte, error) {
	if newSize > t.Size() || oldSize > newSize {
		return nil, fmt.Errorf("%w: consistency of %d with %d in a tree of %d", ErrOutOfRange, oldSize, newSize, t.Size())
	}
	proof := make([][32]byte, 0, bits.Len64(newSize)+1)
	if oldSize == 0 || oldSize == newSize {
		return proof, nil
	}
	return t.subproof(oldSize, 0, newSize, true, proof), nil
}

// subproof appends SUBPROOF(m, leaves [start, start+size), whole), where the
// old tree ends m leaves after start, and whole says [start, start+m) is the
// whole old tree (start is 0), whose root the verifier already has.
func (t *Tree) subproof(m, start, size uint64, whole bool, proof [][32]byte) [][32]byte {
	if m == size {
		if whole {
			return proof
		}
		return append(proof, t.subtree(start, size))
	}
	k := split(size)
	if m <= k {
		proof = t.subproof(m, start, k, whole, proof)
		return append(proof, t.subtree(start+k, size-k))
	}
	proof = t.subproof(m-k, start+k, size-k, false, proof)
	return append(proof, t.subtree(start, k))
}
