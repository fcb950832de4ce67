package api

import (
	"context"
	"fmt"
	"net/http"

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
	actor := req.Actor
	if wr.stream == orgStream {
		if !hasRole(actor, wr.rolesOf()...) {
			return nil, errForbidden
		}
		return s.orgDecider(r.Context(), cmd.(domain.OrgCommand))
	}
	caseCmd, err := caseCommand(cmd)
	if err != nil {
		return nil, err
	}
	_, opening := caseCmd.(domain.OpenCase)
	decide := ledger.Case(caseCmd)
	return func(h []domain.Recorded, org *domain.Org, oh []domain.Recorded, m domain.Meta) ([]domain.Recorded, error) {
		if len(h) == 0 && !opening {
			return nil, domain.ErrCaseNotFound
		}
		if !hasRole(actor, wr.rolesOf()...) {
			return nil, errForbidden
		}
		return decide(h, org, oh, m)
	}, nil
}

// caseCommand turns a decoded body into its domain command.
func caseCommand(cmd any) (domain.Command, error) {
	b, ok := cmd.(retractBody)
	if !ok {
		return cmd.(domain.Command), nil
	}
	out := domain.RetractEntry{EventID: b.EventID, Reason: b.Reason}
	if b.Replacement != nil {
		e, err := domain.DecodeStrict(b.Replacement.Type, b.Replacement.Data)
		if err != nil {
			return nil, errMalformed{fmt.Errorf("replacement: %w", err)}
		}
		out.Replacement = e
	}
	return out, nil
}

// orgDecider gathers, for a move or a departure, the officer's ownership
// slices across cases, and returns the org decider.
func (s *Server) orgDecider(ctx context.Context, cmd domain.OrgCommand) (ledger.Decider, error) {
	var code string
	switch c := cmd.(type) {
	case domain.MoveOfficer:
		code = c.Code
	case domain.RecordDeparture:
		code = c.Code
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
		envs, err := s.ledger.ReadStream(ctx, domain.CaseStream(crn))
		if err != nil {
			return nil, err
		}
		h, err := domain.FromEnvelopes(envs)
		if err != nil {
			return nil, err
		}
		out = append(out, projections.Allocations(crn, projections.OwnershipSlices(h), officer)...)
	}
	return out, nil
}
