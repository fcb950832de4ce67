package demo

import (
	"time"

	"github.com/caseledger/caseledger/domain"
)

// enforce plans what follows a non-compliant appointment on a sentence: a
// warning, or a breach when there was a warning in the last 12 months (a
// licence is enforced by warnings and recall instead). Now and then nothing
// is done, as happens.
func (g *caseGen) enforce(appointment, sentence string) {
	g.unenforced = append(g.unenforced, appointment)
	if chance(g.rng, 0.1) {
		return
	}
	st := g.state()
	for _, b := range st.Breaches {
		if b.Open && b.SentenceID == sentence {
			return // it goes before the court with the open breach
		}
	}
	breach := !g.warned.IsZero() && g.t.Sub(g.warned) < 365*day && !hasConditions(st.Sentences[sentence].Kind)
	at := g.daysAfter(g.t, 0, 5)
	if breach {
		g.at(at, func() error { return g.raiseBreach(sentence) })
	} else {
		g.at(at, func() error { return g.warn(sentence) })
	}
}

// nonCompliant returns the appointments awaiting enforcement that are still
// recorded as non-compliant.
func (g *caseGen) nonCompliant() []string {
	st := g.state()
	var out []string
	for _, id := range g.unenforced {
		if a := st.Appointments[id]; a != nil && (a.Outcome == domain.OutcomeUnacceptableAbsence || a.Outcome == domain.OutcomeFailedToComply) {
			out = append(out, id)
		}
	}
	return out
}

func (g *caseGen) warn(sentence string) error {
	ids := g.nonCompliant()
	if len(ids) == 0 {
		return nil
	}
	if _, err := g.do(g.workerActor(), domain.IssueWarning{WarningID: g.id("warning"), SentenceID: sentence, AppointmentIDs: ids}); err != nil {
		return err
	}
	g.unenforced, g.warned = nil, g.t
	return nil
}

func (g *caseGen) raiseBreach(sentence string) error {
	st := g.state()
	ids := g.nonCompliant()
	if s := st.Sentences[sentence]; s == nil || !s.Active || len(ids) == 0 {
		return nil
	}
	id := g.id("breach")
	if _, err := g.do(g.workerActor(), domain.RaiseBreach{BreachID: id, SentenceID: sentence,
		Reason: "Further failure to comply within 12 months of a warning", AppointmentIDs: ids}); err != nil {
		return err
	}
	g.unenforced, g.warned = nil, time.Time{}
	g.at(g.daysAfter(g.t, 21, 56), func() error { return g.concludeBreach(id) })
	return nil
}

// concludeBreach records the court's decision on a breach.
func (g *caseGen) concludeBreach(id string) error {
	if b := g.state().Breaches[id]; b == nil || !b.Open {
		return nil
	}
	outcome := pick(g.rng, []string{"proved", "proved", "proved", "not_proved", "withdrawn"})
	sanction := ""
	if outcome == "proved" {
		sanction = pick(g.rng, []string{"Fine of £150", "Order varied: 40 additional hours of unpaid work",
			"Curfew requirement added for two months", "Order continued with a warning from the court"})
	}
	_, err := g.do(g.workerActor(), domain.ConcludeBreach{BreachID: id, Outcome: outcome, Sanction: sanction})
	return err
}
