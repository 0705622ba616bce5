package main

import (
	"bytes"
	"compress/gzip"
	"encoding/csv"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"

	"github.com/webalyze/webalyze/aggregate"
)

// TestChooseOutput: the renderer comes from the extension under a
// compression suffix, or from --output-format; an unknown extension is a
// usage error.
func TestChooseOutput(t *testing.T) {
	tests := []struct {
		path, format string
		want         string // "format+compression", or "error"
	}{
		{"report.html", "", "html"},
		{"out/Report.HTM", "", "html"},
		{"x.json", "", "json"},
		{"x.csv", "", "csv"},
		{"x.json.gz", "", "json.gz"},
		{"x.csv.zst", "", "csv.zst"},
		{"x.html.gz", "", "html.gz"},
		{"-", "", "html"},
		{"-", "json", "json"},
		{"/dev/stdout", "", "html"},
		{"/dev/fd/63", "csv", "csv"},
		{"report", "", "html"},
		{".report", "", "html"},
		{"x.gz", "", "html.gz"},
		{"x.json", "csv", "csv"},
		{"x.gz", "json", "json.gz"},
		{"x.txt", "", "error"},
		{"x.json.bz2", "", "error"},
		{"report-2024.03.05", "", "error"},
		{"report-2024.03.05", "html", "html"},
		{"x.html", "xml", "error"},
	}
	for _, tt := range tests {
		k, err := chooseOutput(tt.path, tt.format)
		got := "error"
		if err == nil {
			got = k.format.name
			if k.compress != nil {
				got += k.compress.ext
			}
		}
		if got != tt.want {
			t.Errorf("chooseOutput(%q, %q) = %s (%v), want %s", tt.path, tt.format, got, err, tt.want)
		}
	}
}

// TestCompressedOutput: -o x.json.gz and -o x.csv.zst write what their
// names say.
func TestCompressedOutput(t *testing.T) {
	dir := t.TempDir()
	log := filepath.Join(dir, "a.log")
	writeLines(t, log, 0, 20)
	decoders := map[string]func(io.Reader) (io.Reader, error){
		".gz":  func(r io.Reader) (io.Reader, error) { return gzip.NewReader(r) },
		".zst": func(r io.Reader) (io.Reader, error) { return zstd.NewReader(r) },
	}
	checks := map[string]func([]byte) error{
		"json": func(b []byte) error { var d summaryDoc; return json.Unmarshal(b, &d) },
		"csv":  func(b []byte) error { _, err := csv.NewReader(bytes.NewReader(b)).Read(); return err },
		"html": func(b []byte) error {
			if !bytes.HasPrefix(b, []byte("<!DOCTYPE html")) {
				return io.ErrUnexpectedEOF
			}
			return nil
		},
	}
	for format, check := range checks {
		for ext, decode := range decoders {
			name := filepath.Join(dir, "x."+format+ext)
			if code, _, errs := runCLI(t, "report", "-q", "-o", name, log); code != 0 {
				t.Fatalf("%s: exit %d: %s", name, code, errs)
			}
			f, err := os.Open(name)
			if err != nil {
				t.Fatal(err)
			}
			r, err := decode(f)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			data, err := io.ReadAll(r)
			f.Close()
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if err := check(data); err != nil {
				t.Errorf("%s: not %s once decompressed: %v: %.40q", name, format, err, data)
			}
		}
	}
}

