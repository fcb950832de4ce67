package api

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"slices"
)

// The algorithms a token may be signed with.
const (
	algRS256 = "RS256"
	algES256 = "ES256"
)

// Bounds on what the provider sends.
const (
	maxJWKSBytes = 1 << 20
	minRSABits   = 2048
	maxRSABits   = 8192
)

// oidcKey is one usable verification key of the JWKS: exactly one of rsa and
// ec is set. A JWK whose own alg names another algorithm than its type's is
// never made into one (parseJWK), so the type says which alg the key is for.
type oidcKey struct {
	kid string
	rsa *rsa.PublicKey
	ec  *ecdsa.PublicKey
}

// fits reports whether the key may check a token signed with alg.
func (k oidcKey) fits(alg string) bool {
	switch alg {
	case algRS256:
		return k.rsa != nil
	case algES256:
		return k.ec != nil
	}
	return false
}

// verify reports whether sig is the key's signature of the SHA-256 digest.
// The caller has checked fits.
func (k oidcKey) verify(digest [sha256.Size]byte, sig []byte) bool {
	if k.rsa != nil {
		return rsa.VerifyPKCS1v15(k.rsa, crypto.SHA256, digest[:], sig) == nil
	}
	if len(sig) != 64 { // r||s, 32 bytes each (RFC 7518 §3.4), not ASN.1
		return false
	}
	r := new(big.Int).SetBytes(sig[:32])
	s := new(big.Int).SetBytes(sig[32:])
	return ecdsa.Verify(k.ec, digest[:], r, s)
}

// verifySignature checks the token's signature with a key of the JWKS that
// has its kid and fits its alg.
func (o *OIDC) verifySignature(ctx context.Context, t *jws) error {
	alg := t.header.Alg
	if alg != algRS256 && alg != algES256 {
		return fmt.Errorf("%w: %q", ErrJWTAlgorithm, alg)
	}
	keys := o.candidates(ctx, t.header.Kid)
	if len(keys) == 0 {
		return fmt.Errorf("%w: kid %q", ErrJWTUnknownKey, t.header.Kid)
	}
	digest := sha256.Sum256([]byte(t.signingInput))
	fitted := false
	for _, k := range keys {
		if !k.fits(alg) {
			continue
		}
		fitted = true
		if k.verify(digest, t.signature) {
			return nil
		}
	}
	if !fitted {
		return fmt.Errorf("%w: the key %q is not an %s key", ErrJWTAlgorithm, t.header.Kid, alg)
	}
	return ErrJWTSignature
}

// fetchJWKS gets and parses the provider's key set.
func (o *OIDC) fetchJWKS(ctx context.Context) ([]oidcKey, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, o.jwksURL, nil)
	if err != nil {
		return nil, fmt.Errorf("oidc: fetch JWKS: %w", err)
	}
	req.Header.Set("Accept", "application/jwk-set+json, application/json")
	resp, err := o.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("oidc: fetch JWKS: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("oidc: fetch JWKS: status %d", resp.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxJWKSBytes+1))
	if err != nil {
		return nil, fmt.Errorf("oidc: fetch JWKS: %w", err)
	}
	if len(body) > maxJWKSBytes {
		return nil, fmt.Errorf("oidc: fetch JWKS: over %d bytes", maxJWKSBytes)
	}
	return parseJWKS(body)
}

// jwk is one key of a JWKS as sent (RFC 7517, RFC 7518 §6).
type jwk struct {
	Kty    string   `json:"kty"`
	Kid    string   `json:"kid"`
	Use    string   `json:"use"`
	KeyOps []string `json:"key_ops"`
	Alg    string   `json:"alg"`
	N      string   `json:"n"`
	E      string   `json:"e"`
	Crv    string   `json:"crv"`
	X      string   `json:"x"`
	Y      string   `json:"y"`
}

// parseJWKS returns the usable keys of a JWKS. Keys this package cannot or
// must not use (encryption keys, other types and curves, weak or malformed
// keys) are skipped, so one odd key does not cost the others; a set with no
// usable key at all is an error, which keeps the keys cached before it.
func parseJWKS(data []byte) ([]oidcKey, error) {
	var set struct {
		Keys []json.RawMessage `json:"keys"`
	}
	if err := json.Unmarshal(data, &set); err != nil {
		return nil, fmt.Errorf("oidc: JWKS: %w", err)
	}
	var keys []oidcKey
	for _, raw := range set.Keys {
		var j jwk
		if json.Unmarshal(raw, &j) != nil {
			continue
		}
		if k, err := parseJWK(j); err == nil {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return nil, errors.New("oidc: JWKS: no usable RS256 or ES256 signing key")
	}
	return keys, nil
}

// parseJWK turns one JWK into a key, or says why it is not usable.
func parseJWK(j jwk) (oidcKey, error) {
	if j.Use != "" && j.Use != "sig" {
		return oidcKey{}, errors.New("not a signing key")
	}
	if j.KeyOps != nil && !slices.Contains(j.KeyOps, "verify") {
		return oidcKey{}, errors.New("not a verification key")
	}
	k := oidcKey{kid: j.Kid}
	switch {
	case j.Kty == "RSA" && (j.Alg == "" || j.Alg == algRS256):
		pub, err := parseRSAKey(j)
		k.rsa = pub
		return k, err
	case j.Kty == "EC" && j.Crv == "P-256" && (j.Alg == "" || j.Alg == algES256):
		pub, err := parseP256Key(j)
		k.ec = pub
		return k, err
	}
	return oidcKey{}, errors.New("not an RS256 or ES256 key")
}

func parseRSAKey(j jwk) (*rsa.PublicKey, error) {
	n, err1 := b64.DecodeString(j.N)
	e, err2 := b64.DecodeString(j.E)
	if err1 != nil || err2 != nil {
		return nil, errors.New("bad base64url")
	}
	mod := new(big.Int).SetBytes(n)
	if mod.BitLen() < minRSABits || mod.BitLen() > maxRSABits {
		return nil, fmt.Errorf("modulus of %d bits", mod.BitLen())
	}
	exp := new(big.Int).SetBytes(e)
	if exp.BitLen() > 31 || exp.Int64() < 3 || exp.Bit(0) == 0 {
		return nil, errors.New("bad exponent")
	}
	return &rsa.PublicKey{N: mod, E: int(exp.Int64())}, nil
}

func parseP256Key(j jwk) (*ecdsa.PublicKey, error) {
	x, err1 := b64.DecodeString(j.X)
	y, err2 := b64.DecodeString(j.Y)
	if err1 != nil || err2 != nil || len(x) != 32 || len(y) != 32 {
		return nil, errors.New("coordinates must be 32 bytes of base64url")
	}
	// ParseUncompressedPublicKey refuses a point not on the curve.
	return ecdsa.ParseUncompressedPublicKey(elliptic.P256(), slices.Concat([]byte{4}, x, y))
}
