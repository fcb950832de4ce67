package sqlite_test

import (
	"context"
	"fmt"
	"iter"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/caseledger/caseledger/domain"
	"github.com/caseledger/caseledger/store"
	"github.com/caseledger/caseledger/store/sqlite"
)

// importBatches builds streams batches of perStream events each, every
// stream new, with imported provenance and payloads of a realistic size.
func importBatches(t testing.TB, streams, perStream int) []sqlite.Batch {
	t.Helper()
	source := time.Date(2019, 5, 1, 9, 0, 0, 0, time.UTC)
	out := make([]sqlite.Batch, streams)
	for s := range out {
		b := sqlite.Batch{Stream: fmt.Sprintf("case-X%06d", s), Expected: store.NoStream}
		for i := range perStream {
			at := source.Add(time.Duration(s*perStream+i) * time.Minute)
			b.Events = append(b.Events, domain.Envelope{
				EventID: uuid.NewString(), Type: "information.received", SchemaVersion: 1, OccurredAt: at.Add(-time.Hour),
				Actor: domain.Actor{ID: "migration", Name: "nDelius migration", Organisation: "HMPPS", Roles: []string{"import"}},
				Imported: &domain.Imported{System: "nDelius", RecordedAt: at,
					Actor: domain.Actor{ID: "D123", Name: "Delius User", Organisation: "NPS", Roles: []string{}}},
				Data: []byte(fmt.Sprintf(`{"information_id":"i-%d","source":{"organisation":"Police","kind":"police"},"channel":"phone",`+
					`"received_by":{"officer":"N01"},"summary":"Reported concerns & a visit <urgent> number %d","risk_relevant":true,"urgency":"urgent"}`, i, i)),
			})
		}
		out[s] = b
	}
	return out
}

// cloneBatches copies batches deeply enough to import them again.
func cloneBatches(bs []sqlite.Batch) []sqlite.Batch {
	out := make([]sqlite.Batch, len(bs))
	for i, b := range bs {
		b.Events = slices.Clone(b.Events)
		for j := range b.Events {
			b.Events[j].Stream, b.Events[j].Revision, b.Events[j].PrevHash, b.Events[j].Hash = "", 0, "", ""
			b.Events[j].RecordedAt = time.Time{}
		}
		out[i] = b
	}
	return out
}

// readAll returns every stored event in global order.
func readAll(t *testing.T, s *sqlite.Store) []domain.Envelope {
	t.Helper()
	var out []domain.Envelope
	for after := uint64(0); ; {
		page, err := s.ReadAll(context.Background(), after, 1000)
		require.NoError(t, err)
		if len(page) == 0 {
			return out
		}
		out = append(out, page...)
		after = page[len(page)-1].Position
	}
}

// requireLedgerSound checks every chain, that positions run 1, 2, 3, ...,
// and that recorded_at never decreases along them.
func requireLedgerSound(t *testing.T, evs []domain.Envelope) {
	t.Helper()
	v := domain.NewChainVerifier()
	for i, e := range evs {
		v.Add(e)
		require.Equal(t, uint64(i+1), e.Position)
		if i > 0 {
			require.False(t, e.RecordedAt.Before(evs[i-1].RecordedAt), "recorded_at decreases at position %d", e.Position)
		}
	}
	require.Empty(t, v.Failures)
}

func TestImportStoresEveryBatchAsSealedChains(t *testing.T) {
	s := openAt(t, filepath.Join(t.TempDir(), "ledger.db"))
	batches := importBatches(t, 300, 7)
	var progress []int
	res, err := s.Import(context.Background(), slices.Values(cloneBatches(batches)), sqlite.ImportOptions{
		TxEvents: 500, Progress: func(r sqlite.ImportResult) { progress = append(progress, r.Events) }})
	require.NoError(t, err)
	require.Equal(t, sqlite.ImportResult{Events: 2100, Streams: 300, Commits: 5}, res)
	require.Equal(t, []int{504, 1008, 1512, 2016, 2100}, progress, "whole batches, at least TxEvents a commit")

	evs := readAll(t, s)
	requireLedgerSound(t, evs)
	require.Len(t, evs, 2100)
	for i, e := range evs {
		want := batches[i/7].Events[i%7]
		require.Equal(t, want.EventID, e.EventID, "stored in the order given")
		require.Equal(t, uint64(i%7), e.Revision)
		require.Equal(t, want.Imported.RecordedAt, e.Imported.RecordedAt, "the source's recorded_at is kept")
		require.JSONEq(t, string(want.Data), string(e.Data))
	}

	// The tip cache is right: an append after the import chains on.
	last := evs[len(evs)-1]
	app, err := s.Append(context.Background(), last.Stream, store.Exact(last.Revision), newEvent(t))
	require.NoError(t, err)
	require.Equal(t, last.Hash, app.Events[0].PrevHash)
	require.False(t, app.RecordedAt.Before(last.RecordedAt))
}

