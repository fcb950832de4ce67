package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"unicode/utf8"
)

// lineParser reads one JSON object strictly: no unknown or repeated keys,
// no trailing data, valid UTF-8. It is written out, rather than left to
// encoding/json, because decoding is most of an import's own work; the
// fuzz target holds it to what encoding/json accepts.
type lineParser struct {
	b []byte
	i int
	d *lineDecoder
	// dataRepeats is a key given twice in one object of the data, if any.
	dataRepeats string
}

func (p *lineParser) ws() {
	for p.i < len(p.b) && jsonSpace[p.b[p.i]] {
		p.i++
	}
}

// jsonSpace marks JSON's whitespace; stringStop the bytes a string scan
// must look at: the closing quote, escapes, control and non-ASCII bytes.
var jsonSpace, stringStop [256]bool

func init() {
	for _, c := range " \t\r\n" {
		jsonSpace[c] = true
	}
	for c := range 256 {
		stringStop[c] = c == '"' || c == '\\' || c < 0x20 || c >= utf8.RuneSelf
	}
}

// at reports whether the next character, after whitespace, is c.
func (p *lineParser) at(c byte) bool {
	p.ws()
	return p.i < len(p.b) && p.b[p.i] == c
}

// syntax is the error for malformed JSON at the parser's place.
func (p *lineParser) syntax(field string) *lineError {
	if p.i >= len(p.b) {
		return fieldError(field, "malformed JSON: unexpected end of line")
	}
	return fieldError(field, "malformed JSON at byte %d", p.i+1)
}

// end checks that nothing but whitespace follows the object.
func (p *lineParser) end() *lineError {
	p.ws()
	if p.i != len(p.b) {
		return fieldError("", "malformed JSON: data after the object at byte %d", p.i+1)
	}
	return nil
}

// null consumes a null, reporting whether there was one.
func (p *lineParser) null() bool {
	p.ws()
	if strings.HasPrefix(string(p.b[p.i:min(len(p.b), p.i+4)]), "null") {
		p.i += 4
		return true
	}
	return false
}

// object reads an object, calling member with each key when the parser is
// at its value, which member must read. path prefixes the keys in errors.
// A key given twice is refused.
func (p *lineParser) object(path string, member func(key []byte) *lineError) *lineError {
	if !p.at('{') {
		if path == "" {
			return fieldError("", "not a JSON object")
		}
		return fieldError(path, "must be an object")
	}
	p.i++
	if p.at('}') {
		p.i++
		return nil
	}
	var seenBuf [16][]byte
	seen := seenBuf[:0]
	for {
		if !p.at('"') {
			return p.syntax(path)
		}
		key, ok := p.rawBytes()
		if !ok {
			return p.syntax(path)
		}
		for _, s := range seen {
			if bytes.Equal(s, key) {
				return fieldError(join(path, string(key)), "given twice")
			}
		}
		seen = append(seen, key)
		if !p.at(':') {
			return p.syntax(join(path, string(key)))
		}
		p.i++
		if err := member(key); err != nil {
			if err.Field != "" && path != "" && !strings.HasPrefix(err.Field, path+".") {
				err.Field = path + "." + err.Field
			}
			return err
		}
		switch {
		case p.at(','):
			p.i++
		case p.at('}'):
			p.i++
			return nil
		default:
			return p.syntax(path)
		}
	}
}

// join is the path of key inside path.
func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// rawBytes reads a string at p.i and returns its characters: the bytes
// between the quotes if it has no escapes, else its value decoded by
// encoding/json.
func (p *lineParser) rawBytes() ([]byte, bool) {
	start := p.i
	p.i++
	escaped := false
	for p.i < len(p.b) {
		c := p.b[p.i]
		if !stringStop[c] {
			p.i++
			continue
		}
		switch {
		case c == '"':
			p.i++
			if escaped {
				var s string
				if json.Unmarshal(p.b[start:p.i], &s) != nil || !utf8.ValidString(s) {
					return nil, false
				}
				return []byte(s), true
			}
			return p.b[start+1 : p.i-1], true
		case c == '\\':
			escaped = true
			p.i += 2
		case c < 0x20:
			return nil, false
		case c < utf8.RuneSelf:
			p.i++
		default:
			r, size := utf8.DecodeRune(p.b[p.i:])
			if r == utf8.RuneError && size == 1 {
				return nil, false
			}
			p.i += size
		}
	}
	return nil, false
}

// skipValue moves past one JSON value, checking its structure; what is
// inside strings and numbers is checked in full afterwards, by
// DecodeStrict and by hashing.
func (p *lineParser) skipValue(depth int) bool {
	if depth > 64 || !p.atValue() {
		return false
	}
	switch c := p.b[p.i]; c {
	case '{', '[':
		closing := byte('}')
		if c == '[' {
			closing = ']'
		}
		p.i++
		if p.at(closing) {
			p.i++
			return true
		}
		var keysBuf [16][]byte
		keys := keysBuf[:0]
		for {
			if c == '{' {
				if !p.at('"') {
					return false
				}
				start := p.i + 1
				if !p.skipString() || !p.at(':') {
					return false
				}
				key := p.b[start : p.i-1]
				for _, k := range keys {
					if bytes.Equal(k, key) && p.dataRepeats == "" {
						p.dataRepeats = string(key)
					}
				}
				keys = append(keys, key)
				p.i++
			}
			if !p.skipValue(depth + 1) {
				return false
			}
			switch {
			case p.at(','):
				p.i++
			case p.at(closing):
				p.i++
				return true
			default:
				return false
			}
		}
	case '"':
		return p.skipString()
	default:
		start := p.i
		for p.i < len(p.b) && strings.IndexByte(",}] \t\r\n", p.b[p.i]) < 0 {
			p.i++
		}
		return p.i > start
	}
}

// skipString moves past the string at p.i without looking inside it.
func (p *lineParser) skipString() bool {
	start := p.i + 1
	for from := start; ; {
		j := bytes.IndexByte(p.b[from:], '"')
		if j < 0 {
			return false
		}
		end := from + j
		backslashes := 0
		for k := end - 1; k >= start && p.b[k] == '\\'; k-- {
			backslashes++
		}
		if backslashes%2 == 0 {
			p.i = end + 1
			return true
		}
		from = end + 1
	}
}

// atValue skips whitespace and reports whether anything follows.
func (p *lineParser) atValue() bool {
	p.ws()
	return p.i < len(p.b)
}
