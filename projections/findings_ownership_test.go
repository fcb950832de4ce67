package projections_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/caseledger/caseledger/domain"
)

// ownedByCRC opens the case and allocates it to C01 of CRC1, a provider that
// is not high_risk, returning the allocation's id.
func ownedByCRC(l *ledger) string {
	l.t.Helper()
	l.do(t0, domain.OpenCase{CRN: "X123456", Person: domain.Person{GivenName: "Lee", FamilyName: "Barr", DateOfBirth: "1990-01-01"}})
	return l.do(t0, domain.AllocateCase{Provider: "CRC1", Team: "C1", Officer: "C01", Reason: "initial_allocation", Rationale: "low risk"})[0].EventID
}

func TestRiskEscalationNotActioned(t *testing.T) {
	for _, tc := range []struct {
		name     string
		escalate domain.Command
		accepted time.Time // zero: no transfer accepted
		at       time.Time
		fires    bool
	}{
		{name: "RoSH high, no transfer, exactly 10 days on", escalate: highRoSH("high"), at: day(11)},
		{name: "RoSH high, no transfer, 10 days and a second on", escalate: highRoSH("high"), at: day(11).Add(sec), fires: true},
		{name: "RoSH very high, moved exactly 10 days on", escalate: highRoSH("very_high"), accepted: day(11), at: day(30)},
		{name: "RoSH very high, moved 10 days and a second on", escalate: highRoSH("very_high"), accepted: day(11).Add(sec), at: day(30), fires: true},
		{name: "MAPPA registered, never moved", escalate: domain.AddRegistration{RegistrationID: "m1", RegType: "MAPP", Category: "M2", Level: "M1"}, at: day(30), fires: true},
		{name: "RHRH registered, never moved", escalate: domain.AddRegistration{RegistrationID: "r1", RegType: "RHRH"}, at: day(30), fires: true},
		{name: "RoSH medium needs nothing", escalate: highRoSH("medium"), at: day(30)},
		{name: "another registration needs nothing", escalate: domain.AddRegistration{RegistrationID: "w1", RegType: "WEAP"}, at: day(30)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := newLedger(t)
			alloc := ownedByCRC(l)
			risk := l.do(day(1), tc.escalate)
			want := []string{risk[0].EventID, alloc}
			wantTo := tc.at
			if !tc.accepted.IsZero() {
				l.do(day(2), domain.RequestTransfer{TransferID: "t1", Scope: "case", To: domain.Destination{Provider: "NPS"}, Reason: "high risk"})
				acc := l.do(tc.accepted, domain.AcceptTransfer{TransferID: "t1", Team: "N1", Officer: "N01"})
				want, wantTo = append(want, acc[0].EventID), tc.accepted
			}
			fs := ofRule(findingsAt(l, tc.at), "risk_escalation_not_actioned")
			if !tc.fires {
				require.Empty(t, fs)
				return
			}
			require.Len(t, fs, 1)
			require.Equal(t, want, fs[0].Evidence)
			require.Equal(t, day(1), fs[0].From)
			require.Equal(t, wantTo, fs[0].To)
			require.Contains(t, fs[0].Summary, "CRC1")
		})
	}
}

func highRoSH(level string) domain.AssessRisk {
	return domain.AssessRisk{AssessmentID: "ra1", Tool: "OASys", RoSH: level, RSR: 7.5}
}

func TestRiskEscalationAtAHighRiskProviderIsFine(t *testing.T) {
	l := newLedger(t)
	opened(l)
	l.do(day(1), highRoSH("very_high"))
	l.do(day(1), domain.AddRegistration{RegistrationID: "m1", RegType: "MAPP", Category: "M2", Level: "M2"})
	require.Empty(t, ofRule(findingsAt(l, day(60)), "risk_escalation_not_actioned"))
}

func TestRiskEscalationLapsesWhenTheRiskFalls(t *testing.T) {
	l := newLedger(t)
	ownedByCRC(l)
	l.do(day(1), highRoSH("high"))
	l.do(day(5), domain.AssessRisk{AssessmentID: "ra2", Tool: "OASys", RoSH: "medium", RSR: 3})
	require.Empty(t, ofRule(findingsAt(l, day(60)), "risk_escalation_not_actioned"))
}

