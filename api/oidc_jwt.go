package api

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"time"
	"unicode"
)

// maxTokenBytes bounds the work an unauthenticated caller can ask for; ID
// and access tokens with many claims stay well under it.
const maxTokenBytes = 16 << 10

// b64 is unpadded base64url that refuses padding, line breaks and non-zero
// trailing bits, so each segment has exactly one spelling.
var b64 = base64.RawURLEncoding.Strict()

// jws is a compact JWS split into its parts; nothing in it is trusted until
// the signature is checked.
type jws struct {
	header       jwsHeader
	signingInput string // header.payload, as sent
	payload      []byte
	signature    []byte
}

// jwsHeader holds the header parameters that matter here.
type jwsHeader struct {
	Alg string
	Kid string
}

// parseJWS splits and decodes a compact JWS (RFC 7515 §7.1) and its header.
func parseJWS(token string) (*jws, error) {
	if len(token) > maxTokenBytes {
		return nil, fmt.Errorf("%w: over %d bytes", ErrJWTMalformed, maxTokenBytes)
	}
	for i := 0; i < len(token); i++ {
		c := token[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return nil, fmt.Errorf("%w: a character outside base64url", ErrJWTMalformed)
		}
	}
	parts := strings.Split(token, ".")
	if len(parts) != 3 || parts[0] == "" || parts[1] == "" || parts[2] == "" {
		return nil, fmt.Errorf("%w: want three non-empty segments", ErrJWTMalformed)
	}
	rawHeader, err1 := b64.DecodeString(parts[0])
	payload, err2 := b64.DecodeString(parts[1])
	sig, err3 := b64.DecodeString(parts[2])
	if err1 != nil || err2 != nil || err3 != nil {
		return nil, fmt.Errorf("%w: bad base64url", ErrJWTMalformed)
	}
	h, err := parseHeader(rawHeader)
	if err != nil {
		return nil, err
	}
	return &jws{header: h, signingInput: parts[0] + "." + parts[1], payload: payload, signature: sig}, nil
}

// parseHeader reads alg and kid by their exact names (encoding/json would
// match "ALG" too) and refuses crit, since no extension is understood.
func parseHeader(raw []byte) (jwsHeader, error) {
	m, err := decodeObject(raw)
	if err != nil {
		return jwsHeader{}, fmt.Errorf("%w: header: %v", ErrJWTMalformed, err)
	}
	if _, ok := m["crit"]; ok {
		return jwsHeader{}, fmt.Errorf("%w: header: crit is not supported", ErrJWTMalformed)
	}
	var h jwsHeader
	alg, ok := m["alg"].(string)
	if !ok {
		return jwsHeader{}, fmt.Errorf("%w: header: alg must be a string", ErrJWTAlgorithm)
	}
	h.Alg = alg
	if kid, ok := m["kid"]; ok {
		if h.Kid, ok = kid.(string); !ok {
			return jwsHeader{}, fmt.Errorf("%w: header: kid must be a string", ErrJWTMalformed)
		}
	}
	return h, nil
}

// decodeObject decodes one JSON object, keeping numbers as json.Number.
func decodeObject(data []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, err
	}
	if m == nil {
		return nil, fmt.Errorf("not a JSON object")
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("data after the JSON object")
	}
	return m, nil
}

// jwtClaims is a verified claims set.
type jwtClaims map[string]any

func decodeClaims(payload []byte) (jwtClaims, error) {
	m, err := decodeObject(payload)
	if err != nil {
		return nil, fmt.Errorf("%w: claims: %v", ErrJWTMalformed, err)
	}
	return m, nil
}

// checkRegistered checks iss, aud, exp, nbf and iat (RFC 7519 §4.1).
func (o *OIDC) checkRegistered(c jwtClaims) error {
	if iss, _ := c["iss"].(string); iss != o.issuer {
		return ErrJWTIssuer
	}
	if !c.hasAudience(o.audience) {
		return ErrJWTAudience
	}
	now := o.now()
	exp, ok, err := c.date("exp")
	switch {
	case err != nil:
		return err
	case !ok:
		return fmt.Errorf("%w: exp", ErrJWTClaims)
	case !now.Before(exp.Add(o.leeway)):
		return ErrJWTExpired
	}
	for _, name := range []string{"nbf", "iat"} {
		t, ok, err := c.date(name)
		if err != nil {
			return err
		}
		if ok && now.Add(o.leeway).Before(t) {
			return fmt.Errorf("%w: %s is in the future", ErrJWTNotYetValid, name)
		}
	}
	return nil
}

// hasAudience reports whether aud is aud, or an array of strings holding it.
func (c jwtClaims) hasAudience(aud string) bool {
	switch v := c["aud"].(type) {
	case string:
		return v == aud
	case []any:
		found := false
		for _, e := range v {
			s, ok := e.(string)
			if !ok {
				return false
			}
			found = found || s == aud
		}
		return found
	}
	return false
}

// date returns a NumericDate claim; ok is false if it is absent.
func (c jwtClaims) date(name string) (t time.Time, ok bool, err error) {
	v, present := c[name]
	if !present {
		return time.Time{}, false, nil
	}
	n, isNum := v.(json.Number)
	f, ferr := n.Float64()
	// 1e12 seconds is some 30,000 years: a larger value is nonsense, and
	// would overflow below.
	if !isNum || ferr != nil || math.Abs(f) > 1e12 {
		return time.Time{}, false, fmt.Errorf("%w: %s must be a NumericDate", ErrJWTClaims, name)
	}
	sec := math.Floor(f)
	return time.Unix(int64(sec), int64((f-sec)*1e9)), true, nil
}

// lookup finds a claim by its exact name or, failing that, by a dotted path
// into nested objects ("realm_access.roles").
func (c jwtClaims) lookup(name string) (any, bool) {
	if v, ok := c[name]; ok {
		return v, true
	}
	if !strings.Contains(name, ".") {
		return nil, false
	}
	var cur any = map[string]any(c)
	for part := range strings.SplitSeq(name, ".") {
		obj, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = obj[part]; !ok {
			return nil, false
		}
	}
	return cur, true
}

// str returns a string claim, "" if it is absent.
func (c jwtClaims) str(name string) (string, error) {
	v, ok := c.lookup(name)
	if !ok {
		return "", nil
	}
	s, ok := v.(string)
	if !ok {
		return "", fmt.Errorf("%w: %s must be a string", ErrJWTClaims, name)
	}
	return s, nil
}

// roles returns the known roles of the roles claim, a JSON array of strings
// or a space- or comma-separated string, in order and without repeats.
func (c jwtClaims) roles(name string) ([]string, error) {
	var names []string
	v, _ := c.lookup(name)
	switch v := v.(type) {
	case nil:
	case string:
		names = strings.FieldsFunc(v, func(r rune) bool { return r == ',' || unicode.IsSpace(r) })
	case []any:
		for _, e := range v {
			s, ok := e.(string)
			if !ok {
				return nil, fmt.Errorf("%w: %s must hold strings", ErrJWTClaims, name)
			}
			names = append(names, s)
		}
	default:
		return nil, fmt.Errorf("%w: %s must be an array or a string", ErrJWTClaims, name)
	}
	var known []string
	for _, r := range names {
		if slices.Contains(Roles, r) && !slices.Contains(known, r) {
			known = append(known, r)
		}
	}
	if len(known) == 0 {
		return nil, ErrJWTNoRole
	}
	return known, nil
}
