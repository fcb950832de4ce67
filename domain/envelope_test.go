package domain_test

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/caseledger/caseledger/domain"
)

// envelope is an unsealed envelope of a case event with every optional field set.
func envelope(t *testing.T, data string) domain.Envelope {
	t.Helper()
	return domain.Envelope{
		EventID:       "7d3f4d1e-5c43-4f4e-9d1b-2f55b1a0c001",
		Type:          "case.closed",
		SchemaVersion: domain.SchemaVersion,
		OccurredAt:    t0,
		Actor:         practitioner,
		CorrelationID: "req-1",
		CausationID:   "7d3f4d1e-5c43-4f4e-9d1b-2f55b1a0c000",
		Replaces:      "7d3f4d1e-5c43-4f4e-9d1b-2f55b1a0cfff",
		Imported: &domain.Imported{System: "nDelius", RecordedAt: t0.Add(-time.Hour),
			Actor: domain.Actor{ID: "D1", Name: "Delius user", Organisation: "NPS", Roles: []string{"import"}}},
		Data: json.RawMessage(data),
	}
}

// sealed is envelope sealed as the first event of a case stream.
func sealed(t *testing.T, data string) domain.Envelope {
	t.Helper()
	e := envelope(t, data)
	require.NoError(t, domain.Seal(&e, "case-X123456", 0, domain.ZeroHash, t0.Add(time.Minute)))
	return e
}

func hashOf(t *testing.T, e domain.Envelope) string {
	t.Helper()
	h, err := domain.ComputeHash(e)
	require.NoError(t, err)
	return h
}

func TestSealStampsTheChainFields(t *testing.T) {
	given := envelope(t, `{"reason":"moved abroad"}`)
	given.OccurredAt = t0.In(time.FixedZone("BST", 3600))
	given.Imported.RecordedAt = given.Imported.RecordedAt.In(time.FixedZone("BST", 3600))
	when := given
	require.NoError(t, domain.Seal(&when, "case-X123456", 7, "ab"+domain.ZeroHash[2:], t0.Add(time.Minute).In(time.FixedZone("BST", 3600))))

	require.Equal(t, "case-X123456", when.Stream)
	require.Equal(t, uint64(7), when.Revision)
	require.Equal(t, "ab"+domain.ZeroHash[2:], when.PrevHash)
	require.Equal(t, time.UTC, when.RecordedAt.Location(), "recorded_at is stored in UTC")
	require.Equal(t, time.UTC, when.OccurredAt.Location(), "occurred_at is stored in UTC")
	require.Equal(t, time.UTC, when.Imported.RecordedAt.Location(), "imported.recorded_at is stored in UTC")
	require.True(t, t0.Equal(when.OccurredAt), "sealing keeps the instant")
	require.NotEqual(t, time.UTC, given.Imported.RecordedAt.Location(), "sealing leaves the caller's imported record alone")
	require.Len(t, when.Hash, 64)
	require.Equal(t, hashOf(t, when), when.Hash)
}

func TestHashChangesWhenAnyHashedFieldChanges(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(e *domain.Envelope)
	}{
		{"event_id", func(e *domain.Envelope) { e.EventID = uuid.NewString() }},
		{"stream", func(e *domain.Envelope) { e.Stream = "case-X123457" }},
		{"revision", func(e *domain.Envelope) { e.Revision++ }},
		{"type", func(e *domain.Envelope) { e.Type = "case.reopened" }},
		{"schema_version", func(e *domain.Envelope) { e.SchemaVersion++ }},
		{"occurred_at", func(e *domain.Envelope) { e.OccurredAt = e.OccurredAt.Add(time.Nanosecond) }},
		{"recorded_at", func(e *domain.Envelope) { e.RecordedAt = e.RecordedAt.Add(time.Second) }},
		{"actor.id", func(e *domain.Envelope) { e.Actor.ID = "N02" }},
		{"actor.name", func(e *domain.Envelope) { e.Actor.Name = "Someone Else" }},
		{"actor.organisation", func(e *domain.Envelope) { e.Actor.Organisation = "CRC1" }},
		{"actor.roles", func(e *domain.Envelope) { e.Actor.Roles = []string{"practitioner", "reviewer"} }},
		{"correlation_id", func(e *domain.Envelope) { e.CorrelationID = "req-2" }},
		{"correlation_id removed", func(e *domain.Envelope) { e.CorrelationID = "" }},
		{"causation_id", func(e *domain.Envelope) { e.CausationID = "" }},
		{"replaces", func(e *domain.Envelope) { e.Replaces = "" }},
		{"imported removed", func(e *domain.Envelope) { e.Imported = nil }},
		{"imported.system", func(e *domain.Envelope) {
			e.Imported = &domain.Imported{System: "OASys", RecordedAt: e.Imported.RecordedAt, Actor: e.Imported.Actor}
		}},
		{"imported.recorded_at", func(e *domain.Envelope) {
			e.Imported = &domain.Imported{System: e.Imported.System, RecordedAt: e.Imported.RecordedAt.Add(time.Second), Actor: e.Imported.Actor}
		}},
		{"imported.actor", func(e *domain.Envelope) {
			e.Imported = &domain.Imported{System: e.Imported.System, RecordedAt: e.Imported.RecordedAt, Actor: domain.Actor{ID: "D2"}}
		}},
		{"prev_hash", func(e *domain.Envelope) { e.PrevHash = "1" + e.PrevHash[1:] }},
		{"data value", func(e *domain.Envelope) { e.Data = json.RawMessage(`{"reason":"moved abroaD"}`) }},
		{"data key", func(e *domain.Envelope) { e.Data = json.RawMessage(`{"Reason":"moved abroad"}`) }},
		{"data emptied", func(e *domain.Envelope) { e.Data = nil }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			given := sealed(t, `{"reason":"moved abroad"}`)
			when := given
			tc.mutate(&when)
			require.NotEqual(t, given.Hash, hashOf(t, when))
		})
	}
}

