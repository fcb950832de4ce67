package projections_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/caseledger/caseledger/domain"
	"github.com/caseledger/caseledger/projections"
)

// Each test here reproduces a failure of the case-record systems in use
// today and shows that caseledger does not have it.

// Failure 1: a back-dated entry's time is overwritten with the time of entry.
func TestBackDatedEntryKeepsBothClocks(t *testing.T) {
	l := newLedger(t)
	opened(l)
	l.advance(10 * 24 * time.Hour)                                                                     // typed in on day 10 ...
	evs := l.do(day(3), domain.AssessRisk{AssessmentID: "ra1", Tool: "OASys", RoSH: "high", RSR: 7.2}) // ... about day 3
	require.Equal(t, day(3), evs[0].OccurredAt, "occurred_at is kept, not replaced by the time of entry")
	require.Equal(t, day(10), evs[0].RecordedAt)

	asOfDay5 := projections.Summary(projections.At(l.history, day(5), day(11)))
	require.Equal(t, "high", asOfDay5.Risk.RoSH, "as of its own time, the back-dated entry is there")
	require.Equal(t, day(3), asOfDay5.Risk.AssessedAt)
	require.Nil(t, projections.Summary(projections.At(l.history, day(2), day(11))).Risk, "and not before it")
	require.Nil(t, projections.Summary(projections.At(l.history, day(5), day(9))).Risk, "as known on day 9, nobody knew yet")

	audit := projections.Audit(l.history)
	last := audit[len(audit)-1]
	require.Equal(t, 7*24*3600.0, last.LagSeconds, "the audit trail shows the lag between the two clocks")
}

// Failure 2: appointments later the same day missing from "next appointment".
func TestLaterTodayIsTheNextAppointment(t *testing.T) {
	l := newLedger(t)
	opened(l)
	morning := day(5).Truncate(24 * time.Hour).Add(9 * time.Hour)
	l.do(day(1), domain.BookAppointment{AppointmentID: "a-today", StartsAt: morning.Add(6 * time.Hour), Kind: "office", Officer: "N01"})
	l.do(day(1), domain.BookAppointment{AppointmentID: "a-tomorrow", StartsAt: morning.Add(24 * time.Hour), Kind: "office", Officer: "N01"})
	l.do(day(1), domain.BookAppointment{AppointmentID: "a-earlier", StartsAt: morning.Add(-2 * time.Hour), Kind: "phone", Officer: "N01"})

	c := projections.Compliance(projections.At(l.history, morning, morning))
	require.NotNil(t, c.NextAppointment)
	require.Equal(t, "a-today", c.NextAppointment.AppointmentID, "an appointment at 15:00 is next when asked at 09:00 the same day")
	require.Equal(t, []string{"a-today", "a-tomorrow"}, appointmentIDs(c.Upcoming), "soonest first, earlier ones excluded")

	atStart := projections.Compliance(projections.At(l.history, morning.Add(6*time.Hour), morning.Add(6*time.Hour)))
	require.Equal(t, "a-today", atStart.NextAppointment.AppointmentID, "starts_at ≥ the instant: still upcoming at its own start")
}

func appointmentIDs(as []projections.AppointmentView) []string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = a.AppointmentID
	}
	return out
}

