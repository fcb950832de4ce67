package projections_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sort"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/caseledger/caseledger/domain"
	"github.com/caseledger/caseledger/projections"
	"github.com/caseledger/caseledger/projections/runner"
	"github.com/caseledger/caseledger/store"
	"github.com/caseledger/caseledger/store/cache"
	"github.com/caseledger/caseledger/store/memory"
)

// randomCase writes a random but valid history: commands at random times,
// many of them back-dated, some retracted, some refused (and so not stored).
func randomCase(t *testing.T, rng *rand.Rand, crn string, steps int) *ledger {
	l := newLedger(t)
	l.do(t0, domain.OpenCase{CRN: crn, Person: domain.Person{GivenName: "A", FamilyName: "B", DateOfBirth: "1990-01-01"}})
	for i := 0; i < steps; i++ {
		l.advance(time.Duration(rng.IntN(48)) * time.Hour)
		at := l.clock.Add(-time.Duration(rng.IntN(10*24)) * time.Hour) // up to ten days back-dated
		if at.Before(t0) {
			at = t0
		}
		_, _ = l.try(at, randomCommand(rng, l, i))
	}
	return l
}

func randomCommand(rng *rand.Rand, l *ledger, i int) domain.Command {
	id := fmt.Sprintf("e%d", i)
	officers := []string{"N01", "N02"}
	switch rng.IntN(12) {
	case 0, 1:
		return domain.AllocateCase{Provider: "NPS", Team: "N1", Officer: officers[rng.IntN(2)], Reason: "caseload_adjustment", Rationale: "x"}
	case 2:
		return domain.DeallocateCase{Reason: "officer left"}
	case 3:
		return domain.AssessRisk{AssessmentID: id, Tool: "OASys", RoSH: domain.RoSHLevels[rng.IntN(4)], RSR: float64(rng.IntN(100))}
	case 4:
		return domain.RequestTransfer{TransferID: id, Scope: "case", To: domain.Destination{Provider: "CRC1"}, Reason: "moved"}
	case 5:
		if t := pendingTransfer(l); t != "" {
			if rng.IntN(2) == 0 {
				return domain.AcceptTransfer{TransferID: t, Team: "C1", Officer: "C01"}
			}
			return domain.RejectTransfer{TransferID: t, Reason: "no"}
		}
		return domain.AddRegistration{RegistrationID: id, RegType: "MAPP", Category: "M2", Level: "M1"}
	case 6:
		return domain.BookAppointment{AppointmentID: id, StartsAt: l.clock.Add(time.Duration(rng.IntN(200)-100) * time.Hour), Kind: "office", Officer: "N01"}
	case 7:
		return domain.RecordOutcome{AppointmentID: someID(rng, l, "appointment.booked"), Outcome: domain.Outcomes[rng.IntN(4)]}
	case 8:
		return domain.RecordSentence{SentenceID: id, Kind: "community_order", Court: "Leeds", StartDate: "2026-03-02"}
	case 9:
		return domain.ImposeRequirement{SentenceID: someID(rng, l, "sentence.recorded"), RequirementID: id, Category: "curfew", Description: "x"}
	case 10:
		if len(l.history) > 2 {
			return domain.RetractEntry{EventID: l.history[1+rng.IntN(len(l.history)-1)].EventID, Reason: "error"}
		}
	}
	return domain.AddRegistration{RegistrationID: id, RegType: "ADVP"}
}

func pendingTransfer(l *ledger) string {
	c := domain.StateAt(l.history, l.clock)
	for id, t := range c.Transfers {
		if t.Status == domain.TransferPending {
			return id
		}
	}
	return ""
}

func someID(rng *rand.Rand, l *ledger, typ string) string {
	var out []string
	for _, r := range l.history {
		if r.Event.Type() == typ {
			b, _ := domain.ToEnvelope(r, "")
			out = append(out, string(b.Data))
		}
	}
	if len(out) == 0 {
		return "none"
	}
	var v struct {
		A string `json:"appointment_id"`
		S string `json:"sentence_id"`
	}
	_ = jsonUnmarshal([]byte(out[rng.IntN(len(out))]), &v)
	return v.A + v.S
}

