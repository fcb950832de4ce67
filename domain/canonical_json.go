package domain

import (
	"slices"
	"unicode/utf8"
)

// canonicaliser rewrites one JSON text in JCS form into out. Object members
// are written as they come, then put in order in place; members is a stack
// shared by every open object, so nesting costs no allocation.
type canonicaliser struct {
	src     []byte
	i       int
	out     []byte
	members []member
	sorted  []member // scratch for reorder
	tmp     []byte   // scratch for reorder
}

// member is where one object member was written in out: [start, end), its
// key (already in canonical form, which for the keys accepted is the key
// itself) in [start+1, keyEnd).
type member struct {
	start, keyEnd, end int
}

// appendJSON appends the JCS form of the JSON text src, or reports false
// when src is not JSON, or holds something left to the slow path.
func (c *canonicaliser) appendJSON(dst, src []byte) ([]byte, bool) {
	c.src, c.i, c.out, c.members = src, 0, dst, c.members[:0]
	defer func() { c.src, c.out = nil, nil }() // keep no reference to the caller's bytes
	c.skipSpace()
	if !c.value(0) {
		return dst, false
	}
	c.skipSpace()
	if c.i != len(c.src) {
		return dst, false
	}
	return c.out, true
}

func (c *canonicaliser) skipSpace() {
	for c.i < len(c.src) {
		switch c.src[c.i] {
		case ' ', '\t', '\n', '\r':
			c.i++
		default:
			return
		}
	}
}

// value writes the value at c.i.
func (c *canonicaliser) value(depth int) bool {
	if c.i >= len(c.src) || depth > maxCanonicalDepth {
		return false
	}
	switch ch := c.src[c.i]; {
	case ch == '{':
		return c.object(depth + 1)
	case ch == '[':
		return c.array(depth + 1)
	case ch == '"':
		_, ok := c.str()
		return ok
	case ch == 't':
		return c.literal("true")
	case ch == 'f':
		return c.literal("false")
	case ch == 'n':
		return c.literal("null")
	case ch == '-' || (ch >= '0' && ch <= '9'):
		return c.number()
	}
	return false
}

func (c *canonicaliser) literal(lit string) bool {
	if len(c.src)-c.i < len(lit) || string(c.src[c.i:c.i+len(lit)]) != lit {
		return false
	}
	c.i += len(lit)
	c.out = append(c.out, lit...)
	return true
}

func (c *canonicaliser) array(depth int) bool {
	c.i++ // [
	c.out = append(c.out, '[')
	c.skipSpace()
	if c.i < len(c.src) && c.src[c.i] == ']' {
		c.i++
		c.out = append(c.out, ']')
		return true
	}
	for {
		c.skipSpace()
		if !c.value(depth) {
			return false
		}
		c.skipSpace()
		if c.i >= len(c.src) {
			return false
		}
		switch c.src[c.i] {
		case ',':
			c.i++
			c.out = append(c.out, ',')
		case ']':
			c.i++
			c.out = append(c.out, ']')
			return true
		default:
			return false
		}
	}
}

func (c *canonicaliser) object(depth int) bool {
	c.i++ // {
	c.out = append(c.out, '{')
	c.skipSpace()
	if c.i < len(c.src) && c.src[c.i] == '}' {
		c.i++
		c.out = append(c.out, '}')
		return true
	}
	base := len(c.members)
	defer func() { c.members = c.members[:base] }()
	sorted := true
	for {
		c.skipSpace()
		if c.i >= len(c.src) || c.src[c.i] != '"' {
			return false
		}
		m := member{start: len(c.out)}
		plain, ok := c.str()
		if !ok || !plain {
			return false // a key that needed escaping: left to the slow path
		}
		m.keyEnd = len(c.out) - 1
		c.skipSpace()
		if c.i >= len(c.src) || c.src[c.i] != ':' {
			return false
		}
		c.i++
		c.out = append(c.out, ':')
		c.skipSpace()
		if !c.value(depth) {
			return false
		}
		m.end = len(c.out)
		if n := len(c.members); n > base {
			switch d := c.compareKeys(c.members[n-1], m); {
			case d == 0:
				return false // a duplicate key: the slow path refuses it
			case d > 0:
				sorted = false
			}
		}
		c.members = append(c.members, m)
		c.skipSpace()
		if c.i >= len(c.src) {
			return false
		}
		switch c.src[c.i] {
		case ',':
			c.i++
			c.out = append(c.out, ',')
		case '}':
			c.i++
			if !sorted && !c.reorder(c.members[base:]) {
				return false
			}
			c.out = append(c.out, '}')
			return true
		default:
			return false
		}
	}
}

// reorder puts the members written in out in key order, in place.
func (c *canonicaliser) reorder(ms []member) bool {
	first, last := ms[0].start, ms[len(ms)-1].end
	c.sorted = append(c.sorted[:0], ms...)
	byKey := c.sorted
	slices.SortFunc(byKey, c.compareKeys)
	for i := 1; i < len(byKey); i++ {
		if c.compareKeys(byKey[i-1], byKey[i]) == 0 {
			return false
		}
	}
	c.tmp = c.tmp[:0]
	for i, m := range byKey {
		if i > 0 {
			c.tmp = append(c.tmp, ',')
		}
		c.tmp = append(c.tmp, c.out[m.start:m.end]...)
	}
	copy(c.out[first:last], c.tmp)
	return true
}

// compareKeys orders two members' keys by their UTF-16 code units, as JCS
// sorts them. For valid UTF-8 that is the order of the bytes, except that a
// character above U+FFFF (a surrogate pair in UTF-16) sorts before
// U+E000-U+FFFF.
func (c *canonicaliser) compareKeys(a, b member) int {
	ka, kb := c.out[a.start+1:a.keyEnd], c.out[b.start+1:b.keyEnd]
	n := min(len(ka), len(kb))
	i := 0
	for i < n && ka[i] == kb[i] {
		i++
	}
	if i == n {
		return len(ka) - len(kb)
	}
	for i > 0 && !utf8.RuneStart(ka[i]) { // back to the start of the character
		i--
	}
	ra, _ := utf8.DecodeRune(ka[i:])
	rb, _ := utf8.DecodeRune(kb[i:])
	if (ra > 0xFFFF) != (rb > 0xFFFF) {
		return int(utf16Lead(ra)) - int(utf16Lead(rb))
	}
	return int(ra) - int(rb) // both in the BMP, or both pairs: code point order
}

// utf16Lead is the first UTF-16 code unit of r: its high surrogate when it
// is above U+FFFF.
func utf16Lead(r rune) rune {
	if r > 0xFFFF {
		return 0xD800 + (r-0x10000)>>10
	}
	return r
}
