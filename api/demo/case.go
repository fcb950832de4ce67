package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/caseledger/caseledger/api/ledger"
	"github.com/caseledger/caseledger/domain"
)

// caseGen writes one case's history. It decides what can happen next from
// the domain's own state of the case (domain.StateAt over what it wrote), so
// it never has to mirror the rules; what happens is planned as an agenda of
// actions in time order, each of which may plan follow-ups.
type caseGen struct {
	w       *writer
	org     *orgPlan
	rng     *rand.Rand
	crn     string
	p       profile
	now     time.Time // nothing occurs later
	end     time.Time // actions planned later do not happen
	opened  time.Time
	closeAt time.Time // when the sentence ends, if the story ends with it
	sfoAt   time.Time // when the person is charged with an SFO, if they are
	t       time.Time // the occurred_at of the next command
	history []domain.Recorded
	agenda  []action
	seq     int
	ids     map[string]int
	cache   struct {
		n  int
		at time.Time
		c  *domain.Case
	}

	// What the domain does not keep but a practitioner would know.
	primary    string   // the sentence the person is supervised on
	nextAppt   string   // the appointment booked next, if the chain runs
	unenforced []string // non-compliant appointments since the last warning or breach
	warned     time.Time
	homeVisit  bool // a home visit is due (a new domestic-abuse or child-concern flag)
	corrected  bool
	charged    bool // charged with an SFO: no more re-releases
	home       string
	opener     *officerPlan
	upcoming   bool // the appointment later today is booked
}

// action is something planned to happen at at; afterClose lets it happen
// on a closed case (SFO notification and review).
type action struct {
	at         time.Time
	seq        int
	afterClose bool
	run        func() error
}

// generateCase writes case i. Its random source depends only on the seed
// and i, so its content does not depend on what other cases do.
func generateCase(ctx context.Context, l *ledger.Ledger, org *orgPlan, opts Options, i int) (caseResult, error) {
	rng := rand.New(rand.NewPCG(uint64(opts.Seed), uint64(i)+1))
	crn := fmt.Sprintf("D%06d", i+1)
	g := &caseGen{
		w: newWriter(ctx, l, domain.CaseStream(crn), rng), org: org, rng: rng, crn: crn,
		now: opts.Now, end: opts.Now.Add(-time.Hour), ids: map[string]int{},
	}
	g.p = chooseProfile(rng, i)
	g.opened = officeTime(rng, opts.Now.Add(-time.Duration(g.p.age)*day))
	g.t = g.opened
	g.closeAt = officeTime(rng, g.opened.Add(time.Duration(g.p.closeAfter)*day))
	g.sfoAt = officeTime(rng, g.opened.Add(time.Duration(g.p.sfoAfter)*day))
	if err := g.open(); err != nil {
		return caseResult{}, err
	}
	if err := g.loop(); err != nil {
		return caseResult{}, err
	}
	return caseResult{tally: g.w.tally, owner: domain.StateAt(g.history, g.now).Owner}, nil
}

// loop runs the agenda in time order until it is empty or the next action
// would happen after the end.
func (g *caseGen) loop() error {
	for len(g.agenda) > 0 {
		next := 0
		for i, a := range g.agenda {
			if a.at.Before(g.agenda[next].at) || (a.at.Equal(g.agenda[next].at) && a.seq < g.agenda[next].seq) {
				next = i
			}
		}
		a := g.agenda[next]
		g.agenda = append(g.agenda[:next], g.agenda[next+1:]...)
		if a.at.After(g.end) {
			return nil
		}
		if a.at.After(g.t) {
			g.t = a.at
		}
		if g.state().Closed && !a.afterClose {
			continue
		}
		if err := a.run(); err != nil {
			return err
		}
	}
	return nil
}

// at plans run at t.
func (g *caseGen) at(t time.Time, run func() error) {
	g.seq++
	g.agenda = append(g.agenda, action{at: t, seq: g.seq, run: run})
}

// atEvenIfClosed plans run at t, to happen even if the case is closed by then.
func (g *caseGen) atEvenIfClosed(t time.Time, run func() error) {
	g.at(t, run)
	g.agenda[len(g.agenda)-1].afterClose = true
}

// do records cmd by actor now (at g.t).
func (g *caseGen) do(actor domain.Actor, cmd domain.Command) ([]domain.Recorded, error) {
	return g.doAt(g.t, actor, cmd)
}

// doAt records cmd by actor as having occurred at.
func (g *caseGen) doAt(at time.Time, actor domain.Actor, cmd domain.Command) ([]domain.Recorded, error) {
	if at.After(g.now) {
		return nil, fmt.Errorf("demo: case %s: %T at %s: after now", g.crn, cmd, domain.FormatTime(at))
	}
	envs, err := g.w.execute(actor, at, ledger.Case(cmd))
	if err != nil {
		return nil, fmt.Errorf("demo: case %s: %T by %s at %s: %w", g.crn, cmd, actor.ID, domain.FormatTime(at), err)
	}
	recs, err := domain.FromEnvelopes(envs)
	if err != nil {
		return nil, err
	}
	g.history = append(g.history, recs...)
	return recs, nil
}

// state is the case as at g.t.
func (g *caseGen) state() *domain.Case { return g.stateAt(g.t) }

// stateAt is the case as at t, as the ledger now knows it.
func (g *caseGen) stateAt(t time.Time) *domain.Case {
	if g.cache.c == nil || g.cache.n != len(g.history) || !g.cache.at.Equal(t) {
		g.cache.n, g.cache.at, g.cache.c = len(g.history), t, domain.StateAt(g.history, t)
	}
	return g.cache.c
}

// id returns the next id of a kind: "appointment-3".
func (g *caseGen) id(kind string) string {
	g.ids[kind]++
	return fmt.Sprintf("%s-%d", kind, g.ids[kind])
}

// tick moves the clock on by a few minutes, never past now.
func (g *caseGen) tick() {
	g.t = minTime(g.t.Add(time.Duration(between(g.rng, 2, 15))*time.Minute), g.now)
}

// daysAfter returns an office-hours time lo to hi days after t, and always after t.
func (g *caseGen) daysAfter(t time.Time, lo, hi int) time.Time {
	at := officeTime(g.rng, t.Add(time.Duration(between(g.rng, lo, hi))*day))
	if !at.After(t) {
		at = t.Add(10 * time.Minute)
	}
	return at
}

// fraction returns the instant a fraction f of the way through the case's life.
func (g *caseGen) fraction(lo, hi float64) time.Time {
	f := lo + g.rng.Float64()*(hi-lo)
	return officeTime(g.rng, g.opened.Add(time.Duration(f*float64(g.horizon().Sub(g.opened)))))
}

// horizon is when the planned story ends: the closure or the SFO, if any,
// otherwise the end.
func (g *caseGen) horizon() time.Time {
	switch {
	case g.p.closes:
		return g.closeAt
	case g.p.sfo > 0:
		return g.sfoAt
	}
	return g.end
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

func date(t time.Time) string { return t.Format(time.DateOnly) }
