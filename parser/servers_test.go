package parser

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/servers/*.want with the current output")

// TestServerSamples reads the samples written from each server's
// documentation (testdata/servers/NAME.log) with the named format NAME:
// each line's outcome (conform) must match NAME.want, and auto-detection
// must pick NAME for the file.
func TestServerSamples(t *testing.T) {
	logs, _ := filepath.Glob(filepath.Join("testdata", "servers", "*.log"))
	if len(logs) == 0 {
		t.Fatal("no samples")
	}
	for _, path := range logs {
		name := strings.TrimSuffix(filepath.Base(path), ".log")
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			f, err := ParseFormatSpec(name)
			if err != nil {
				t.Fatal(err)
			}
			p := f.NewParser()
			var rec Record
			var out strings.Builder
			for line := range bytes.Lines(data) {
				line = bytes.TrimSuffix(line, []byte("\n"))
				res := p.Parse(line, &rec)
				out.WriteString(conform(res, &rec))
				if res.Kind == Malformed {
					out.WriteString(" col=" + strconv.Itoa(res.Column))
				}
				out.WriteByte('\n')
			}
			golden := strings.TrimSuffix(path, ".log") + ".want"
			if *update {
				if err := os.WriteFile(golden, []byte(out.String()), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if out.String() != string(want) {
				t.Errorf("-f %s:\n got:\n%s\nwant:\n%s", name, out.String(), want)
			}
			d := Detect(data, AutoCandidates(nil))
			if d.Format == nil || d.Format.Name() != name {
				t.Errorf("auto picked %v (derived %q), want %s", d.Format, d.Derived, name)
			}
		})
	}
}

// CloudFront's user agents are URL-encoded, older logs twice.
func TestCloudFrontUserAgent(t *testing.T) {
	for in, want := range map[string]string{
		"Mozilla/5.0%20(X11)":          "Mozilla/5.0 (X11)",
		"Mozilla/5.0%2520(X11;%2520U)": "Mozilla/5.0 (X11; U)",
		"curl/8":                       "curl/8",
		"100%zz%2":                     "100%zz%2",
		"a%25b":                        "a%b",
		"%E2%82%AC":                    "€",
	} {
		p := NewCloudFront([]string{"date", "time", "cs(User-Agent)", "sc-status"}).NewParser()
		var rec Record
		line := "2024-03-05\t14:00:00\t" + in + "\t200"
		if r := p.Parse([]byte(line), &rec); r.Kind != Parsed || string(rec.UserAgent) != want {
			t.Errorf("%q: %v agent %q, want %q", in, r.Kind, rec.UserAgent, want)
		}
	}
}
