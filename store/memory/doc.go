// Package memory is an event store held in memory, for tests and demos. It
// keeps every invariant of the store port except durability: nothing
// survives the process.
//
// Invariants:
//
//   - Appends are serialised by one mutex; each is checked, sealed and stored
//     whole while it is held, so an append is atomic and revisions are
//     contiguous from 0 in every stream.
//   - Positions are 1, 2, 3… in append order; recorded_at is stamped under
//     the mutex and never decreases along them.
//   - Stored events are copies: neither the caller's slices nor a reader's
//     results alias what the store holds.
//   - Every append that stores events wakes every subscriber (a channel
//     closed and replaced), so subscribers never poll.
package memory
