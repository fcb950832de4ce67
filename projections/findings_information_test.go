package projections_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/caseledger/caseledger/domain"
)

// receive is information i1 from the police, taken by by.
func receive(by domain.ReceivedBy, urgency string, risk bool) domain.ReceiveInformation {
	return domain.ReceiveInformation{InformationID: "i1", Source: domain.Source{Organisation: "West Yorkshire Police", Kind: "police"},
		Channel: "phone", ReceivedBy: by, Summary: "arrested for assault", RiskRelevant: risk, Urgency: urgency}
}

var ack = domain.AcknowledgeInformation{InformationID: "i1", Action: "called the police back"}

func route(officer, team string) domain.RouteInformation {
	return domain.RouteInformation{InformationID: "i1", To: domain.RoutedTo{Officer: officer, Team: team}, Reason: "for action"}
}

func TestInformationNotAcknowledged(t *testing.T) {
	type ackBy struct {
		who string
		at  time.Time
	}
	for _, tc := range []struct {
		name    string
		urgency string
		risk    bool
		// cover, when set, makes N01 absent on [day 0.5, day 1.5) covered by N02.
		cover  bool
		acks   []ackBy
		at     time.Time
		fires  bool
		wantTo time.Time
		// wantAcks are the indexes of acks in the evidence, after the receipt.
		wantAcks []int
	}{
		{name: "urgent, unacknowledged, exactly at the deadline", urgency: "urgent", risk: true, at: day(2)},
		{name: "urgent, unacknowledged, a second past the deadline", urgency: "urgent", risk: true, at: day(2).Add(sec), fires: true, wantTo: day(2)},
		{name: "urgent, acknowledged by the owner exactly at the deadline", urgency: "urgent", risk: true, acks: []ackBy{{"N01", day(2)}}, at: day(20)},
		{name: "urgent, acknowledged by the owner a second late", urgency: "urgent", risk: true, acks: []ackBy{{"N01", day(2).Add(sec)}}, at: day(20),
			fires: true, wantTo: day(2).Add(sec), wantAcks: []int{0}},
		{name: "routine, acknowledged on the fifth day", urgency: "routine", risk: true, acks: []ackBy{{"N01", day(6)}}, at: day(20)},
		{name: "routine, acknowledged a second after five days", urgency: "routine", risk: true, acks: []ackBy{{"N01", day(6).Add(sec)}}, at: day(20),
			fires: true, wantTo: day(6).Add(sec), wantAcks: []int{0}},
		{name: "routine, unacknowledged after two days", urgency: "routine", risk: true, at: day(3)},
		{name: "not risk relevant is never flagged", urgency: "urgent", risk: false, at: day(20)},
		{name: "a team colleague's acknowledgement does not count", urgency: "urgent", risk: true, acks: []ackBy{{"N02", day(1).Add(time.Hour)}}, at: day(20),
			fires: true, wantTo: day(2), wantAcks: []int{0}},
		{name: "the cover's acknowledgement counts", urgency: "urgent", risk: true, cover: true, acks: []ackBy{{"N02", day(1.5).Add(-sec)}}, at: day(20)},
		{name: "the cover's acknowledgement after the absence ended does not", urgency: "urgent", risk: true, cover: true, acks: []ackBy{{"N02", day(1.5)}}, at: day(20),
			fires: true, wantTo: day(2), wantAcks: []int{0}},
		{name: "a stranger's then the owner's late acknowledgement", urgency: "urgent", risk: true, acks: []ackBy{{"C01", day(1.2)}, {"N01", day(3)}}, at: day(20),
			fires: true, wantTo: day(3), wantAcks: []int{0, 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := newLedger(t)
			opened(l)
			if tc.cover {
				l.absent("N01", day(0.5), day(1.5), "N02")
			}
			recv := l.do(day(1), receive(domain.ReceivedBy{Officer: "N01"}, tc.urgency, tc.risk))
			var ackIDs []string
			for _, a := range tc.acks {
				ackIDs = append(ackIDs, l.doAs(a.who, a.at, ack)[0].EventID)
			}
			fs := ofRule(findingsAt(l, tc.at), "information_not_acknowledged")
			if !tc.fires {
				require.Empty(t, fs)
				return
			}
			require.Len(t, fs, 1)
			want := []string{recv[0].EventID}
			for _, i := range tc.wantAcks {
				want = append(want, ackIDs[i])
			}
			require.Equal(t, want, fs[0].Evidence)
			require.Equal(t, day(1), fs[0].From)
			require.Equal(t, tc.wantTo, fs[0].To)
			require.Contains(t, fs[0].Summary, "i1")
		})
	}
}

