package merkle_test

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/caseledger/caseledger/domain/merkle"
)

// The RFC 8410 §10 example key, as OpenSSL writes it (checked with `openssl
// pkey -pubout`): PKCS #8 v1, PKCS #8 v2 (with attributes and the public
// key), and the PKIX public key.
const (
	rfc8410Private = `-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEINTuctv5E1hK1bbY8fdp+K06/nwoy/HU++CXqI9EdVhC
-----END PRIVATE KEY-----
`
	rfc8410PrivateV2 = `-----BEGIN PRIVATE KEY-----
MHICAQEwBQYDK2VwBCIEINTuctv5E1hK1bbY8fdp+K06/nwoy/HU++CXqI9EdVhC
oB8wHQYKKoZIhvcNAQkJFDEPDA1DdXJkbGUgQ2hhaXJzgSEAGb9ECWmEzf6FQbrB
Z9w7lshQhqowtrbLDFw4rXAxZuE=
-----END PRIVATE KEY-----
`
	rfc8410Public = `-----BEGIN PUBLIC KEY-----
MCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=
-----END PUBLIC KEY-----
`
	rfc8410Seed = "d4ee72dbf913584ad5b6d8f1f769f8ad3afe7c28cbf1d4fbe097a88f44755842"
	rfc8410Pub  = "19bf44096984cdfe8541bac167dc3b96c85086aa30b6b6cb0c5c38ad703166e1"
)

func TestGeneratedKeysRoundTrip(t *testing.T) {
	privPEM, pubPEM, err := merkle.GenerateKeyPEM()
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(string(privPEM), "-----BEGIN PRIVATE KEY-----\n"))
	require.True(t, strings.HasPrefix(string(pubPEM), "-----BEGIN PUBLIC KEY-----\n"))

	priv, err := merkle.ParsePrivateKey(privPEM)
	require.NoError(t, err)
	pub, err := merkle.ParsePublicKey(pubPEM)
	require.NoError(t, err)
	require.Equal(t, priv.Public(), pub, "the public key is the private key's")

	c := merkle.Sign(priv, 1, 1, merkle.EmptyRoot, signedAt)
	require.NoError(t, c.Verify(pub))

	again, _, err := merkle.GenerateKeyPEM()
	require.NoError(t, err)
	require.NotEqual(t, privPEM, again, "every key is new")
}

func TestPrivateKeysParseInEveryAcceptedForm(t *testing.T) {
	seed, _ := hex.DecodeString(rfc8410Seed)
	want := ed25519.NewKeyFromSeed(seed)
	for _, tc := range []struct{ name, data string }{
		{"PKCS #8 PEM", rfc8410Private},
		{"PKCS #8 v2 PEM", rfc8410PrivateV2},
		{"PEM with CRLF and blank lines", "\r\n" + strings.ReplaceAll(rfc8410Private, "\n", "\r\n") + "\r\n\r\n"},
		{"hex seed", rfc8410Seed},
		{"upper-case hex seed with a newline", strings.ToUpper(rfc8410Seed) + "\n"},
		{"base64 seed", base64.StdEncoding.EncodeToString(seed)},
		{"unpadded base64 seed", base64.RawStdEncoding.EncodeToString(seed)},
		{"base64url seed", base64.URLEncoding.EncodeToString(seed)},
		{"unpadded base64url seed", base64.RawURLEncoding.EncodeToString(seed)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := merkle.ParsePrivateKey([]byte(tc.data))
			require.NoError(t, err)
			require.Equal(t, want, got)
		})
	}
}

func TestPublicKeysParseInEveryAcceptedForm(t *testing.T) {
	raw, _ := hex.DecodeString(rfc8410Pub)
	want := ed25519.PublicKey(raw)
	for _, tc := range []struct{ name, data string }{
		{"PKIX PEM", rfc8410Public},
		{"hex", rfc8410Pub},
		{"base64", base64.StdEncoding.EncodeToString(raw) + "\n"},
		{"unpadded base64url", base64.RawURLEncoding.EncodeToString(raw)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := merkle.ParsePublicKey([]byte(tc.data))
			require.NoError(t, err)
			require.Equal(t, want, got)
		})
	}
	priv, err := merkle.ParsePrivateKey([]byte(rfc8410Private))
	require.NoError(t, err)
	require.Equal(t, want, priv.Public(), "OpenSSL's public key for the same private key")
}

