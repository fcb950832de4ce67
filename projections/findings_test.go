package projections_test

import (
	"encoding/json"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/caseledger/caseledger/domain"
	"github.com/caseledger/caseledger/projections"
)

// sec is one second: the boundary tests compare "exactly at the threshold"
// with "one second past it".
const sec = time.Second

var farFuture = t0.AddDate(10, 0, 0)

// doAs is do with another actor: id is the actor's id (an officer code for a
// practitioner), and the organisation is the one the test org gives them.
func (l *ledger) doAs(id string, occurred time.Time, cmd domain.Command) []domain.Recorded {
	l.t.Helper()
	if occurred.After(l.clock) {
		l.clock = occurred
	}
	org := "NPS"
	if id == "C01" {
		org = "CRC1"
	}
	actor := domain.Actor{ID: id, Name: id, Organisation: org, Roles: []string{"practitioner"}}
	evs, err := domain.Decide(l.history, l.org, domain.Meta{OccurredAt: occurred, Now: l.clock, Actor: actor, Seed: uuid.New()}, cmd)
	require.NoError(l.t, err)
	for i := range evs {
		evs[i].Position = uint64(len(l.history) + 1000)
		evs[i].Revision = uint64(len(l.history))
		evs[i].RecordedAt = l.clock
		l.history = append(l.history, evs[i])
	}
	return evs
}

// absent records an absence of officer in the ledger's org, [from, to), with
// cover ("" for none), and returns the org event's id.
func (l *ledger) absent(officer string, from, to time.Time, cover string) string {
	l.t.Helper()
	id := uuid.NewString()
	l.org.Apply(domain.Recorded{EventID: id, OccurredAt: from.Add(-Day), RecordedAt: from.Add(-Day),
		Event: domain.OfficerAbsenceRecorded{AbsenceID: "abs-" + id[:8], Code: officer, From: from, To: to, CoverOfficer: cover}})
	return id
}

// Day is the findings' day, for readability here.
const Day = projections.Day

// findingsAt evaluates every rule as at at, with everything recorded so far
// known, over a window wide enough to keep every finding.
func findingsAt(l *ledger, at time.Time) []projections.Finding {
	l.t.Helper()
	known := l.clock
	if at.After(known) {
		known = at
	}
	return projections.Findings(projections.At(l.history, at, known), l.org, t0.AddDate(-1, 0, 0), farFuture, at, projections.DefaultThresholds())
}

// ofRule keeps the findings of one rule.
func ofRule(fs []projections.Finding, rule string) []projections.Finding {
	var out []projections.Finding
	for _, f := range fs {
		if f.Rule == rule {
			out = append(out, f)
		}
	}
	return out
}

func rulesOf(fs []projections.Finding) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.Rule
	}
	return out
}

// idOf returns the id of the first event of the given type in the ledger.
func idOf(l *ledger, typ string) string {
	l.t.Helper()
	for _, r := range l.history {
		if r.Event.Type() == typ {
			return r.EventID
		}
	}
	l.t.Fatalf("no %s in the ledger", typ)
	return ""
}

func TestDefaultThresholdsAreDomainMd(t *testing.T) {
	th := projections.DefaultThresholds()
	want := map[string]time.Duration{
		"ack_urgent": Day, "ack_routine": 5 * Day, "enforcement_window": 7 * Day, "repeat_window": 365 * Day,
		"no_contact": 28 * Day, "no_contact_high_risk": 14 * Day, "risk_escalation": 10 * Day,
		"transfer_pending": 14 * Day, "home_visit": 28 * Day, "late_entry": 48 * time.Hour,
	}
	b, err := json.Marshal(th)
	require.NoError(t, err)
	var got map[string]string
	require.NoError(t, json.Unmarshal(b, &got))
	require.Len(t, got, len(want))
	for k, d := range want {
		var back projections.Duration
		require.NoError(t, back.UnmarshalText([]byte(got[k])), k)
		require.Equal(t, d, back.D(), k)
	}
	require.Equal(t, "1d", got["ack_urgent"], "whole days are written in days")
	var round projections.Thresholds
	require.NoError(t, json.Unmarshal(b, &round))
	require.Equal(t, th, round)
}

