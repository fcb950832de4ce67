package api_test

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/big"
	mrand "math/rand/v2"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/caseledger/caseledger/api"
	"github.com/caseledger/caseledger/domain"
	"github.com/caseledger/caseledger/store/memory"
)

const (
	oidcIssuer   = "https://idp.example.test/realms/probation"
	oidcAudience = "caseledger"
)

// oidcEpoch is the test clock's start; tokens are minted around it.
var oidcEpoch = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

var _ api.Authenticator = (*api.OIDC)(nil)

// oidcTestKeys are the provider's keys, generated once per test binary:
// RSA generation takes a while under -race.
type oidcTestKeys struct {
	rsa, rsa2, attackerRSA, weakRSA *rsa.PrivateKey
	ec, attackerEC, p384            *ecdsa.PrivateKey
}

var oidcKeys = sync.OnceValue(func() oidcTestKeys {
	rsaKey := func(bits int) *rsa.PrivateKey {
		k, err := rsa.GenerateKey(rand.Reader, bits)
		if err != nil {
			panic(err)
		}
		return k
	}
	ecKey := func(c elliptic.Curve) *ecdsa.PrivateKey {
		k, err := ecdsa.GenerateKey(c, rand.Reader)
		if err != nil {
			panic(err)
		}
		return k
	}
	return oidcTestKeys{rsa: rsaKey(2048), rsa2: rsaKey(2048), attackerRSA: rsaKey(2048), weakRSA: rsaKey(1024),
		ec: ecKey(elliptic.P256()), attackerEC: ecKey(elliptic.P256()), p384: ecKey(elliptic.P384())}
})

func b64url(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// rsaJWK is the JWK of an RSA public key; kid "" leaves kid out.
func rsaJWK(kid, alg string, pub *rsa.PublicKey) map[string]any {
	j := map[string]any{"kty": "RSA", "use": "sig", "n": b64url(pub.N.Bytes()), "e": b64url(big.NewInt(int64(pub.E)).Bytes())}
	setJWK(j, kid, alg)
	return j
}

// ecJWK is the JWK of an EC public key; kid "" leaves kid out.
func ecJWK(t testing.TB, kid, alg string, pub *ecdsa.PublicKey) map[string]any {
	t.Helper()
	b, err := pub.Bytes()
	require.NoError(t, err)
	size := (len(b) - 1) / 2
	j := map[string]any{"kty": "EC", "use": "sig", "crv": pub.Curve.Params().Name,
		"x": b64url(b[1 : 1+size]), "y": b64url(b[1+size:])}
	setJWK(j, kid, alg)
	return j
}

func setJWK(j map[string]any, kid, alg string) {
	if kid != "" {
		j["kid"] = kid
	}
	if alg != "" {
		j["alg"] = alg
	}
}

// signJWS returns a compact JWS of the header and payload signed with key:
// an *rsa.PrivateKey (PKCS #1 v1.5), an *ecdsa.PrivateKey (r||s), []byte (an
// HMAC-SHA256 secret) or nil (no signature, as alg none sends).
func signJWS(t testing.TB, key any, header, payload []byte) string {
	t.Helper()
	input := b64url(header) + "." + b64url(payload)
	digest := sha256.Sum256([]byte(input))
	var sig []byte
	switch k := key.(type) {
	case *rsa.PrivateKey:
		var err error
		sig, err = rsa.SignPKCS1v15(nil, k, crypto.SHA256, digest[:])
		require.NoError(t, err)
	case *ecdsa.PrivateKey:
		r, s, err := ecdsa.Sign(rand.Reader, k, digest[:])
		require.NoError(t, err)
		size := (k.Curve.Params().BitSize + 7) / 8
		sig = make([]byte, 2*size)
		r.FillBytes(sig[:size])
		s.FillBytes(sig[size:])
	case []byte:
		mac := hmac.New(sha256.New, k)
		mac.Write([]byte(input))
		sig = mac.Sum(nil)
	case nil:
	default:
		t.Fatalf("cannot sign with %T", key)
	}
	return input + "." + b64url(sig)
}

// signJWT mints a token with header {alg, typ, kid} (kid "" left out).
func signJWT(t testing.TB, key any, alg, kid string, claims map[string]any) string {
	t.Helper()
	h := map[string]any{"alg": alg, "typ": "JWT"}
	if kid != "" {
		h["kid"] = kid
	}
	return signJWS(t, key, oidcJSON(t, h), oidcJSON(t, claims))
}

func oidcJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return b
}

// claimsAt are a practitioner's claims, issued at now for five minutes,
// changed by edits.
func claimsAt(now time.Time, edits ...func(map[string]any)) map[string]any {
	c := map[string]any{"iss": oidcIssuer, "aud": oidcAudience, "sub": "N01A123", "name": "Sam Pike",
		"org": "NPS", "roles": []string{"practitioner"}, "iat": now.Unix(), "nbf": now.Unix(),
		"exp": now.Add(5 * time.Minute).Unix()}
	for _, e := range edits {
		e(c)
	}
	return c
}

func withClaim(k string, v any) func(map[string]any) { return func(c map[string]any) { c[k] = v } }
func withoutClaim(k string) func(map[string]any)     { return func(c map[string]any) { delete(c, k) } }

// oidcClock is a clock the test moves.
type oidcClock struct{ ns atomic.Int64 }

func newOIDCClock() *oidcClock {
	c := &oidcClock{}
	c.ns.Store(oidcEpoch.UnixNano())
	return c
}
func (c *oidcClock) Now() time.Time          { return time.Unix(0, c.ns.Load()).UTC() }
func (c *oidcClock) Advance(d time.Duration) { c.ns.Add(int64(d)) }

// jwksServer is the provider's JWKS endpoint on 127.0.0.1; it counts hits.
type jwksServer struct {
	url    string
	hits   atomic.Int64
	mu     sync.Mutex
	status int
	body   []byte
}

