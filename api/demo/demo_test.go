package demo_test

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/caseledger/caseledger/api"
	"github.com/caseledger/caseledger/api/demo"
	"github.com/caseledger/caseledger/api/ledger"
	"github.com/caseledger/caseledger/domain"
	"github.com/caseledger/caseledger/store/memory"
)

// generated runs Generate on a fresh memory store and returns the summary
// and every stored event in global order.
func generated(t *testing.T, opts demo.Options) (demo.Summary, []domain.Envelope) {
	t.Helper()
	ctx := context.Background()
	st := memory.New()
	sum, err := demo.Generate(ctx, ledger.New(st, time.Now), opts)
	require.NoError(t, err, "a refusal is a bug in the generator")
	var all []domain.Envelope
	for after := uint64(0); ; {
		page, err := st.ReadAll(ctx, after, 1000)
		require.NoError(t, err)
		if len(page) == 0 {
			return sum, all
		}
		all = append(all, page...)
		after = page[len(page)-1].Position
	}
}

// testNow is a fixed instant in the past, so that runs compare equal.
var testNow = time.Date(2026, 3, 4, 10, 30, 0, 0, time.UTC)

func TestGenerateWritesLifelikeHistories(t *testing.T) {
	sum, envs := generated(t, demo.Options{Cases: 30, Seed: 1, Now: testNow})

	require.Equal(t, 30, sum.Cases)
	require.Equal(t, len(envs), sum.Total)
	counts := map[string]int{}
	for _, e := range envs {
		counts[e.Type]++
	}
	require.Equal(t, counts, sum.Events)

	v := domain.NewChainVerifier()
	for _, e := range envs {
		v.Add(e)
	}
	require.Empty(t, v.Failures)
	require.Equal(t, 31, v.Streams(), "the org stream and one stream per case")

	requireRealisticActors(t, envs)
	seen := features(t, envs)
	for _, want := range wanted {
		require.True(t, seen[want], "no %s in 30 cases", want)
	}

	require.Len(t, sum.Users, 6)
	var roles []string
	for _, u := range sum.Users {
		roles = append(roles, u.Roles[0]+" "+u.Organisation)
	}
	require.Equal(t, []string{"admin HMPPS", "practitioner NPS", "practitioner CRC-N", "practitioner CRC-S",
		"reviewer HMPPS", "auditor HMPPS"}, roles)
}

// wanted is what 30 cases must show.
var wanted = []string{
	"case.opened", "case.allocated", "case.deallocated", "case.closed", "sentence.recorded",
	"transfer.requested", "transfer.accepted", "transfer.rejected", "transfer.cancelled",
	"transfer still pending", "transfer of ten or more components", "case transfer accepted by NPS",
	"risk.assessed high", "risk.assessed very_high", "registration.added MAPP", "registration.added ADVP",
	"registration.reviewed", "registration.deregistered",
	"licence_condition.imposed", "licence_condition.varied", "licence_condition.terminated", "requirement.imposed",
	"appointment.outcome_recorded attended_complied", "appointment.outcome_recorded attended_failed_to_comply",
	"appointment.outcome_recorded acceptable_absence", "appointment.outcome_recorded unacceptable_absence",
	"appointment.rescheduled", "appointment.cancelled", "appointment upcoming",
	"warning.issued", "breach.raised", "breach.concluded", "custody.remanded", "custody.released",
	"recall.raised", "recall.concluded", "recall still open",
	"information.received", "information.routed", "information.acknowledged", "information.shared",
	"risk information never acknowledged",
	"entry.retracted", "correction replacing a retracted entry",
	"sfo.notified", "sfo.review_completed",
	"officer.absence_recorded with cover", "officer.absence_recorded without cover", "officer.absence_cancelled",
	"back-dated: occurred more than 48h before recorded",
	"late entry: recorded after an entry that occurred more than 48h later",
}

// features names what the events show.
func features(t *testing.T, envs []domain.Envelope) map[string]bool {
	t.Helper()
	seen := map[string]bool{}
	recs := make([]domain.Recorded, len(envs))
	for i, e := range envs {
		r, err := domain.FromEnvelope(e)
		require.NoError(t, err)
		recs[i] = r
		seen[e.Type] = true
		if f := eventFeature(r); f != "" {
			seen[f] = true
		}
	}
	for _, m := range []map[string]bool{outcomes(envs, recs), clocks(envs)} {
		for f, ok := range m {
			seen[f] = seen[f] || ok
		}
	}
	return seen
}

// eventFeature names what one event shows beyond its type.
func eventFeature(r domain.Recorded) string {
	switch ev := r.Event.(type) {
	case domain.OfficerAbsenceRecorded:
		return ev.Type() + map[bool]string{true: " with cover", false: " without cover"}[ev.CoverOfficer != ""]
	case domain.RiskAssessed:
		return ev.Type() + " " + ev.RoSH
	case domain.RegistrationAdded:
		return ev.Type() + " " + ev.RegType
	case domain.AppointmentOutcomeRecorded:
		return ev.Type() + " " + ev.Outcome
	case domain.AppointmentBooked:
		if ev.StartsAt.After(testNow) {
			return "appointment upcoming"
		}
	case domain.TransferRequested:
		if len(ev.Components) >= 10 {
			return "transfer of ten or more components"
		}
	}
	return ""
}

