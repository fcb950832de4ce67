package sqlite

import "sync"

// maxKnown bounds the known tips; past it they are all forgotten, which
// only costs the readers a query each until they learn them again.
const maxKnown = 1 << 20

// known is where the streams this process wrote or read to the end stop,
// as far as it knows: a reader that holds a stream up to that revision
// (store/cache) need not ask the file for more. It is exact because the
// embedded store has one writer per file, this one (docs/IMPORT.md: the
// server is stopped to import; another program writing the file is not
// supported), and the writer records a commit's tips before answering its
// callers, so a caller that was answered reads its own write.
//
// A reader learns a stream's end through Observe, stamped with the epoch it
// read under: an import, which writes streams behind the tips' back, starts
// a new epoch before and after it commits, so an observation made before or
// during it is dropped rather than believed.
type known struct {
	mu    sync.RWMutex
	epoch uint64
	last  map[string]uint64 // stream → revision of its last event
}

func newKnown() *known { return &known{last: map[string]uint64{}} }

// tip returns the known last revision of stream and the current epoch.
func (k *known) tip(stream string) (last, epoch uint64, ok bool) {
	k.mu.RLock()
	defer k.mu.RUnlock()
	last, ok = k.last[stream]
	return last, k.epoch, ok
}

// observe records that stream was read to its end at revision last under
// epoch. Tips only move forward: a read that raced a commit cannot move one
// back.
func (k *known) observe(stream string, last, epoch uint64) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if epoch != k.epoch {
		return
	}
	k.set(stream, last)
}

// committed records the tips of a committed batch.
func (k *known) committed(pending map[string]tip) {
	k.mu.Lock()
	defer k.mu.Unlock()
	for s, t := range pending {
		if t.exists {
			k.set(s, t.revision)
		}
	}
}

// reset forgets every tip and starts a new epoch.
func (k *known) reset() {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.epoch++
	clear(k.last)
}

func (k *known) set(stream string, last uint64) {
	if cur, ok := k.last[stream]; ok && cur >= last {
		return
	}
	if len(k.last) >= maxKnown {
		k.epoch++
		clear(k.last)
	}
	k.last[stream] = last
}

// Tip returns the revision of the last event of stream as far as this
// process knows without reading the file, and the epoch to pass to Observe;
// ok is false when it does not know.
// A closed store knows nothing: its readers must read, and find it closed.
func (s *Store) Tip(stream string) (last, epoch uint64, ok bool) {
	select {
	case <-s.quit:
		return 0, 0, false
	default:
		return s.known.tip(stream)
	}
}

// Observe records that stream was read to its end, at revision last, by a
// reader that called Tip (for epoch) before it read.
func (s *Store) Observe(stream string, last, epoch uint64) { s.known.observe(stream, last, epoch) }
