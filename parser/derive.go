package parser

import (
	"net/netip"
	"strconv"
	"strings"
)

// derivedBases are the named formats a derived format may extend, with
// their definitions.
var derivedBases = map[string]string{
	"common":    CommonFormat,
	"combined":  CombinedFormat,
	"vcombined": VCombinedFormat,
	"vhost":     VHostFormat,
}

// maxTrailing bounds the trailing fields of a derived format.
const maxTrailing = 24

// fieldShape is the type of a trailing field of a derived format.
type fieldShape struct {
	sep    string // what precedes it: " ", or "" when glued to the base's last field
	label  string // "rt" of rt=0.003; "" for none
	quoted bool
}

// trailerField is one trailing field as written on one line.
type trailerField struct {
	fieldShape
	value string // without the quotes
}

// derivation is a derived format and how it scored on the sample.
type derivation struct {
	format   Format
	base     string
	trailing int
	score    int
	parsed   int
}

// deriveFormat returns the best format derived from the named bases among
// candidates for the sample lines (a named format followed by fields it
// does not declare: the rules are in the package doc, under Detection),
// or a derivation with a nil format.
// Ties go to the format with fewer trailing fields, then to the earlier
// base.
func deriveFormat(lines [][]byte, candidates []Format) derivation {
	var best derivation
	var rec Record
	for _, base := range candidates {
		def, ok := derivedBases[base.Name()]
		if !ok {
			continue
		}
		p := base.NewParser()
		var trailers [][]trailerField
		for _, line := range lines {
			r := p.Parse(line, &rec)
			line = trimRight(line)
			if r.Kind != Malformed || r.Reason != ReasonTrailingData || r.Column < 1 || r.Column > len(line) {
				continue
			}
			if fields, ok := splitTrailer(line[r.Column-1:]); ok {
				trailers = append(trailers, fields)
			}
		}
		spec, n := deriveSpec(def, trailers)
		if spec == "" {
			continue
		}
		f, err := CompileApache("", spec)
		if err != nil {
			continue // not expected with the shapes splitTrailer accepts
		}
		score, parsed := scoreSample(f, lines)
		if best.format == nil || score > best.score || score == best.score && n < best.trailing {
			best = derivation{format: f, base: base.Name(), trailing: n, score: score, parsed: parsed}
		}
	}
	return best
}

// splitTrailer splits the bytes a base format left over on a line into
// fields. It returns false when they do not have the shapes a derived
// format can declare.
func splitTrailer(t []byte) ([]trailerField, bool) {
	var out []trailerField
	for i := 0; i < len(t); {
		j := i
		for j < len(t) && t[j] == ' ' {
			j++
		}
		if j == len(t) {
			break
		}
		var f trailerField
		f.sep = string(t[i:j])
		if f.sep != " " && !(f.sep == "" && len(out) == 0) {
			return nil, false // several spaces, or a field glued to the previous one
		}
		i = j
		if n := labelLen(t[i:]); n > 0 {
			f.label = string(t[i : i+n-1])
			i += n
		} else if f.sep == "" {
			return nil, false // only a labelled field may follow the base without a space
		}
		if i < len(t) && t[i] == '"' {
			end := quoteEnd(t, i+1)
			if end < 0 {
				return nil, false
			}
			f.quoted, f.value = true, string(t[i+1:end])
			i = end + 1
		} else {
			end := i
			for end < len(t) && t[end] != ' ' && t[end] != '\t' {
				if t[end] == '"' {
					return nil, false // a stray quote: the base misread a field
				}
				end++
			}
			f.value = string(t[i:end])
			i = end
		}
		if i < len(t) && t[i] != ' ' {
			return nil, false // a tab after a token
		}
		if out = append(out, f); len(out) > maxTrailing {
			return nil, false
		}
	}
	return out, len(out) > 0
}

// labelLen returns the length of a "name=" label at the start of b
// (letters, digits and '_', not starting with a digit, at most 32 bytes),
// or 0.
func labelLen(b []byte) int {
	for i := 0; i < len(b) && i <= 32; i++ {
		c := b[i]
		switch {
		case c == '=':
			if i == 0 {
				return 0
			}
			return i + 1
		case c-'a' < 26 || c-'A' < 26 || c == '_' || (i > 0 && c-'0' < 10):
		default:
			return 0
		}
	}
	return 0
}

// quoteEnd returns the index of the quote that closes a quoted trailing
// field whose value starts at from: the first quote not escaped by a
// backslash. It returns -1 when there is none or when it is followed by
// anything but a space or the end: Apache and nginx escape the quotes of
// a value, so a raw one means the line was misread.
func quoteEnd(t []byte, from int) int {
	for i := from; i < len(t); i++ {
		switch t[i] {
		case '\\':
			i++
		case '"':
			if i+1 == len(t) || t[i+1] == ' ' {
				return i
			}
			return -1
		}
	}
	return -1
}

// deriveSpec returns the Apache format def followed by the trailing fields
// that most lines of trailers have, and how many there are; "" when
// trailers do not agree on a shape.
func deriveSpec(def string, trailers [][]trailerField) (string, int) {
	if len(trailers) == 0 {
		return "", 0
	}
	// The number of fields most lines have; ties go to the smaller.
	counts := map[int]int{}
	n := 0
	for _, t := range trailers {
		counts[len(t)]++
	}
	for c, k := range counts {
		if k > counts[n] || k == counts[n] && c < n {
			n = c
		}
	}
	var modal [][]trailerField
	for _, t := range trailers {
		if len(t) == n {
			modal = append(modal, t)
		}
	}
	shapes := make([]fieldShape, n)
	for i := range shapes {
		votes := map[fieldShape]int{}
		var top fieldShape
		for _, t := range modal {
			s := t[i].fieldShape
			votes[s]++
			if votes[s] > votes[top] {
				top = s
			}
		}
		if 2*votes[top] <= len(modal) {
			return "", 0 // no shape for most lines
		}
		shapes[i] = top
	}
	var b strings.Builder
	b.WriteString(def)
	used := map[string]bool{}
	for i, s := range shapes {
		b.WriteString(s.sep)
		dir := ""
		if i == 0 && s.quoted && s.label == "" && strings.HasSuffix(def, `"%{User-Agent}i"`) && forwardedFor(modal) {
			dir = "%{X-Forwarded-For}i"
		} else {
			name := s.label
			if name == "" || used[name] {
				name = "extra" + strconv.Itoa(i+1)
			}
			for used[name] {
				name += "_"
			}
			used[name] = true
			dir = "%{" + name + "}e"
		}
		if s.label != "" {
			b.WriteString(s.label)
			b.WriteByte('=')
		}
		if s.quoted {
			dir = `"` + dir + `"`
		}
		b.WriteString(dir)
	}
	return b.String(), n
}

// forwardedFor reports whether the first trailing field of lines holds
// X-Forwarded-For values: "-" or lists of IP addresses, with at least one
// list.
func forwardedFor(lines [][]trailerField) bool {
	seen := false
	for _, t := range lines {
		v := t[0].value
		if v == "-" {
			continue
		}
		for item := range strings.SplitSeq(v, ",") {
			if _, err := netip.ParseAddr(strings.TrimSpace(item)); err != nil {
				return false
			}
		}
		seen = true
	}
	return seen
}
