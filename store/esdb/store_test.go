package esdb

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/caseledger/caseledger/domain"
	"github.com/caseledger/caseledger/store"
)

// These tests drive the store through the real client against fakeServer:
// they check the plumbing (requests, answers, errors, retries), not
// EventStoreDB's own behaviour, which TestConformance checks.

// openFake opens a store on a fresh fake server.
func openFake(t *testing.T) (*Store, *fakeServer) {
	t.Helper()
	f := startFake(t)
	return openTest(t, f.url(), ""), f
}

// newBatch builds n unsealed events.
func newBatch(t *testing.T, n int) []domain.Envelope {
	t.Helper()
	evs := make([]domain.Envelope, n)
	for i := range evs {
		evs[i] = newEnvelope(t)
	}
	return evs
}

// requireChained checks that evs are a whole stream with an intact chain.
func requireChained(t *testing.T, evs []domain.Envelope) {
	t.Helper()
	v := domain.NewChainVerifier()
	for _, e := range evs {
		v.Add(e)
	}
	require.Empty(t, v.Failures)
}

func TestAppendThenReadThroughTheClient(t *testing.T) {
	s, f := openFake(t)
	ctx := context.Background()

	first, err := s.Append(ctx, "case-X123456", store.NoStream, newBatch(t, 3)...)
	require.NoError(t, err)
	second, err := s.Append(ctx, "case-Y000001", store.Any, newBatch(t, 2)...)
	require.NoError(t, err)

	require.Equal(t, uint64(2), first.Revision)
	require.Equal(t, first.Events[2].Position, first.Position)
	got, err := s.ReadStream(ctx, "case-X123456", 0, 100)
	require.NoError(t, err)
	requireSameEnvelopes(t, first.Events, got)
	requireChained(t, got)
	all, err := s.ReadAll(ctx, 0, 100)
	require.NoError(t, err)
	requireSameEnvelopes(t, append(first.Events, second.Events...), all)
	page, err := s.ReadAll(ctx, all[1].Position, 2)
	require.NoError(t, err)
	requireSameEnvelopes(t, all[2:4], page)
	none, err := s.ReadStream(ctx, "case-Z999999", 0, 10)
	require.NoError(t, err)
	require.Empty(t, none)
	require.Zero(t, f.unmarkedCalls(), "every call asks for the leader")
}

func TestReadAllSkipsLongRunsOfSystemEvents(t *testing.T) {
	s, f := openFake(t)
	ctx := context.Background()
	f.writeSystem(3000)
	res, err := s.Append(ctx, "case-X123456", store.NoStream, newBatch(t, 1)...)
	require.NoError(t, err)
	f.writeSystem(3000)

	got, err := s.ReadAll(ctx, 0, 5)

	require.NoError(t, err)
	requireSameEnvelopes(t, res.Events, got)
	got, err = s.ReadAll(ctx, res.Position, 5)
	require.NoError(t, err)
	require.Empty(t, got)
}

func TestAppendRetriesWhenAnotherProcessWroteFirst(t *testing.T) {
	s, f := openFake(t)
	other := openTest(t, f.url(), "")
	ctx := context.Background()
	_, err := s.Append(ctx, "case-X123456", store.NoStream, newBatch(t, 1)...)
	require.NoError(t, err)
	f.set(func(f *fakeServer) {
		f.interpose = func() {
			_, err := other.Append(ctx, "case-X123456", store.Exact(0), newBatch(t, 1)...)
			require.NoError(t, err)
		}
	})

	res, err := s.Append(ctx, "case-X123456", store.Any, newBatch(t, 1)...)

	require.NoError(t, err)
	require.Equal(t, uint64(2), res.Revision)
	got, err := s.ReadStream(ctx, "case-X123456", 0, 10)
	require.NoError(t, err)
	require.Len(t, got, 3)
	requireChained(t, got)
}

func TestAppendRefusesWhenAnotherProcessWroteFirst(t *testing.T) {
	s, f := openFake(t)
	other := openTest(t, f.url(), "")
	ctx := context.Background()
	_, err := s.Append(ctx, "case-X123456", store.NoStream, newBatch(t, 1)...)
	require.NoError(t, err)
	f.set(func(f *fakeServer) {
		f.interpose = func() {
			_, err := other.Append(ctx, "case-X123456", store.Exact(0), newBatch(t, 1)...)
			require.NoError(t, err)
		}
	})

	_, err = s.Append(ctx, "case-X123456", store.Exact(0), newBatch(t, 1)...)

	require.ErrorIs(t, err, store.ErrWrongRevision)
	got, err := s.ReadStream(ctx, "case-X123456", 0, 10)
	require.NoError(t, err)
	require.Len(t, got, 2)
}

