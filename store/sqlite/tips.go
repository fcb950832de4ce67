package sqlite

import "fmt"

// maxTips bounds the tip cache. Past it, arbitrary entries are dropped (Go
// map iteration order is unspecified): a dropped tip is reloaded from the
// stream's last row, so the bound costs a lookup, never correctness.
const maxTips = 1 << 17

// tip is where a stream ends: its last revision and hash, or that it has no
// events yet.
type tip struct {
	exists   bool
	revision uint64
	hash     string
}

// String says where the stream ends, for error messages.
func (t tip) String() string {
	if !t.exists {
		return "no stream"
	}
	return fmt.Sprintf("revision %d", t.revision)
}

// tips caches the committed tip of recently written streams. Only the
// writer goroutine uses it, so it has no lock.
type tips map[string]tip

// put records t as stream's committed tip.
func (c tips) put(stream string, t tip) {
	if _, ok := c[stream]; !ok && len(c) >= maxTips {
		for s := range c {
			delete(c, s)
			if len(c) < maxTips*7/8 {
				break
			}
		}
	}
	c[stream] = t
}

// commit records the tips a committed batch left behind.
func (c tips) commit(pending map[string]tip) {
	for s, t := range pending {
		c.put(s, t)
	}
}

// forget drops the tips of streams a failed batch touched, so they are
// reloaded from what the file actually holds.
func (c tips) forget(pending map[string]tip) {
	for s := range pending {
		delete(c, s)
	}
}
