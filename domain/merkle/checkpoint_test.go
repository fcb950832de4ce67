package merkle_test

import (
	"crypto/ed25519"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/caseledger/caseledger/domain/merkle"
)

// testKey is the RFC 8032 §7.1 TEST 1 key: a fixed key, so signatures are too.
func testKey(t testing.TB) ed25519.PrivateKey {
	t.Helper()
	seed, err := hex.DecodeString("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
	require.NoError(t, err)
	return ed25519.NewKeyFromSeed(seed)
}

// otherKey is a second fixed key.
func otherKey(t testing.TB) ed25519.PrivateKey {
	t.Helper()
	return ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize))
}

var signedAt = time.Date(2025, 6, 30, 23, 59, 58, 123456789, time.FixedZone("BST", 3600))

// checkpoint is the testKey checkpoint of the first 8 CT leaves at position 108.
func checkpoint(t testing.TB) merkle.Checkpoint {
	t.Helper()
	return merkle.Sign(testKey(t), 8, 108, unhex32(t, ctRoots[8]), signedAt)
}

func TestSignedCheckpointVerifies(t *testing.T) {
	c := checkpoint(t)
	require.Equal(t, uint64(8), c.Size)
	require.Equal(t, uint64(108), c.Position)
	require.Equal(t, ctRoots[8], c.Root)
	require.True(t, signedAt.Equal(c.Time))
	require.Equal(t, time.UTC, c.Time.Location(), "signed times are in UTC")
	pub := testKey(t).Public().(ed25519.PublicKey)
	require.Equal(t, merkle.KeyID(pub), c.KeyID)
	require.Len(t, c.KeyID, 16)
	require.NoError(t, c.Verify(pub))

	root, err := c.RootHash()
	require.NoError(t, err)
	require.Equal(t, unhex32(t, ctRoots[8]), root)
}

func TestCheckpointSurvivesJSON(t *testing.T) {
	c := checkpoint(t)
	raw, err := json.Marshal(c)
	require.NoError(t, err)
	for _, field := range []string{`"position":108`, `"size":8`, `"root":"` + ctRoots[8] + `"`,
		`"time":"2025-06-30T22:59:58.123456789Z"`, `"key_id":"` + c.KeyID + `"`, `"signature":"`} {
		require.Contains(t, string(raw), field)
	}
	var back merkle.Checkpoint
	require.NoError(t, json.Unmarshal(raw, &back))
	require.NoError(t, back.Verify(testKey(t).Public().(ed25519.PublicKey)))
	require.Equal(t, c, back)
}

func TestTheSignatureIsOverTheDocumentedBytes(t *testing.T) {
	c := checkpoint(t)
	message := "caseledger-checkpoint-v1\n" + c.KeyID + "\n8\n108\n" + ctRoots[8] + "\n2025-06-30T22:59:58.123456789Z\n"
	sig, err := base64.StdEncoding.DecodeString(c.Signature)
	require.NoError(t, err)
	require.True(t, ed25519.Verify(testKey(t).Public().(ed25519.PublicKey), []byte(message), sig),
		"an auditor in another language checks this string")
	require.Equal(t, base64.StdEncoding.EncodeToString(ed25519.Sign(testKey(t), []byte(message))), c.Signature,
		"Ed25519 is deterministic: one checkpoint, one signature")
}

