package merkle

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/bits"

	"github.com/caseledger/caseledger/domain"
)

// RFC 6962 domain-separation prefixes: a leaf can never be mistaken for a node.
const (
	leafPrefix = 0x00
	nodePrefix = 0x01
)

// EmptyRoot is the root of the tree of no leaves: SHA-256 of the empty string.
var EmptyRoot = sha256.Sum256(nil)

// LeafHash returns the RFC 6962 hash of a leaf whose data is data:
// SHA-256(0x00 || data).
func LeafHash(data []byte) [32]byte {
	h := sha256.New()
	h.Write([]byte{leafPrefix})
	h.Write(data)
	var out [32]byte
	h.Sum(out[:0])
	return out
}

// NodeHash returns the RFC 6962 hash of an interior node:
// SHA-256(0x01 || left || right).
func NodeHash(left, right [32]byte) [32]byte {
	var buf [1 + 32 + 32]byte
	buf[0] = nodePrefix
	copy(buf[1:], left[:])
	copy(buf[33:], right[:])
	return sha256.Sum256(buf[:])
}

// LeafData is the definition of an event's leaf: the 32 bytes its envelope's
// hash names, hex-decoded. The hash must be the 64 lower-case hex digits that
// domain.ComputeHash writes, so that one event has exactly one leaf. LeafData
// does not recompute the hash; domain.ChainVerifier does that.
func LeafData(e domain.Envelope) ([]byte, error) {
	h, ok := parseHash(e.Hash)
	if !ok {
		return nil, fmt.Errorf("leaf of event %s: hash %q is not 64 lower-case hex digits", e.EventID, e.Hash)
	}
	return h[:], nil
}

// parseHash decodes a SHA-256 written as the ledger writes one: 64 lower-case
// hex digits, nothing else.
func parseHash(s string) ([32]byte, bool) {
	var h [32]byte
	if len(s) != hex.EncodedLen(len(h)) {
		return h, false
	}
	for _, c := range []byte(s) {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return h, false
		}
	}
	_, err := hex.Decode(h[:], []byte(s))
	return h, err == nil
}

// EventLeaf returns the leaf hash of e: LeafHash(LeafData(e)). It is what a
// server appends to its Tree for each event, in global order.
func EventLeaf(e domain.Envelope) ([32]byte, error) {
	data, err := LeafData(e)
	if err != nil {
		return [32]byte{}, err
	}
	return LeafHash(data), nil
}

// split returns the size of the left subtree of a tree of n > 1 leaves: the
// largest power of two smaller than n (RFC 6962 §2.1).
func split(n uint64) uint64 {
	return 1 << (bits.Len64(n-1) - 1)
}
