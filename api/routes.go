package api

import (
	"net/http"

	"github.com/gorilla/mux"
)

// routes registers every route of the API, in one place.
func (s *Server) routes() {
	r := s.router
	r.Use(s.metrics.instrument, s.logRequests)
	r.HandleFunc("/healthz", s.handleHealthz).Methods(http.MethodGet)
	r.HandleFunc("/readyz", s.handleReadyz).Methods(http.MethodGet)
	r.Handle("/metrics", s.metrics.handler()).Methods(http.MethodGet)
	r.HandleFunc("/openapi.json", s.handleOpenAPI).Methods(http.MethodGet)

	v1 := r.PathPrefix("/v1").Subrouter()
	v1.Use(s.authenticate)
	for _, wr := range writes {
		v1.Handle(wr.path[len("/v1"):], s.handleWrite(wr)).Methods(http.MethodPost).Name(wr.name)
	}
	for _, rd := range allReads() {
		v1.Handle(rd.path[len("/v1"):], rd.handler(s)).Methods(http.MethodGet).Name(rd.name)
	}
	r.NotFoundHandler = http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		writeProblem(w, http.StatusNotFound, "no such route")
	})
	r.MethodNotAllowedHandler = http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		writeProblem(w, http.StatusMethodNotAllowed, "method not allowed on this route")
	})
}

// allReads is every read route.
func allReads() []read {
	var out []read
	for _, t := range [][]read{reads, viewReads, listReads, timelineReads, auditReads} {
		out = append(out, t...)
	}
	return out
}

// RouteInfo is one route the server answers: a method and a path template
// such as /v1/cases/{crn}/closure.
type RouteInfo struct {
	Method string
	Path   string
}

// Routes lists every method and path template the router serves, walked
// from the router itself, so a test can hold the OpenAPI document to it.
func (s *Server) Routes() []RouteInfo {
	var out []RouteInfo
	_ = s.router.Walk(func(route *mux.Route, _ *mux.Router, _ []*mux.Route) error {
		path, err := route.GetPathTemplate()
		if err != nil {
			return nil
		}
		methods, err := route.GetMethods()
		if err != nil {
			return nil // a prefix that only holds a subrouter
		}
		for _, m := range methods {
			out = append(out, RouteInfo{Method: m, Path: path})
		}
		return nil
	})
	return out
}
