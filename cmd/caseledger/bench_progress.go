package main

import (
	"fmt"
	"io"
	"sync"
	"time"
)

// benchProgress shows what the bench is doing on a terminal, and nothing
// when its output is not one.
type benchProgress struct {
	mu   sync.Mutex
	w    io.Writer
	tty  bool
	last time.Time
}

func newBenchProgress(w io.Writer) *benchProgress {
	p := newProgress(w, "bench")
	return &benchProgress{w: w, tty: p.tty}
}

// step shows the measurement under way.
func (p *benchProgress) step(format string, args ...any) {
	if !p.tty {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintf(p.w, "\r\033[Kbench: "+format, args...)
}

// count shows n of total, at most ten times a second.
func (p *benchProgress) count(label string, n, total int) {
	if !p.tty {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if n < total && time.Since(p.last) < 100*time.Millisecond {
		return
	}
	p.last = time.Now()
	fmt.Fprintf(p.w, "\r\033[Kbench: %s %d of %d", label, min(n, total), total)
}

// clear removes the progress line.
func (p *benchProgress) clear() {
	if p.tty {
		fmt.Fprint(p.w, "\r\033[K")
	}
}