func TestImportTwiceStoresNothingTheSecondTime(t *testing.T) {
	s := openAt(t, filepath.Join(t.TempDir(), "ledger.db"))
	batches := importBatches(t, 50, 4)
	_, err := s.Import(context.Background(), slices.Values(cloneBatches(batches)), sqlite.ImportOptions{TxEvents: 64})
	require.NoError(t, err)
	before := readAll(t, s)

	res, err := s.Import(context.Background(), slices.Values(cloneBatches(batches)), sqlite.ImportOptions{TxEvents: 64})
	require.NoError(t, err)
	require.Equal(t, 0, res.Events)
	require.Equal(t, 200, res.Duplicates)
	require.Empty(t, res.Failed)
	require.Equal(t, before, readAll(t, s))
}

func TestImportRefusesBatchesAloneAsAppendWould(t *testing.T) {
	s := openAt(t, filepath.Join(t.TempDir(), "ledger.db"))
	ctx := context.Background()
	batches := importBatches(t, 6, 3)
	// case-X000001 exists already: NoStream is refused.
	_, err := s.Append(ctx, batches[1].Stream, store.NoStream, newEvent(t))
	require.NoError(t, err)
	// case-X000002's second event is stored already, elsewhere.
	_, err = s.Append(ctx, "case-elsewhere", store.NoStream, batches[2].Events[1])
	require.NoError(t, err)
	// case-X000003 has no event id: invalid.
	batches[3].Events[0].EventID = ""
	// case-X000004 expects a revision it is not at.
	batches[4].Expected = store.Exact(3)

	res, err := s.Import(ctx, slices.Values(cloneBatches(batches)), sqlite.ImportOptions{TxEvents: 100})
	require.NoError(t, err)
	require.Equal(t, 6, res.Events, "case-X000000 and case-X000005 are stored")
	failed := map[string]error{}
	for _, f := range res.Failed {
		failed[f.Stream] = f.Err
	}
	require.Len(t, failed, 4)
	require.ErrorIs(t, failed[batches[1].Stream], store.ErrWrongRevision)
	require.ErrorIs(t, failed[batches[2].Stream], store.ErrDuplicateEventID)
	require.ErrorIs(t, failed[batches[3].Stream], store.ErrInvalid)
	require.ErrorIs(t, failed[batches[4].Stream], store.ErrWrongRevision)

	evs := readAll(t, s)
	requireLedgerSound(t, evs)
	streams := map[string]int{}
	for _, e := range evs {
		streams[e.Stream]++
	}
	require.Equal(t, map[string]int{batches[0].Stream: 3, batches[1].Stream: 1, "case-elsewhere": 1, batches[5].Stream: 3}, streams,
		"nothing of a refused batch is stored")
}

func TestImportAfterPartialImportStoresOnlyTheRest(t *testing.T) {
	s := openAt(t, filepath.Join(t.TempDir(), "ledger.db"))
	ctx := context.Background()
	batches := importBatches(t, 20, 10)
	first := cloneBatches(batches[:12])
	first[5].Events = first[5].Events[:4] // a stream half imported
	_, err := s.Import(ctx, slices.Values(first), sqlite.ImportOptions{TxEvents: 30})
	require.NoError(t, err)

	// The whole again: the first 11 streams are retries, the half one
	// continues after its tip, the rest are new.
	again := cloneBatches(batches)
	again[5].Events, again[5].Expected = again[5].Events[4:], store.Exact(3)
	res, err := s.Import(ctx, slices.Values(again), sqlite.ImportOptions{TxEvents: 30})
	require.NoError(t, err)
	require.Empty(t, res.Failed)
	require.Equal(t, 110, res.Duplicates)
	require.Equal(t, 6+80, res.Events)
	evs := readAll(t, s)
	requireLedgerSound(t, evs)
	require.Len(t, evs, 200)
}

func TestImportStaysSerialisedWithAppends(t *testing.T) {
	s := openAt(t, filepath.Join(t.TempDir(), "ledger.db"))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	batches := importBatches(t, 400, 5)
	// Live appends to some of the streams being imported, and to others,
	// while the import runs: each import batch either lands whole before
	// the live events (which then fail or follow it) or is refused.
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := 0; ctx.Err() == nil; i++ {
				stream := batches[(i*4+w)%len(batches)].Stream
				if i%2 == 0 {
					stream = fmt.Sprintf("case-live%d", w)
				}
				if _, err := s.Append(ctx, stream, store.Any, newEvent(t)); err != nil && ctx.Err() == nil {
					t.Error(err)
					return
				}
			}
		})
	}
	res, err := s.Import(ctx, slices.Values(cloneBatches(batches)), sqlite.ImportOptions{TxEvents: 100})
	cancel()
	wg.Wait()
	require.NoError(t, err)
	for _, f := range res.Failed {
		require.ErrorIs(t, f.Err, store.ErrWrongRevision, "only streams a live append reached first are refused")
	}
	require.Equal(t, 2000, res.Events+5*len(res.Failed))
	requireLedgerSound(t, readAll(t, s))
}

