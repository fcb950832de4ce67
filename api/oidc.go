package api

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/caseledger/caseledger/domain"
)

// OIDC authenticates bearer tokens that are JWTs issued by an OpenID Connect
// identity provider and signed with a key the provider publishes in its JWKS.
// It is the production alternative to the tokens file (QUALITY.md, Security)
// and implements Authenticator. docs/OIDC.md is the operator's guide.
//
// The choices, each made to refuse rather than guess:
//
//   - Only compact JWS tokens signed RS256 (RSA PKCS #1 v1.5, SHA-256) or
//     ES256 (ECDSA P-256, SHA-256, the 64-byte r||s form) are accepted, with
//     the standard library only. "none", HS*, PS*, ES384 and every other alg
//     are refused, as are JWE tokens (five segments).
//   - A key is used only for the alg it fits: RS256 needs kty RSA, ES256
//     needs kty EC with crv P-256, and a key that names an alg must name the
//     token's. So an RSA key is never an HMAC secret nor an EC key's stand-in
//     (no algorithm confusion). RSA keys must have 2048 to 8192 bits.
//   - Keys come only from JWKSURL, which must be https (http only to a
//     loopback host, for tests). Header parameters that carry or point at
//     keys (jwk, jku, x5c, x5u) are ignored; a header with crit is refused,
//     since no extension is understood.
//   - The signature is checked before the claims are decoded; segments are
//     strict unpadded base64url, and header and claims must be JSON objects.
//   - iss must equal Issuer exactly and aud must be, or contain, Audience.
//     exp is required; exp, nbf and iat are checked against Now with Leeway.
//   - The actor is read through ClaimMapping: the id and organisation claims
//     must be non-blank strings; roles may be a JSON array of strings or a
//     space- or comma-separated string, roles not in Roles are ignored, and a
//     token with no known role is refused.
//   - The JWKS is cached. A token whose kid is not in the cache causes one
//     fetch, at most one per MinRefreshInterval whoever asks, so a caller
//     sending made-up kids cannot hammer the provider; keys older than
//     MaxKeyAge are fetched again so that keys the provider withdraws stop
//     working. A failed fetch keeps the cached keys. Tokens without kid are
//     checked against keys without kid, and only those.
//
// Verify says why a token is refused, as one of the ErrJWT values; the
// reasons quote no claim value (at most the header's alg or kid), so they
// may be logged.
type OIDC struct {
	issuer, audience string
	jwksURL          string
	claims           ClaimMapping
	leeway           time.Duration
	minRefresh       time.Duration
	maxKeyAge        time.Duration
	fetchTimeout     time.Duration
	client           *http.Client
	now              func() time.Time

	mu      sync.RWMutex // guards the fields below
	keys    []oidcKey
	fetched time.Time // when keys were fetched
	err     error     // of the last fetch, nil if it succeeded

	fetchMu     sync.Mutex // held while fetching; guards lastAttempt
	lastAttempt time.Time
}

// ClaimMapping names the claims an actor is read from.
type ClaimMapping struct {
	ID           string // default "sub"
	Name         string // default "name"; optional in tokens
	Organisation string // default "org"
	Roles        string // default "roles"
}

// OIDCConfig is what an OIDC authenticator is made of. Issuer, Audience and
// JWKSURL are required; every other field has a default when zero.
type OIDCConfig struct {
	Issuer   string // the iss tokens must carry, exactly
	Audience string // the aud tokens must carry (or contain)
	JWKSURL  string // where the provider publishes its keys
	Claims   ClaimMapping
	// Leeway is the clock skew allowed on exp, nbf and iat: 60s when zero,
	// none when negative.
	Leeway time.Duration
	// HTTPClient fetches the JWKS; a client of its own when nil.
	HTTPClient *http.Client
	// Now is the clock of token times and of the key cache; time.Now when nil.
	Now func() time.Time
	// MinRefreshInterval is the least time between two JWKS fetches; 30s.
	MinRefreshInterval time.Duration
	// MaxKeyAge is how long fetched keys are used before they are fetched
	// again; 1h.
	MaxKeyAge time.Duration
	// FetchTimeout bounds one JWKS fetch; 10s.
	FetchTimeout time.Duration
}

// The defaults of OIDCConfig.
const (
	DefaultOIDCLeeway       = 60 * time.Second
	DefaultOIDCMinRefresh   = 30 * time.Second
	DefaultOIDCMaxKeyAge    = time.Hour
	DefaultOIDCFetchTimeout = 10 * time.Second
)

// Why a token is refused. Verify wraps one of these; errors.Is matches them.
var (
	ErrJWTMalformed   = errors.New("token: not a well-formed compact JWS of JSON objects")
	ErrJWTAlgorithm   = errors.New("token: algorithm not accepted, or not the key's")
	ErrJWTUnknownKey  = errors.New("token: no key with this kid in the JWKS")
	ErrJWTSignature   = errors.New("token: signature does not verify")
	ErrJWTIssuer      = errors.New("token: wrong issuer")
	ErrJWTAudience    = errors.New("token: not for this audience")
	ErrJWTExpired     = errors.New("token: expired")
	ErrJWTNotYetValid = errors.New("token: not valid yet")
	ErrJWTClaims      = errors.New("token: a required claim is missing, blank or of the wrong type")
	ErrJWTNoRole      = errors.New("token: no known role")
)

