package parser

import (
	"bytes"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// FuzzServerFormats parses arbitrary lines with every named format of
// servers.go (see checkLine for the properties held), seeded with the
// documentation samples, the real samples of other/ and lines that stress
// the JSON extractor.
func FuzzServerFormats(f *testing.F) {
	logs, _ := filepath.Glob(filepath.Join("testdata", "servers", "*.log"))
	for _, path := range logs {
		data, _ := os.ReadFile(path)
		for line := range bytes.Lines(data) {
			f.Add(strings.TrimSuffix(string(line), "\n"))
		}
	}
	for _, l := range fuzzRealLines("other/*", 2) {
		f.Add(l)
	}
	for _, s := range []string{`{`, `{"status":`, `{"a":[[[[[[`, `{"request":{"headers":{"User-Agent":[]}},"status":200}`,
		`{"ts":1e5,"status":"2\u0030","request":{"method":"G\"ET","uri":"/\\"}}`, `{} x`, `{"status":200,"request":{"uri":null}}`,
		"2025-12-31T17:37:40.493035218+01:00 stdout F {}", `a [01/Jan/2000:00:00:00] b c/d 1/2/3/4/5 200 1 - - ---- 1/1/1/1/1 0/0 {x} "GET / HTTP/1.1"`} {
		f.Add(s)
	}
	var names []string
	for name := range serverFormats {
		names = append(names, name)
	}
	sort.Strings(names)
	formats := make([]Format, len(names))
	for i, name := range names {
		formats[i] = serverFormats[name]()
	}
	f.Fuzz(func(t *testing.T, line string) {
		for _, format := range formats {
			if _, ok := format.NewParser().(Stateful); ok {
				// CloudFront: directives change the parser; after one
				// #Fields line of the input, the line as data.
				p := format.NewParser()
				var rec Record
				for _, l := range []string{"#Fields: date time c-ip sc-status time-taken", line, "#Fields:\t" + line, line} {
					r := p.Parse([]byte(l), &rec)
					if r.Kind == Parsed && (rec.Status >= 1000 || rec.Duration < 0) || r.Kind == Malformed && r.Column < 1 {
						t.Fatalf("%s: line %q: %+v", format.Name(), l, r)
					}
				}
				continue
			}
			fuzzFormat(t, format, []byte(line), []byte("{\"x\":1}"))
		}
	})
}

// FuzzCloudFrontPlainPath holds the one-pass parsing of CloudFront's
// tab-separated lines to the general loop, as FuzzW3CPlainPath does for
// IIS.
func FuzzCloudFrontPlainPath(f *testing.F) {
	data, _ := os.ReadFile(filepath.Join("testdata", "servers", "cloudfront.log"))
	f.Add("", string(data))
	f.Add("date time sc-status time-taken", "2024-03-05\t14:00:00\t200\t0.5\n2024-03-05\t\t14:00:00\t200\t5\n\t2024-03-05\t14:00:00\t200\t5\t\n2024-03-05 14:00:00\t\"200\"\t1")
	f.Fuzz(func(t *testing.T, def, in string) {
		fields, err := ParseW3CFieldsList(def)
		if err != nil {
			return
		}
		w3cPathsAgree(t, NewCloudFront(fields), bytes.Split([]byte(in), []byte("\n")))
	})
}