func newJWKSServer(t testing.TB, keys ...map[string]any) *jwksServer {
	t.Helper()
	s := &jwksServer{}
	s.serve(t, keys...)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.hits.Add(1)
		s.mu.Lock()
		status, body := s.status, s.body
		s.mu.Unlock()
		w.Header().Set("Content-Type", "application/jwk-set+json")
		w.WriteHeader(status)
		w.Write(body)
	}))
	t.Cleanup(srv.Close)
	s.url = srv.URL + "/realms/probation/certs"
	return s
}

// serve makes the server answer with keys from now on.
func (s *jwksServer) serve(t testing.TB, keys ...map[string]any) {
	t.Helper()
	s.answer(http.StatusOK, string(oidcJSON(t, map[string]any{"keys": keys})))
}

func (s *jwksServer) answer(status int, body string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.status, s.body = status, []byte(body)
}

// oidcFixture is a provider (keys, JWKS server) and the clock of both sides.
type oidcFixture struct {
	keys  oidcTestKeys
	jwks  *jwksServer
	clock *oidcClock
}

// newOIDCFixture serves rsa-1 (RS256), ec-1 (ES256), the EC key again
// without kid, and rsa-noalg and ec-noalg (keys that name no alg).
func newOIDCFixture(t *testing.T) *oidcFixture {
	t.Helper()
	k := oidcKeys()
	return &oidcFixture{keys: k, clock: newOIDCClock(), jwks: newJWKSServer(t,
		rsaJWK("rsa-1", "RS256", &k.rsa.PublicKey), ecJWK(t, "ec-1", "ES256", &k.ec.PublicKey),
		ecJWK(t, "", "ES256", &k.ec.PublicKey), rsaJWK("rsa-noalg", "", &k.rsa.PublicKey),
		ecJWK(t, "ec-noalg", "", &k.ec.PublicKey))}
}

// auth is an authenticator of the fixture's provider, its config changed by edit.
func (fx *oidcFixture) auth(t *testing.T, edit func(*api.OIDCConfig)) *api.OIDC {
	t.Helper()
	cfg := api.OIDCConfig{Issuer: oidcIssuer, Audience: oidcAudience, JWKSURL: fx.jwks.url, Now: fx.clock.Now}
	if edit != nil {
		edit(&cfg)
	}
	a, err := api.NewOIDC(cfg)
	require.NoError(t, err)
	return a
}

// oidcPractitioner is the actor of claimsAt's claims.
var oidcPractitioner = domain.Actor{ID: "N01A123", Name: "Sam Pike", Organisation: "NPS", Roles: []string{"practitioner"}}

func TestOIDCAcceptsValidTokens(t *testing.T) {
	fx := newOIDCFixture(t)
	now := fx.clock.Now()
	k := fx.keys
	withActor := func(edit func(*domain.Actor)) domain.Actor {
		a := oidcPractitioner
		a.Roles = nil
		edit(&a)
		return a
	}
	tests := []struct {
		name    string
		mapping api.ClaimMapping
		key     any
		alg     string
		kid     string
		claims  map[string]any
		want    domain.Actor
	}{
		{name: "RS256", key: k.rsa, alg: "RS256", kid: "rsa-1", claims: claimsAt(now), want: oidcPractitioner},
		{name: "ES256", key: k.ec, alg: "ES256", kid: "ec-1", claims: claimsAt(now), want: oidcPractitioner},
		{name: "RS256 with a key that names no alg", key: k.rsa, alg: "RS256", kid: "rsa-noalg", claims: claimsAt(now), want: oidcPractitioner},
		{name: "ES256 with a key that names no alg", key: k.ec, alg: "ES256", kid: "ec-noalg", claims: claimsAt(now), want: oidcPractitioner},
		{name: "no kid, checked against the key without kid", key: k.ec, alg: "ES256", claims: claimsAt(now), want: oidcPractitioner},
		{name: "aud as an array", key: k.rsa, alg: "RS256", kid: "rsa-1",
			claims: claimsAt(now, withClaim("aud", []string{"account", oidcAudience})), want: oidcPractitioner},
		{name: "roles as a space-separated string", key: k.ec, alg: "ES256", kid: "ec-1",
			claims: claimsAt(now, withClaim("roles", "reviewer  auditor")),
			want:   withActor(func(a *domain.Actor) { a.Roles = []string{"reviewer", "auditor"} })},
		{name: "roles as a comma-separated string", key: k.rsa, alg: "RS256", kid: "rsa-1",
			claims: claimsAt(now, withClaim("roles", "admin,auditor, practitioner")),
			want:   withActor(func(a *domain.Actor) { a.Roles = []string{"admin", "auditor", "practitioner"} })},
		{name: "unknown and repeated roles are dropped", key: k.rsa, alg: "RS256", kid: "rsa-1",
			claims: claimsAt(now, withClaim("roles", []string{"offline_access", "auditor", "Admin", "auditor"})),
			want:   withActor(func(a *domain.Actor) { a.Roles = []string{"auditor"} })},
		{name: "no name claim", key: k.rsa, alg: "RS256", kid: "rsa-1", claims: claimsAt(now, withoutClaim("name")),
			want: withActor(func(a *domain.Actor) { a.Name = ""; a.Roles = []string{"practitioner"} })},
		{name: "custom claim mapping", key: k.ec, alg: "ES256", kid: "ec-1",
			mapping: api.ClaimMapping{ID: "officer_code", Name: "preferred_username", Organisation: "provider", Roles: "groups"},
			claims: claimsAt(now, withClaim("sub", "0b5e-uuid"), withClaim("officer_code", "C01B777"), withClaim("preferred_username", "kim.lee"),
				withClaim("provider", "CRC1"), withClaim("groups", []string{"practitioner"}), withoutClaim("org"), withoutClaim("roles")),
			want: domain.Actor{ID: "C01B777", Name: "kim.lee", Organisation: "CRC1", Roles: []string{"practitioner"}}},
		{name: "nested roles claim", key: k.rsa, alg: "RS256", kid: "rsa-1", mapping: api.ClaimMapping{Roles: "realm_access.roles"},
			claims: claimsAt(now, withoutClaim("roles"), withClaim("realm_access", map[string]any{"roles": []string{"reviewer"}})),
			want:   withActor(func(a *domain.Actor) { a.Roles = []string{"reviewer"} })},
		{name: "expired 59s ago, within the leeway", key: k.rsa, alg: "RS256", kid: "rsa-1",
			claims: claimsAt(now, withClaim("exp", now.Add(-59*time.Second).Unix())), want: oidcPractitioner},
		{name: "nbf and iat 59s ahead, within the leeway", key: k.ec, alg: "ES256", kid: "ec-1",
			claims: claimsAt(now, withClaim("nbf", now.Add(59*time.Second).Unix()), withClaim("iat", now.Add(59*time.Second).Unix())), want: oidcPractitioner},
		{name: "no nbf nor iat", key: k.ec, alg: "ES256", kid: "ec-1", claims: claimsAt(now, withoutClaim("nbf"), withoutClaim("iat")), want: oidcPractitioner},
		{name: "fractional NumericDate", key: k.ec, alg: "ES256", kid: "ec-1",
			claims: claimsAt(now, withClaim("exp", float64(now.Unix())+0.5)), want: oidcPractitioner},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			auth := fx.auth(t, func(c *api.OIDCConfig) { c.Claims = tc.mapping })
			token := signJWT(t, tc.key, tc.alg, tc.kid, tc.claims)
			got, err := auth.Verify(context.Background(), token)
			require.NoError(t, err)
			require.Equal(t, tc.want, got)
			got, ok := auth.Authenticate(token)
			require.True(t, ok)
			require.Equal(t, tc.want, got)
		})
	}
}

