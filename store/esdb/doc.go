// Package esdb is the event store port over EventStoreDB (KurrentDB), for
// deployments that want a replicated three-node cluster rather than the
// embedded store. It uses the official gRPC client
// (github.com/EventStore/EventStore-Client-Go/v4) and passes the same
// conformance suite as every store, with the one exception below.
//
// Mapping. Each port stream (case-{CRN}, org, access-{CRN}) is one
// EventStoreDB stream of the same name. Each envelope is one event: its
// event_id and type are the event's id and type, its payload is the event's
// JSON data, and every other envelope field but position is JSON user
// metadata. An envelope's position is the event's commit position in $all,
// so ReadAll and Subscribe follow $all order; reading "after p" starts $all
// at (p, p) and drops the event at p itself, and 0 means the start. Stream
// reads carry positions from EventStoreDB 22.6 on; an older server is
// refused rather than given positions of 0. System events and streams
// (those starting with "$") are skipped.
//
// Invariants kept here:
//
//   - Every append is sealed (revision, prev_hash, recorded_at, hash) after
//     the stream's last event as read from the leader, and sent with exactly
//     that expected revision (never "any"), so the hash chain can only be
//     extended from the event it names. The caller's store.Expected is
//     checked against the same read. When the server refuses because
//     another writer got in between, Append reads the tail again (a bounded
//     number of times): an append expecting any revision is sealed anew, an
//     exact one is refused with store.ErrWrongRevision, a retry of an
//     append that was stored meanwhile is reported as a duplicate.
//   - recorded_at is stamped immediately before the append, never before
//     the stream's last recorded_at. Appends from one process are serialised
//     from stamp to acknowledgement, so recorded_at never decreases along
//     $all among them; appends from several processes may commit in another
//     order than they were stamped, so known_at is exact to within the
//     commit latency.
//   - An append whose event ids are all stored already writes nothing and
//     returns the originals; some but not all is store.ErrDuplicateEventID.
//     EventStoreDB has no index by event id, so ids are looked for among
//     the stream's last events and at the revisions the caller's expected
//     revision puts the batch at. An id stored earlier in the stream, or in
//     another stream, is not found (the conformance suite's cross-stream
//     checks fail for this reason); the application looks Idempotency-Keys
//     up before it appends, which covers the retries that matter.
//   - An event read back whose metadata disagrees with where the server
//     holds it (stream, revision, id, type) is ErrCorrupt, never returned.
//   - The client's errors become the port's sentinels: a failed concurrency
//     check is store.ErrWrongRevision; a deadline, an unavailable node, a
//     node that is not the leader, a closed connection are
//     store.ErrUnavailable, which the API answers 503 to be retried.
//
// Leader. The client's RequiresLeader option is lost in v4.2.0 (it is set on
// the incoming, not the outgoing, metadata), so the store sends the
// requires-leader header itself: always when appending and reading for an
// append, and on reads when the connection string prefers the leader (the
// default). A follower answers "not leader", the client reconnects to the
// leader it names, and Append tries again.
//
// Client failures worked around. A client whose discovery fails gives up
// for good, and calls queued behind that discovery wait for ever; every
// call ignores its context while the client looks for a node. So the store
// runs each call so that it returns when its context ends, replaces a client
// that has given up, and has Close wait (a bounded time) for running calls,
// because the client panics if it is closed under one.
package esdb
