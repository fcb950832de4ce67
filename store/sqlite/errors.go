package sqlite

import (
	"context"
	"errors"
	"fmt"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/caseledger/caseledger/store"
)

// unavailable wraps a driver failure so that it matches
// store.ErrUnavailable and still carries the driver's error. Every failure
// of the engine but a refused row (isConstraint) and a caller gone
// (isContext) is one: SQLITE_FULL on a full disk, SQLITE_IOERR on a
// failing one, SQLITE_BUSY past the busy timeout. The transaction they
// break is rolled back whole, and a retry succeeds once the disk has room
// or works again (full_test.go, and api's e2e_storefaults_test.go).
func unavailable(op string, err error) error {
	return fmt.Errorf("sqlite store: %s: %w: %w", op, store.ErrUnavailable, err)
}

// isConstraint reports whether err is SQLite refusing a row for a
// constraint (a UNIQUE index, here).
func isConstraint(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_CONSTRAINT
}

// isContext reports whether err is a context ending rather than a failure.
func isContext(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}