func TestAppendReportsARetryThatRacedItsOriginal(t *testing.T) {
	s, f := openFake(t)
	other := openTest(t, f.url(), "")
	ctx := context.Background()
	batch := newBatch(t, 2)
	var orig store.Appended
	f.set(func(f *fakeServer) {
		f.interpose = func() {
			var err error
			orig, err = other.Append(ctx, "case-X123456", store.NoStream, batch...)
			require.NoError(t, err)
		}
	})

	res, err := s.Append(ctx, "case-X123456", store.NoStream, batch...)

	require.NoError(t, err)
	require.True(t, res.Duplicate)
	requireSameEnvelopes(t, orig.Events, res.Events)
}

func TestAppendFollowsTheLeader(t *testing.T) {
	s, f := openFake(t)
	ctx := context.Background()
	f.set(func(f *fakeServer) { f.notLeader = 2 })

	res, err := s.Append(ctx, "case-X123456", store.NoStream, newBatch(t, 1)...)

	require.NoError(t, err, "the client reconnects to the leader and the append is tried again")
	require.Equal(t, uint64(0), res.Revision)
	f.set(func(f *fakeServer) { f.notLeader = 1 })
	_, err = s.ReadStream(ctx, "case-X123456", 0, 1)
	require.ErrorIs(t, err, store.ErrUnavailable, "a read is left to its caller to retry")
	_, err = s.ReadStream(ctx, "case-X123456", 0, 1)
	require.NoError(t, err)
}

func TestAppendToAnUnavailableNodeAsksForARetry(t *testing.T) {
	s, f := openFake(t)
	ctx := context.Background()
	f.set(func(f *fakeServer) { f.down = 1 })

	_, err := s.Append(ctx, "case-X123456", store.NoStream, newBatch(t, 1)...)

	require.ErrorIs(t, err, store.ErrUnavailable)
	_, err = s.Append(ctx, "case-X123456", store.NoStream, newBatch(t, 1)...)
	require.NoError(t, err, "the client has reconnected")
}

func TestStoreRecoversWhenTheClusterComesBack(t *testing.T) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := lis.Addr().String()
	require.NoError(t, lis.Close())
	s := openTest(t, fakeURL(addr), "")
	ctx := context.Background()

	_, err = s.ReadStream(ctx, "case-X123456", 0, 1)
	require.ErrorIs(t, err, store.ErrUnavailable, "discovery fails")
	_, err = s.ReadStream(ctx, "case-X123456", 0, 1)
	require.ErrorIs(t, err, store.ErrUnavailable, "the client has given up; the store replaces it")
	startFakeAt(t, addr)

	_, err = s.Append(ctx, "case-X123456", store.NoStream, newBatch(t, 1)...)
	require.NoError(t, err)
}

func TestCallsReturnAtTheirDeadlineWhileTheClientIsStuck(t *testing.T) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := lis.Addr().String()
	require.NoError(t, lis.Close())
	s, err := open(context.Background(), fakeURL(addr), "")
	require.NoError(t, err)
	s.wait = 100 * time.Millisecond
	// Calls queued behind a failing discovery wait in the client for ever.
	const calls = 8
	errs := make(chan error, calls)
	for range calls {
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			defer cancel()
			_, err := s.ReadStream(ctx, "case-X123456", 0, 1)
			errs <- err
		}()
	}
	for range calls {
		select {
		case err := <-errs:
			require.Error(t, err)
		case <-time.After(5 * time.Second):
			t.Fatal("a call outlived its deadline")
		}
	}
	closed := make(chan error, 1)
	go func() { closed <- s.Close() }()
	select {
	case <-closed: // the stuck calls keep their client open, or it was replaced
	case <-time.After(5 * time.Second):
		t.Fatal("Close hangs")
	}
}

