package projections_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/caseledger/caseledger/domain"
)

// supervised opens and allocates the case and records a community order at t0.
func supervised(l *ledger) {
	l.t.Helper()
	opened(l)
	l.do(t0, domain.RecordSentence{SentenceID: "s1", Kind: "community_order", Court: "Leeds MC", StartDate: "2026-03-02"})
}

// appointment books an appointment at at and records its outcome then,
// returning the outcome event's id.
func appointment(l *ledger, id, kind string, at time.Time, outcome string) string {
	l.t.Helper()
	l.do(t0, domain.BookAppointment{AppointmentID: id, StartsAt: at, Kind: kind, Officer: "N01", SentenceID: "s1"})
	return l.do(at, domain.RecordOutcome{AppointmentID: id, Outcome: outcome})[0].EventID
}

func warn(l *ledger, id string, at time.Time, appointments ...string) string {
	l.t.Helper()
	return l.do(at, domain.IssueWarning{WarningID: id, SentenceID: "s1", AppointmentIDs: appointments})[0].EventID
}

func breach(l *ledger, id string, at time.Time, appointments ...string) string {
	l.t.Helper()
	return l.do(at, domain.RaiseBreach{BreachID: id, SentenceID: "s1", Reason: "second failure", AppointmentIDs: appointments})[0].EventID
}

func TestAbsenceWithoutEnforcement(t *testing.T) {
	for _, tc := range []struct {
		name    string
		outcome string
		warning time.Time // zero: none
		at      time.Time
		fires   bool
		wantTo  time.Time
	}{
		{name: "no warning, exactly seven days on", outcome: domain.OutcomeUnacceptableAbsence, at: day(9)},
		{name: "no warning, seven days and a second on", outcome: domain.OutcomeUnacceptableAbsence, at: day(9).Add(sec), fires: true, wantTo: day(9)},
		{name: "warned exactly seven days on", outcome: domain.OutcomeUnacceptableAbsence, warning: day(9), at: day(30)},
		{name: "warned seven days and a second on", outcome: domain.OutcomeUnacceptableAbsence, warning: day(9).Add(sec), at: day(30), fires: true, wantTo: day(9).Add(sec)},
		{name: "a failure to comply counts too", outcome: domain.OutcomeFailedToComply, at: day(30), fires: true, wantTo: day(9)},
		{name: "an acceptable absence needs nothing", outcome: domain.OutcomeAcceptableAbsence, at: day(30)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := newLedger(t)
			supervised(l)
			miss := appointment(l, "a1", "office", day(2), tc.outcome)
			var warning string
			if !tc.warning.IsZero() {
				warning = warn(l, "w1", tc.warning, "a1")
			}
			fs := ofRule(findingsAt(l, tc.at), "absence_without_enforcement")
			if !tc.fires {
				require.Empty(t, fs)
				return
			}
			require.Len(t, fs, 1)
			want := []string{miss}
			if warning != "" {
				want = append(want, warning)
			}
			require.Equal(t, want, fs[0].Evidence)
			require.Equal(t, day(2), fs[0].From)
			require.Equal(t, tc.wantTo, fs[0].To)
		})
	}
}

