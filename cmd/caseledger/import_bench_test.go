package main

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/caseledger/caseledger/store/sqlite"
)

// BenchmarkImportNDJSON measures `caseledger import` of a lifelike file of
// 100,000 events into a fresh embedded store, as `caseledger bench` does,
// and its baseline, a bare insert of the same rows: compare their events/s.
// The file is generated once, outside the timing.
func BenchmarkImportNDJSON(b *testing.B) {
	const n = 100_000
	ctx := context.Background()
	data, err := sampleImport(ctx, n, 1)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		dir := b.TempDir()
		st, err := sqlite.Open(filepath.Join(dir, "import.db"))
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start := time.Now()
		rep, err := importNDJSON(ctx, st, data, importOptions{})
		elapsed := time.Since(start)
		if cerr := st.Close(); err == nil {
			err = cerr
		}
		b.StopTimer()
		if err != nil || rep.imported != n {
			b.Fatal(rep, err)
		}
		b.ReportMetric(n/elapsed.Seconds(), "events/s")
		if os.Getenv("CASELEDGER_BENCH_BARE") != "" {
			rows, err := sqlite.ReadRows(ctx, filepath.Join(dir, "import.db"))
			if err != nil {
				b.Fatal(err)
			}
			start := time.Now()
			if err := sqlite.BareInsert(ctx, filepath.Join(dir, "bare.db"), rows, sqlite.DefaultTxEvents); err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(n/time.Since(start).Seconds(), "bare-events/s")
		}
	}
}

// BenchmarkDecodeLine measures the check of one line of a lifelike import
// file, the import's own work before the store's.
func BenchmarkDecodeLine(b *testing.B) {
	data, err := sampleImport(context.Background(), 10_000, 1)
	if err != nil {
		b.Fatal(err)
	}
	lines := splitLines(data)
	d := newLineDecoder(time.Now())
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := d.decodeLine(lines[i%len(lines)]); err != nil {
			b.Fatal(err)
		}
	}
}
