package esdb

import (
	"context"
	"errors"
	"fmt"

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
