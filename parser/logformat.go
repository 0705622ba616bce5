package parser

import (
	"bytes"
	"encoding/binary"
	"math/bits"
	"strconv"
	"strings"
)

// fieldKind says where a field's value goes in a [Record].
type fieldKind uint8

const (
	kExtra fieldKind = iota // Record.Extra under the field's name
	kHost
	kIdent
	kUser
	kTimeCLF    // "10/Oct/2000:13:55:36 -0700"
	kTimeISO    // "2000-10-10T13:55:36-07:00"
	kTimeEpoch  // seconds with an optional fraction ($msec, %{sec}t)
	kTimeMilli  // %{msec}t: milliseconds since the epoch
	kTimeMicro  // %{usec}t: microseconds since the epoch
	kTimeFrac   // %{msec_frac}t, %{usec_frac}t: fraction digits of the second
	kTimeLayout // %{strftime layout}t
	kRequest
	kMethod
	kURI // path?query
	kPath
	kQuery // with or without a leading '?'
	kProtocol
	kStatus
	kBytes // "-" is 0 (Apache %b)
	kRequestBytes
	kDuration // an integer count of unit microseconds
	kDurationSeconds
	kUpstream
	kReferer
	kUserAgent
	kVHost
	kServerAddr
	kServerPort
	kXFF
	kScheme
	// Kinds of the named formats of other servers (servers.go, json.go).
	kHostPort      // "203.0.113.7:5123": Host without the port (AWS ELB/ALB)
	kHostFallback  // Host unless another field set it (Caddy remote_ip)
	kStatusZero    // a status, where "0" (no response: Envoy, Caddy) is 000
	kDurationSum   // seconds added up over several fields; "-1" makes it absent (ELB)
	kDurationNanos // an integer count of nanoseconds (Traefik JSON)
	kTimeAuto      // epoch seconds (with a fraction) or ISO 8601 (Caddy ts)
	kRest          // the rest of the line, fields the format does not name (ALB)
)

// numeric reports whether values of kind k are numbers (never unescaped).
func (k fieldKind) numeric() bool { return numericKinds>>k&1 != 0 }

// numericKinds has bit k set for each numeric kind k: one shift and a
// test, where a switch over the kinds was a chain of compares on the hot
// path.
const numericKinds = 1<<kTimeEpoch | 1<<kTimeMilli | 1<<kTimeMicro | 1<<kTimeFrac | 1<<kStatus | 1<<kBytes |
	1<<kRequestBytes | 1<<kDuration | 1<<kDurationSeconds | 1<<kUpstream | 1<<kStatusZero | 1<<kDurationSum | 1<<kDurationNanos

// droppable reports whether a line may end before a field of kind k.
func (k fieldKind) droppable() bool {
	return k == kReferer || k == kUserAgent || k == kXFF || k == kRest
}

// escapeMode is how a server escapes bytes in values.
type escapeMode uint8

const (
	escapeApache escapeMode = iota // \" \\ \n ... \xhh
	escapeNginx                    // \xhh (nginx escape=default)
	escapeJSON                     // JSON string escapes (nginx escape=json)
	escapeNone                     // nothing is escaped (nginx escape=none)
)

// logField is one compiled field.
type logField struct {
	kind    fieldKind
	name    string // as written: "%>s", "%{Referer}i", "$status"
	quoted  bool
	bracket bool   // Apache %t: the value is "[...]"
	after   []byte // literal up to the next field; empty only for the last field
	unit    int64  // kDuration: microseconds per unit
	fracLen int    // kTimeFrac: 3 (msec_frac) or 6 (usec_frac)
	layout  *timeLayout
	// list: the value may be a list whose separators hold spaces, so a
	// space next to a separator does not end it (see listKind).
	list listKind
	// untilTime: an unquoted user name just before the time field; it
	// runs to the " [" that opens the time, so it may hold spaces.
	untilTime bool
	// extends: untilTime, or a list whose separator may hold the space
	// that follows the field: the end found at the first byte of after
	// may move on (one test on the hot path for both).
	extends bool
	// hostFromLast: the X-Forwarded-For field also gives Host, its last
	// item (nginx $proxy_add_x_forwarded_for without $remote_addr).
	hostFromLast bool
	// beforeQuery: Apache %U directly followed by %q; the value ends at '?'.
	beforeQuery bool
	// canEnd: the line may end right after this field (all later fields
	// are droppable).
	canEnd bool
}

// listKind says which list separators an unquoted value may hold.
type listKind uint8

