package parser

import "strconv"

// detectLines is how many non-blank lines at the start of a file [Detect]
// tries each candidate on.
const detectLines = 200

// detectMaxLine is the longest line [Detect] samples: a longer one (a
// huge cookie or URL) says little about the format and is passed over.
const detectMaxLine = 16 << 10

// DetectHead is how many first bytes of a file [Detect] is usually given.
const DetectHead = 64 << 10

// Detection is the outcome of [Detect].
type Detection struct {
	Format Format // the winner; nil when no candidate parsed any line
	Parsed int    // lines of the sample the winner parsed
	Tried  int    // non-blank, non-directive lines in the sample
	// Derived describes a format derived from the sample, such as
	// "combined + 2 trailing fields"; it is empty when Format is a
	// candidate. The derived format's Name is its --log-format value.
	Derived string
	// HeaderlessW3C is set when no format was found and most lines of
	// the sample look like W3C (IIS) data lines, "2024-03-05 14:00:01 ...",
	// without the #Fields directive that names their columns.
	HeaderlessW3C bool
}

// NoFormatMessage is the file error for a Detection without a Format: it
// says how to give the format, and names --w3c-fields for IIS lines
// without a header.
func (d Detection) NoFormatMessage() string {
	msg := "no known format matched the first " + strconv.Itoa(d.Tried) + " lines; give one with --log-format"
	if d.HeaderlessW3C {
		msg += ", or, as they look like IIS/W3C lines without a #Fields header, give their columns with --w3c-fields (e.g. --w3c-fields \"date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken\")"
	}
	return msg
}

// Detect picks, among candidates, the format that parses the most of the
// first 200 non-blank lines of head (lines over 16 KiB are passed over).
// Ties go to the earlier candidate, so list the narrower formats first
// (common before combined).
// Skipped lines (directives) count for a format as well as parsed ones, so
// that an IIS file whose first lines are all directives is recognised.
//
// When no candidate parses every line of the sample, Detect also derives
// formats from the candidates named common, combined, vcombined and vhost:
// the named format followed by the fields it left over as trailing data
// (see derive.go). A derived format wins only when it parses clearly
// better than every candidate: at least three quarters of the sample, and
// at least one line in twenty of it more than the best candidate.
func Detect(head []byte, candidates []Format) Detection {
	lines := make([][]byte, 0, detectLines)
	c := Chunk{Data: head, Line: 1}
	it := c.Lines()
	for line, ok := it.Next(); ok && len(lines) < detectLines; line, ok = it.Next() {
		if it.Last && len(head) >= DetectHead {
			break // probably cut off by the sample size
		}
		if IsBlank(line) || len(line) > detectMaxLine {
			continue
		}
		lines = append(lines, line)
	}
	best := Detection{Tried: len(lines)}
	bestScore := 0
	for _, f := range candidates {
		score, parsed := scoreSample(f, lines)
		if score > bestScore {
			best.Format, best.Parsed, bestScore = f, parsed, score
		}
	}
	if best.Parsed == 0 && !looksLikeW3C(lines) {
		// Only skipped '#' lines: a comment line is not a W3C header.
		best.Format = nil
	}
	full := 2 * len(lines)
	if bestScore == full && best.Format != nil {
		return best
	}
	d := deriveFormat(lines, candidates)
	margin := 2 * max(1, (len(lines)+19)/20)
	if d.format != nil && d.score >= bestScore+margin && 4*d.score >= 3*full {
		fields := " trailing fields"
		if d.trailing == 1 {
			fields = " trailing field"
		}
		return Detection{Format: d.format, Parsed: d.parsed, Tried: len(lines),
			Derived: d.base + " + " + strconv.Itoa(d.trailing) + fields}
	}
	if best.Format == nil {
		best.HeaderlessW3C = headerlessW3C(lines)
	}
	return best
}

// headerlessW3C reports whether most lines start with a W3C date and time
// ("2024-03-05 14:00:01 ") and none is a directive.
func headerlessW3C(lines [][]byte) bool {
	n := 0
	for _, l := range lines {
		if len(l) > 0 && l[0] == '#' {
			return false
		}
		if len(l) > 20 && l[10] == ' ' && l[19] == ' ' {
			if _, _, ok := parseW3CDateTime(l[:10], l[11:19]); ok {
				n++
			}
		}
	}
	return n > 0 && 2*n > len(lines)
}

// DetectNeedsMore reports whether head, DetectHead bytes or more cut from
// a longer stream, holds no line [Detect] would sample: the file starts
// with lines over 16 KiB (or one line longer than head). The
// caller should then give Detect a longer head, up to the longest line it
// reads plus DetectHead, so that the lines after the long ones decide.
func DetectNeedsMore(head []byte) bool {
	c := Chunk{Data: head, Line: 1}
	it := c.Lines()
	for line, ok := it.Next(); ok; line, ok = it.Next() {
		if it.Last {
			return true // cut off
		}
		if !IsBlank(line) && len(line) <= detectMaxLine {
			return false
		}
	}
	return true
}

// scoreSample parses lines with a fresh parser of f. The score counts two
// for a parsed or skipped line, and one for a line parsed only by reading
// a user name with a space (see userEnd), so that a format that reads
// the line without that lenience wins: "localhost:443 1.2.3.4 ident bob
// [" is vcombined with ident "ident", not combined with user "ident bob".
func scoreSample(f Format, lines [][]byte) (score, parsed int) {
	p := f.NewParser()
	lp, _ := p.(*lineParser)
	var rec Record
	for _, line := range lines {
		switch p.Parse(line, &rec).Kind {
		case Parsed:
			score += 2
			if lp != nil && lp.spacedUser {
				score--
			}
			parsed++
		case Skipped:
			score += 2
		}
	}
	return score, parsed
}