// outcomes names what became of transfers, risk information, recalls and
// retracted entries.
func outcomes(envs []domain.Envelope, recs []domain.Recorded) map[string]bool {
	seen := map[string]bool{}
	requested := map[string]domain.TransferRequested{}
	pending, unacknowledged, open, retracted := map[string]bool{}, map[string]bool{}, map[string]bool{}, map[string]bool{}
	for i, r := range recs {
		key := func(id string) string { return envs[i].Stream + "/" + id }
		switch ev := r.Event.(type) {
		case domain.TransferRequested:
			requested[key(ev.TransferID)], pending[key(ev.TransferID)] = ev, true
		case domain.TransferAccepted:
			tr := requested[key(ev.TransferID)]
			seen["case transfer accepted by NPS"] = seen["case transfer accepted by NPS"] || (tr.Scope == domain.ScopeCase && tr.To.Provider == "NPS")
			delete(pending, key(ev.TransferID))
		case domain.TransferRejected:
			delete(pending, key(ev.TransferID))
		case domain.TransferCancelled:
			delete(pending, key(ev.TransferID))
		case domain.InformationReceived:
			if ev.RiskRelevant {
				unacknowledged[key(ev.InformationID)] = true
			}
		case domain.InformationAcknowledged:
			delete(unacknowledged, key(ev.InformationID))
		case domain.RecallRaised:
			open[key(ev.RecallID)] = true
		case domain.RecallConcluded:
			delete(open, key(ev.RecallID))
		case domain.EntryRetracted:
			retracted[ev.EventID] = true
		}
		seen["correction replacing a retracted entry"] = seen["correction replacing a retracted entry"] || retracted[r.Replaces]
	}
	seen["transfer still pending"] = len(pending) > 0
	seen["risk information never acknowledged"] = len(unacknowledged) > 0
	seen["recall still open"] = len(open) > 0
	return seen
}

// clocks names the back-dated entries: every demo event occurred before it
// was recorded, and some were typed in after entries that occurred later.
func clocks(envs []domain.Envelope) map[string]bool {
	seen := map[string]bool{}
	latest := map[string]time.Time{}
	for _, e := range envs {
		if e.RecordedAt.Sub(e.OccurredAt) > 48*time.Hour {
			seen["back-dated: occurred more than 48h before recorded"] = true
		}
		if e.Replaces == "" && latest[e.Stream].Sub(e.OccurredAt) > 48*time.Hour {
			seen["late entry: recorded after an entry that occurred more than 48h later"] = true
		}
		if e.OccurredAt.After(latest[e.Stream]) {
			latest[e.Stream] = e.OccurredAt
		}
	}
	return seen
}

// requireRealisticActors checks that no event occurs after now and that each
// was recorded by who would really do it: the administrator for the org,
// the reviewer for an SFO review, otherwise a practitioner who is an officer
// of the provider they act for.
func requireRealisticActors(t *testing.T, envs []domain.Envelope) {
	t.Helper()
	teams, officers := map[string]string{}, map[string]string{}
	for _, e := range envs {
		require.False(t, e.OccurredAt.After(testNow), "%s %s occurs after now", e.Stream, e.Type)
		r, err := domain.FromEnvelope(e)
		require.NoError(t, err)
		switch ev := r.Event.(type) {
		case domain.TeamRegistered:
			teams[ev.Code] = ev.Provider
		case domain.OfficerRegistered:
			officers[ev.Code] = teams[ev.Team]
		}
		switch a := e.Actor; {
		case e.Stream == domain.OrgStream:
			require.Equal(t, []string{api.RoleAdmin}, a.Roles)
		case e.Type == "sfo.review_completed":
			require.Equal(t, []string{api.RoleReviewer}, a.Roles)
		default:
			require.Equal(t, []string{api.RolePractitioner}, a.Roles, "%s %s", e.Stream, e.Type)
			require.Equal(t, officers[a.ID], a.Organisation, "%s %s by %s", e.Stream, e.Type, a.ID)
		}
	}
}

func TestGenerateIsDeterministic(t *testing.T) {
	opts := demo.Options{Cases: 30, Seed: 7, Now: testNow, Workers: 1}
	_, first := generated(t, opts)
	_, again := generated(t, opts)
	require.Equal(t, content(first), content(again), "one worker: the same events in the same global order")

	opts.Workers = 8
	_, concurrent := generated(t, opts)
	require.Equal(t, byStream(content(first)), byStream(content(concurrent)),
		"concurrent cases: the same streams, only their interleaving differs")

	opts.Seed = 8
	_, other := generated(t, opts)
	require.NotEqual(t, byStream(content(first)), byStream(content(other)), "another seed, another demo")
}

// content is what a run decides: every envelope without the store's clock,
// hashes and global position.
func content(envs []domain.Envelope) []domain.Envelope {
	out := slices.Clone(envs)
	for i := range out {
		out[i].RecordedAt, out[i].Hash, out[i].PrevHash, out[i].Position = time.Time{}, "", "", 0
	}
	return out
}

// byStream orders envelopes by stream and revision.
func byStream(envs []domain.Envelope) []domain.Envelope {
	out := slices.Clone(envs)
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Stream != out[j].Stream {
			return out[i].Stream < out[j].Stream
		}
		return out[i].Revision < out[j].Revision
	})
	return out
}

func TestGenerateRefusesALedgerThatHoldsTheDemoAlready(t *testing.T) {
	ctx := context.Background()
	l := ledger.New(memory.New(), time.Now)
	_, err := demo.Generate(ctx, l, demo.Options{Cases: 1, Now: testNow})
	require.NoError(t, err)
	_, err = demo.Generate(ctx, l, demo.Options{Cases: 1, Now: testNow})
	require.ErrorIs(t, err, domain.ErrDuplicateCode, fmt.Sprint(err))
}
