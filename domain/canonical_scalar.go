package domain

import (
	"strconv"
	"unicode/utf8"

	"github.com/gowebpki/jcs"
)

// str writes the string at c.i in JCS form. plain reports that it needed no
// escape in either form, so its canonical bytes are its characters.
func (c *canonicaliser) str() (plain, ok bool) {
	c.i++ // "
	c.out = append(c.out, '"')
	plain = true
	start := c.i
	for c.i < len(c.src) {
		ch := c.src[c.i]
		switch {
		case ch == '"':
			c.out = append(c.out, c.src[start:c.i]...)
			c.out = append(c.out, '"')
			c.i++
			return plain, true
		case ch == '\\':
			c.out = append(c.out, c.src[start:c.i]...)
			if !c.escape() {
				return false, false
			}
			plain = false
			start = c.i
		case ch < 0x20:
			return false, false
		case ch < utf8.RuneSelf:
			c.i++
		default:
			r, size := utf8.DecodeRune(c.src[c.i:])
			if r == utf8.RuneError && size == 1 {
				return false, false
			}
			c.i += size
		}
	}
	return false, false
}

// escape decodes the escape at c.i and writes the character as JCS does.
func (c *canonicaliser) escape() bool {
	if c.i+1 >= len(c.src) {
		return false
	}
	e := c.src[c.i+1]
	c.i += 2
	switch e {
	case '"', '\\':
		c.out = append(c.out, '\\', e)
	case '/':
		c.out = append(c.out, '/')
	case 'b', 'f', 'n', 'r', 't':
		c.out = append(c.out, '\\', e)
	case 'u':
		r, ok := c.hex4()
		if !ok {
			return false
		}
		if r >= 0xD800 && r <= 0xDFFF {
			if r > 0xDBFF || c.i+1 >= len(c.src) || c.src[c.i] != '\\' || c.src[c.i+1] != 'u' {
				return false
			}
			c.i += 2
			lo, ok := c.hex4()
			if !ok || lo < 0xDC00 || lo > 0xDFFF {
				return false
			}
			r = 0x10000 + (r-0xD800)<<10 + (lo - 0xDC00)
		}
		if r < utf8.RuneSelf && (r < 0x20 || r == '"' || r == '\\') {
			c.out = appendEscaped(c.out, byte(r))
		} else {
			c.out = utf8.AppendRune(c.out, r)
		}
	default:
		return false
	}
	return true
}

// hex4 reads the four hex digits of a \u escape.
func (c *canonicaliser) hex4() (rune, bool) {
	if c.i+4 > len(c.src) {
		return 0, false
	}
	var r rune
	for _, h := range c.src[c.i : c.i+4] {
		switch {
		case h >= '0' && h <= '9':
			r = r<<4 | rune(h-'0')
		case h >= 'a' && h <= 'f':
			r = r<<4 | rune(h-'a'+10)
		case h >= 'A' && h <= 'F':
			r = r<<4 | rune(h-'A'+10)
		default:
			return 0, false
		}
	}
	c.i += 4
	return r, true
}

// number writes the number at c.i as an ECMAScript double would print: an
// integer of up to 15 digits as it is (but -0 as 0), anything else through
// strconv.ParseFloat and jcs.NumberToJSON, as the slow path does.
func (c *canonicaliser) number() bool {
	start := c.i
	if c.src[c.i] == '-' {
		c.i++
	}
	digits := c.i
	switch {
	case c.i < len(c.src) && c.src[c.i] == '0':
		c.i++
	case c.i < len(c.src) && c.src[c.i] >= '1' && c.src[c.i] <= '9':
		for c.i < len(c.src) && c.src[c.i] >= '0' && c.src[c.i] <= '9' {
			c.i++
		}
	default:
		return false
	}
	integer := c.i
	if c.i < len(c.src) && c.src[c.i] == '.' {
		c.i++
		if !c.digits() {
			return false
		}
	}
	if c.i < len(c.src) && (c.src[c.i] == 'e' || c.src[c.i] == 'E') {
		c.i++
		if c.i < len(c.src) && (c.src[c.i] == '+' || c.src[c.i] == '-') {
			c.i++
		}
		if !c.digits() {
			return false
		}
	}
	tok := c.src[start:c.i]
	if c.i == integer && integer-digits <= 15 {
		if string(tok) == "-0" {
			tok = tok[1:]
		}
		c.out = append(c.out, tok...)
		return true
	}
	f, err := strconv.ParseFloat(string(tok), 64)
	if err != nil {
		return false
	}
	s, err := jcs.NumberToJSON(f)
	if err != nil {
		return false
	}
	c.out = append(c.out, s...)
	return true
}

// digits reads one or more decimal digits.
func (c *canonicaliser) digits() bool {
	start := c.i
	for c.i < len(c.src) && c.src[c.i] >= '0' && c.src[c.i] <= '9' {
		c.i++
	}
	return c.i > start
}
