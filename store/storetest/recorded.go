package storetest

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/caseledger/caseledger/domain"
	"github.com/caseledger/caseledger/store"
)

// testRecordedAt checks that the store, not the caller, stamps recorded_at,
// that it never decreases along the global order, and that occurred_at is
// kept as the caller gave it.
func testRecordedAt(t *testing.T, f Factory) {
	s := f.New(t)
	forged := time.Date(1999, 1, 1, 0, 0, 0, 0, time.UTC)
	before := time.Now()
	for i := range 20 {
		e := newEvent(t)
		e.RecordedAt = forged
		appendOK(t, s, []string{"case-a", "case-b", "case-c"}[i%3], store.Any, e)
	}
	after := time.Now()

	all := readAll(t, s)
	require.Len(t, all, 20)
	requireGlobalOrder(t, all)
	for _, e := range all {
		require.False(t, e.RecordedAt.Equal(forged), "the caller's recorded_at is ignored")
		require.Equal(t, time.UTC, e.RecordedAt.Location())
		// A minute either side allows for a store whose clock is a server's.
		require.WithinRange(t, e.RecordedAt, before.Add(-time.Minute), after.Add(time.Minute))
		requireSameTime(t, occurred, e.OccurredAt)
	}
}

// testRoundTrip checks that everything the caller sets comes back as given.
func testRoundTrip(t *testing.T, f Factory) {
	s := f.New(t)
	e := newEvent(t)
	e.Type = "contact.recorded"
	e.SchemaVersion = 3
	e.Actor = domain.Actor{ID: "P123", Name: "Zoë O'Brien", Organisation: "NPS Wales", Roles: []string{"practitioner", "spo"}}
	e.CorrelationID = "corr-1"
	e.CausationID = "cause-1"
	e.Replaces = "0b0f6a7e-1111-4222-8333-444455556666"
	e.Imported = &domain.Imported{
		System:     "nDelius",
		RecordedAt: time.Date(2019, 7, 4, 9, 15, 30, 5000, time.FixedZone("", -5*3600)),
		Actor:      domain.Actor{ID: "legacy-9", Name: "Legacy", Organisation: "CRC", Roles: []string{}},
	}
	e.Data = json.RawMessage(`{
		"text": "met at \"office\" — ☃ \u00e9 <b>&</b>",
		"nested": {"list": [1, 2.5, -3e-7, null, true], "empty": {}},
		"big": 12345678901234567890
	}`)
	plain := newEvent(t)
	plain.Actor.Roles = nil
	plain.Data = nil

	res := appendOK(t, s, "case-rt", store.NoStream, e, plain)
	got := readStream(t, s, "case-rt")
	require.Len(t, got, 2)
	requireSameEnvelopes(t, res.Events, got)
	requireChain(t, got)

	r := got[0]
	require.Equal(t, e.Type, r.Type)
	require.Equal(t, e.SchemaVersion, r.SchemaVersion)
	require.Equal(t, e.Actor, r.Actor)
	require.Equal(t, e.CorrelationID, r.CorrelationID)
	require.Equal(t, e.CausationID, r.CausationID)
	require.Equal(t, e.Replaces, r.Replaces)
	require.NotNil(t, r.Imported)
	require.Equal(t, e.Imported.System, r.Imported.System)
	require.True(t, e.Imported.RecordedAt.Equal(r.Imported.RecordedAt))
	require.Equal(t, e.Imported.Actor, r.Imported.Actor)
	require.JSONEq(t, string(e.Data), string(r.Data))
	require.Nil(t, got[1].Imported)
	require.JSONEq(t, "{}", string(got[1].Data), "absent data is stored as the empty object it is hashed as")
}