// bruteForce is the definition of DOMAIN.md written out naively: the fold of
// the events recorded by K and occurred by T, in (occurred_at, position)
// order, after removing every event retracted by a retraction recorded by K.
func bruteForce(history []domain.Recorded, asOf, knownAt time.Time) projections.Snapshot {
	var known []domain.Recorded
	for _, r := range history {
		if !r.RecordedAt.After(knownAt) {
			known = append(known, r)
		}
	}
	retracted := map[string]bool{}
	for _, r := range known {
		if e, ok := r.Event.(domain.EntryRetracted); ok {
			retracted[e.EventID] = true
		}
	}
	var tl []domain.Recorded
	for _, r := range known {
		_, isRetraction := r.Event.(domain.EntryRetracted)
		if !isRetraction && !retracted[r.EventID] && !r.OccurredAt.After(asOf) {
			tl = append(tl, r)
		}
	}
	sort.SliceStable(tl, func(i, j int) bool {
		if !tl[i].OccurredAt.Equal(tl[j].OccurredAt) {
			return tl[i].OccurredAt.Before(tl[j].OccurredAt)
		}
		return tl[i].Position < tl[j].Position
	})
	state := domain.NewCase()
	for _, r := range tl {
		domain.Evolve(state, r)
	}
	// The ownership slices by a fold of their own (OwnershipSlices), not
	// the one At makes them in.
	return projections.Snapshot{AsOf: asOf, KnownAt: knownAt, Known: known, Timeline: tl, State: state,
		Slices: projections.OwnershipSlices(tl)}
}

// TestEveryAsOfKnownAtEqualsBruteForce: for random histories (back-dated
// entries, retractions), every view at every (as_of, known_at) equals the
// naive filter over the raw events.
func TestEveryAsOfKnownAtEqualsBruteForce(t *testing.T) {
	var retractions, backDated, events, orderedChecks int
	defer func() {
		t.Logf("%d events, %d back-dated by more than a day, %d retractions, %d queries checked against AtOrdered too",
			events, backDated, retractions, orderedChecks)
		require.Positive(t, orderedChecks, "some known_at must know every event")
		require.Positive(t, retractions, "the histories must hold retractions")
		require.Greater(t, backDated, events/4, "the histories must be largely back-dated")
	}()
	for seed := uint64(1); seed <= 25; seed++ {
		rng := rand.New(rand.NewPCG(seed, 7))
		l := randomCase(t, rng, "X123456", 60)
		for _, r := range l.history {
			events++
			if r.RecordedAt.Sub(r.OccurredAt) > 24*time.Hour {
				backDated++
			}
			if _, ok := r.Event.(domain.EntryRetracted); ok {
				retractions++
			}
		}
		org := l.org
		var instants []time.Time
		for _, r := range l.history {
			instants = append(instants, r.OccurredAt, r.RecordedAt, r.OccurredAt.Add(-time.Second), r.RecordedAt.Add(time.Hour))
		}
		everything := l.history[len(l.history)-1].RecordedAt // known_at knowing every event
		for k := 0; k < 260; k++ {
			asOf, knownAt := instants[rng.IntN(len(instants))], instants[rng.IntN(len(instants))]
			if k >= 200 {
				knownAt = everything.Add(time.Duration(rng.IntN(2)) * time.Hour)
			}
			got, want := projections.At(l.history, asOf, knownAt), bruteForce(l.history, asOf, knownAt)
			msg := fmt.Sprintf("seed %d as_of %s known_at %s", seed, asOf, knownAt)
			if !knownAt.Before(l.history[len(l.history)-1].RecordedAt) { // every event known: the ordered fold applies
				ordered := projections.AtOrdered(l.history, domain.Timeline(l.history), asOf, knownAt)
				require.Equal(t, projections.Ownership(want), projections.Ownership(ordered), msg)
				require.Equal(t, projections.Summary(want), projections.Summary(ordered), msg)
				require.Equal(t, projections.Compliance(want), projections.Compliance(ordered), msg)
				orderedChecks++
			}
			require.Equal(t, projections.Summary(want), projections.Summary(got), msg)
			require.Equal(t, projections.Ownership(want), projections.Ownership(got), msg)
			require.Equal(t, projections.Compliance(want), projections.Compliance(got), msg)
			require.Equal(t, projections.Contact(want, org), projections.Contact(got, org), msg)
			require.Equal(t, projections.Audit(want.Known), projections.Audit(got.Known), msg)
		}
	}
}

