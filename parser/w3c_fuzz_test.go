package parser

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
)

// FuzzParseW3C feeds arbitrary multi-line input to a W3C parser (with and
// without a default field list) and checks that every line gives exactly one
// well-formed Result: a valid Kind, a Reason unless parsed, a column inside
// the line when malformed, and a status of at most 999. It also checks that
// a parser primed with the last #Fields line agrees with one that read
// everything. Seeds are the table tests and the benchmark lines.
func FuzzParseW3C(f *testing.F) {
	for _, tt := range w3cTests {
		f.Add(tt.def, tt.in)
	}
	f.Add("", w3cHeader+strings.Join(w3cBenchLines, "\n"))
	f.Add("date time sc-status", "\"\n\"\"\"\n#Fields: \"\n- - -")
	f.Fuzz(func(t *testing.T, def, in string) {
		fields, err := ParseW3CFieldsList(def)
		if err != nil {
			return
		}
		format := NewW3C(fields)
		p := format.NewParser()
		var rec Record
		lines := bytes.Split([]byte(in), []byte("\n"))
		results := make([]string, len(lines))
		lastFields := -1
		for i, line := range lines {
			r := p.Parse(line, &rec)
			switch r.Kind {
			case Parsed:
				if r.Reason != "" {
					t.Fatalf("line %q: parsed with reason %q", line, r.Reason)
				}
				if rec.Status > 999 {
					t.Fatalf("line %q: status %d", line, rec.Status)
				}
			case Skipped:
				if r.Reason != ReasonDirective && r.Reason != ReasonBlank {
					t.Fatalf("line %q: skipped with reason %q", line, r.Reason)
				}
			case Malformed:
				if r.Reason == "" || r.Detail == "" {
					t.Fatalf("line %q: malformed without reason or detail: %+v", line, r)
				}
				if r.Column < 1 || r.Column > len(line)+1 {
					t.Fatalf("line %q: column %d out of range", line, r.Column)
				}
			default:
				t.Fatalf("line %q: kind %d", line, r.Kind)
			}
			results[i] = formatW3C(r, &rec)
			if bytes.HasPrefix(line, []byte(w3cFieldsPrefix)) {
				lastFields = i
			}
		}
		// A parser primed with the last #Fields gives the same results for
		// the lines after it.
		if lastFields >= 0 {
			q := format.NewParser().(Stateful)
			q.Prime(lines[lastFields])
			for i := lastFields + 1; i < len(lines); i++ {
				if got := formatW3C(q.Parse(lines[i], &rec), &rec); got != results[i] {
					t.Fatalf("primed parser, line %q:\n got: %s\nwant: %s", lines[i], got, results[i])
				}
			}
		}
	})
}

// w3cPathsAgree parses lines in order with Parse as it is and with the
// general loop alone (w3cParser.general), and fails at the first line
// whose Result or Record differs: parsePlain must be invisible.
func w3cPathsAgree(t *testing.T, format Format, lines [][]byte) {
	t.Helper()
	fast, general := format.NewParser().(*w3cParser), format.NewParser().(*w3cParser)
	general.general = true
	var a, b Record
	for _, line := range lines {
		ra, rb := fast.Parse(line, &a), general.Parse(line, &b)
		// Reset keeps Extra's array for reuse: empty is empty.
		ea, eb := a.Extra, b.Extra
		if len(a.Extra) == 0 && len(b.Extra) == 0 {
			a.Extra, b.Extra = nil, nil
		}
		same := ra == rb && reflect.DeepEqual(a, b)
		a.Extra, b.Extra = ea, eb
		if !same {
			t.Fatalf("line %q:\n plain path: %+v %s\n general:    %+v %s", line, ra, formatW3C(ra, &a), rb, formatW3C(rb, &b))
		}
	}
}

// FuzzW3CPlainPath holds the one-pass parsing of plain W3C lines to the
// general loop on arbitrary input, with and without a default field list.
func FuzzW3CPlainPath(f *testing.F) {
	for _, tt := range w3cTests {
		f.Add(tt.def, tt.in)
	}
	f.Add("", w3cHeader+strings.Join(w3cBenchLines, "\n"))
	f.Add("date time sc-status time-taken", "2024-03-05 14:00:00 200 5\n2024-03-05  14:00:00 200 5\n 2024-03-05 14:00:00 200 5 \n2024-03-05 14:00:00 2x0 \"5\"")
	f.Fuzz(func(t *testing.T, def, in string) {
		fields, err := ParseW3CFieldsList(def)
		if err != nil {
			return
		}
		w3cPathsAgree(t, NewW3C(fields), bytes.Split([]byte(in), []byte("\n")))
	})
}
