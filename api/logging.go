package api

import (
	"net/http"
	"time"

	"github.com/gorilla/mux"
)

// logRequests writes one line per request: method, route template, status
// and duration. It names the route, never the concrete path or query, and
// nothing of the body — logs carry ids and statuses, never personal data or
// free text, and never a token.
func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		route := "unmatched"
		if cur := mux.CurrentRoute(r); cur != nil {
			if t, err := cur.GetPathTemplate(); err == nil {
				route = t
			}
		}
		s.log.Info("request", "method", r.Method, "route", route, "status", rec.status,
			"ms", float64(time.Since(start).Microseconds())/1000)
	})
}
