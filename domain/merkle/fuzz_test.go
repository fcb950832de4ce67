package merkle_test

import (
	"crypto/ed25519"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/caseledger/caseledger/domain/merkle"
)

// Key files come from configuration, and proofs and checkpoints from a server
// the auditor does not trust: each decoder or verifier of them is fuzzed.

func FuzzParsePrivateKey(f *testing.F) {
	for _, s := range []string{rfc8410Private, rfc8410PrivateV2, rfc8410Public, rfc8410Seed,
		base64.StdEncoding.EncodeToString(make([]byte, 32)), "", "-----BEGIN PRIVATE KEY-----\n", "\x00"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		priv, err := merkle.ParsePrivateKey(data)
		if err != nil {
			require.ErrorIs(t, err, merkle.ErrKeyFormat)
			return
		}
		require.Len(t, priv, ed25519.PrivateKeySize)
		require.Equal(t, ed25519.NewKeyFromSeed(priv.Seed()), priv, "the public half is the seed's")
		out, err := merkle.MarshalPrivateKeyPEM(priv)
		require.NoError(t, err)
		again, err := merkle.ParsePrivateKey(out)
		require.NoError(t, err)
		require.Equal(t, priv, again)
	})
}

func FuzzParsePublicKey(f *testing.F) {
	for _, s := range []string{rfc8410Public, rfc8410Private, rfc8410Pub,
		base64.RawURLEncoding.EncodeToString(make([]byte, 32)), "", "-----BEGIN PUBLIC KEY-----\n", "\xff"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		pub, err := merkle.ParsePublicKey(data)
		if err != nil {
			require.ErrorIs(t, err, merkle.ErrKeyFormat)
			return
		}
		require.Len(t, pub, ed25519.PublicKeySize)
		out, err := merkle.MarshalPublicKeyPEM(pub)
		require.NoError(t, err)
		again, err := merkle.ParsePublicKey(out)
		require.NoError(t, err)
		require.Equal(t, pub, again)
	})
}

// proofOf reads proof hashes from raw, 32 bytes each (a short tail is dropped).
func proofOf(raw []byte) [][32]byte {
	proof := make([][32]byte, len(raw)/32)
	for i := range proof {
		copy(proof[i][:], raw[32*i:])
	}
	return proof
}

func FuzzVerifyInclusion(f *testing.F) {
	ls := leaves(40)
	tree := treeOf(f, ls)
	for _, c := range [][2]uint64{{0, 1}, {5, 8}, {39, 40}, {12, 13}} {
		p, err := tree.InclusionProof(c[0], c[1])
		require.NoError(f, err)
		var raw []byte
		for _, h := range p {
			raw = append(raw, h[:]...)
		}
		f.Add(c[0], c[1], raw)
	}
	f.Fuzz(func(t *testing.T, index, size uint64, raw []byte) {
		proof := proofOf(raw)
		if index >= size {
			require.Error(t, merkle.VerifyInclusion(ls[0], index, size, proof, tree.Root()))
			return
		}
		if size > 40 {
			// Not asserted: a root does not fix its size (see doc.go), so a
			// proof for another size can reach it. It must just not panic.
			_ = merkle.VerifyInclusion(ls[0], index, size, proof, tree.Root())
			return
		}
		err := merkle.VerifyInclusion(ls[index], index, size, proof, tree.RootAt(size))
		want, perr := tree.InclusionProof(index, size)
		require.NoError(t, perr)
		if err == nil {
			require.Equal(t, hexes(want), hexes(proof), "only the true path leads to the root")
		}
	})
}

func FuzzVerifyConsistency(f *testing.F) {
	ls := leaves(40)
	tree := treeOf(f, ls)
	for _, c := range [][2]uint64{{1, 2}, {3, 7}, {4, 40}, {6, 8}, {39, 40}} {
		p, err := tree.ConsistencyProof(c[0], c[1])
		require.NoError(f, err)
		var raw []byte
		for _, h := range p {
			raw = append(raw, h[:]...)
		}
		f.Add(c[0], c[1], raw)
	}
	f.Fuzz(func(t *testing.T, oldSize, newSize uint64, raw []byte) {
		proof := proofOf(raw)
		if newSize > 40 || oldSize > newSize { // as above: must just not panic
			_ = merkle.VerifyConsistency(oldSize, newSize, tree.RootAt(min(oldSize, 40)), tree.Root(), proof)
			return
		}
		err := merkle.VerifyConsistency(oldSize, newSize, tree.RootAt(oldSize), tree.RootAt(newSize), proof)
		want, perr := tree.ConsistencyProof(oldSize, newSize)
		require.NoError(t, perr)
		if err == nil {
			require.Equal(t, hexes(want), hexes(proof), "only the true proof joins the roots")
		}
	})
}

func FuzzCheckpointVerify(f *testing.F) {
	signed := checkpoint(f)
	raw, err := json.Marshal(signed)
	require.NoError(f, err)
	f.Add(raw)
	f.Add([]byte(`{"position":1,"size":1,"root":"","time":"2025-01-01T00:00:00Z","key_id":"","signature":""}`))
	f.Add(binary.BigEndian.AppendUint64([]byte("{}"), 1))
	pub := testKey(f).Public().(ed25519.PublicKey)
	f.Fuzz(func(t *testing.T, data []byte) {
		var c merkle.Checkpoint
		if json.Unmarshal(data, &c) != nil {
			return
		}
		if c.Verify(pub) != nil {
			return
		}
		// The key signed one checkpoint only: whatever verifies must say
		// what it said (the instant may be written in another zone).
		require.Equal(t, signed.Size, c.Size)
		require.Equal(t, signed.Position, c.Position)
		require.Equal(t, signed.Root, c.Root)
		require.True(t, signed.Time.Equal(c.Time))
	})
}
