package parser

import (
	"bytes"
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
			if bytes.HasPrefix(line, []byte(W3CFieldsPrefix)) {
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
