package merkle

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
)

// ErrKeyFormat is wrapped by every failure to parse a signing or verifying key.
var ErrKeyFormat = errors.New("merkle: not an Ed25519 key")

// PEM block types of PKCS #8 private and PKIX public keys (RFC 7468).
const (
	privateKeyPEMType = "PRIVATE KEY"
	publicKeyPEMType  = "PUBLIC KEY"
)

// KeyID names a public key in checkpoints: the hex of the first 8 bytes of the
// SHA-256 of its 32 raw bytes.
func KeyID(pub ed25519.PublicKey) string {
	sum := sha256.Sum256(pub)
	return hex.EncodeToString(sum[:8])
}

// ParsePrivateKey reads a checkpoint signing key from configuration: a PEM
// "PRIVATE KEY" block holding a PKCS #8 Ed25519 key (as `openssl genpkey
// -algorithm ed25519` and GenerateKeyPEM write), or the key's 32-byte seed in
// hex or base64. Surrounding white space is ignored; anything else is refused.
func ParsePrivateKey(data []byte) (ed25519.PrivateKey, error) {
	data = bytes.TrimSpace(data)
	if bytes.HasPrefix(data, []byte("-----BEGIN")) {
		der, err := decodePEM(data, privateKeyPEMType)
		if err != nil {
			return nil, err
		}
		key, err := x509.ParsePKCS8PrivateKey(der)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrKeyFormat, err)
		}
		priv, ok := key.(ed25519.PrivateKey)
		if !ok {
			return nil, fmt.Errorf("%w: the PKCS #8 key is a %T", ErrKeyFormat, key)
		}
		return priv, nil
	}
	seed, err := decodeRaw(data, ed25519.SeedSize, "private key seed")
	if err != nil {
		return nil, err
	}
	return ed25519.NewKeyFromSeed(seed), nil
}

// ParsePublicKey reads a checkpoint verifying key: a PEM "PUBLIC KEY" block
// holding a PKIX Ed25519 key (as `openssl pkey -pubout` and GenerateKeyPEM
// write), or its 32 raw bytes in hex or base64. Surrounding white space is
// ignored; anything else is refused.
func ParsePublicKey(data []byte) (ed25519.PublicKey, error) {
	data = bytes.TrimSpace(data)
	if bytes.HasPrefix(data, []byte("-----BEGIN")) {
		der, err := decodePEM(data, publicKeyPEMType)
		if err != nil {
			return nil, err
		}
		key, err := x509.ParsePKIXPublicKey(der)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrKeyFormat, err)
		}
		pub, ok := key.(ed25519.PublicKey)
		if !ok {
			return nil, fmt.Errorf("%w: the PKIX key is a %T", ErrKeyFormat, key)
		}
		return pub, nil
	}
	raw, err := decodeRaw(data, ed25519.PublicKeySize, "public key")
	if err != nil {
		return nil, err
	}
	return ed25519.PublicKey(raw), nil
}

// decodePEM returns the bytes of the one PEM block in data, which must be of
// type typ, unencrypted, and followed by nothing.
func decodePEM(data []byte, typ string) ([]byte, error) {
	block, rest := pem.Decode(data)
	switch {
	case block == nil:
		return nil, fmt.Errorf("%w: malformed PEM", ErrKeyFormat)
	case block.Type != typ:
		return nil, fmt.Errorf("%w: PEM block is %q, want %q", ErrKeyFormat, block.Type, typ)
	case len(block.Headers) != 0:
		return nil, fmt.Errorf("%w: PEM block has headers (an encrypted key?)", ErrKeyFormat)
	case len(bytes.TrimSpace(rest)) != 0:
		return nil, fmt.Errorf("%w: more than one PEM block", ErrKeyFormat)
	}
	return block.Bytes, nil
}

// decodeRaw decodes exactly size bytes written as hex (either case) or as
// base64 (standard or URL alphabet, padded or not).
func decodeRaw(data []byte, size int, what string) ([]byte, error) {
	s := string(data)
	if len(s) == hex.EncodedLen(size) {
		if b, err := hex.DecodeString(s); err == nil {
			return b, nil
		}
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.Strict().DecodeString(s); err == nil && len(b) == size {
			return b, nil
		}
	}
	return nil, fmt.Errorf("%w: want a PEM block, or a %d-byte %s in hex or base64", ErrKeyFormat, size, what)
}

// MarshalPrivateKeyPEM writes priv as a PEM "PRIVATE KEY" block (PKCS #8),
// which ParsePrivateKey and OpenSSL read.
func MarshalPrivateKeyPEM(priv ed25519.PrivateKey) ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return nil, fmt.Errorf("marshal private key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: privateKeyPEMType, Bytes: der}), nil
}

// MarshalPublicKeyPEM writes pub as a PEM "PUBLIC KEY" block (PKIX), which
// ParsePublicKey and OpenSSL read: what an auditor is given.
func MarshalPublicKeyPEM(pub ed25519.PublicKey) ([]byte, error) {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return nil, fmt.Errorf("marshal public key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: publicKeyPEMType, Bytes: der}), nil
}

// GenerateKeyPEM makes a new checkpoint signing key from the system's secure
// random source, and returns it and its public key as PEM. It is the one
// function in domain that is not deterministic: a key must be unguessable.
func GenerateKeyPEM() (privPEM, pubPEM []byte, err error) {
	pub, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		return nil, nil, fmt.Errorf("generate checkpoint key: %w", err)
	}
	if privPEM, err = MarshalPrivateKeyPEM(priv); err != nil {
		return nil, nil, err
	}
	if pubPEM, err = MarshalPublicKeyPEM(pub); err != nil {
		return nil, nil, err
	}
	return privPEM, pubPEM, nil
}
