package api

import (
	"net/http"
	"time"

	"github.com/gorilla/mux"

	"github.com/caseledger/caseledger/domain"
	"github.com/caseledger/caseledger/projections"
)

// listReads are the views across cases, answered from the directory as known now.
var listReads = []read{
	{path: "/v1/cases", name: "listCases", summary: "The cases the caller may read", query: []string{"provider", "team", "officer", "limit", "cursor"},
		handler: func(s *Server) http.Handler { return http.HandlerFunc(s.handleListCases) }},
	{path: "/v1/cases/{crn}/audit", name: "caseAudit", summary: "The case's audit trail", query: []string{"from_revision", "limit", "known_at"},
		handler: func(s *Server) http.Handler { return http.HandlerFunc(s.handleCaseAudit) }},
	{path: "/v1/providers/{code}/pending-transfers", name: "pendingTransfers", summary: "Every transfer pending into a provider", query: []string{"team", "officer"},
		handler: func(s *Server) http.Handler { return http.HandlerFunc(s.handlePendingTransfers) }},
	{path: "/v1/officers/{code}/caseload", name: "officerCaseload", summary: "An officer's active cases",
		handler: func(s *Server) http.Handler {
			return s.caseload(func(d *projections.Directory, c string) projections.Caseload { return d.OfficerCaseload(c) })
		}},
	{path: "/v1/teams/{code}/caseload", name: "teamCaseload", summary: "A team's active cases",
		handler: func(s *Server) http.Handler {
			return s.caseload(func(d *projections.Directory, c string) projections.Caseload { return d.TeamCaseload(c) })
		}},
	{path: "/v1/audit/actors/{id}/events", name: "actorEvents", summary: "Everything an actor recorded (auditor)", query: []string{"from", "to"},
		handler: func(s *Server) http.Handler { return http.HandlerFunc(s.handleActorEvents) }},
}

// handleListCases serves GET /v1/cases.
func (s *Server) handleListCases(w http.ResponseWriter, r *http.Request) {
	limit, ok := queryUint(w, r, "limit", 100, 1000)
	if !ok {
		return
	}
	q := r.URL.Query()
	actor := actorOf(r)
	f := projections.Filter{Provider: q.Get("provider"), Team: q.Get("team"), Officer: q.Get("officer"), After: q.Get("cursor"),
		Limit: int(limit), May: func(row *projections.CaseRow) bool { return mayRead(actor, row) }}
	var rows []*projections.CaseRow
	var next string
	if err := s.runner.Read(r.Context(), func(d *projections.Directory, _ *projections.Actors) { rows, next = d.List(f) }); err != nil {
		s.writeError(w, r, err)
		return
	}
	out := make([]map[string]any, 0, len(rows))
	for _, row := range rows {
		out = append(out, map[string]any{"crn": row.CRN, "owner": row.Owner, "rosh": row.RoSH, "mappa": row.MAPPA})
	}
	var cursor any
	if next != "" {
		cursor = next
	}
	writeJSON(w, http.StatusOK, map[string]any{"cases": out, "next_cursor": cursor})
}

// handleCaseAudit serves GET /v1/cases/{crn}/audit, paged like the events.
func (s *Server) handleCaseAudit(w http.ResponseWriter, r *http.Request) {
	from, ok := queryUint(w, r, "from_revision", 0, -1)
	if !ok {
		return
	}
	limit, ok := queryUint(w, r, "limit", 100, 1000)
	if !ok {
		return
	}
	snap, _, ok := s.caseSnapshot(w, r)
	if !ok {
		return
	}
	entries := projections.Audit(snap.Known)
	page := []projections.AuditEntry{}
	if from < uint64(len(entries)) {
		page = entries[from:min(uint64(len(entries)), from+limit)]
	}
	var next *uint64
	if end := from + uint64(len(page)); len(page) > 0 && end < uint64(len(entries)) {
		next = &end
	}
	writeJSON(w, http.StatusOK, map[string]any{"crn": mux.Vars(r)["crn"], "entries": page, "next_from_revision": next})
}

// handlePendingTransfers serves GET /v1/providers/{code}/pending-transfers.
// Practitioners list their own provider's; auditors and admins any.
func (s *Server) handlePendingTransfers(w http.ResponseWriter, r *http.Request) {
	code := mux.Vars(r)["code"]
	if !s.mayListProvider(r, code) {
		writeProblem(w, http.StatusForbidden, errForbidden.Error())
		return
	}
	q := r.URL.Query()
	var out []projections.PendingTransfer
	if err := s.runner.Read(r.Context(), func(d *projections.Directory, _ *projections.Actors) {
		out = d.PendingInto(code, q.Get("team"), q.Get("officer"))
	}); err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"provider": code, "transfers": out})
}

// mayListProvider: practitioners see their own provider's lists.
func (s *Server) mayListProvider(r *http.Request, provider string) bool {
	a := actorOf(r)
	return hasRole(a, RoleAuditor, RoleAdmin) || (hasRole(a, RolePractitioner) && a.Organisation == provider)
}

// caseload serves an officer's or a team's caseload.
func (s *Server) caseload(of func(*projections.Directory, string) projections.Caseload) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		code := mux.Vars(r)["code"]
		org, _, err := s.ledger.Org(r.Context())
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		provider, known := s.providerOf(org, r, code)
		if !known {
			writeProblem(w, http.StatusNotFound, "no such officer or team")
			return
		}
		if !s.mayListProvider(r, provider) {
			writeProblem(w, http.StatusForbidden, errForbidden.Error())
			return
		}
		var out projections.Caseload
		if err := s.runner.Read(r.Context(), func(d *projections.Directory, _ *projections.Actors) { out = of(d, code) }); err != nil {
			s.writeError(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, out)
	})
}

// providerOf returns the provider of the team or officer a caseload route names.
func (s *Server) providerOf(org *domain.Org, r *http.Request, code string) (string, bool) {
	team := code
	if route := mux.CurrentRoute(r); route != nil && route.GetName() == "officerCaseload" {
		off, ok := org.Officers[code]
		if !ok {
			return "", false
		}
		team = off.TeamOf(s.now())
	}
	t, ok := org.Teams[team]
	if !ok {
		return "", false
	}
	return t.Provider, true
}

// handleActorEvents serves GET /v1/audit/actors/{id}/events (auditors and admins).
func (s *Server) handleActorEvents(w http.ResponseWriter, r *http.Request) {
	if !hasRole(actorOf(r), RoleAuditor, RoleAdmin) {
		writeProblem(w, http.StatusForbidden, errForbidden.Error())
		return
	}
	from, ok := queryTime(w, r, "from", time.Time{})
	if !ok {
		return
	}
	to, ok := queryTime(w, r, "to", time.Time{})
	if !ok {
		return
	}
	id := mux.Vars(r)["id"]
	var refs []projections.EventRef
	if err := s.runner.Read(r.Context(), func(_ *projections.Directory, a *projections.Actors) { refs = a.Recorded(id, from, to) }); err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"actor": id, "count": len(refs), "events": refs})
}