const (
	listNone     listKind = iota
	listUpstream          // nginx $upstream_*: items joined by ", " and " : "
	listComma             // a header or variable that may hold "a, b, c" (X-Forwarded-For)
)

// lineFormat is a compiled Apache or nginx format: a leading literal and
// a list of fields, each followed by the literal that separates it from
// the next field, matched as the package doc says (How a line is matched):
//
//	%h %l %u %t "%r" %>s %b
//	lead ""  fields: %h " "  %l " "  %u " "  %t ` "`  %r `" `  %>s " "  %b ""
type lineFormat struct {
	name    string
	escape  escapeMode
	lead    []byte
	fields  []logField
	timeAcc bool     // the time is assembled from several fields
	clf     clfShape // the common fields parseCLF reads first (see clf.go)
}

func (f *lineFormat) Name() string { return f.name }

func (f *lineFormat) NewParser() LineParser { return &lineParser{f: f} }

// finish computes the derived parts of a compiled format.
func (f *lineFormat) finish() {
	rest := true // every field after i is droppable
	for i := len(f.fields) - 1; i >= 0; i-- {
		fl := &f.fields[i]
		if fl.quoted && fl.list == listComma {
			fl.list = listNone // a quoted value ends at its quote
		}
		after := fl.after
		if fl.quoted && len(after) > 0 {
			after = after[1:] // past the closing quote
		}
		fl.canEnd = rest && (i == len(f.fields)-1 || startsWithSpace(after))
		rest = rest && fl.kind.droppable()
		// "10.0.0.11 - Songmu Yaxing [11/Jun/2017:...]": Apache %u and
		// nginx $remote_user write a user name as it comes, and the "["
		// of the time field is where it ends.
		if fl.kind == kUser && !fl.quoted && !fl.bracket {
			next := i+1 < len(f.fields) && f.fields[i+1].bracket
			fl.untilTime = string(fl.after) == " [" || string(fl.after) == " " && next
		}
		fl.extends = fl.untilTime || fl.list != listNone && len(fl.after) > 0 && fl.after[0] == ' '
	}
	n := 0
	for _, fl := range f.fields {
		switch fl.kind {
		case kTimeCLF, kTimeISO, kTimeEpoch, kTimeMilli, kTimeMicro:
			n++
		case kTimeFrac, kTimeLayout:
			n += 2 // always assembled
		}
	}
	f.timeAcc = n > 1
	f.clf = clfShapeOf(f)
}

func startsWithSpace(b []byte) bool { return len(b) > 0 && b[0] == ' ' }

// lineParser parses lines of one lineFormat. Record byte fields point into
// the line or into the parser's scratch buffer.
type lineParser struct {
	f       *lineFormat
	scratch []byte
	lineLen int // length of the line being parsed, see unescape
	t       timeParts
	fail    Result // the fault when scan or store returns false
	// escapes: the line has a backslash and the format escapes with it;
	// most lines have none, and one search of the line spares a search of
	// every value and a look back from every quote.
	escapes bool
	clfTime clfTimeCache
	// spacedUser: the last line's user name held a space, a reading that
	// Detect weighs less than a line read without it (see userEnd).
	spacedUser bool
	// noDuration: a kDurationSum part of the line was "-1".
	noDuration bool
}

// scratchBuf returns the buffer unescaped values are written to (tests).
func (p *lineParser) scratchBuf() []byte { return p.scratch }

// Parse implements [LineParser].
func (p *lineParser) Parse(line []byte, rec *Record) Result {
	rec.Reset()
	p.scratch = p.scratch[:0]
	line = trimRight(line)
	if len(line) == 0 {
		return Result{Kind: Skipped, Reason: ReasonBlank}
	}
	p.lineLen = len(line)
	p.spacedUser, p.noDuration = false, false
	f := p.f
	p.escapes = f.escape != escapeNone && bytes.IndexByte(line, '\\') >= 0
	if f.timeAcc {
		p.t = timeParts{}
	}
	if !bytes.HasPrefix(line, f.lead) {
		return p.literalFault(line, 0, f.lead, "")
	}
	pos, first := len(f.lead), 0
	if f.clf != shapeNone && !p.escapes {
		if next, ok := p.parseCLF(line, rec); ok {
			pos, first = next, f.clf.fields()
		} else {
			rec.Reset() // the loop reads the line from its start
		}
	}
	for i := first; i < len(f.fields); i++ {
		fl := &f.fields[i]
		start, end, next, ok := p.scan(line, pos, fl)
		if !ok || !p.store(fl, line[start:end], start, rec) {
			return p.fail
		}
		pos = next
		if pos >= len(line) && i < len(f.fields)-1 {
			if !fl.canEnd {
				return Result{Kind: Malformed, Reason: ReasonMissingFields, Column: len(line) + 1,
					Field: f.fields[i+1].name, Detail: "line ends before " + f.fields[i+1].name}
			}
			break
		}
	}
	if pos < len(line) {
		return Result{Kind: Malformed, Reason: ReasonTrailingData, Column: pos + 1,
			Detail: "unexpected data after the last field"}
	}
	if f.timeAcc {
		if r, ok := p.assembleTime(rec); !ok {
			return r
		}
	}
	if rec.Request != nil && rec.Method == nil && rec.Path == nil {
		splitRequest(rec)
	}
	return Result{Kind: Parsed}
}

