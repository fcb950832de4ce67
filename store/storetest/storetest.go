package storetest

import (
	"context"
	"testing"

	"github.com/caseledger/caseledger/domain"
	"github.com/caseledger/caseledger/store"
)

// Store is the event store port as the application consumes it.
type Store interface {
	// Append writes evs to stream atomically if the stream satisfies
	// expected, sealing each event (revision, recorded_at, hash chain).
	Append(ctx context.Context, stream string, expected store.Expected, evs ...domain.Envelope) (store.Appended, error)
	// ReadStream returns up to limit events of stream from revision from
	// (inclusive), oldest first; none for a stream that does not exist.
	ReadStream(ctx context.Context, stream string, from uint64, limit int) ([]domain.Envelope, error)
	// ReadAll returns up to limit events of every stream with a position
	// after the given one, in global order.
	ReadAll(ctx context.Context, after uint64, limit int) ([]domain.Envelope, error)
	// Subscribe delivers every event after the given position in global order,
	// catching up first and then following live appends, until ctx ends.
	Subscribe(ctx context.Context, after uint64) (<-chan domain.Envelope, <-chan error)
	Close() error
}

// Factory opens stores for the suite.
type Factory struct {
	// New opens a fresh, empty store; it registers its own cleanup.
	New func(t *testing.T) Store
	// Reopen, when set, closes s and opens the same data again, to check
	// that acknowledged appends survive a restart.
	Reopen func(t *testing.T, s Store) Store
	// StreamLocalEventIDs, when set, says the store finds an already stored
	// event id only within the stream appended to (EventStoreDB keeps no
	// index by event id); the checks of ids stored in another stream are
	// then skipped.
	StreamLocalEventIDs bool
}

// Run runs the conformance suite against the stores f opens. Each subtest
// opens its own store, so a failure in one does not leak into the next.
func Run(t *testing.T, f Factory) {
	t.Helper()
	t.Run("ExpectedRevision", func(t *testing.T) { testExpectedRevision(t, f) })
	t.Run("Sealing", func(t *testing.T) { testSealing(t, f) })
	t.Run("Invalid", func(t *testing.T) { testInvalid(t, f) })
	t.Run("Idempotency", func(t *testing.T) { testIdempotency(t, f) })
	t.Run("Atomicity", func(t *testing.T) { testAtomicity(t, f) })
	t.Run("RecordedAt", func(t *testing.T) { testRecordedAt(t, f) })
	t.Run("RoundTrip", func(t *testing.T) { testRoundTrip(t, f) })
	t.Run("GlobalOrder", func(t *testing.T) { testGlobalOrder(t, f) })
	t.Run("ReadStream", func(t *testing.T) { testReadStream(t, f) })
	t.Run("Subscribe", func(t *testing.T) { testSubscribe(t, f) })
	t.Run("Concurrency", func(t *testing.T) { testConcurrency(t, f) })
	t.Run("Closed", func(t *testing.T) { testClosed(t, f) })
	t.Run("Durability", func(t *testing.T) { testDurability(t, f) })
}
