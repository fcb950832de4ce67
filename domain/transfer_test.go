package domain_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/caseledger/caseledger/domain"
)

// orderCase is an NPS-owned case with a community order of n requirements.
func orderCase(t *testing.T, n int) []domain.Recorded {
	t.Helper()
	h := []domain.Recorded{opened(), allocated(day(0), "NPS", "N1", "N01"),
		rec(day(1), domain.SentenceRecorded{SentenceID: "s1", Kind: "community_order", Court: "Leeds MC", StartDate: "2026-03-03"})}
	for _, id := range ids("r", n) {
		h = append(h, rec(day(1), domain.RequirementImposed{SentenceID: "s1", RequirementID: id, Category: "unpaid_work", Description: "100 hours"}))
	}
	return stored(h...)
}

func TestComponentTransfersOfAnySize(t *testing.T) {
	for _, n := range []int{1, 11, 500} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			given := orderCase(t, n)
			when := domain.RequestTransfer{TransferID: "t1", Scope: "components", Components: ids("r", n),
				To: domain.Destination{Provider: "CRC1", Team: "C1"}, Reason: "unpaid work delivered by CRC1"}
			got, err := decideAt(t, given, day(2), when)
			require.NoError(t, err)
			require.Len(t, got, 1, "one atomic event carries every component")
			req := got[0].Event.(domain.TransferRequested)
			require.Len(t, req.Components, n)
			require.Equal(t, domain.Owner{Provider: "NPS", Team: "N1", Officer: "N01"}, req.From)

			h := appendDecided(given, got)
			h = mustDecide(t, h, day(3), domain.AcceptTransfer{TransferID: "t1", Team: "C1", Officer: "C01"})
			s := domain.StateAt(h, day(3))
			for _, id := range ids("r", n) {
				require.Equal(t, &domain.Owner{Provider: "CRC1", Team: "C1", Officer: "C01"}, s.Components[id].Manager)
				require.Empty(t, s.Components[id].PendingTransfer)
			}
			require.Equal(t, "NPS", s.Owner.Provider, "a component transfer leaves the case owner alone")
		})
	}
}

func TestComponentInAtMostOnePendingTransfer(t *testing.T) {
	h := orderCase(t, 3)
	h = mustDecide(t, h, day(2), domain.RequestTransfer{TransferID: "t1", Scope: "components", Components: []string{"r1", "r2"}, To: domain.Destination{Provider: "CRC1"}, Reason: "x"})
	_, err := decideAt(t, h, day(2), domain.RequestTransfer{TransferID: "t2", Scope: "components", Components: []string{"r2", "r3"}, To: domain.Destination{Provider: "CRC2"}, Reason: "x"})
	requireRule(t, err, domain.ErrComponentTransferPending)
	_, err = decideAt(t, h, day(2), domain.RequestTransfer{TransferID: "t2", Scope: "components", Components: []string{"r3"}, To: domain.Destination{Provider: "CRC2"}, Reason: "x"})
	require.NoError(t, err, "a component not in a pending transfer may be transferred")
}

func TestTerminatingSentenceRejectsItsComponentTransfers(t *testing.T) {
	h := orderCase(t, 2)
	h = mustDecide(t, h, day(2), domain.RequestTransfer{TransferID: "t1", Scope: "components", Components: []string{"r1", "r2"}, To: domain.Destination{Provider: "CRC1"}, Reason: "x"})
	got, err := decideAt(t, h, day(5), domain.TerminateSentence{SentenceID: "s1", Reason: "revoked"})
	require.NoError(t, err)
	require.Equal(t, []string{"sentence.terminated", "requirement.terminated", "requirement.terminated", "transfer.rejected"}, types(got))
	require.True(t, got[3].Event.(domain.TransferRejected).Automatic)
}

func TestCaseTransferMovesOwnershipOnAcceptance(t *testing.T) {
	h := stored(opened(), allocated(day(0), "NPS", "N1", "N01"))
	h = mustDecide(t, h, day(1), domain.RequestTransfer{TransferID: "t1", Scope: "case", To: domain.Destination{Provider: "CRC1"}, Reason: "moved area"})
	_, err := decideAt(t, h, day(1), domain.RequestTransfer{TransferID: "t2", Scope: "case", To: domain.Destination{Provider: "CRC2"}, Reason: "x"})
	requireRule(t, err, domain.ErrTransferPending)
	_, err = decideAt(t, h, day(2), domain.AllocateCase{Provider: "NPS", Team: "N1", Officer: "N02", Reason: "caseload_adjustment", Rationale: "x"})
	requireRule(t, err, domain.ErrAllocationDuringTransfer)

	h = mustDecide(t, h, day(3), domain.AcceptTransfer{TransferID: "t1", Team: "C1", Officer: "C01"})
	s := domain.StateAt(h, day(3))
	require.Equal(t, &domain.Owner{Provider: "CRC1", Team: "C1", Officer: "C01"}, s.Owner)
	require.Equal(t, "NPS", domain.StateAt(h, day(2)).Owner.Provider, "as of before the acceptance, NPS still owned it")
}

func TestBackDatedAllocationDuringPendingTransferIsRefused(t *testing.T) {
	h := stored(opened(), allocated(day(0), "NPS", "N1", "N01"))
	h = mustDecide(t, h, day(5), domain.RequestTransfer{TransferID: "t1", Scope: "case", To: domain.Destination{Provider: "CRC1"}, Reason: "x"})
	h = mustDecide(t, h, day(8), domain.AcceptTransfer{TransferID: "t1", Team: "C1", Officer: "C01"})
	// An allocation back-dated into the pending window breaks the rule.
	_, err := decideAt(t, h, day(6), domain.AllocateCase{Provider: "NPS", Team: "N1", Officer: "N02", Reason: "caseload_adjustment", Rationale: "x"})
	requireRule(t, err, domain.ErrAllocationDuringTransfer)
	// One back-dated before the request changes the transfer's from: the request is invalidated.
	_, err = decideAt(t, h, day(3), domain.AllocateCase{Provider: "NPS", Team: "N1", Officer: "N02", Reason: "caseload_adjustment", Rationale: "x"})
	requireRule(t, err, domain.ErrInvalidatesHistory)
	requireRule(t, err, domain.ErrTransferFromMismatch)
	require.Equal(t, h[2].EventID, err.(*domain.Error).EventID, "the refusal names the first event it would invalidate")
}

func TestTransferRequestOnClosedCaseNamesTheClosure(t *testing.T) {
	h := stored(opened(), allocated(day(0), "NPS", "N1", "N01"))
	h = mustDecide(t, h, day(1), domain.CloseCase{Reason: "order completed"})
	_, err := decideAt(t, h, day(2), domain.RequestTransfer{TransferID: "t1", Scope: "case", To: domain.Destination{Provider: "CRC1"}, Reason: "x"})
	requireRule(t, err, domain.ErrCaseClosed)
	_, err = decideAt(t, h, day(2), domain.AllocateCase{Reason: "whim"})
	requireRule(t, err, domain.ErrInvalid) // 422 comes before 409, as API.md orders the checks
}
