// Package sqlite is the embedded default event store: one SQLite file, in
// WAL mode with synchronous=FULL, through the pure-Go modernc.org/sqlite
// driver, that an operator can back up and an auditor can open with the
// sqlite3 shell (table events, one row per event, its sealed envelope as
// JSON text).
//
// Invariants:
//
//   - One writer goroutine owns the only write connection. Appends queue to
//     it; it takes every queued append (up to a cap) into one transaction,
//     gives each its own SAVEPOINT and its own idempotency and
//     expected-revision check, and commits once, so concurrent appends share
//     one fsync (group commit). An append is acknowledged only after that
//     COMMIT returns.
//   - An append is atomic: a failed check rolls back to its savepoint, and a
//     failed COMMIT fails every append in the batch.
//   - Import is many appends through the same writer: whole batches (one per
//     stream) grouped into transactions of thousands of events, inserted with
//     multi-row INSERTs, each transaction alone and without savepoints (a
//     refused row rolls it back and its batches are redone one by one as
//     appends). Import seals ahead, on the other cores, with a recorded_at
//     read from the store's clock; the writer keeps a seal only if the
//     stream's tip is still the one it was made after and nothing later was
//     stamped since, and seals again otherwise.
//   - Revisions are contiguous from 0 per stream and each event's prev_hash
//     is the hash of the one before it; positions (the rowid) increase in
//     commit order, and recorded_at, stamped by the writer, never decreases
//     along them, across restarts too.
//   - The writer's cache of stream tips holds committed state only: appends
//     in a batch see each other through a separate pending set that is merged
//     in after COMMIT and dropped if it fails.
//   - Reads use a separate pool of read-only connections; subscriptions
//     read in pages and then wait for a commit notification, never polling.
//   - Driver failures are reported wrapped in store.ErrUnavailable, with the
//     driver's error kept in the chain.
package sqlite
