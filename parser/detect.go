package parser

import "strconv"

// DetectLines is how many non-blank lines at the start of a file [Detect]
// tries each candidate on.
const DetectLines = 200

// DetectMaxLine is the longest line [Detect] samples: a longer one (a
// huge cookie or URL) says little about the format and is passed over.
const DetectMaxLine = 16 << 10

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
}

// Detect picks, among candidates, the format that parses the most of the
// first [DetectLines] non-blank lines of head. Ties go to the earlier
// candidate, so list the narrower formats first (common before combined).
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
	lines := make([][]byte, 0, DetectLines)
	c := Chunk{Data: head, Line: 1}
	it := c.Lines()
	for line, ok := it.Next(); ok && len(lines) < DetectLines; line, ok = it.Next() {
		if it.Last && len(head) >= DetectHead {
			break // probably cut off by the sample size
		}
		if IsBlank(line) || len(line) > DetectMaxLine {
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
	if bestScore == len(lines) {
		return best
	}
	d := deriveFormat(lines, candidates)
	margin := max(1, (len(lines)+19)/20)
	if d.format != nil && d.score >= bestScore+margin && 4*d.score >= 3*len(lines) {
		fields := " trailing fields"
		if d.trailing == 1 {
			fields = " trailing field"
		}
		return Detection{Format: d.format, Parsed: d.parsed, Tried: len(lines),
			Derived: d.base + " + " + strconv.Itoa(d.trailing) + fields}
	}
	return best
}

// DetectNeedsMore reports whether head, DetectHead bytes or more cut from
// a longer stream, holds no line [Detect] would sample: the file starts
// with lines over DetectMaxLine (or one line longer than head). The
// caller should then give Detect a longer head, up to the longest line it
// reads plus DetectHead, so that the lines after the long ones decide.
func DetectNeedsMore(head []byte) bool {
	c := Chunk{Data: head, Line: 1}
	it := c.Lines()
	for line, ok := it.Next(); ok; line, ok = it.Next() {
		if it.Last {
			return true // cut off
		}
		if !IsBlank(line) && len(line) <= DetectMaxLine {
			return false
		}
	}
	return true
}

// scoreSample parses lines with a fresh parser of f. The score counts
// parsed and skipped lines.
func scoreSample(f Format, lines [][]byte) (score, parsed int) {
	p := f.NewParser()
	var rec Record
	for _, line := range lines {
		switch p.Parse(line, &rec).Kind {
		case Parsed:
			score++
			parsed++
		case Skipped:
			score++
		}
	}
	return score, parsed
}