func TestOIDCRefusesTokens(t *testing.T) {
	fx := newOIDCFixture(t)
	now := fx.clock.Now()
	k := fx.keys
	rs := func(edits ...func(map[string]any)) string {
		return signJWT(t, k.rsa, "RS256", "rsa-1", claimsAt(now, edits...))
	}
	es := func(edits ...func(map[string]any)) string {
		return signJWT(t, k.ec, "ES256", "ec-1", claimsAt(now, edits...))
	}
	rsHeader := oidcJSON(t, map[string]any{"alg": "RS256", "kid": "rsa-1"})
	valid := rs()
	seg := strings.Split(valid, ".")
	adminPayload := b64url(oidcJSON(t, claimsAt(now, withClaim("roles", []string{"admin"}), withClaim("sub", "ADM1"))))
	digest := sha256.Sum256([]byte(seg[0] + "." + seg[1]))
	derSig, err := ecdsa.SignASN1(rand.Reader, k.ec, digest[:])
	require.NoError(t, err)
	esValid := strings.Split(es(), ".")

	tests := []struct {
		name  string
		token string
		want  error
	}{
		{"wrong issuer", rs(withClaim("iss", "https://idp.example.test/realms/other")), api.ErrJWTIssuer},
		{"issuer with a trailing slash", rs(withClaim("iss", oidcIssuer+"/")), api.ErrJWTIssuer},
		{"no issuer", rs(withoutClaim("iss")), api.ErrJWTIssuer},
		{"wrong audience", rs(withClaim("aud", "another-service")), api.ErrJWTAudience},
		{"audience array without ours", es(withClaim("aud", []string{"account", "caseledger-test"})), api.ErrJWTAudience},
		{"audience array with a non-string", es(withClaim("aud", []any{oidcAudience, 7})), api.ErrJWTAudience},
		{"no audience", rs(withoutClaim("aud")), api.ErrJWTAudience},
		{"expired beyond the leeway", rs(withClaim("exp", now.Add(-60*time.Second).Unix())), api.ErrJWTExpired},
		{"expired long ago", es(withClaim("exp", now.Add(-24*time.Hour).Unix())), api.ErrJWTExpired},
		{"not valid yet (nbf)", rs(withClaim("nbf", now.Add(61*time.Second).Unix())), api.ErrJWTNotYetValid},
		{"issued in the future (iat)", es(withClaim("iat", now.Add(time.Hour).Unix())), api.ErrJWTNotYetValid},
		{"missing exp", rs(withoutClaim("exp")), api.ErrJWTClaims},
		{"exp as a string", rs(withClaim("exp", fmt.Sprint(now.Add(time.Hour).Unix()))), api.ErrJWTClaims},
		{"exp out of range", rs(withClaim("exp", 1e300)), api.ErrJWTClaims},
		{"nbf as a string", es(withClaim("nbf", "yesterday")), api.ErrJWTClaims},
		{"missing sub", rs(withoutClaim("sub")), api.ErrJWTClaims},
		{"blank sub", rs(withClaim("sub", "  ")), api.ErrJWTClaims},
		{"sub as a number", rs(withClaim("sub", 42)), api.ErrJWTClaims},
		{"missing organisation", es(withoutClaim("org")), api.ErrJWTClaims},
		{"empty organisation", es(withClaim("org", "")), api.ErrJWTClaims},
		{"name as an object", es(withClaim("name", map[string]any{"given": "Sam"})), api.ErrJWTClaims},
		{"roles as a number", rs(withClaim("roles", 1)), api.ErrJWTClaims},
		{"roles holding a non-string", rs(withClaim("roles", []any{"practitioner", 1})), api.ErrJWTClaims},
		{"no known role", rs(withClaim("roles", []string{"superuser", "Practitioner"})), api.ErrJWTNoRole},
		{"roles as an unknown string", es(withClaim("roles", "offline_access uma_authorization")), api.ErrJWTNoRole},
		{"no roles claim", es(withoutClaim("roles")), api.ErrJWTNoRole},
		{"empty roles", es(withClaim("roles", []string{})), api.ErrJWTNoRole},
		{"RS256 signed by another key", signJWT(t, k.attackerRSA, "RS256", "rsa-1", claimsAt(now)), api.ErrJWTSignature},
		{"ES256 signed by another key", signJWT(t, k.attackerEC, "ES256", "ec-1", claimsAt(now)), api.ErrJWTSignature},
		{"tampered payload", seg[0] + "." + adminPayload + "." + seg[2], api.ErrJWTSignature},
		{"tampered header", b64url(oidcJSON(t, map[string]any{"alg": "RS256", "kid": "rsa-1", "typ": "at+jwt"})) + "." + seg[1] + "." + seg[2], api.ErrJWTSignature},
		{"signature of another token", seg[0] + "." + strings.Split(rs(withClaim("sub", "N02")), ".")[1] + "." + seg[2], api.ErrJWTSignature},
		{"truncated RSA signature", seg[0] + "." + seg[1] + "." + b64url(b64urlDecode(t, seg[2])[:255]), api.ErrJWTSignature},
		{"ES256 signature in ASN.1 form", esValid[0] + "." + esValid[1] + "." + b64url(derSig), api.ErrJWTSignature},
		{"ES256 signature with s zero-padded to 33 bytes", esValid[0] + "." + esValid[1] + "." + b64url(slices.Insert(b64urlDecode(t, esValid[2]), 32, 0)), api.ErrJWTSignature},
		{"ES256 signature of zeros", esValid[0] + "." + esValid[1] + "." + b64url(make([]byte, 64)), api.ErrJWTSignature},
		{"alg none, no signature", signJWS(t, nil, oidcJSON(t, map[string]any{"alg": "none"}), oidcJSON(t, claimsAt(now))), api.ErrJWTMalformed},
		{"alg none with a signature", signJWT(t, k.rsa, "none", "rsa-1", claimsAt(now)), api.ErrJWTAlgorithm},
		{"alg None", signJWT(t, k.rsa, "None", "rsa-1", claimsAt(now)), api.ErrJWTAlgorithm},
		{"alg rs256 (case)", signJWT(t, k.rsa, "rs256", "rsa-1", claimsAt(now)), api.ErrJWTAlgorithm},
		{"no alg", signJWS(t, k.rsa, oidcJSON(t, map[string]any{"kid": "rsa-1"}), oidcJSON(t, claimsAt(now))), api.ErrJWTAlgorithm},
		{"alg as a number", signJWS(t, k.rsa, []byte(`{"alg":256,"kid":"rsa-1"}`), oidcJSON(t, claimsAt(now))), api.ErrJWTAlgorithm},
		{"HS256 keyed with the RSA modulus", signJWT(t, k.rsa.N.Bytes(), "HS256", "rsa-1", claimsAt(now)), api.ErrJWTAlgorithm},
		{"HS256 keyed with the JWKS n", signJWT(t, []byte(b64url(k.rsa.N.Bytes())), "HS256", "", claimsAt(now)), api.ErrJWTAlgorithm},
		{"RS512", signJWT(t, k.rsa, "RS512", "rsa-1", claimsAt(now)), api.ErrJWTAlgorithm},
		{"PS256", signJWT(t, k.rsa, "PS256", "rsa-1", claimsAt(now)), api.ErrJWTAlgorithm},
		{"ES384", signJWT(t, k.p384, "ES384", "ec-1", claimsAt(now)), api.ErrJWTAlgorithm},
		{"EdDSA", signJWT(t, k.ec, "EdDSA", "ec-1", claimsAt(now)), api.ErrJWTAlgorithm},
		{"algorithm confusion: RS256 header, EC key id", signJWT(t, k.attackerRSA, "RS256", "ec-1", claimsAt(now)), api.ErrJWTAlgorithm},
		{"algorithm confusion: ES256 header, RSA key id", signJWT(t, k.ec, "ES256", "rsa-1", claimsAt(now)), api.ErrJWTAlgorithm},
		{"algorithm confusion: ES256 header, RSA key without alg", signJWT(t, k.ec, "ES256", "rsa-noalg", claimsAt(now)), api.ErrJWTAlgorithm},
		{"algorithm confusion: RS256 header, EC key without alg", signJWT(t, k.rsa, "RS256", "ec-noalg", claimsAt(now)), api.ErrJWTAlgorithm},
		{"RS256 without kid (only an EC key has none)", signJWT(t, k.rsa, "RS256", "", claimsAt(now)), api.ErrJWTAlgorithm},
		{"unknown kid", signJWT(t, k.rsa, "RS256", "rsa-9", claimsAt(now)), api.ErrJWTUnknownKey},
		{"kid as a number", signJWS(t, k.rsa, []byte(`{"alg":"RS256","kid":1}`), oidcJSON(t, claimsAt(now))), api.ErrJWTMalformed},
		{"crit header", signJWS(t, k.rsa, []byte(`{"alg":"RS256","kid":"rsa-1","crit":["exp"],"exp":1}`), oidcJSON(t, claimsAt(now))), api.ErrJWTMalformed},
		{"header not JSON", signJWS(t, k.rsa, []byte(`alg=RS256`), oidcJSON(t, claimsAt(now))), api.ErrJWTMalformed},
		{"header a JSON array", signJWS(t, k.rsa, []byte(`["RS256"]`), oidcJSON(t, claimsAt(now))), api.ErrJWTMalformed},
		{"header null", signJWS(t, k.rsa, []byte(`null`), oidcJSON(t, claimsAt(now))), api.ErrJWTMalformed},
		{"header with trailing data", signJWS(t, k.rsa, []byte(`{"alg":"RS256","kid":"rsa-1"}{}`), oidcJSON(t, claimsAt(now))), api.ErrJWTMalformed},
		{"claims not JSON", signJWS(t, k.rsa, rsHeader, []byte(`sub=N01A123`)), api.ErrJWTMalformed},
		{"claims a JSON array", signJWS(t, k.rsa, rsHeader, []byte(`[{"sub":"N01A123"}]`)), api.ErrJWTMalformed},
		{"claims null", signJWS(t, k.rsa, rsHeader, []byte(`null`)), api.ErrJWTMalformed},
		{"claims with trailing data", signJWS(t, k.rsa, rsHeader, append(oidcJSON(t, claimsAt(now)), " x"...)), api.ErrJWTMalformed},
		{"empty", "", api.ErrJWTMalformed},
		{"one segment", seg[0], api.ErrJWTMalformed},
		{"two segments", seg[0] + "." + seg[1], api.ErrJWTMalformed},
		{"empty signature segment", seg[0] + "." + seg[1] + ".", api.ErrJWTMalformed},
		{"four segments", valid + "." + seg[2], api.ErrJWTMalformed},
		{"five segments (JWE)", valid + ".." + seg[2], api.ErrJWTMalformed},
		{"padded base64", seg[0] + "." + seg[1] + "." + base64.URLEncoding.EncodeToString(b64urlDecode(t, seg[2])), api.ErrJWTMalformed},
		{"standard base64 alphabet", seg[0] + "." + seg[1] + "." + base64.RawStdEncoding.EncodeToString(append([]byte{0xfb, 0xff}, b64urlDecode(t, seg[2])...)), api.ErrJWTMalformed},
		{"non-canonical base64 (trailing bits)", seg[0] + "." + seg[1] + "." + flipTrailingBits(t, seg[2]), api.ErrJWTMalformed},
		{"a line break inside", seg[0] + ".\n" + seg[1] + "." + seg[2], api.ErrJWTMalformed},
		{"a space before it", " " + valid, api.ErrJWTMalformed},
		{"over 16 KiB", rs(withClaim("pad", strings.Repeat("x", 16<<10))), api.ErrJWTMalformed},
	}
	auth := fx.auth(t, nil)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			actor, err := auth.Verify(context.Background(), tc.token)
			require.ErrorIs(t, err, tc.want)
			require.Zero(t, actor)
			_, ok := auth.Authenticate(tc.token)
			require.False(t, ok)
		})
	}
	_, err = auth.Verify(context.Background(), valid)
	require.NoError(t, err, "the token every case above was made from is valid")
}

