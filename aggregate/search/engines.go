package search

import "bytes"

var schemeSep = []byte("://")

// hostByte marks the bytes that end a URL's host or delimit its parts:
// one table look-up per byte instead of five comparisons.
var hostByte = [256]uint8{'/': hostEnd, '?': hostEnd, '#': hostEnd, '@': hostAt, ':': hostColon, ']': hostBracket}

const (
	hostEnd = 1 + iota
	hostAt
	hostColon
	hostBracket
)

// engine is a search engine: the label its hosts are named by and the
// parameters its referrers carry the phrase in.
type engine struct {
	Name   string
	label  string
	params []string
}

// engines are the engines recognised, in the order of the package doc.
var engines = [...]engine{
	{"Google", "google", []string{"q"}},
	{"Bing", "bing", []string{"q"}},
	{"DuckDuckGo", "duckduckgo", []string{"q"}},
	{"Yahoo", "yahoo", []string{"p"}},
	{"Yandex", "yandex", []string{"text"}},
	{"Baidu", "baidu", []string{"wd", "word"}},
	{"Ecosia", "ecosia", []string{"q"}},
	{"Qwant", "qwant", []string{"q"}},
	{"Startpage", "startpage", []string{"query", "q"}},
	{"Ask", "ask", []string{"q"}},
	{"Naver", "naver", []string{"query"}},
	{"Seznam", "seznam", []string{"q"}},
	{"Sogou", "sogou", []string{"query"}},
	{"Brave", "brave", []string{"q"}},
	{"AOL", "aol", []string{"q"}},
}

// NumEngines is the number of engines recognised.
const NumEngines = len(engines)

// EngineName returns the name of engine i (0 ≤ i < NumEngines).
func EngineName(i int) string { return engines[i].Name }

// engineOf returns the index of the engine whose host ref is, and the
// referrer's query (after '?', before '#'); -1 when ref is not from an
// engine.
func engineOf(ref []byte) (int, []byte) {
	// The host: between "://" and the next '/', '?' or '#', without user
	// info and port.
	i := -1
	switch {
	case len(ref) >= 8 && ref[4] == ':' && ref[5] == '/' && ref[6] == '/' && bytes.IndexByte(ref[:4], ':') < 0:
		i = 4 // http://
	case len(ref) >= 8 && ref[5] == ':' && ref[6] == '/' && ref[7] == '/' && bytes.IndexByte(ref[:5], ':') < 0:
		i = 5 // https://
	default:
		i = bytes.Index(ref, schemeSep)
	}
	if i < 0 {
		return -1, nil
	}
	rest := ref[i+3:]
	end, at, colon := len(rest), -1, -1
scan:
	for j, c := range rest {
		switch hostByte[c] {
		case 0:
		case hostEnd:
			end = j
			break scan
		case hostAt:
			at, colon = j, -1
		case hostColon:
			colon = j
		case hostBracket: // an IPv6 literal's colons are not a port's
			colon = -1
		}
	}
	host := rest[at+1 : end]
	if colon >= 0 {
		host = rest[at+1 : colon]
	}
	e := engineOfHost(host)
	if e < 0 {
		return -1, nil
	}
	return e, query(rest[end:])
}

// queryAfter returns the query of ref, as engineOf does, given its host:
// a sub-slice of ref (dim.Hit.RefHost). Only a port may sit between the
// host and the end of the authority, and it holds no '?' or '#'.
func queryAfter(ref, host []byte) []byte {
	end := cap(ref) - cap(host) + len(host)
	if end < 0 || end > len(ref) {
		_, q := engineOf(ref) // not a sub-slice of ref
		return q
	}
	return query(ref[end:])
}

// query returns the query of the rest of a URL from the end of its host:
// after the first '?', before '#'; nil without one.
func query(q []byte) []byte {
	for j, c := range q {
		if c == '?' {
			q = q[j+1:]
			for k, c := range q {
				if c == '#' {
					q = q[:k]
					break
				}
			}
			return q
		}
		if c == '#' {
			break
		}
	}
	return nil
}

// engineOfHost finds the engine label in host, followed by one or two
// labels of one to three bytes.
func engineOfHost(host []byte) int {
	if len(host) > 253 {
		return -1
	}
	// Walk the labels from the end: at most two short ones, then the
	// engine's.
	end := len(host)
	for n := 0; n < 3 && end > 0; n++ {
		start := end - 1
		for start >= 0 && host[start] != '.' {
			start--
		}
		label := host[start+1 : end]
		if n > 0 {
			if e := engineLabel(label); e >= 0 {
				return e
			}
		}
		if len(label) == 0 || len(label) > 3 || start < 0 {
			return -1
		}
		end = start
	}
	return -1
}

// engineLabel returns the engine named label (without ASCII case), or -1.
func engineLabel(label []byte) int {
	if len(label) < 3 || len(label) > 10 {
		return -1
	}
	var buf [10]byte
	for i, c := range label {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	switch string(buf[:len(label)]) {
	case "google":
		return 0
	case "bing":
		return 1
	case "duckduckgo":
		return 2
	case "yahoo":
		return 3
	case "yandex":
		return 4
	case "baidu":
		return 5
	case "ecosia":
		return 6
	case "qwant":
		return 7
	case "startpage":
		return 8
	case "ask":
		return 9
	case "naver":
		return 10
	case "seznam":
		return 11
	case "sogou":
		return 12
	case "brave":
		return 13
	case "aol":
		return 14
	}
	return -1
}
