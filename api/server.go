package api

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/mux"

	"github.com/caseledger/caseledger/api/ledger"
	"github.com/caseledger/caseledger/domain"
	"github.com/caseledger/caseledger/projections"
	"github.com/caseledger/caseledger/projections/runner"
	"github.com/caseledger/caseledger/store"
)

// Store is what the API needs from the event store.
type Store interface {
	Append(ctx context.Context, stream string, expected store.Expected, evs ...domain.Envelope) (store.Appended, error)
	ReadStream(ctx context.Context, stream string, from uint64, limit int) ([]domain.Envelope, error)
	ReadAll(ctx context.Context, after uint64, limit int) ([]domain.Envelope, error)
}

// Config is what a Server is made of.
type Config struct {
	Store  Store
	Tokens Authenticator
	// Log receives ids and statuses, never personal data or free text.
	Log *slog.Logger
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// Snapshot is the file the projections checkpoint to ("" for none).
	Snapshot string
	// Thresholds are the SFO findings' thresholds; DOMAIN.md's defaults when zero.
	Thresholds *projections.Thresholds
	// NoAccessLog turns the access log off — for measuring its cost only;
	// no production configuration sets it.
	NoAccessLog bool
	// CacheEvents bounds the decoded case events kept in memory
	// (store/cache's default when zero).
	CacheEvents int
}

// Server serves the HTTP API over a store.
type Server struct {
	store   Store
	ledger  *ledger.Ledger
	tokens  Authenticator
	log     *slog.Logger
	now     func() time.Time
	router  *mux.Router
	metrics *metrics

	runner *runner.Runner

	thresholds  projections.Thresholds
	noAccessLog bool

	draining atomic.Bool

	officersMu sync.Mutex
	officers   *projections.OfficerCases
}

// New returns a server for cfg.
func New(cfg Config) *Server {
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	tokens := cfg.Tokens
	if tokens == nil {
		tokens = &Tokens{}
	}
	m := newMetrics()
	st := newMeasuredStore(cfg.Store, m)
	l := ledger.New(st, now, ledger.CacheEvents(cfg.CacheEvents))
	// The runner folds the cases it catches up with from the same cache of
	// decoded cases as the requests.
	histories := func(ctx context.Context, stream string) ([]domain.Recorded, error) {
		h, err := l.History(ctx, stream)
		return h.Events, err
	}
	s := &Server{store: st, ledger: l, tokens: tokens, log: cfg.Log, now: now,
		router: mux.NewRouter(), metrics: m, officers: projections.NewOfficerCases(),
		runner: runner.New(st, now, cfg.Snapshot, runner.WithHistories(histories))}
	s.noAccessLog = cfg.NoAccessLog
	s.thresholds = projections.DefaultThresholds()
	if cfg.Thresholds != nil {
		s.thresholds = *cfg.Thresholds
	}
	s.metrics.watchProjections(s.runner.Position)
	s.routes()
	return s
}

// Projections returns the runner of the global projections, for the
// command that serves to start, snapshot and stop it.
func (s *Server) Projections() *runner.Runner { return s.runner }

// ServeHTTP implements http.Handler. Every response carries the security
// headers; a page that needs another Content-Security-Policy (the timeline)
// sets its own, stricter in what it loads.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
	h.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
	h.Set("Cache-Control", "no-store")
	if s.draining.Load() && r.URL.Path != "/healthz" {
		writeProblem(w, http.StatusServiceUnavailable, "the server is shutting down; try again")
		return
	}
	s.router.ServeHTTP(w, r)
}

// Drain makes the server answer every new request (but /healthz) 503 with
// Retry-After, while requests already in flight complete: the first step of
// a graceful shutdown.
func (s *Server) Drain() { s.draining.Store(true) }

// handleHealthz serves GET /healthz: the process is up.
func (s *Server) handleHealthz(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"ok": true})
}

// handleReadyz serves GET /readyz: the store answers a read.
func (s *Server) handleReadyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if _, err := s.store.ReadStream(ctx, domain.OrgStream, 0, 1); err != nil {
		s.log.Warn("readiness check failed", "err", err)
		w.Header().Set("Retry-After", "1")
		writeJSON(w, http.StatusServiceUnavailable, map[string]any{"ready": false, "store": "unreachable"})
		return
	}
	if err := s.runner.CatchUp(ctx); err != nil {
		w.Header().Set("Retry-After", "1")
		writeJSON(w, http.StatusServiceUnavailable, map[string]any{"ready": false, "store": "ok",
			"projections": "catching up", "position": s.runner.Position()})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"ready": true, "store": "ok", "projections": "caught up", "position": s.runner.Position()})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
