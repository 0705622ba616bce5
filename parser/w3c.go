package parser

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"
)

// w3cFieldsPrefix is the directive that declares the columns of a W3C log.
const w3cFieldsPrefix = "#Fields:"

// w3cKind says what a W3C column feeds in a Record.
type w3cKind uint8

const (
	w3cExtra w3cKind = iota
	w3cDate
	w3cTime
	w3cMethod
	w3cURIStem
	w3cURIQuery
	w3cURI
	w3cVersion
	w3cClientIP
	w3cUser
	w3cServerIP
	w3cServerPort
	w3cHost
	w3cUserAgent
	w3cReferer
	w3cXFF
	w3cStatus
	w3cSubStatus
	w3cWin32
	w3cBytes
	w3cReqBytes
	w3cTimeTaken
)

var w3cKnown = map[string]w3cKind{
	"date":                w3cDate,
	"time":                w3cTime,
	"cs-method":           w3cMethod,
	"cs-uri-stem":         w3cURIStem,
	"cs-uri-query":        w3cURIQuery,
	"cs-uri":              w3cURI,
	"cs-version":          w3cVersion,
	"c-ip":                w3cClientIP,
	"cs-username":         w3cUser,
	"s-ip":                w3cServerIP,
	"s-port":              w3cServerPort,
	"cs-host":             w3cHost,
	"cs(host)":            w3cHost,
	"cs(user-agent)":      w3cUserAgent,
	"cs(referer)":         w3cReferer,
	"cs(x-forwarded-for)": w3cXFF,
	"x-forwarded-for":     w3cXFF,
	"sc-status":           w3cStatus,
	"sc-substatus":        w3cSubStatus,
	"sc-win32-status":     w3cWin32,
	"sc-bytes":            w3cBytes,
	"cs-bytes":            w3cReqBytes,
	"time-taken":          w3cTimeTaken,
	"timetakenms":         w3cTimeTaken,
}

type w3cCol struct {
	kind w3cKind
	name string // as written in #Fields
}

// w3cLayout is a compiled "#Fields:" list. It is immutable once built and
// may be shared by parsers.
type w3cLayout struct {
	cols []w3cCol
	// dateIdx and timeIdx are the columns of the date and time (-1 when
	// absent); tsIdx is the later of the two, where the timestamp is parsed.
	dateIdx, timeIdx, tsIdx int
}

// compileW3CFields compiles a list of field names.
func compileW3CFields(names []string) *w3cLayout {
	l := &w3cLayout{cols: make([]w3cCol, len(names)), dateIdx: -1, timeIdx: -1}
	localDate, localTime := -1, -1
	for i, n := range names {
		lower := strings.ToLower(n)
		k := w3cKnown[lower]
		l.cols[i] = w3cCol{kind: k, name: n}
		switch {
		case k == w3cDate:
			l.dateIdx = i
		case k == w3cTime:
			l.timeIdx = i
		case lower == "date-local":
			localDate = i
		case lower == "time-local":
			localTime = i
		}
	}
	// IIS Advanced Logging writes only local times; use them when the UTC
	// pair is absent (the zone is not recorded, so they are taken as UTC).
	if l.dateIdx < 0 && l.timeIdx < 0 && (localDate >= 0 || localTime >= 0) {
		if localDate >= 0 {
			l.dateIdx = localDate
			l.cols[localDate].kind = w3cDate
		}
		if localTime >= 0 {
			l.timeIdx = localTime
			l.cols[localTime].kind = w3cTime
		}
	}
	l.tsIdx = max(l.dateIdx, l.timeIdx)
	return l
}

// splitW3CFields splits the text of a "#Fields:" directive (without the
// prefix) into names at runs of spaces and tabs.
func splitW3CFields(s []byte) []string {
	var names []string
	for _, f := range bytes.Fields(s) {
		names = append(names, string(f))
	}
	return names
}

