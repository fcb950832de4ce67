package sqlite

import (
	"context"
	"sync"
)

// defaultAutocheckpoint is SQLite's wal_autocheckpoint, which the write
// connection keeps outside an import's commits: a COMMIT that leaves the
// WAL longer than this many pages copies it into the database file.
const defaultAutocheckpoint = 1000

// restartEvery is how many import commits may follow one another while
// the checkpointer copies the one before: the writer can only start the
// WAL again from its beginning in a transaction that begins once all of it
// was copied, so every restartEvery commits the import waits for the
// checkpointer, and the WAL stays within a few transactions' pages
// instead of growing with the whole import.
const restartEvery = 4

// checkpointer copies the WAL into the database file for an import, on a
// connection of the read pool, while the writer goes on with the next
// transaction: an import's commits leave the WAL to it (wal_autocheckpoint
// 0 for them) instead of copying it themselves. It is the same work, in
// the same passive mode (it never waits for, nor holds up, a reader or the
// writer), on another core; stop waits for a last checkpoint, so an import
// leaves the file as its commits' own checkpoints would have.
type checkpointer struct {
	s        *Store
	mu       sync.Mutex
	changed  *sync.Cond
	asked    uint64 // commits signalled
	copied   uint64 // commits the last finished checkpoint covered
	stopping bool
	finished chan struct{}
}

// startCheckpointer starts a checkpointer, which checkpoints once at once.
func (s *Store) startCheckpointer() *checkpointer {
	c := &checkpointer{s: s, asked: 1, finished: make(chan struct{})}
	c.changed = sync.NewCond(&c.mu)
	go c.run()
	return c
}

func (c *checkpointer) run() {
	defer close(c.finished)
	c.mu.Lock()
	for {
		if c.copied < c.asked {
			asked := c.asked
			c.mu.Unlock()
			c.checkpoint()
			c.mu.Lock()
			c.copied = asked
			c.changed.Broadcast()
			continue
		}
		if c.stopping {
			break
		}
		c.changed.Wait()
	}
	c.mu.Unlock()
	c.checkpoint()
}

// checkpoint copies what the WAL holds committed into the database file.
// A checkpoint that fails is left to the next one, or to the writer's next
// commit: nothing depends on it but the WAL's length.
func (c *checkpointer) checkpoint() {
	_, _ = c.s.readDB.ExecContext(context.Background(), "PRAGMA wal_checkpoint(PASSIVE)")
}

// signal says a transaction was committed.
func (c *checkpointer) signal() {
	c.mu.Lock()
	c.asked++
	c.changed.Broadcast()
	c.mu.Unlock()
}

// catchUp waits until every commit signalled is copied.
func (c *checkpointer) catchUp() {
	c.mu.Lock()
	for c.copied < c.asked {
		c.changed.Wait()
	}
	c.mu.Unlock()
}

// stop waits for the checkpoints under way and a last one.
func (c *checkpointer) stop() {
	c.mu.Lock()
	c.stopping = true
	c.changed.Broadcast()
	c.mu.Unlock()
	<-c.finished
}
