// Package storetest is the one conformance suite every event store passes:
// a store's test calls Run with a Factory that opens fresh stores (and, for
// a durable store, reopens one), and the suite checks the port's contract
// through the Store interface alone.
//
// What it holds every store to:
//
//   - Expected revisions: Any, NoStream and Exact are honoured, and refused
//     appends fail with store.ErrWrongRevision and store nothing.
//   - Sealing: revisions start at 0 and are contiguous per stream; each
//     event's prev_hash is its predecessor's hash (domain.ZeroHash first)
//     and its hash is domain.ComputeHash of it; the store, not the caller,
//     stamps recorded_at, which never decreases along the global order.
//   - Idempotency: re-appending stored ids is a success that stores nothing
//     and reports the originals; a partial or cross-stream overlap is
//     store.ErrDuplicateEventID.
//   - Atomicity: every event of an append is stored, or none.
//   - Order: positions strictly increase; ReadAll and ReadStream page
//     without gaps or repeats; a missing stream reads as empty.
//   - Subscriptions catch up, then follow live appends, in order, without
//     duplicates or gaps, and end when their context does.
//   - Concurrency: contended appends to one stream keep it gapless and store
//     every acknowledged event exactly once.
//   - Round trip: every caller-set field reads back as given.
//   - Durability (when the factory can reopen): acknowledged appends survive
//     a restart and the chains and positions continue from where they were.
//
// Waits are conditions with deadlines, never sleeps.
package storetest
