package runner

import (
	"encoding/json"
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
			require.Equal(t, string(want), string(got))
		})
	}
}
