package demo

import (
	"sort"

	"github.com/caseledger/caseledger/domain"
)

// requestCaseTransfer asks the other private provider to take the case (the
// person is moving), and plans the transfer's fate.
func (g *caseGen) requestCaseTransfer() error {
	st := g.state()
	if st.Owner == nil || st.PendingCaseTransfer() != nil || st.HighRisk() || g.org.highRisk(st.Owner.Provider) {
		return nil // not possible now: it does not happen
	}
	to := g.otherProviders(st.Owner.Provider)[0]
	team := pick(g.rng, g.org.teamsOf(to))
	id := g.id("transfer")
	_, err := g.do(g.org.actor(g.present(st.Owner.Officer, g.t).Code), domain.RequestTransfer{TransferID: id, Scope: domain.ScopeCase,
		To: domain.Destination{Provider: to, Team: team.Code}, Reason: "Change of address: moving to the " + team.Name + " area to live with family"})
	if err != nil {
		return err
	}
	switch g.p.transfer {
	case "accepted":
		g.at(g.daysAfter(g.t, 3, 12), func() error { return g.acceptTransfer(id) })
	case "rejected":
		g.at(g.daysAfter(g.t, 2, 10), func() error {
			return g.rejectTransfer(id, "Address not verified: the landlord has not confirmed the tenancy")
		})
	case "cancelled":
		g.at(g.daysAfter(g.t, 2, 10), func() error {
			return g.cancelTransfer(id, "The move fell through: staying at the current address")
		})
	}
	return nil
}

// requestHighRiskTransfer asks NPS to take a case whose risk escalated,
// cancelling first a pending transfer to a private provider.
func (g *caseGen) requestHighRiskTransfer() error {
	st := g.state()
	if st.Owner == nil || g.org.highRisk(st.Owner.Provider) {
		return nil
	}
	if t := st.PendingCaseTransfer(); t != nil {
		if err := g.cancelTransfer(t.TransferID, "RoSH now high: the case is to go to NPS instead"); err != nil {
			return err
		}
		g.tick()
	}
	team := pick(g.rng, g.org.teamsOf("NPS"))
	id := g.id("transfer")
	_, err := g.do(g.org.actor(g.present(st.Owner.Officer, g.t).Code), domain.RequestTransfer{TransferID: id, Scope: domain.ScopeCase,
		To: domain.Destination{Provider: "NPS", Team: team.Code}, Reason: "Change in risk: RoSH raised, the case must be managed by NPS"})
	if err != nil {
		return err
	}
	lo, hi := 2, 8
	if g.p.slow {
		lo, hi = 12, 20
	}
	g.at(g.daysAfter(g.t, lo, hi), func() error { return g.acceptTransfer(id) })
	return nil
}

// requestComponentTransfer asks another provider to manage components: one
// requirement (unpaid work, by preference) or condition, or every licence
// condition at once.
func (g *caseGen) requestComponentTransfer() error {
	st := g.state()
	if st.Owner == nil {
		return nil
	}
	var ids []string
	for _, id := range sortedKeys(st.Components) {
		if c := st.Components[id]; c.Active && c.Manager == nil && c.PendingTransfer == "" {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	reason := "Licence conditions to be managed locally while the person lives at approved premises in the area"
	if g.p.components == 1 {
		ids = ids[:1]
		for _, id := range sortedKeys(st.Components) {
			if c := st.Components[id]; c.Category == "unpaid_work" && c.Active && c.Manager == nil && c.PendingTransfer == "" {
				ids, reason = []string{id}, "Unpaid work to be delivered by the local unpaid work unit"
			}
		}
	}
	team := pick(g.rng, g.org.teamsOf(pick(g.rng, g.otherProviders(st.Owner.Provider))))
	id := g.id("transfer")
	_, err := g.do(g.org.actor(g.present(st.Owner.Officer, g.t).Code), domain.RequestTransfer{TransferID: id,
		Scope: domain.ScopeComponents, Components: ids, To: domain.Destination{Provider: team.Provider, Team: team.Code}, Reason: reason})
	if err != nil {
		return err
	}
	switch g.p.compFate {
	case "accepted":
		g.at(g.daysAfter(g.t, 2, 10), func() error { return g.acceptTransfer(id) })
	case "rejected":
		g.at(g.daysAfter(g.t, 2, 10), func() error { return g.rejectTransfer(id, "No capacity in the team to take these on") })
	}
	return nil
}

// acceptTransfer has the receiving team's senior officer accept a pending
// transfer, naming the officer who takes it on; a case that became high
// risk meanwhile is refused by a private provider instead.
func (g *caseGen) acceptTransfer(id string) error {
	st := g.state()
	t := st.Transfers[id]
	if t == nil || t.Status != domain.TransferPending {
		return nil // rejected automatically meanwhile (its components ended)
	}
	if t.Scope == domain.ScopeCase && st.HighRisk() && !g.org.highRisk(t.To.Provider) {
		return g.rejectTransfer(id, "RoSH is now high: the case must go to NPS")
	}
	team := g.org.teams[t.To.Team]
	grades := g.gradeFor(st)
	if t.Scope == domain.ScopeComponents {
		grades = []string{"PSO"}
	}
	_, err := g.do(g.org.actor(team.spo().Code), domain.AcceptTransfer{TransferID: id, Team: team.Code,
		Officer: team.pick(g.rng, "", grades...).Code})
	return err
}

// rejectTransfer has the receiving team's senior officer refuse a transfer.
func (g *caseGen) rejectTransfer(id, reason string) error {
	t := g.state().Transfers[id]
	if t == nil || t.Status != domain.TransferPending {
		return nil
	}
	_, err := g.do(g.org.actor(g.org.teams[t.To.Team].spo().Code), domain.RejectTransfer{TransferID: id, Reason: reason})
	return err
}

// cancelTransfer has the officer who asked withdraw a transfer.
func (g *caseGen) cancelTransfer(id, reason string) error {
	t := g.state().Transfers[id]
	if t == nil || t.Status != domain.TransferPending {
		return nil
	}
	_, err := g.do(g.org.actor(g.present(t.From.Officer, g.t).Code), domain.CancelTransfer{TransferID: id, Reason: reason})
	return err
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