func TestDurationText(t *testing.T) {
	for _, tc := range []struct {
		in      string
		want    time.Duration
		out     string
		wantErr bool
	}{
		{in: "24h", want: Day, out: "1d"},
		{in: "5d", want: 5 * Day, out: "5d"},
		{in: "365d", want: 365 * Day, out: "365d"},
		{in: "36h", want: 36 * time.Hour, out: "36h"},
		{in: "90m", want: 90 * time.Minute, out: "1h30m"},
		{in: "1h0m30s", want: time.Hour + 30*time.Second, out: "1h0m30s"},
		{in: "0d", want: 0, out: "0s"},
		{in: "1.5d", wantErr: true},
		{in: "-1h", wantErr: true},
		{in: "-2d", wantErr: true},
		{in: "five days", wantErr: true},
		{in: "", wantErr: true},
	} {
		var d projections.Duration
		err := json.Unmarshal([]byte(`"`+tc.in+`"`), &d)
		if tc.wantErr {
			require.Error(t, err, tc.in)
			continue
		}
		require.NoError(t, err, tc.in)
		require.Equal(t, tc.want, d.D(), tc.in)
		require.Equal(t, tc.out, d.String(), tc.in)
	}
}

func TestFindingsKeepOnlyWhatOverlapsTheWindow(t *testing.T) {
	l := newLedger(t)
	l.do(t0, domain.OpenCase{CRN: "X123456", Person: domain.Person{GivenName: "Lee", FamilyName: "Barr", DateOfBirth: "1990-01-01"}})
	l.do(day(3), domain.AllocateCase{Provider: "NPS", Team: "N1", Officer: "N01", Reason: "initial_allocation", Rationale: "capacity"})
	s := projections.At(l.history, day(10), day(10))
	th := projections.DefaultThresholds()
	for _, tc := range []struct {
		name     string
		from, to time.Time
		want     int
	}{
		{"window covering it", t0, day(10), 1},
		{"window starting inside it", day(2), day(10), 1},
		{"window ending just after its start", t0.Add(-Day), t0.Add(sec), 1},
		{"window ending at its start", t0.Add(-Day), t0, 0},
		{"window starting at its end", day(3), day(10), 0},
		{"window starting a second before its end", day(3).Add(-sec), day(10), 1},
	} {
		require.Len(t, projections.Findings(s, l.org, tc.from, tc.to, day(10), th), tc.want, tc.name)
	}
	require.NotNil(t, projections.Findings(s, l.org, day(5), day(6), day(10), th), "no findings is an empty list, not null")
}

func TestFindingsAreSortedByFromThenRule(t *testing.T) {
	l := newLedger(t)
	opened(l)
	l.do(day(1), domain.RequestTransfer{TransferID: "t1", Scope: "case", To: domain.Destination{Provider: "CRC1"}, Reason: "moved"})
	l.do(day(1), domain.ReceiveInformation{InformationID: "i1", Source: domain.Source{Organisation: "Police", Kind: "police"}, Channel: "email",
		ReceivedBy: domain.ReceivedBy{Officer: "C01"}, Summary: "arrest", RiskRelevant: true, Urgency: "urgent"})
	l.advance(5 * Day)
	l.do(t0.Add(time.Hour), domain.AssessRisk{AssessmentID: "ra1", Tool: "OASys", RoSH: "medium", RSR: 3})
	fs := findingsAt(l, day(30))
	require.Equal(t, []string{"late_entry", "information_misrouted", "information_not_acknowledged", "transfer_pending_too_long"}, rulesOf(fs))
	for _, f := range fs {
		require.NotEmpty(t, f.Summary)
		require.NotEmpty(t, f.Evidence)
		require.False(t, f.To.Before(f.From), f.Rule)
	}
}

func TestFindingsLeaveRetractedEntriesOut(t *testing.T) {
	l := newLedger(t)
	opened(l)
	evs := l.do(day(1), domain.ReceiveInformation{InformationID: "i1", Source: domain.Source{Organisation: "Police", Kind: "police"}, Channel: "email",
		ReceivedBy: domain.ReceivedBy{Officer: "C01"}, Summary: "arrest", RiskRelevant: true, Urgency: "urgent"})
	require.Len(t, ofRule(findingsAt(l, day(5)), "information_misrouted"), 1)
	l.do(day(2), domain.RetractEntry{EventID: evs[0].EventID, Reason: "wrong case"})
	require.Empty(t, findingsAt(l, day(5)), "the retracted entry is not evidence of anything")
	asKnownBefore := projections.Findings(projections.At(l.history, day(1), day(1)), l.org, t0, farFuture, day(1), projections.DefaultThresholds())
	require.Len(t, ofRule(asKnownBefore, "information_misrouted"), 1, "as known before the retraction it was")
}

