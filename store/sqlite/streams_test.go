package sqlite_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/caseledger/caseledger/domain"
	"github.com/caseledger/caseledger/projections/runner"
	"github.com/caseledger/caseledger/store"
	"github.com/caseledger/caseledger/store/sqlite"
)

// writeLedger appends, in random order, events of many cases (some with
// hundreds of events, so batches split between streams), their access logs
// and the org stream. It returns every stream's events as stored.
func writeLedger(t *testing.T, s *sqlite.Store, rng *rand.Rand) map[string][]domain.Envelope {
	t.Helper()
	ctx := context.Background()
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	var streams []string
	for i := range 60 {
		streams = append(streams, domain.CaseStream(fmt.Sprintf("X%06d", i)))
		if i%3 == 0 {
			streams = append(streams, "access-"+fmt.Sprintf("X%06d", i))
		}
	}
	streams = append(streams, "org")
	next := map[string]int{}
	for range 3000 {
		stream := streams[rng.IntN(len(streams))]
		if rng.IntN(4) == 0 {
			stream = streams[rng.IntN(3)] // a few long streams
		}
		e := ledgerEvent(stream, next[stream], at.Add(time.Duration(rng.IntN(1000))*time.Hour), rng)
		_, err := s.Append(ctx, stream, store.Any, e)
		require.NoError(t, err)
		next[stream]++
	}
	out := map[string][]domain.Envelope{}
	for stream := range next {
		envs, err := s.ReadStream(ctx, stream, 0, 100000)
		require.NoError(t, err)
		out[stream] = envs
	}
	return out
}

// ledgerEvent is the n-th event of stream: a case is opened, then allocated
// and assessed; access logs and the org hold their own types.
func ledgerEvent(stream string, n int, at time.Time, rng *rand.Rand) domain.Envelope {
	var ev domain.Event
	switch {
	case stream == "org":
		ev = domain.TeamRegistered{Code: fmt.Sprintf("T%d", n), Provider: "NPS", Name: "Team"}
	case stream[:7] == "access-":
		ev = domain.AccessRecorded{View: "summary", Outcome: domain.AccessAllowed}
	case n == 0:
		ev = domain.CaseOpened{CRN: stream[len("case-"):], Person: domain.Person{GivenName: "A", FamilyName: "B"}}
	case rng.IntN(2) == 0:
		ev = domain.CaseAllocated{Provider: "NPS", Team: "N1", Officer: fmt.Sprintf("N%02d", rng.IntN(5)), Reason: "initial_allocation"}
	default:
		ev = domain.RiskAssessed{AssessmentID: fmt.Sprintf("a%d", n), Tool: "OASys", RoSH: domain.RoSHLevels[rng.IntN(4)]}
	}
	data, _ := json.Marshal(ev)
	return domain.Envelope{EventID: uuid.NewString(), Type: ev.Type(), SchemaVersion: domain.SchemaVersion, OccurredAt: at,
		Actor: domain.Actor{ID: fmt.Sprintf("U%d", rng.IntN(7)), Name: "User", Organisation: "NPS", Roles: []string{"practitioner"}}, Data: data}
}

func TestReadStreamsReadsEachStreamWhole(t *testing.T) {
	s := openAt(t, filepath.Join(t.TempDir(), "ledger.db"))
	head, err := s.ReadStreams(context.Background(), func([]domain.Envelope) error { return errors.New("no streams to read") })
	require.NoError(t, err)
	require.Zero(t, head, "an empty store")

	want := writeLedger(t, s, rand.New(rand.NewPCG(1, 2)))
	var mu sync.Mutex
	got := map[string][]domain.Envelope{}
	head, err = s.ReadStreams(context.Background(), func(envs []domain.Envelope) error {
		mu.Lock()
		defer mu.Unlock()
		require.NotContains(t, got, envs[0].Stream, "a stream comes once")
		got[envs[0].Stream] = envs
		return nil
	})
	require.NoError(t, err)
	require.Equal(t, want, got)
	last, err := s.ReadAll(context.Background(), head-1, 10)
	require.NoError(t, err)
	require.Len(t, last, 1, "the head is the last event")
	require.Equal(t, head, last[0].Position)
}

func TestReadStreamsStopsAtTheFirstError(t *testing.T) {
	s := openAt(t, filepath.Join(t.TempDir(), "ledger.db"))
	writeLedger(t, s, rand.New(rand.NewPCG(3, 4)))
	stop := errors.New("stop")
	var mu sync.Mutex
	calls := 0
	_, err := s.ReadStreams(context.Background(), func([]domain.Envelope) error {
		mu.Lock()
		defer mu.Unlock()
		calls++
		return stop
	})
	require.ErrorIs(t, err, stop)
	require.Less(t, calls, 20, "the read stops")

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = s.ReadStreams(ctx, func([]domain.Envelope) error { return nil })
	require.ErrorIs(t, err, context.Canceled)
}

// pageByPage hides ReadStreams, so the runner folds the global order page
// by page as it does over any store.
type pageByPage struct{ runner.Source }

func TestRebuildOverStreamsEqualsCatchingUpPageByPage(t *testing.T) {
	s := openAt(t, filepath.Join(t.TempDir(), "ledger.db"))
	writeLedger(t, s, rand.New(rand.NewPCG(5, 6)))
	now := func() time.Time { return time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC) }
	dir := t.TempDir()

	streams := runner.New(s, now, filepath.Join(dir, "streams.json"))
	n, err := streams.Rebuild(context.Background(), nil)
	require.NoError(t, err)
	require.Equal(t, 3000, n)
	pages := runner.New(pageByPage{s}, now, filepath.Join(dir, "pages.json"))
	n, err = pages.Rebuild(context.Background(), nil)
	require.NoError(t, err)
	require.Equal(t, 3000, n)

	require.Equal(t, pages.Position(), streams.Position())
	require.Equal(t, readFile(t, filepath.Join(dir, "pages.json")), readFile(t, filepath.Join(dir, "streams.json")),
		"the same snapshot, byte for byte")
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return string(b)
}

func TestCatchingUpFromNothingOverStreamsThenPageByPage(t *testing.T) {
	s := openAt(t, filepath.Join(t.TempDir(), "ledger.db"))
	rng := rand.New(rand.NewPCG(7, 8))
	writeLedger(t, s, rng)
	now := func() time.Time { return time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC) }
	dir := t.TempDir()
	streams := runner.New(s, now, filepath.Join(dir, "streams.json"))
	require.NoError(t, streams.CatchUp(context.Background()), "empty projections: every stream folded at once")
	writeLedger(t, s, rng) // more of the same streams, and the org
	require.NoError(t, streams.CatchUp(context.Background()), "then the new events, page by page")
	require.NoError(t, streams.Save())

	pages := runner.New(pageByPage{s}, now, filepath.Join(dir, "pages.json"))
	require.NoError(t, pages.CatchUp(context.Background()))
	require.NoError(t, pages.Save())
	require.Equal(t, pages.Position(), streams.Position())
	require.Equal(t, readFile(t, filepath.Join(dir, "pages.json")), readFile(t, filepath.Join(dir, "streams.json")))
}
