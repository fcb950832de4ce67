package sqlite

import "context"

// defaultAutocheckpoint is SQLite's wal_autocheckpoint, which the write
// connection keeps outside an import's commits: a COMMIT that leaves the
// WAL longer than this many pages copies it into the database file.
const defaultAutocheckpoint = 1000

// checkpointer copies the WAL into the database file for an import, on a
// connection of the read pool, while the writer goes on with the next
// transaction: an import's commits leave the WAL to it (wal_autocheckpoint
// 0 for them) instead of copying it themselves, which took the writer
// about a sixth of its time. It is the same work, in the same passive mode
// (it never waits for, nor holds up, a reader or the writer), on another
// core; stop waits for a last checkpoint, so an import leaves the file as
// its commits' own checkpoints would have.
type checkpointer struct {
	s    *Store
	poke chan struct{}
	done chan struct{}
}

// startCheckpointer starts a checkpointer, which checkpoints once at once.
func (s *Store) startCheckpointer() *checkpointer {
	c := &checkpointer{s: s, poke: make(chan struct{}, 1), done: make(chan struct{})}
	c.poke <- struct{}{}
	go func() {
		defer close(c.done)
		for range c.poke {
			c.checkpoint()
		}
		c.checkpoint()
	}()
	return c
}

// checkpoint copies what the WAL holds committed into the database file.
// A checkpoint that fails is left to the next one, or to the writer's next
// commit: nothing depends on it but the WAL's length.
func (c *checkpointer) checkpoint() {
	_, _ = c.s.readDB.ExecContext(context.Background(), "PRAGMA wal_checkpoint(PASSIVE)")
}

// signal says a transaction was committed.
func (c *checkpointer) signal() {
	select {
	case c.poke <- struct{}{}:
	default:
	}
}

// stop waits for the checkpoints under way and a last one.
func (c *checkpointer) stop() {
	close(c.poke)
	<-c.done
}