func TestASecondAbsenceWithinTwelveMonthsNeedsABreach(t *testing.T) {
	for _, tc := range []struct {
		name   string
		second time.Time
		answer string // "warning", "breach"
		// breachBetween raises a breach for the first before the second.
		breachBetween bool
		fires         bool
	}{
		{name: "a second, warned only", second: day(30), answer: "warning", fires: true},
		{name: "a second, breached", second: day(30), answer: "breach"},
		{name: "a second exactly 365 days after the first, warned only", second: day(2 + 365), answer: "warning", fires: true},
		{name: "a second 365 days and a second after, warned only", second: day(2 + 365).Add(sec), answer: "warning"},
		{name: "a breach since the first starts the count again", second: day(30), answer: "warning", breachBetween: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := newLedger(t)
			supervised(l)
			first := appointment(l, "a1", "office", day(2), domain.OutcomeUnacceptableAbsence)
			if tc.breachBetween {
				breach(l, "b1", day(3), "a1")
				l.do(day(20), domain.ConcludeBreach{BreachID: "b1", Outcome: "proved"})
			} else {
				warn(l, "w1", day(3), "a1")
			}
			second := appointment(l, "a2", "office", tc.second, domain.OutcomeUnacceptableAbsence)
			if tc.answer == "warning" {
				warn(l, "w2", tc.second.Add(Day), "a2")
			} else {
				breach(l, "b2", tc.second.Add(Day), "a1", "a2")
			}
			fs := ofRule(findingsAt(l, tc.second.Add(30*Day)), "absence_without_enforcement")
			if !tc.fires {
				require.Empty(t, fs)
				return
			}
			require.Len(t, fs, 1)
			require.Equal(t, []string{first, second}, fs[0].Evidence)
			require.Equal(t, tc.second, fs[0].From)
			require.Equal(t, tc.second.Add(7*Day), fs[0].To)
			require.Contains(t, fs[0].Summary, "not followed by a breach")
		})
	}
}

func TestNoContact(t *testing.T) {
	for _, tc := range []struct {
		name     string
		highRisk bool
		contact  time.Time // zero: none
		at       time.Time
		fires    bool
		wantFrom time.Time
	}{
		{name: "no contact for exactly 28 days", at: day(28)},
		{name: "no contact for 28 days and a second", at: day(28).Add(sec), fires: true, wantFrom: t0},
		{name: "a contact on day 20 restarts the count", contact: day(20), at: day(48)},
		{name: "28 days and a second after the contact", contact: day(20), at: day(48).Add(sec), fires: true, wantFrom: day(20)},
		{name: "RoSH high: exactly 14 days", highRisk: true, at: day(14)},
		{name: "RoSH high: 14 days and a second", highRisk: true, at: day(14).Add(sec), fires: true, wantFrom: t0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := newLedger(t)
			if tc.highRisk {
				opened(l)
				l.do(t0, domain.AssessRisk{AssessmentID: "ra1", Tool: "OASys", RoSH: "very_high", RSR: 8})
				l.do(t0, domain.RecordSentence{SentenceID: "s1", Kind: "community_order", Court: "Leeds MC", StartDate: "2026-03-02"})
			} else {
				supervised(l)
			}
			want := []string{idOf(l, "sentence.recorded")}
			if !tc.contact.IsZero() {
				want = []string{appointment(l, "a1", "office", tc.contact, domain.OutcomeComplied)}
			}
			fs := ofRule(findingsAt(l, tc.at), "no_contact")
			if !tc.fires {
				require.Empty(t, fs)
				return
			}
			require.Len(t, fs, 1)
			require.Equal(t, tc.wantFrom, fs[0].From)
			require.Equal(t, tc.at, fs[0].To, "still no contact at the instant asked about")
			require.Equal(t, want, fs[0].Evidence)
		})
	}
}

func TestNoContactBetweenTwoContacts(t *testing.T) {
	l := newLedger(t)
	supervised(l)
	a1 := appointment(l, "a1", "office", day(1), domain.OutcomeFailedToComply)
	appointment(l, "a-missed", "office", day(10), domain.OutcomeUnacceptableAbsence)
	a2 := appointment(l, "a2", "video", day(40), domain.OutcomeComplied)
	fs := ofRule(findingsAt(l, day(45)), "no_contact")
	require.Len(t, fs, 1, "an unacceptable absence is not a contact")
	require.Equal(t, day(1), fs[0].From)
	require.Equal(t, day(40), fs[0].To)
	require.Equal(t, []string{a1, a2}, fs[0].Evidence)
}

