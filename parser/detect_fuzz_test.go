package parser

import (
	"strings"
	"testing"
)

// FuzzDetect runs Detect with AutoCandidates on arbitrary samples. It must
// not panic, Parsed must not exceed Tried, and a derived format must be
// what --log-format auto promises: its name is a --log-format value that
// compiles to a format of the same name reading every line of the sample
// as the derived format does, and the derived format's results have the
// properties checkLine checks. Seeded from deriveTests, lineFormatTests
// (each line alone and with a token after it) and, when the shared corpus
// is present, runs of its Apache and nginx lines.
func FuzzDetect(f *testing.F) {
	for _, tt := range deriveTests {
		f.Add(strings.Join(tt.lines, "\n") + "\n")
	}
	for _, tt := range lineFormatTests {
		f.Add(tt.line + "\n" + tt.line + " 0.1\n" + tt.line + " 0.2\n")
	}
	real := fuzzRealLines("*", 3)
	for i := 0; i+3 <= len(real); i += 3 {
		f.Add(strings.Join(real[i:i+3], "\n"))
	}
	candidates := AutoCandidates(nil)
	f.Fuzz(func(t *testing.T, sample string) {
		d := Detect([]byte(sample), candidates)
		if d.Parsed < 0 || d.Parsed > d.Tried || d.Tried > detectLines {
			t.Fatalf("parsed %d of %d lines tried", d.Parsed, d.Tried)
		}
		if d.Derived == "" {
			return
		}
		if d.Format == nil {
			t.Fatalf("derived %q without a format", d.Derived)
		}
		name := d.Format.Name()
		again, err := ParseFormatSpec(name)
		if err != nil || again.Name() != name {
			t.Fatalf("ParseFormatSpec(%q) = %v, %v", name, again, err)
		}
		var lines [][]byte
		for _, l := range strings.Split(sample, "\n") {
			lines = append(lines, []byte(strings.TrimSuffix(l, "\r")))
		}
		fuzzFormat(t, d.Format, lines...)
		p, q := d.Format.NewParser(), again.NewParser()
		var rec Record
		for _, line := range lines {
			want := outcome(p.Parse(line, &rec), &rec)
			if got := outcome(q.Parse(line, &rec), &rec); got != want {
				t.Fatalf("line %q with -f %q:\n got %s\nwant %s", line, name, got, want)
			}
		}
	})
}