// scan finds the value of field fl starting at pos. It returns the value's
// bounds and where the next field starts (past the literal after it), or
// false with the Malformed result in p.fail (results are built only on
// that path: copying one out of every call cost about a tenth of the parse).
func (p *lineParser) scan(line []byte, pos int, fl *logField) (start, end, next int, ok bool) {
	start = pos
	switch {
	case fl.bracket:
		if pos >= len(line) {
			return p.scanFault(p.missing(line, fl))
		}
		if line[pos] != '[' {
			return p.scanFault(Result{Kind: Malformed, Reason: ReasonLiteralMismatch, Column: pos + 1, Field: fl.name, Detail: "expected '['"})
		}
		k := bytes.IndexByte(line[pos:], ']')
		if k < 0 {
			return p.scanFault(Result{Kind: Malformed, Reason: ReasonMissingFields, Column: len(line) + 1, Field: fl.name, Detail: "no closing ']'"})
		}
		start, end = pos+1, pos+k
	case fl.quoted:
		end = p.closingQuote(line, pos, fl)
		if end < 0 {
			return p.scanFault(Result{Kind: Malformed, Reason: ReasonUnterminatedQuote, Column: pos, Field: fl.name, Detail: "no closing quote"})
		}
	case fl.beforeQuery:
		end = len(line)
		if k := bytes.IndexByte(line[pos:], '?'); k >= 0 {
			end = pos + k
		}
		return start, end, end, true
	case len(fl.after) == 0:
		end = len(line)
		if fl.kind.numeric() {
			if k := bytes.IndexAny(line[pos:], " \t"); k >= 0 {
				end = pos + k
				if fl.list != listNone {
					end = listEnd(line, end, fl.list)
				}
			}
		}
	default:
		k := indexByteNear(line[pos:], fl.after[0])
		if fl.extends && k >= 0 && !(fl.untilTime && pos+k+1 < len(line) && line[pos+k+1] == '[') {
			k = p.extend(line, pos, k, fl)
		}
		if k < 0 {
			if fl.canEnd {
				return pos, len(line), len(line), true
			}
			if pos >= len(line) {
				return p.scanFault(p.missing(line, fl))
			}
			return p.scanFault(Result{Kind: Malformed, Reason: ReasonMissingFields, Column: len(line) + 1, Field: fl.name,
				Detail: "no " + strconv.Quote(string(fl.after[:1])) + " after " + fl.name})
		}
		end = pos + k
	}
	rest := line[end:]
	if fl.bracket {
		rest = line[end+1:]
	}
	if bytes.HasPrefix(rest, fl.after) {
		return start, end, len(line) - len(rest) + len(fl.after), true
	}
	// The line ends inside the literal, or the literal does not match.
	if bytes.HasPrefix(fl.after, rest) {
		if fl.canEnd && (len(rest) == 0 || fl.quoted && len(rest) == 1) {
			return start, end, len(line), true
		}
		return p.scanFault(Result{Kind: Malformed, Reason: ReasonMissingFields, Column: len(line) + 1, Field: fl.name,
			Detail: "line ends after " + fl.name})
	}
	return p.scanFault(p.literalFault(line, len(line)-len(rest), fl.after, fl.name))
}

// trimRight drops trailing spaces and tabs: a line's trailing white space
// is tolerated.
func trimRight(line []byte) []byte {
	for len(line) > 0 && (line[len(line)-1] == ' ' || line[len(line)-1] == '\t') {
		line = line[:len(line)-1]
	}
	return line
}

