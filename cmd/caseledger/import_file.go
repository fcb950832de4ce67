package main

import (
	"bytes"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/caseledger/caseledger/domain"
)

// importFile is an import file, read and checked whole: its events grouped
// by stream, each stream's in the file's order.
type importFile struct {
	streams []*fileStream // in the order of their first line
	events  int
}

// fileStream is one stream's events in an import file.
type fileStream struct {
	name   string
	lines  []int // the line of each event
	events []domain.Envelope
}

// maxReported is how many bad lines an import names before it only counts.
const maxReported = 20

// badLines is the refusal of an import file: the bad lines, in order (the
// first maxReported), and how many there were.
type badLines struct {
	errs  []*lineError
	total int
}

func (b *badLines) Error() string {
	var s strings.Builder
	fmt.Fprintf(&s, "%d bad %s; nothing was imported", b.total, plural(b.total, "line", "lines"))
	for _, e := range b.errs {
		s.WriteString("\n  ")
		s.WriteString(e.Error())
	}
	if b.total > len(b.errs) {
		fmt.Fprintf(&s, "\n  ... and %d more", b.total-len(b.errs))
	}
	return s.String()
}

func (b *badLines) add(e *lineError) {
	b.total++
	b.errs = append(b.errs, e)
}

// sorted keeps the first maxReported errors by line.
func (b *badLines) sorted() *badLines {
	slices.SortStableFunc(b.errs, func(x, y *lineError) int { return x.Line - y.Line })
	if len(b.errs) > maxReported {
		b.errs = b.errs[:maxReported]
	}
	return b
}

// readImportFile decodes and checks every line of data (docs/IMPORT.md),
// on every core, and checks the file as a whole as the lines come out, in
// order: event ids unique, each stream's events in the order the source
// recorded them, a case's opening first. Any bad line refuses the whole
// file with a *badLines naming them. progress, if not nil, is called with
// the number of lines checked.
func readImportFile(data []byte, now time.Time, progress func(int)) (*importFile, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")) // a byte order mark, as some exporters write
	lines := splitLines(data)
	decoded := make([]domain.Envelope, len(lines))
	errs := make([]*lineError, len(lines))
	ready := decodeLines(lines, now, decoded, errs)

	bad := &badLines{}
	f := &importFile{}
	byName := map[string]*fileStream{}
	ids := make(map[string]int, len(lines))
	for i, l := range lines {
		if i%decodeSlice == 0 {
			<-ready[i/decodeSlice]
			if progress != nil && i > 0 {
				progress(i)
			}
		}
		if l == nil {
			continue // blank
		}
		n := i + 1
		if errs[i] != nil {
			errs[i].Line = n
			bad.add(errs[i])
			continue
		}
		e := &decoded[i]
		if first, dup := ids[e.EventID]; dup {
			bad.add(&lineError{Line: n, Field: "event_id", Msg: fmt.Sprintf("%s is also the event_id of line %d", e.EventID, first)})
			continue
		}
		ids[e.EventID] = n
		s := byName[e.Stream]
		if s == nil {
			s = &fileStream{name: e.Stream}
			byName[e.Stream] = s
			f.streams = append(f.streams, s)
		}
		if err := checkStreamOrder(s, e, decoded); err != nil {
			err.Line = n
			bad.add(err)
			continue
		}
		s.lines = append(s.lines, n)
		f.events++
	}
	if progress != nil {
		progress(len(lines))
	}
	if bad.total > 0 {
		return nil, bad.sorted()
	}
	for _, s := range f.streams { // each stream's events side by side
		if first, last := s.lines[0], s.lines[len(s.lines)-1]; last-first+1 == len(s.lines) {
			s.events = decoded[first-1 : last : last] // lines one after another: they are already
			continue
		}
		s.events = make([]domain.Envelope, len(s.lines))
		for k, n := range s.lines {
			s.events[k] = decoded[n-1]
		}
	}
	return f, nil
}

// checkStreamOrder checks that e may follow the lines of s seen so far
// (decoded by line): the source recorded it no earlier than the one before,
// and a case's opening comes first.
func checkStreamOrder(s *fileStream, e *domain.Envelope, decoded []domain.Envelope) *lineError {
	if e.Type == "case.opened" && len(s.lines) > 0 {
		return fieldError("type", "case.opened must be the first event of %s, but line %d comes before it", s.name, s.lines[0])
	}
	if len(s.lines) == 0 {
		return nil
	}
	prev := &decoded[s.lines[len(s.lines)-1]-1]
	if e.Imported.RecordedAt.Before(prev.Imported.RecordedAt) {
		return fieldError("imported.recorded_at", "%s is before %s, that of line %d, the previous event of %s: "+
			"a stream's events must appear in the order the source recorded them",
			domain.FormatTime(e.Imported.RecordedAt), domain.FormatTime(prev.Imported.RecordedAt), s.lines[len(s.lines)-1], s.name)
	}
	return nil
}

// splitLines splits data at newlines, without a trailing carriage return;
// a blank line is nil.
func splitLines(data []byte) [][]byte {
	lines := make([][]byte, 0, bytes.Count(data, []byte{'\n'})+1)
	for len(data) > 0 {
		l, rest, _ := bytes.Cut(data, []byte{'\n'})
		data = rest
		l = bytes.TrimSuffix(l, []byte{'\r'})
		if len(bytes.TrimSpace(l)) == 0 {
			l = nil
		}
		lines = append(lines, l)
	}
	return lines
}

// decodeSlice is how many lines a decoding goroutine takes at a time.
const decodeSlice = 1024

// decodeLines decodes lines into out and errs on every core, a slice of
// decodeSlice lines at a time, and returns a channel for each slice, closed
// once it is decoded: the file-wide checks follow the decoding slice by
// slice instead of waiting for the end.
func decodeLines(lines [][]byte, now time.Time, out []domain.Envelope, errs []*lineError) []chan struct{} {
	ready := make([]chan struct{}, (len(lines)+decodeSlice-1)/decodeSlice)
	for i := range ready {
		ready[i] = make(chan struct{})
	}
	var next atomic.Int64
	for range runtime.GOMAXPROCS(0) {
		go func() {
			d := newLineDecoder(now)
			for k := int(next.Add(1) - 1); k < len(ready); k = int(next.Add(1) - 1) {
				for i := k * decodeSlice; i < min((k+1)*decodeSlice, len(lines)); i++ {
					if lines[i] != nil {
						var err *lineError
						if out[i], err = d.decodeLine(lines[i]); err != nil {
							errs[i] = err
						}
					}
				}
				close(ready[k])
			}
		}()
	}
	return ready
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