func b64urlDecode(t testing.TB, s string) []byte {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(s)
	require.NoError(t, err)
	return b
}

// flipTrailingBits spells the same bytes with non-zero padding bits, which
// lax decoders accept. s must not be a multiple of 4 characters long.
func flipTrailingBits(t testing.TB, s string) string {
	t.Helper()
	require.NotZero(t, len(s)%4)
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	last := strings.IndexByte(alphabet, s[len(s)-1])
	return s[:len(s)-1] + string(alphabet[last|1])
}

func TestOIDCLeeway(t *testing.T) {
	fx := newOIDCFixture(t)
	now := fx.clock.Now()
	tests := []struct {
		name     string
		leeway   time.Duration
		expAgo   time.Duration
		accepted bool
	}{
		{"default, 59s", 0, 59 * time.Second, true},
		{"default, 60s", 0, 60 * time.Second, false},
		{"none, 1s", -1, time.Second, false},
		{"none, exp a second ahead", -1, -time.Second, true},
		{"five minutes, 4m59s", 5 * time.Minute, 299 * time.Second, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			auth := fx.auth(t, func(c *api.OIDCConfig) { c.Leeway = tc.leeway })
			token := signJWT(t, fx.keys.ec, "ES256", "ec-1", claimsAt(now, withClaim("exp", now.Add(-tc.expAgo).Unix())))
			_, ok := auth.Authenticate(token)
			require.Equal(t, tc.accepted, ok)
		})
	}
}

