package main

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/caseledger/caseledger/domain"
	"github.com/caseledger/caseledger/store"
	"github.com/caseledger/caseledger/store/sqlite"
)

// streamPlan is what an import will do to one stream: append its events
// not yet stored, at the revision the stream was found at.
type streamPlan struct {
	stream   *fileStream
	expected store.Expected
	skipped  int               // the file's first events, found stored
	append   []domain.Envelope // the rest
	live     int               // events of the stream recorded in this ledger, not imported
}

// conflicts refuses an import whose file disagrees with the store: nothing
// is written.
type conflicts struct{ msgs []string }

func (c *conflicts) Error() string {
	return fmt.Sprintf("%d %s cannot be imported as the store stands; nothing was imported:\n  %s",
		len(c.msgs), plural(len(c.msgs), "stream", "streams"), strings.Join(c.msgs, "\n  "))
}

// planImport reads every stream of f from st and decides what to append,
// before anything is written:
//
//   - events whose ids are stored in the stream are skipped (an import run
//     again stores nothing twice); they must be the stream's first events in
//     the file, with the same type, occurred_at and source, or the stream is
//     refused;
//   - a stream that exists is appended to at the revision it was found at
//     (the write fails, for that stream alone, if it moved since); one that
//     does not exist must begin, if it is a case, with case.opened;
//   - a stream holding events recorded in this ledger itself (not imported)
//     is refused unless afterLive: imported history would land after live
//     events that were decided without it.
//
// Any refusal refuses the whole import with a *conflicts.
func planImport(ctx context.Context, st eventStore, f *importFile, afterLive bool) ([]streamPlan, error) {
	plans := make([]streamPlan, len(f.streams))
	msgs := make([]string, len(f.streams))
	read := readStream
	if emptyStore(ctx, st) { // every stream is new: nothing to read
		read = func(context.Context, eventStore, string) ([]domain.Envelope, error) { return nil, nil }
	}
	var failed error
	var mu sync.Mutex
	next := 0
	var wg sync.WaitGroup
	for range 4 { // the read pool serves a few readers at once
		wg.Go(func() {
			for {
				mu.Lock()
				i := next
				next++
				stop := failed != nil
				mu.Unlock()
				if stop || i >= len(f.streams) {
					return
				}
				stored, err := read(ctx, st, f.streams[i].name)
				if err != nil {
					mu.Lock()
					failed = fmt.Errorf("read %s: %w", f.streams[i].name, err)
					mu.Unlock()
					return
				}
				plans[i], msgs[i] = planStream(f.streams[i], stored, afterLive)
			}
		})
	}
	wg.Wait()
	if failed != nil {
		return nil, failed
	}
	c := &conflicts{}
	for _, m := range msgs {
		if m != "" {
			c.msgs = append(c.msgs, m)
		}
	}
	if len(c.msgs) > 0 {
		return nil, c
	}
	return plans, nil
}

// planStream decides what to append to s, stored being the stream's
// events; a non-empty message refuses it.
func planStream(s *fileStream, stored []domain.Envelope, afterLive bool) (streamPlan, string) {
	p := streamPlan{stream: s, expected: store.NoStream}
	byID := make(map[string]domain.Envelope, len(stored))
	for _, e := range stored {
		byID[e.EventID] = e
		if e.Imported == nil {
			p.live++
		}
	}
	for ; p.skipped < len(s.events); p.skipped++ { // the file's events found stored, first
		e := s.events[p.skipped]
		old, ok := byID[e.EventID]
		if !ok {
			break
		}
		if !sameImport(old, e) {
			return p, fmt.Sprintf("%s: line %d: event %s is stored with other content (type %s, occurred_at %s)",
				s.name, s.lines[p.skipped], e.EventID, old.Type, domain.FormatTime(old.OccurredAt))
		}
	}
	for i := p.skipped; i < len(s.events); i++ { // and no other
		if _, ok := byID[s.events[i].EventID]; ok {
			return p, fmt.Sprintf("%s: line %d (event %s) is stored but line %d, before it, is not: the store and the file disagree on the order",
				s.name, s.lines[i], s.events[i].EventID, s.lines[p.skipped])
		}
	}
	p.append = s.events[p.skipped:]
	if len(p.append) == 0 {
		return p, ""
	}
	first := s.lines[p.skipped]
	if len(stored) == 0 {
		if s.name != domain.OrgStream && p.append[0].Type != "case.opened" {
			return p, fmt.Sprintf("%s: line %d: the case does not exist, so its first event must be case.opened, not %s",
				s.name, first, p.append[0].Type)
		}
		return p, ""
	}
	if p.append[0].Type == "case.opened" {
		return p, fmt.Sprintf("%s: line %d: case.opened, but the case exists already (%d events)", s.name, first, len(stored))
	}
	if p.live > 0 && !afterLive {
		return p, fmt.Sprintf("%s: holds %d %s recorded in this ledger; importing would put history after %s (line %d on): "+
			"refused, unless --after-live", s.name, p.live, plural(p.live, "event", "events"), plural(p.live, "it", "them"), first)
	}
	p.expected = store.Exact(stored[len(stored)-1].Revision)
	return p, ""
}

// sameImport reports whether stored is the import of e: an id names one
// event, and a file that reuses it for another is refused.
func sameImport(stored, e domain.Envelope) bool {
	return stored.Type == e.Type && stored.OccurredAt.Equal(e.OccurredAt) && stored.Imported != nil &&
		stored.Imported.System == e.Imported.System && stored.Imported.RecordedAt.Equal(e.Imported.RecordedAt)
}

// emptyStore reports whether st is an embedded store that holds no event
// at all, whose ReadAll covers every stream: the first import into a new
// ledger then reads no stream. A stream written between this look and the
// import's write is refused alone as it is written, as when a stream moves
// after it was read.
func emptyStore(ctx context.Context, st eventStore) bool {
	if _, ok := st.(*sqlite.Store); !ok {
		return false
	}
	evs, err := st.ReadAll(ctx, 0, 1)
	return err == nil && len(evs) == 0
}

// readStream returns every event of stream.
func readStream(ctx context.Context, st eventStore, stream string) ([]domain.Envelope, error) {
	var out []domain.Envelope
	for from := uint64(0); ; {
		page, err := st.ReadStream(ctx, stream, from, 1000)
		if err != nil {
			return nil, err
		}
		out = append(out, page...)
		if len(page) < 1000 {
			return out, nil
		}
		from = page[len(page)-1].Revision + 1
	}
}
