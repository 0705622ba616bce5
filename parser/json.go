package parser

import "bytes"

// jsonFormat is a JSON access-log format (one object per line, see the
// package doc). A small extractor reads the line once, byte by byte,
// without encoding/json and without allocating: it walks the object's
// keys, descends into the objects a format names (Caddy's "request" and
// "request.headers"), takes the first element of an array (Caddy writes
// each header as a list), and hands the values of known keys, as
// sub-slices of the line, to the same conversions the line formats use
// (JSON string escapes are decoded into the parser's scratch buffer).
// It holds the key paths it reads ("request.uri") and the objects it
// descends into.
type jsonFormat struct {
	name    string
	keys    map[string]*logField
	objects map[string]bool
}

func newJSONFormat(name string, keys map[string]fieldKind, objects ...string) *jsonFormat {
	f := &jsonFormat{name: name, keys: map[string]*logField{}, objects: map[string]bool{}}
	for k, kind := range keys {
		f.keys[k] = &logField{kind: kind, name: k}
		if kind == kDuration {
			f.keys[k].unit = 1000 // milliseconds (Envoy)
		}
	}
	for _, o := range objects {
		f.objects[o] = true
	}
	return f
}

var caddyFormat = newJSONFormat("caddy", map[string]fieldKind{
	"ts":                              kTimeAuto,
	"request.client_ip":               kHost,
	"request.remote_ip":               kHostFallback,
	"request.method":                  kMethod,
	"request.uri":                     kURI,
	"request.proto":                   kProtocol,
	"request.host":                    kVHost,
	"request.headers.User-Agent":      kUserAgent,
	"request.headers.Referer":         kReferer,
	"request.headers.X-Forwarded-For": kXFF,
	"status":                          kStatusZero,
	"size":                            kBytes,
	"bytes_read":                      kRequestBytes,
	"duration":                        kDurationSeconds,
	"user_id":                         kUser,
}, "request", "request.headers")

var traefikJSONFormat = newJSONFormat("traefik-json", map[string]fieldKind{
	"ClientHost":              kHost,
	"ClientUsername":          kUser,
	"StartUTC":                kTimeISO,
	"RequestMethod":           kMethod,
	"RequestPath":             kURI,
	"RequestProtocol":         kProtocol,
	"RequestHost":             kVHost,
	"RequestScheme":           kScheme,
	"DownstreamStatus":        kStatusZero,
	"DownstreamContentSize":   kBytes,
	"RequestContentSize":      kRequestBytes,
	"Duration":                kDurationNanos,
	"request_User-Agent":      kUserAgent,
	"request_Referer":         kReferer,
	"request_X-Forwarded-For": kXFF,
})

// envoyJSONFormat reads the JSON lines of Envoy Gateway's default JSON
// access log, which the "envoy" format reads besides the text ones.
var envoyJSONFormat = newJSONFormat("envoy", map[string]fieldKind{
	"start_time":                kTimeISO,
	"downstream_remote_address": kHostPort,
	"method":                    kMethod,
	"x-envoy-origin-path":       kURI,
	"protocol":                  kProtocol,
	":authority":                kVHost,
	"response_code":             kStatusZero,
	"bytes_sent":                kBytes,
	"bytes_received":            kRequestBytes,
	"duration":                  kDuration,
	"user-agent":                kUserAgent,
	"x-forwarded-for":           kXFF,
})

func (f *jsonFormat) Name() string { return f.name }

func (f *jsonFormat) NewParser() LineParser {
	return &jsonParser{f: f, lp: lineParser{f: &lineFormat{name: f.name, escape: escapeJSON}}}
}

// jsonParser parses lines of a jsonFormat. Values are stored by an inner
// lineParser, whose scratch buffer holds decoded strings.
type jsonParser struct {
	f    *jsonFormat
	lp   lineParser
	path []byte // the key path being read, "request.headers.User-Agent"
	fail Result
}

func (p *jsonParser) scratchBuf() []byte { return p.lp.scratch }

// maxJSONDepth bounds the nesting of skipped values.
const maxJSONDepth = 64

func (p *jsonParser) Parse(line []byte, rec *Record) Result {
	rec.Reset()
	line = trimRight(line)
	if len(line) == 0 {
		return Result{Kind: Skipped, Reason: ReasonBlank}
	}
	lp := &p.lp
	lp.scratch = lp.scratch[:0]
	lp.lineLen = len(line)
	lp.escapes = bytes.IndexByte(line, '\\') >= 0
	i := skipWS(line, 0)
	if i >= len(line) || line[i] != '{' {
		return p.invalid(i, "not a JSON object")
	}
	p.path = p.path[:0]
	i = p.object(line, i, rec)
	if i < 0 {
		return p.fail
	}
	if i = skipWS(line, i); i < len(line) {
		return p.invalid(i, "data after the JSON object")
	}
	if !rec.HasStatus || rec.Method == nil && rec.Path == nil {
		return Result{Kind: Malformed, Reason: ReasonMissingFields, Column: 1,
			Detail: "a JSON object without a status or a request: not an access-log entry of " + p.f.name}
	}
	return Result{Kind: Parsed}
}

