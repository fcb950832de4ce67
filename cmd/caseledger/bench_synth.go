package main

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"

	"github.com/caseledger/caseledger/api/ledger"
	"github.com/caseledger/caseledger/domain"
)

// synth writes synthetic case histories through the ledger: an opening, a
// sentence, a risk assessment, an allocation, then appointments booked and
// attended, reassessments and reallocations, in time order. Each history is
// decided command by command by the domain (so it is one the rules accept)
// and stored in large appends, which is what makes a case of thousands of
// events quick to write.
type synth struct {
	org        *domain.Org
	placements []placement
	now        time.Time
}

// placement is where a synthetic case lives: a provider's practitioner, who
// opens it and writes to it, and the officers of one team it is allocated
// to, each serving in that team throughout the case's life.
type placement struct {
	by       benchActor
	provider string
	team     string
	officers []string
}

// synthSpan is how long before now a synthetic case opens; the demo's
// organisation is registered 600 days before its now.
const synthSpan = 500 * 24 * time.Hour

func newSynth(org *domain.Org, ids benchIdentities, now time.Time) *synth {
	s := &synth{org: org, now: now}
	from := now.Add(-synthSpan)
	for _, provider := range sortedKeys(ids.practitioners) {
		for _, code := range sortedKeys(org.Teams) {
			if org.Teams[code].Provider != provider {
				continue
			}
			var officers []string
			for _, oc := range sortedKeys(org.Officers) {
				off := org.Officers[oc]
				if off.Left == nil && !off.Since.After(from) && len(off.Memberships) == 1 && off.Memberships[0].Team == code {
					officers = append(officers, oc)
				}
			}
			if len(officers) > 0 {
				s.placements = append(s.placements, placement{by: ids.practitioners[provider], provider: provider, team: code, officers: officers})
			}
		}
	}
	return s
}

// timedCommand is one command of a synthetic history.
type timedCommand struct {
	at  time.Time
	cmd domain.Command
}

// history returns the commands of a synthetic case of n events (n >= 4)
// between from and to, placed at p; with sfo, the last is an SFO
// notification, so that a reviewer may read the timeline.
func (s *synth) history(crn string, p placement, n int, from, to time.Time, sfo bool) []timedCommand {
	step := to.Sub(from) / time.Duration(n+1)
	t := from
	var out []timedCommand
	add := func(c domain.Command) {
		out = append(out, timedCommand{at: t, cmd: c})
		t = t.Add(step)
	}
	owner := 0
	add(domain.OpenCase{CRN: crn, Person: domain.Person{GivenName: "Bench", FamilyName: "Case " + crn, DateOfBirth: "1990-01-01"}})
	add(domain.RecordSentence{SentenceID: "sentence-1", Kind: domain.KindCommunityOrder, Court: "Leeds Magistrates' Court",
		StartDate: t.Format(time.DateOnly), ExpectedEndDate: t.AddDate(3, 0, 0).Format(time.DateOnly)})
	add(domain.AssessRisk{AssessmentID: "assessment-1", Tool: "OASys", RoSH: domain.RoSHMedium, RSR: 2.5})
	add(domain.AllocateCase{Provider: p.provider, Team: p.team, Officer: p.officers[owner], Reason: "initial_allocation",
		Rationale: "Medium RoSH: allocated to an officer with capacity"})
	last := n
	if sfo {
		last--
	}
	for k := 1; len(out) < last; k++ {
		switch {
		case k%100 == 0 && len(p.officers) > 1:
			owner = (owner + 1) % len(p.officers)
			add(domain.AllocateCase{Provider: p.provider, Team: p.team, Officer: p.officers[owner], Reason: "caseload_adjustment",
				Rationale: "Caseloads rebalanced across the team"})
		case k%25 == 0 || len(out) == last-1:
			add(domain.AssessRisk{AssessmentID: fmt.Sprintf("assessment-%d", k+1), Tool: "OASys", RoSH: domain.RoSHMedium, RSR: 2.5})
		default:
			id := fmt.Sprintf("appointment-%d", k)
			add(domain.BookAppointment{AppointmentID: id, StartsAt: t.Add(step), Kind: "office", Officer: p.officers[owner], SentenceID: "sentence-1"})
			outcome := domain.OutcomeComplied
			if k%17 == 0 {
				outcome = domain.OutcomeAcceptableAbsence
			}
			add(domain.RecordOutcome{AppointmentID: id, Outcome: outcome})
		}
	}
	if sfo {
		charged := to.Add(-2 * time.Hour)
		add(domain.NotifySFO{SFOID: "sfo-1", Offence: "Wounding with intent (section 18)", Category: "mandatory",
			ChargedAt: charged, OffenceDate: charged.AddDate(0, 0, -2).Format(time.DateOnly)})
	}
	return out
}

