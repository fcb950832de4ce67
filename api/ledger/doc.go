// Package ledger is the application service between the HTTP handlers (and
// the demo generator) and the domain: it loads a stream, asks the decider,
// and appends the result with the revision it decided on.
//
// Invariants it keeps:
//
//   - A command is decided on the whole stream as stored; the append expects
//     exactly the revision that was loaded, so two writers never both succeed
//     on the same state. Without If-Match a lost race is decided again
//     (bounded); with If-Match it is ErrPrecondition. Writers of one stream
//     in one process take turns, so the bound is only met by writers in
//     other processes.
//   - Event ids come from a seed: derived from the Idempotency-Key when there
//     is one, so a retry proposes the same ids and the store stores it once.
//   - A failed command writes nothing.
package ledger
