package api

import (
	"errors"
	"net/http"

	"github.com/gorilla/mux"

	"github.com/caseledger/caseledger/domain"
	"github.com/caseledger/caseledger/projections/runner"
)

// auditReads are the auditors' routes.
var auditReads = []read{
	{path: "/v1/cases/{crn}/access-log", name: "accessLog", summary: "Who read the case and when, including refused attempts (auditor, admin)",
		handler: func(s *Server) http.Handler { return http.HandlerFunc(s.handleAccessLog) }},
	{path: "/v1/audit/verify", name: "verify", summary: "Check every stream's hash chain (auditor, admin)",
		handler: func(s *Server) http.Handler { return http.HandlerFunc(s.handleVerify) }},
	{path: "/v1/audit/checkpoints", name: "checkpoints", summary: "The signed checkpoints: global position, size and Merkle root (auditor, admin)",
		handler: func(s *Server) http.Handler { return http.HandlerFunc(s.handleCheckpoints) }},
	{path: "/v1/audit/proof", name: "proof", summary: "An inclusion proof of an event in the latest signed checkpoint (auditor, admin)", query: []string{"event_id"},
		handler: func(s *Server) http.Handler { return http.HandlerFunc(s.handleProof) }},
}

// handleCheckpoints serves GET /v1/audit/checkpoints.
func (s *Server) handleCheckpoints(w http.ResponseWriter, r *http.Request) {
	if !hasRole(actorOf(r), RoleAuditor, RoleAdmin) {
		writeProblem(w, http.StatusForbidden, errForbidden.Error())
		return
	}
	if err := s.runner.CatchUpTree(r.Context()); err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"checkpoints": s.runner.Checkpoints()})
}

// handleProof serves GET /v1/audit/proof?event_id=.
func (s *Server) handleProof(w http.ResponseWriter, r *http.Request) {
	if !hasRole(actorOf(r), RoleAuditor, RoleAdmin) {
		writeProblem(w, http.StatusForbidden, errForbidden.Error())
		return
	}
	id := r.URL.Query().Get("event_id")
	if id == "" {
		writeProblem(w, http.StatusBadRequest, "event_id is required", fieldErr("event_id", "required"))
		return
	}
	if err := s.runner.CatchUpTree(r.Context()); err != nil {
		s.writeError(w, r, err)
		return
	}
	p, err := s.runner.Prove(id)
	switch {
	case errors.Is(err, runner.ErrUnknownEvent):
		writeProblem(w, http.StatusNotFound, err.Error())
	case errors.Is(err, runner.ErrNoCheckpoint):
		writeProblem(w, http.StatusConflict, err.Error())
	case err != nil:
		s.writeError(w, r, err)
	default:
		writeJSON(w, http.StatusOK, p)
	}
}

// handleAccessLog serves GET /v1/cases/{crn}/access-log.
func (s *Server) handleAccessLog(w http.ResponseWriter, r *http.Request) {
	if !hasRole(actorOf(r), RoleAuditor, RoleAdmin) {
		writeProblem(w, http.StatusForbidden, errForbidden.Error())
		return
	}
	crn := mux.Vars(r)["crn"]
	if !domain.ValidCRN(crn) {
		writeProblem(w, http.StatusNotFound, "no such case")
		return
	}
	head, err := s.store.ReadStream(r.Context(), domain.CaseStream(crn), 0, 1)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if len(head) == 0 {
		writeProblem(w, http.StatusNotFound, "no such case")
		return
	}
	if err := s.logAccess(r.Context(), r, crn, domain.AccessAllowed, nil, nil); err != nil {
		s.writeError(w, r, err)
		return
	}
	log, err := s.accessLog(r.Context(), crn)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"crn": crn, "entries": log})
}

// handleVerify serves GET /v1/audit/verify: every stream's hash chain,
// read in global order.
func (s *Server) handleVerify(w http.ResponseWriter, r *http.Request) {
	if !hasRole(actorOf(r), RoleAuditor, RoleAdmin) {
		writeProblem(w, http.StatusForbidden, errForbidden.Error())
		return
	}
	v := domain.NewChainVerifier()
	for after := uint64(0); ; {
		page, err := s.store.ReadAll(r.Context(), after, 2000)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		if len(page) == 0 {
			break
		}
		for _, e := range page {
			v.Add(e)
		}
		after = page[len(page)-1].Position
	}
	failures := v.Failures
	if failures == nil {
		failures = []domain.ChainFailure{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"ok": len(failures) == 0, "streams": v.Streams(), "events": v.Events, "failures": failures})
}