// ParseW3CFieldsList parses a user-given W3C field list, as for the
// --w3c-fields flag: names separated by spaces, tabs or commas, optionally
// preceded by "#Fields:" so that a header line can be pasted as is. An empty
// or blank list gives nil (no default). A name may not contain a double
// quote or a '#', and may not appear twice.
// A fault gives a [*FormatError] whose Offset points into s.
func ParseW3CFieldsList(s string) ([]string, error) {
	orig := s
	at := len(s) - len(strings.TrimLeftFunc(s, unicode.IsSpace)) // offset of s in orig
	s = strings.TrimSpace(s)
	if rest, ok := strings.CutPrefix(s, w3cFieldsPrefix); ok {
		at += len(w3cFieldsPrefix)
		s = rest
	}
	sep := func(c byte) bool { return c == ' ' || c == '\t' || c == ',' }
	var names []string
	seen := map[string]bool{}
	for i := 0; i < len(s); {
		if sep(s[i]) {
			i++
			continue
		}
		start := i
		for i < len(s) && !sep(s[i]) {
			i++
		}
		n := s[start:i]
		for k := 0; k < len(n); k++ {
			if c := n[k]; c <= ' ' || c >= 0x7f || c == '"' || c == '#' {
				return nil, formatError(orig, at+start+k, "w3c fields", ErrFieldName, fmt.Sprintf("%q (character %q)", n, c))
			}
		}
		lower := strings.ToLower(n)
		if seen[lower] {
			return nil, formatError(orig, at+start, "w3c fields", ErrDuplicateField, fmt.Sprintf("(%q)", n))
		}
		seen[lower] = true
		names = append(names, n)
	}
	return names, nil
}

// looksLikeW3C reports whether the first lines of a file look like a W3C
// extended log: one of them is a "#Software: Microsoft Internet Information
// Services", "#Version:" or "#Fields:" directive.
func looksLikeW3C(firstLines [][]byte) bool {
	for _, l := range firstLines {
		l = bytes.TrimPrefix(l, []byte("\xEF\xBB\xBF"))
		if bytes.HasPrefix(l, []byte("#Software: Microsoft Internet Information Services")) ||
			bytes.HasPrefix(l, []byte("#Version:")) ||
			bytes.HasPrefix(l, []byte(w3cFieldsPrefix)) {
			return true
		}
	}
	return false
}

// w3cFormat is the "iis" Format, or "cloudfront".
type w3cFormat struct {
	def *w3cLayout // columns before any #Fields; nil when none
	// cloudFront: AWS CloudFront's dialect: values separated by one tab
	// (never quoted, spaces are %20), time-taken in seconds, the user
	// agent URL-encoded (decoded, see percentDecode).
	cloudFront bool
}

// cloudFrontFields are the columns of an AWS CloudFront standard log, as
// documented (the #Fields of a log delivered to S3); lines without a
// #Fields header are read with them.
var cloudFrontFields = strings.Fields(`date time x-edge-location sc-bytes c-ip cs-method cs(Host) cs-uri-stem sc-status
	cs(Referer) cs(User-Agent) cs-uri-query cs(Cookie) x-edge-result-type x-edge-request-id x-host-header cs-protocol
	cs-bytes time-taken x-forwarded-for ssl-protocol ssl-cipher x-edge-response-result-type cs-protocol-version
	fle-status fle-encrypted-fields c-port time-to-first-byte x-edge-detailed-result-type sc-content-type
	sc-content-len sc-range-start sc-range-end`)

// NewCloudFront returns the AWS CloudFront format: W3C with one tab
// between values and time-taken in seconds. defaultFields are the columns
// before any #Fields directive; nil means the 33 columns AWS documents
// for the standard log.
func NewCloudFront(defaultFields []string) Format {
	if defaultFields == nil {
		defaultFields = cloudFrontFields
	}
	return &w3cFormat{def: compileW3CFields(defaultFields), cloudFront: true}
}

// NewW3C returns the W3C extended ("iis") format. defaultFields, when not
// nil, are the columns of data lines before the first "#Fields:" directive
// (for header-less logs, see [ParseW3CFieldsList]); with nil such lines are
// malformed ([ReasonMissingFieldsDir]). Its parsers implement [Stateful].
func NewW3C(defaultFields []string) Format {
	f := &w3cFormat{}
	if defaultFields != nil {
		f.def = compileW3CFields(defaultFields)
	}
	return f
}

func (f *w3cFormat) Name() string {
	if f.cloudFront {
		return "cloudfront"
	}
	return "iis"
}

func (f *w3cFormat) NewParser() LineParser {
	p := &w3cParser{layout: f.def, sep: ' '}
	if f.cloudFront {
		p.sep, p.seconds = '\t', true
	}
	return p
}

