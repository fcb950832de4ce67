package domain_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/caseledger/caseledger/domain"
)

func licenceCase(t *testing.T) []domain.Recorded {
	t.Helper()
	h := stored(opened(), allocated(day(0), "NPS", "N1", "N01"))
	h = mustDecide(t, h, day(1), domain.RecordSentence{SentenceID: "s1", Kind: "licence", Court: "Leeds Crown", StartDate: "2026-03-03"})
	h = mustDecide(t, h, day(1), domain.ImposeLicenceCondition{SentenceID: "s1", ConditionID: "c1", Category: "residence", Description: "reside at AP"})
	h = mustDecide(t, h, day(1), domain.ImposeLicenceCondition{SentenceID: "s1", ConditionID: "c2", Category: "no_contact", Description: "no contact with V"})
	h = mustDecide(t, h, day(2), domain.RequestTransfer{TransferID: "t1", Scope: "components", Components: []string{"c1"}, To: domain.Destination{Provider: "CRC1"}, Reason: "AP elsewhere"})
	h = mustDecide(t, h, day(3), domain.BookAppointment{AppointmentID: "a-past", StartsAt: day(4), Kind: "office", Officer: "N01", SentenceID: "s1"})
	h = mustDecide(t, h, day(3), domain.BookAppointment{AppointmentID: "a-future", StartsAt: day(20), Kind: "office", Officer: "N01", SentenceID: "s1"})
	return h
}

func TestRecallTerminatesConditionsRejectsTransfersCancelsAppointments(t *testing.T) {
	given := licenceCase(t)
	when := domain.RaiseRecall{RecallID: "r1", SentenceID: "s1", RecallType: "fixed_term", Reason: "further offence", DecidedBy: "PPCS"}
	got, err := decideAt(t, given, day(10), when)
	require.NoError(t, err)
	require.Equal(t, []string{"recall.raised", "licence_condition.terminated", "licence_condition.terminated",
		"transfer.rejected", "appointment.cancelled"}, types(got))
	recall := got[0]
	for _, r := range got[1:] {
		require.Equal(t, recall.EventID, r.CausationID, "every consequence names the recall as its cause")
		require.Equal(t, recall.OccurredAt, r.OccurredAt)
	}
	require.Equal(t, domain.LicenceConditionTerminated{ConditionID: "c1", Reason: "recall", CauseEventID: recall.EventID}, got[1].Event)
	require.Equal(t, domain.TransferRejected{TransferID: "t1", Reason: "licence recalled", Automatic: true}, got[3].Event)
	require.Equal(t, "a-future", got[4].Event.(domain.AppointmentCancelled).AppointmentID)

	after := domain.StateAt(appendDecided(given, got), day(11))
	for _, id := range []string{"c1", "c2"} {
		require.False(t, after.Components[id].Active, "nothing stays active behind a recall")
	}
	require.Equal(t, domain.TransferRefused, after.Transfers["t1"].Status, "nothing stays pending behind a recall")
	require.False(t, after.Appointments["a-past"].Cancelled, "appointments before the recall are kept")
}

func TestBackDatedConditionBeforeRecallIsRefused(t *testing.T) {
	h := licenceCase(t)
	h = mustDecide(t, h, day(10), domain.RaiseRecall{RecallID: "r1", SentenceID: "s1", RecallType: "standard", Reason: "x", DecidedBy: "PPCS"})
	_, err := decideAt(t, h, day(5), domain.ImposeLicenceCondition{SentenceID: "s1", ConditionID: "c3", Category: "curfew", Description: "7pm-7am"})
	requireRule(t, err, domain.ErrInvalidatesHistory)
	requireRule(t, err, domain.ErrConsequencesDiffer)
}

func TestConditionCannotBeImposedWhileRecallOpen(t *testing.T) {
	h := licenceCase(t)
	h = mustDecide(t, h, day(10), domain.RaiseRecall{RecallID: "r1", SentenceID: "s1", RecallType: "standard", Reason: "x", DecidedBy: "PPCS"})
	_, err := decideAt(t, h, day(11), domain.ImposeLicenceCondition{SentenceID: "s1", ConditionID: "c3", Category: "curfew", Description: "7pm-7am"})
	requireRule(t, err, domain.ErrSentenceRecalled)

	h = mustDecide(t, h, day(12), domain.ConcludeRecall{RecallID: "r1", Outcome: "rescinded"})
	_, err = decideAt(t, h, day(13), domain.ImposeLicenceCondition{SentenceID: "s1", ConditionID: "c3", Category: "curfew", Description: "7pm-7am"})
	require.NoError(t, err, "after a rescinded recall the practitioner re-imposes what still applies")
}

func TestRetractingRecallRetractsItsConsequences(t *testing.T) {
	h := licenceCase(t)
	h = mustDecide(t, h, day(10), domain.RaiseRecall{RecallID: "r1", SentenceID: "s1", RecallType: "standard", Reason: "x", DecidedBy: "PPCS"})
	recall := h[len(h)-5]
	require.Equal(t, "recall.raised", recall.Event.Type())
	got, err := decideAt(t, h, day(11), domain.RetractEntry{EventID: recall.EventID, Reason: "wrong case"})
	require.NoError(t, err)
	require.Len(t, got, 5, "the recall and its four consequences are retracted together")
	after := domain.StateAt(appendDecided(h, got), day(11))
	require.True(t, after.Components["c1"].Active)
	require.Equal(t, domain.TransferPending, after.Transfers["t1"].Status)
}

func TestRetractingAConsequenceAloneIsRefused(t *testing.T) {
	h := licenceCase(t)
	h = mustDecide(t, h, day(10), domain.RaiseRecall{RecallID: "r1", SentenceID: "s1", RecallType: "standard", Reason: "x", DecidedBy: "PPCS"})
	termination := h[len(h)-4]
	require.Equal(t, "licence_condition.terminated", termination.Event.Type())
	_, err := decideAt(t, h, day(11), domain.RetractEntry{EventID: termination.EventID, Reason: "oops"})
	requireRule(t, err, domain.ErrConsequencesDiffer)
}
