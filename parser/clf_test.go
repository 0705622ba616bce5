package parser

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// clfShapeSpecs are formats with each shape of the fast path, and one
// without (an nginx combined: other escapes and literals).
var clfShapeSpecs = []struct {
	spec  string
	shape clfShape
}{
	{"common", shapeCommon},
	{"combined", shapeCombined},
	{`apache:%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i" %D`, shapePrefix},
	{`apache:%h %l %u %t "%r" %>s %b "%{Referer}i"`, shapePrefix},
	{`apache:%h %l %u %t "%r" %>s %b "`, shapeNone}, // a literal quote after %b ends the format
	{`apache:%h %l %u %t "%r" %>s %O "%{Referer}i" "%{User-Agent}i"`, shapeCombined},
	{"vcombined", shapeNone},
	{"nginx", shapeNone},
	{`apache:%a %l %u %t "%r" %>s %b`, shapeCommon},
	{`apache:%h %l %u %t "%r" %s %B`, shapeCommon}, // %s and %B read as %>s and %b
}

// slowParsers returns, for each of clfShapeSpecs, a parser with the fast
// path and one without.
func clfParserPairs(tb testing.TB) (fast, slow []LineParser) {
	for _, s := range clfShapeSpecs {
		f, err := ParseFormatSpec(s.spec)
		if err != nil {
			tb.Fatal(err)
		}
		lf := f.(*lineFormat)
		if lf.clf != s.shape {
			tb.Fatalf("%s: shape %d, want %d", s.spec, lf.clf, s.shape)
		}
		plain := *lf
		plain.clf = shapeNone
		fast, slow = append(fast, lf.NewParser()), append(slow, plain.NewParser())
	}
	return fast, slow
}

// checkSameParse parses line with both parsers and fails when the Results
// or the Records differ (nil and empty values told apart).
func checkSameParse(t *testing.T, spec string, fast, slow LineParser, line []byte) {
	t.Helper()
	var a, b Record
	ra := fast.Parse(bytes.Clone(line), &a)
	rb := slow.Parse(bytes.Clone(line), &b)
	if !reflect.DeepEqual(ra, rb) {
		t.Fatalf("%s: %q:\nfast path %+v\nloop      %+v", spec, line, ra, rb)
	}
	if ra.Kind == Parsed && !reflect.DeepEqual(a, b) {
		t.Fatalf("%s: %q:\nfast path %+v\nloop      %+v", spec, line, a, b)
	}
}

// clfFastPathLines are lines on and just off the fast path.
var clfFastPathLines = append(append([]string{}, benchCombinedLines...),
	`203.0.113.7 - - [05/Mar/2024:14:00:01 +0100] "GET / HTTP/1.1" 200 1`,
	`203.0.113.7 - - [05/Mar/2024:14:00:01 +0100] "GET / HTTP/1.1" 200 -`,
	`203.0.113.7 - - [05/Mar/2024:14:00:01 +0100] "GET / HTTP/1.1" 200 1 "-" "-"`,
	`203.0.113.7 - - [05/Mar/2024:14:00:01 +0100] "GET / HTTP/1.1" 200 1 "-" "-" 123`,
	`203.0.113.7 - - [05/Mar/2024:14:00:01 +0100] "GET / HTTP/1.1" 200 1 "-" "-" "x"`,
	`203.0.113.7 - - [05/Mar/2024:14:00:01 +0100] "GET / HTTP/1.1" 200 1 "-"`,
	`203.0.113.7 - - [05/Mar/2024:14:00:01 +0100] "GET / HTTP/1.1" 200 1 "`,
	`203.0.113.7 - - [05/Mar/2024:14:00:01 +0100] "GET / HTTP/1.1" 200 1 "a" "b" "c"`,
	`203.0.113.7 - - [05/Mar/2024:14:00:01 +0100] "GET / HTTP/1.1" 200 1 "a"b" "c"`,
	`203.0.113.7 - - [05/Mar/2024:14:00:01 +0100] "GET / HTTP/1.1" 200 1 "a" "b"c"`,
	`203.0.113.7 - - [05/Mar/2024:14:00:01 +0100] "GET /"x" HTTP/1.1" 200 1 "a" "b"`,
	`203.0.113.7 - - [05/Mar/2024:14:00:01 +0100] "GET /"x"y HTTP/1.1" 200 1 "a" "b"`,
	`203.0.113.7 - - [05/Mar/2024:14:00:01 +0100] "-" 408 - "-" "-"`,
	`203.0.113.7 - - [05/Mar/2024:14:00:01 +0100] "" 400 0 "" ""`,
	`203.0.113.7 - - [-] "GET / HTTP/1.1" 200 1 "-" "-"`,
	`203.0.113.7 - - [] "GET / HTTP/1.1" 200 1 "-" "-"`,
	`203.0.113.7 - - [05/Mar/2024:24:00:01 +0100] "GET / HTTP/1.1" 200 1 "-" "-"`,
	`203.0.113.7 - - [05/Mar/2024:14:00:01 +0100]"GET / HTTP/1.1" 200 1 "-" "-"`,
	`203.0.113.7 - - 05/Mar/2024:14:00:01 +0100] "GET / HTTP/1.1" 200 1 "-" "-"`,
	`203.0.113.7 - - [05/Mar/2024:14:00:01 +0100] "GET / HTTP/1.1" - 1 "-" "-"`,
	`203.0.113.7 - - [05/Mar/2024:14:00:01 +0100] "GET / HTTP/1.1" 2000 1 "-" "-"`,
	`203.0.113.7 - - [05/Mar/2024:14:00:01 +0100] "GET / HTTP/1.1" 200 1x "-" "-"`,
	`203.0.113.7 - - [05/Mar/2024:14:00:01 +0100] "GET / HTTP/1.1" 200  1 "-" "-"`,
	`203.0.113.7 - - [05/Mar/2024:14:00:01 +0100] "GET / HTTP/1.1" 200 1 2`,
	`203.0.113.7 - - [05/Mar/2024:14:00:01 +0100] "GET / HTTP/1.1" 200`,
	`203.0.113.7 - - [05/Mar/2024:14:00:01 +0100] "GET / HTTP/1.1"`,
	`203.0.113.7 - - [05/Mar/2024:14:00:01 +0100] "GET / HTTP/1.1`,
	`203.0.113.7 - - [05/Mar/2024:14:00:01 +0100] "`,
	`203.0.113.7 - - [05/Mar/2024:14:00:01 +0100]`,
	`203.0.113.7 - -`,
	`203.0.113.7`,
	` - - [05/Mar/2024:14:00:01 +0100] "GET / HTTP/1.1" 200 1 "-" "-"`,
	`203.0.113.7  - [05/Mar/2024:14:00:01 +0100] "GET / HTTP/1.1" 200 1 "-" "-"`,
	`203.0.113.7 - - [05/Mar/2024:14:00:01 +0100] "\x16\x03\x01" 400 0 "-" "-"`,
	`203.0.113.7 - - [05/Mar/2024:14:00:01 +0100] "GET /a\"b HTTP/1.1" 200 1 "-" "-"`,
	`203.0.113.7 - - [05/Mar/2024:14:00:01 +0100] "GET / HTTP/1.1" 200 1 "-" "-"`+"\t ",
	"203.0.113.7\t- - [05/Mar/2024:14:00:01 +0100] \"GET / HTTP/1.1\" 200 1 \"-\" \"-\"",
)