// TestIncrementalProjectionsEqualAFoldFromScratch: the runner fed page by
// page while cases are written (with a snapshot and restart half-way) ends
// with the same directory and actor index as a rebuild from scratch.
// The live runner folds the cases it catches up with either from the store
// or, as the server has it, from the cache of decoded cases.
func TestIncrementalProjectionsEqualAFoldFromScratch(t *testing.T) {
	for _, cached := range []bool{false, true} {
		t.Run(fmt.Sprintf("cached=%v", cached), func(t *testing.T) { incrementalEqualsScratch(t, cached) })
	}
}

func incrementalEqualsScratch(t *testing.T, cached bool) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(42, 42))
	clock := t0
	st := memory.New(memory.WithClock(func() time.Time { clock = clock.Add(time.Minute); return clock }))
	snap := t.TempDir() + "/projections.json"
	now := func() time.Time { return day(400) }
	var opts []runner.Option
	if cached {
		h := cache.New(st, 0)
		opts = append(opts, runner.WithHistories(func(ctx context.Context, stream string) ([]domain.Recorded, error) {
			s, err := h.Load(ctx, stream)
			return s.Events, err
		}))
	}
	live := runner.New(st, now, snap, opts...)
	cases := map[string]*ledger{}
	for i := 0; i < 12; i++ {
		cases[fmt.Sprintf("X%06d", i)] = randomCase(t, rng, fmt.Sprintf("X%06d", i), 40)
	}
	written := map[string]int{}
	for step := 0; ; step++ {
		progressed := false
		for crn, l := range cases {
			if written[crn] < len(l.history) {
				n := written[crn]
				appendOne(t, st, crn, l.history[n], n)
				written[crn]++
				progressed = true
			}
		}
		if !progressed {
			break
		}
		if rng.IntN(3) == 0 {
			require.NoError(t, live.CatchUp(ctx))
		}
		if step == 15 {
			require.NoError(t, live.Save())
			live = runner.New(st, now, snap, opts...)
			loaded, err := live.Load()
			require.NoError(t, err)
			require.True(t, loaded)
		}
	}
	require.NoError(t, live.CatchUp(ctx))
	scratch := runner.New(st, now, "")
	_, err := scratch.Rebuild(ctx, nil)
	require.NoError(t, err)
	require.Equal(t, dump(t, scratch), dump(t, live))
}

func appendOne(t *testing.T, st *memory.Store, crn string, r domain.Recorded, revision int) {
	t.Helper()
	e, err := domain.ToEnvelope(r, "")
	require.NoError(t, err)
	expected := store.NoStream
	if revision > 0 {
		expected = store.Exact(uint64(revision - 1))
	}
	_, err = st.Append(context.Background(), domain.CaseStream(crn), expected, e)
	require.NoError(t, err)
}

func dump(t *testing.T, r *runner.Runner) map[string]any {
	t.Helper()
	out := map[string]any{}
	require.NoError(t, r.Read(context.Background(), func(d *projections.Directory, a *projections.Actors) {
		rows := map[string]projections.CaseRow{}
		for crn, row := range d.Rows {
			rows[crn] = *row
		}
		out["rows"], out["position"], out["actors"] = rows, d.Position, a.ByActor
		out["pending"] = d.PendingInto("CRC1", "", "")
		out["caseload"] = d.OfficerCaseload("N01")
	}))
	return out
}
