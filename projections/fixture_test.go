package projections_test

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/caseledger/caseledger/domain"
)

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func day(n float64) time.Time { return t0.Add(time.Duration(n * float64(24*time.Hour))) }

var nps = domain.Actor{ID: "N01", Name: "Sam Pike", Organisation: "NPS", Roles: []string{"practitioner"}}

func testOrg(t *testing.T) *domain.Org {
	t.Helper()
	at := t0.AddDate(-1, 0, 0)
	var evs []domain.Recorded
	for i, e := range []domain.Event{
		domain.ProviderRegistered{Code: "NPS", Name: "NPS", HighRisk: true},
		domain.ProviderRegistered{Code: "CRC1", Name: "Northern CRC"},
		domain.TeamRegistered{Code: "N1", Provider: "NPS", Name: "Leeds", Phone: "0113 1", Email: "n1@x"},
		domain.TeamRegistered{Code: "C1", Provider: "CRC1", Name: "Bradford", Phone: "01274 1", Email: "c1@x"},
		domain.OfficerRegistered{Code: "N01", Name: "Sam Pike", Grade: "PO", Team: "N1", Phone: "1", Email: "a@x"},
		domain.OfficerRegistered{Code: "N02", Name: "Ali Khan", Grade: "SPO", Team: "N1", Phone: "2", Email: "b@x"},
		domain.OfficerRegistered{Code: "C01", Name: "Kim Lee", Grade: "PO", Team: "C1", Phone: "3", Email: "c@x"},
	} {
		evs = append(evs, domain.Recorded{EventID: uuid.NewString(), Position: uint64(i + 1), OccurredAt: at, RecordedAt: at, Event: e})
	}
	return domain.BuildOrg(evs)
}

// ledger is one case's stream being written in a test, with a clock for
// recorded_at that only moves forward.
type ledger struct {
	t       *testing.T
	org     *domain.Org
	history []domain.Recorded
	clock   time.Time
}

func newLedger(t *testing.T) *ledger {
	return &ledger{t: t, org: testOrg(t), clock: t0}
}

// try decides cmd as at occurred, recorded at the ledger's clock (at least
// occurred); it stores the events and returns them, or the refusal.
func (l *ledger) try(occurred time.Time, cmd domain.Command) ([]domain.Recorded, error) {
	l.t.Helper()
	if occurred.After(l.clock) {
		l.clock = occurred
	}
	m := domain.Meta{OccurredAt: occurred, Now: l.clock, Actor: nps, Seed: uuid.New()}
	evs, err := domain.Decide(l.history, l.org, m, cmd)
	if err != nil {
		return nil, err
	}
	for i := range evs {
		evs[i].Position = uint64(len(l.history) + 1000)
		evs[i].Revision = uint64(len(l.history))
		evs[i].RecordedAt = l.clock
		l.history = append(l.history, evs[i])
	}
	return evs, nil
}

// do is try that must succeed.
func (l *ledger) do(occurred time.Time, cmd domain.Command) []domain.Recorded {
	l.t.Helper()
	evs, err := l.try(occurred, cmd)
	require.NoError(l.t, err)
	return evs
}

// advance moves the recording clock on.
func (l *ledger) advance(d time.Duration) { l.clock = l.clock.Add(d) }

func opened(l *ledger) {
	l.do(t0, domain.OpenCase{CRN: "X123456", Person: domain.Person{GivenName: "Lee", FamilyName: "Barr", DateOfBirth: "1990-01-01"}})
	l.do(t0, domain.AllocateCase{Provider: "NPS", Team: "N1", Officer: "N01", Reason: "initial_allocation", Rationale: "capacity"})
}

func ids(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s%d", prefix, i+1)
	}
	return out
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }
