package demo

import (
	"time"

	"github.com/caseledger/caseledger/domain"
)

// open writes the case's first days — opened by a court officer of NPS (or
// by the private provider of the home area), the sentence and what it
// imposes, the pre-sentence risk assessment, the allocation, the flags and
// the induction appointment — and plans the rest of its life.
func (g *caseGen) open() error {
	g.home = pick(g.rng, []string{"CRC-N", "CRC-S"})
	g.opener = pick(g.rng, g.org.teamsOf("NPS")).pick(g.rng, "", "PSO")
	if !g.p.highAtStart() && chance(g.rng, 0.3) {
		g.opener = pick(g.rng, g.org.teamsOf(g.home)).spo()
	}
	by := g.org.actor(g.opener.Code)
	given, family := personName(g.rng)
	if _, err := g.do(by, domain.OpenCase{CRN: g.crn, Person: domain.Person{GivenName: given, FamilyName: family,
		DateOfBirth: dateOfBirth(g.rng, g.now.Year())}}); err != nil {
		return err
	}
	g.tick()
	if err := g.recordSentence(by); err != nil {
		return err
	}
	g.tick()
	if err := g.assess(by, g.p.rosh); err != nil {
		return err
	}
	g.t = g.daysAfter(g.t, 1, 4)
	if err := g.allocateInitially(); err != nil {
		return err
	}
	if err := g.registerInitially(); err != nil {
		return err
	}
	g.tick()
	if err := g.book(g.daysAfter(g.t, 2, 5)); err != nil {
		return err
	}
	g.plan()
	return nil
}

// plan puts the case's life on the agenda: the recurring reviews and
// information, and the events its profile holds at points of its life.
func (g *caseGen) plan() {
	g.at(g.daysAfter(g.t, 110, 180), g.reassess)
	g.at(g.daysAfter(g.t, 10, 60), g.receiveInformation)
	if g.p.reallocate {
		g.at(g.fraction(0.3, 0.7), g.reallocate)
	}
	if g.p.deallocate {
		g.at(g.fraction(0.5, 0.7), g.deallocate)
	}
	switch g.p.transfer {
	case "":
	case "pending":
		g.at(g.nearEnd(3, 12), g.requestCaseTransfer)
	default:
		g.at(g.fraction(0.2, 0.4), g.requestCaseTransfer)
	}
	switch {
	case g.p.components == 0:
	case g.p.compFate == "pending":
		g.at(g.nearEnd(2, 12), g.requestComponentTransfer)
	default:
		g.at(g.fraction(0.1, 0.3), g.requestComponentTransfer)
	}
	if g.p.escalate != "" {
		g.at(g.fraction(0.5, 0.65), g.escalateRisk)
	}
	if g.p.remand {
		g.at(g.fraction(0.15, 0.3), g.remand)
	}
	g.planRecall()
	g.planComponents()
	if g.p.closes {
		g.at(g.closeAt, g.closeCase)
	}
	if g.p.sfo > 0 {
		g.atEvenIfClosed(g.sfoAt, g.notifySFO)
	}
}

func (g *caseGen) planRecall() {
	recall := func() error {
		if g.state().Custody != domain.CustodyStatusCommunity {
			return nil
		}
		return g.raiseRecall(g.p.recall, pick(g.rng, recallReasons))
	}
	switch g.p.recall {
	case "":
	case "open":
		g.at(g.nearEnd(2, 10), recall)
	default:
		g.at(g.fraction(0.35, 0.5), recall)
	}
}

// planComponents plans what happens to the requirements and conditions: a
// condition varied and the curfew's end, or the unpaid work completed.
func (g *caseGen) planComponents() {
	if hasConditions(g.p.kind) {
		g.at(g.fraction(0.2, 0.5), g.varyCondition)
		g.at(g.fraction(0.3, 0.7), g.endCurfew)
		return
	}
	if g.p.compFate != "pending" {
		g.at(g.fraction(0.4, 0.8), g.completeRequirement)
	}
}

// nearEnd returns an office-hours time lo to hi days before the end (and after the opening).
func (g *caseGen) nearEnd(lo, hi int) time.Time {
	at := officeTime(g.rng, g.end.Add(-time.Duration(between(g.rng, lo, hi))*day))
	return maxTime(minTime(at, g.end.Add(-time.Hour)), g.opened.Add(day))
}