// w3cParser parses W3C extended log lines. Its state is the "#Fields:"
// directive in force. Record byte fields point into the line or into the
// parser's scratch buffer, and are valid until the next call to Parse.
//
// It does not strip a UTF-8 byte order mark: a parallel pipeline finds
// "#Fields:" lines by prefix, so the line reader drops a BOM at the start
// of a line for serial and parallel runs to agree.
type w3cParser struct {
	layout  *w3cLayout // nil before any #Fields and without a default
	rawLast []byte     // text of the last #Fields compiled, to skip recompiling repeats
	spans   []w3cSpan  // value spans of the current line, reused
	scratch []byte     // decoded values of the current line, reused
	date    w3cDateCache
	general bool // tests: Parse skips parsePlain, to hold the two to the same results
	// sep is the value separator: ' ' (IIS) or '\t' (CloudFront, whose
	// values are never quoted); seconds: time-taken is in seconds.
	sep     byte
	seconds bool
}

// w3cSpan is one value of a data line: line[start:end], without its quotes
// when quoted. esc is set when the quoted value holds "" pairs.
type w3cSpan struct {
	start, end int
	quoted     bool
	esc        bool
}

// DirectivePrefix implements [Stateful].
func (p *w3cParser) DirectivePrefix() string { return w3cFieldsPrefix }

// Prime implements [Stateful]: it sets the columns from a "#Fields:" line as
// if the line had been parsed. Other lines are ignored.
func (p *w3cParser) Prime(directive []byte) {
	if bytes.HasPrefix(directive, []byte(w3cFieldsPrefix)) {
		p.setFields(directive[len(w3cFieldsPrefix):])
	}
}

func (p *w3cParser) setFields(text []byte) {
	if p.layout != nil && p.rawLast != nil && bytes.Equal(text, p.rawLast) {
		return // IIS repeats the same header on every restart
	}
	p.layout = compileW3CFields(splitW3CFields(text))
	p.rawLast = append(p.rawLast[:0], text...)
}

// errW3CQuote and friends are internal tokenizer outcomes.
var (
	errW3CUnterminated = errors.New("unterminated quote")
	errW3CAfterQuote   = errors.New("closing quote not followed by a space")
)

// tokenize splits line into p.spans. On error it returns the 1-based column
// of the offending quote.
func (p *w3cParser) tokenize(line []byte) (int, error) {
	p.spans = p.spans[:0]
	if p.sep == '\t' {
		if len(bytes.Trim(line, " \t")) == 0 {
			return 0, nil
		}
		for i := 0; ; {
			j := bytes.IndexByte(line[i:], '\t')
			if j < 0 {
				p.spans = append(p.spans, w3cSpan{start: i, end: len(line)})
				return 0, nil
			}
			p.spans = append(p.spans, w3cSpan{start: i, end: i + j})
			i += j + 1
		}
	}
	i, n := 0, len(line)
	for {
		for i < n && line[i] == ' ' {
			i++
		}
		if i >= n {
			return 0, nil
		}
		if line[i] != '"' {
			j := bytes.IndexByte(line[i:], ' ')
			if j < 0 {
				p.spans = append(p.spans, w3cSpan{start: i, end: n})
				return 0, nil
			}
			p.spans = append(p.spans, w3cSpan{start: i, end: i + j})
			i += j + 1
			continue
		}
		open := i
		esc := false
		j := i + 1
		for {
			k := bytes.IndexByte(line[j:], '"')
			if k < 0 {
				return open + 1, errW3CUnterminated
			}
			j += k
			if j+1 < n && line[j+1] == '"' {
				esc = true
				j += 2
				continue
			}
			break
		}
		// line[j] is the closing quote.
		if j+1 < n && line[j+1] != ' ' {
			return j + 2, errW3CAfterQuote
		}
		p.spans = append(p.spans, w3cSpan{start: open + 1, end: j, quoted: true, esc: esc})
		i = j + 1
	}
}

