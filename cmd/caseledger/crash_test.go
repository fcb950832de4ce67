package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/caseledger/caseledger/api"
	"github.com/caseledger/caseledger/domain"
	"github.com/caseledger/caseledger/store/sqlite"
)

// child is the real server running in a child process.
type child struct {
	cmd  *exec.Cmd
	base string
}

// startChild runs `caseledger serve` on 127.0.0.1:0 over dir in a child
// process and waits for it to say where it listens.
func startChild(t *testing.T, dir string) *child {
	t.Helper()
	cmd := exec.Command(os.Args[0], "serve", "--data", dir, "--addr", "127.0.0.1:0")
	cmd.Env = append(os.Environ(), "CASELEDGER_TEST_MAIN=1")
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	cmd.Stderr = io.Discard
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	lines := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if _, url, ok := strings.Cut(sc.Text(), "serving "); ok {
				lines <- strings.Fields(url)[0]
				break
			}
		}
		_, _ = io.Copy(io.Discard, out)
	}()
	select {
	case url := <-lines:
		return &child{cmd: cmd, base: url}
	case <-time.After(30 * time.Second):
		t.Fatal("the server did not start")
	}
	return nil
}

// startChildWithOrg starts the server over dir with an admin and a
// practitioner (N01 of NPS), registers NPS, team N1 and N01, and returns the
// practitioner's token.
func startChildWithOrg(t *testing.T, dir string) (*child, string) {
	t.Helper()
	tokens := filepath.Join(dir, "tokens.json")
	admin, err := NewToken(tokens, api.TokenEntry{ID: "ADM1", Name: "Admin", Organisation: "HQ", Roles: []string{"admin"}})
	require.NoError(t, err)
	n01, err := NewToken(tokens, api.TokenEntry{ID: "N01", Name: "Sam Pike", Organisation: "NPS", Roles: []string{"practitioner"}})
	require.NoError(t, err)
	c := startChild(t, dir)
	for _, w := range []struct{ path, body string }{
		{"/v1/org/providers", `{"code":"NPS","name":"NPS","high_risk":true}`},
		{"/v1/org/teams", `{"code":"N1","provider":"NPS","name":"Leeds","phone":"1","email":"n1@x"}`},
		{"/v1/org/officers", `{"code":"N01","name":"Sam Pike","grade":"PO","team":"N1","phone":"1","email":"s@x"}`},
	} {
		require.Equal(t, http.StatusCreated, c.call(t, http.MethodPost, admin, w.path, w.body))
	}
	return c, n01
}

func (c *child) call(t *testing.T, method, token, path, body string) int {
	t.Helper()
	req, err := http.NewRequest(method, c.base+path, strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+token)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// TestAccessRecordSurvivesAKillRightAfterTheRead: the server is killed with
// SIGKILL the moment a read's response arrives; after restart the read's
// access record is there.
func TestAccessRecordSurvivesAKillRightAfterTheRead(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the server in a child process")
	}
	dir := t.TempDir()
	c, n01 := startChildWithOrg(t, dir)
	require.Equal(t, http.StatusCreated, c.call(t, http.MethodPost, n01, "/v1/cases",
		`{"crn":"X100001","person":{"given_name":"A","family_name":"B","date_of_birth":"1990-01-01"}}`))
	require.Equal(t, http.StatusCreated, c.call(t, http.MethodPost, n01, "/v1/cases/X100001/allocations",
		`{"provider":"NPS","team":"N1","officer":"N01","reason":"initial_allocation","rationale":"x"}`))
	const reads = 5
	for i := 0; i < reads; i++ {
		require.Equal(t, http.StatusOK, c.call(t, http.MethodGet, n01, "/v1/cases/X100001", ""))
	}
	require.NoError(t, c.cmd.Process.Kill()) // SIGKILL, the moment the last response arrived
	_ = c.cmd.Wait()

	st, err := sqlite.Open(filepath.Join(dir, DBFile))
	require.NoError(t, err)
	defer st.Close()
	log, err := st.ReadStream(context.Background(), domain.AccessStream("X100001"), 0, 100)
	require.NoError(t, err)
	var summaries int
	for _, e := range log {
		var a domain.AccessRecorded
		require.NoError(t, json.Unmarshal(e.Data, &a))
		if e.Actor.ID == "N01" && a.View == "caseSummary" && a.Outcome == domain.AccessAllowed {
			summaries++
		}
	}
	require.Equal(t, reads, summaries, "every read answered before the kill is in the access log")
}