func TestInformationMisrouted(t *testing.T) {
	for _, tc := range []struct {
		name  string
		by    domain.ReceivedBy
		route *domain.RouteInformation
		// at is when the routing happened (default day 1).
		at    time.Time
		cover string
		fires bool
	}{
		{name: "received by the owner", by: domain.ReceivedBy{Officer: "N01"}},
		{name: "received by the owner's team", by: domain.ReceivedBy{Team: "N1"}},
		{name: "received by an officer of the owner's team", by: domain.ReceivedBy{Officer: "N02", Team: "N1"}},
		{name: "received by reception", by: domain.ReceivedBy{Reception: true}},
		{name: "received by an officer of another provider", by: domain.ReceivedBy{Officer: "C01"}, fires: true},
		{name: "received by another provider's team", by: domain.ReceivedBy{Team: "C1"}, fires: true},
		{name: "routed to another provider's officer", by: domain.ReceivedBy{Reception: true}, route: ptr(route("C01", "C1")), fires: true},
		{name: "routed to the owner's cover during the absence", by: domain.ReceivedBy{Reception: true}, route: ptr(route("C01", "")), cover: "C01",
			at: day(2).Add(-sec)},
		{name: "routed to the owner's cover as the absence ends", by: domain.ReceivedBy{Reception: true}, route: ptr(route("C01", "")), cover: "C01",
			at: day(2), fires: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := newLedger(t)
			opened(l)
			if tc.cover != "" {
				l.absent("N01", t0, day(2), tc.cover)
			}
			evs := l.do(day(0.5), receive(tc.by, "routine", false))
			if tc.route != nil {
				at := tc.at
				if at.IsZero() {
					at = day(1)
				}
				evs = l.do(at, *tc.route)
			}
			fs := ofRule(findingsAt(l, day(5)), "information_misrouted")
			if !tc.fires {
				require.Empty(t, fs)
				return
			}
			require.Len(t, fs, 1)
			require.Equal(t, []string{evs[0].EventID, idOf(l, "case.allocated")}, fs[0].Evidence)
			require.Equal(t, evs[0].OccurredAt, fs[0].From)
			require.Equal(t, day(5), fs[0].To, "it never reached the owner")
		})
	}
}

func TestInformationMisroutedEndsWhenItReachesTheOwner(t *testing.T) {
	l := newLedger(t)
	opened(l)
	l.do(day(1), receive(domain.ReceivedBy{Officer: "C01"}, "routine", false))
	l.doAs("C01", day(2), ack) // a stranger's acknowledgement does not put it right
	fixed := l.doAs("C01", day(3), route("", "N1"))
	fs := ofRule(findingsAt(l, day(5)), "information_misrouted")
	require.Len(t, fs, 1)
	require.Equal(t, day(3), fs[0].To)
	require.Equal(t, []string{idOf(l, "information.received"), idOf(l, "case.allocated"), fixed[0].EventID}, fs[0].Evidence)
}

func TestInformationMisroutedIsSilentWithNoOwner(t *testing.T) {
	l := newLedger(t)
	l.do(t0, domain.OpenCase{CRN: "X123456", Person: domain.Person{GivenName: "Lee", FamilyName: "Barr", DateOfBirth: "1990-01-01"}})
	l.do(day(1), receive(domain.ReceivedBy{Officer: "C01"}, "routine", false))
	require.Empty(t, ofRule(findingsAt(l, day(5)), "information_misrouted"))
}

