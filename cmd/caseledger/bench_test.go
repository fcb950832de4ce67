package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestBenchMeasuresEveryRow runs the bench at a tiny scale and checks that
// it prints, and writes as JSON, a figure for every row of QUALITY.md's
// performance table — or, for the bulk import only, why there is none.
func TestBenchMeasuresEveryRow(t *testing.T) {
	if testing.Short() {
		t.Skip("generates data, runs HTTP loads and restarts the server")
	}
	dir := t.TempDir()
	out := filepath.Join(dir, "bench.json")
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"bench", "--cases", "3", "--write-cases", "20", "--case-events", "60",
		"--clients", "4", "--duration", "2s", "--runs", "1", "--import-events", "500",
		"--data", filepath.Join(dir, "data"), "--json", out}, &stdout, &stderr)
	require.NoError(t, err, stderr.String())
	require.Empty(t, stderr.String(), "progress is shown on a terminal only")
	for _, row := range rowOrder {
		require.Contains(t, stdout.String(), row)
	}
	require.Contains(t, stdout.String(), "machine: ")

	data, err := os.ReadFile(out)
	require.NoError(t, err)
	var rep benchReport
	require.NoError(t, json.Unmarshal(data, &rep))
	require.Positive(t, rep.Machine.Cores)
	require.NotEmpty(t, rep.Machine.GoVersion)
	seen := map[string]bool{}
	for _, r := range rep.Rows {
		seen[r.Row] = true
		if r.NotMeasured != "" {
			require.Equal(t, rowImport, r.Row, "only the import may be missing: %s", r.NotMeasured)
			continue
		}
		require.NotNil(t, r.Median, "%s %s", r.Row, r.Metric)
		require.Positive(t, *r.Median, "%s %s", r.Row, r.Metric)
		if r.Target != nil && r.Row != rowMemory && r.Row != rowRestart {
			require.NotNil(t, r.Met, "%s %s is judged against its target", r.Row, r.Metric)
		}
	}
	for _, row := range rowOrder {
		require.True(t, seen[row], "no %s row", row)
	}
	reads := rep.Rows[slices.IndexFunc(rep.Rows, func(r benchRow) bool { return r.Row == rowReads })]
	require.NotNil(t, reads.RatioToBaseline, "the reads are compared with the access log off, in the same run")
}

func TestBenchRefusesBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"--cases", "0"},
		{"--case-events", "5"},
		{"--write-cases", "1000000"},
		{"--duration", "0s"},
		{"stray"},
	} {
		var stderr bytes.Buffer
		err := run(context.Background(), append([]string{"bench"}, args...), &bytes.Buffer{}, &stderr)
		require.ErrorIs(t, err, errUsage, "%v", args)
		require.Contains(t, stderr.String(), "usage: caseledger bench", "%v", args)
	}
}

// TestBenchLargeSaysWhatItWouldDo: --large without a data directory fails
// at once, saying what it would write.
func TestBenchLargeSaysWhatItWouldDo(t *testing.T) {
	err := run(context.Background(), []string{"bench", "--large"}, &bytes.Buffer{}, &bytes.Buffer{})
	require.Error(t, err)
	require.Contains(t, err.Error(), "1,000,000 cases of 20 events")
	require.Contains(t, err.Error(), "give --data DIR")
}

func TestMedianAndQuantile(t *testing.T) {
	m, ok := median([]float64{3, 1, 2})
	require.True(t, ok)
	require.Equal(t, 2.0, m)
	m, _ = median([]float64{4, 1, 2, 3})
	require.Equal(t, 2.5, m)
	_, ok = median(nil)
	require.False(t, ok)

	r := loadResult{}
	for i := 1; i <= 100; i++ {
		r.latencies = append(r.latencies, time.Duration(i)*time.Millisecond)
	}
	require.Equal(t, 50.0, r.quantile(0.5))
	require.Equal(t, 99.0, r.quantile(0.99))
	require.Equal(t, "12,345,679", thousands(12345678.6))
}