// TestErrorMessages: every message names the path the user gave (never a
// temporary file, never made absolute), once, without Go package
// prefixes.
func TestErrorMessages(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	writeLines(t, "a.log", 0, 10)
	os.Mkdir("d", 0o755)
	os.WriteFile("junk.state", []byte("not a state"), 0o644)
	os.WriteFile("badhdr.gz", []byte("\x1f\x8b\x09junkjunkjunk"), 0o644)
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	for m := range 200 {
		zw.Write([]byte(logLine(m, 200) + "\n"))
	}
	zw.Close()
	os.WriteFile("trunc.gz", gz.Bytes()[:gz.Len()/2], 0o644)
	tests := []struct {
		args []string
		code int
		want string // stderr
	}{
		{[]string{"report", "-o", "d", "a.log"}, 2,
			"webalyze: -o d: is a directory\n"},
		{[]string{"report", "-o", "nodir/x.html", "a.log"}, 2,
			"webalyze: -o nodir/x.html: no such file or directory\n"},
		{[]string{"report", "-o", "nodir/x.html", "nope.log"}, 2, // checked before reading
			"webalyze: -o nodir/x.html: no such file or directory\n"},
		{[]string{"report", "-o", "a.log/x.html", "a.log"}, 2,
			"webalyze: -o a.log/x.html: not a directory\n"},
		{[]string{"report", "-o", "x.txt", "a.log"}, 2,
			"webalyze: -o x.txt: unknown extension \".txt\": use .html, .htm, .json, .csv, .prom, optionally followed by .gz or .zst, or choose with --output-format\n"},
		{[]string{"report", "-o", "x.html", "--output-format", "xml", "a.log"}, 2,
			"webalyze: --output-format \"xml\": want one of html, json, csv, prom\n"},
		{[]string{"summary", "nope.log"}, 2,
			"webalyze: nope.log: no such file or directory\nwebalyze: nothing was written: an input could not be read\n"},
		{[]string{"summary", "d"}, 2,
			"webalyze: d: is a directory\nwebalyze: nothing was written: an input could not be read\n"},
		{[]string{"summary", "badhdr.gz"}, 2,
			"webalyze: badhdr.gz: gzip: invalid header\nwebalyze: nothing was written: an input could not be read\n"},
		{[]string{"summary", "-f", "combined", "--max-malformed", "5", "trunc.gz"}, 3,
			"webalyze: trunc.gz: gzip stream truncated after "},
		{[]string{"parse", "nope.log"}, 2,
			"webalyze: nope.log: no such file or directory\n"},
		{[]string{"parse", "badhdr.gz"}, 2,
			"webalyze: badhdr.gz: gzip: invalid header\n"},
		{[]string{"summary", "--state", "junk.state", "a.log"}, 2,
			"webalyze: --state junk.state: not a webalyze state file\n"},
		{[]string{"summary", "--state", "d", "a.log"}, 2,
			"webalyze: --state d: is a directory\n"},
		{[]string{"summary", "--state", "nodir/s.state", "a.log"}, 2,
			"webalyze: --state nodir/s.state: locking state: no such file or directory\n"},
		{[]string{"merge", "-o", "m.state", "junk.state"}, 2,
			"webalyze: junk.state: not a webalyze state file\n"},
		{[]string{"merge", "-o", "m.state", "nope.state"}, 2,
			"webalyze: nope.state: no such file or directory\n"},
	}
	for _, tt := range tests {
		code, _, errs := runCLI(t, tt.args...)
		if code != tt.code || !strings.HasPrefix(errs, tt.want) {
			t.Errorf("%v:\n exit %d, stderr %q\nwant %d, %q", tt.args, code, errs, tt.code, tt.want)
		}
		for _, bad := range []string{".tmp-", "aggregate:", "report:", "parser:", dir} {
			if strings.Contains(errs, bad) {
				t.Errorf("%v: stderr %q holds %q", tt.args, errs, bad)
			}
		}
		if strings.Count(errs, "trunc.gz") > 1 {
			t.Errorf("%v: stderr %q names the file twice", tt.args, errs)
		}
	}
}

// TestMergeToStdout: merge -o - writes the merged state on standard
// output, not into a file named "-".
func TestMergeToStdout(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	writeLines(t, "a.log", 0, 10)
	if code, _, errs := runCLI(t, "summary", "--state", "a.state", "a.log"); code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	code, out, errs := runCLI(t, "merge", "-o", "-", "a.state")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	st, err := aggregate.Decode(strings.NewReader(out))
	if err != nil || st.Requests != 10 {
		t.Errorf("merge -o -: %v, %+v", err, st)
	}
	if _, err := os.Stat("-"); err == nil {
		t.Error(`a file named "-" was written`)
	}
}

// TestStateOnlyRunKeepsState: a run from the state alone (no inputs)
// reads nothing new and leaves the state file as it is.
func TestStateOnlyRunKeepsState(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	writeLines(t, "a.log", 0, 10)
	if code, _, errs := runCLI(t, "summary", "--state", "s.state", "a.log"); code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	old := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	os.Chtimes("s.state", old, old)
	if code, out, errs := runCLI(t, "report", "-q", "-o", "r.html", "--state", "s.state"); code != 0 || out != "" {
		t.Fatalf("exit %d, stdout %q: %s", code, out, errs)
	}
	if fi, err := os.Stat("s.state"); err != nil || !fi.ModTime().Equal(old) {
		t.Errorf("the state was written again: %v", err)
	}
	if m, _ := filepath.Glob(".*.tmp-*"); len(m) > 0 {
		t.Errorf("temporary files left: %v", m)
	}
}
