package demo

import (
	"math/rand/v2"

	"github.com/caseledger/caseledger/domain"
)

// profile is what will happen in a case's life, decided when it opens.
type profile struct {
	kind       string // the sentence's kind
	rosh       string // RoSH at the start
	escalate   string // the RoSH it escalates to, or ""
	slow       bool   // the escalated case's transfer to a high_risk provider comes late
	mappa      bool
	domestic   bool   // an ADVP registration
	children   bool   // a child-concern registration
	transfer   string // the fate of a case transfer between private providers, or ""
	components int    // 1: transfer a requirement or condition; manyComponents: every licence condition; 0: none
	compFate   string // the fate of the component transfer
	remand     bool
	recall     string // "", "returned", "rescinded" or "open"
	sfo        int    // 0; 1: SFO notified; 2: and its review completed
	closes     bool
	correction bool // an entry made in error and corrected
	deallocate bool // the owner goes on long-term sick leave and the case waits for an officer
	reallocate bool // a reallocation within the provider
	late       bool // some entries are typed in days after they happened
	today      bool // an appointment later today
	age        int  // days from opening to now
	closeAfter int  // days from opening to closure
	sfoAfter   int  // days from opening to the SFO charge
}

const manyComponents = -1

// wheel forces features on case i%len(wheel), so that even a few dozen
// cases show every kind of event; the rest is left to chance.
var wheel = []func(p *profile){
	func(p *profile) {
		*p = profile{kind: domain.KindCommunityOrder, rosh: domain.RoSHLow, transfer: "accepted", components: 1,
			compFate: "accepted", domestic: true, correction: true}
	},
	func(p *profile) {
		*p = profile{kind: domain.KindLicence, rosh: domain.RoSHMedium, escalate: domain.RoSHHigh, mappa: true, recall: "returned"}
	},
	func(p *profile) {
		*p = profile{kind: domain.KindSuspendedSentenceOrder, rosh: domain.RoSHMedium, transfer: "rejected", remand: true, children: true}
	},
	func(p *profile) {
		*p = profile{kind: domain.KindLicence, rosh: domain.RoSHHigh, mappa: true, components: manyComponents,
			compFate: "accepted", recall: "rescinded", correction: true}
	},
	func(p *profile) {
		*p = profile{kind: domain.KindCommunityOrder, rosh: domain.RoSHLow, transfer: "cancelled", closes: true, deallocate: true}
	},
	func(p *profile) {
		*p = profile{kind: domain.KindCommunityOrder, rosh: domain.RoSHMedium, transfer: "pending", domestic: true, today: true}
	},
	func(p *profile) {
		*p = profile{kind: domain.KindLicence, rosh: domain.RoSHVeryHigh, sfo: 2, late: true}
	},
	func(p *profile) {
		*p = profile{kind: domain.KindPostSentenceSupervision, rosh: domain.RoSHLow, components: 1, compFate: "pending",
			correction: true, today: true}
	},
	func(p *profile) {
		*p = profile{kind: domain.KindCommunityOrder, rosh: domain.RoSHMedium, escalate: domain.RoSHVeryHigh, slow: true, domestic: true}
	},
	func(p *profile) {
		*p = profile{kind: domain.KindLicence, rosh: domain.RoSHMedium, components: manyComponents, compFate: "rejected", recall: "open"}
	},
	func(p *profile) {
		*p = profile{kind: domain.KindSuspendedSentenceOrder, rosh: domain.RoSHLow, late: true, reallocate: true, remand: true}
	},
	func(p *profile) {
		*p = profile{kind: domain.KindCommunityOrder, rosh: domain.RoSHMedium, closes: true, sfo: 1}
	},
}

// chooseProfile decides case i's life: the first len(wheel) cases follow
// the wheel, later ones are drawn at random.
func chooseProfile(rng *rand.Rand, i int) profile {
	var p profile
	if i < len(wheel) {
		wheel[i](&p)
	} else {
		p = randomProfile(rng)
	}
	p.settle(rng)
	return p
}

