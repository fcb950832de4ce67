package demo

import (
	"sort"

	"github.com/caseledger/caseledger/api"
	"github.com/caseledger/caseledger/domain"
)

const rolePractitioner = api.RolePractitioner

// The people who are not officers: they write the org stream, review SFOs
// and audit. Generate records as them, and Summary.Users hands them out.
var (
	adminActor    = domain.Actor{ID: "admin", Name: "Demo Administrator", Organisation: "HMPPS", Roles: []string{api.RoleAdmin}}
	reviewerActor = domain.Actor{ID: "sfo-reviewer", Name: "Demo SFO Reviewer", Organisation: "HMPPS", Roles: []string{api.RoleReviewer}}
	auditorActor  = domain.Actor{ID: "auditor", Name: "Demo Auditor", Organisation: "HMPPS", Roles: []string{api.RoleAuditor}}
)

// users returns the identities to make tokens for: the administrator, for
// each provider the officer who owns most of its cases at the end (ties to
// the lowest code), the reviewer and the auditor.
func users(org *orgPlan, results []caseResult) []api.TokenEntry {
	out := []api.TokenEntry{entry(adminActor)}
	owned := map[string]int{}
	for _, r := range results {
		if r.owner != nil {
			owned[r.owner.Officer]++
		}
	}
	for _, p := range org.providers {
		var codes []string
		for _, t := range p.teams {
			for _, off := range t.officers {
				codes = append(codes, off.Code)
			}
		}
		sort.Strings(codes)
		best := codes[0]
		for _, c := range codes {
			if owned[c] > owned[best] {
				best = c
			}
		}
		out = append(out, entry(org.actor(best)))
	}
	return append(out, entry(reviewerActor), entry(auditorActor))
}

func entry(a domain.Actor) api.TokenEntry {
	return api.TokenEntry{ID: a.ID, Name: a.Name, Organisation: a.Organisation, Roles: a.Roles}
}