func (p *jsonParser) invalid(i int, detail string) Result {
	p.fail = Result{Kind: Malformed, Reason: ReasonInvalidJSON, Column: i + 1, Detail: detail}
	return p.fail
}

// object reads the object at line[i] ('{') whose key path is p.path, and
// returns the index after it, or -1 with p.fail set.
func (p *jsonParser) object(line []byte, i int, rec *Record) int {
	base := len(p.path)
	i++
	for first := true; ; first = false {
		i = skipWS(line, i)
		if i >= len(line) {
			p.invalid(i, "unterminated object")
			return -1
		}
		if line[i] == '}' && first {
			return i + 1
		}
		if line[i] != '"' {
			p.invalid(i, "expected a key")
			return -1
		}
		ks, ke := i+1, stringEnd(line, i+1)
		if ke < 0 {
			p.invalid(i, "unterminated string")
			return -1
		}
		i = skipWS(line, ke+1)
		if i >= len(line) || line[i] != ':' {
			p.invalid(i, "expected ':'")
			return -1
		}
		i = skipWS(line, i+1)
		if i >= len(line) {
			p.invalid(i, "expected a value")
			return -1
		}
		if base > 0 {
			p.path = append(p.path, '.')
		}
		p.path = append(p.path, line[ks:ke]...)
		fl := p.f.keys[string(p.path)]
		switch c := line[i]; {
		case c == '{' && p.f.objects[string(p.path)]:
			if i = p.object(line, i, rec); i < 0 {
				return -1
			}
		case fl != nil && c == '[':
			// The first element, when it is a string or a number.
			j := skipWS(line, i+1)
			if j < len(line) && line[j] != ']' && line[j] != '{' && line[j] != '[' {
				if _, ok := p.value(line, j, fl, rec); !ok {
					return -1
				}
			}
			if i = skipValue(line, i); i < 0 {
				p.invalid(len(line), "unterminated array")
				return -1
			}
		case fl != nil && c != '{':
			next, ok := p.value(line, i, fl, rec)
			if !ok {
				return -1
			}
			i = next
		default:
			if i = skipValue(line, i); i < 0 {
				p.invalid(len(line), "invalid value")
				return -1
			}
		}
		p.path = p.path[:base]
		i = skipWS(line, i)
		if i >= len(line) {
			p.invalid(i, "unterminated object")
			return -1
		}
		switch line[i] {
		case ',':
			i++
		case '}':
			return i + 1
		default:
			p.invalid(i, "expected ',' or '}'")
			return -1
		}
	}
}

// value stores the string or scalar at line[i] as field fl and returns the
// index after it.
func (p *jsonParser) value(line []byte, i int, fl *logField, rec *Record) (int, bool) {
	var v []byte
	start := i
	next := 0
	if line[i] == '"' {
		e := stringEnd(line, i+1)
		if e < 0 {
			p.invalid(i, "unterminated string")
			return 0, false
		}
		v, start, next = line[i+1:e], i+1, e+1
	} else {
		e := i
		for e < len(line) && !isJSONDelim(line[e]) {
			e++
		}
		if e == i {
			p.invalid(i, "expected a value")
			return 0, false
		}
		v, next = line[i:e], e
		if string(v) == "null" {
			return next, true
		}
	}
	if !p.lp.store(fl, v, start, rec) {
		p.fail = p.lp.fail
		return 0, false
	}
	return next, true
}

func isJSONDelim(c byte) bool {
	return c == ',' || c == '}' || c == ']' || c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '"'
}

func skipWS(line []byte, i int) int {
	for i < len(line) && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r' || line[i] == '\n') {
		i++
	}
	return i
}

// stringEnd returns the index of the quote that closes the JSON string
// whose content starts at i, or -1.
func stringEnd(line []byte, i int) int {
	for i < len(line) {
		k := bytes.IndexByte(line[i:], '"')
		if k < 0 {
			return -1
		}
		q := i + k
		if !escapedAt(line, i, q) {
			return q
		}
		i = q + 1
	}
	return -1
}

// skipValue returns the index after the JSON value at line[i] (an object
// or array with what it holds, a string, or a scalar), or -1.
func skipValue(line []byte, i int) int {
	depth := 0
	for i < len(line) {
		switch c := line[i]; c {
		case '"':
			e := stringEnd(line, i+1)
			if e < 0 {
				return -1
			}
			i = e + 1
		case '{', '[':
			if depth++; depth > maxJSONDepth {
				return -1
			}
			i++
		case '}', ']':
			if depth == 0 {
				return i // the end of an enclosing value
			}
			depth--
			i++
		case ',':
			if depth == 0 {
				return i
			}
			i++
		default:
			if depth == 0 && (c == ' ' || c == '\t') {
				return i
			}
			i++
		}
		if depth == 0 && i > 0 && (line[i-1] == '"' || line[i-1] == '}' || line[i-1] == ']') {
			return i
		}
	}
	if depth > 0 {
		return -1
	}
	return i
}