func randomProfile(rng *rand.Rand) profile {
	p := profile{
		kind: pick(rng, []string{domain.KindCommunityOrder, domain.KindCommunityOrder, domain.KindSuspendedSentenceOrder,
			domain.KindLicence, domain.KindLicence, domain.KindPostSentenceSupervision}),
		rosh: pick(rng, []string{domain.RoSHLow, domain.RoSHLow, domain.RoSHMedium, domain.RoSHMedium, domain.RoSHMedium,
			domain.RoSHHigh}),
		domestic: chance(rng, 0.25), children: chance(rng, 0.15), remand: chance(rng, 0.1),
		closes: chance(rng, 0.12), correction: chance(rng, 0.08), deallocate: chance(rng, 0.05),
		reallocate: chance(rng, 0.3), late: chance(rng, 0.3), today: chance(rng, 0.08),
	}
	if chance(rng, 0.03) {
		p.rosh = domain.RoSHVeryHigh
	}
	if chance(rng, 0.12) {
		p.escalate = pick(rng, []string{domain.RoSHHigh, domain.RoSHHigh, domain.RoSHVeryHigh})
		p.slow = chance(rng, 0.3)
	}
	p.mappa = chance(rng, 0.4)
	if chance(rng, 0.25) {
		p.transfer = pick(rng, []string{"accepted", "accepted", "accepted", "rejected", "cancelled", "pending"})
	}
	if chance(rng, 0.25) {
		p.components = 1
		if chance(rng, 0.3) {
			p.components = manyComponents
		}
		p.compFate = pick(rng, []string{"accepted", "accepted", "accepted", "rejected", "pending"})
	}
	if p.kind == domain.KindLicence && chance(rng, 0.35) {
		p.recall = pick(rng, []string{"returned", "returned", "rescinded", "open"})
	}
	if chance(rng, 0.03) {
		p.sfo = between(rng, 1, 2)
	}
	return p
}

// settle makes the features fit each other and the rules, and gives the
// case an age long enough for them to happen.
func (p *profile) settle(rng *rand.Rand) {
	if p.highAtStart() {
		p.escalate, p.slow, p.transfer = "", false, "" // an NPS case from the start
	} else if p.escalate == "" {
		p.mappa = false // a MAPPA case belongs with a high_risk provider
	}
	if p.components == manyComponents && !hasConditions(p.kind) {
		p.components = 1
	}
	if p.sfo > 0 || p.closes {
		p.today = false // the story ends before now: nothing stays pending
		if p.recall == "open" {
			p.recall = "returned"
		}
		if p.transfer == "pending" {
			p.transfer = "cancelled"
		}
		if p.compFate == "pending" {
			p.compFate = "accepted"
		}
	}
	if p.sfo > 0 {
		p.recall = "" // the charge brings its own recall
	}
	if p.closes {
		p.sfo = min(p.sfo, 1) // charged within weeks of the end: no time for a review
	}
	p.time(rng)
}

// time gives the case an age long enough for its features, and places the
// closure and the SFO charge in it.
func (p *profile) time(rng *rand.Rand) {
	least := 60
	if p.transfer != "" || p.components != 0 || p.escalate != "" || p.remand || p.recall != "" || p.deallocate {
		least = 200
	}
	if p.closes {
		least = max(least, 250)
	}
	if p.sfo == 2 {
		least = 330
	}
	p.age = max(between(rng, 60, 540), least)
	if p.kind == domain.KindPostSentenceSupervision && !p.closes {
		p.age = min(p.age, 330) // supervision lasts a year
	}
	if p.closes {
		p.closeAfter = p.age - between(rng, 30, 60)
	}
	switch {
	case p.sfo > 0 && p.closes:
		p.sfoAfter = p.closeAfter + between(rng, 5, 20)
	case p.sfo == 2:
		p.sfoAfter = p.age - between(rng, 100, 140)
	case p.sfo == 1:
		p.sfoAfter = p.age - between(rng, 10, 60)
	}
}

func (p *profile) highAtStart() bool {
	return p.rosh == domain.RoSHHigh || p.rosh == domain.RoSHVeryHigh
}

func hasConditions(kind string) bool {
	return kind == domain.KindLicence || kind == domain.KindPostSentenceSupervision
}