// indexByteNear is bytes.IndexByte for a byte that is usually close: the
// end of an address, "-", a status or a size is a few bytes away, where
// words of eight bytes searched in a register (SWAR) beat the setup of the
// vector search; past 16 bytes it hands over to bytes.IndexByte.
func indexByteNear(b []byte, c byte) int {
	if len(b) < 8 {
		for i, x := range b {
			if x == c {
				return i
			}
		}
		return -1
	}
	pat := lsb8 * uint64(c)
	if i := zeroByte(binary.LittleEndian.Uint64(b) ^ pat); i < 8 {
		return i
	}
	if len(b) < 16 {
		// The last eight bytes, overlapping the first word, where c is not.
		if i := zeroByte(binary.LittleEndian.Uint64(b[len(b)-8:]) ^ pat); i < 8 {
			return len(b) - 8 + i
		}
		return -1
	}
	if i := zeroByte(binary.LittleEndian.Uint64(b[8:]) ^ pat); i < 8 {
		return 8 + i
	}
	if k := bytes.IndexByte(b[16:], c); k >= 0 {
		return 16 + k
	}
	return -1
}

const (
	lsb8 = 0x0101010101010101
	msb8 = 0x8080808080808080
)

// zeroByte returns the index of the first zero byte of x (little-endian),
// 8 when there is none. (x-lsb8) &^ x & msb8 flags a zero byte's high bit;
// a byte above a zero one may be flagged too (the borrow), never one below
// it, so the lowest flag is exact.
func zeroByte(x uint64) int {
	return bits.TrailingZeros64((x-lsb8)&^x&msb8) / 8
}

// zeroBytes returns x with the high bit of each of its zero bytes set and
// every other bit clear, exactly: (x & 0x7f…) + 0x7f… carries into a
// byte's high bit when its low seven bits are not all zero, and never out
// of the byte.
func zeroBytes(x uint64) uint64 {
	const low7 = 0x7f7f7f7f7f7f7f7f
	return ^((x&low7 + low7) | x) & msb8
}

// scanFault records r as the parse's fault and returns scan's failure.
func (p *lineParser) scanFault(r Result) (start, end, next int, ok bool) {
	p.fail = r
	return 0, 0, 0, false
}

// extend returns where the value of field fl that starts at pos ends, when
// its first byte of the literal after it is k bytes on and fl.extends: a
// user name may run to the " [" of the time, a list over its separators.
func (p *lineParser) extend(line []byte, pos, k int, fl *logField) int {
	if fl.untilTime {
		// The name does not end at its first space (scan saw no '['
		// after it, the usual case, before calling).
		k = userEnd(line[pos:])
		p.spacedUser = k > 0 && bytes.IndexByte(line[pos:pos+k], ' ') >= 0
		return k
	}
	return listEnd(line, pos+k, fl.list) - pos
}

// listEnd extends a list value ending at a space at end over the
// separators of its kind: ", " (and " : ", which nginx writes between the
// items of $upstream_* lists for internal redirects).
func listEnd(line []byte, end int, kind listKind) int {
	for end > 0 && end < len(line) && line[end] == ' ' &&
		(line[end-1] == ',' || kind == listUpstream && (line[end-1] == ':' || (end+1 < len(line) && line[end+1] == ':'))) {
		k := bytes.IndexByte(line[end+1:], ' ')
		if k < 0 {
			return len(line)
		}
		end += 1 + k
	}
	return end
}

// userEnd returns where an unquoted user name at the start of b ends: at
// the " [" that opens the time field. Only where that is unambiguous: a
// name with a space holds no quote, bracket or backslash, and no word "-"
// (an absent value: "vhost 1.2.3.4 - bob [" is a virtual host before the
// client, not the user "- bob", and "10.0.0.2, 10.0.0.1, 127.0.0.1 - - ["
// an address list, not the user "127.0.0.1 - -"); otherwise it ends at
// its first space, as any other field.
func userEnd(b []byte) int {
	sp := indexByteNear(b, ' ')
	if sp < 0 || sp+1 < len(b) && b[sp+1] == '[' {
		return sp // no space in the name: the usual case
	}
	k := bytes.Index(b[sp:], []byte(" ["))
	if k < 0 || bytes.ContainsAny(b[:sp+k], "\"[]\\") {
		return sp
	}
	for w := range bytes.SplitSeq(b[:sp+k], []byte(" ")) {
		if isDash(w) {
			return sp
		}
	}
	return sp + k
}

