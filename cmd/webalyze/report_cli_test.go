package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/webalyze/webalyze/parser"
	"github.com/webalyze/webalyze/report"
)

// Negative counts are usage errors, not defaults or crashes.
func TestNegativeCountsAreUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"summary", "--top", "-1"}, {"summary", "--top", "0"}, {"report", "--top", "-1", "-o", "-"},
		{"summary", "--workers", "-1"}, {"check", "--max", "5xx=1%", "--workers", "-2"},
		{"summary", "--max-line", "0"}, {"summary", "--top-capacity", "-1"}, {"timeline", "--top", "-1"},
	} {
		code, _, errs := runCLI(t, append(args, sample+"nginx-access.log")...)
		if code != exitUsage || !strings.Contains(errs, "--") {
			t.Errorf("%v: exit %d, stderr %q; want a usage error (2)", args, code, errs)
		}
	}
}

// Help and the unknown-format error list every named format of the
// parser's registry.
func TestFormatNamesFromRegistry(t *testing.T) {
	_, help, _ := runCLI(t, "summary", "--help")
	code, _, errs := runCLI(t, "summary", "-f", "nosuchformat", sample+"nginx-access.log")
	if code != exitUsage {
		t.Fatalf("unknown format: exit %d", code)
	}
	help = strings.Join(strings.Fields(help), " ")
	for _, nf := range parser.NamedFormats() {
		if !strings.Contains(help, nf.Name+",") && !strings.Contains(help, nf.Name+")") {
			t.Errorf("-f help does not name %s", nf.Name)
		}
		if !strings.Contains(errs, nf.Name) {
			t.Errorf("unknown-format error does not name %s: %s", nf.Name, errs)
		}
	}
}

// The parse command takes the flags it uses and not the aggregation ones.
func TestParseFlags(t *testing.T) {
	_, help, _ := runCLI(t, "parse", "--help")
	for _, flag := range []string{"--top-capacity", "--workers", "--max-malformed", "--site", "--distinct-capacity"} {
		if strings.Contains(help, flag) {
			t.Errorf("parse --help lists %s, which parse does not use", flag)
		}
	}
	// --site shapes the referrer list, which only summary and report show.
	for _, cmd := range []string{"check", "timeline"} {
		if _, help, _ := runCLI(t, cmd, "--help"); strings.Contains(help, "--site") {
			t.Errorf("%s --help lists --site", cmd)
		}
	}
	if !strings.Contains(help, "--log-format") || !strings.Contains(help, "--limit") {
		t.Error("parse --help lacks its own flags")
	}
}

// A file given twice is read once, with a warning.
func TestDuplicateInputReadOnce(t *testing.T) {
	f := sample + "nginx-access.log"
	_, once, _ := summary(t, f)
	dir := t.TempDir()
	link := filepath.Join(dir, "link.log")
	abs, _ := filepath.Abs(f)
	if err := os.Symlink(abs, link); err != nil {
		t.Skip(err)
	}
	code, twice, errs := summary(t, f, f, link)
	if code != 0 || twice.Requests != once.Requests || twice.Lines.Read != once.Lines.Read {
		t.Errorf("exit %d, %d requests; want %d, read once", code, twice.Requests, once.Requests)
	}
	if strings.Count(errs, "given more than once: read once") != 2 {
		t.Errorf("stderr %q: want two warnings", errs)
	}
}

// With no file and standard input on a terminal, webalyze says it reads
// standard input instead of waiting in silence.
func TestStdinTerminalAnnounced(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	w.Close()
	old, oldTerm := os.Stdin, stdinTerminal
	os.Stdin, stdinTerminal = r, func() bool { return true }
	t.Cleanup(func() { os.Stdin, stdinTerminal = old, oldTerm; r.Close() })
	code, _, errs := runCLI(t, "summary")
	if code != 0 || !strings.Contains(errs, "reading standard input (Ctrl-D to end") {
		t.Errorf("exit %d, stderr %q", code, errs)
	}
	stdinTerminal = func() bool { return false }
	if _, _, errs := runCLI(t, "summary"); strings.Contains(errs, "reading standard input") {
		t.Errorf("announced stdin from a pipe: %q", errs)
	}
}