func TestHashIgnoresPositionHashAndPresentation(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(e *domain.Envelope)
	}{
		{"position", func(e *domain.Envelope) { e.Position = 99 }},
		{"hash", func(e *domain.Envelope) { e.Hash = domain.ZeroHash }},
		{"data key order", func(e *domain.Envelope) { e.Data = json.RawMessage(`{"b":2,"a":1}`) }},
		{"data whitespace", func(e *domain.Envelope) { e.Data = json.RawMessage("{ \"a\" : 1,\n\t\"b\" : 2 }") }},
		{"data number form", func(e *domain.Envelope) { e.Data = json.RawMessage(`{"a":1.0,"b":2e0}`) }},
		{"data string escapes", func(e *domain.Envelope) { e.Data = json.RawMessage(`{"\u0061":1,"b":2}`) }},
		{"occurred_at zone", func(e *domain.Envelope) { e.OccurredAt = e.OccurredAt.In(time.FixedZone("", -5*3600)) }},
		{"recorded_at zone", func(e *domain.Envelope) { e.RecordedAt = e.RecordedAt.In(time.FixedZone("", 3600)) }},
		{"imported.recorded_at zone", func(e *domain.Envelope) {
			e.Imported = &domain.Imported{System: e.Imported.System, RecordedAt: e.Imported.RecordedAt.In(time.FixedZone("", 3600)), Actor: e.Imported.Actor}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			given := sealed(t, `{"a":1,"b":2}`)
			when := given
			tc.mutate(&when)
			require.Equal(t, given.Hash, hashOf(t, when))
		})
	}
}

func TestHashTreatsMissingRolesAndDataAsEmpty(t *testing.T) {
	given := sealed(t, "")
	given.Actor.Roles = nil
	when := given
	when.Actor.Roles, when.Data = []string{}, json.RawMessage(`{}`)
	require.Equal(t, hashOf(t, given), hashOf(t, when))
}

func TestHashChangesWhenAnyByteOfDataChanges(t *testing.T) {
	data := `{"crn":"X123456","n":42,"ok":true,"person":{"given_name":"Lee"}}`
	given := sealed(t, data)
	changed := 0
	for i := range len(data) {
		for _, b := range []byte(`0123456789aAzZ{}[]":,. -e`) {
			if b == data[i] {
				continue
			}
			mutated := []byte(data)
			mutated[i] = b
			if !json.Valid(mutated) {
				continue
			}
			when := given
			when.Data = mutated
			got, err := domain.ComputeHash(when)
			if err != nil {
				continue // refusing to hash is as good as a mismatch
			}
			require.NotEqual(t, given.Hash, got, "data %s hashes like %s", mutated, data)
			changed++
		}
	}
	require.Greater(t, changed, len(data), "most single-byte changes keep the data valid JSON")
}

func TestComputeHashRefusesInvalidData(t *testing.T) {
	given := envelope(t, `{"a":`)
	_, err := domain.ComputeHash(given)
	require.Error(t, err)
}