// Parse implements [LineParser].
func (p *w3cParser) Parse(line []byte, rec *Record) Result {
	rec.Reset()
	if len(line) > 0 && line[0] == '#' {
		if bytes.HasPrefix(line, []byte(w3cFieldsPrefix)) {
			p.setFields(line[len(w3cFieldsPrefix):])
		}
		return Result{Kind: Skipped, Reason: ReasonDirective}
	}
	if l := p.layout; l != nil && len(line) > 0 && !p.general {
		if p.sep == ' ' && p.parsePlain(l, line, rec) || p.sep == '\t' && p.parsePlainTab(l, line, rec) {
			return Result{Kind: Parsed}
		}
		rec.Reset() // the general loop starts from nothing
	}
	col, err := p.tokenize(line)
	if err == nil && len(p.spans) == 0 {
		return Result{Kind: Skipped, Reason: ReasonBlank}
	}
	l := p.layout
	if l == nil {
		return Result{Kind: Malformed, Reason: ReasonMissingFieldsDir, Column: 1,
			Detail: "data line before any #Fields directive"}
	}
	if err != nil {
		if err == errW3CUnterminated {
			return Result{Kind: Malformed, Reason: ReasonUnterminatedQuote, Column: col, Detail: err.Error()}
		}
		return Result{Kind: Malformed, Reason: ReasonLiteralMismatch, Column: col, Detail: err.Error()}
	}
	if len(p.spans) != len(l.cols) {
		return Result{Kind: Malformed, Reason: ReasonFieldCount, Column: 1,
			Detail: "expected " + strconv.Itoa(len(l.cols)) + " fields, got " + strconv.Itoa(len(p.spans))}
	}
	p.scratch = p.scratch[:0]
	var date, clock []byte
	cols, spans, tsIdx := l.cols, p.spans[:len(l.cols)], l.tsIdx
	for i := range cols {
		c, sp := &cols[i], &spans[i]
		v := line[sp.start:sp.end]
		if sp.quoted {
			if sp.esc {
				v = p.unquote(v)
			}
		} else if isDash(v) {
			v = nil
		}
		if reason, detail, ok := p.setValue(c, v, sp.quoted, &date, &clock, rec); !ok {
			return p.bad(reason, c, sp, detail)
		}
		if i == tsIdx {
			if r, ok := p.timestamp(l, date, clock, rec); !ok {
				return r
			}
		}
	}
	return Result{Kind: Parsed}
}

// parsePlain parses a line of plain values - none quoted, one space
// between two, none before the first or after the last - each of them
// valid, and reports whether it did: one pass that sets each value as it
// finds it, where the general loop first splits the line into spans (the
// split and the loop were 2 100 of the 8 000 instructions of an IIS line,
// this is 1 800: 300k lines, cachegrind). Anything else
// (a quote, two spaces, too few or too many values, a bad value) returns
// false with rec partly set, and Parse takes the line again from the
// start: results and faults are the general loop's.
func (p *w3cParser) parsePlain(l *w3cLayout, line []byte, rec *Record) bool {
	cols, tsIdx := l.cols, l.tsIdx
	if len(cols) == 0 {
		return false
	}
	p.scratch = p.scratch[:0]
	var date, clock []byte
	last := len(cols) - 1
	rest := line
	for i := range cols {
		v := rest
		if i < last {
			j := bytes.IndexByte(rest, ' ')
			if j <= 0 {
				return false // too few values, or an empty one
			}
			v, rest = rest[:j], rest[j+1:]
		} else if len(v) == 0 || bytes.IndexByte(v, ' ') >= 0 {
			return false // a space at the end, or too many values
		}
		if v[0] == '"' {
			return false
		}
		if _, _, ok := p.setValue(&cols[i], dashNil(v), false, &date, &clock, rec); !ok {
			return false
		}
		if i == tsIdx && !p.setTime(l, date, clock, rec) {
			return false
		}
	}
	return true
}

// parsePlainTab is parsePlain for CloudFront's tab-separated lines, where
// a value may start with a quote (nothing is quoted). It is a copy rather
// than parsePlain with the separator as a variable: that cost the IIS
// path 1.5 % more instructions.
func (p *w3cParser) parsePlainTab(l *w3cLayout, line []byte, rec *Record) bool {
	cols, tsIdx := l.cols, l.tsIdx
	if len(cols) == 0 || IsBlank(line) {
		return false // a blank line is blank, whatever the columns
	}
	p.scratch = p.scratch[:0]
	var date, clock []byte
	last := len(cols) - 1
	rest := line
	for i := range cols {
		v := rest
		if i < last {
			j := bytes.IndexByte(rest, '\t')
			if j <= 0 {
				return false // too few values, or an empty one
			}
			v, rest = rest[:j], rest[j+1:]
		} else if len(v) == 0 || bytes.IndexByte(v, '\t') >= 0 {
			return false // a tab at the end, or too many values
		}
		if _, _, ok := p.setValue(&cols[i], dashNil(v), false, &date, &clock, rec); !ok {
			return false
		}
		if i == tsIdx && !p.setTime(l, date, clock, rec) {
			return false
		}
	}
	return true
}

