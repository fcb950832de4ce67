package projections_test

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/caseledger/caseledger/domain"
	"github.com/caseledger/caseledger/projections"
)

// The benchmarks of the in-memory part of the reads QUALITY.md bounds on a
// case of 5,000 events: what a request costs once the case's history is
// decoded, before the store read, the access log and the JSON encoding that
// `caseledger bench` measures over HTTP.

// BenchmarkAsOfOwnership5000 is the ownership view at a random as_of, as
// known at a random known_at.
func BenchmarkAsOfOwnership5000(b *testing.B) {
	c := case5000()
	rng := rand.New(rand.NewPCG(1, 2))
	b.ReportAllocs()
	for b.Loop() {
		asOf := c.opened.Add(time.Duration(rng.Int64N(int64(c.end.Sub(c.opened)))))
		knownAt := c.recorded.Add(time.Duration(rng.Int64N(int64(c.end.Sub(c.recorded)) + 1)))
		v := projections.Ownership(projections.At(c.history, asOf, knownAt))
		if len(v.History) == 0 && !asOf.Before(c.history[3].OccurredAt) {
			b.Fatal("no ownership slices after the allocation")
		}
	}
}

// BenchmarkAsOfOwnershipOrdered5000 is the same view as known now (every
// event known), as the server answers it: folding the fold order it keeps
// with the case (AtOrdered) instead of copying and sorting the events.
func BenchmarkAsOfOwnershipOrdered5000(b *testing.B) {
	c := case5000()
	timeline := domain.Timeline(c.history)
	rng := rand.New(rand.NewPCG(1, 2))
	b.ReportAllocs()
	for b.Loop() {
		asOf := c.opened.Add(time.Duration(rng.Int64N(int64(c.end.Sub(c.opened)))))
		v := projections.Ownership(projections.AtOrdered(c.history, timeline, asOf, c.end))
		if len(v.History) == 0 && !asOf.Before(c.history[3].OccurredAt) {
			b.Fatal("no ownership slices after the allocation")
		}
	}
}

// BenchmarkRowOf5000 is the current row every read of the case computes to
// decide whether the caller may read it.
func BenchmarkRowOf5000(b *testing.B) {
	c := case5000()
	b.ReportAllocs()
	for b.Loop() {
		if row := projections.RowOf(c.history, c.end); row.Owner == nil {
			b.Fatal("no owner")
		}
	}
}

// BenchmarkTimeline5000 is the SFO timeline over the default window.
func BenchmarkTimeline5000(b *testing.B) {
	c := case5000()
	from, to := projections.DefaultWindow(c.history, c.end)
	th := projections.DefaultThresholds()
	b.ReportAllocs()
	for b.Loop() {
		if v := projections.Timeline(c.history, c.org, from, to, c.end, th); len(v.Entries) == 0 {
			b.Fatal("an empty timeline")
		}
	}
}

// bigCase is a case history of 5,000 events: an opening, a sentence, risk
// assessments, an allocation and a reallocation every 100 steps, and
// appointments booked and attended, ending in an SFO notification;
// recorded in 20 batches, as a bulk writer would.
type bigCase struct {
	org                   *domain.Org
	history               []domain.Recorded
	opened, recorded, end time.Time
}

var (
	bigOnce sync.Once
	big     bigCase
)

// case5000 builds the case once. The events are made directly, not
// decided: they are facts the projections fold, and deciding 5,000
// commands one by one on a growing history takes seconds.
func case5000() bigCase {
	bigOnce.Do(func() {
		const n = 5000
		org := benchOrg()
		start := t0
		step := 500 * 24 * time.Hour / n
		var h []domain.Recorded
		add := func(e domain.Event) {
			i := len(h)
			h = append(h, domain.Recorded{EventID: fmt.Sprintf("e%05d", i), Position: uint64(i + 100), Revision: uint64(i),
				OccurredAt: start.Add(time.Duration(i) * step), RecordedAt: start.Add(500*24*time.Hour + time.Duration(i/(n/20))*time.Second),
				Actor: nps, Event: e})
		}
		officers := []string{"N01", "N02"}
		add(domain.CaseOpened{CRN: "B000001", Person: domain.Person{GivenName: "Bench", FamilyName: "Case", DateOfBirth: "1990-01-01"}})
		add(domain.SentenceRecorded{SentenceID: "s1", Kind: domain.KindCommunityOrder, Court: "Leeds", StartDate: "2026-03-02", ExpectedEndDate: "2029-03-02"})
		add(domain.RiskAssessed{AssessmentID: "a0", Tool: "OASys", RoSH: domain.RoSHMedium, RSR: 2.5})
		add(domain.CaseAllocated{Provider: "NPS", Team: "N1", Officer: "N01", Reason: "initial_allocation", Rationale: "capacity"})
		for k := 1; len(h) < n-1; k++ {
			switch {
			case k%100 == 0:
				add(domain.CaseAllocated{Provider: "NPS", Team: "N1", Officer: officers[(k/100)%2], Reason: "caseload_adjustment", Rationale: "rebalanced"})
			case k%25 == 0 || len(h) == n-2:
				add(domain.RiskAssessed{AssessmentID: fmt.Sprintf("a%d", k), Tool: "OASys", RoSH: domain.RoSHMedium, RSR: 2.5})
			default:
				id := fmt.Sprintf("appt%d", k)
				add(domain.AppointmentBooked{AppointmentID: id, StartsAt: start.Add(time.Duration(len(h)+1) * step), Kind: "office", Officer: officers[(k/100)%2], SentenceID: "s1"})
				add(domain.AppointmentOutcomeRecorded{AppointmentID: id, Outcome: domain.OutcomeComplied})
			}
		}
		charged := start.Add(time.Duration(n-1)*step - 2*time.Hour)
		add(domain.SFONotified{SFOID: "sfo1", Offence: "Wounding", OffenceDate: charged.Format(time.DateOnly), ChargedAt: charged, Category: "mandatory"})
		big = bigCase{org: org, history: h, opened: h[0].OccurredAt, recorded: h[0].RecordedAt, end: h[len(h)-1].RecordedAt.Add(time.Hour)}
	})
	return big
}

// benchOrg is testOrg's organisation, for a benchmark.
func benchOrg() *domain.Org {
	at := t0.AddDate(-1, 0, 0)
	var evs []domain.Recorded
	for i, e := range []domain.Event{
		domain.ProviderRegistered{Code: "NPS", Name: "NPS", HighRisk: true},
		domain.TeamRegistered{Code: "N1", Provider: "NPS", Name: "Leeds", Phone: "0113 1", Email: "n1@x"},
		domain.OfficerRegistered{Code: "N01", Name: "Sam Pike", Grade: "PO", Team: "N1", Phone: "1", Email: "a@x"},
		domain.OfficerRegistered{Code: "N02", Name: "Ali Khan", Grade: "PO", Team: "N1", Phone: "2", Email: "b@x"},
	} {
		evs = append(evs, domain.Recorded{EventID: fmt.Sprintf("org%d", i), Position: uint64(i + 1), OccurredAt: at, RecordedAt: at, Event: e})
	}
	return domain.BuildOrg(evs)
}
