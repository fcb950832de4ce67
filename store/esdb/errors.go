package esdb

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/caseledger/caseledger/store"
)

// errStreamNotFound is what translate makes of a read of a stream that does
// not exist. Readers treat it as an empty stream; it never leaves the package.
var errStreamNotFound = errors.New("stream not found")

// coded is the method set of *esdb.Error that translate relies on. Matching
// the interface rather than the concrete type finds a *esdb.Error anywhere in
// the chain all the same, and lets tests build errors of every code, which
// the client's unexported fields do not allow.
type coded interface {
	error
	Code() esdb.ErrorCode
}

var _ coded = (*esdb.Error)(nil)

// translate maps the client's errors to the port's sentinels, keeping the
// original in the chain: a failed optimistic-concurrency check is
// store.ErrWrongRevision, anything a retry may cure (deadline, node
// unavailable or not leader, connection closed, aborted) is
// store.ErrUnavailable, a missing stream is errStreamNotFound, and the rest
// is wrapped as it is. It does not rely on esdb.FromError, whose ok is true
// only for a nil error.
func translate(err error) error {
	if err == nil {
		return nil
	}
	var ce coded
	if errors.As(err, &ce) && ce.Code() != esdb.ErrorCodeUnknown {
		return translateCode(ce.Code(), err)
	}
	if cutMidCall(err) {
		return fmt.Errorf("%w: connection lost during the call: %w", store.ErrUnavailable, err)
	}
	// Unclassified: the client passes some gRPC failures through raw (a
	// dropped subscription, a read that could not start) or as code Unknown.
	switch status.Code(err) {
	case codes.Unavailable, codes.DeadlineExceeded, codes.Aborted:
		return fmt.Errorf("%w: %w", store.ErrUnavailable, err)
	case codes.Canceled:
		return fmt.Errorf("%w: %w", context.Canceled, err)
	}
	return fmt.Errorf("eventstoredb: %w", err)
}

// cutMidCall reports whether err is gRPC's io.EOF from sending on a call
// whose stream has ended: the connection dropped (or the server gave up)
// while the client was still sending an append, and the client, which
// reports the Send's error without reading the call's status, passes it
// on as code Unknown. The append may or may not have been stored, as with
// any call cut short; a retry with the same event ids settles it, so it is
// a failure to retry, never an internal error. Only a Send returns io.EOF
// this way: a read's clean end is io.EOF from Recv, which drain consumes
// and never translates.
func cutMidCall(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
}

// translateCode maps a classified client error.
func translateCode(code esdb.ErrorCode, err error) error {
	switch code {
	case esdb.ErrorCodeWrongExpectedVersion:
		return fmt.Errorf("%w: %w", store.ErrWrongRevision, err)
	case esdb.ErrorCodeResourceNotFound:
		return fmt.Errorf("%w: %w", errStreamNotFound, err)
	case esdb.ErrorCodeDeadlineExceeded, esdb.ErrorUnavailable, esdb.ErrorCodeConnectionClosed,
		esdb.ErrorCodeNotLeader, esdb.ErrorAborted:
		return fmt.Errorf("%w: %w", store.ErrUnavailable, err)
	}
	return fmt.Errorf("eventstoredb: %w", err)
}

// hasCode reports whether err is, or wraps, a client error of code.
func hasCode(err error, code esdb.ErrorCode) bool {
	var ce coded
	return errors.As(err, &ce) && ce.Code() == code
}
