package cache

import (
	"container/list"
	"context"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/caseledger/caseledger/domain"
)

// Reader is what the cache reads from: a stream from a revision, by pages.
type Reader interface {
	ReadStream(ctx context.Context, stream string, from uint64, limit int) ([]domain.Envelope, error)
}

// Tipper is a store that knows, without reading, where the streams it
// wrote or was read to the end stop — exactly, because it is the only
// writer of its data (the embedded store). The cache asks it before
// reading: a stream it holds up to that revision needs no read at all.
type Tipper interface {
	// Tip returns the revision of stream's last event, as far as the store
	// knows, and the epoch to pass to Observe; ok is false when it does
	// not know.
	Tip(stream string) (last, epoch uint64, ok bool)
	// Observe tells the store that stream was read to its end, at revision
	// last, by a reader that called Tip for epoch before reading.
	Observe(stream string, last, epoch uint64)
}

// Stream is a stream's events as stored, and the same events decoded.
// Neither slice may be modified.
type Stream struct {
	Envelopes []domain.Envelope
	Events    []domain.Recorded

	entry *entry // where Remember keeps a value; nil for an empty Stream
}

// Remember keeps v with the stream as it is now, for Recall to return
// until the stream grows: a value derived from the events alone (a fold, a
// row) need not be derived again. One value is kept per stream.
func (s Stream) Remember(v any) {
	if s.entry == nil {
		return
	}
	s.entry.memo.Store(&memo{n: len(s.Events), v: v})
}

// Recall returns the value remembered with the stream as it is now, if any.
func (s Stream) Recall() (any, bool) {
	if s.entry == nil {
		return nil, false
	}
	m := s.entry.memo.Load()
	if m == nil || m.n != len(s.Events) {
		return nil, false
	}
	return m.v, true
}

// memo is a value remembered with a stream of n events.
type memo struct {
	n int
	v any
}

// readPage is how many events one read of the store asks for.
const readPage = 1000

// DefaultMaxEvents is how many events a cache holds unless told otherwise:
// about 1 KiB each with the envelope kept beside the decoded event, so half
// a gigabyte at most, whatever the size of the ledger; enough for the
// working set of 10,000 busy cases.
const DefaultMaxEvents = 500_000

// Histories caches decoded streams, the least recently used dropped first.
type Histories struct {
	src Reader
	max int

	mu      sync.Mutex
	entries map[string]*entry
	lru     *list.List // of *entry, most recently used at the front
	held    int        // events held by every entry
}

// entry is one stream's cached history.
type entry struct {
	stream string
	elem   *list.Element

	mu   sync.Mutex // held while the stream is brought up to date
	envs []domain.Envelope
	recs []domain.Recorded
	held int // len(envs) as counted in Histories.held; under Histories.mu

	memo atomic.Pointer[memo]
}

// New returns a cache over src holding at most maxEvents events
// (DefaultMaxEvents when maxEvents ≤ 0).
func New(src Reader, maxEvents int) *Histories {
	if maxEvents <= 0 {
		maxEvents = DefaultMaxEvents
	}
	return &Histories{src: src, max: maxEvents, entries: map[string]*entry{}, lru: list.New()}
}

// Load returns stream as it is stored now, reading and decoding only the
// events stored since it was last loaded. A stream with no events is empty.
func (h *Histories) Load(ctx context.Context, stream string) (Stream, error) {
	e := h.entry(stream)
	e.mu.Lock()
	err := e.bringUpToDate(ctx, h.src)
	s := Stream{Envelopes: e.envs[:len(e.envs):len(e.envs)], Events: e.recs[:len(e.recs):len(e.recs)], entry: e}
	e.mu.Unlock()
	if err != nil {
		return Stream{}, err
	}
	h.account(e, len(s.Envelopes))
	return s, nil
}

// entry returns stream's entry, made the most recently used.
func (h *Histories) entry(stream string) *entry {
	h.mu.Lock()
	defer h.mu.Unlock()
	e, ok := h.entries[stream]
	if !ok {
		e = &entry{stream: stream}
		e.elem = h.lru.PushFront(e)
		h.entries[stream] = e
		return e
	}
	h.lru.MoveToFront(e.elem)
	return e
}

// account records that e now holds n events, and drops the least recently
// used streams while the cache holds more than its bound. The stream just
// loaded is kept even when it alone is over the bound: it is in use.
func (h *Histories) account(e *entry, n int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.entries[e.stream] == e {
		h.held += n - e.held
		e.held = n
	}
	for h.held > h.max && h.lru.Len() > 1 {
		old := h.lru.Back().Value.(*entry)
		if old == e {
			break
		}
		h.lru.Remove(old.elem)
		delete(h.entries, old.stream)
		h.held -= old.held
	}
}

// Len returns how many events the cache holds.
func (h *Histories) Len() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.held
}

// bringUpToDate reads what was stored after the cached events, unless the
// store knows the stream ends where the cache does.
func (e *entry) bringUpToDate(ctx context.Context, src Reader) error {
	t, ok := src.(Tipper)
	if !ok {
		return e.refresh(ctx, src)
	}
	last, epoch, known := t.Tip(e.stream)
	if known && len(e.envs) > 0 && e.envs[len(e.envs)-1].Revision == last {
		return nil
	}
	if err := e.refresh(ctx, src); err != nil {
		return err
	}
	if len(e.envs) > 0 {
		t.Observe(e.stream, e.envs[len(e.envs)-1].Revision, epoch)
	}
	return nil
}

// refresh reads and decodes the events stored after the cached ones. A
// stream is append-only, so the cached prefix cannot have changed: the read
// asks only for what follows it, which for a stream nobody wrote to since is
// an indexed lookup that finds nothing. (A store rewound under a running
// server, restored from an older backup say, is not seen; a restore is done
// with the server stopped: docs/OPERATIONS.md.)
func (e *entry) refresh(ctx context.Context, src Reader) error {
	for {
		from := uint64(len(e.envs))
		page, err := src.ReadStream(ctx, e.stream, from, readPage)
		if err != nil {
			return fmt.Errorf("read %s: %w", e.stream, err)
		}
		if len(page) > 0 && page[0].Revision != from {
			return fmt.Errorf("read %s: revision %d came where %d was expected", e.stream, page[0].Revision, from)
		}
		recs, err := domain.FromEnvelopes(page)
		if err != nil {
			return fmt.Errorf("decode %s: %w", e.stream, err)
		}
		e.envs = append(e.envs, page...)
		e.recs = append(e.recs, recs...)
		if len(page) < readPage {
			return nil
		}
	}
}
