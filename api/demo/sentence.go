package demo

import (
	"fmt"
	"slices"

	"github.com/caseledger/caseledger/domain"
)

// component is a requirement or licence condition to impose.
type component struct{ category, description string }

var (
	requirementTypes = []component{
		{"unpaid_work", "%d hours of unpaid work"},
		{"rehabilitation_activity", "Rehabilitation activity requirement: up to 20 days"},
		{"curfew", "Curfew 19:00 to 07:00 for four months, electronically monitored"},
		{"drug_rehabilitation", "Drug rehabilitation requirement for six months, with testing"},
		{"alcohol_treatment", "Alcohol treatment requirement for six months"},
		{"mental_health_treatment", "Mental health treatment requirement, as a non-resident patient"},
		{"accredited_programme", "Thinking Skills Programme (19 sessions)"},
		{"exclusion", "Not to enter the town centre exclusion zone for six months"},
		{"residence", "Reside where approved by the responsible officer"},
		{"prohibited_activity", "Not to attend any regulated football match for 12 months"},
	}
	domesticProgramme = component{"accredited_programme", "Building Better Relationships programme (24 sessions)"}
	// standardConditions are every licence's; post-sentence supervision has the first four.
	standardConditions = []component{
		{"other", "Be of good behaviour and not behave in a way which undermines the purpose of the licence period"},
		{"other", "Not commit any offence"},
		{"supervision", "Keep in touch with the supervising officer in accordance with instructions given"},
		{"supervision", "Receive visits from the supervising officer in accordance with instructions given"},
		{"residence", "Reside permanently at an address approved by the supervising officer"},
		{"other", "Undertake only work approved by the supervising officer"},
		{"other", "Not travel outside the United Kingdom without prior permission"},
	}
	additionalConditions = []component{
		{"no_contact", "Not to contact the victim directly or indirectly without the prior approval of the supervising officer"},
		{"exclusion_zone", "Not to enter the exclusion zone around the victim's home address, as shown on the attached map"},
		{"curfew", "Remain at the approved address between 19:00 and 07:00 daily"},
		{"electronic_monitoring", "Wear an electronic tag to monitor the curfew"},
		{"non_association", "Not to associate with any person named in the appendix to this licence"},
		{"drug_testing", "Attend drug testing as directed by the supervising officer"},
		{"residence", "Reside at approved premises and comply with their rules"},
		{"other", "Notify the supervising officer of any developing intimate relationship"},
	}
)

// recordSentence records the court's sentence, at the opening, and what it
// imposes.
func (g *caseGen) recordSentence(by domain.Actor) error {
	id := g.id("sentence")
	months := map[string][]int{
		domain.KindCommunityOrder: {12, 18, 24, 36}, domain.KindSuspendedSentenceOrder: {12, 18, 24},
		domain.KindLicence: {9, 12, 18, 24, 30}, domain.KindPostSentenceSupervision: {12},
	}[g.p.kind]
	end := g.opened.AddDate(0, months[len(months)-1], 0) // settle keeps cases younger than that
	for _, m := range months {
		if e := g.opened.AddDate(0, m, 0); e.After(g.now.Add(30 * day)) {
			end = e
			break
		}
	}
	if g.p.closes {
		end = g.closeAt
	}
	court := pick(g.rng, courts)
	if hasConditions(g.p.kind) {
		court = pick(g.rng, crownCourts)
	}
	_, err := g.do(by, domain.RecordSentence{SentenceID: id, Kind: g.p.kind, Court: court,
		StartDate: date(g.opened), ExpectedEndDate: date(end)})
	if err != nil {
		return err
	}
	g.primary = id
	if hasConditions(g.p.kind) {
		return g.imposeConditions(by, "")
	}
	return g.imposeRequirements(by)
}

