package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/caseledger/caseledger/domain"
	"github.com/caseledger/caseledger/projections"
	"github.com/caseledger/caseledger/projections/runner"
	"github.com/caseledger/caseledger/store/sqlite"
)

// TestCrashUnderConcurrentWrites starts the real server in a child process,
// drives 64 concurrent writers, kills it with SIGKILL at a random moment,
// restarts it, and checks that every acknowledged write is present, no
// command is half-stored, every hash chain verifies, and the projections
// rebuilt from the store agree with the ones the restarted server catches up.
// CASELEDGER_CRASH_ITERATIONS sets how many times (default 3); a failure
// prints the seed, and CASELEDGER_CRASH_SEED replays it.
func TestCrashUnderConcurrentWrites(t *testing.T) {
	if testing.Short() {
		t.Skip("kills real servers")
	}
	iterations := envInt("CASELEDGER_CRASH_ITERATIONS", 3)
	seed := uint64(envInt("CASELEDGER_CRASH_SEED", int(time.Now().UnixNano()%1_000_000)))
	for i := 0; i < iterations; i++ {
		s := seed + uint64(i)
		t.Run(fmt.Sprintf("seed %d", s), func(t *testing.T) { crashOnce(t, s) })
	}
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil {
		return v
	}
	return def
}

// acked is a write the server acknowledged: its events, by stream.
type acked struct {
	crn    string
	events []string
}

func crashOnce(t *testing.T, seed uint64) {
	t.Logf("replay with CASELEDGER_CRASH_SEED=%d CASELEDGER_CRASH_ITERATIONS=1", seed)
	rng := rand.New(rand.NewPCG(seed, 1))
	dir := t.TempDir()
	c, n01 := startChildWithOrg(t, dir)
	const cases = 16
	for i := 0; i < cases; i++ {
		crn := fmt.Sprintf("X%06d", i)
		require.Equal(t, http.StatusCreated, c.call(t, http.MethodPost, n01, "/v1/cases",
			`{"crn":"`+crn+`","person":{"given_name":"A","family_name":"B","date_of_birth":"1990-01-01"}}`))
		require.Equal(t, http.StatusCreated, c.call(t, http.MethodPost, n01, "/v1/cases/"+crn+"/sentences",
			`{"sentence_id":"s1","kind":"community_order","court":"Leeds MC","start_date":"2026-01-05"}`))
		for _, r := range []string{"r1", "r2", "r3"} {
			require.Equal(t, http.StatusCreated, c.call(t, http.MethodPost, n01, "/v1/cases/"+crn+"/sentences/s1/requirements",
				`{"requirement_id":"`+r+`","category":"unpaid_work","description":"hours"}`))
		}
	}
	var mu sync.Mutex
	var done []acked
	stop := make(chan struct{})
	var wg sync.WaitGroup
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	for w := 0; w < 64; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for k := 0; ; k++ {
				select {
				case <-stop:
					return
				default:
				}
				crn := fmt.Sprintf("X%06d", (w+k)%cases)
				if a, ok := writeOnce(client, c.base, n01, crn, w, k); ok {
					mu.Lock()
					done = append(done, a)
					mu.Unlock()
				}
			}
		}(w)
	}
	time.Sleep(time.Duration(50+rng.IntN(400)) * time.Millisecond) // a random moment
	require.NoError(t, c.cmd.Process.Kill())
	_ = c.cmd.Wait()
	close(stop)
	wg.Wait()
	require.NotEmpty(t, done, "some writes were acknowledged before the kill")
	checkAfterCrash(t, dir, done)
}

// writeOnce records a risk assessment — or, now and then, terminates the
// case's sentence, a command of four events (the termination and three
// requirements ended with it); it returns the events of an acknowledged write.
func writeOnce(client *http.Client, base, token, crn string, w, k int) (acked, bool) {
	path, body := "/risk-assessments", fmt.Sprintf(`{"assessment_id":"ra-%d-%d","tool":"OASys","rosh":"medium","rsr":%d}`, w, k, k%100)
	if k == 3 {
		path, body = "/sentences/s1/termination", `{"reason":"revoked"}`
	}
	req, _ := http.NewRequest(http.MethodPost, base+"/v1/cases/"+crn+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return acked{}, false
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		return acked{}, false
	}
	var out struct {
		Events []struct {
			EventID string `json:"event_id"`
		} `json:"events"`
	}
	if json.NewDecoder(resp.Body).Decode(&out) != nil {
		return acked{}, false
	}
	a := acked{crn: crn}
	for _, e := range out.Events {
		a.events = append(a.events, e.EventID)
	}
	return a, true
}

func checkAfterCrash(t *testing.T, dir string, done []acked) {
	t.Helper()
	st, err := sqlite.Open(filepath.Join(dir, DBFile))
	require.NoError(t, err)
	defer st.Close()
	ctx := context.Background()
	ids := map[string]bool{}
	consequences := map[string]int{}
	var terminations []string
	v := domain.NewChainVerifier()
	for after := uint64(0); ; {
		page, err := st.ReadAll(ctx, after, 1000)
		require.NoError(t, err)
		if len(page) == 0 {
			break
		}
		for _, e := range page {
			v.Add(e)
			ids[e.EventID] = true
			if e.CausationID != "" {
				consequences[e.CausationID]++
			}
			if e.Type == "sentence.terminated" {
				terminations = append(terminations, e.EventID)
			}
		}
		after = page[len(page)-1].Position
	}
	require.Empty(t, v.Failures, "every hash chain verifies after the crash")
	for _, a := range done {
		for _, id := range a.events {
			require.True(t, ids[id], "acknowledged event %s of %s is stored", id, a.crn)
		}
	}
	t.Logf("%d acknowledged writes, %d events stored, %d sentence terminations", len(done), len(ids), len(terminations))
	for _, id := range terminations {
		require.Equal(t, 3, consequences[id], "a sentence termination is stored whole, with its three consequences")
	}
	for cause := range consequences {
		require.True(t, ids[cause], "no consequence is stored without its cause")
	}
	for _, crn := range []string{"X000000", "X000005"} {
		envs, err := st.ReadStream(ctx, domain.CaseStream(crn), 0, 100000)
		require.NoError(t, err)
		for i, e := range envs {
			require.Equal(t, uint64(i), e.Revision, "no gap in %s", crn)
		}
	}
	now := time.Now()
	scratch := runner.New(st, func() time.Time { return now }, "")
	_, err = scratch.Rebuild(ctx, nil)
	require.NoError(t, err)
	restarted := runner.New(st, func() time.Time { return now }, filepath.Join(dir, SnapshotFile))
	_, err = restarted.Load()
	require.NoError(t, err)
	require.Equal(t, rows(t, scratch), rows(t, restarted), "the projections resumed from the crashed server's snapshot agree with a fold from scratch")
	require.Len(t, rows(t, scratch), 16)
}

func rows(t *testing.T, r *runner.Runner) map[string]projections.CaseRow {
	t.Helper()
	out := map[string]projections.CaseRow{}
	require.NoError(t, r.Read(context.Background(), func(d *projections.Directory, _ *projections.Actors) {
		for crn, row := range d.Rows {
			out[crn] = *row
		}
	}))
	return out
}