// chain seals events of two interleaved streams in global order, as a store would.
func chain(t *testing.T) []domain.Envelope {
	t.Helper()
	streams := []string{"case-X000001", "case-X000002", "case-X000001", "case-X000001", "case-X000002", "case-X000001", "case-X000002"}
	prev, revs := map[string]string{}, map[string]uint64{}
	out := make([]domain.Envelope, 0, len(streams))
	for i, s := range streams {
		e := domain.Envelope{EventID: fmt.Sprintf("00000000-0000-4000-8000-%012d", i), Type: "case.reopened",
			SchemaVersion: domain.SchemaVersion, OccurredAt: day(i), Actor: practitioner,
			Position: uint64(i + 1), Data: json.RawMessage(fmt.Sprintf(`{"reason":"r%d"}`, i))}
		p, ok := prev[s]
		if !ok {
			p = domain.ZeroHash
		}
		require.NoError(t, domain.Seal(&e, s, revs[s], p, day(i)))
		prev[s], revs[s] = e.Hash, revs[s]+1
		out = append(out, e)
	}
	return out
}

func verify(evs []domain.Envelope) *domain.ChainVerifier {
	v := domain.NewChainVerifier()
	for _, e := range evs {
		v.Add(e)
	}
	return v
}

func TestChainVerifierNamesTheFirstBadEventOfEachStream(t *testing.T) {
	type bad struct {
		stream   string
		revision uint64
		event    int // index in chain(t)
	}
	tests := []struct {
		name   string
		tamper func(evs []domain.Envelope) []domain.Envelope
		want   []bad
	}{
		{
			name:   "untouched",
			tamper: func(evs []domain.Envelope) []domain.Envelope { return evs },
		},
		{
			name: "altered data",
			tamper: func(evs []domain.Envelope) []domain.Envelope {
				evs[2].Data = json.RawMessage(`{"reason":"rewritten"}`)
				return evs
			},
			want: []bad{{"case-X000001", 1, 2}},
		},
		{
			name: "altered occurred_at",
			tamper: func(evs []domain.Envelope) []domain.Envelope {
				evs[3].OccurredAt = evs[3].OccurredAt.Add(-48 * time.Hour)
				return evs
			},
			want: []bad{{"case-X000001", 2, 3}},
		},
		{
			name: "altered and re-hashed: the next event's prev_hash no longer matches",
			tamper: func(evs []domain.Envelope) []domain.Envelope {
				evs[2].Data = json.RawMessage(`{"reason":"rewritten"}`)
				evs[2].Hash, _ = domain.ComputeHash(evs[2])
				return evs
			},
			want: []bad{{"case-X000001", 2, 3}},
		},
		{
			name: "removed",
			tamper: func(evs []domain.Envelope) []domain.Envelope {
				return append(evs[:2:2], evs[3:]...)
			},
			want: []bad{{"case-X000001", 2, 3}},
		},
		{
			name: "removed and later revisions renumbered",
			tamper: func(evs []domain.Envelope) []domain.Envelope {
				evs[3].Revision, evs[5].Revision = 1, 2
				return append(evs[:2:2], evs[3:]...)
			},
			want: []bad{{"case-X000001", 1, 3}},
		},
		{
			name: "two swapped",
			tamper: func(evs []domain.Envelope) []domain.Envelope {
				evs[2], evs[3] = evs[3], evs[2]
				return evs
			},
			want: []bad{{"case-X000001", 2, 3}},
		},
		{
			name: "two swapped with their revisions",
			tamper: func(evs []domain.Envelope) []domain.Envelope {
				evs[2], evs[3] = evs[3], evs[2]
				evs[2].Revision, evs[3].Revision = 1, 2
				return evs
			},
			want: []bad{{"case-X000001", 1, 3}},
		},
		{
			name: "bad events in both streams: one failure each, the first",
			tamper: func(evs []domain.Envelope) []domain.Envelope {
				evs[1].Actor.Name = "Mallory"
				evs[3].Data = json.RawMessage(`{"reason":"x"}`)
				evs[6].Data = json.RawMessage(`{"reason":"y"}`)
				return append(evs[:4:4], evs[5:]...)
			},
			want: []bad{{"case-X000002", 0, 1}, {"case-X000001", 2, 3}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			given := chain(t)
			ids := map[int]string{}
			for i, e := range given {
				ids[i] = e.EventID
			}
			got := verify(tc.tamper(given))

			want := make([]domain.ChainFailure, 0, len(tc.want))
			for _, b := range tc.want {
				want = append(want, domain.ChainFailure{Stream: b.stream, Revision: b.revision, EventID: ids[b.event]})
			}
			gotNoReason := make([]domain.ChainFailure, 0, len(got.Failures))
			for _, f := range got.Failures {
				require.NotEmpty(t, f.Reason)
				f.Reason = ""
				gotNoReason = append(gotNoReason, f)
			}
			require.Equal(t, want, gotNoReason)
			require.Equal(t, 2, got.Streams())
		})
	}
}
