package parser

// DetectLines is how many non-blank lines at the start of a file [Detect]
// tries each candidate on.
const DetectLines = 200

// Detection is the outcome of [Detect].
type Detection struct {
	Format Format // the winner; nil when no candidate parsed any line
	Parsed int    // lines of the sample the winner parsed
	Tried  int    // non-blank, non-directive lines in the sample
}

// Detect picks, among candidates, the format that parses the most of the
// first [DetectLines] non-blank lines of head. Ties go to the earlier
// candidate, so list the narrower formats first (common before combined).
// Skipped lines (directives) count for a format as well as parsed ones, so
// that an IIS file whose first lines are all directives is recognised.
func Detect(head []byte, candidates []Format) Detection {
	lines := make([][]byte, 0, DetectLines)
	c := Chunk{Data: head, Line: 1}
	it := c.Lines()
	for line, ok := it.Next(); ok && len(lines) < DetectLines; line, ok = it.Next() {
		if it.Last && len(head) >= 64<<10 {
			break // probably cut off by the sample size
		}
		if IsBlank(line) {
			continue
		}
		lines = append(lines, line)
	}
	best := Detection{Tried: len(lines)}
	bestScore := 0
	var rec Record
	for _, f := range candidates {
		p := f.NewParser()
		score, parsed := 0, 0
		for _, line := range lines {
			switch p.Parse(line, &rec).Kind {
			case Parsed:
				score++
				parsed++
			case Skipped:
				score++
			}
		}
		if score > bestScore {
			best.Format, best.Parsed, bestScore = f, parsed, score
		}
	}
	return best
}