func (g *caseGen) imposeRequirements(by domain.Actor) error {
	var list []component
	if g.p.components != 0 || chance(g.rng, 0.6) {
		list = append(list, requirementTypes[0]) // unpaid work, the usual component delivered elsewhere
	}
	if g.p.domestic {
		list = append(list, domesticProgramme)
	}
	for _, i := range g.rng.Perm(len(requirementTypes) - 1)[:between(g.rng, 1, 2)] {
		list = append(list, requirementTypes[i+1])
	}
	for _, c := range list {
		desc := c.description
		if c.category == "unpaid_work" {
			desc = fmt.Sprintf(desc, 40+10*between(g.rng, 4, 26))
		}
		g.tick()
		if _, err := g.do(by, domain.ImposeRequirement{SentenceID: g.primary, RequirementID: g.id("requirement"),
			Category: c.category, Description: desc}); err != nil {
			return err
		}
	}
	return nil
}

// imposeConditions imposes the licence's conditions: the standard ones and
// a few additional ones (at least three when every condition is to be
// transferred, so the transfer carries ten or more). note, when not empty,
// says why they are imposed again (after a recall).
func (g *caseGen) imposeConditions(by domain.Actor, note string) error {
	list := append([]component(nil), standardConditions...)
	extra := between(g.rng, 1, 5)
	if g.p.kind == domain.KindPostSentenceSupervision {
		list, extra = list[:4], between(g.rng, 0, 2)
	}
	if g.p.components == manyComponents {
		extra = between(g.rng, 3, 5)
	}
	for _, i := range g.rng.Perm(len(additionalConditions))[:extra] {
		list = append(list, additionalConditions[i])
	}
	for _, c := range list {
		g.tick()
		desc := c.description
		if note != "" {
			desc += " (" + note + ")"
		}
		if _, err := g.do(by, domain.ImposeLicenceCondition{SentenceID: g.primary, ConditionID: g.id("condition"),
			Category: c.category, Description: desc}); err != nil {
			return err
		}
	}
	return nil
}

// closeCase ends the sentence and closes the case.
func (g *caseGen) closeCase() error {
	reason := map[bool]string{true: "Licence period expired", false: "Order completed"}[hasConditions(g.p.kind)]
	by := g.org.actor(g.worker().Code)
	if _, err := g.do(by, domain.TerminateSentence{SentenceID: g.primary, Reason: reason}); err != nil {
		return err
	}
	g.tick()
	_, err := g.do(by, domain.CloseCase{Reason: "Supervision ended: sentence completed"})
	return err
}

// activeComponent returns the first active component of the sentence whose
// category is one of categories, in id order.
func (g *caseGen) activeComponent(categories ...string) *domain.Component {
	st := g.state()
	for _, id := range sortedKeys(st.Components) {
		c := st.Components[id]
		if c.Active && c.SentenceID == g.primary && slices.Contains(categories, c.Category) {
			return c
		}
	}
	return nil
}

// varyCondition changes the wording of a licence condition.
func (g *caseGen) varyCondition() error {
	c := g.activeComponent("curfew", "residence", "exclusion_zone")
	if c == nil {
		return nil
	}
	desc := map[string]string{
		"curfew":         "Remain at the approved address between 21:00 and 06:00 daily (hours changed for shift work)",
		"residence":      "Reside at an address approved by the supervising officer (moved on from approved premises)",
		"exclusion_zone": "Not to enter the exclusion zone around the victim's home address, as shown on the revised map",
	}[c.Category]
	_, err := g.do(g.workerActor(), domain.VaryLicenceCondition{ConditionID: c.ID, Description: desc})
	return err
}

// endCurfew ends a curfew or its electronic monitoring when it expires.
func (g *caseGen) endCurfew() error {
	c := g.activeComponent("curfew", "electronic_monitoring")
	if c == nil {
		return nil
	}
	_, err := g.do(g.workerActor(), domain.TerminateLicenceCondition{ConditionID: c.ID, Reason: "expired"})
	return err
}

// completeRequirement ends the unpaid work (or another requirement) when it
// is done; a transfer of it still pending is rejected in the same write.
func (g *caseGen) completeRequirement() error {
	c := g.activeComponent("unpaid_work", "rehabilitation_activity", "accredited_programme")
	if c == nil {
		return nil
	}
	_, err := g.do(g.workerActor(), domain.TerminateRequirement{RequirementID: c.ID, Reason: "Completed"})
	return err
}