func TestNoContactOnlyCountsSupervisionInTheCommunity(t *testing.T) {
	t.Run("no sentence", func(t *testing.T) {
		l := newLedger(t)
		opened(l)
		require.Empty(t, ofRule(findingsAt(l, day(90)), "no_contact"))
	})
	t.Run("custody stops the clock; release starts it again", func(t *testing.T) {
		l := newLedger(t)
		supervised(l)
		l.do(day(10), domain.Remand{Court: "Leeds MC", Reason: "charged"})
		require.Empty(t, ofRule(findingsAt(l, day(45)), "no_contact"), "ten days in the community, then custody")
		release := l.do(day(50), domain.Release{Establishment: "HMP Leeds", ReleaseType: "bail"})
		require.Empty(t, ofRule(findingsAt(l, day(78)), "no_contact"))
		fs := ofRule(findingsAt(l, day(78).Add(sec)), "no_contact")
		require.Len(t, fs, 1)
		require.Equal(t, day(50), fs[0].From)
		require.Equal(t, []string{release[0].EventID}, fs[0].Evidence)
	})
	t.Run("remanded after more than 28 days", func(t *testing.T) {
		l := newLedger(t)
		supervised(l)
		remand := l.do(day(30), domain.Remand{Court: "Leeds MC", Reason: "charged"})
		fs := ofRule(findingsAt(l, day(60)), "no_contact")
		require.Len(t, fs, 1)
		require.Equal(t, day(30), fs[0].To, "the gap ends where supervision in the community did")
		require.Equal(t, []string{idOf(l, "sentence.recorded"), remand[0].EventID}, fs[0].Evidence)
	})
	t.Run("a closed case", func(t *testing.T) {
		l := newLedger(t)
		supervised(l)
		l.do(day(5), domain.CloseCase{Reason: "order ended"})
		require.Empty(t, ofRule(findingsAt(l, day(90)), "no_contact"))
	})
}

func TestHomeVisitMissing(t *testing.T) {
	for _, tc := range []struct {
		name       string
		regType    string
		visit      time.Time // zero: none
		kind       string
		deregister bool
		at         time.Time
		fires      bool
		wantTo     time.Time
	}{
		{name: "no visit, exactly 28 days on", regType: "ADVP", at: day(29)},
		{name: "no visit, 28 days and a second on", regType: "ADVP", at: day(29).Add(sec), fires: true, wantTo: day(29)},
		{name: "visited exactly 28 days on", regType: "RCPR", visit: day(29), kind: "home_visit", at: day(60)},
		{name: "visited 28 days and a second on", regType: "RCCO", visit: day(29).Add(sec), kind: "home_visit", at: day(60), fires: true, wantTo: day(29).Add(sec)},
		{name: "an office visit is not a home visit", regType: "ADVV", visit: day(5), kind: "office", at: day(60), fires: true, wantTo: day(29)},
		{name: "a registration that needs no home visit", regType: "WEAP", at: day(60)},
		{name: "deregistered before the deadline", regType: "RCHD", deregister: true, at: day(60)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := newLedger(t)
			supervised(l)
			reg := l.do(day(1), domain.AddRegistration{RegistrationID: "r1", RegType: tc.regType})
			want := []string{reg[0].EventID}
			if !tc.visit.IsZero() {
				visit := appointment(l, "a1", tc.kind, tc.visit, domain.OutcomeComplied)
				if tc.kind == "home_visit" {
					want = append(want, visit)
				}
			}
			if tc.deregister {
				l.do(day(10), domain.Deregister{RegistrationID: "r1", Reason: "no longer applies"})
			}
			fs := ofRule(findingsAt(l, tc.at), "home_visit_missing")
			if !tc.fires {
				require.Empty(t, fs)
				return
			}
			require.Len(t, fs, 1)
			require.Equal(t, want, fs[0].Evidence)
			require.Equal(t, day(1), fs[0].From)
			require.Equal(t, tc.wantTo, fs[0].To)
		})
	}
}
