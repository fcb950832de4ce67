package domain

import (
	"fmt"
	"time"
)

// checkPlacement checks that officer ∈ team ∈ provider at t. Empty team or
// officer are not checked (a transfer may leave them to the receiver).
func checkPlacement(org *Org, t time.Time, field, provider, team, officer string) *Error {
	if _, ok := org.Provider(provider, t); !ok {
		return ErrUnknownProvider.Field(field+"provider", "no such provider: %s", provider)
	}
	if team != "" {
		tm, ok := org.Team(team, t)
		if !ok {
			return ErrUnknownTeam.Field(field+"team", "no such team: %s", team)
		}
		if tm.Provider != provider {
			return ErrTeamNotInProvider.Field(field+"team", "%s belongs to %s, not %s", team, tm.Provider, provider)
		}
	}
	if officer != "" {
		off, ok := org.Officer(officer, t)
		if !ok {
			return ErrUnknownOfficer.Field(field+"officer", "%s is not serving at occurred_at", officer)
		}
		in := off.TeamOf(t)
		if team != "" && in != team {
			return ErrOfficerNotInTeam.Field(field+"officer", "%s is in team %s at occurred_at, not %s", officer, in, team)
		}
		if tm, ok := org.Team(in, t); team == "" && (!ok || tm.Provider != provider) {
			return ErrOfficerNotInTeam.Field(field+"officer", "%s is not in a team of %s at occurred_at", officer, provider)
		}
	}
	return nil
}

// checkHighRisk refuses moving a high-risk case to a provider that is not
// high_risk. It applies when the allocation, transfer request or acceptance is
// decided (fresh), not when the history is re-checked: a risk fact learnt
// late must still be recordable, and the ownership it finds stays a fact
// (the SFO findings flag the delay).
func checkHighRisk(c *Case, org *Org, provider string, fresh bool) *Error {
	if fresh && c.HighRisk() && !org.HighRisk(provider) {
		return ErrHighRiskProvider.With("%s is not a high_risk provider", provider)
	}
	return nil
}

func checkAllocation(c *Case, org *Org, r Recorded, fresh bool) *Error {
	e := r.Event.(CaseAllocated)
	if err := checkPlacement(org, r.OccurredAt, "", e.Provider, e.Team, e.Officer); err != nil {
		return err
	}
	if c.PendingCaseTransfer() != nil {
		return ErrAllocationDuringTransfer
	}
	if err := checkHighRisk(c, org, e.Provider, fresh); err != nil {
		return err
	}
	by := r.Actor.Organisation
	switch {
	case c.Owner != nil && c.Owner.Provider != e.Provider:
		return ErrAllocationProvider.With("the case is owned by %s: move it by transfer", c.Owner.Provider)
	case c.Owner == nil && by != c.OpenedBy && (c.LastOwner == nil || by != c.LastOwner.Provider):
		return ErrAllocationProvider.With("%s neither opened nor last owned the case", by)
	}
	return nil
}

// transferSource returns who a transfer of these components (or of the case,
// when components is empty) moves them from, at the state c.
func transferSource(c *Case, scope string, components []string) (*Owner, *Error) {
	if scope == ScopeCase {
		if c.Owner == nil {
			return nil, ErrNotAllocated
		}
		return c.Owner, nil
	}
	var from *Owner
	for i, id := range components {
		comp, ok := c.Components[id]
		if !ok {
			return nil, ErrUnknownComponent.Field(fmt.Sprintf("components[%d]", i), "no such requirement or licence condition: %s", id)
		}
		if !comp.Active {
			return nil, ErrComponentNotActive.With("%s", id)
		}
		if comp.PendingTransfer != "" {
			return nil, ErrComponentTransferPending.With("%s is in transfer %s", id, comp.PendingTransfer)
		}
		m := c.ManagerOf(comp)
		if m == nil {
			return nil, ErrNotAllocated.With("%s has no manager", id)
		}
		if from != nil && *from != *m {
			return nil, ErrMixedComponentManagers
		}
		from = m
	}
	return from, nil
}

func checkTransferRequest(c *Case, org *Org, r Recorded, fresh bool) *Error {
	e := r.Event.(TransferRequested)
	if err := checkPlacement(org, r.OccurredAt, "to.", e.To.Provider, e.To.Team, e.To.Officer); err != nil {
		return err
	}
	if e.Scope == ScopeCase {
		if t := c.PendingCaseTransfer(); t != nil {
			return ErrTransferPending.With("transfer %s", t.TransferID)
		}
	}
	from, err := transferSource(c, e.Scope, e.Components)
	if err != nil {
		return err
	}
	if *from != e.From {
		return ErrTransferFromMismatch
	}
	if e.Scope == ScopeCase {
		return checkHighRisk(c, org, e.To.Provider, fresh)
	}
	return nil
}

func checkAcceptance(c *Case, org *Org, r Recorded, fresh bool) *Error {
	e := r.Event.(TransferAccepted)
	t, err := pendingTransfer(c, e.TransferID)
	if err != nil {
		return err
	}
	if err := checkPlacement(org, r.OccurredAt, "", t.To.Provider, e.Team, e.Officer); err != nil {
		return err
	}
	if t.To.Team != "" && t.To.Team != e.Team {
		return ErrInvalid.Field("team", "the transfer is addressed to team %s", t.To.Team)
	}
	if t.Scope == ScopeCase {
		return checkHighRisk(c, org, t.To.Provider, fresh)
	}
	return nil
}
