package demo

import (
	"time"

	"github.com/caseledger/caseledger/domain"
)

var sfoOffences = []struct{ offence, category string }{
	{"Murder", "mandatory"}, {"Manslaughter", "mandatory"}, {"Rape", "mandatory"},
	{"Attempted murder", "mandatory"}, {"Wounding with intent (section 18)", "mandatory"},
	{"Arson with intent to endanger life", "discretionary"}, {"Robbery with a bladed article", "discretionary"},
}

// notifySFO records that the person was charged with a serious further
// offence. On a case still open the person is remanded, the case flagged
// ASFO and a licence recalled; the reviewer completes the review months
// later for some.
func (g *caseGen) notifySFO() error {
	day0 := g.t.Truncate(day)
	g.t = minTime(maxTime(g.t, day0.Add(14*time.Hour+time.Duration(between(g.rng, 0, 18))*5*time.Minute)), g.now)
	charged := day0.Add(-6*time.Hour + time.Duration(between(g.rng, 0, 24))*5*time.Minute)
	first := day0.Add(10 * time.Hour)
	o := pick(g.rng, sfoOffences)
	id := g.id("sfo")
	st := g.state()
	by := g.workerActor()
	if _, err := g.do(by, domain.NotifySFO{SFOID: id, Offence: o.offence, Category: o.category, ChargedAt: charged,
		OffenceDate: date(charged.Add(-time.Duration(between(g.rng, 1, 4)) * day)), FirstAppearanceAt: &first}); err != nil {
		return err
	}
	g.charged = true
	if g.p.sfo == 2 {
		g.atEvenIfClosed(g.daysAfter(g.t, 60, 95), func() error { return g.completeSFOReview(id) })
	}
	if st.Closed {
		return nil
	}
	if err := g.cancelNext("Remanded in custody: charged with a serious further offence"); err != nil {
		return err
	}
	if st.Custody == domain.CustodyStatusCommunity {
		if _, err := g.do(by, domain.Remand{Court: pick(g.rng, courts), Reason: "Remanded in custody charged with " + o.offence}); err != nil {
			return err
		}
		g.tick()
	}
	if _, err := g.register("ASFO", "", "", "Subject to a serious further offence review", 3); err != nil {
		return err
	}
	g.tick()
	return g.raiseRecall("returned", "Charged with a serious further offence: "+o.offence)
}

// completeSFOReview records, as the reviewer, the end of the SFO review.
func (g *caseGen) completeSFOReview(id string) error {
	_, err := g.do(reviewerActor, domain.CompleteSFOReview{SFOID: id, Summary: "Review completed. Risk was assessed on time, " +
		"but risk information from partner agencies was not always acknowledged promptly and a home visit was overdue. " +
		"Learning: routing of information when the case manager is absent; management oversight of high-risk cases."})
	return err
}
