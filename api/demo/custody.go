package demo

import (
	"github.com/caseledger/caseledger/domain"
)

var (
	newCharges    = []string{"burglary", "theft from a shop", "assault occasioning actual bodily harm", "possession with intent to supply", "criminal damage"}
	recallReasons = []string{
		"Failed to reside at the approved address; whereabouts unknown for four days",
		"Arrested for a further offence of assault",
		"Entered the exclusion zone, reported by police",
		"Repeated positive drug tests and failure to attend appointments",
	}
)

// remand records a remand in custody on a new charge, after cancelling the
// next appointment, and plans the release weeks later.
func (g *caseGen) remand() error {
	if g.state().Custody != domain.CustodyStatusCommunity {
		return nil
	}
	if err := g.cancelNext("Remanded in custody"); err != nil {
		return err
	}
	if _, err := g.do(g.workerActor(), domain.Remand{Court: pick(g.rng, courts), Reason: "Remanded in custody on a new charge of " + pick(g.rng, newCharges)}); err != nil {
		return err
	}
	g.at(g.daysAfter(g.t, 14, 56), func() error {
		return g.release(pick(g.rng, []string{"Bail granted", "Charge withdrawn", "Acquitted at trial"}), "")
	})
	return nil
}

// release records a release into the community, re-imposes the licence's
// conditions after a recall (with that note), and books an appointment
// within days.
func (g *caseGen) release(releaseType, reimpose string) error {
	if g.state().Custody == domain.CustodyStatusCommunity {
		return nil
	}
	by := g.workerActor()
	if _, err := g.do(by, domain.Release{Establishment: pick(g.rng, prisons), ReleaseType: releaseType}); err != nil {
		return err
	}
	return g.resume(by, reimpose)
}

// resume re-imposes the licence conditions, if reimpose says why, and
// restarts the appointments.
func (g *caseGen) resume(by domain.Actor, reimpose string) error {
	if s := g.state().Sentences[g.primary]; reimpose != "" && s != nil && s.Active {
		if err := g.imposeConditions(by, reimpose); err != nil {
			return err
		}
	}
	g.tick()
	return g.book(g.daysAfter(g.t, 1, 3))
}

// raiseRecall revokes the licence (the ledger ends its conditions, their
// transfers and its future appointments in the same write) and plans how
// the recall ends: returned to custody then re-released, rescinded, or
// still open at the end.
func (g *caseGen) raiseRecall(fate, reason string) error {
	st := g.state()
	s := st.Sentences[g.primary]
	if s == nil || !s.Active || s.Kind != domain.KindLicence || s.OpenRecall != "" {
		return nil
	}
	id := g.id("recall")
	typ := pick(g.rng, []string{"fixed_term", "fixed_term", "standard"})
	if _, err := g.do(g.workerActor(), domain.RaiseRecall{RecallID: id, SentenceID: g.primary, RecallType: typ,
		Reason: reason, DecidedBy: "Public Protection Casework Section"}); err != nil {
		return err
	}
	if err := g.cancelNext("Licence recalled"); err != nil {
		return err
	}
	switch fate {
	case "returned":
		g.at(g.daysAfter(g.t, 1, 6), func() error { return g.concludeRecall(id, typ, domain.RecallReturnedToCustody) })
	case "rescinded":
		g.at(g.daysAfter(g.t, 1, 3), func() error { return g.concludeRecall(id, typ, "rescinded") })
	}
	return nil
}

// concludeRecall ends a recall. A return to custody is followed by a
// re-release (after 28 days for a fixed-term recall, months for a standard
// one); a rescinded recall by the conditions re-imposed by the practitioner.
func (g *caseGen) concludeRecall(id, typ, outcome string) error {
	if rc := g.state().Recalls[id]; rc == nil || !rc.Open {
		return nil
	}
	by := g.workerActor()
	if _, err := g.do(by, domain.ConcludeRecall{RecallID: id, Outcome: outcome}); err != nil {
		return err
	}
	switch {
	case g.charged:
		return nil // held on the SFO charge
	case outcome != domain.RecallReturnedToCustody:
		return g.resume(by, "re-imposed after the recall was rescinded")
	}
	lo, hi, how := 27, 29, "Re-released at the end of a fixed-term recall"
	if typ == "standard" {
		lo, hi, how = 60, 120, "Re-released on licence after a Parole Board review"
	}
	g.at(g.daysAfter(g.t, lo, hi), func() error { return g.release(how, "re-imposed on re-release") })
	return nil
}
