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
	"time"

	"github.com/caseledger/caseledger/api"
	"github.com/caseledger/caseledger/domain/merkle"
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
	tokens, err := api.WatchTokens(*tokensFile)
	if err != nil {
		return err
	}
	if _, err := os.Stat(*tokensFile); errors.Is(err, os.ErrNotExist) {
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
	handler := api.New(api.Config{Store: st, Tokens: tokens, Log: log, Snapshot: filepath.Join(sf.data, SnapshotFile), Thresholds: &th})
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
	runCtx, stopRunner := context.WithCancel(ctx)
	defer stopRunner()
	go handler.Projections().Run(runCtx, time.Second, func(err error) { log.Warn("projections", "err", err) })
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(stdout, "caseledger serving http://%s (store: %s)\n", ln.Addr(), where)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
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
