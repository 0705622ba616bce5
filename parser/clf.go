package parser

import "bytes"

// The literals after each field of the common prefix.
var clfAfter = [...]string{" ", " ", " ", ` "`, `" `, " "}

// clfShape is what parseCLF, the fast path of the Common Log Format
// family, reads of a format.
//
// Most lines webalyze reads are common or combined lines (Apache's
// defaults, nginx's "combined"), or those followed by a few fields:
//
//	203.0.113.7 - - [05/Mar/2024:14:00:01 +0100] "GET /a?b=1 HTTP/1.1" 200 18233 "https://r.example/" "Mozilla/5.0 ..."
//
// The compiled-format loop of lineParser.Parse interprets each field (its
// kind, its quoting, the literal after it) and costs about 2 500
// instructions per combined line, most of them spent deciding what to do
// rather than doing it. When a format begins with the common fields, with
// Apache's escapes and the usual literals between them, parseCLF reads
// those fields with the decisions made in advance: the same searches, the
// same values in the Record. It gives up, and Parse starts over with the
// loop, on anything the loop would treat in a way of its own: a backslash
// anywhere in the line (escapes), a missing field or literal, a bad time,
// status or size, a quote that does not end its field where expected.
// The loop then parses the line and reports what is wrong, so faults read
// exactly as before. FuzzCLFFastPath holds the two to the same Records
// and Results.
type clfShape uint8

const (
	shapeNone     clfShape = iota
	shapeCommon            // exactly %h %l %u %t "%r" %>s %b
	shapePrefix            // those seven, %b followed by ` "` and more fields
	shapeCombined          // exactly combined: then "%{Referer}i" "%{User-Agent}i"
)

// fields returns how many fields of the format the shape covers.
func (c clfShape) fields() int {
	switch c {
	case shapeCommon, shapePrefix:
		return 7
	case shapeCombined:
		return 9
	}
	return 0
}

// clfShapeOf returns the shape of f's leading fields.
func clfShapeOf(f *lineFormat) clfShape {
	if f.escape != escapeApache || len(f.lead) != 0 || f.timeAcc || len(f.fields) < 7 {
		return shapeNone
	}
	kinds := [...]fieldKind{kHost, kIdent, kUser, kTimeCLF, kRequest, kStatus}
	for i, k := range kinds {
		fl := &f.fields[i]
		if fl.kind != k || string(fl.after) != clfAfter[i] || fl.quoted != (k == kRequest) ||
			fl.bracket != (k == kTimeCLF) || fl.list != listNone || fl.beforeQuery {
			return shapeNone
		}
	}
	b := &f.fields[6]
	if b.kind != kBytes || b.quoted || b.bracket || b.list != listNone || b.beforeQuery {
		return shapeNone
	}
	switch {
	case len(f.fields) == 7 && len(b.after) == 0:
		return shapeCommon
	case string(b.after) != ` "` || len(f.fields) == 7:
		return shapeNone
	case len(f.fields) == 9 && isQuoted(&f.fields[7], kReferer, `" "`) && isQuoted(&f.fields[8], kUserAgent, `"`):
		return shapeCombined
	}
	return shapePrefix
}

func isQuoted(fl *logField, k fieldKind, after string) bool {
	return fl.kind == k && fl.quoted && !fl.bracket && fl.list == listNone && !fl.beforeQuery && string(fl.after) == after
}

// parseCLF reads the fields of line that f.clf covers (the line trimmed,
// not empty, without a backslash) into rec and returns where the next
// field starts, or false when the line needs the general loop.
func (p *lineParser) parseCLF(line []byte, rec *Record) (int, bool) {
	// %h %l %u, each up to a space.
	pos := 0
	var v [3][]byte
	for k := range v {
		i := indexByteNear(line[pos:], ' ')
		if i < 0 {
			return 0, false
		}
		v[k] = dashNil(line[pos : pos+i])
		pos += i + 1
	}
	rec.Host, rec.Ident, rec.User = v[0], v[1], v[2]

	// [%t], then ` "`.
	if pos >= len(line) || line[pos] != '[' {
		return 0, false
	}
	i := bytes.IndexByte(line[pos:], ']')
	if i < 0 || pos+i+3 >= len(line) || line[pos+i+1] != ' ' || line[pos+i+2] != '"' {
		return 0, false
	}
	if t := line[pos+1 : pos+i]; !isDash(t) {
		sec, nsec, ok := p.clfTime.parse(t)
		if !ok {
			return 0, false
		}
		rec.Time, rec.Nanos, rec.HasTime = sec, nsec, true
	}
	pos += i + 3

	// %r up to the first quote followed by a space.
	q := quoteBefore(line, pos, ' ', 0)
	if q < 0 || q+2 >= len(line) {
		return 0, false
	}
	rec.Request = dashNil(line[pos:q])
	pos = q + 2

	// %>s, then a space.
	i = indexByteNear(line[pos:], ' ')
	if i < 0 || pos+i+1 >= len(line) {
		return 0, false
	}
	if s := line[pos : pos+i]; !isDash(s) {
		status, ok := ParseStatus(s)
		if !ok {
			return 0, false
		}
		rec.Status, rec.HasStatus = status, true
	}
	pos += i + 1

	// %b: the rest of the line, or up to ` "`.
	if p.f.clf == shapeCommon {
		n, ok := parseSize(line[pos:])
		if !ok {
			return 0, false
		}
		rec.Bytes, rec.HasBytes = n, true
		return len(line), true
	}
	i = indexByteNear(line[pos:], ' ')
	if i < 0 || pos+i+2 >= len(line) || line[pos+i+1] != '"' {
		return 0, false
	}
	n, ok := parseSize(line[pos : pos+i])
	if !ok {
		return 0, false
	}
	rec.Bytes, rec.HasBytes = n, true
	pos += i + 2
	if p.f.clf == shapePrefix {
		return pos, true
	}

	// "%{Referer}i" up to the first `" "`, "%{User-Agent}i" up to the
	// first quote, which must end the line.
	q = quoteBefore(line, pos, ' ', '"')
	if q < 0 {
		return 0, false
	}
	rec.Referer = dashNil(line[pos:q])
	pos = q + 3
	i = bytes.IndexByte(line[pos:], '"')
	if i < 0 || pos+i+1 != len(line) {
		return 0, false
	}
	rec.UserAgent = dashNil(line[pos : pos+i])
	return len(line), true
}

// quoteBefore returns the first quote at or after pos that is followed by
// c1 (and then c2, unless c2 is 0) with at least one more byte after
// them, or -1 when the line has none, or ends at or inside such a
// literal (which the general loop reports).
func quoteBefore(line []byte, pos int, c1, c2 byte) int {
	need := 2 // the quote and c1
	if c2 != 0 {
		need = 3
	}
	for i := pos; i < len(line); {
		k := bytes.IndexByte(line[i:], '"')
		if k < 0 {
			return -1
		}
		q := i + k
		if q+need >= len(line) {
			return -1
		}
		if line[q+1] == c1 && (c2 == 0 || line[q+2] == c2) {
			return q
		}
		i = q + 1
	}
	return -1
}

// dashNil returns nil for "-", the CLF mark of an absent value, else v.
func dashNil(v []byte) []byte {
	if isDash(v) {
		return nil
	}
	return v
}

// isDash reports whether v is "-", which logs write for an absent value.
func isDash(v []byte) bool { return len(v) == 1 && v[0] == '-' }