func TestOIDCUnknownKidRefreshIsRateLimited(t *testing.T) {
	fx := newOIDCFixture(t)
	auth := fx.auth(t, nil)
	verify := func(token string) error {
		_, err := auth.Verify(context.Background(), token)
		return err
	}
	unknownToken := func(kid string) string {
		return signJWT(t, fx.keys.rsa, "RS256", kid, claimsAt(fx.clock.Now()))
	}
	unknown := func(kid string) {
		t.Helper()
		require.ErrorIs(t, verify(unknownToken(kid)), api.ErrJWTUnknownKey)
	}

	_, ok := auth.Authenticate(signJWT(t, fx.keys.rsa, "RS256", "rsa-1", claimsAt(fx.clock.Now())))
	require.True(t, ok)
	require.EqualValues(t, 1, fx.jwks.hits.Load(), "the first token fetches the JWKS")

	unknown("made-up-1")
	require.EqualValues(t, 1, fx.jwks.hits.Load(), "no refresh within 30s of the last fetch")

	fx.clock.Advance(30 * time.Second)
	unknown("made-up-2")
	require.EqualValues(t, 2, fx.jwks.hits.Load(), "an unknown kid refreshes once 30s have passed")

	tokens := make([]string, 64)
	errs := make([]error, len(tokens))
	for i := range tokens {
		tokens[i] = unknownToken(fmt.Sprintf("hammer-%d", i))
	}
	var wg sync.WaitGroup
	for i, tok := range tokens {
		wg.Go(func() { errs[i] = verify(tok) })
	}
	wg.Wait()
	for _, err := range errs {
		require.ErrorIs(t, err, api.ErrJWTUnknownKey)
	}
	fx.clock.Advance(29 * time.Second)
	unknown("made-up-3")
	require.EqualValues(t, 2, fx.jwks.hits.Load(), "a caller sending made-up kids cannot make the server fetch")

	fx.clock.Advance(time.Second)
	unknown("made-up-4")
	require.EqualValues(t, 3, fx.jwks.hits.Load())
}

func TestOIDCMinRefreshIntervalIsConfigurable(t *testing.T) {
	fx := newOIDCFixture(t)
	auth := fx.auth(t, func(c *api.OIDCConfig) { c.MinRefreshInterval = 5 * time.Second })
	for i := range 3 {
		_, ok := auth.Authenticate(signJWT(t, fx.keys.rsa, "RS256", "nope", claimsAt(fx.clock.Now())))
		require.False(t, ok)
		require.EqualValues(t, i+1, fx.jwks.hits.Load())
		fx.clock.Advance(5 * time.Second)
	}
}

func TestOIDCKeyRotation(t *testing.T) {
	fx := newOIDCFixture(t)
	k := fx.keys
	auth := fx.auth(t, nil)
	old := func() string { return signJWT(t, k.rsa, "RS256", "rsa-1", claimsAt(fx.clock.Now())) }
	rotated := func() string { return signJWT(t, k.rsa2, "RS256", "rsa-2", claimsAt(fx.clock.Now())) }

	_, err := auth.Verify(context.Background(), old())
	require.NoError(t, err)

	// The provider rotates: rsa-2 replaces rsa-1.
	fx.jwks.serve(t, rsaJWK("rsa-2", "RS256", &k.rsa2.PublicKey))
	_, err = auth.Verify(context.Background(), rotated())
	require.ErrorIs(t, err, api.ErrJWTUnknownKey, "within 30s of the last fetch the new key is not fetched")
	require.EqualValues(t, 1, fx.jwks.hits.Load())

	fx.clock.Advance(31 * time.Second)
	got, err := auth.Verify(context.Background(), rotated())
	require.NoError(t, err, "the new kid is fetched")
	require.Equal(t, oidcPractitioner, got)
	require.EqualValues(t, 2, fx.jwks.hits.Load())

	_, err = auth.Verify(context.Background(), old())
	require.ErrorIs(t, err, api.ErrJWTUnknownKey, "the withdrawn key is no longer trusted")
	require.EqualValues(t, 2, fx.jwks.hits.Load())
}

func TestOIDCWithdrawnKeyStopsWorkingAfterMaxKeyAge(t *testing.T) {
	fx := newOIDCFixture(t)
	k := fx.keys
	auth := fx.auth(t, func(c *api.OIDCConfig) { c.MaxKeyAge = 10 * time.Minute })
	token := func() string { return signJWT(t, k.rsa, "RS256", "rsa-1", claimsAt(fx.clock.Now())) }
	_, err := auth.Verify(context.Background(), token())
	require.NoError(t, err)

	fx.jwks.serve(t, ecJWK(t, "ec-1", "ES256", &k.ec.PublicKey))
	fx.clock.Advance(9 * time.Minute)
	_, err = auth.Verify(context.Background(), token())
	require.NoError(t, err, "keys younger than MaxKeyAge are used as they are")
	require.EqualValues(t, 1, fx.jwks.hits.Load())

	fx.clock.Advance(time.Minute)
	_, err = auth.Verify(context.Background(), token())
	require.ErrorIs(t, err, api.ErrJWTUnknownKey)
	require.EqualValues(t, 2, fx.jwks.hits.Load())
}

func TestOIDCFetchFailureKeepsCachedKeys(t *testing.T) {
	fx := newOIDCFixture(t)
	auth := fx.auth(t, func(c *api.OIDCConfig) { c.MaxKeyAge = time.Minute })
	token := func() string { return signJWT(t, fx.keys.ec, "ES256", "ec-1", claimsAt(fx.clock.Now())) }
	require.NoError(t, auth.Refresh(context.Background()))

	failures := []struct {
		status int
		body   string
		want   string
	}{
		{http.StatusInternalServerError, `{"keys":[]}`, "status 500"},
		{http.StatusOK, `{"keys":`, "JWKS"},
		{http.StatusOK, `{"keys":[]}`, "no usable"},
		{http.StatusOK, `{"keys":[{"kty":"oct","k":"c2VjcmV0"}]}`, "no usable"},
		{http.StatusOK, strings.Repeat(" ", 1<<20+1), "over"},
	}
	for i, f := range failures {
		fx.jwks.answer(f.status, f.body)
		fx.clock.Advance(time.Minute)
		got, err := auth.Verify(context.Background(), token())
		require.NoError(t, err, "failure %d keeps the cached keys", i)
		require.Equal(t, oidcPractitioner, got)
		require.ErrorContains(t, auth.Err(), f.want)
		require.EqualValues(t, i+2, fx.jwks.hits.Load())
	}

	fx.jwks.serve(t, ecJWK(t, "ec-1", "ES256", &fx.keys.ec.PublicKey))
	fx.clock.Advance(time.Minute)
	_, err := auth.Verify(context.Background(), token())
	require.NoError(t, err)
	require.NoError(t, auth.Err(), "a good fetch clears the error")
}

func TestOIDCFirstFetchFailureRefuses(t *testing.T) {
	fx := newOIDCFixture(t)
	fx.jwks.answer(http.StatusServiceUnavailable, "")
	auth := fx.auth(t, nil)
	_, err := auth.Verify(context.Background(), signJWT(t, fx.keys.rsa, "RS256", "rsa-1", claimsAt(fx.clock.Now())))
	require.ErrorIs(t, err, api.ErrJWTUnknownKey)
	require.ErrorContains(t, auth.Refresh(context.Background()), "status 503")
}

func TestOIDCFetchTimeout(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) })
	clock := newOIDCClock()
	auth, err := api.NewOIDC(api.OIDCConfig{Issuer: oidcIssuer, Audience: oidcAudience, JWKSURL: srv.URL,
		Now: clock.Now, FetchTimeout: 100 * time.Millisecond})
	require.NoError(t, err)

	start := time.Now()
	_, ok := auth.Authenticate(signJWT(t, oidcKeys().ec, "ES256", "ec-1", claimsAt(clock.Now())))
	require.False(t, ok)
	require.Less(t, time.Since(start), 5*time.Second)
	require.ErrorIs(t, auth.Err(), context.DeadlineExceeded)
}

