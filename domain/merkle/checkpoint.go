package merkle

import (
	"crypto/ed25519"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/caseledger/caseledger/domain"
)

// Checkpoint verification failures.
var (
	// ErrWrongKey: the checkpoint names another signing key than the one given.
	ErrWrongKey = errors.New("merkle: checkpoint was signed with another key")
	// ErrBadCheckpoint: the checkpoint is malformed or its signature does not
	// match its fields — it was altered or forged.
	ErrBadCheckpoint = errors.New("merkle: checkpoint signature does not verify")
)

// checkpointHeader starts every signed checkpoint. It names the format; a
// change to what is signed needs a new version, never a new meaning for v1.
const checkpointHeader = "caseledger-checkpoint-v1"

// Checkpoint is a signed statement that the first Size events in global order,
// the last of which is at Position, have the Merkle root Root.
//
// The Ed25519 signature is over these bytes, each line ending in "\n":
//
//	caseledger-checkpoint-v1
//	<key_id>
//	<size, decimal>
//	<position, decimal>
//	<root, 64 lower-case hex digits>
//	<time, RFC 3339 with nanoseconds, in UTC (domain.FormatTime)>
type Checkpoint struct {
	// Position is the global position of the last event covered (0 when Size is 0).
	Position uint64 `json:"position"`
	// Size is the number of events covered: the tree size.
	Size uint64 `json:"size"`
	// Root is the Merkle root of those events, in lower-case hex.
	Root string `json:"root"`
	// Time is when the checkpoint was signed.
	Time time.Time `json:"time"`
	// KeyID names the signing key: see KeyID.
	KeyID string `json:"key_id"`
	// Signature is the standard base64 of the Ed25519 signature.
	Signature string `json:"signature"`
}

// Sign returns the checkpoint of a tree of size events, the last at position,
// with root root, signed with priv at t. priv must be a whole Ed25519 key, as
// ParsePrivateKey returns; Sign panics on anything else, as ed25519.Sign does.
func Sign(priv ed25519.PrivateKey, size, position uint64, root [32]byte, t time.Time) Checkpoint {
	c := Checkpoint{
		Position: position, Size: size, Root: hex.EncodeToString(root[:]),
		Time: t.UTC(), KeyID: KeyID(priv.Public().(ed25519.PublicKey)),
	}
	c.Signature = base64.StdEncoding.EncodeToString(ed25519.Sign(priv, c.message()))
	return c
}

// message is the byte string the signature covers (see Checkpoint).
func (c Checkpoint) message() []byte {
	b := make([]byte, 0, 192)
	b = append(b, checkpointHeader+"\n"...)
	b = append(b, c.KeyID+"\n"...)
	b = strconv.AppendUint(b, c.Size, 10)
	b = append(b, '\n')
	b = strconv.AppendUint(b, c.Position, 10)
	b = append(b, '\n')
	b = append(b, c.Root+"\n"...)
	b = append(b, domain.FormatTime(c.Time)+"\n"...)
	return b
}

// Verify checks that c was signed by pub and not altered since: it returns
// ErrWrongKey if c names another key, and ErrBadCheckpoint if it is malformed
// or its signature does not cover its fields.
func (c Checkpoint) Verify(pub ed25519.PublicKey) error {
	if len(pub) != ed25519.PublicKeySize {
		return fmt.Errorf("%w: public key of %d bytes", ErrBadCheckpoint, len(pub))
	}
	if id := KeyID(pub); c.KeyID != id {
		return fmt.Errorf("%w: it names key %q, not %q", ErrWrongKey, c.KeyID, id)
	}
	if _, err := c.RootHash(); err != nil {
		return err
	}
	sig, err := base64.StdEncoding.Strict().DecodeString(c.Signature)
	if err != nil || len(sig) != ed25519.SignatureSize {
		return fmt.Errorf("%w: signature is not %d bytes of base64", ErrBadCheckpoint, ed25519.SignatureSize)
	}
	if !ed25519.Verify(pub, c.message(), sig) {
		return fmt.Errorf("%w: checkpoint of size %d", ErrBadCheckpoint, c.Size)
	}
	return nil
}

// RootHash returns Root as bytes, for VerifyInclusion and VerifyConsistency.
func (c Checkpoint) RootHash() ([32]byte, error) {
	root, ok := parseHash(c.Root)
	if !ok {
		return root, fmt.Errorf("%w: root %q is not 64 lower-case hex digits", ErrBadCheckpoint, c.Root)
	}
	return root, nil
}
