package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"

	"github.com/gorilla/mux"

	"github.com/caseledger/caseledger/api/ledger"
	"github.com/caseledger/caseledger/domain"
	"github.com/caseledger/caseledger/projections"
)

// errMalformed marks a body that decoded but whose parts do not (a
// replacement's payload).
type errMalformed struct{ error }

// decider returns what the ledger runs for a write: the not-found and role
// checks (404 before 403, as API.md orders them), then the domain's decider.
func (s *Server) decider(r *http.Request, wr write, cmd any, req ledger.Request) (ledger.Decider, error) {
	roles := wr.rolesOf()
	if wr.stream == orgStream {
		decide, err := s.orgDecider(r.Context(), cmd.(domain.OrgCommand), mux.Vars(r)["code"])
		if err != nil {
			return nil, err
		}
		return forbidUnless(func([]domain.Recorded, domain.Meta) bool { return hasRole(req.Actor, roles...) }, decide), nil
	}
	caseCmd, refused := caseCommand(cmd)
	if errors.As(refused, new(errMalformed)) {
		return nil, refused
	}
	_, opening := caseCmd.(domain.OpenCase)
	allowed := func(h []domain.Recorded, m domain.Meta) bool {
		return hasRole(req.Actor, roles...) && mayWrite(req.Actor, caseCmd, h, m.Now)
	}
	decide := forbidUnless(allowed, func(h []domain.Recorded, org *domain.Org, oh []domain.Recorded, m domain.Meta) ([]domain.Recorded, error) {
		if refused != nil {
			return nil, refused
		}
		return ledger.Case(caseCmd)(h, org, oh, m)
	})
	return func(h []domain.Recorded, org *domain.Org, oh []domain.Recorded, m domain.Meta) ([]domain.Recorded, error) {
		if len(h) == 0 && !opening {
			return nil, domain.ErrCaseNotFound
		}
		return decide(h, org, oh, m)
	}, nil
}

// forbidUnless refuses a caller that allowed refuses (403), after decide has
// had its say on what the path names: an unknown id in the path is 404 first,
// whoever asks.
func forbidUnless(allowed func([]domain.Recorded, domain.Meta) bool, decide ledger.Decider) ledger.Decider {
	return func(h []domain.Recorded, org *domain.Org, oh []domain.Recorded, m domain.Meta) ([]domain.Recorded, error) {
		evs, err := decide(h, org, oh, m)
		var de *domain.Error
		if errors.As(err, &de) && de.Kind == domain.NotFound {
			return nil, err
		}
		if !allowed(h, m) {
			return nil, errForbidden
		}
		return evs, err
	}
}

// caseCommand turns a decoded body into its domain command. A replacement
// of an unknown event type is a validation refusal (an unknown enumeration
// value); one whose data does not decode is malformed.
func caseCommand(cmd any) (domain.Command, error) {
	b, ok := cmd.(retractBody)
	if !ok {
		return cmd.(domain.Command), nil
	}
	out := domain.RetractEntry{EventID: b.EventID, Reason: b.Reason}
	if b.Replacement != nil {
		if !slices.Contains(domain.EventTypes(), b.Replacement.Type) {
			return nil, domain.ErrInvalid.Field("replacement.type", "no such event type: %q", b.Replacement.Type)
		}
		e, err := domain.DecodeStrict(b.Replacement.Type, b.Replacement.Data)
		if err != nil {
			return nil, errMalformed{fmt.Errorf("replacement: %w", err)}
		}
		out.Replacement = e
		if b.Replacement.OccurredAt != nil {
			out.ReplacementOccurredAt = b.Replacement.OccurredAt.UTC()
		}
	}
	return out, nil
}

// orgDecider gathers, for a move or a departure, the officer's ownership
// slices across cases, and returns the org decider. pathCode is the officer
// the path names: an absence is cancelled only through its own officer's path.
func (s *Server) orgDecider(ctx context.Context, cmd domain.OrgCommand, pathCode string) (ledger.Decider, error) {
	var code string
	switch c := cmd.(type) {
	case domain.MoveOfficer:
		code = c.Code
	case domain.RecordDeparture:
		code = c.Code
	case domain.CancelAbsence:
		decide := ledger.Org(cmd, nil)
		return func(h []domain.Recorded, org *domain.Org, oh []domain.Recorded, m domain.Meta) ([]domain.Recorded, error) {
			if a, ok := domain.BuildOrg(h).Absences[c.AbsenceID]; ok && a.Code != pathCode {
				return nil, domain.ErrAbsenceNotFound.With("%s is not an absence of %s", c.AbsenceID, pathCode)
			}
			return decide(h, org, oh, m)
		}, nil
	default:
		return ledger.Org(cmd, nil), nil
	}
	allocations, err := s.allocationsOf(ctx, code)
	if err != nil {
		return nil, err
	}
	return ledger.Org(cmd, allocations), nil
}

// allocationsOf returns every ownership slice of an officer: the index names
// the cases, and each case's own history gives the exact slices.
func (s *Server) allocationsOf(ctx context.Context, officer string) ([]domain.Allocation, error) {
	s.officersMu.Lock()
	defer s.officersMu.Unlock()
	for {
		page, err := s.store.ReadAll(ctx, s.officers.Position(), 1000)
		if err != nil {
			return nil, err
		}
		if len(page) == 0 {
			break
		}
		for _, e := range page {
			s.officers.Apply(e)
		}
	}
	var out []domain.Allocation
	for _, crn := range s.officers.Cases(officer) {
		h, err := s.ledger.History(ctx, domain.CaseStream(crn))
		if err != nil {
			return nil, err
		}
		out = append(out, projections.Allocations(crn, projections.OwnershipSlices(h.Events), officer)...)
	}
	return out, nil
}
