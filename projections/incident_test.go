package projections_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/caseledger/caseledger/domain"
	"github.com/caseledger/caseledger/projections"
)

// TestIncidentScenario is the pattern SFO reviews keep finding. A housing
// provider telephones about a MAPPA case; reception takes the call and, because
// the switchboard named them, routes it to an officer of another organisation
// (C01 of CRC1). The owning officer (N01) is on leave with no cover recorded.
// Nobody acknowledges it. Days later the person is remanded.
func TestIncidentScenario(t *testing.T) {
	l := newLedger(t)
	opened(l)
	allocation := idOf(l, "case.allocated")
	mappa := l.do(t0, domain.AddRegistration{RegistrationID: "m1", RegType: "MAPP", Category: "M2", Level: "M2"})
	leave := l.absent("N01", day(5), day(19), "")

	call := day(7).Add(time.Hour)
	received := l.doAs("RCP1", call, domain.ReceiveInformation{InformationID: "i1",
		Source:  domain.Source{Organisation: "Leeds Housing Trust", Person: "tenancy officer", Kind: "housing"},
		Channel: "phone", ReceivedBy: domain.ReceivedBy{Reception: true},
		Summary:      "neighbours report threats against his former partner",
		RiskRelevant: true, Urgency: "urgent"})[0].EventID
	routed := l.doAs("RCP1", call.Add(20*time.Minute), domain.RouteInformation{InformationID: "i1",
		To: domain.RoutedTo{Officer: "C01", Team: "C1"}, Reason: "the switchboard named them"})[0].EventID
	l.do(day(12), domain.Remand{Court: "Leeds MC", Reason: "charged with assault"})

	// The reviewer's window runs to the remand and a day beyond.
	at := day(13)
	fs := projections.Findings(projections.At(l.history, at, at), l.org, t0, at, at, projections.DefaultThresholds())
	require.Equal(t, []string{"information_not_acknowledged", "owner_absent_without_cover", "information_misrouted"}, rulesOf(fs),
		"sorted by from, then rule; nothing else is found")

	notAcked := ofRule(fs, "information_not_acknowledged")[0]
	require.Equal(t, []string{received, routed}, notAcked.Evidence)
	require.Equal(t, call, notAcked.From)
	require.Equal(t, call.Add(Day), notAcked.To, "urgent: one day")

	absent := ofRule(fs, "owner_absent_without_cover")[0]
	require.Equal(t, []string{received, routed, leave}, absent.Evidence)
	require.Equal(t, call, absent.From)
	require.Equal(t, at, absent.To, "still on leave at the instant asked about")
	require.Contains(t, absent.Summary, "N01")

	misrouted := ofRule(fs, "information_misrouted")
	require.Len(t, misrouted, 1, "reception taking the call is not misrouting; routing it to C01 is")
	require.Equal(t, []string{routed, allocation}, misrouted[0].Evidence)
	require.Contains(t, misrouted[0].Summary, "C01")
	require.Contains(t, misrouted[0].Summary, "N01")

	// Between the call and the remand: reception and C01 had it, N01 did not.
	k := projections.KnowledgeMap(projections.At(l.history, day(9), day(9)), nil)
	require.Len(t, k.Information, 1)
	held := k.Information[0]
	require.Equal(t, "i1", held.InformationID)
	require.Equal(t, call, held.ReceivedAt)
	require.Equal(t, []projections.Holder{
		{Who: "reception", WhoKind: "reception", How: "received", At: call},
		{Who: "C01", WhoKind: "officer", How: "routed", At: call.Add(20 * time.Minute)},
		{Who: "C1", WhoKind: "team", How: "routed", At: call.Add(20 * time.Minute)},
	}, held.Holders)
	for _, h := range held.Holders {
		require.NotEqual(t, "N01", h.Who, "the owner never had it")
		require.NotEqual(t, "N1", h.Who, "nor the owner's team")
	}
	require.Len(t, k.RiskFacts, 1)
	require.Equal(t, mappa[0].EventID, k.RiskFacts[0].EventID, "the MAPPA registration is a risk fact")

	before := projections.KnowledgeMap(projections.At(l.history, call.Add(-time.Minute), day(20)), nil)
	require.Empty(t, before.Information, "before the call, nobody had it")
}