func TestImportSealsAgainWhenTheClockWasPassed(t *testing.T) {
	// The writer's clock runs ahead of what the importer reads: every seal
	// made ahead carries an earlier stamp than the live appends' and must be
	// made again, so recorded_at still never decreases.
	var mu sync.Mutex
	calls := 0
	base := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		calls++
		if calls%2 == 0 {
			return base.Add(time.Duration(calls) * time.Hour)
		}
		return base
	}
	s := openAt(t, filepath.Join(t.TempDir(), "ledger.db"), sqlite.WithClock(clock))
	ctx := context.Background()
	for i := range 3 {
		_, err := s.Append(ctx, fmt.Sprintf("case-live%d", i), store.NoStream, newEvent(t))
		require.NoError(t, err)
	}
	res, err := s.Import(ctx, slices.Values(cloneBatches(importBatches(t, 30, 3))), sqlite.ImportOptions{TxEvents: 10})
	require.NoError(t, err)
	require.Equal(t, 90, res.Events)
	requireLedgerSound(t, readAll(t, s))
}

func TestImportStopsWhenTheContextEnds(t *testing.T) {
	s := openAt(t, filepath.Join(t.TempDir(), "ledger.db"))
	ctx, cancel := context.WithCancel(context.Background())
	batches := cloneBatches(importBatches(t, 100, 2))
	var seq iter.Seq[sqlite.Batch] = func(yield func(sqlite.Batch) bool) {
		for i, b := range batches {
			if i == 50 {
				cancel()
			}
			if !yield(b) {
				return
			}
		}
	}
	res, err := s.Import(ctx, seq, sqlite.ImportOptions{TxEvents: 20})
	require.ErrorIs(t, err, context.Canceled)
	evs := readAll(t, s)
	require.Equal(t, res.Events, len(evs), "the result counts exactly what was committed")
	require.Equal(t, 0, len(evs)%2, "whole batches only")
	requireLedgerSound(t, evs)
}

func TestImportIntoAClosedStore(t *testing.T) {
	s, err := sqlite.Open(filepath.Join(t.TempDir(), "ledger.db"))
	require.NoError(t, err)
	require.NoError(t, s.Close())
	_, err = s.Import(context.Background(), slices.Values(importBatches(t, 1, 1)), sqlite.ImportOptions{})
	require.ErrorIs(t, err, store.ErrClosed)
}

func TestBareInsertWritesTheSameRows(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := openAt(t, filepath.Join(dir, "import.db"))
	_, err := s.Import(ctx, slices.Values(importBatches(t, 40, 9)), sqlite.ImportOptions{TxEvents: 100})
	require.NoError(t, err)
	rows, err := sqlite.ReadRows(ctx, filepath.Join(dir, "import.db"))
	require.NoError(t, err)
	require.Len(t, rows, 360)
	require.NoError(t, sqlite.BareInsert(ctx, filepath.Join(dir, "bare.db"), rows, 100))
	again, err := sqlite.ReadRows(ctx, filepath.Join(dir, "bare.db"))
	require.NoError(t, err)
	require.Equal(t, rows, again)

	bare := openAt(t, filepath.Join(dir, "bare.db"))
	requireLedgerSound(t, readAll(t, bare))
}

func TestImportFindsWhatTheWriterDoesNotKnow(t *testing.T) {
	// After a restart the writer knows no stream's tip: a batch sealed ahead
	// on "no stream", or on a revision that is no longer the last, is taken
	// on trust, and the file's UNIQUE index refuses it, alone.
	path := filepath.Join(t.TempDir(), "ledger.db")
	ctx := context.Background()
	s, err := sqlite.Open(path)
	require.NoError(t, err)
	_, err = s.Append(ctx, "case-X000001", store.NoStream, newEvent(t))
	require.NoError(t, err)
	_, err = s.Append(ctx, "case-X000002", store.NoStream, newEvent(t), newEvent(t), newEvent(t))
	require.NoError(t, err)
	require.NoError(t, s.Close())

	s = openAt(t, path)
	batches := cloneBatches(importBatches(t, 4, 2))
	// case-X000001 exists, and the batch expects no stream; case-X000002 is
	// at revision 2, and the batch expects revision 1, which exists.
	batches[2].Expected = store.Exact(1)
	res, err := s.Import(ctx, slices.Values(batches), sqlite.ImportOptions{TxEvents: 100})
	require.NoError(t, err)
	require.Len(t, res.Failed, 2)
	for _, f := range res.Failed {
		require.ErrorIs(t, f.Err, store.ErrWrongRevision, f.Stream)
	}
	require.Equal(t, 4, res.Events, "the two other streams are stored")
	requireLedgerSound(t, readAll(t, s))
}