func TestCLFFastPath(t *testing.T) {
	fast, slow := clfParserPairs(t)
	for _, line := range clfFastPathLines {
		for i := range fast {
			checkSameParse(t, clfShapeSpecs[i].spec, fast[i], slow[i], []byte(line))
		}
	}
	// The fast path is taken: a combined line reads without the loop's
	// scratch, and its values point into the line.
	var rec Record
	line := []byte(benchCombinedLines[0])
	if r := fast[1].Parse(line, &rec); r.Kind != Parsed || string(rec.UserAgent) == "" || &rec.UserAgent[0] != &line[bytes.LastIndexByte(line[:len(line)-1], '"')+1] {
		t.Fatalf("combined line: %+v, agent %q", r, rec.UserAgent)
	}
}

// TestCLFFastPathRealLogs runs every line of the real Apache and nginx
// logs through both paths.
func TestCLFFastPathRealLogs(t *testing.T) {
	dir := w3cRealDataDir()
	if dir == "" {
		t.Skip("real log corpus not found (../../shared/testdata/real or $WEBALYZE_REAL_DATA); skipping")
	}
	fast, slow := clfParserPairs(t)
	n := 0
	for _, sub := range []string{"apache", "nginx", "other"} {
		files, _ := filepath.Glob(filepath.Join(dir, sub, "*"))
		for _, name := range files {
			data, err := os.ReadFile(name)
			if err != nil || strings.HasSuffix(name, ".gz") || strings.HasSuffix(name, ".bz2") || strings.HasSuffix(name, ".zst") {
				continue
			}
			for _, line := range bytes.Split(data, []byte{'\n'}) {
				line = bytes.TrimSuffix(line, []byte{'\r'})
				for i := range fast {
					checkSameParse(t, clfShapeSpecs[i].spec+" "+filepath.Base(name), fast[i], slow[i], line)
				}
				n++
			}
		}
	}
	if n == 0 {
		t.Fatal("no lines read from the corpus")
	}
	t.Logf("%d lines, %d formats", n, len(fast))
}

// FuzzCLFFastPath holds the fast path to the loop on arbitrary lines.
func FuzzCLFFastPath(f *testing.F) {
	for _, l := range clfFastPathLines {
		f.Add(l)
	}
	for _, tt := range conformanceTests {
		f.Add(tt.line)
	}
	for _, l := range fuzzRealLines("*", 3) {
		f.Add(l)
	}
	fast, slow := clfParserPairs(f)
	f.Fuzz(func(t *testing.T, line string) {
		for i := range fast {
			checkSameParse(t, clfShapeSpecs[i].spec, fast[i], slow[i], []byte(line))
		}
	})
}
