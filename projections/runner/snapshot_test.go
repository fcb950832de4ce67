package runner

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/caseledger/caseledger/domain"
	"github.com/caseledger/caseledger/projections"
)

func TestMarshalSnapshotIsJSONMarshal(t *testing.T) {
	dir, actors := projections.NewDirectory(), projections.NewActors()
	dir.Position = 9
	dir.Put(projections.CaseRow{CRN: "X1", Owner: &domain.Owner{Provider: "NPS", Team: "N1", Officer: "N01"}, Managers: []string{"<&>"}})
	dir.Put(projections.CaseRow{CRN: "X2", Closed: true, Revision: 4})
	actors.Apply(domain.Envelope{Stream: "case-X1", Position: 3, Type: "case.opened", RecordedAt: time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC), Actor: domain.Actor{ID: "N01"}})
	actors.Apply(domain.Envelope{Stream: "org", Position: 4, Type: "team.registered", Actor: domain.Actor{ID: "a\u2028"}})
	for _, tc := range []struct {
		name   string
		dir    *projections.Directory
		actors *projections.Actors
	}{{"empty", projections.NewDirectory(), projections.NewActors()}, {"rows and actors", dir, actors}} {
		t.Run(tc.name, func(t *testing.T) {
			want, err := json.Marshal(snapshotFile{Version: snapshotVersion, Directory: tc.dir, Actors: tc.actors})
			require.NoError(t, err)
			got, err := marshalSnapshot(tc.dir, tc.actors)
			require.NoError(t, err)
			require.Equal(t, string(want), string(bytes.Join(got, nil)))
		})
	}
}

func TestMarshalActorsIsJSONMarshal(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	parts := []string{"N01", "case-X123456", "org", "", " ", `"`, `\`, "<", ">", "&", "\n", "\x00", "\x7f", "é", "\u2028", "\xff", "access-X1"}
	str := func() string {
		var b strings.Builder
		for range rng.IntN(4) {
			b.WriteString(parts[rng.IntN(len(parts))])
		}
		return b.String()
	}
	zones := []*time.Location{time.UTC, time.FixedZone("BST", 3600), time.FixedZone("UTC", 0)}
	for range 200 {
		a := projections.NewActors()
		for range rng.IntN(30) {
			at := time.Unix(rng.Int64N(4e9), rng.Int64N(1e9)*int64(rng.IntN(2))).In(zones[rng.IntN(len(zones))])
			id := str()
			a.ByActor[id] = append(a.ByActor[id], projections.EventRef{Stream: str(), Revision: rng.Uint64(), Position: rng.Uint64N(1e9), Type: str(), RecordedAt: at})
		}
		if rng.IntN(10) == 0 {
			a.ByActor[str()] = nil
		}
		want, err := json.Marshal(a)
		require.NoError(t, err)
		got, err := marshalActors(a)
		require.NoError(t, err)
		require.Equal(t, string(want), string(bytes.Join(got, nil)))
	}
	for _, a := range []*projections.Actors{{}, {ByActor: map[string][]projections.EventRef{"x": {{RecordedAt: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}}}}} {
		want, wantErr := json.Marshal(a)
		got, err := marshalActors(a)
		require.Equal(t, wantErr != nil, err != nil)
		if err == nil {
			require.Equal(t, string(want), string(bytes.Join(got, nil)))
		}
	}
}

func TestDecodeSnapshotIsJSONUnmarshal(t *testing.T) {
	dir, actors := projections.NewDirectory(), projections.NewActors()
	dir.Position = 9
	dir.Put(projections.CaseRow{CRN: "X1", Owner: &domain.Owner{Provider: "NPS", Team: "N1", Officer: "N01"}, Managers: []string{"<&>"},
		Pending: []projections.PendingTransfer{{TransferID: "t1", Scope: "case", RequestedAt: time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC)}}})
	dir.Put(projections.CaseRow{CRN: "X2", Closed: true, Revision: 4, RoSH: "high", Excluded: []string{"N02"}})
	actors.Apply(domain.Envelope{Stream: "case-X1", Position: 3, Type: "case.opened", RecordedAt: time.Date(2026, 1, 2, 3, 4, 5, 6, time.FixedZone("BST", 3600)), Actor: domain.Actor{ID: "N01"}})
	actors.Apply(domain.Envelope{Stream: "org", Position: 4, Type: "team.registered", Actor: domain.Actor{ID: "a\u2028"}})
	pieces, err := marshalSnapshot(dir, actors)
	require.NoError(t, err)
	data := bytes.Join(pieces, nil)
	var want snapshotFile
	require.NoError(t, json.Unmarshal(data, &want))
	got, err := decodeSnapshot(data)
	require.NoError(t, err)
	require.Equal(t, want, got)

	_, err = decodeSnapshot([]byte(`{"version":1,"directory":`))
	require.Error(t, err, "a snapshot cut short is refused (and rebuilt from the store)")
}
