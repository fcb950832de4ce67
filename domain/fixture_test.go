package domain_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/caseledger/caseledger/domain"
)

// t0 is the day the test cases open; the org exists from a year before.
var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// now is the server's clock in the tests.
var now = t0.AddDate(0, 6, 0)

func day(n int) time.Time { return t0.Add(time.Duration(n) * 24 * time.Hour) }

var practitioner = domain.Actor{ID: "N01", Name: "Sam Pike", Organisation: "NPS", Roles: []string{"practitioner"}}

// orgEvents registers NPS (high_risk) and two private providers, CRC1 and
// CRC2, each with a team, and officers in them.
func orgEvents() []domain.Recorded {
	at := t0.AddDate(-1, 0, 0)
	return stored(
		rec(at, domain.ProviderRegistered{Code: "NPS", Name: "National Probation Service", HighRisk: true}),
		rec(at, domain.ProviderRegistered{Code: "CRC1", Name: "Northern CRC"}),
		rec(at, domain.ProviderRegistered{Code: "CRC2", Name: "Southern CRC"}),
		rec(at, domain.TeamRegistered{Code: "N1", Provider: "NPS", Name: "Leeds North", Phone: "0113 000", Email: "n1@x"}),
		rec(at, domain.TeamRegistered{Code: "N2", Provider: "NPS", Name: "Leeds South", Phone: "0113 001", Email: "n2@x"}),
		rec(at, domain.TeamRegistered{Code: "C1", Provider: "CRC1", Name: "Bradford", Phone: "01274", Email: "c1@x"}),
		rec(at, domain.TeamRegistered{Code: "C2", Provider: "CRC2", Name: "Hull", Phone: "01482", Email: "c2@x"}),
		rec(at, domain.OfficerRegistered{Code: "N01", Name: "Sam Pike", Grade: "PO", Team: "N1", Phone: "1", Email: "n01@x"}),
		rec(at, domain.OfficerRegistered{Code: "N02", Name: "Ali Khan", Grade: "SPO", Team: "N1", Phone: "2", Email: "n02@x"}),
		rec(at, domain.OfficerRegistered{Code: "N03", Name: "Jo Reed", Grade: "PSO", Team: "N2", Phone: "3", Email: "n03@x"}),
		rec(at, domain.OfficerRegistered{Code: "C01", Name: "Kim Lee", Grade: "PO", Team: "C1", Phone: "4", Email: "c01@x"}),
		rec(at, domain.OfficerRegistered{Code: "C02", Name: "Pat Ode", Grade: "PO", Team: "C2", Phone: "5", Email: "c02@x"}),
	)
}

func testOrg() *domain.Org { return domain.BuildOrg(orgEvents()) }

// rec is an event by the test practitioner at an instant, not yet stored.
func rec(at time.Time, e domain.Event) domain.Recorded {
	return domain.Recorded{EventID: uuid.NewString(), OccurredAt: at, Actor: practitioner, Event: e}
}

// stored gives events positions and recording times in the order given, as
// a store would.
func stored(evs ...domain.Recorded) []domain.Recorded {
	out := make([]domain.Recorded, len(evs))
	for i, r := range evs {
		r.Position = uint64(i + 1)
		r.Revision = uint64(i)
		if r.RecordedAt.IsZero() {
			r.RecordedAt = r.OccurredAt
		}
		out[i] = r
	}
	return out
}

// opened is a case opened by NPS at t0.
func opened() domain.Recorded {
	return rec(t0, domain.CaseOpened{CRN: "X123456", Person: domain.Person{GivenName: "Lee", FamilyName: "Barr", DateOfBirth: "1990-01-01"}})
}

func allocated(at time.Time, provider, team, officer string) domain.Recorded {
	return rec(at, domain.CaseAllocated{Provider: provider, Team: team, Officer: officer, Reason: "initial_allocation", Rationale: "fits caseload"})
}

func meta(at time.Time) domain.Meta {
	return domain.Meta{OccurredAt: at, Now: now, Actor: practitioner, Seed: uuid.New()}
}

// decideAt runs Decide on a stored history at an instant. It decides the
// command the general way too (domain.DecideGenerally, which re-folds and
// re-checks the whole history) and requires the same answer, so that every
// test of the rules also checks Decide's shortcut for commands at the end.
func decideAt(t *testing.T, history []domain.Recorded, at time.Time, cmd domain.Command) ([]domain.Recorded, error) {
	t.Helper()
	h, org, m := stored(history...), testOrg(), meta(at)
	got, err := domain.Decide(h, org, m, cmd)
	want, wantErr := domain.DecideGenerally(h, org, m, cmd)
	require.Equal(t, wantErr, err, "Decide and the general path refuse alike")
	require.Equal(t, want, got, "Decide and the general path decide alike")
	return got, err
}

// appendDecided stores decided events after history, as a store would.
func appendDecided(history, evs []domain.Recorded) []domain.Recorded {
	return stored(append(append([]domain.Recorded(nil), history...), evs...)...)
}

// mustDecide decides and appends, failing the test on refusal.
func mustDecide(t *testing.T, history []domain.Recorded, at time.Time, cmd domain.Command) []domain.Recorded {
	t.Helper()
	evs, err := decideAt(t, history, at, cmd)
	require.NoError(t, err)
	return appendDecided(history, evs)
}

func types(evs []domain.Recorded) []string {
	out := make([]string, len(evs))
	for i, r := range evs {
		out[i] = r.Event.Type()
	}
	return out
}

// requireRule asserts err is the given rule.
func requireRule(t *testing.T, err error, rule *domain.Error) {
	t.Helper()
	require.Error(t, err)
	require.ErrorIs(t, err, rule, "got %v", err)
}

func ids(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s%d", prefix, i+1)
	}
	return out
}