func TestOIDCCallerHangingUpDoesNotSpoilTheFetch(t *testing.T) {
	fx := newOIDCFixture(t)
	auth := fx.auth(t, nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, ok := auth.AuthenticateContext(ctx, signJWT(t, fx.keys.rsa, "RS256", "rsa-1", claimsAt(fx.clock.Now())))
	require.True(t, ok)
	require.NoError(t, auth.Err())
}

func TestOIDCSkipsUnusableJWKs(t *testing.T) {
	k := oidcKeys()
	clock := newOIDCClock()
	ecBytes, err := k.ec.PublicKey.Bytes()
	require.NoError(t, err)
	with := func(j map[string]any, kv ...any) map[string]any {
		c := map[string]any{}
		for key, v := range j {
			c[key] = v
		}
		for i := 0; i < len(kv); i += 2 {
			c[kv[i].(string)] = kv[i+1]
		}
		return c
	}
	offCurveY := append([]byte(nil), ecBytes[33:]...)
	offCurveY[31] ^= 1
	jwks := newJWKSServer(t,
		map[string]any{"kty": "oct", "kid": "hmac", "k": b64url([]byte("secret"))},
		rsaJWK("weak", "RS256", &k.weakRSA.PublicKey),
		ecJWK(t, "p384", "", &k.p384.PublicKey),
		with(rsaJWK("enc", "", &k.rsa.PublicKey), "use", "enc"),
		with(rsaJWK("ops", "", &k.rsa.PublicKey), "key_ops", []string{"encrypt"}),
		rsaJWK("ps", "PS256", &k.rsa.PublicKey),
		with(rsaJWK("badb64", "", &k.rsa.PublicKey), "n", "++"+b64url(k.rsa.N.Bytes())),
		with(rsaJWK("e1", "", &k.rsa.PublicKey), "e", b64url([]byte{1})),
		with(rsaJWK("e-even", "", &k.rsa.PublicKey), "e", b64url([]byte{1, 0, 0})),
		with(ecJWK(t, "short", "", &k.ec.PublicKey), "x", b64url(ecBytes[2:33])),
		with(ecJWK(t, "offcurve", "", &k.ec.PublicKey), "y", b64url(offCurveY)),
		with(ecJWK(t, "ec-as-rsa", "", &k.ec.PublicKey), "alg", "RS256"),
		map[string]any{"kty": "RSA", "kid": "garbage", "n": 12},
		ecJWK(t, "good", "", &k.ec.PublicKey),
	)
	auth, err := api.NewOIDC(api.OIDCConfig{Issuer: oidcIssuer, Audience: oidcAudience, JWKSURL: jwks.url, Now: clock.Now})
	require.NoError(t, err)
	claims := claimsAt(clock.Now())
	tests := []struct {
		name  string
		token string
		want  error
	}{
		{"a symmetric key", signJWT(t, []byte("secret"), "HS256", "hmac", claims), api.ErrJWTAlgorithm},
		{"a symmetric key, RS256 header", signJWT(t, k.rsa, "RS256", "hmac", claims), api.ErrJWTUnknownKey},
		{"an RSA key of 1024 bits", signJWT(t, k.weakRSA, "RS256", "weak", claims), api.ErrJWTUnknownKey},
		{"a P-384 key", signJWT(t, k.p384, "ES256", "p384", claims), api.ErrJWTUnknownKey},
		{"an encryption key", signJWT(t, k.rsa, "RS256", "enc", claims), api.ErrJWTUnknownKey},
		{"key_ops without verify", signJWT(t, k.rsa, "RS256", "ops", claims), api.ErrJWTUnknownKey},
		{"a PS256 key", signJWT(t, k.rsa, "RS256", "ps", claims), api.ErrJWTUnknownKey},
		{"n in bad base64", signJWT(t, k.rsa, "RS256", "badb64", claims), api.ErrJWTUnknownKey},
		{"e of 1", signJWT(t, k.rsa, "RS256", "e1", claims), api.ErrJWTUnknownKey},
		{"an even e", signJWT(t, k.rsa, "RS256", "e-even", claims), api.ErrJWTUnknownKey},
		{"a short EC coordinate", signJWT(t, k.ec, "ES256", "short", claims), api.ErrJWTUnknownKey},
		{"a point off the curve", signJWT(t, k.ec, "ES256", "offcurve", claims), api.ErrJWTUnknownKey},
		{"an EC key that says RS256", signJWT(t, k.ec, "ES256", "ec-as-rsa", claims), api.ErrJWTUnknownKey},
		{"a JWK of the wrong shape", signJWT(t, k.rsa, "RS256", "garbage", claims), api.ErrJWTUnknownKey},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := auth.Verify(context.Background(), tc.token)
			require.ErrorIs(t, err, tc.want)
		})
	}
	_, err = auth.Verify(context.Background(), signJWT(t, k.ec, "ES256", "good", claims))
	require.NoError(t, err, "the usable key of the set still works")
	require.NoError(t, auth.Err())
}

func TestNewOIDCChecksTheConfig(t *testing.T) {
	good := api.OIDCConfig{Issuer: oidcIssuer, Audience: oidcAudience, JWKSURL: "https://idp.example.test/certs"}
	tests := []struct {
		name    string
		edit    func(*api.OIDCConfig)
		wantErr string
	}{
		{"https", func(c *api.OIDCConfig) {}, ""},
		{"http to 127.0.0.1", func(c *api.OIDCConfig) { c.JWKSURL = "http://127.0.0.1:8080/certs" }, ""},
		{"http to ::1", func(c *api.OIDCConfig) { c.JWKSURL = "http://[::1]:8080/certs" }, ""},
		{"http to localhost", func(c *api.OIDCConfig) { c.JWKSURL = "http://localhost/certs" }, ""},
		{"no issuer", func(c *api.OIDCConfig) { c.Issuer = "" }, "required"},
		{"no audience", func(c *api.OIDCConfig) { c.Audience = "" }, "required"},
		{"no JWKS URL", func(c *api.OIDCConfig) { c.JWKSURL = "" }, "required"},
		{"http to another host", func(c *api.OIDCConfig) { c.JWKSURL = "http://idp.example.test/certs" }, "must be https"},
		{"http to a host named like loopback", func(c *api.OIDCConfig) { c.JWKSURL = "http://127.0.0.1.example.test/certs" }, "must be https"},
		{"file URL", func(c *api.OIDCConfig) { c.JWKSURL = "file:///etc/jwks.json" }, "absolute URL"},
		{"relative URL", func(c *api.OIDCConfig) { c.JWKSURL = "certs.json" }, "absolute URL"},
		{"negative refresh interval", func(c *api.OIDCConfig) { c.MinRefreshInterval = -time.Second }, "negative"},
		{"negative key age", func(c *api.OIDCConfig) { c.MaxKeyAge = -time.Second }, "negative"},
		{"negative fetch timeout", func(c *api.OIDCConfig) { c.FetchTimeout = -time.Second }, "negative"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := good
			tc.edit(&cfg)
			a, err := api.NewOIDC(cfg)
			if tc.wantErr != "" {
				require.ErrorContains(t, err, tc.wantErr)
				require.Nil(t, a)
				return
			}
			require.NoError(t, err)
			require.NotNil(t, a)
		})
	}
}

