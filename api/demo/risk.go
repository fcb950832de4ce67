package demo

import (
	"math"
	"slices"
	"time"

	"github.com/caseledger/caseledger/domain"
)

// rsrRange is the RSR score range that goes with each RoSH level.
var rsrRange = map[string][2]float64{
	domain.RoSHLow: {0.3, 2.9}, domain.RoSHMedium: {2.0, 6.8}, domain.RoSHHigh: {6.9, 24}, domain.RoSHVeryHigh: {12, 45},
}

// assess records an OASys assessment at the given RoSH.
func (g *caseGen) assess(by domain.Actor, rosh string) error {
	r := rsrRange[rosh]
	rsr := math.Round((r[0]+g.rng.Float64()*(r[1]-r[0]))*10) / 10
	ogrs := float64(between(g.rng, 15, 92))
	_, err := g.do(by, domain.AssessRisk{AssessmentID: g.id("assessment"), Tool: "OASys", RoSH: rosh, RSR: rsr, OGRS: &ogrs})
	return err
}

// reassess reviews the risk every four to six months; the RoSH stays (an
// escalation is an action of its own).
func (g *caseGen) reassess() error {
	if err := g.assess(g.workerActor(), g.state().Risk.RoSH); err != nil {
		return err
	}
	g.at(g.daysAfter(g.t, 110, 180), g.reassess)
	return nil
}

// escalateRisk raises the RoSH, registers it, and has a case held by a
// private provider transferred to NPS — promptly, or late for a slow one.
func (g *caseGen) escalateRisk() error {
	st := g.state()
	levels := domain.RoSHLevels
	if slices.Index(levels, st.Risk.RoSH) >= slices.Index(levels, g.p.escalate) {
		return nil
	}
	if err := g.assess(g.workerActor(), g.p.escalate); err != nil {
		return err
	}
	g.tick()
	typ := map[string]string{domain.RoSHHigh: "RHRH", domain.RoSHVeryHigh: "RVHR"}[g.p.escalate]
	if _, err := g.register(typ, "", "", "RoSH raised at review after police intelligence about threats to a former partner", 3); err != nil {
		return err
	}
	lo, hi := 0, 3
	if g.p.slow {
		lo, hi = 10, 16
	}
	g.at(g.daysAfter(g.t, lo, hi), g.requestHighRiskTransfer)
	if g.p.mappa {
		g.at(g.daysAfter(g.t, 25, 35), g.registerMAPPA)
	}
	return nil
}

// registerInitially adds the flags known when the case starts.
func (g *caseGen) registerInitially() error {
	add := func(typ, notes string) error {
		g.tick()
		_, err := g.register(typ, "", "", notes, 3)
		return err
	}
	if g.p.highAtStart() && chance(g.rng, 0.5) {
		typ := map[string]string{domain.RoSHHigh: "RHRH", domain.RoSHVeryHigh: "RVHR"}[g.p.rosh]
		if err := add(typ, "RoSH from the pre-sentence OASys"); err != nil {
			return err
		}
	}
	if g.p.domestic {
		if err := add("ADVP", "Police call-outs to the home address disclosed; the partner is the victim"); err != nil {
			return err
		}
	}
	if g.p.children {
		if err := add(pick(g.rng, []string{"RCCO", "RCPR"}), "Lives with a partner who has two children under ten"); err != nil {
			return err
		}
	}
	if chance(g.rng, 0.05) {
		if err := add("WEAP", "Knife found at arrest"); err != nil {
			return err
		}
	}
	if g.p.mappa && g.p.highAtStart() {
		g.tick()
		return g.registerMAPPA()
	}
	return nil
}

// registerMAPPA registers the case for MAPPA; a case to be corrected is
// first registered in the wrong category and corrected the next day.
func (g *caseGen) registerMAPPA() error {
	category := pick(g.rng, []string{"M1", "M2", "M2", "M4"})
	level := pick(g.rng, []string{"M1", "M1", "M2", "M2", "M3"})
	months := map[string]int{"M1": 6, "M2": 3, "M3": 3}[level]
	wrong := category
	if g.p.correction && !g.corrected {
		wrong = map[string]string{"M1": "M2", "M2": "M1", "M4": "M2"}[category]
	}
	recs, err := g.register("MAPP", wrong, level, "Managed under MAPPA: "+map[string]string{
		"M1": "registered sexual offender", "M2": "violent offender sentenced to 12 months or more", "M4": "terrorism-related offence"}[wrong], months)
	if err != nil || wrong == category {
		return err
	}
	g.corrected = true
	added := recs[0].Event.(domain.RegistrationAdded)
	added.Category = category
	added.Notes = "Managed under MAPPA (category corrected)"
	g.at(g.daysAfter(g.t, 1, 1), func() error {
		_, err := g.do(g.workerActor(), domain.RetractEntry{EventID: recs[0].EventID,
			Reason: "Wrong MAPPA category entered: the index offence is " + map[string]string{
				"M1": "a sexual offence", "M2": "a violent offence", "M4": "terrorism-related"}[category], Replacement: added})
		return err
	})
	return nil
}

// register adds a registration reviewed every months months, and plans its reviews.
func (g *caseGen) register(typ, category, level, notes string, months int) ([]domain.Recorded, error) {
	id := g.id("registration")
	review := g.t.AddDate(0, months, 0)
	recs, err := g.do(g.workerActor(), domain.AddRegistration{RegistrationID: id, RegType: typ, Category: category,
		Level: level, NextReviewDate: date(review), Notes: notes})
	if err != nil {
		return nil, err
	}
	if typ == "ADVP" || typ == "RCCO" || typ == "RCPR" {
		g.homeVisit = true
	}
	g.at(officeTime(g.rng, review.Add(-time.Duration(between(g.rng, 0, 5))*day)), func() error { return g.reviewRegistration(id, months) })
	return recs, nil
}

// reviewRegistration reviews a registration and plans the next review; a
// flag about the family or about weapons may be ended instead.
func (g *caseGen) reviewRegistration(id string, months int) error {
	reg := g.state().Registrations[id]
	if reg == nil || !reg.Active {
		return nil
	}
	ends := map[string]string{
		"ADVP": "No incidents for six months and the programme completed",
		"RCCO": "Children's services closed their involvement", "RCPR": "Child protection plan ended",
		"WEAP": "No weapons-related concerns for a year",
	}[reg.RegType]
	if ends != "" && chance(g.rng, 0.25) {
		_, err := g.do(g.workerActor(), domain.Deregister{RegistrationID: id, Reason: ends})
		return err
	}
	next := g.t.AddDate(0, months, 0)
	notes := "Reviewed: concerns remain, registration continues"
	if reg.RegType == "MAPP" {
		notes = "Reviewed at the MAPPA meeting: level unchanged"
	}
	if _, err := g.do(g.workerActor(), domain.ReviewRegistration{RegistrationID: id, NextReviewDate: date(next), Notes: notes}); err != nil {
		return err
	}
	g.at(officeTime(g.rng, next.Add(-time.Duration(between(g.rng, 0, 5))*day)), func() error { return g.reviewRegistration(id, months) })
	return nil
}
