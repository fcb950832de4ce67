package esdb

import (
	"context"
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"
	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/caseledger/caseledger/store"
)

// codedError stands in for *esdb.Error, whose code the client's unexported
// fields do not let a test set.
type codedError struct {
	code esdb.ErrorCode
	err  error
}

func (e *codedError) Error() string        { return fmt.Sprintf("[code %d] %v", e.code, e.err) }
func (e *codedError) Code() esdb.ErrorCode { return e.code }
func (e *codedError) Unwrap() error        { return e.err }

// closedClientError returns the error a real client gives once closed.
func closedClientError(t *testing.T) error {
	t.Helper()
	cfg, err := esdb.ParseConnectionString("esdb://127.0.0.1:1?tls=false")
	require.NoError(t, err)
	cfg.Logger = esdb.NoopLogging()
	c, err := esdb.NewClient(cfg)
	require.NoError(t, err)
	require.NoError(t, c.Close())
	_, err = c.ReadStream(context.Background(), "case-X123456", esdb.ReadStreamOptions{}, 1)
	require.Error(t, err)
	return err
}

func TestTranslateMapsEveryCode(t *testing.T) {
	other := errors.New("other")
	tests := []struct {
		name string
		code esdb.ErrorCode
		want error // nil: wrapped as it is
	}{
		{"wrong expected version", esdb.ErrorCodeWrongExpectedVersion, store.ErrWrongRevision},
		{"not found", esdb.ErrorCodeResourceNotFound, errStreamNotFound},
		{"deadline exceeded", esdb.ErrorCodeDeadlineExceeded, store.ErrUnavailable},
		{"unavailable", esdb.ErrorUnavailable, store.ErrUnavailable},
		{"connection closed", esdb.ErrorCodeConnectionClosed, store.ErrUnavailable},
		{"not leader", esdb.ErrorCodeNotLeader, store.ErrUnavailable},
		{"aborted", esdb.ErrorAborted, store.ErrUnavailable},
		{"unknown", esdb.ErrorCodeUnknown, nil},
		{"unsupported feature", esdb.ErrorCodeUnsupportedFeature, nil},
		{"unauthenticated", esdb.ErrorCodeUnauthenticated, nil},
		{"access denied", esdb.ErrorCodeAccessDenied, nil},
		{"already exists", esdb.ErrorCodeResourceAlreadyExists, nil},
		{"stream deleted", esdb.ErrorCodeStreamDeleted, nil},
		{"parsing", esdb.ErrorCodeParsing, nil},
		{"internal client", esdb.ErrorCodeInternalClient, nil},
		{"internal server", esdb.ErrorCodeInternalServer, nil},
	}
	sentinels := []error{store.ErrWrongRevision, store.ErrUnavailable, errStreamNotFound, store.ErrClosed}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			orig := &codedError{code: tt.code, err: other}
			// The client wraps its errors with context of its own.
			got := translate(fmt.Errorf("could not send append request. Reason: %w", orig))

			require.ErrorIs(t, got, other, "the original stays in the chain")
			var ce coded
			require.ErrorAs(t, got, &ce)
			for _, s := range sentinels {
				require.Equal(t, s == tt.want, errors.Is(got, s), "errors.Is(%v)", s)
			}
		})
	}
}

func TestTranslateMapsRawGRPCStatuses(t *testing.T) {
	tests := []struct {
		code codes.Code
		want error
	}{
		{codes.Unavailable, store.ErrUnavailable},
		{codes.DeadlineExceeded, store.ErrUnavailable},
		{codes.Aborted, store.ErrUnavailable},
		{codes.Canceled, context.Canceled},
		{codes.PermissionDenied, nil},
		{codes.Internal, nil},
	}
	for _, tt := range tests {
		t.Run(tt.code.String(), func(t *testing.T) {
			orig := status.Error(tt.code, "from the server")
			// As a dropped subscription reports it, and as the client's
			// code Unknown wraps it.
			unknown, _ := esdb.FromError(orig)
			for _, err := range []error{orig, unknown} {
				got := translate(err)
				require.ErrorIs(t, got, orig)
				require.Equal(t, tt.want == store.ErrUnavailable, errors.Is(got, store.ErrUnavailable))
				require.Equal(t, tt.want == context.Canceled, errors.Is(got, context.Canceled))
			}
		})
	}
}

