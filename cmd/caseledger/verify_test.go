package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	_ "modernc.org/sqlite"

	"github.com/caseledger/caseledger/domain"
	"github.com/caseledger/caseledger/domain/merkle"
	"github.com/caseledger/caseledger/store"
	"github.com/caseledger/caseledger/store/sqlite"
)

// ledgerWithTwoCases writes two streams of five events each into a fresh
// data directory and returns it.
func ledgerWithTwoCases(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	st, err := sqlite.Open(filepath.Join(dir, DBFile))
	require.NoError(t, err)
	for _, stream := range []string{"case-X000001", "case-X000002"} {
		for i := 0; i < 5; i++ {
			e := domain.Envelope{EventID: uuid.NewString(), Type: "case.reopened", SchemaVersion: 1,
				OccurredAt: time.Now(), Actor: domain.Actor{ID: "N01", Organisation: "NPS"},
				Data: json.RawMessage(fmt.Sprintf(`{"reason":"r%d"}`, i))}
			_, err := st.Append(context.Background(), stream, store.Any, e)
			require.NoError(t, err)
		}
	}
	require.NoError(t, st.Close())
	return dir
}

func runVerifyJSON(t *testing.T, dir string) (verifyReport, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), []string{"verify", "--data", dir, "--json"}, &out, &errOut)
	var rep verifyReport
	require.NoError(t, json.Unmarshal(out.Bytes(), &rep), "stdout: %s stderr: %s", out.String(), errOut.String())
	return rep, err
}

func tamper(t *testing.T, dir, query string, args ...any) {
	t.Helper()
	db, err := sql.Open("sqlite", filepath.Join(dir, DBFile))
	require.NoError(t, err)
	defer db.Close()
	res, err := db.Exec(query, args...)
	require.NoError(t, err)
	n, err := res.RowsAffected()
	require.NoError(t, err)
	require.NotZero(t, n, "the tampering changed nothing")
}

func TestVerifyFindsAndNamesTampering(t *testing.T) {
	t.Run("an intact ledger verifies", func(t *testing.T) {
		rep, err := runVerifyJSON(t, ledgerWithTwoCases(t))
		require.NoError(t, err)
		require.True(t, rep.OK)
		require.Equal(t, 10, rep.Events)
		require.Equal(t, 2, rep.Streams)
	})
	cases := []struct {
		name     string
		query    string
		revision uint64
	}{
		{"one byte of a payload changed", `UPDATE events SET envelope = replace(envelope, '"reason":"r2"', '"reason":"r9"') WHERE stream = 'case-X000002' AND revision = 2`, 2},
		{"an event removed", `DELETE FROM events WHERE stream = 'case-X000002' AND revision = 3`, 4},
		{"two events swapped", `UPDATE events SET envelope = CASE revision WHEN 1 THEN (SELECT envelope FROM events WHERE stream = 'case-X000002' AND revision = 2) ELSE (SELECT envelope FROM events WHERE stream = 'case-X000002' AND revision = 1) END WHERE stream = 'case-X000002' AND revision IN (1, 2)`, 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := ledgerWithTwoCases(t)
			tamper(t, dir, tc.query)
			rep, err := runVerifyJSON(t, dir)
			require.ErrorIs(t, err, errVerifyFailed)
			require.False(t, rep.OK)
			require.Len(t, rep.Failures, 1, "only the tampered stream fails: %+v", rep.Failures)
			require.Equal(t, "case-X000002", rep.Failures[0].Stream)
			require.Equal(t, tc.revision, rep.Failures[0].Revision, "the first bad event is named: %+v", rep.Failures[0])
		})
	}
}

