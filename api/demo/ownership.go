package demo

import (
	"time"

	"github.com/caseledger/caseledger/domain"
)

// worker is who does the case's work now: the owner, or while the owner is
// absent the cover officer or, with no cover, the team's senior officer on
// duty; with no owner, the senior officer of the team that last owned it.
func (g *caseGen) worker() *officerPlan {
	st := g.state()
	switch {
	case st.Owner != nil:
		return g.present(st.Owner.Officer, g.t)
	case st.LastOwner != nil:
		return g.org.teams[st.LastOwner.Team].spo()
	}
	return g.org.teams[g.opener.Team].spo()
}

// present returns the officer, or who stands in while they are absent at t.
func (g *caseGen) present(code string, t time.Time) *officerPlan {
	a, ok := g.org.absenceAt(code, t)
	switch {
	case !ok:
		return g.org.officers[code]
	case a.CoverOfficer != "":
		return g.org.officers[a.CoverOfficer]
	}
	return g.org.teams[g.org.officers[code].Team].spo()
}

// workerActor is the worker as the actor who records.
func (g *caseGen) workerActor() domain.Actor { return g.org.actor(g.worker().Code) }

// gradeFor is the grade of officer a case at this risk goes to.
func (g *caseGen) gradeFor(st *domain.Case) []string {
	if st.HighRisk() || (st.Risk != nil && st.Risk.RoSH == domain.RoSHMedium) {
		return []string{"PO"}
	}
	return []string{"PO", "PSO"}
}

// allocateInitially allocates the new case: a high-risk one to NPS, the
// others to the private provider of their home area, by the senior officer
// of the team that opened it.
func (g *caseGen) allocateInitially() error {
	st := g.state()
	provider := g.home
	if st.HighRisk() {
		provider = "NPS"
	}
	team := pick(g.rng, g.org.teamsOf(provider))
	officer := team.pick(g.rng, "", g.gradeFor(st)...)
	rationale := map[string]string{
		domain.RoSHLow:      "Low RoSH and a straightforward order: allocated within the home area's capacity",
		domain.RoSHMedium:   "Medium RoSH: allocated to a probation officer with capacity in the home area",
		domain.RoSHHigh:     "High RoSH: allocated to the public protection team",
		domain.RoSHVeryHigh: "Very high RoSH: allocated to an experienced officer in the public protection team",
	}[st.Risk.RoSH]
	_, err := g.do(g.org.actor(g.org.teams[g.opener.Team].spo().Code), domain.AllocateCase{Provider: provider,
		Team: team.Code, Officer: officer.Code, Reason: "initial_allocation", Rationale: rationale})
	return err
}

// reallocate moves the case to another officer of its provider.
func (g *caseGen) reallocate() error {
	st := g.state()
	if st.Owner == nil || st.PendingCaseTransfer() != nil || (st.HighRisk() && !g.org.highRisk(st.Owner.Provider)) {
		return nil // not possible now: it does not happen
	}
	team := g.org.teams[st.Owner.Team]
	reason := pick(g.rng, []string{"caseload_adjustment", "caseload_adjustment", "change_of_address", "risk_to_staff", "other"})
	if reason == "change_of_address" {
		team = pick(g.rng, g.org.teamsOf(st.Owner.Provider))
	}
	rationale := map[string]string{
		"caseload_adjustment": "Caseloads rebalanced after the team's workload review",
		"change_of_address":   "Moved within the area: allocated to the team covering the new address",
		"risk_to_staff":       "Allocated away from the previous officer following a threat made at interview",
		"other":               "Continuity: the officer already supervises a co-defendant's case",
	}[reason]
	_, err := g.do(g.org.actor(g.org.teams[st.Owner.Team].spo().Code), domain.AllocateCase{Provider: st.Owner.Provider,
		Team: team.Code, Officer: team.pick(g.rng, st.Owner.Officer, g.gradeFor(st)...).Code, Reason: reason,
		Rationale: rationale, Sensitive: reason == "risk_to_staff"})
	return err
}

// deallocate leaves the case with no owner, the officer being off sick,
// until the team finds another officer some days later.
func (g *caseGen) deallocate() error {
	st := g.state()
	if st.Owner == nil || st.PendingCaseTransfer() != nil {
		return nil
	}
	by := g.org.actor(g.org.teams[st.Owner.Team].spo().Code)
	if _, err := g.do(by, domain.DeallocateCase{Reason: "Officer on long-term sick leave: case awaiting reallocation"}); err != nil {
		return err
	}
	g.at(g.daysAfter(g.t, 4, 21), g.allocateAfterGap)
	return nil
}

// allocateAfterGap allocates an unowned case, by the provider that last
// owned it: to one of its own officers, or to NPS if the case is now high risk.
func (g *caseGen) allocateAfterGap() error {
	st := g.state()
	switch {
	case st.Owner != nil || st.LastOwner == nil:
		return nil
	case st.PendingCaseTransfer() != nil: // no allocation while it is pending: try again later
		g.at(g.daysAfter(g.t, 5, 9), g.allocateAfterGap)
		return nil
	}
	provider := st.LastOwner.Provider
	if st.HighRisk() && !g.org.highRisk(provider) {
		provider = "NPS"
	}
	team := pick(g.rng, g.org.teamsOf(provider))
	by := g.org.actor(g.org.teams[st.LastOwner.Team].spo().Code)
	_, err := g.do(by, domain.AllocateCase{Provider: provider, Team: team.Code,
		Officer: team.pick(g.rng, st.LastOwner.Officer, g.gradeFor(st)...).Code, Reason: "other",
		Rationale: "Reallocated after the previous officer's long-term sickness absence"})
	return err
}

// otherProviders returns the providers other than p, private ones first.
func (g *caseGen) otherProviders(p string) []string {
	var private, public []string
	for _, pr := range g.org.providers {
		switch {
		case pr.Code == p:
		case pr.HighRisk:
			public = append(public, pr.Code)
		default:
			private = append(private, pr.Code)
		}
	}
	return append(private, public...)
}