// closingQuote returns the index of the quote that closes the quoted field
// fl whose value starts at pos, or -1.
func (p *lineParser) closingQuote(line []byte, pos int, fl *logField) int {
	last := -1 // the last unescaped quote, for a line ending inside a literal
	for i := pos; i < len(line); {
		k := bytes.IndexByte(line[i:], '"')
		if k < 0 {
			break
		}
		q := i + k
		i = q + 1
		if p.escapes && escapedAt(line, pos, q) {
			continue
		}
		if last < 0 {
			last = q
		}
		// nginx's escape=json escapes every quote in a value, so the
		// first unescaped one ends it: a line of another shape (an extra
		// key) is then invalid_json where its literal does not match.
		if p.f.escape == escapeJSON || len(fl.after) <= 1 || bytes.HasPrefix(line[q:], fl.after) {
			return q
		}
		if bytes.HasPrefix(fl.after, line[q:]) {
			return q // the line ends inside the literal: scan reports it
		}
	}
	// No quote is followed by the literal: cut at the first unescaped one
	// so that the fault is reported where it is.
	return last
}

// escapedAt reports whether line[q] is preceded by an odd number of
// backslashes (after from).
func escapedAt(line []byte, from, q int) bool {
	n := 0
	for j := q - 1; j >= from && line[j] == '\\'; j-- {
		n++
	}
	return n%2 == 1
}

func (p *lineParser) missing(line []byte, fl *logField) Result {
	return Result{Kind: Malformed, Reason: ReasonMissingFields, Column: len(line) + 1, Field: fl.name, Detail: "line ends before " + fl.name}
}

// literalFault reports that the literal lit was expected at line[at:].
func (p *lineParser) literalFault(line []byte, at int, lit []byte, after string) Result {
	rest := line[at:]
	if len(rest) < len(lit) && bytes.HasPrefix(lit, rest) {
		return Result{Kind: Malformed, Reason: ReasonMissingFields, Column: len(line) + 1, Field: after, Detail: "line ends early"}
	}
	reason := ReasonLiteralMismatch
	if p.f.escape == escapeJSON {
		reason = ReasonInvalidJSON
	}
	col := at
	for i := 0; i < len(lit) && i < len(rest) && rest[i] == lit[i]; i++ {
		col++
	}
	detail := "expected " + strconv.Quote(string(lit))
	if after != "" {
		detail += " after " + after
	}
	return Result{Kind: Malformed, Reason: reason, Column: col + 1, Field: after, Detail: detail}
}

