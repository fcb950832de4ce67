package api

import (
	"net/http"
	"time"

	"github.com/gorilla/mux"

	"github.com/caseledger/caseledger/domain"
	"github.com/caseledger/caseledger/projections"
)

// viewReads are the projected views of one case, each at any (as_of, known_at).
var viewReads = []read{
	{path: "/v1/cases/{crn}", name: "caseSummary", summary: "Case summary", query: bitemporal,
		handler: caseView(func(s projections.Snapshot) any { return projections.Summary(s) })},
	{path: "/v1/cases/{crn}/ownership", name: "ownership", summary: "Current owner, ownership history as time slices, component managers, pending transfers", query: bitemporal,
		handler: caseView(func(s projections.Snapshot) any { return projections.Ownership(s) })},
	{path: "/v1/cases/{crn}/contact", name: "contact", summary: "Whom to contact about the case: owner, cover or duty team", query: bitemporal,
		handler: caseOrgView(func(s projections.Snapshot, org *domain.Org) any { return projections.Contact(s, org) })},
	{path: "/v1/cases/{crn}/compliance", name: "compliance", summary: "Upcoming appointments, last attended, non-compliance since the last enforcement, open breaches", query: bitemporal,
		handler: caseView(func(s projections.Snapshot) any { return projections.Compliance(s) })},
}

var bitemporal = []string{"as_of", "known_at"}

// caseSnapshot loads a case and answers the access and existence checks
// every case read shares; it writes the problem and returns false on failure.
func (s *Server) caseSnapshot(w http.ResponseWriter, r *http.Request) (projections.Snapshot, []domain.Recorded, bool) {
	now := s.now()
	asOf, ok := queryTime(w, r, "as_of", now)
	if !ok {
		return projections.Snapshot{}, nil, false
	}
	knownAt, ok := queryTime(w, r, "known_at", now)
	if !ok {
		return projections.Snapshot{}, nil, false
	}
	crn := mux.Vars(r)["crn"]
	if !domain.ValidCRN(crn) {
		writeProblem(w, http.StatusNotFound, "no such case")
		return projections.Snapshot{}, nil, false
	}
	stream, err := s.ledger.History(r.Context(), domain.CaseStream(crn))
	if err != nil {
		s.writeError(w, r, err)
		return projections.Snapshot{}, nil, false
	}
	history := stream.Events
	if len(history) == 0 {
		writeProblem(w, http.StatusNotFound, "no such case")
		return projections.Snapshot{}, nil, false
	}
	// The current state decides access; a read of the current state (the
	// default) is answered from the same fold.
	current, row, whole := currentOf(stream, now)
	if !s.authoriseRead(w, r, crn, row, &asOf, &knownAt) {
		return projections.Snapshot{}, nil, false
	}
	snap := current
	switch {
	case asOf.Equal(now) && knownAt.Equal(now):
	case whole && !knownAt.Before(history[len(history)-1].RecordedAt):
		// Every event known by known_at: the current fold's order is the
		// one to fold up to as_of, without copying and sorting it again.
		snap = projections.AtOrdered(history, current.Timeline, asOf, knownAt)
	default:
		snap = projections.At(history, asOf, knownAt)
	}
	if !snap.Exists() {
		writeProblem(w, http.StatusNotFound, "the case was not yet opened as known at known_at")
		return projections.Snapshot{}, nil, false
	}
	w.Header().Set("ETag", etag(history[len(history)-1].Revision))
	return snap, history, true
}

// caseView serves one projected view of a case.
func caseView(view func(projections.Snapshot) any) func(s *Server) http.Handler {
	return func(s *Server) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if snap, _, ok := s.caseSnapshot(w, r); ok {
				writeJSON(w, http.StatusOK, view(snap))
			}
		})
	}
}

// caseOrgView serves one projected view of a case that needs the org's
// reference data too.
func caseOrgView(view func(projections.Snapshot, *domain.Org) any) func(s *Server) http.Handler {
	return func(s *Server) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			snap, _, ok := s.caseSnapshot(w, r)
			if !ok {
				return
			}
			org, _, err := s.ledger.Org(r.Context())
			if err != nil {
				s.writeError(w, r, err)
				return
			}
			writeJSON(w, http.StatusOK, view(snap, org))
		})
	}
}

// queryTime reads an optional RFC 3339 instant; a bad one is 400.
func queryTime(w http.ResponseWriter, r *http.Request, name string, def time.Time) (time.Time, bool) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return def.UTC(), true
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		writeProblem(w, http.StatusBadRequest, name+" must be an RFC 3339 instant", fieldErr(name, "not RFC 3339"))
		return time.Time{}, false
	}
	return t.UTC(), true
}