func TestAnAlteredCheckpointFails(t *testing.T) {
	pub := testKey(t).Public().(ed25519.PublicKey)
	for _, tc := range []struct {
		name    string
		alter   func(*merkle.Checkpoint)
		wantErr error
	}{
		{"size", func(c *merkle.Checkpoint) { c.Size++ }, merkle.ErrBadCheckpoint},
		{"size shrunk", func(c *merkle.Checkpoint) { c.Size = 7 }, merkle.ErrBadCheckpoint},
		{"position", func(c *merkle.Checkpoint) { c.Position-- }, merkle.ErrBadCheckpoint},
		{"root", func(c *merkle.Checkpoint) { c.Root = ctRoots[7] }, merkle.ErrBadCheckpoint},
		{"root upper case", func(c *merkle.Checkpoint) { c.Root = strings.ToUpper(c.Root) }, merkle.ErrBadCheckpoint},
		{"root not hex", func(c *merkle.Checkpoint) { c.Root = "root" }, merkle.ErrBadCheckpoint},
		{"time by a nanosecond", func(c *merkle.Checkpoint) { c.Time = c.Time.Add(time.Nanosecond) }, merkle.ErrBadCheckpoint},
		{"signature", func(c *merkle.Checkpoint) {
			sig, _ := base64.StdEncoding.DecodeString(c.Signature)
			sig[0] ^= 1
			c.Signature = base64.StdEncoding.EncodeToString(sig)
		}, merkle.ErrBadCheckpoint},
		{"signature truncated", func(c *merkle.Checkpoint) { c.Signature = c.Signature[:40] }, merkle.ErrBadCheckpoint},
		{"signature not base64", func(c *merkle.Checkpoint) { c.Signature = "!" + c.Signature[1:] }, merkle.ErrBadCheckpoint},
		{"signature missing", func(c *merkle.Checkpoint) { c.Signature = "" }, merkle.ErrBadCheckpoint},
		{"key id", func(c *merkle.Checkpoint) { c.KeyID = "0123456789abcdef" }, merkle.ErrWrongKey},
		{"signed by another key", func(c *merkle.Checkpoint) {
			*c = merkle.Sign(otherKey(t), c.Size, c.Position, unhex32(t, c.Root), c.Time)
		}, merkle.ErrWrongKey},
		{"signed by another key, claiming ours", func(c *merkle.Checkpoint) {
			id := c.KeyID
			*c = merkle.Sign(otherKey(t), c.Size, c.Position, unhex32(t, c.Root), c.Time)
			c.KeyID = id
		}, merkle.ErrBadCheckpoint},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := checkpoint(t)
			tc.alter(&c)
			require.ErrorIs(t, c.Verify(pub), tc.wantErr)
		})
	}
}

func TestTheTimeZoneIsNotSigned(t *testing.T) {
	c := checkpoint(t)
	c.Time = c.Time.In(time.FixedZone("CEST", 2*3600))
	require.NoError(t, c.Verify(testKey(t).Public().(ed25519.PublicKey)), "the same instant, written another way")
}

func TestVerifyRefusesAKeyOfTheWrongSize(t *testing.T) {
	pub := testKey(t).Public().(ed25519.PublicKey)
	require.ErrorIs(t, checkpoint(t).Verify(pub[:31]), merkle.ErrBadCheckpoint)
	require.ErrorIs(t, checkpoint(t).Verify(nil), merkle.ErrBadCheckpoint)
}

func TestAnAuditorProvesNothingBeforeTheirCheckpointChanged(t *testing.T) {
	// The server signed a checkpoint at 11 events, which the auditor kept.
	ls := leaves(30)
	server := treeOf(t, ls[:11])
	key := testKey(t)
	kept := merkle.Sign(key, server.Size(), 11, server.Root(), signedAt)

	// Later it has 30, signs again, and proves the first 11 unchanged.
	for _, l := range ls[11:] {
		server.Append(l)
	}
	latest := merkle.Sign(key, server.Size(), 30, server.Root(), signedAt.Add(time.Hour))
	proof, err := server.ConsistencyProof(kept.Size, latest.Size)
	require.NoError(t, err)

	pub := key.Public().(ed25519.PublicKey)
	require.NoError(t, kept.Verify(pub))
	require.NoError(t, latest.Verify(pub))
	oldRoot, err := kept.RootHash()
	require.NoError(t, err)
	newRoot, err := latest.RootHash()
	require.NoError(t, err)
	require.NoError(t, merkle.VerifyConsistency(kept.Size, latest.Size, oldRoot, newRoot, proof))

	// Had event 4 been rewritten, no proof would join the two roots.
	rewritten := treeOf(t, altered(ls, 4))
	forged := merkle.Sign(key, rewritten.Size(), 30, rewritten.Root(), signedAt.Add(time.Hour))
	proof, err = rewritten.ConsistencyProof(kept.Size, forged.Size)
	require.NoError(t, err)
	forgedRoot, err := forged.RootHash()
	require.NoError(t, err)
	require.ErrorIs(t, merkle.VerifyConsistency(kept.Size, forged.Size, oldRoot, forgedRoot, proof), merkle.ErrProofInvalid)
}
