package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestParseSharesPipeline checks that `webalyze parse` reads lines as every
// other command does (it runs the same ingest pipeline): a run of NULs
// before a line is a malformed record of its own, a line over --max-line
// inside a chunk is malformed, a line too long to read is reported in its
// place among the others, and a file with CR-only line ends gets the
// hint. Its own copy of the pipeline had none of these.
func TestParseSharesPipeline(t *testing.T) {
	dir := t.TempDir()
	line := func(i int) string {
		return `10.0.0.` + string(rune('0'+i)) + ` - - [05/Mar/2024:10:00:00 +0000] "GET /p HTTP/1.1" 200 12 "-" "ua"`
	}
	write := func(name, data string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	long := `10.0.0.9 - - [05/Mar/2024:10:00:00 +0000] "GET /` + strings.Repeat("a", 300) + ` HTTP/1.1" 200 1 "-" "ua"`
	huge := `10.0.0.9 - - [05/Mar/2024:10:00:00 +0000] "GET /` + strings.Repeat("b", 3<<20) + ` HTTP/1.1" 200 1 "-" "ua"`
	tests := []struct {
		name, data string
		code       int
		want       []string // kind/reason of each output line, in order
		stderr     string
	}{
		{"nul.log", line(1) + "\n" + strings.Repeat("\x00", 20) + line(2) + "\n", 0,
			[]string{"parsed", "malformed/nul_run", "parsed"}, ""},
		{"maxline.log", line(1) + "\n" + long + "\n" + line(2) + "\n", 0,
			[]string{"parsed", "malformed/line_too_long", "parsed"}, ""},
		{"huge.log", line(1) + "\n" + line(2) + "\n" + huge + "\n" + line(3) + "\n", 0,
			[]string{"parsed", "parsed", "malformed/line_too_long", "parsed"}, ""},
		{"cr.log", line(1) + "\r" + line(2) + "\r", 3,
			[]string{"malformed/trailing_data"}, "CR-only line ends"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errs := runCLI(t, "parse", "-f", "combined", "--max-line", "200", write(tt.name, tt.data))
			if code != tt.code || !strings.Contains(errs, tt.stderr) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, errs, tt.code, tt.stderr)
			}
			var got []string
			var lastLine int64
			for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
				var pl parsedLine
				if err := json.Unmarshal([]byte(l), &pl); err != nil {
					t.Fatalf("%v: %q", err, l)
				}
				k := pl.Kind
				if pl.Reason != "" {
					k += "/" + pl.Reason
				}
				got = append(got, k)
				if pl.Line < lastLine {
					t.Errorf("line %d printed after line %d", pl.Line, lastLine)
				}
				lastLine = pl.Line
			}
			if strings.Join(got, " ") != strings.Join(tt.want, " ") {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}
