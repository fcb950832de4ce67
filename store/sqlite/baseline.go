package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Row is one row of the events table, as the bare-insert baseline takes it.
type Row struct {
	EventID    string
	Stream     string
	Revision   int64
	Type       string
	OccurredAt string
	RecordedAt string
	Envelope   string
}

// ReadRows returns every row of the store file at path, in position order,
// read behind any store's back: the rows an import wrote, for the baseline
// to insert again.
func ReadRows(ctx context.Context, path string) ([]Row, error) {
	if err := checkPath(path); err != nil {
		return nil, err
	}
	db, err := sql.Open("sqlite", readDSN(path))
	if err != nil {
		return nil, unavailable("open", err)
	}
	defer db.Close()
	rows, err := db.QueryContext(ctx, `SELECT event_id, stream, revision, type, occurred_at, recorded_at, envelope
		FROM events ORDER BY position`)
	if err != nil {
		return nil, unavailable("read rows", err)
	}
	defer rows.Close()
	var out []Row
	for rows.Next() {
		var r Row
		if err := rows.Scan(&r.EventID, &r.Stream, &r.Revision, &r.Type, &r.OccurredAt, &r.RecordedAt, &r.Envelope); err != nil {
			return nil, unavailable("read rows", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, unavailable("read rows", err)
	}
	return out, nil
}

// BareInsert inserts rows into a new store file at path with plain
// database/sql multi-row INSERTs and nothing else: no sealing, no checks,
// no writer. It is the baseline Import is measured against, so it does what
// Import's own inserts do: the same schema and connection settings (WAL,
// synchronous=FULL, the page size of a new file, the import's page cache),
// the same statement sizes, and a transaction, with one fsync at COMMIT,
// for each run of whole streams reaching txEvents rows (consecutive rows of
// a stream being one batch). It checkpoints the WAL as SQLite does by
// itself, at the COMMIT that makes it long, where Import leaves that to a
// checkpointer on another connection.
func BareInsert(ctx context.Context, path string, rows []Row, txEvents int) (err error) {
	if err := checkPath(path); err != nil {
		return err
	}
	db, err := sql.Open("sqlite", writeDSN(path))
	if err != nil {
		return unavailable("open", err)
	}
	defer func() { err = errors.Join(err, db.Close()) }()
	conn, err := db.Conn(ctx)
	if err != nil {
		return unavailable("open", err)
	}
	defer func() { err = errors.Join(err, conn.Close()) }()
	if err := checkDurable(ctx, conn); err != nil {
		return err
	}
	if err := migrate(ctx, conn); err != nil {
		return err
	}
	if _, err := conn.ExecContext(ctx, importCacheSQL); err != nil {
		return err
	}
	ins := newRowInserter(conn)
	defer func() { err = errors.Join(err, ins.close()) }()
	tx := make([]row, 0, txEvents+1024)
	for start := 0; start < len(rows); {
		end := transactionEnd(rows, start, txEvents)
		tx = tx[:0]
		for _, r := range rows[start:end] {
			tx = append(tx, row{eventID: r.EventID, stream: r.Stream, revision: r.Revision, typ: r.Type,
				occurredAt: r.OccurredAt, recordedAt: r.RecordedAt, envelope: r.Envelope})
		}
		if err := bareCommit(ctx, conn, ins, tx); err != nil {
			return fmt.Errorf("bare insert of rows %d-%d: %w", start, end-1, err)
		}
		start = end
	}
	return nil
}

// transactionEnd is where the transaction starting at rows[start] ends:
// after the stream that takes it to txEvents rows, as Import's chunks do.
func transactionEnd(rows []Row, start, txEvents int) int {
	end := start
	for end < len(rows) && end-start < txEvents {
		stream := rows[end].Stream
		for end < len(rows) && rows[end].Stream == stream {
			end++
		}
	}
	return end
}

// bareCommit inserts rows in one transaction.
func bareCommit(ctx context.Context, conn *sql.Conn, ins *rowInserter, rows []row) error {
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		return err
	}
	if err := ins.insert(ctx, rows); err != nil {
		_, rerr := conn.ExecContext(ctx, "ROLLBACK")
		return errors.Join(err, rerr)
	}
	_, err := conn.ExecContext(ctx, "COMMIT")
	return err
}
