package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"strings"
)

// schemaVersion is the PRAGMA user_version of the schema this package
// writes; a file with a newer one is refused.
const schemaVersion = 1

// schema creates the events table. The envelope column holds the sealed
// envelope JSON without its position; the other columns repeat what an
// auditor filters on.
const schema = `
CREATE TABLE IF NOT EXISTS events (
	position    INTEGER PRIMARY KEY AUTOINCREMENT,
	event_id    TEXT NOT NULL UNIQUE,
	stream      TEXT NOT NULL,
	revision    INTEGER NOT NULL,
	type        TEXT NOT NULL,
	occurred_at TEXT NOT NULL,
	recorded_at TEXT NOT NULL,
	envelope    BLOB NOT NULL,
	UNIQUE (stream, revision)
);
`

// busyTimeoutMS is how long a connection waits for a lock held by another
// (an operator's sqlite3 shell, a backup) before failing.
const busyTimeoutMS = 10000

// pageSize is the page size of a new file. SQLite's default, 4 KiB, made
// a bulk insert of envelopes of about a kilobyte write and checkpoint twice
// as many pages, each with its own system call: 8 KiB took a fifth off its
// CPU time. A file keeps the page size it was created with (the pragma
// does nothing to it), and SQLite reads any.
const pageSize = 8192

// writeDSN is the data source of the write connection: WAL, synchronous
// FULL (an fsync at every COMMIT) and BEGIN IMMEDIATE. temp_store MEMORY
// keeps the savepoints' sub-journals, which only serve ROLLBACK TO within a
// transaction and play no part in crash recovery, from spilling to a
// temporary file on large appends. The journal mode is set after the
// pragmas (the driver runs _journal_mode last), because switching a new
// file to WAL writes its first page, which fixes its page size.
func writeDSN(path string) string {
	return dsn(path, url.Values{
		"_pragma": {
			fmt.Sprintf("busy_timeout(%d)", busyTimeoutMS),
			fmt.Sprintf("page_size(%d)", pageSize),
			"synchronous(FULL)",
			"temp_store(MEMORY)",
		},
		"_journal_mode": {"WAL"},
		"_txlock":       {"immediate"},
	})
}

// readDSN is the data source of the read pool: the same durability
// settings, and query_only so a read connection cannot write.
func readDSN(path string) string {
	return dsn(path, url.Values{
		"_pragma": {
			fmt.Sprintf("busy_timeout(%d)", busyTimeoutMS),
			"synchronous(FULL)",
			"query_only(1)",
		},
	})
}

// dsn appends params to path. The driver applies the _pragma values to
// every connection it opens, so every pooled connection has them.
func dsn(path string, params url.Values) string {
	return path + "?" + params.Encode()
}

// checkPath refuses paths the driver would misread.
func checkPath(path string) error {
	if path == "" || strings.ContainsRune(path, '?') || strings.HasPrefix(path, "file:") {
		return fmt.Errorf("sqlite store: unusable database path %q", path)
	}
	return nil
}

// checkDurable fails unless conn is in WAL mode with synchronous=FULL, so a
// misconfigured DSN cannot quietly trade durability away.
func checkDurable(ctx context.Context, conn *sql.Conn) error {
	var mode string
	var sync int
	if err := conn.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		return unavailable("read journal_mode", err)
	}
	if err := conn.QueryRowContext(ctx, "PRAGMA synchronous").Scan(&sync); err != nil {
		return unavailable("read synchronous", err)
	}
	if !strings.EqualFold(mode, "wal") || sync != 2 {
		return fmt.Errorf("sqlite store: journal_mode %s, synchronous %d: want wal and 2 (FULL)", mode, sync)
	}
	return nil
}

// migrate creates the schema in an empty file and refuses a newer one.
func migrate(ctx context.Context, conn *sql.Conn) error {
	var version int
	if err := conn.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return unavailable("read schema version", err)
	}
	switch {
	case version == schemaVersion:
		return nil
	case version > schemaVersion:
		return fmt.Errorf("sqlite store: schema version %d is newer than %d", version, schemaVersion)
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return unavailable("begin schema", err)
	}
	defer func() { _ = tx.Rollback() }()
	if _, err := tx.ExecContext(ctx, schema); err != nil {
		return unavailable("create schema", err)
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", schemaVersion)); err != nil {
		return unavailable("set schema version", err)
	}
	if err := tx.Commit(); err != nil {
		return unavailable("commit schema", err)
	}
	return nil
}
