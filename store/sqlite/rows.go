package sqlite

import (
	"context"
	"database/sql"
	"strings"

	"github.com/caseledger/caseledger/domain"
)

// maxRowsPerInsert is the most rows one INSERT statement of an import
// takes: 256 rows of 7 columns bind 1,792 variables, far below SQLite's
// limit (32,766), and statements of a few hundred rows were measured the
// fastest (larger ones bind and parse more for nothing).
const maxRowsPerInsert = 256

// row is one row of the events table, ready to insert.
type row struct {
	eventID, stream string
	revision        int64
	typ             string
	occurredAt      string
	recordedAt      string
	envelope        string
}

// newRow encodes a sealed event as its row; recordedAt is its recorded_at
// as FormatTime writes it (the events of a batch share it).
func newRow(e *domain.Envelope, recordedAt string) (row, error) {
	env, err := encode(e)
	if err != nil {
		return row{}, err
	}
	return row{eventID: e.EventID, stream: e.Stream, revision: int64(e.Revision), typ: e.Type,
		occurredAt: domain.FormatTime(e.OccurredAt), recordedAt: recordedAt, envelope: env}, nil
}

// insertRowsSQL is the INSERT of n rows.
func insertRowsSQL(n int) string {
	var b strings.Builder
	b.WriteString(`INSERT INTO events (event_id, stream, revision, type, occurred_at, recorded_at, envelope) VALUES `)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("(?,?,?,?,?,?,?)")
	}
	return b.String()
}

// statementSizes splits n rows into INSERT statements: as many of
// maxRowsPerInsert as fit, then the rest in powers of two, so that a
// handful of prepared statements serve any count.
func statementSizes(n int) []int {
	var sizes []int
	for n >= maxRowsPerInsert {
		sizes = append(sizes, maxRowsPerInsert)
		n -= maxRowsPerInsert
	}
	for size := maxRowsPerInsert / 2; size > 0; size /= 2 {
		if n >= size {
			sizes = append(sizes, size)
			n -= size
		}
	}
	return sizes
}

// rowInserter inserts rows with multi-row INSERT statements prepared on one
// connection, and reuses them and its argument slice.
type rowInserter struct {
	conn  *sql.Conn
	stmts map[int]*sql.Stmt
	args  []any
}

func newRowInserter(conn *sql.Conn) *rowInserter {
	return &rowInserter{conn: conn, stmts: map[int]*sql.Stmt{}}
}

// insert inserts rows in order. An error leaves the rows of the failed
// statement out and those of earlier statements in: callers wrap it in a
// savepoint or transaction.
func (ins *rowInserter) insert(ctx context.Context, rows []row) error {
	for _, size := range statementSizes(len(rows)) {
		stmt, err := ins.stmt(ctx, size)
		if err != nil {
			return err
		}
		ins.args = ins.args[:0]
		for _, r := range rows[:size] {
			ins.args = append(ins.args, r.eventID, r.stream, r.revision, r.typ, r.occurredAt, r.recordedAt, r.envelope)
		}
		if _, err := stmt.ExecContext(ctx, ins.args...); err != nil {
			return err
		}
		rows = rows[size:]
	}
	clear(ins.args) // let the strings go
	return nil
}

func (ins *rowInserter) stmt(ctx context.Context, size int) (*sql.Stmt, error) {
	if stmt, ok := ins.stmts[size]; ok {
		return stmt, nil
	}
	stmt, err := ins.conn.PrepareContext(ctx, insertRowsSQL(size))
	if err != nil {
		return nil, err
	}
	ins.stmts[size] = stmt
	return stmt, nil
}

// close releases the prepared statements.
func (ins *rowInserter) close() error {
	var first error
	for _, stmt := range ins.stmts {
		if err := stmt.Close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}