func TestTransferPendingTooLong(t *testing.T) {
	for _, tc := range []struct {
		name  string
		end   string // "", "accept", "reject", "cancel"
		endAt time.Time
		at    time.Time
		fires bool
	}{
		{name: "pending exactly 14 days", at: day(15)},
		{name: "pending 14 days and a second", at: day(15).Add(sec), fires: true},
		{name: "accepted exactly 14 days on", end: "accept", endAt: day(15), at: day(40)},
		{name: "accepted 14 days and a second on", end: "accept", endAt: day(15).Add(sec), at: day(40), fires: true},
		{name: "rejected after 20 days", end: "reject", endAt: day(21), at: day(40), fires: true},
		{name: "cancelled after 3 days", end: "cancel", endAt: day(4), at: day(40)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := newLedger(t)
			opened(l)
			req := l.do(day(1), domain.RequestTransfer{TransferID: "t1", Scope: "case", To: domain.Destination{Provider: "CRC1"}, Reason: "moved"})
			want, wantTo := []string{req[0].EventID}, tc.at
			var cmd domain.Command
			switch tc.end {
			case "accept":
				cmd = domain.AcceptTransfer{TransferID: "t1", Team: "C1", Officer: "C01"}
			case "reject":
				cmd = domain.RejectTransfer{TransferID: "t1", Reason: "no capacity"}
			case "cancel":
				cmd = domain.CancelTransfer{TransferID: "t1", Reason: "stayed"}
			}
			if cmd != nil {
				want, wantTo = append(want, l.do(tc.endAt, cmd)[0].EventID), tc.endAt
			}
			fs := ofRule(findingsAt(l, tc.at), "transfer_pending_too_long")
			if !tc.fires {
				require.Empty(t, fs)
				return
			}
			require.Len(t, fs, 1)
			require.Equal(t, want, fs[0].Evidence)
			require.Equal(t, day(1), fs[0].From)
			require.Equal(t, wantTo, fs[0].To)
		})
	}
}

func TestTransferOfComponentsPendingTooLong(t *testing.T) {
	l := newLedger(t)
	supervised(l)
	l.do(t0, domain.ImposeRequirement{SentenceID: "s1", RequirementID: "r1", Category: "unpaid_work", Description: "100 hours"})
	l.do(day(1), domain.RequestTransfer{TransferID: "t1", Scope: "components", Components: []string{"r1"}, To: domain.Destination{Provider: "CRC1"}, Reason: "UPW"})
	fs := ofRule(findingsAt(l, day(20)), "transfer_pending_too_long")
	require.Len(t, fs, 1)
	require.Contains(t, fs[0].Summary, "1 component(s)")
}

func TestUnallocated(t *testing.T) {
	open := domain.OpenCase{CRN: "X123456", Person: domain.Person{GivenName: "Lee", FamilyName: "Barr", DateOfBirth: "1990-01-01"}}
	allocate := domain.AllocateCase{Provider: "NPS", Team: "N1", Officer: "N01", Reason: "initial_allocation", Rationale: "capacity"}
	t.Run("allocated at the instant it opened", func(t *testing.T) {
		l := newLedger(t)
		l.do(t0, open)
		l.do(t0, allocate)
		require.Empty(t, ofRule(findingsAt(l, day(30)), "unallocated"))
	})
	t.Run("allocated a second after it opened", func(t *testing.T) {
		l := newLedger(t)
		opening := l.do(t0, open)
		alloc := l.do(t0.Add(sec), allocate)
		fs := ofRule(findingsAt(l, day(30)), "unallocated")
		require.Len(t, fs, 1)
		require.Equal(t, []string{opening[0].EventID, alloc[0].EventID}, fs[0].Evidence)
		require.Equal(t, t0, fs[0].From)
		require.Equal(t, t0.Add(sec), fs[0].To)
	})
	t.Run("never allocated", func(t *testing.T) {
		l := newLedger(t)
		opening := l.do(t0, open)
		fs := ofRule(findingsAt(l, day(3)), "unallocated")
		require.Len(t, fs, 1)
		require.Equal(t, []string{opening[0].EventID}, fs[0].Evidence)
		require.Equal(t, day(3), fs[0].To)
	})
	t.Run("deallocated, then closed", func(t *testing.T) {
		l := newLedger(t)
		l.do(t0, open)
		l.do(t0, allocate)
		dealloc := l.do(day(5), domain.DeallocateCase{Reason: "officer left"})
		closing := l.do(day(8), domain.CloseCase{Reason: "order ended"})
		fs := ofRule(findingsAt(l, day(30)), "unallocated")
		require.Len(t, fs, 1, "a closed case is not unallocated")
		require.Equal(t, []string{dealloc[0].EventID, closing[0].EventID}, fs[0].Evidence)
		require.Equal(t, day(5), fs[0].From)
		require.Equal(t, day(8), fs[0].To)
	})
}