// TestCheckpointProvesNothingBeforeItChanged: an attacker who rewrites an
// event and re-seals its stream's hash chain passes the chain check, but not
// a signed checkpoint kept from before.
func TestCheckpointProvesNothingBeforeItChanged(t *testing.T) {
	dir := ledgerWithTwoCases(t)
	cpFile, pubFile := signCheckpoint(t, dir)
	rep, err := runVerifyCheckpoint(t, dir, cpFile, pubFile)
	require.NoError(t, err)
	require.True(t, rep.Checkpoint.OK, rep.Checkpoint.Result)

	resealStreamWithChange(t, dir, "case-X000001", 1)
	rep, err = runVerifyCheckpoint(t, dir, cpFile, pubFile)
	require.ErrorIs(t, err, errVerifyFailed)
	require.Empty(t, rep.Failures, "the rewritten chain is consistent: only the checkpoint can tell")
	require.False(t, rep.Checkpoint.OK)
	require.Contains(t, rep.Checkpoint.Result, "Merkle root differs")
}

func signCheckpoint(t *testing.T, dir string) (string, string) {
	t.Helper()
	st, err := sqlite.Open(filepath.Join(dir, DBFile))
	require.NoError(t, err)
	defer st.Close()
	var tree merkle.Tree
	var last domain.Envelope
	evs, err := st.ReadAll(context.Background(), 0, 1000)
	require.NoError(t, err)
	for _, e := range evs {
		leaf, err := merkle.EventLeaf(e)
		require.NoError(t, err)
		tree.Append(leaf)
		last = e
	}
	privPEM, pubPEM, err := merkle.GenerateKeyPEM()
	require.NoError(t, err)
	priv, err := merkle.ParsePrivateKey(privPEM)
	require.NoError(t, err)
	cp := merkle.Sign(priv, tree.Size(), last.Position, tree.Root(), time.Now())
	b, err := json.Marshal(cp)
	require.NoError(t, err)
	cpFile, pubFile := filepath.Join(t.TempDir(), "cp.json"), filepath.Join(t.TempDir(), "pub.pem")
	require.NoError(t, os.WriteFile(cpFile, b, 0o600))
	require.NoError(t, os.WriteFile(pubFile, pubPEM, 0o600))
	return cpFile, pubFile
}

func runVerifyCheckpoint(t *testing.T, dir, cpFile, pubFile string) (verifyReport, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), []string{"verify", "--data", dir, "--json", "--checkpoint", cpFile, "--public-key", pubFile}, &out, &errOut)
	var rep verifyReport
	require.NoError(t, json.Unmarshal(out.Bytes(), &rep), "stdout: %s stderr: %s", out.String(), errOut.String())
	require.NotNil(t, rep.Checkpoint)
	return rep, err
}

// resealStreamWithChange changes one event's payload and recomputes the hash
// chain of its stream from there on, as a careful attacker would.
func resealStreamWithChange(t *testing.T, dir, stream string, revision uint64) {
	t.Helper()
	db, err := sql.Open("sqlite", filepath.Join(dir, DBFile))
	require.NoError(t, err)
	defer db.Close()
	rows, err := db.Query(`SELECT revision, envelope FROM events WHERE stream = ? ORDER BY revision`, stream)
	require.NoError(t, err)
	var envs []domain.Envelope
	for rows.Next() {
		var rev uint64
		var raw string
		require.NoError(t, rows.Scan(&rev, &raw))
		var e domain.Envelope
		require.NoError(t, json.Unmarshal([]byte(raw), &e))
		envs = append(envs, e)
	}
	require.NoError(t, rows.Close())
	prev := domain.ZeroHash
	for i := range envs {
		if envs[i].Revision == revision {
			envs[i].Data = json.RawMessage(`{"reason":"rewritten"}`)
		}
		if envs[i].Revision >= revision {
			envs[i].PrevHash = prev
			h, err := domain.ComputeHash(envs[i])
			require.NoError(t, err)
			envs[i].Hash = h
			b, err := json.Marshal(envs[i])
			require.NoError(t, err)
			_, err = db.Exec(`UPDATE events SET envelope = ? WHERE stream = ? AND revision = ?`, string(b), stream, envs[i].Revision)
			require.NoError(t, err)
		}
		prev = envs[i].Hash
	}
}