// --site makes the site's own pages internal referrers on a log without
// a virtual host.
func TestSiteReferrers(t *testing.T) {
	dir := t.TempDir()
	log := filepath.Join(dir, "access.log")
	lines := `1.2.3.4 - - [05/Mar/2024:10:00:00 +0000] "GET /a HTTP/1.1" 200 10 "https://www.example.org/" "x"
1.2.3.4 - - [05/Mar/2024:10:00:01 +0000] "GET /b HTTP/1.1" 200 10 "https://www.example.org/a" "x"
1.2.3.4 - - [05/Mar/2024:10:00:02 +0000] "GET /c HTTP/1.1" 200 10 "https://search.example/?q=a" "x"
`
	if err := os.WriteFile(log, []byte(lines), 0o644); err != nil {
		t.Fatal(err)
	}
	referrers := func(args ...string) []string {
		_, out, errs := runCLI(t, append([]string{"summary", "--json"}, append(args, log)...)...)
		var d struct {
			Referrers struct{ Rows []struct{ Key string } } `json:"referrers"`
		}
		if err := json.Unmarshal([]byte(out), &d); err != nil {
			t.Fatalf("%v: %s", err, errs)
		}
		var keys []string
		for _, r := range d.Referrers.Rows {
			keys = append(keys, r.Key)
		}
		return keys
	}
	if got := referrers(); len(got) != 3 {
		t.Errorf("without --site: %q, want all 3", got)
	}
	if got := referrers("--site", "WWW.example.org", "--site", "example.org"); !slices.Equal(got, []string{"https://search.example/?q=a"}) {
		t.Errorf("with --site: %q, want the search engine only", got)
	}
}

// --csv-dir writes one tidy CSV per table, whose columns are the JSON
// model's keys.
func TestCSVDir(t *testing.T) {
	fixStamp(t)
	dir := filepath.Join(t.TempDir(), "tables")
	files := []string{sample + "nginx-access.log", sample + "iis-u_ex240304.log"}
	code, _, errs := runCLI(t, append([]string{"report", "-q", "-o", filepath.Join(t.TempDir(), "r.json"), "--csv-dir", dir}, files...)...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	_, js, _ := runCLI(t, append([]string{"summary", "--json"}, files...)...)
	var doc map[string]json.RawMessage
	if err := json.Unmarshal([]byte(js), &doc); err != nil {
		t.Fatal(err)
	}
	for _, name := range report.CSVTableNames() {
		b, err := os.ReadFile(filepath.Join(dir, name+".csv"))
		if err != nil {
			t.Errorf("table %s: %v", name, err)
			continue
		}
		recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
		if err != nil {
			t.Errorf("%s.csv: %v", name, err)
			continue
		}
		if len(recs) == 0 || recs[0][0] == "table" {
			t.Errorf("%s.csv does not start with its column names: %q", name, recs)
			continue
		}
		if slices.Contains(recs[0], "hits") {
			t.Errorf("%s.csv has a hits column; the JSON says requests", name)
		}
		// The columns of flat tables are the keys of the JSON rows (time
		// tables flatten each bucket's classes into columns).
		var rows []map[string]json.RawMessage
		flat := []string{"classes", "codes", "sub_codes", "win32", "latency"}
		if raw, ok := doc[name]; ok && slices.Contains(flat, name) && json.Unmarshal(raw, &rows) == nil && len(rows) > 0 {
			for _, col := range recs[0] {
				if _, ok := rows[0][col]; !ok {
					t.Errorf("%s.csv column %q is not a key of the JSON %s rows", name, col, name)
				}
			}
		}
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "codes.csv")); !bytes.HasPrefix(b, []byte("code,reason,class,source,known,cacheable,requests,share,bytes\n")) {
		t.Errorf("codes.csv header: %.80q", b)
	}
}

// The progress line covers the whole run: which input of how many, the
// share of all input read and the time left.
func TestProgressWholeRun(t *testing.T) {
	var buf bytes.Buffer
	clock := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	now := func() time.Time { return clock }
	p := newProgressTo(&buf, []string{"a.log", "b.log", "c.log"}, now, []int64{100, 100, 200})
	clock = clock.Add(2 * time.Second)
	p.update("a.log", 100, 100)
	clock = clock.Add(2 * time.Second)
	p.update("b.log", 100, 100)
	last := buf.String()[strings.LastIndex(buf.String(), "\r"):]
	for _, want := range []string{"file 2 of 3", "b.log", "50% of all input", "about 4s left"} {
		if !strings.Contains(last, want) {
			t.Errorf("progress %q lacks %q", last, want)
		}
	}
	// Without known sizes (standard input), no share of the whole.
	buf.Reset()
	p = newProgressTo(&buf, []string{"-"}, now, nil)
	clock = clock.Add(2 * time.Second)
	p.update("-", 100, -1)
	if strings.Contains(buf.String(), "% of all") || !strings.Contains(buf.String(), "read") {
		t.Errorf("stdin progress %q", buf.String())
	}
}

// An IIS log without sc-bytes says bytes are not logged, end to end.
func TestIISWithoutBytes(t *testing.T) {
	log := filepath.Join(t.TempDir(), "u_ex.log")
	text := "#Fields: date time c-ip cs-method cs-uri-stem sc-status sc-substatus sc-win32-status\r\n" +
		"2024-03-04 00:10:45 10.0.0.1 GET / 200 0 0\r\n2024-03-04 00:10:46 10.0.0.1 GET /x 304 0 12002\r\n"
	if err := os.WriteFile(log, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs := runCLI(t, "summary", log)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.Contains(out, "bytes not logged") || strings.Contains(out, "0 B") {
		t.Errorf("summary:\n%s", out)
	}
	for _, want := range []string{"200.0       OK (no sub-status)", "304.0       Not Modified (no sub-status)"} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
}
