package api

import (
	"context"
	"net/http"
	"time"

	"github.com/google/uuid"
	"github.com/gorilla/mux"

	"github.com/caseledger/caseledger/domain"
	"github.com/caseledger/caseledger/projections"
	"github.com/caseledger/caseledger/store"
)

// logAccess appends one read of a case's data — who, when, which view, and
// whether it was allowed — to the case's access log, and returns once it is
// durable (the store group-commits concurrent appends). A read that cannot be
// logged is not answered.
func (s *Server) logAccess(ctx context.Context, r *http.Request, crn, outcome string, asOf, knownAt *time.Time) error {
	if s.noAccessLog {
		return nil
	}
	view := "unknown"
	if route := mux.CurrentRoute(r); route != nil {
		view = route.GetName()
	}
	rec := domain.Recorded{EventID: uuid.NewString(), OccurredAt: s.now().UTC(), Actor: actorOf(r),
		Event: domain.AccessRecorded{View: view, Outcome: outcome, AsOf: asOf, KnownAt: knownAt}}
	env, err := domain.ToEnvelope(rec, r.Header.Get("X-Request-ID"))
	if err != nil {
		return err
	}
	_, err = s.store.Append(ctx, domain.AccessStream(crn), store.Any, env)
	return err
}

// AccessEntry is one line of a case's access log.
type AccessEntry struct {
	Actor   domain.Actor `json:"actor"`
	At      time.Time    `json:"at"`
	View    string       `json:"view"`
	Outcome string       `json:"outcome"`
	AsOf    *time.Time   `json:"as_of,omitempty"`
	KnownAt *time.Time   `json:"known_at,omitempty"`
	EventID string       `json:"event_id"`
}

// accessLog reads a case's access log, oldest first.
func (s *Server) accessLog(ctx context.Context, crn string) ([]AccessEntry, error) {
	envs, err := s.ledger.ReadStream(ctx, domain.AccessStream(crn))
	if err != nil {
		return nil, err
	}
	out := make([]AccessEntry, 0, len(envs))
	for _, e := range envs {
		ev, err := domain.DecodeEnvelope(e)
		if err != nil {
			return nil, err
		}
		a, ok := ev.(domain.AccessRecorded)
		if !ok {
			continue
		}
		out = append(out, AccessEntry{Actor: e.Actor, At: e.RecordedAt.UTC(), View: a.View, Outcome: a.Outcome,
			AsOf: a.AsOf, KnownAt: a.KnownAt, EventID: e.EventID})
	}
	return out, nil
}

// readers turns the allowed reads of an access log into the knowledge map's readers.
func readers(log []AccessEntry) []projections.Reader {
	out := []projections.Reader{}
	for _, e := range log {
		if e.Outcome == domain.AccessAllowed {
			out = append(out, projections.Reader{Actor: e.Actor.ID, At: e.At})
		}
	}
	return out
}

// authoriseRead decides whether the caller may read the case whose current
// row is given, writes the decision to the case's access log — durably,
// before anything is answered — and writes the refusal when there is one.
// Every read of case data passes through it.
func (s *Server) authoriseRead(w http.ResponseWriter, r *http.Request, crn string, row projections.CaseRow, asOf, knownAt *time.Time) bool {
	allowed := mayRead(actorOf(r), &row)
	outcome := domain.AccessAllowed
	if !allowed {
		outcome = domain.AccessRefused
	}
	if err := s.logAccess(r.Context(), r, crn, outcome, asOf, knownAt); err != nil {
		s.writeError(w, r, err)
		return false
	}
	if !allowed {
		writeProblem(w, http.StatusForbidden, errForbidden.Error())
	}
	return allowed
}