func TestSubscribeCatchesUpThenFollows(t *testing.T) {
	s, _ := openFake(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	first, err := s.Append(ctx, "case-X123456", store.NoStream, newBatch(t, 2)...)
	require.NoError(t, err)

	evs, errs := s.Subscribe(ctx, first.Events[0].Position)
	second, err := s.Append(ctx, "case-X123456", store.Exact(1), newBatch(t, 1)...)
	require.NoError(t, err)

	got := receiveN(t, evs, errs, 2)
	requireSameEnvelopes(t, []domain.Envelope{first.Events[1], second.Events[0]}, got)
	cancel()
	requireDone(t, evs)
}

func TestSubscribeReportsADroppedSubscription(t *testing.T) {
	s, f := openFake(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, err := s.Append(ctx, "case-X123456", store.NoStream, newBatch(t, 1)...)
	require.NoError(t, err)
	evs, errs := s.Subscribe(ctx, 0)
	receiveN(t, evs, errs, 1)

	f.set(func(f *fakeServer) { close(f.drop) })

	select {
	case err := <-errs:
		require.ErrorIs(t, err, store.ErrUnavailable)
	case <-time.After(10 * time.Second):
		t.Fatal("no error after the subscription dropped")
	}
	requireDone(t, evs)
}

func TestClosedStoreRefusesEverything(t *testing.T) {
	s, _ := openFake(t)
	ctx := context.Background()
	_, err := s.Append(ctx, "case-X123456", store.NoStream, newBatch(t, 1)...)
	require.NoError(t, err)
	evs, errs := s.Subscribe(ctx, 0)
	receiveN(t, evs, errs, 1)

	require.NoError(t, s.Close())

	_, err = s.Append(ctx, "case-X123456", store.Any, newBatch(t, 1)...)
	require.ErrorIs(t, err, store.ErrClosed)
	_, err = s.ReadStream(ctx, "case-X123456", 0, 1)
	require.ErrorIs(t, err, store.ErrClosed)
	_, err = s.ReadAll(ctx, 0, 1)
	require.ErrorIs(t, err, store.ErrClosed)
	select {
	case err := <-errs:
		require.ErrorIs(t, err, store.ErrClosed)
	case <-time.After(10 * time.Second):
		t.Fatal("the subscription did not end")
	}
	requireDone(t, evs)
	_, errs = s.Subscribe(ctx, 0)
	require.ErrorIs(t, <-errs, store.ErrClosed)
	require.NoError(t, s.Close(), "closing twice is harmless")
}

func TestInvalidCallsNeverReachTheServer(t *testing.T) {
	s, f := openFake(t)
	ctx := context.Background()
	notUUID := newEnvelope(t)
	notUUID.EventID = "e1"
	notJSON := newEnvelope(t)
	notJSON.Data = []byte(`{"n":`)

	_, err := s.Append(ctx, "case-X123456", store.Any, newEnvelope(t), notUUID)
	require.ErrorIs(t, err, store.ErrInvalid)
	_, err = s.Append(ctx, "case-X123456", store.Any, newEnvelope(t), notJSON)
	require.ErrorIs(t, err, store.ErrInvalid)
	_, err = s.ReadStream(ctx, "case-X123456", 0, 0)
	require.ErrorIs(t, err, store.ErrInvalid)
	_, err = s.ReadAll(ctx, 0, -1)
	require.ErrorIs(t, err, store.ErrInvalid)
	require.Zero(t, f.calls())
}

func TestOpenHidesThePasswordOfABadConnectionString(t *testing.T) {
	_, err := Open(context.Background(), "esdb://admin:s3cret@[::1:2113?tls=false")

	require.Error(t, err)
	require.NotContains(t, err.Error(), "s3cret")
}

// receiveN waits for the next n events of a subscription.
func receiveN(t *testing.T, evs <-chan domain.Envelope, errs <-chan error, n int) []domain.Envelope {
	t.Helper()
	var got []domain.Envelope
	deadline := time.After(10 * time.Second)
	for len(got) < n {
		select {
		case e, ok := <-evs:
			require.True(t, ok, "subscription closed after %d of %d events", len(got), n)
			got = append(got, e)
		case err, ok := <-errs:
			require.NoError(t, err)
			if !ok {
				errs = nil
			}
		case <-deadline:
			t.Fatalf("%d of %d events", len(got), n)
		}
	}
	return got
}

// requireDone waits for evs to be closed.
func requireDone(t *testing.T, evs <-chan domain.Envelope) {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case _, ok := <-evs:
			if !ok {
				return
			}
		case <-deadline:
			t.Fatal("subscription not closed")
		}
	}
}
