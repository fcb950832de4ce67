package projections_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/caseledger/caseledger/domain"
	"github.com/caseledger/caseledger/projections"
)

func holder(who, kind, how string, at time.Time) projections.Holder {
	return projections.Holder{Who: who, WhoKind: kind, How: how, At: at}
}

func TestKnowledgeMapHolders(t *testing.T) {
	l := newLedger(t)
	opened(l)
	l.do(day(1), domain.ReceiveInformation{InformationID: "i1", Source: domain.Source{Organisation: "Police", Kind: "police"}, Channel: "email",
		ReceivedBy: domain.ReceivedBy{Officer: "N02", Team: "N1"}, Summary: "arrested", RiskRelevant: true, Urgency: "urgent"})
	l.do(day(1.1), route("", "C1"))
	l.do(day(1.2), route("", "C1")) // routed again: C1 already had it
	l.do(day(1.5), ack)             // by N01, the ledger's actor
	flag := l.do(day(1.8), domain.AddRegistration{RegistrationID: "r0", RegType: "ADVP"})
	l.do(day(2), domain.ShareInformation{InformationIDs: []string{"i1"}, Recipient: domain.Recipient{Organisation: "Children's Services"},
		Summary: "arrest", Basis: "safeguarding"})
	risk := l.doAs("N02", day(2.5), domain.AssessRisk{AssessmentID: "ra1", Tool: "OASys", RoSH: "high", RSR: 7})
	l.do(day(3), domain.ShareInformation{Recipient: domain.Recipient{Organisation: "MAPPA panel"}, Summary: "risk level", Basis: "MAPPA"})
	later := l.do(day(4), domain.AddRegistration{RegistrationID: "w1", RegType: "WEAP"})

	k := projections.KnowledgeMap(projections.At(l.history, day(5), day(5)), nil)
	require.Equal(t, day(5), k.At)
	require.Len(t, k.Information, 1)
	require.Equal(t, "arrested", k.Information[0].Summary)
	require.Equal(t, []projections.Holder{
		holder("N02", "officer", "received", day(1)),
		holder("N1", "team", "received", day(1)),
		holder("C1", "team", "routed", day(1.1)),
		holder("N01", "officer", "acknowledged", day(1.5)),
		holder("Children's Services", "organisation", "shared", day(2)),
	}, k.Information[0].Holders)

	require.Len(t, k.RiskFacts, 3)
	require.Equal(t, flag[0].EventID, k.RiskFacts[0].EventID)
	require.Equal(t, []projections.Holder{
		holder("N01", "officer", "received", day(1.8)),
		holder("MAPPA panel", "organisation", "shared", day(3)),
	}, k.RiskFacts[0].Holders, "a disclosure naming information does not share the risk facts")
	require.Equal(t, risk[0].EventID, k.RiskFacts[1].EventID)
	require.Equal(t, []projections.Holder{
		holder("N02", "officer", "received", day(2.5)),
		holder("MAPPA panel", "organisation", "shared", day(3)),
	}, k.RiskFacts[1].Holders, "a disclosure naming no information shares the risk facts known then")
	require.Equal(t, later[0].EventID, k.RiskFacts[2].EventID)
	require.Equal(t, []projections.Holder{holder("N01", "officer", "received", day(4))}, k.RiskFacts[2].Holders,
		"a risk fact after the disclosure was not shared by it")
	require.NotContains(t, k.Information[0].Holders, holder("MAPPA panel", "organisation", "shared", day(3)),
		"a disclosure naming no information does not share the information")

	early := projections.KnowledgeMap(projections.At(l.history, day(1.3), day(5)), nil)
	require.Equal(t, []projections.Holder{
		holder("N02", "officer", "received", day(1)),
		holder("N1", "team", "received", day(1)),
		holder("C1", "team", "routed", day(1.1)),
	}, early.Information[0].Holders, "as at T, only what had happened by T")
	require.Empty(t, early.RiskFacts)
}

func TestKnowledgeMapAsKnownAt(t *testing.T) {
	l := newLedger(t)
	opened(l)
	l.do(day(1), receive(domain.ReceivedBy{Reception: true}, "urgent", true))
	l.clock = day(5)
	l.do(day(2), ack) // acknowledged on day 2, typed in on day 5

	asKnownOnDay4 := projections.KnowledgeMap(projections.At(l.history, day(3), day(4)), nil)
	require.Equal(t, []projections.Holder{holder("reception", "reception", "received", day(1))}, asKnownOnDay4.Information[0].Holders)
	asKnownNow := projections.KnowledgeMap(projections.At(l.history, day(3), day(6)), nil)
	require.Contains(t, asKnownNow.Information[0].Holders, holder("N01", "officer", "acknowledged", day(2)))
}

func TestKnowledgeMapLeavesRetractedEntriesOut(t *testing.T) {
	l := newLedger(t)
	opened(l)
	l.do(day(1), receive(domain.ReceivedBy{Reception: true}, "urgent", true))
	wrong := l.do(day(1.5), route("C01", ""))
	l.do(day(2), domain.RetractEntry{EventID: wrong[0].EventID, Reason: "entered on the wrong case"})
	k := projections.KnowledgeMap(projections.At(l.history, day(3), day(3)), nil)
	require.Equal(t, []projections.Holder{holder("reception", "reception", "received", day(1))}, k.Information[0].Holders)
}

func TestKnowledgeMapReaders(t *testing.T) {
	l := newLedger(t)
	opened(l)
	s := projections.At(l.history, day(3), day(10))
	none := projections.KnowledgeMap(s, nil)
	require.NotNil(t, none.Readers)
	require.NotNil(t, none.Information)
	require.NotNil(t, none.RiskFacts)

	k := projections.KnowledgeMap(s, []projections.Reader{{Actor: "C01", At: day(2)}, {Actor: "N01", At: day(1)}, {Actor: "N02", At: day(4)}})
	require.Equal(t, []projections.Reader{{Actor: "N01", At: day(1)}, {Actor: "C01", At: day(2)}}, k.Readers, "by T, in time order")

	b, err := json.Marshal(k)
	require.NoError(t, err)
	var shape map[string]any
	require.NoError(t, json.Unmarshal(b, &shape))
	require.ElementsMatch(t, []string{"at", "information", "risk_facts", "readers"}, keysOf(shape))
}

func TestKnowledgeMapJSON(t *testing.T) {
	l := newLedger(t)
	opened(l)
	l.do(day(1), receive(domain.ReceivedBy{Officer: "N01"}, "urgent", true))
	l.do(day(1), domain.AssessRisk{AssessmentID: "ra1", Tool: "OASys", RoSH: "low", RSR: 1})
	b, err := json.Marshal(projections.KnowledgeMap(projections.At(l.history, day(2), day(2)), nil))
	require.NoError(t, err)
	var got struct {
		Information []map[string]any `json:"information"`
		RiskFacts   []map[string]any `json:"risk_facts"`
	}
	require.NoError(t, json.Unmarshal(b, &got))
	require.ElementsMatch(t, []string{"information_id", "summary", "received_at", "holders"}, keysOf(got.Information[0]))
	require.ElementsMatch(t, []string{"event_id", "summary", "at", "holders"}, keysOf(got.RiskFacts[0]))
	h := got.Information[0]["holders"].([]any)[0].(map[string]any)
	require.ElementsMatch(t, []string{"who", "who_kind", "how", "at"}, keysOf(h))
}

func keysOf(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
