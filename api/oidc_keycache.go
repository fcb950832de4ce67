package api

import (
	"context"
	"time"
)

// The JWKS cache of an OIDC authenticator: which keys it holds, and when it
// fetches them again.

// Err is the error of the last JWKS fetch, nil if it succeeded or none was
// made. A failed fetch keeps the keys fetched before it.
func (o *OIDC) Err() error {
	o.mu.RLock()
	defer o.mu.RUnlock()
	return o.err
}

// Refresh fetches the JWKS now unless a fetch was made less than
// MinRefreshInterval ago, and returns Err.
func (o *OIDC) Refresh(ctx context.Context) error {
	o.fetchMu.Lock()
	o.refreshLocked(ctx)
	o.fetchMu.Unlock()
	return o.Err()
}

// candidates returns the cached keys with kid, fetching the JWKS first if
// there are none (a key the provider has just added) or the cache is older
// than maxKeyAge (a key it may have withdrawn). A stale cache is refreshed by
// the first caller to notice; the others use it meanwhile rather than queue
// behind a slow provider.
func (o *OIDC) candidates(ctx context.Context, kid string) []oidcKey {
	found, fetched := o.cached(kid)
	switch {
	case len(found) == 0:
		o.fetchMu.Lock()
		o.refreshLocked(ctx)
		o.fetchMu.Unlock()
	case o.now().Sub(fetched) >= o.maxKeyAge && o.fetchMu.TryLock():
		o.refreshLocked(ctx)
		o.fetchMu.Unlock()
	default:
		return found
	}
	found, _ = o.cached(kid)
	return found
}

// cached returns the cached keys with kid and when they were fetched.
func (o *OIDC) cached(kid string) ([]oidcKey, time.Time) {
	o.mu.RLock()
	defer o.mu.RUnlock()
	var found []oidcKey
	for _, k := range o.keys {
		if k.kid == kid {
			found = append(found, k)
		}
	}
	return found, o.fetched
}

// refreshLocked fetches the JWKS if the last attempt, failed or not, is at
// least minRefresh old. o.fetchMu must be held.
func (o *OIDC) refreshLocked(ctx context.Context) {
	now := o.now()
	if !o.lastAttempt.IsZero() && now.Sub(o.lastAttempt) < o.minRefresh && !now.Before(o.lastAttempt) {
		return
	}
	o.lastAttempt = now
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), o.fetchTimeout)
	defer cancel()
	keys, err := o.fetchJWKS(ctx)
	o.mu.Lock()
	defer o.mu.Unlock()
	if err != nil {
		o.err = err
		return
	}
	o.keys, o.fetched, o.err = keys, now, nil
}
