package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	_ "modernc.org/sqlite"

	"github.com/caseledger/caseledger/domain"
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