func TestMarshalledKeysAreWhatOpenSSLWrites(t *testing.T) {
	priv, err := merkle.ParsePrivateKey([]byte(rfc8410Seed))
	require.NoError(t, err)
	privPEM, err := merkle.MarshalPrivateKeyPEM(priv)
	require.NoError(t, err)
	require.Equal(t, rfc8410Private, string(privPEM))
	pubPEM, err := merkle.MarshalPublicKeyPEM(priv.Public().(ed25519.PublicKey))
	require.NoError(t, err)
	require.Equal(t, rfc8410Public, string(pubPEM))
}

// pemOf wraps der in a PEM block of typ.
func pemOf(typ string, der []byte, headers map[string]string) string {
	return string(pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der, Headers: headers}))
}

func TestKeysParseNothingElse(t *testing.T) {
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	ecPriv, err := x509.MarshalPKCS8PrivateKey(ec)
	require.NoError(t, err)
	ecPub, err := x509.MarshalPKIXPublicKey(&ec.PublicKey)
	require.NoError(t, err)
	block, _ := pem.Decode([]byte(rfc8410Private))
	pubBlock, _ := pem.Decode([]byte(rfc8410Public))
	seed, _ := hex.DecodeString(rfc8410Seed)

	for _, tc := range []struct {
		name    string
		data    string
		private bool
		public  bool
	}{
		{name: "empty", data: "", private: true, public: true},
		{name: "white space", data: " \n\t", private: true, public: true},
		{name: "garbage", data: "not a key", private: true, public: true},
		{name: "31-byte hex", data: rfc8410Seed[:62], private: true, public: true},
		{name: "33-byte hex", data: rfc8410Seed + "00", private: true, public: true},
		{name: "64-byte Go private key in hex", data: hex.EncodeToString(ed25519.NewKeyFromSeed(seed)), private: true, public: true},
		{name: "31-byte base64", data: base64.StdEncoding.EncodeToString(seed[:31]), private: true, public: true},
		{name: "base64 with bad padding", data: base64.RawStdEncoding.EncodeToString(seed) + "==", private: true, public: true},
		{name: "hex with a space inside", data: rfc8410Seed[:32] + " " + rfc8410Seed[32:], private: true, public: true},
		{name: "broken PEM", data: "-----BEGIN PRIVATE KEY-----\nMC4CAQAw", private: true, public: true},
		{name: "ECDSA PKCS #8", data: pemOf("PRIVATE KEY", ecPriv, nil), private: true},
		{name: "ECDSA PKIX", data: pemOf("PUBLIC KEY", ecPub, nil), public: true},
		{name: "private key given as public", data: rfc8410Private, public: true},
		{name: "public key given as private", data: rfc8410Public, private: true},
		{name: "legacy type", data: pemOf("ED25519 PRIVATE KEY", block.Bytes, nil), private: true},
		{name: "encrypted", data: pemOf("PRIVATE KEY", block.Bytes, map[string]string{"Proc-Type": "4,ENCRYPTED"}), private: true},
		{name: "two blocks", data: rfc8410Private + rfc8410Private, private: true},
		{name: "trailing text", data: rfc8410Private + "and more", private: true},
		{name: "two public blocks", data: rfc8410Public + rfc8410Public, public: true},
		{name: "public with headers", data: pemOf("PUBLIC KEY", pubBlock.Bytes, map[string]string{"Comment": "x"}), public: true},
		{name: "truncated DER", data: pemOf("PRIVATE KEY", block.Bytes[:40], nil), private: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.private {
				_, err := merkle.ParsePrivateKey([]byte(tc.data))
				require.ErrorIs(t, err, merkle.ErrKeyFormat)
			}
			if tc.public {
				_, err := merkle.ParsePublicKey([]byte(tc.data))
				require.ErrorIs(t, err, merkle.ErrKeyFormat)
			}
		})
	}
}

func TestKeyIDIsAHashOfThePublicKey(t *testing.T) {
	raw, _ := hex.DecodeString(rfc8410Pub)
	id := merkle.KeyID(raw)
	sum := sha256.Sum256(raw)
	require.Equal(t, hex.EncodeToString(sum[:8]), id)
	require.NotEqual(t, id, merkle.KeyID(otherKey(t).Public().(ed25519.PublicKey)))
}