// setValue puts v, the value of column c (nil for "-"), into rec, a date
// or time into *date or *clock. For a bad value it returns ok false with
// the reason and detail of the fault.
func (p *w3cParser) setValue(c *w3cCol, v []byte, quoted bool, date, clock *[]byte, rec *Record) (reason Reason, detail string, ok bool) {
	switch c.kind {
	case w3cExtra:
		rec.Extra = append(rec.Extra, Field{Name: c.name, Value: v})
	case w3cDate:
		*date = v
	case w3cTime:
		*clock = v
	case w3cMethod:
		rec.Method = v
	case w3cURIStem:
		rec.Path = v
	case w3cURIQuery:
		rec.Query = v
	case w3cURI:
		if q := bytes.IndexByte(v, '?'); q >= 0 {
			rec.Path, rec.Query = v[:q], v[q+1:]
		} else {
			rec.Path = v
		}
	case w3cVersion:
		rec.Protocol = v
	case w3cClientIP:
		rec.Host = v
	case w3cUser:
		rec.User = v
	case w3cServerIP:
		rec.ServerAddr = v
	case w3cServerPort:
		rec.ServerPort = v
	case w3cHost:
		rec.VHost = v
	case w3cUserAgent:
		if p.sep == '\t' {
			if bytes.IndexByte(v, '%') >= 0 {
				v = p.percentDecode(v)
			}
		} else if !quoted && bytes.IndexByte(v, '+') >= 0 {
			v = p.plusToSpace(v)
		}
		rec.UserAgent = v
	case w3cReferer:
		rec.Referer = v
	case w3cXFF:
		rec.XForwardedFor = v
	case w3cStatus:
		if v != nil {
			s, ok := ParseStatus(v)
			if !ok {
				return ReasonInvalidStatus, "status is not three digits", false
			}
			rec.Status, rec.HasStatus = s, true
		}
	case w3cSubStatus, w3cWin32:
		if v != nil {
			n, ok := parseUint(v)
			if !ok || n > 1<<32-1 {
				return ReasonInvalidNumber, "not a 32-bit unsigned number", false
			}
			if c.kind == w3cSubStatus {
				rec.SubStatus, rec.HasSubStatus = uint32(n), true
			} else {
				rec.Win32Status, rec.HasWin32Status = uint32(n), true
			}
		}
	case w3cBytes, w3cReqBytes:
		if v != nil {
			n, ok := parseUint(v)
			if !ok {
				return ReasonInvalidNumber, "not an unsigned number", false
			}
			if c.kind == w3cBytes {
				rec.Bytes, rec.HasBytes = n, true
			} else {
				rec.RequestBytes, rec.HasRequestBytes = n, true
			}
		}
	case w3cTimeTaken:
		if v != nil && p.seconds {
			d, ok := parseSecondsFrac(v)
			if !ok {
				return ReasonInvalidNumber, "not a duration in seconds", false
			}
			rec.Duration, rec.HasDuration = d, true
		} else if v != nil {
			d, ok := parseDurationUnit(v, 1000)
			if !ok {
				return ReasonInvalidNumber, "not a duration in milliseconds", false
			}
			rec.Duration, rec.HasDuration = d, true
		}
	}
	return "", "", true
}

// timestamp sets rec's time from the date and time values, or reports
// which of the two is bad.
func (p *w3cParser) timestamp(l *w3cLayout, date, clock []byte, rec *Record) (Result, bool) {
	if p.setTime(l, date, clock, rec) {
		return Result{}, true
	}
	// Blame the date if it is bad on its own, else the time.
	if _, _, ok := parseW3CDateTime(date, []byte("00:00:00")); l.timeIdx < 0 || (l.dateIdx >= 0 && !ok) {
		return p.bad(ReasonInvalidTimestamp, &l.cols[l.dateIdx], &p.spans[l.dateIdx], "invalid date"), false
	}
	return p.bad(ReasonInvalidTimestamp, &l.cols[l.timeIdx], &p.spans[l.timeIdx], "invalid time"), false
}

