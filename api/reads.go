package api

import (
	"net/http"
	"sort"
	"strconv"

	"github.com/gorilla/mux"

	"github.com/caseledger/caseledger/domain"
	"github.com/caseledger/caseledger/projections"
)

// read is one read route; like writes, the table feeds the router and the
// OpenAPI document.
type read struct {
	path    string
	name    string
	summary string
	query   []string
	handler func(s *Server) http.Handler
}

var reads = []read{
	{path: "/v1/cases/{crn}/events", name: "caseEvents", summary: "The case's raw stream as full envelopes, oldest first",
		query: []string{"from_revision", "limit"}, handler: func(s *Server) http.Handler { return http.HandlerFunc(s.handleEvents) }},
	{path: "/v1/org", name: "org", summary: "Providers, teams, officers and absences",
		handler: func(s *Server) http.Handler { return http.HandlerFunc(s.handleOrg) }},
}

// handleEvents serves GET /v1/cases/{crn}/events.
func (s *Server) handleEvents(w http.ResponseWriter, r *http.Request) {
	from, ok := queryUint(w, r, "from_revision", 0, -1)
	if !ok {
		return
	}
	limit, ok := queryUint(w, r, "limit", 100, 1000)
	if !ok {
		return
	}
	crn := mux.Vars(r)["crn"]
	if !domain.ValidCRN(crn) {
		writeProblem(w, http.StatusNotFound, "no such case")
		return
	}
	stream, err := s.ledger.History(r.Context(), domain.CaseStream(crn))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	envs, history := stream.Envelopes, stream.Events
	if len(envs) == 0 {
		writeProblem(w, http.StatusNotFound, "no such case")
		return
	}
	if !s.authoriseRead(w, r, crn, projections.RowOf(history, s.now()), nil, nil) {
		return
	}
	page := []domain.Envelope{}
	if from < uint64(len(envs)) {
		page = envs[from:min(uint64(len(envs)), from+limit)]
	}
	var next *uint64
	if end := from + uint64(len(page)); len(page) > 0 && end < uint64(len(envs)) {
		next = &end
	}
	w.Header().Set("ETag", etag(envs[len(envs)-1].Revision))
	writeJSON(w, http.StatusOK, map[string]any{"crn": crn, "events": page, "next_from_revision": next})
}

// queryUint reads an optional non-negative integer query parameter, at most
// max (max < 0: no bound); a bad value is 400.
func queryUint(w http.ResponseWriter, r *http.Request, name string, def uint64, max int64) (uint64, bool) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return def, true
	}
	n, err := strconv.ParseUint(v, 10, 64)
	if err != nil || (max >= 0 && n > uint64(max)) || (name == "limit" && n == 0) {
		bound := ""
		if max >= 0 {
			bound = " up to " + strconv.FormatInt(max, 10)
		}
		writeProblem(w, http.StatusBadRequest, name+" must be a whole number"+bound, fieldErr(name, "invalid"))
		return 0, false
	}
	return n, true
}

// handleOrg serves GET /v1/org: the reference data as known now.
func (s *Server) handleOrg(w http.ResponseWriter, r *http.Request) {
	org, history, err := s.ledger.Org(r.Context())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	now := s.now()
	providers := []map[string]any{}
	for _, code := range sortedCodes(org.Providers) {
		p := org.Providers[code]
		providers = append(providers, map[string]any{"code": p.Code, "name": p.Name, "high_risk": p.HighRisk, "since": p.Since.UTC()})
	}
	teams := []map[string]any{}
	for _, code := range sortedCodes(org.Teams) {
		t := org.Teams[code]
		teams = append(teams, map[string]any{"code": t.Code, "provider": t.Provider, "name": t.Name, "phone": t.Phone, "email": t.Email, "since": t.Since.UTC()})
	}
	officers := []map[string]any{}
	for _, code := range sortedCodes(org.Officers) {
		o := org.Officers[code]
		officers = append(officers, map[string]any{"code": o.Code, "name": o.Name, "grade": o.Grade, "team": o.TeamOf(now),
			"phone": o.Phone, "email": o.Email, "since": o.Since.UTC(), "left_at": o.Left})
	}
	absences := []map[string]any{}
	for _, id := range sortedCodes(org.Absences) {
		a := org.Absences[id]
		absences = append(absences, map[string]any{"absence_id": a.AbsenceID, "officer": a.Code, "from": a.From.UTC(), "to": a.To.UTC(),
			"cover_officer": a.CoverOfficer, "cancelled": a.Cancelled})
	}
	if n := len(history); n > 0 {
		w.Header().Set("ETag", etag(history[n-1].Revision))
	}
	writeJSON(w, http.StatusOK, map[string]any{"providers": providers, "teams": teams, "officers": officers, "absences": absences})
}

func sortedCodes[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