func TestLateEntry(t *testing.T) {
	for _, tc := range []struct {
		name     string
		recorded time.Time
		fires    bool
	}{
		{"recorded exactly 48 hours after it occurred", day(3), false},
		{"recorded 48 hours and a second after", day(3).Add(sec), true},
		{"recorded a week after", day(8), true},
		{"recorded at once", day(1), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := newLedger(t)
			opened(l)
			l.clock = tc.recorded
			evs := l.do(day(1), domain.AssessRisk{AssessmentID: "ra1", Tool: "OASys", RoSH: "low", RSR: 1})
			fs := ofRule(findingsAt(l, day(20)), "late_entry")
			if !tc.fires {
				require.Empty(t, fs)
				return
			}
			require.Len(t, fs, 1)
			require.Equal(t, []string{evs[0].EventID}, fs[0].Evidence)
			require.Equal(t, day(1), fs[0].From)
			require.Equal(t, tc.recorded, fs[0].To)
			require.Contains(t, fs[0].Summary, "risk.assessed recorded")
		})
	}
}

func TestLateEntryReportsTheCauseNotItsConsequences(t *testing.T) {
	l := newLedger(t)
	opened(l)
	l.do(t0, domain.RecordSentence{SentenceID: "s1", Kind: "licence", Court: "Leeds Crown", StartDate: "2026-03-02"})
	for _, id := range ids("c", 3) {
		l.do(t0, domain.ImposeLicenceCondition{SentenceID: "s1", ConditionID: id, Category: "residence", Description: "reside"})
	}
	l.clock = day(6)
	evs := l.do(day(1), domain.RaiseRecall{RecallID: "r1", SentenceID: "s1", RecallType: "standard", Reason: "breach", DecidedBy: "PPCS"})
	require.Len(t, evs, 4, "the recall and its three terminations")
	fs := ofRule(findingsAt(l, day(7)), "late_entry")
	require.Len(t, fs, 1)
	require.Equal(t, []string{evs[0].EventID}, fs[0].Evidence)
}

// TestFindingsInvariantsOnRandomHistories: over random histories (back-dated
// entries, retractions, transfers, absences), at many (at, known_at), every
// finding names a rule of the table, is sorted, has From ≤ To ≤ at (late
// entries end at their recorded_at), and cites only live events of the fold
// or org absences — and evaluating twice gives the same answer.
func TestFindingsInvariantsOnRandomHistories(t *testing.T) {
	known := map[string]bool{}
	for _, r := range []string{"information_not_acknowledged", "information_misrouted", "owner_absent_without_cover",
		"absence_without_enforcement", "no_contact", "risk_escalation_not_actioned", "transfer_pending_too_long",
		"unallocated", "home_visit_missing", "late_entry"} {
		known[r] = true
	}
	for seed := uint64(1); seed <= 20; seed++ {
		rng := rand.New(rand.NewPCG(seed, 7))
		l := randomCase(t, rng, "X123456", 80)
		absences := map[string]bool{}
		for i := 0; i < 3; i++ {
			from := day(float64(rng.IntN(60)))
			cover := ""
			if rng.IntN(2) == 0 {
				cover = "N02"
			}
			absences[l.absent("N01", from, from.Add(time.Duration(1+rng.IntN(10))*Day), cover)] = true
		}
		for i := 0; i < 10; i++ {
			at := t0.Add(time.Duration(rng.IntN(int(l.clock.Sub(t0)/time.Hour)+1)) * time.Hour)
			knownAt := at.Add(time.Duration(rng.IntN(100)) * time.Hour)
			s := projections.At(l.history, at, knownAt)
			live := map[string]bool{}
			for _, r := range s.Timeline {
				live[r.EventID] = true
			}
			fs := projections.Findings(s, l.org, t0, farFuture, at, projections.DefaultThresholds())
			require.Equal(t, fs, projections.Findings(s, l.org, t0, farFuture, at, projections.DefaultThresholds()), "deterministic")
			for j, f := range fs {
				require.True(t, known[f.Rule], f.Rule)
				require.False(t, f.To.Before(f.From), "%s: %s", f.Rule, f.Summary)
				if f.Rule != "late_entry" {
					require.False(t, f.To.After(at), "%s ends by at: %s", f.Rule, f.Summary)
				}
				require.NotEmpty(t, f.Evidence, f.Rule)
				for _, id := range f.Evidence {
					require.True(t, live[id] || absences[id], "%s cites %s", f.Rule, id)
				}
				if j > 0 {
					p := fs[j-1]
					require.True(t, p.From.Before(f.From) || p.From.Equal(f.From) && p.Rule <= f.Rule, "sorted")
				}
			}
		}
	}
}
