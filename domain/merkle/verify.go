package merkle

import (
	"errors"
	"fmt"
)

// ErrProofInvalid is wrapped by every failure of VerifyInclusion and
// VerifyConsistency: the proof does not show what it was offered for.
var ErrProofInvalid = errors.New("merkle: proof does not verify")

// VerifyInclusion checks that proof shows a leaf with hash leafHash at index in
// a tree of size leaves whose root is root, by the algorithm of RFC 9162
// §2.1.3.2. It needs no tree: an auditor runs it offline.
func VerifyInclusion(leafHash [32]byte, index, size uint64, proof [][32]byte, root [32]byte) error {
	if index >= size {
		return fmt.Errorf("%w: leaf %d is not in a tree of %d", ErrProofInvalid, index, size)
	}
	fn, sn := index, size-1
	r := leafHash
	for _, p := range proof {
		if sn == 0 {
			return fmt.Errorf("%w: inclusion proof of leaf %d in %d is too long", ErrProofInvalid, index, size)
		}
		if fn&1 == 1 || fn == sn {
			r = NodeHash(p, r)
			for fn&1 == 0 && fn != 0 {
				fn, sn = fn>>1, sn>>1
			}
		} else {
			r = NodeHash(r, p)
		}
		fn, sn = fn>>1, sn>>1
	}
	if sn != 0 {
		return fmt.Errorf("%w: inclusion proof of leaf %d in %d is too short", ErrProofInvalid, index, size)
	}
	if r != root {
		return fmt.Errorf("%w: leaf %d does not lead to the root of the tree of %d", ErrProofInvalid, index, size)
	}
	return nil
}

// VerifyConsistency checks that proof shows the tree of oldSize leaves with
// root oldRoot to be a prefix of the tree of newSize leaves with root newRoot,
// by the algorithm of RFC 9162 §2.1.4.2: nothing in the old tree was changed,
// removed or reordered. A tree is consistent with itself (the proof is empty
// and the roots equal), and every tree with the empty one (the proof is empty
// and the roots are not looked at: there is nothing to have changed).
func VerifyConsistency(oldSize, newSize uint64, oldRoot, newRoot [32]byte, proof [][32]byte) error {
	switch {
	case oldSize > newSize:
		return fmt.Errorf("%w: a tree of %d cannot follow one of %d", ErrProofInvalid, newSize, oldSize)
	case oldSize == newSize:
		if len(proof) != 0 {
			return fmt.Errorf("%w: trees of one size need an empty proof", ErrProofInvalid)
		}
		if oldRoot != newRoot {
			return fmt.Errorf("%w: two different roots for the tree of %d", ErrProofInvalid, oldSize)
		}
		return nil
	case oldSize == 0:
		if len(proof) != 0 {
			return fmt.Errorf("%w: consistency with the empty tree needs an empty proof", ErrProofInvalid)
		}
		return nil
	case len(proof) == 0:
		return fmt.Errorf("%w: empty consistency proof from %d to %d", ErrProofInvalid, oldSize, newSize)
	}
	if oldSize&(oldSize-1) == 0 { // the old tree is a complete subtree: its root starts the path
		proof = append([][32]byte{oldRoot}, proof...)
	}
	fn, sn := oldSize-1, newSize-1
	for fn&1 == 1 {
		fn, sn = fn>>1, sn>>1
	}
	fr, sr := proof[0], proof[0]
	for _, c := range proof[1:] {
		if sn == 0 {
			return fmt.Errorf("%w: consistency proof from %d to %d is too long", ErrProofInvalid, oldSize, newSize)
		}
		if fn&1 == 1 || fn == sn {
			fr, sr = NodeHash(c, fr), NodeHash(c, sr)
			for fn&1 == 0 && fn != 0 {
				fn, sn = fn>>1, sn>>1
			}
		} else {
			sr = NodeHash(sr, c)
		}
		fn, sn = fn>>1, sn>>1
	}
	switch {
	case sn != 0:
		return fmt.Errorf("%w: consistency proof from %d to %d is too short", ErrProofInvalid, oldSize, newSize)
	case fr != oldRoot:
		return fmt.Errorf("%w: the proof does not lead to the old root of %d", ErrProofInvalid, oldSize)
	case sr != newRoot:
		return fmt.Errorf("%w: the proof does not lead from the tree of %d to the new root of %d", ErrProofInvalid, oldSize, newSize)
	}
	return nil
}
