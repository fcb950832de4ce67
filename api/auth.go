package api

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strings"

	"github.com/caseledger/caseledger/domain"
)

// Roles.
const (
	RolePractitioner = "practitioner"
	RoleReviewer     = "reviewer"
	RoleAuditor      = "auditor"
	RoleAdmin        = "admin"
)

// Roles lists every role.
var Roles = []string{RolePractitioner, RoleReviewer, RoleAuditor, RoleAdmin}

// TokenEntry is one line of the tokens file: a hashed token and the identity
// it stands for. The token itself is never stored.
type TokenEntry struct {
	TokenSHA256  string   `json:"token_sha256"`
	ID           string   `json:"id"`
	Name         string   `json:"name"`
	Organisation string   `json:"organisation"`
	Roles        []string `json:"roles"`
}

// Tokens authenticates bearer tokens against hashed entries.
type Tokens struct {
	entries []TokenEntry
	hashes  [][]byte
}

// ParseTokens decodes and checks a tokens file.
func ParseTokens(data []byte) (*Tokens, error) {
	var entries []TokenEntry
	if err := decodeStrict(data, &entries, nil); err != nil {
		return nil, fmt.Errorf("tokens file: %w", err)
	}
	t := &Tokens{}
	for i, e := range entries {
		h, err := hex.DecodeString(e.TokenSHA256)
		if err != nil || len(h) != sha256.Size {
			return nil, fmt.Errorf("tokens file: entry %d: token_sha256 must be 64 hex digits", i)
		}
		if e.ID == "" || e.Organisation == "" || len(e.Roles) == 0 {
			return nil, fmt.Errorf("tokens file: entry %d: id, organisation and roles are required", i)
		}
		for _, r := range e.Roles {
			if !slices.Contains(Roles, r) {
				return nil, fmt.Errorf("tokens file: entry %d: unknown role %q", i, r)
			}
		}
		t.entries = append(t.entries, e)
		t.hashes = append(t.hashes, h)
	}
	return t, nil
}

// LoadTokens reads a tokens file.
func LoadTokens(path string) (*Tokens, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParseTokens(data)
}

// Authenticate returns the identity of a bearer token. Every entry is
// compared, in constant time, so timing does not tell which one matched.
func (t *Tokens) Authenticate(token string) (domain.Actor, bool) {
	sum := sha256.Sum256([]byte(token))
	found := -1
	for i, h := range t.hashes {
		if subtle.ConstantTimeCompare(sum[:], h) == 1 {
			found = i
		}
	}
	if found < 0 {
		return domain.Actor{}, false
	}
	e := t.entries[found]
	return domain.Actor{ID: e.ID, Name: e.Name, Organisation: e.Organisation, Roles: e.Roles}, true
}

// HashToken returns the hex SHA-256 of a token, as the tokens file keeps it.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

type actorKey struct{}

// authenticate is the middleware of every /v1 route: no or bad credentials
// are 401 with WWW-Authenticate.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := r.Header.Get("Authorization")
		token, ok := strings.CutPrefix(h, "Bearer ")
		if !ok || token == "" {
			writeProblem(w, http.StatusUnauthorized, "send Authorization: Bearer <token>")
			return
		}
		actor, ok := s.tokens.Authenticate(strings.TrimSpace(token))
		if !ok {
			writeProblem(w, http.StatusUnauthorized, "the token is not valid")
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), actorKey{}, actor)))
	})
}

// actorOf returns the authenticated caller of a /v1 request.
func actorOf(r *http.Request) domain.Actor {
	a, _ := r.Context().Value(actorKey{}).(domain.Actor)
	return a
}

// hasRole reports whether the actor holds one of roles.
func hasRole(a domain.Actor, roles ...string) bool {
	for _, r := range roles {
		if slices.Contains(a.Roles, r) {
			return true
		}
	}
	return false
}

// errForbidden is the one refusal body for every case and route.
var errForbidden = errors.New("you may not do this")
