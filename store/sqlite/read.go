package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"math"

	"github.com/caseledger/caseledger/domain"
	"github.com/caseledger/caseledger/store"
)

const (
	readStreamSQL = `SELECT position, envelope FROM events
		WHERE stream = ? AND revision >= ? ORDER BY revision LIMIT ?`
	readAllSQL = `SELECT position, envelope FROM events
		WHERE position > ? ORDER BY position LIMIT ?`
)

// ReadStream returns up to limit events of stream from revision from on,
// oldest first; none, and no error, for a stream that does not exist.
func (s *Store) ReadStream(ctx context.Context, stream string, from uint64, limit int) ([]domain.Envelope, error) {
	if limit <= 0 {
		return nil, fmt.Errorf("read %s: %w: limit %d", stream, store.ErrInvalid, limit)
	}
	if from > math.MaxInt64 { // beyond any revision SQLite can hold
		return nil, nil
	}
	return s.query(ctx, "read "+stream, s.readStream, stream, int64(from), limit)
}

// ReadAll returns up to limit events of every stream with a position after
// after, in global order.
func (s *Store) ReadAll(ctx context.Context, after uint64, limit int) ([]domain.Envelope, error) {
	if limit <= 0 {
		return nil, fmt.Errorf("read all: %w: limit %d", store.ErrInvalid, limit)
	}
	if after >= math.MaxInt64 { // beyond any position SQLite can hold
		return nil, nil
	}
	return s.query(ctx, "read all", s.readAll, int64(after), limit)
}

// query runs a prepared read returning (position, envelope) rows on the
// read pool.
func (s *Store) query(ctx context.Context, op string, stmt *sql.Stmt, args ...any) ([]domain.Envelope, error) {
	if s.isClosed() {
		return nil, store.ErrClosed
	}
	rows, err := stmt.QueryContext(ctx, args...)
	if err != nil {
		return nil, s.readFailure(op, err)
	}
	defer rows.Close()
	return s.scan(op, rows)
}

// scan decodes every row of rows. The envelope is scanned into a string,
// the driver's own copy of the row, which the decoder copies out of only
// what it keeps.
func (s *Store) scan(op string, rows *sql.Rows) ([]domain.Envelope, error) {
	var out []domain.Envelope
	var d envelopeDecoder
	var pos int64
	var raw string
	for rows.Next() {
		if err := rows.Scan(&pos, &raw); err != nil {
			return nil, s.readFailure(op, err)
		}
		e, err := d.decode(pos, raw)
		if err != nil {
			return nil, unavailable(op, err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, s.readFailure(op, err)
	}
	return out, nil
}