// TestTranslateMapsASendCutShort: a connection lost while the client sends
// an append reaches the store as io.EOF from the Send, wrapped by the client
// as code Unknown ("could not send append request. Reason: ... EOF"); it is
// a failure to retry, as every lost connection is.
func TestTranslateMapsASendCutShort(t *testing.T) {
	for _, cut := range []error{io.EOF, io.ErrUnexpectedEOF} {
		orig := &codedError{code: esdb.ErrorCodeUnknown, err: cut}
		for _, err := range []error{fmt.Errorf("could not send append request. Reason: %w", orig), cut} {
			got := translate(err)

			require.ErrorIs(t, got, store.ErrUnavailable, "%v", err)
			require.ErrorIs(t, got, cut, "the original stays in the chain")
			require.NotErrorIs(t, got, store.ErrWrongRevision)
		}
	}
}

func TestTranslateReadsARealClientError(t *testing.T) {
	err := closedClientError(t)
	require.True(t, hasCode(err, esdb.ErrorCodeConnectionClosed))

	require.ErrorIs(t, translate(err), store.ErrUnavailable)
}

func TestTranslateWrapsAnErrorOfUnknownOrigin(t *testing.T) {
	orig := errors.New("boom")

	got := translate(orig)

	require.ErrorIs(t, got, orig)
	require.NotErrorIs(t, got, store.ErrUnavailable)
	require.Contains(t, got.Error(), "eventstoredb")
	require.NoError(t, translate(nil))
}

func TestHasCode(t *testing.T) {
	err := fmt.Errorf("wrapped: %w", &codedError{code: esdb.ErrorCodeNotLeader})

	require.True(t, hasCode(err, esdb.ErrorCodeNotLeader))
	require.False(t, hasCode(err, esdb.ErrorUnavailable))
	require.False(t, hasCode(errors.New("plain"), esdb.ErrorCodeUnknown))
}

// TestTranslateReadsRealClientErrors has the client build its errors from a
// server's answers, as it does in production.
func TestTranslateReadsRealClientErrors(t *testing.T) {
	f := startFake(t)
	cfg, err := esdb.ParseConnectionString(f.url())
	require.NoError(t, err)
	cfg.Logger = esdb.NoopLogging()
	c, err := esdb.NewClient(cfg)
	require.NoError(t, err)
	defer c.Close()
	ctx := context.Background()
	event := esdb.EventData{EventID: uuid.New(), EventType: "t", ContentType: esdb.ContentTypeJson, Data: []byte("{}")}
	appendNew := func() error {
		_, err := c.AppendToStream(ctx, "s", esdb.AppendToStreamOptions{ExpectedRevision: esdb.NoStream{}}, event)
		return err
	}
	readMissing := func() error {
		rs, err := c.ReadStream(ctx, "missing", esdb.ReadStreamOptions{}, 1)
		require.NoError(t, err)
		defer rs.Close()
		_, err = rs.Recv()
		return err
	}
	require.NoError(t, appendNew())
	tests := []struct {
		name  string
		setup func(*fakeServer)
		call  func() error
		code  esdb.ErrorCode
		want  error
	}{
		{"wrong expected version", func(*fakeServer) {}, appendNew, esdb.ErrorCodeWrongExpectedVersion, store.ErrWrongRevision},
		{"stream not found", func(*fakeServer) {}, readMissing, esdb.ErrorCodeResourceNotFound, errStreamNotFound},
		{"not leader", func(f *fakeServer) { f.notLeader = 1 }, appendNew, esdb.ErrorCodeNotLeader, store.ErrUnavailable},
		{"unavailable", func(f *fakeServer) { f.down = 1 }, appendNew, esdb.ErrorUnavailable, store.ErrUnavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f.set(tt.setup)

			// Under load the client may still be reconnecting from the
			// previous case and answer with an unclassified error before
			// it reaches the fake; such calls are tried again (bounded).
			var err error
			var real *esdb.Error
			for attempt := 0; attempt < 20; attempt++ {
				err = tt.call()
				if !errors.As(err, &real) || real.Code() != esdb.ErrorCodeUnknown {
					break
				}
				f.set(tt.setup)
			}
			require.ErrorAs(t, err, &real)
			require.Equal(t, tt.code, real.Code())
			require.ErrorIs(t, translate(err), tt.want)
		})
	}
}