// store puts value v of field fl (at column start) into rec, or returns
// false with the Malformed result in p.fail.
func (p *lineParser) store(fl *logField, v []byte, start int, rec *Record) bool {
	if !fl.kind.numeric() {
		if isDash(v) {
			v = nil
		} else if p.escapes && bytes.IndexByte(v, '\\') >= 0 {
			v = p.unescape(v)
		}
	} else if len(v) == 0 && fl.kind != kStatus && (p.f.escape == escapeJSON || p.f.escape == escapeNone) {
		// nginx writes an unset variable as "-" with escape=default but as
		// nothing with escape=json and escape=none ("urt":"" when there was
		// no upstream). $status is always set: an empty one stays invalid.
		v = dash
	}
	bad := func(reason Reason, detail string) bool {
		p.fail = Result{Kind: Malformed, Reason: reason, Column: start + 1, Field: fl.name, Detail: detail}
		return false
	}
	switch fl.kind {
	case kExtra:
		rec.Extra = append(rec.Extra, Field{Name: fl.name, Value: v})
	case kHost:
		rec.Host = v
	case kIdent:
		rec.Ident = v
	case kUser:
		rec.User = v
	case kTimeCLF, kTimeISO:
		if v == nil {
			return true
		}
		var sec int64
		var nsec int32
		var ok bool
		if fl.kind == kTimeCLF {
			sec, nsec, ok = p.clfTime.parse(v)
		} else {
			sec, nsec, ok = parseISO8601(v)
		}
		if !ok {
			return bad(ReasonInvalidTimestamp, "not a valid time")
		}
		if p.f.timeAcc {
			p.t.setEpoch(sec, nsec)
		} else {
			rec.Time, rec.Nanos, rec.HasTime = sec, nsec, true
		}
	case kTimeEpoch, kTimeMilli, kTimeMicro:
		if isDash(v) {
			return true
		}
		var sec int64
		var nsec int32
		ok := false
		if fl.kind == kTimeEpoch {
			sec, nsec, ok = parseEpoch(v)
		} else if n, good := parseUint(v); good && n < 1<<62 {
			ok = true
			if fl.kind == kTimeMilli {
				sec, nsec = int64(n/1000), int32(n%1000)*1e6
			} else {
				sec, nsec = int64(n/1e6), int32(n%1e6)*1e3
			}
		}
		if !ok || sec > maxEpoch {
			return bad(ReasonInvalidTimestamp, "not a valid epoch time")
		}
		if p.f.timeAcc {
			p.t.setEpoch(sec, nsec)
		} else {
			rec.Time, rec.Nanos, rec.HasTime = sec, nsec, true
		}
	case kTimeFrac:
		if len(v) != fl.fracLen {
			return bad(ReasonInvalidTimestamp, "not a fraction of "+strconv.Itoa(fl.fracLen)+" digits")
		}
		n, ok := parseUint(v)
		if !ok {
			return bad(ReasonInvalidTimestamp, "not a fraction of a second")
		}
		if fl.fracLen == 3 {
			p.t.nsec, p.t.hasNsec = int32(n)*1e6, true
		} else {
			p.t.nsec, p.t.hasNsec = int32(n)*1e3, true
		}
	case kTimeLayout:
		if v == nil {
			return true
		}
		if col, ok := fl.layout.parse(v, &p.t); !ok {
			p.fail = Result{Kind: Malformed, Reason: ReasonInvalidTimestamp, Column: start + col + 1, Field: fl.name,
				Detail: "does not match the time layout " + strconv.Quote(fl.layout.text)}
			return false
		}
	case kRequest:
		rec.Request = v
	case kMethod:
		rec.Method = v
	case kURI:
		if q := bytes.IndexByte(v, '?'); q >= 0 {
			rec.Path, rec.Query = v[:q], v[q+1:]
		} else {
			rec.Path = v
		}
	case kPath:
		rec.Path = v
	case kQuery:
		if len(v) > 0 && v[0] == '?' {
			v = v[1:]
		}
		if len(v) == 0 {
			v = nil
		}
		rec.Query = v
	case kProtocol:
		rec.Protocol = v
	case kStatus:
		if isDash(v) {
			return true
		}
		s, ok := ParseStatus(v)
		if !ok {
			return bad(ReasonInvalidStatus, "status is not three digits")
		}
		rec.Status, rec.HasStatus = s, true
	case kBytes, kRequestBytes:
		n, ok := parseSize(v)
		if !ok {
			return bad(ReasonInvalidNumber, "not a byte count")
		}
		if isDash(v) && fl.kind == kRequestBytes {
			return true
		}
		if fl.kind == kBytes {
			rec.Bytes, rec.HasBytes = n, true
		} else {
			rec.RequestBytes, rec.HasRequestBytes = n, true
		}
	case kDuration, kDurationSeconds:
		if isDash(v) {
			return true
		}
		var d int64
		var ok bool
		if fl.kind == kDuration {
			d, ok = parseDurationUnit(v, fl.unit)
		} else {
			d, ok = parseSecondsFrac(v)
		}
		if !ok {
			return bad(ReasonInvalidNumber, "not a duration")
		}
		rec.Duration, rec.HasDuration = d, true
	case kUpstream:
		d, has, ok := parseUpstreamTimes(v)
		if !ok {
			return bad(ReasonInvalidNumber, "not a list of upstream times")
		}
		rec.Upstream, rec.HasUpstream = d, has
	case kReferer:
		rec.Referer = v
	case kUserAgent:
		rec.UserAgent = v
	case kVHost:
		rec.VHost = v
	case kServerAddr:
		rec.ServerAddr = v
	case kServerPort:
		rec.ServerPort = v
	case kXFF:
		rec.XForwardedFor = v
		if fl.hostFromLast {
			rec.Host = lastAddr(v)
		}
	case kScheme:
		rec.Scheme = v
	default:
		return p.storeOther(fl, v, start, rec)
	}
	return true
}

