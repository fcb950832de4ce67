package api_test

import (
	"fmt"
	"net/http"
	"sort"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// requireGapless asserts a case stream's revisions run 0, 1, 2, … and
// returns how many events it holds.
func requireGapless(t *testing.T, h *harness, crn string) int {
	t.Helper()
	evs, etag, ok := h.caseEvents(t, crn)
	require.True(t, ok)
	for i, e := range evs {
		require.Equal(t, uint64(i), e.Revision, "no gaps")
	}
	require.Equal(t, fmt.Sprintf("%q", fmt.Sprint(len(evs)-1)), etag)
	return len(evs)
}

// exchange is one request sent from a goroutine, kept for the test to judge.
type exchange struct {
	etag string // the ETag read before writing, if any
	r    response
	err  error
}

// all runs f n times at once and waits for them.
func all(n int, f func(i int)) {
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			f(i)
		}()
	}
	close(start)
	wg.Wait()
}

// eventsOf is the read a writer makes to learn a case's ETag.
func eventsOf(crn string) call {
	return call{method: http.MethodGet, path: "/v1/cases/" + crn + "/events?from_revision=1000000", token: tokN01}
}

// registration is a write that any number of writers can make to one case.
func registration(crn, etag string) call {
	c := post(tokN01, "/v1/cases/"+crn+"/registrations", map[string]any{"type": "WEAP"})
	if etag != "" {
		c.header["If-Match"] = etag
	}
	return c
}

// TestIfMatchRace has writers that all read the same ETag and then write
// with If-Match: in each round exactly one succeeds, with the next revision,
// and the others get 412.
func TestIfMatchRace(t *testing.T) {
	h := newHarness(t)
	h.seedOrg(t)
	crn := h.newCRN()
	h.openCase(t, crn)
	const writers, rounds = 8, 5
	for round := 0; round < rounds; round++ {
		reads := make([]exchange, writers)
		all(writers, func(i int) { reads[i].r, reads[i].err = h.send(eventsOf(crn)) })
		writes := make([]exchange, writers)
		for i, rd := range reads {
			require.NoError(t, rd.err)
			require.Equal(t, http.StatusOK, rd.r.status)
			writes[i].etag = rd.r.header.Get("ETag")
		}
		all(writers, func(i int) { writes[i].r, writes[i].err = h.send(registration(crn, writes[i].etag)) })
		var won []written
		for _, x := range writes {
			require.NoError(t, x.err)
			require.Equal(t, fmt.Sprintf(`"%d"`, 1+round), x.etag, "every writer read the same revision")
			if x.r.status == http.StatusCreated {
				won = append(won, requireWritten(t, x.r, http.StatusCreated))
				continue
			}
			requireProblem(t, x.r, http.StatusPreconditionFailed, "precondition-failed")
		}
		require.Len(t, won, 1, "round %d: exactly one writer wins a revision", round)
		require.Equal(t, uint64(2+round), won[0].Revision, "the winner wrote the next revision")
	}
	require.Equal(t, 2+rounds, requireGapless(t, h, crn))
}

// TestIfMatchRaceFreeRunning has writers loop read-then-write with If-Match
// without a common start: every success has its own revision, the one after
// the ETag its writer read, every failure is 412, and the stream has no gaps.
func TestIfMatchRaceFreeRunning(t *testing.T) {
	h := newHarness(t)
	h.seedOrg(t)
	crn := h.newCRN()
	h.openCase(t, crn)
	const writers, attempts = 6, 6
	var mu sync.Mutex
	var got []exchange
	all(writers, func(int) {
		for i := 0; i < attempts; i++ {
			rd, err := h.send(eventsOf(crn))
			x := exchange{etag: rd.header.Get("ETag"), err: err}
			if err == nil {
				x.r, x.err = h.send(registration(crn, x.etag))
			}
			mu.Lock()
			got = append(got, x)
			mu.Unlock()
		}
	})
	var revisions []uint64
	for _, x := range got {
		require.NoError(t, x.err)
		if x.r.status != http.StatusCreated {
			requireProblem(t, x.r, http.StatusPreconditionFailed, "precondition-failed")
			continue
		}
		w := requireWritten(t, x.r, http.StatusCreated)
		require.Equal(t, fmt.Sprintf(`"%d"`, w.Revision-1), x.etag, "written on the revision its writer read")
		revisions = append(revisions, w.Revision)
	}
	sort.Slice(revisions, func(i, j int) bool { return revisions[i] < revisions[j] })
	require.NotEmpty(t, revisions)
	for i, r := range revisions {
		require.Equal(t, uint64(2+i), r, "one success per revision, no gaps")
	}
	require.Equal(t, 2+len(revisions), requireGapless(t, h, crn))
}

// TestConcurrentWritersWithoutIfMatch has 32 clients write to one case at
// once without If-Match: the ledger decides again when it loses a race, so
// every write succeeds, each with its own revision.
func TestConcurrentWritersWithoutIfMatch(t *testing.T) {
	h := newHarness(t)
	h.seedOrg(t)
	crn := h.newCRN()
	h.openCase(t, crn)
	const writers = 32
	got := make([]exchange, writers)
	all(writers, func(i int) {
		got[i].r, got[i].err = h.send(post(tokN01, "/v1/cases/"+crn+"/appointments", map[string]any{
			"appointment_id": fmt.Sprintf("ap%02d", i), "starts_at": "2030-01-01T10:00:00Z", "kind": "office", "officer": "N01"}))
	})
	seen := map[uint64]bool{}
	for _, x := range got {
		require.NoError(t, x.err)
		w := requireWritten(t, x.r, http.StatusCreated)
		require.False(t, seen[w.Revision], "revision %d written twice", w.Revision)
		seen[w.Revision] = true
	}
	require.Len(t, seen, writers)
	require.Equal(t, 2+writers, requireGapless(t, h, crn))
}