// Failure 3: pending transfers into a provider cannot be listed without
// naming a team and an officer.
func TestPendingTransfersListedWithoutTeamOrOfficer(t *testing.T) {
	dir := projections.NewDirectory()
	for i, to := range []domain.Destination{{Provider: "CRC1"}, {Provider: "CRC1", Team: "C1"}, {Provider: "CRC1", Team: "C1", Officer: "C01"}, {Provider: "NPS"}} {
		l := newLedger(t)
		l.do(t0, domain.OpenCase{CRN: crn(i), Person: domain.Person{GivenName: "A", FamilyName: "B", DateOfBirth: "1990-01-01"}})
		l.do(t0, domain.AllocateCase{Provider: "NPS", Team: "N1", Officer: "N01", Reason: "initial_allocation", Rationale: "x"})
		if to.Provider != "NPS" {
			l.do(day(float64(i+1)), domain.RequestTransfer{TransferID: "t1", Scope: "case", To: to, Reason: "moved"})
		}
		dir.Put(projections.RowOf(l.history, day(30)))
	}
	all := dir.PendingInto("CRC1", "", "")
	require.Len(t, all, 3, "every transfer pending into the provider, with no team or officer named")
	require.Equal(t, []string{crn(0), crn(1), crn(2)}, crnsOf(all), "oldest first")
	require.Len(t, dir.PendingInto("CRC1", "C1", ""), 3, "a team filter still shows transfers addressed to no team")
	require.Len(t, dir.PendingInto("CRC1", "C2", ""), 1, "only the one addressed to no team")
	require.Len(t, dir.PendingInto("CRC1", "C1", "C99"), 2, "an officer filter keeps transfers addressed to no officer")
	require.Empty(t, dir.PendingInto("NPS", "", ""))
}

func crn(i int) string { return "X00000" + string(rune('1'+i)) }

func crnsOf(ps []projections.PendingTransfer) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.CRN
	}
	return out
}

// Failure 4: licence conditions, or pending transfers of them, still active
// after a recall.
func TestNothingActiveOrPendingBehindARecall(t *testing.T) {
	l := newLedger(t)
	opened(l)
	l.do(day(1), domain.RecordSentence{SentenceID: "s1", Kind: "licence", Court: "Leeds Crown", StartDate: "2026-03-03"})
	for _, id := range ids("c", 3) {
		l.do(day(1), domain.ImposeLicenceCondition{SentenceID: "s1", ConditionID: id, Category: "residence", Description: "reside"})
	}
	l.do(day(2), domain.RequestTransfer{TransferID: "t1", Scope: "components", Components: []string{"c1", "c2"}, To: domain.Destination{Provider: "CRC1"}, Reason: "AP"})
	l.do(day(10), domain.RaiseRecall{RecallID: "r1", SentenceID: "s1", RecallType: "standard", Reason: "breach", DecidedBy: "PPCS"})

	after := projections.At(l.history, day(11), day(11))
	for _, cond := range projections.Summary(after).Sentences[0].LicenceConditions {
		require.Equal(t, "terminated", cond.Status, cond.ID)
		require.Equal(t, "recall", cond.TerminatedReason)
	}
	require.Empty(t, projections.Ownership(after).PendingTransfers)
	dir := projections.NewDirectory()
	dir.Put(projections.RowOf(l.history, day(11)))
	require.Empty(t, dir.PendingInto("CRC1", "", ""))

	before := projections.At(l.history, day(9), day(11))
	require.Len(t, projections.Ownership(before).PendingTransfers, 1, "as of before the recall, the transfer was pending")
}

// Failure 5: a bulk transfer of components failing past ten items.
func TestBulkComponentTransfers(t *testing.T) {
	for _, n := range []int{11, 500} {
		l := newLedger(t)
		opened(l)
		l.do(day(1), domain.RecordSentence{SentenceID: "s1", Kind: "community_order", Court: "Leeds MC", StartDate: "2026-03-03"})
		for _, id := range ids("r", n) {
			l.do(day(1), domain.ImposeRequirement{SentenceID: "s1", RequirementID: id, Category: "unpaid_work", Description: "hours"})
		}
		evs := l.do(day(2), domain.RequestTransfer{TransferID: "t1", Scope: "components", Components: ids("r", n), To: domain.Destination{Provider: "CRC1"}, Reason: "UPW"})
		require.Len(t, evs, 1)
		l.do(day(3), domain.AcceptTransfer{TransferID: "t1", Team: "C1", Officer: "C01"})
		own := projections.Ownership(projections.At(l.history, day(4), day(4)))
		require.Len(t, own.Components, n)
		for _, c := range own.Components {
			require.Equal(t, "CRC1", c.Provider, c.ID)
		}
		require.Equal(t, "NPS", own.Current.Provider)
	}
}