// setTime sets rec's time from the date and time values and reports
// whether they are valid; a date or a time without the other is checked
// and not kept.
func (p *w3cParser) setTime(l *w3cLayout, date, clock []byte, rec *Record) bool {
	switch {
	case l.dateIdx >= 0 && l.timeIdx >= 0:
		if date == nil && clock == nil {
			return true
		}
		if date != nil && clock != nil {
			if sec, nsec, ok := p.date.parse(date, clock); ok {
				rec.Time, rec.Nanos, rec.HasTime = sec, nsec, true
				return true
			}
		}
		return false
	case l.dateIdx >= 0:
		if date != nil {
			_, _, ok := parseW3CDateTime(date, []byte("00:00:00"))
			return ok
		}
	case l.timeIdx >= 0:
		if clock != nil {
			_, _, ok := parseW3CDateTime([]byte("2000-01-01"), clock)
			return ok
		}
	}
	return true
}

// bad builds a Malformed result for column c whose value is sp. The column
// is that of the value's first byte (its opening quote when quoted).
func (p *w3cParser) bad(reason Reason, c *w3cCol, sp *w3cSpan, detail string) Result {
	col := sp.start + 1
	if sp.quoted {
		col--
	}
	return Result{Kind: Malformed, Reason: reason, Column: col, Field: c.name, Detail: detail}
}

// unquote appends v with each "" turned into " to the scratch buffer and
// returns the appended part.
func (p *w3cParser) unquote(v []byte) []byte {
	start := len(p.scratch)
	for {
		k := bytes.IndexByte(v, '"')
		if k < 0 {
			p.scratch = append(p.scratch, v...)
			break
		}
		p.scratch = append(p.scratch, v[:k+1]...)
		v = v[k+2:] // skip the second quote of the pair
	}
	return p.scratch[start:len(p.scratch):len(p.scratch)]
}

// percentDecode appends v with its %XX escapes decoded to the scratch
// buffer and returns the appended part. CloudFront writes a user agent
// URL-encoded, and older logs encoded it twice ("%2520" for a space): a
// decoded '%' that starts another escape is decoded too. Malformed
// escapes are kept as written.
func (p *w3cParser) percentDecode(v []byte) []byte {
	start := len(p.scratch)
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c == '%' && i+2 < len(v) && isHex(v[i+1]) && isHex(v[i+2]) {
			c = unhex(v[i+1])<<4 | unhex(v[i+2])
			i += 2
			if c == '%' && i+2 < len(v) && isHex(v[i+1]) && isHex(v[i+2]) {
				c = unhex(v[i+1])<<4 | unhex(v[i+2])
				i += 2
			}
		}
		p.scratch = append(p.scratch, c)
	}
	return p.scratch[start:len(p.scratch):len(p.scratch)]
}

// plusToSpace appends v with '+' turned into ' ' to the scratch buffer and
// returns the appended part. It goes two words at a time: an agent is 100
// bytes and more, and byte by byte this was 670 instructions a line, 7 %
// of parsing and counting an IIS line (it is 360 now).
func (p *w3cParser) plusToSpace(v []byte) []byte {
	start := len(p.scratch)
	p.scratch = append(p.scratch, v...)
	out := p.scratch[start:len(p.scratch):len(p.scratch)]
	b := out
	for ; len(b) >= 16; b = b[16:] {
		// Two words a turn: half the loop's bookkeeping.
		w0, w1 := binary.LittleEndian.Uint64(b), binary.LittleEndian.Uint64(b[8:16])
		z0, z1 := zeroBytes(w0^(lsb8*'+')), zeroBytes(w1^(lsb8*'+'))
		if z0|z1 != 0 {
			// z has 0x80 in each '+' byte: XOR those with '+' ^ ' '.
			binary.LittleEndian.PutUint64(b, w0^(z0>>7)*('+'^' '))
			binary.LittleEndian.PutUint64(b[8:16], w1^(z1>>7)*('+'^' '))
		}
	}
	if len(b) >= 8 {
		w := binary.LittleEndian.Uint64(b)
		binary.LittleEndian.PutUint64(b, w^(zeroBytes(w^(lsb8*'+'))>>7)*('+'^' '))
		b = b[8:]
	}
	for i, c := range b {
		if c == '+' {
			b[i] = ' '
		}
	}
	return out
}