func TestOwnerAbsentWithoutCover(t *testing.T) {
	for _, tc := range []struct {
		name      string
		received  time.Time
		cover     string
		cancelled bool
		fires     bool
	}{
		{name: "received during the absence", received: day(2), fires: true},
		{name: "received as the absence starts", received: day(1), fires: true},
		{name: "received a second before it starts", received: day(1).Add(-sec)},
		{name: "received a second before it ends", received: day(10).Add(-sec), fires: true},
		{name: "received as it ends", received: day(10)},
		{name: "a cover was recorded", received: day(2), cover: "N02"},
		{name: "the absence was cancelled", received: day(2), cancelled: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := newLedger(t)
			opened(l)
			absence := l.absent("N01", day(1), day(10), tc.cover)
			if tc.cancelled {
				for _, a := range l.org.Absences {
					l.org.Apply(domain.Recorded{EventID: "cancel", Event: domain.OfficerAbsenceCancelled{AbsenceID: a.AbsenceID, Reason: "not taken"}})
				}
			}
			recv := l.doAs("RCP1", tc.received, receive(domain.ReceivedBy{Reception: true}, "routine", false))
			fs := ofRule(findingsAt(l, day(20)), "owner_absent_without_cover")
			if !tc.fires {
				require.Empty(t, fs)
				return
			}
			require.Len(t, fs, 1)
			require.Equal(t, []string{recv[0].EventID, absence}, fs[0].Evidence)
			require.Equal(t, tc.received, fs[0].From)
			require.Equal(t, day(10), fs[0].To, "until the owner is back")
			require.Contains(t, fs[0].Summary, "N01")
		})
	}
}

func TestOwnerAbsentWithoutCoverGroupsOnePieceOfInformation(t *testing.T) {
	l := newLedger(t)
	opened(l)
	absence := l.absent("N01", day(1), day(10), "")
	recv := l.do(day(2), receive(domain.ReceivedBy{Reception: true}, "routine", false))
	routed := l.do(day(3), route("", "N1"))
	fs := ofRule(findingsAt(l, day(5)), "owner_absent_without_cover")
	require.Len(t, fs, 1)
	require.Equal(t, []string{recv[0].EventID, routed[0].EventID, absence}, fs[0].Evidence)
	require.Equal(t, day(5), fs[0].To, "evaluated during the absence, it runs to the instant asked about")
}

func TestOwnerAbsentWithoutCoverForAMissedAppointment(t *testing.T) {
	for _, tc := range []struct {
		outcome string
		fires   bool
	}{
		{domain.OutcomeUnacceptableAbsence, true},
		{domain.OutcomeFailedToComply, true},
		{domain.OutcomeAcceptableAbsence, false},
		{domain.OutcomeComplied, false},
	} {
		t.Run(tc.outcome, func(t *testing.T) {
			l := newLedger(t)
			opened(l)
			absence := l.absent("N01", day(1), day(10), "")
			l.do(t0, domain.RecordSentence{SentenceID: "s1", Kind: "community_order", Court: "Leeds MC", StartDate: "2026-03-02"})
			l.do(t0, domain.BookAppointment{AppointmentID: "a1", StartsAt: day(3), Kind: "office", Officer: "N02", SentenceID: "s1"})
			outcome := l.do(day(3).Add(time.Hour), domain.RecordOutcome{AppointmentID: "a1", Outcome: tc.outcome})
			fs := ofRule(findingsAt(l, day(20)), "owner_absent_without_cover")
			if !tc.fires {
				require.Empty(t, fs)
				return
			}
			require.Len(t, fs, 1)
			require.Equal(t, []string{outcome[0].EventID, absence}, fs[0].Evidence)
			require.Equal(t, day(3), fs[0].From, "timed at the appointment")
		})
	}
}

func ptr[T any](v T) *T { return &v }
