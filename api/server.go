package api

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"time"

	"github.com/gorilla/mux"

	"github.com/caseledger/caseledger/domain"
)

// Store is what the API needs from the event store.
type Store interface {
	ReadAll(ctx context.Context, after uint64, limit int) ([]domain.Envelope, error)
}

// Server serves the HTTP API over a store.
type Server struct {
	store  Store
	log    *slog.Logger
	router *mux.Router
}

// New returns a server over store; log receives ids, never personal data.
func New(store Store, log *slog.Logger) *Server {
	s := &Server{store: store, log: log, router: mux.NewRouter()}
	s.routes()
	return s
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.router.ServeHTTP(w, r) }

// handleHealthz serves GET /healthz: the process is up.
func (s *Server) handleHealthz(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"ok": true})
}

// handleReadyz serves GET /readyz: the store answers a read.
func (s *Server) handleReadyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if _, err := s.store.ReadAll(ctx, 0, 1); err != nil {
		s.log.Warn("readiness check failed", "err", err)
		w.Header().Set("Retry-After", "1")
		writeJSON(w, http.StatusServiceUnavailable, map[string]any{"ready": false, "store": "unreachable"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"ready": true, "store": "ok"})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