// storeOther is store for the kinds of the other servers' formats.
func (p *lineParser) storeOther(fl *logField, v []byte, start int, rec *Record) bool {
	bad := func(reason Reason, detail string) bool {
		p.fail = Result{Kind: Malformed, Reason: reason, Column: start + 1, Field: fl.name, Detail: detail}
		return false
	}
	switch fl.kind {
	case kHostPort:
		rec.Host = stripPort(v)
	case kHostFallback:
		if rec.Host == nil {
			rec.Host = v
		}
	case kStatusZero:
		if isDash(v) {
			return true
		}
		if len(v) == 1 && v[0] == '0' {
			rec.Status, rec.HasStatus = 0, true
			return true
		}
		s, ok := ParseStatus(v)
		if !ok {
			return bad(ReasonInvalidStatus, "status is not three digits")
		}
		rec.Status, rec.HasStatus = s, true
	case kDurationSum:
		if isDash(v) || string(v) == "-1" {
			p.noDuration, rec.Duration, rec.HasDuration = true, 0, false
			return true
		}
		d, ok := parseSecondsFrac(v)
		if !ok {
			return bad(ReasonInvalidNumber, "not a duration in seconds")
		}
		if !p.noDuration {
			rec.Duration, rec.HasDuration = min(rec.Duration+d, maxMicros), true
		}
	case kDurationNanos:
		if isDash(v) {
			return true
		}
		n, ok := parseUint(v)
		if !ok || n/1000 > maxMicros {
			return bad(ReasonInvalidNumber, "not a duration in nanoseconds")
		}
		rec.Duration, rec.HasDuration = int64(n/1000), true
	case kTimeAuto:
		if v == nil {
			return true
		}
		var sec int64
		var nsec int32
		var ok bool
		if bytes.IndexByte(v, '-') > 0 {
			sec, nsec, ok = parseISO8601(v)
		} else {
			sec, nsec, ok = parseEpoch(v)
		}
		if !ok || sec > maxEpoch {
			return bad(ReasonInvalidTimestamp, "not a valid time")
		}
		rec.Time, rec.Nanos, rec.HasTime = sec, nsec, true
	case kRest:
		if len(v) > 0 {
			rec.Extra = append(rec.Extra, Field{Name: fl.name, Value: v})
		}
	}
	return true
}

// stripPort drops the port of "host:port" ("[v6]:port" gives v6; an
// address with several colons and no brackets loses what follows the last
// one, as AWS writes "ip:port").
func stripPort(v []byte) []byte {
	if len(v) > 0 && v[0] == '[' {
		if k := bytes.IndexByte(v, ']'); k > 0 {
			return v[1:k]
		}
		return v
	}
	if k := bytes.LastIndexByte(v, ':'); k > 0 {
		return v[:k]
	}
	return v
}

var dash = []byte{'-'}

// maxEpoch bounds epoch times to year 9999.
const maxEpoch = 253402300799

// unescape decodes the escapes of v into the scratch buffer and returns the
// decoded value. Malformed escapes are kept as written.
func (p *lineParser) unescape(v []byte) []byte {
	if len(p.scratch) == 0 && cap(p.scratch) < p.lineLen {
		// A value never decodes to more bytes than it has, so with room
		// for the whole line no later value of the line moves the
		// earlier ones to a new array.
		p.scratch = make([]byte, 0, p.lineLen)
	}
	start := len(p.scratch)
	out := p.scratch
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c != '\\' || i+1 == len(v) {
			out = append(out, c)
			continue
		}
		n := v[i+1]
		switch {
		case n == 'x' && i+3 < len(v) && isHex(v[i+2]) && isHex(v[i+3]) && p.f.escape != escapeJSON:
			out = append(out, unhex(v[i+2])<<4|unhex(v[i+3]))
			i += 3
		case n == 'u' && p.f.escape == escapeJSON && i+5 < len(v) && isHex(v[i+2]) && isHex(v[i+3]) && isHex(v[i+4]) && isHex(v[i+5]):
			r := rune(unhex(v[i+2]))<<12 | rune(unhex(v[i+3]))<<8 | rune(unhex(v[i+4]))<<4 | rune(unhex(v[i+5]))
			out = appendRune(out, r)
			i += 5
		case n == '"' || n == '\\' || (n == '/' && p.f.escape == escapeJSON):
			out = append(out, n)
			i++
		case p.f.escape != escapeNginx && (n == 'n' || n == 't' || n == 'r' || n == 'b' || n == 'f' || (n == 'v' && p.f.escape == escapeApache)):
			out = append(out, controlEscape(n))
			i++
		default:
			out = append(out, c)
		}
	}
	p.scratch = out
	return out[start:len(out):len(out)]
}

// controlEscape returns the control character of the escape \c.
func controlEscape(c byte) byte {
	switch c {
	case 'n':
		return '\n'
	case 't':
		return '\t'
	case 'r':
		return '\r'
	case 'b':
		return '\b'
	case 'f':
		return '\f'
	}
	return '\v'
}

