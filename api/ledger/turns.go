package ledger

import "sync"

// turns lets the writers of one stream take turns within this process.
// Writers of one stream cannot both succeed on the same revision anyway; in
// turn, each decides on the stream as the one before it left it, instead of
// losing the race and deciding again until maxAttempts gives up. Writers of
// different streams still run (and share commits) concurrently. The retry
// loop in Execute remains for writers in other processes.
type turns struct {
	mu      sync.Mutex
	streams map[string]*turn
}

type turn struct {
	mu      sync.Mutex
	waiting int // writers holding or waiting for mu
}

// take waits for the stream's turn and returns the function that ends it.
func (t *turns) take(stream string) (done func()) {
	t.mu.Lock()
	if t.streams == nil {
		t.streams = map[string]*turn{}
	}
	tn := t.streams[stream]
	if tn == nil {
		tn = &turn{}
		t.streams[stream] = tn
	}
	tn.waiting++
	t.mu.Unlock()

	tn.mu.Lock()
	return func() {
		tn.mu.Unlock()
		t.mu.Lock()
		if tn.waiting--; tn.waiting == 0 {
			delete(t.streams, stream)
		}
		t.mu.Unlock()
	}
}
