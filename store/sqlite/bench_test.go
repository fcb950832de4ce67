package sqlite

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/caseledger/caseledger/domain"
	"github.com/caseledger/caseledger/store"
)

// BenchmarkAppend measures durable single-event appends by 1, 16 and 64
// concurrent appenders, each to its own stream. appends/commit shows how
// many appends shared each fsync.
func BenchmarkAppend(b *testing.B) {
	for _, appenders := range []int{1, 16, 64} {
		b.Run(fmt.Sprintf("appenders=%d", appenders), func(b *testing.B) {
			s := openTemp(b)
			var next atomic.Int64
			var wg sync.WaitGroup
			b.ResetTimer()
			start := time.Now()
			for w := range appenders {
				wg.Go(func() {
					stream := fmt.Sprintf("case-%d", w)
					for next.Add(1) <= int64(b.N) {
						if _, err := s.Append(context.Background(), stream, store.Any, event(b)); err != nil {
							b.Error(err)
							return
						}
					}
				})
			}
			wg.Wait()
			elapsed := time.Since(start)
			b.ReportMetric(float64(b.N)/elapsed.Seconds(), "appends/s")
			b.ReportMetric(float64(b.N)/float64(max(1, s.writer.commits.Load())), "appends/commit")
		})
	}
}

// BenchmarkAppendBatch100 measures single appends of 100 events each.
func BenchmarkAppendBatch100(b *testing.B) {
	s := openTemp(b)
	batch := make([][]domain.Envelope, b.N)
	for i := range batch {
		batch[i] = make([]domain.Envelope, 100)
		for j := range batch[i] {
			batch[i][j] = event(b)
		}
	}
	b.ResetTimer()
	start := time.Now()
	for i := range b.N {
		if _, err := s.Append(context.Background(), fmt.Sprintf("case-%d", i%100), store.Any, batch[i]...); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(100*b.N)/time.Since(start).Seconds(), "events/s")
}

// BenchmarkFsync measures the disk's limit: writing 4 KiB and fsyncing it,
// in the directory a store's file would be in. Durable appends cannot
// commit more often than this allows; group commit is what lets appends
// outnumber fsyncs.
func BenchmarkFsync(b *testing.B) {
	f, err := os.Create(filepath.Join(b.TempDir(), "fsync.bin"))
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	buf := make([]byte, 4096)
	b.SetBytes(int64(len(buf)))
	b.ResetTimer()
	for i := range b.N {
		buf[0] = byte(i)
		if _, err := f.WriteAt(buf, 0); err != nil {
			b.Fatal(err)
		}
		if err := f.Sync(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkImport measures Import of b.N events, ten to a stream, into a
// fresh file; BenchmarkBareInsert is its baseline, the same rows inserted
// with plain multi-row INSERTs, the same durability and the same
// transactions. Compare their events/s.
func BenchmarkImport(b *testing.B) {
	batches := benchBatches(b)
	b.ResetTimer()
	start := time.Now()
	res, err := openTemp(b).Import(context.Background(), slices.Values(batches), ImportOptions{})
	if err != nil || res.Events != b.N {
		b.Fatal(res, err)
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "events/s")
}

func BenchmarkBareInsert(b *testing.B) {
	dir := b.TempDir()
	s, err := Open(filepath.Join(dir, "import.db"))
	if err != nil {
		b.Fatal(err)
	}
	if _, err := s.Import(context.Background(), slices.Values(benchBatches(b)), ImportOptions{}); err != nil {
		b.Fatal(err)
	}
	if err := s.Close(); err != nil {
		b.Fatal(err)
	}
	rows, err := ReadRows(context.Background(), filepath.Join(dir, "import.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	start := time.Now()
	if err := BareInsert(context.Background(), filepath.Join(dir, "bare.db"), rows, DefaultTxEvents); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "events/s")
}

// benchBatches is b.N events of a realistic size, ten to a new stream.
func benchBatches(b *testing.B) []Batch {
	var out []Batch
	for i := 0; i < b.N; i += 10 {
		batch := Batch{Stream: fmt.Sprintf("case-B%06d", i/10), Expected: store.NoStream}
		for j := i; j < min(i+10, b.N); j++ {
			e := event(b)
			e.Type = "information.received"
			e.Actor = domain.Actor{ID: "migration", Name: "nDelius migration", Organisation: "HMPPS", Roles: []string{"import"}}
			e.Imported = &domain.Imported{System: "nDelius", RecordedAt: e.OccurredAt.Add(time.Hour), Actor: domain.Actor{ID: "D1", Name: "Delius User"}}
			e.Data = []byte(`{"information_id":"i-` + strconv.Itoa(j) + `","source":{"organisation":"Police","kind":"police"},"channel":"phone",` +
				`"received_by":{"officer":"N01"},"summary":"Reported concerns about contact with a child; the officer was told by phone and asked to call back.","risk_relevant":true,"urgency":"urgent"}`)
			batch.Events = append(batch.Events, e)
		}
		out = append(out, batch)
	}
	return out
}
