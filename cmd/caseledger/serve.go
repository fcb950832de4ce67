package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/caseledger/caseledger/api"
	"github.com/caseledger/caseledger/domain/merkle"
	"github.com/caseledger/caseledger/store/cache"
)

// runServe serves the API until ctx ends, then shuts down gracefully.
func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var sf storeFlags
	sf.register(fs)
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on")
	tokensFile := fs.String("tokens", "", "the tokens file (JSON array of hashed tokens); default DATA/tokens.json")
	signKey := fs.String("checkpoint-key", "", "an Ed25519 private key (PEM PKCS#8, or a hex/base64 seed) to sign checkpoints with")
	signEvery := fs.Duration("checkpoint-every", time.Minute, "how often to sign a checkpoint when the ledger has grown")
	oidcIssuer := fs.String("oidc-issuer", "", "authenticate OIDC/JWT bearer tokens of this issuer instead of the tokens file")
	oidcAudience := fs.String("oidc-audience", "", "the audience OIDC tokens must carry")
	oidcJWKS := fs.String("oidc-jwks", "", "the identity provider's JWKS URL (https)")
	oidcClaims := fs.String("oidc-claims", "", "claim mapping: id=sub,name=name,org=org,roles=roles (defaults shown)")
	cacheEvents := fs.Int("cache-events", cache.DefaultMaxEvents, "decoded case events kept in memory (about 1 KiB each); the cases used least recently are dropped first")
	findings := fs.String("findings", "", "a JSON file of SFO findings thresholds (default DOMAIN.md's)")
	var overrides thresholdFlags
	fs.Var(&overrides, "threshold", "override one findings threshold: name=duration (e.g. ack_routine=3d); repeatable")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	th, err := loadThresholds(*findings)
	if err != nil {
		return err
	}
	if err := overrides.apply(&th); err != nil {
		return err
	}
	if *tokensFile == "" {
		*tokensFile = filepath.Join(sf.data, "tokens.json")
	}
	var tokens api.Authenticator
	if *oidcIssuer != "" {
		claims, err := parseClaims(*oidcClaims)
		if err != nil {
			return err
		}
		o, err := api.NewOIDC(api.OIDCConfig{Issuer: *oidcIssuer, Audience: *oidcAudience, JWKSURL: *oidcJWKS, Claims: claims})
		if err != nil {
			return fmt.Errorf("oidc: %w", err)
		}
		tokens = o
	} else if tokens, err = api.WatchTokens(*tokensFile); err != nil {
		return err
	} else if _, err := os.Stat(*tokensFile); errors.Is(err, os.ErrNotExist) {
		fmt.Fprintf(stderr, "no tokens file at %s yet: /v1 requests are refused until one is made (caseledger token new --file %s ...)\n", *tokensFile, *tokensFile)
	}
	st, where, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	log := slog.New(slog.NewJSONHandler(stderr, nil))
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	handler := api.New(api.Config{Store: st, Tokens: tokens, Log: log, Snapshot: filepath.Join(sf.data, SnapshotFile), Thresholds: &th,
		CacheEvents: *cacheEvents})
	if _, err := handler.Projections().Load(); err != nil {
		return err
	}
	if *signKey != "" {
		data, err := os.ReadFile(*signKey)
		if err != nil {
			return err
		}
		key, err := merkle.ParsePrivateKey(data)
		if err != nil {
			return fmt.Errorf("--checkpoint-key: %w", err)
		}
		if err := handler.Projections().SetSigner(key, filepath.Join(sf.data, CheckpointsFile), *signEvery); err != nil {
			return err
		}
	}
	runCtx, stopRunner := context.WithCancel(context.Background())
	ran := make(chan struct{})
	go func() {
		defer close(ran)
		handler.Projections().Run(runCtx, time.Second, func(err error) { log.Warn("projections", "err", err) })
	}()
	defer func() { stopRunner(); <-ran }() // Run writes a last snapshot as it stops
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(stdout, "caseledger serving http://%s (store: %s)\n", ln.Addr(), where)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	// Graceful shutdown: new requests get 503, those in flight complete
	// (their writes are durable before they are answered), then the store
	// and a last projections snapshot are closed.
	handler.Drain()
	shutdown, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// parseClaims reads --oidc-claims: comma-separated key=claim pairs.
func parseClaims(s string) (api.ClaimMapping, error) {
	var m api.ClaimMapping
	if s == "" {
		return m, nil
	}
	for _, kv := range strings.Split(s, ",") {
		k, v, ok := cutEq(strings.TrimSpace(kv))
		if !ok {
			return m, fmt.Errorf("--oidc-claims: %q is not key=claim", kv)
		}
		switch k {
		case "id":
			m.ID = v
		case "name":
			m.Name = v
		case "org":
			m.Organisation = v
		case "roles":
			m.Roles = v
		default:
			return m, fmt.Errorf("--oidc-claims: unknown key %q (want id, name, org, roles)", k)
		}
	}
	return m, nil
}