func isHex(c byte) bool { return c-'0' < 10 || (c|0x20)-'a' < 6 }

func unhex(c byte) byte {
	if c-'0' < 10 {
		return c - '0'
	}
	return (c | 0x20) - 'a' + 10
}

// appendRune appends r as UTF-8 (surrogates and invalid runes as U+FFFD).
func appendRune(b []byte, r rune) []byte {
	switch {
	case r < 0x80:
		return append(b, byte(r))
	case r < 0x800:
		return append(b, 0xC0|byte(r>>6), 0x80|byte(r)&0x3F)
	case r >= 0xD800 && r < 0xE000:
		return append(b, 0xEF, 0xBF, 0xBD)
	default:
		return append(b, 0xE0|byte(r>>12), 0x80|byte(r>>6)&0x3F, 0x80|byte(r)&0x3F)
	}
}

// splitRequest splits rec.Request ("GET /a?b=1 HTTP/1.1") into Method,
// Path, Query and Protocol. HTTP/0.9 requests have no protocol ("GET /").
// A target may contain spaces (some clients send them unencoded): the
// protocol is the last word when it starts with "HTTP/".
//
// A request line is HTTP only when its first word is a method token and
// its target has one of the forms of RFC 9112 §3.2: origin-form ("/..."),
// "*", absolute-form ("scheme://...") or, for CONNECT, authority-form
// ("host:port"). Anything else (TLS handshakes sent to a plain port,
// binary garbage, "145.ll|'|'|...|Win 7 Professional") is not HTTP: the
// record keeps only Request, with no Method and no URL (see
// [Record.NotHTTP]); it is still a request the server answered, usually
// with 400.
func splitRequest(rec *Record) {
	r := rec.Request
	sp := indexByteNear(r, ' ')
	if sp <= 0 || !isToken(r[:sp]) {
		return
	}
	method, target := r[:sp], r[sp+1:]
	var proto []byte
	if last := lastSpace(target); last >= 0 && bytes.HasPrefix(target[last+1:], []byte("HTTP/")) {
		proto = target[last+1:]
		target = target[:last]
	}
	for len(target) > 0 && target[len(target)-1] == ' ' {
		target = target[:len(target)-1]
	}
	if (len(target) == 0 || target[0] != '/') && !isTarget(method, target) {
		return
	}
	rec.Method, rec.Protocol = method, proto
	if q := bytes.IndexByte(target, '?'); q >= 0 {
		rec.Path, rec.Query = target[:q], target[q+1:]
	} else {
		rec.Path = target
	}
}

// isTarget reports whether target is a request target of an HTTP request
// line with method: origin-form, "*", absolute-form, or authority-form
// for CONNECT.
func isTarget(method, target []byte) bool {
	if len(target) == 0 {
		return false
	}
	if target[0] == '/' {
		return true
	}
	if len(target) == 1 && target[0] == '*' {
		return true
	}
	if string(method) == "CONNECT" && bytes.IndexByte(target, ' ') < 0 && bytes.IndexByte(target, ':') > 0 {
		return true
	}
	// scheme "://": a letter, then letters, digits, '+', '-', '.'.
	for i, c := range target {
		switch {
		case 'a' <= c|0x20 && c|0x20 <= 'z':
		case i > 0 && ('0' <= c && c <= '9' || c == '+' || c == '-' || c == '.'):
		case i > 0 && c == ':':
			return bytes.HasPrefix(target[i:], []byte("://")) && len(target) > i+3
		default:
			return false
		}
	}
	return false
}

// lastSpace is bytes.LastIndexByte(b, ' '), which is a byte loop, with the
// usual request first: a space, then eight bytes without one ("HTTP/1.1").
func lastSpace(b []byte) int {
	if n := len(b); n >= 9 && b[n-9] == ' ' &&
		zeroByte(binary.LittleEndian.Uint64(b[n-8:])^(lsb8*' ')) == 8 {
		return n - 9
	}
	return bytes.LastIndexByte(b, ' ')
}

// isToken reports whether b is an HTTP token of letters, digits and the
// usual punctuation, as a method is.
func isToken(b []byte) bool {
	for _, c := range b {
		if !tokenByte[c] {
			return false
		}
	}
	return len(b) > 0
}

// tokenByte marks the bytes of an HTTP token (RFC 9110 tchar).
var tokenByte = func() (t [256]bool) {
	for c := range 256 {
		t[c] = 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || strings.IndexByte("-_.!~*+'#$%&^`|", byte(c)) >= 0
	}
	return t
}()
