package search

import (
	"unicode"
	"unicode/utf8"
)

// MaxLen is the most bytes of a term or phrase kept.
const MaxLen = 100

// Params are the query parameters of internal site search.
var Params = []string{"q", "s", "search", "query"}

// Param returns the raw value of the first parameter of query (without
// '?') named one of names (without case) whose value cleans to something,
// and that value cleaned into dst; ok is false when there is none. buf is
// scratch space.
func Param(dst, buf, query []byte, names []string) (term, scratch []byte, ok bool) {
	for len(query) > 0 {
		part := query
		if i := indexByte(query, '&'); i >= 0 {
			part, query = query[:i], query[i+1:]
		} else {
			query = nil
		}
		eq := indexByte(part, '=')
		if eq <= 0 || !nameIn(part[:eq], names) {
			continue
		}
		buf = unescape(buf[:0], part[eq+1:])
		dst = Clean(dst[:0], buf)
		if len(dst) > 0 {
			return dst, buf, true
		}
	}
	return dst[:0], buf, false
}

func indexByte(b []byte, c byte) int {
	for i, x := range b {
		if x == c {
			return i
		}
	}
	return -1
}

// nameIn reports whether key is one of names, without ASCII case.
func nameIn(key []byte, names []string) bool {
	for _, n := range names {
		if len(n) != len(key) {
			continue
		}
		i := 0
		for ; i < len(n); i++ {
			c := key[i]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c != n[i] {
				break
			}
		}
		if i == len(n) {
			return true
		}
	}
	return false
}

func unhex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// unescape appends v URL-decoded to dst: '+' is a space, %XX a byte; a
// malformed escape is kept as written. It stops once dst holds 4*MaxLen
// bytes, more than a cleaned value can keep.
func unescape(dst, v []byte) []byte {
	for i := 0; i < len(v) && len(dst) < 4*MaxLen; i++ {
		c := v[i]
		switch c {
		case '+':
			c = ' '
		case '%':
			if i+2 < len(v) {
				hi, ok1 := unhex(v[i+1])
				lo, ok2 := unhex(v[i+2])
				if ok1 && ok2 {
					c = hi<<4 | lo
					i += 2
				}
			}
		}
		dst = append(dst, c)
	}
	return dst
}

// Clean appends the cleaned form of s (already URL-decoded) to dst (see
// the package doc).
func Clean(dst, s []byte) []byte {
	start := len(dst)
	space := true // at the start, or after a space: drop spaces
	for len(s) > 0 {
		r, n := rune(s[0]), 1
		if r >= utf8.RuneSelf {
			r, n = utf8.DecodeRune(s)
			// An invalid byte decodes as RuneError of size 1: U+FFFD.
		}
		s = s[n:]
		switch {
		case r < utf8.RuneSelf:
			c := byte(r)
			if c <= ' ' || c == 0x7f {
				if space {
					continue
				}
				c, space = ' ', true
			} else {
				if 'A' <= c && c <= 'Z' {
					c += 'a' - 'A'
				}
				space = false
			}
			if len(dst)-start+1 > MaxLen {
				return trimSpace(dst, start)
			}
			dst = append(dst, c)
		case unicode.IsSpace(r) || unicode.IsControl(r):
			if space {
				continue
			}
			if len(dst)-start+1 > MaxLen {
				return trimSpace(dst, start)
			}
			dst, space = append(dst, ' '), true
		default:
			r = unicode.ToLower(r)
			if len(dst)-start+utf8.RuneLen(r) > MaxLen {
				return trimSpace(dst, start)
			}
			dst, space = utf8.AppendRune(dst, r), false
		}
	}
	return trimSpace(dst, start)
}

func trimSpace(dst []byte, start int) []byte {
	if len(dst) > start && dst[len(dst)-1] == ' ' {
		dst = dst[:len(dst)-1]
	}
	return dst
}