// decideAll returns the Decider that decides cmds one after another, each
// on the history as the ones before it left it, by actor. The events
// decided but not yet stored are given placeholder positions, so that the
// domain folds them as history rather than as new events.
func decideAll(actor domain.Actor, cmds []timedCommand) ledger.Decider {
	return func(stored []domain.Recorded, org *domain.Org, _ []domain.Recorded, m domain.Meta) ([]domain.Recorded, error) {
		history := slices.Clip(stored)
		var out []domain.Recorded
		for k, c := range cmds {
			seed := uuid.NewSHA1(m.Seed, []byte(strconv.Itoa(k)))
			evs, err := domain.Decide(history, org, domain.Meta{OccurredAt: c.at, Now: m.Now, Actor: actor, Seed: seed}, c.cmd)
			if err != nil {
				return nil, fmt.Errorf("%T at %s: %w", c.cmd, domain.FormatTime(c.at), err)
			}
			out = append(out, evs...)
			for _, e := range evs {
				e.Position = 1<<62 + uint64(len(history))
				history = append(history, e)
			}
		}
		return out, nil
	}
}

// execute stores cmds on the case's stream in one append.
func (s *synth) execute(ctx context.Context, l *ledger.Ledger, crn string, by domain.Actor, cmds []timedCommand) (ledger.Result, error) {
	req := ledger.Request{Stream: domain.CaseStream(crn), Actor: by, Seed: ledger.SeedFor(""), CorrelationID: ledger.SeedFor("").String()}
	res, err := l.Execute(ctx, req, decideAll(by, cmds))
	if err != nil {
		return res, fmt.Errorf("case %s: %w", crn, err)
	}
	return res, nil
}

// writeCases writes count synthetic cases of events events each, on many
// goroutines so that they share commits, and calls done with each. CRNs
// are letter and six digits, the letter moving on every million cases.
func (s *synth) writeCases(ctx context.Context, l *ledger.Ledger, letter byte, count, events int, prog *benchProgress, done func(int, benchCase)) (int, error) {
	if len(s.placements) == 0 {
		return 0, fmt.Errorf("the demo organisation has no team whose officers served throughout the last %s", synthSpan)
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var next, written atomic.Int64
	var mu sync.Mutex
	var wg sync.WaitGroup
	from, to := s.now.Add(-synthSpan), s.now.Add(-time.Hour)
	for range 32 {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= count || ctx.Err() != nil {
					return
				}
				crn := fmt.Sprintf("%c%06d", letter+byte(i/1_000_000), i%1_000_000)
				p := s.placements[i%len(s.placements)]
				res, err := s.execute(ctx, l, crn, p.by.actor, s.history(crn, p, events, from, to, false))
				if err != nil {
					cancel(err)
					return
				}
				written.Add(int64(len(res.Events)))
				mu.Lock()
				done(i, benchCase{crn: crn, token: p.by.token, officer: p.officers[0]})
				prog.count("cases", i+1, count)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		return 0, err
	}
	return int(written.Load()), nil
}

// bigWritten is the large case as written.
type bigWritten struct {
	benchCase
	opened, recorded time.Time
}

// bigCase writes one case of n events, the last an SFO notification, in
// appends of bigBatch commands each.
func (s *synth) bigCase(ctx context.Context, l *ledger.Ledger, crn string, n int, prog *benchProgress) (bigWritten, error) {
	p := s.placements[0]
	for _, q := range s.placements {
		if len(q.officers) > len(p.officers) {
			p = q // the most officers: the most reallocations
		}
	}
	from, to := s.now.Add(-synthSpan), s.now.Add(-time.Hour)
	cmds := s.history(crn, p, n, from, to, true)
	out := bigWritten{benchCase: benchCase{crn: crn, token: p.by.token, officer: p.officers[0]}, opened: from}
	for i := 0; i < len(cmds); i += bigBatch {
		res, err := s.execute(ctx, l, crn, p.by.actor, cmds[i:min(i+bigBatch, len(cmds))])
		if err != nil {
			return out, err
		}
		if i == 0 {
			out.recorded = res.Events[0].RecordedAt
		}
		prog.count("events", i+bigBatch, len(cmds))
	}
	return out, nil
}

// bigBatch is how many commands of the large case go in one append. Each
// command is decided on the whole history before it, so the cost of
// writing the case grows with the square of its length whatever the
// batch; larger batches only save fsyncs and stream reads.
const bigBatch = 250

// sortedKeys returns m's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