func TestOIDCAuthenticatesAPIRequests(t *testing.T) {
	fx := newOIDCFixture(t)
	auth := fx.auth(t, nil)
	srv := httptest.NewServer(api.New(api.Config{Store: memory.New(), Tokens: auth, Now: fx.clock.Now}))
	t.Cleanup(srv.Close)
	get := func(token string) int {
		req, err := http.NewRequest(http.MethodGet, srv.URL+"/v1/org", nil)
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := srv.Client().Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		return resp.StatusCode
	}
	now := fx.clock.Now()
	require.Equal(t, http.StatusOK, get(signJWT(t, fx.keys.ec, "ES256", "ec-1", claimsAt(now))))
	require.Equal(t, http.StatusUnauthorized, get(signJWT(t, fx.keys.attackerEC, "ES256", "ec-1", claimsAt(now))))
	require.Equal(t, http.StatusUnauthorized, get(signJWT(t, fx.keys.ec, "ES256", "ec-1", claimsAt(now, withClaim("exp", now.Add(-time.Hour).Unix())))))
}

// deterministicRSAKey derives a 2048-bit RSA key from seed. The fuzz target
// needs the same keys in every worker process, so that seed tokens minted in
// one verify in another, and rsa.GenerateKey ignores its reader since Go 1.26.
func deterministicRSAKey(tb testing.TB, seed string) *rsa.PrivateKey {
	tb.Helper()
	rng := mrand.NewChaCha8(sha256.Sum256([]byte(seed)))
	e := big.NewInt(65537)
	one := big.NewInt(1)
	prime := func() *big.Int {
		buf := make([]byte, 128)
		for {
			rng.Read(buf)
			buf[0] |= 0xc0
			buf[127] |= 1
			p := new(big.Int).SetBytes(buf)
			if p.ProbablyPrime(20) && new(big.Int).GCD(nil, nil, e, new(big.Int).Sub(p, one)).Cmp(one) == 0 {
				return p
			}
		}
	}
	p, q := prime(), prime()
	phi := new(big.Int).Mul(new(big.Int).Sub(p, one), new(big.Int).Sub(q, one))
	key := &rsa.PrivateKey{PublicKey: rsa.PublicKey{N: new(big.Int).Mul(p, q), E: 65537},
		D: new(big.Int).ModInverse(e, phi), Primes: []*big.Int{p, q}}
	key.Precompute()
	require.NoError(tb, key.Validate())
	return key
}

// deterministicP256Key derives a P-256 key from seed, as deterministicRSAKey.
func deterministicP256Key(tb testing.TB, seed string) *ecdsa.PrivateKey {
	tb.Helper()
	d := sha256.Sum256([]byte(seed))
	key, err := ecdsa.ParseRawPrivateKey(elliptic.P256(), d[:])
	require.NoError(tb, err)
	return key
}

// signedByTestKey reports whether token's signature verifies under pub
// with RSA PKCS #1 v1.5 or ECDSA r||s, whatever its header says: the fuzz
// target's independent check that an accepted token was really signed.
func signedByTestKey(token string, rsaPub *rsa.PublicKey, ecPub *ecdsa.PublicKey) bool {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return false
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return false
	}
	digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if rsa.VerifyPKCS1v15(rsaPub, crypto.SHA256, digest[:], sig) == nil {
		return true
	}
	return len(sig) == 64 && ecdsa.Verify(ecPub, digest[:], new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:]))
}

func FuzzOIDCAuthenticate(f *testing.F) {
	rsaKey := deterministicRSAKey(f, "caseledger oidc fuzz rsa")
	ecKey := deterministicP256Key(f, "caseledger oidc fuzz ec")
	jwks := newJWKSServer(f, rsaJWK("rsa-1", "RS256", &rsaKey.PublicKey), ecJWK(f, "ec-1", "ES256", &ecKey.PublicKey),
		ecJWK(f, "", "", &ecKey.PublicKey))
	now := oidcEpoch // fixed, so every worker agrees and the JWKS is fetched once
	auth, err := api.NewOIDC(api.OIDCConfig{Issuer: oidcIssuer, Audience: oidcAudience, JWKSURL: jwks.url,
		Now: func() time.Time { return now }})
	require.NoError(f, err)

	validRS := signJWT(f, rsaKey, "RS256", "rsa-1", claimsAt(now))
	validES := signJWT(f, ecKey, "ES256", "ec-1", claimsAt(now, withClaim("roles", "reviewer auditor")))
	validNoKid := signJWT(f, ecKey, "ES256", "", claimsAt(now, withClaim("aud", []string{oidcAudience})))
	for _, tok := range []string{validRS, validES, validNoKid} {
		_, err := auth.Verify(context.Background(), tok)
		require.NoError(f, err, "a valid seed is accepted")
		f.Add(tok)
		f.Add(tok[:len(tok)/2])
		f.Add(tok[:len(tok)-1])
		f.Add(tok + "A")
		f.Add(strings.Replace(tok, ".", "..", 1))
	}
	f.Add(signJWT(f, nil, "none", "rsa-1", claimsAt(now)))
	f.Add(signJWT(f, rsaKey.N.Bytes(), "HS256", "rsa-1", claimsAt(now)))
	f.Add(signJWT(f, rsaKey, "ES256", "ec-1", claimsAt(now)))
	f.Add(signJWT(f, ecKey, "ES256", "ec-1", claimsAt(now, withoutClaim("exp"))))
	f.Add(signJWS(f, ecKey, []byte(`{"alg":"ES256","kid":"ec-1"}`), []byte(`{"iss":1e999}`)))
	for _, g := range []string{"", ".", "..", "a.b.c", "eyJhbGciOiJub25lIn0.e30.", "eyJ9.eyJ9.eyJ9", "\x00\xff", strings.Repeat("A", 20000)} {
		f.Add(g)
	}
	f.Fuzz(func(t *testing.T, token string) {
		actor, ok := auth.Authenticate(token)
		if !ok {
			require.Zero(t, actor)
			return
		}
		if !signedByTestKey(token, &rsaKey.PublicKey, &ecKey.PublicKey) {
			t.Fatalf("accepted a token not signed by the test keys: %q", token)
		}
		require.NotEmpty(t, strings.TrimSpace(actor.ID))
		require.NotEmpty(t, strings.TrimSpace(actor.Organisation))
		require.NotEmpty(t, actor.Roles)
		require.Subset(t, api.Roles, actor.Roles)
	})
}
