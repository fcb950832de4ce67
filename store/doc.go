// Package store holds what every event store implementation shares: the
// expected-revision values, the Appended result and the sentinel errors that
// backends translate their own errors into. The implementations live in
// subpackages (memory, sqlite, esdb) and all pass storetest.Run.
//
// Invariants every store keeps:
//
//   - Append is atomic: all of its events are stored or none.
//   - Appends to one stream are serialised; the store stamps recorded_at,
//     revision and the hash chain (domain.Seal) where they are serialised, so
//     recorded_at never decreases along the global order.
//   - An append whose event ids were all stored before stores nothing and
//     reports the original result (idempotent retries).
//   - An append is acknowledged only once it is durable.
package store