// NewOIDC checks cfg and returns an authenticator for it. It does no I/O:
// keys are fetched on first use, or by Refresh, which a server may call at
// start to fail fast on a wrong JWKSURL.
func NewOIDC(cfg OIDCConfig) (*OIDC, error) {
	if cfg.Issuer == "" || cfg.Audience == "" || cfg.JWKSURL == "" {
		return nil, errors.New("oidc: issuer, audience and JWKS URL are required")
	}
	if err := checkJWKSURL(cfg.JWKSURL); err != nil {
		return nil, err
	}
	if cfg.MinRefreshInterval < 0 || cfg.MaxKeyAge < 0 || cfg.FetchTimeout < 0 {
		return nil, errors.New("oidc: durations must not be negative")
	}
	o := &OIDC{issuer: cfg.Issuer, audience: cfg.Audience, jwksURL: cfg.JWKSURL, claims: cfg.Claims,
		leeway: cfg.Leeway, minRefresh: cfg.MinRefreshInterval, maxKeyAge: cfg.MaxKeyAge,
		fetchTimeout: cfg.FetchTimeout, client: cfg.HTTPClient, now: cfg.Now}
	setDefault(&o.claims.ID, "sub")
	setDefault(&o.claims.Name, "name")
	setDefault(&o.claims.Organisation, "org")
	setDefault(&o.claims.Roles, "roles")
	switch {
	case o.leeway == 0:
		o.leeway = DefaultOIDCLeeway
	case o.leeway < 0:
		o.leeway = 0
	}
	setDefault(&o.minRefresh, DefaultOIDCMinRefresh)
	setDefault(&o.maxKeyAge, DefaultOIDCMaxKeyAge)
	setDefault(&o.fetchTimeout, DefaultOIDCFetchTimeout)
	if o.client == nil {
		o.client = &http.Client{}
	}
	if o.now == nil {
		o.now = time.Now
	}
	return o, nil
}

func setDefault[T comparable](v *T, def T) {
	var zero T
	if *v == zero {
		*v = def
	}
}

// checkJWKSURL refuses a JWKS URL that is not https, except to a loopback
// host: keys fetched in clear from afar could be anyone's.
func checkJWKSURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return fmt.Errorf("oidc: JWKS URL %q is not an absolute URL", raw)
	}
	host := u.Hostname()
	ip := net.ParseIP(host)
	loopback := host == "localhost" || (ip != nil && ip.IsLoopback())
	if u.Scheme != "https" && !(u.Scheme == "http" && loopback) {
		return fmt.Errorf("oidc: JWKS URL %q must be https", raw)
	}
	return nil
}

// Authenticate implements Authenticator.
func (o *OIDC) Authenticate(token string) (domain.Actor, bool) {
	return o.AuthenticateContext(context.Background(), token)
}

// AuthenticateContext is Authenticate with the request's context.
func (o *OIDC) AuthenticateContext(ctx context.Context, token string) (domain.Actor, bool) {
	a, err := o.Verify(ctx, token)
	return a, err == nil
}

// Verify returns the actor of a token, or why it is refused (one of the
// ErrJWT values, wrapped). It may fetch the JWKS; that fetch is bounded by
// FetchTimeout but not cut short when ctx is cancelled, so a caller who hangs
// up cannot spoil a refresh that other requests are waiting on.
func (o *OIDC) Verify(ctx context.Context, token string) (domain.Actor, error) {
	jws, err := parseJWS(token)
	if err != nil {
		return domain.Actor{}, err
	}
	if err := o.verifySignature(ctx, jws); err != nil {
		return domain.Actor{}, err
	}
	claims, err := decodeClaims(jws.payload)
	if err != nil {
		return domain.Actor{}, err
	}
	if err := o.checkRegistered(claims); err != nil {
		return domain.Actor{}, err
	}
	return o.actorOf(claims)
}

// actorOf reads the actor out of verified claims.
func (o *OIDC) actorOf(c jwtClaims) (domain.Actor, error) {
	id, err := c.str(o.claims.ID)
	if err != nil || strings.TrimSpace(id) == "" {
		return domain.Actor{}, fmt.Errorf("%w: %s (id)", ErrJWTClaims, o.claims.ID)
	}
	org, err := c.str(o.claims.Organisation)
	if err != nil || strings.TrimSpace(org) == "" {
		return domain.Actor{}, fmt.Errorf("%w: %s (organisation)", ErrJWTClaims, o.claims.Organisation)
	}
	name, err := c.str(o.claims.Name)
	if err != nil {
		return domain.Actor{}, fmt.Errorf("%w: %s (name)", ErrJWTClaims, o.claims.Name)
	}
	roles, err := c.roles(o.claims.Roles)
	if err != nil {
		return domain.Actor{}, err
	}
	return domain.Actor{ID: id, Name: name, Organisation: org, Roles: roles}, nil
}
