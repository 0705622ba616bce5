package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runCLI runs the command line and returns its exit status and output.
func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, &out, &errb)
	return code, out.String(), errb.String()
}

// summaryDoc is the part of the JSON model the tests read.
type summaryDoc struct {
	Schema int `json:"schema"`
	Lines  struct {
		Read, Parsed, Malformed, Skipped, Filtered int64
	} `json:"lines"`
	MalformedReasons map[string]int64 `json:"malformed_reasons"`
	Requests         int64            `json:"requests"`
	Bytes            int64            `json:"bytes"`
	Status           struct {
		Classes  map[string]int64 `json:"classes"`
		Codes    map[string]int64 `json:"codes"`
		Subcodes map[string]int64 `json:"subcodes"`
	} `json:"status"`
	Formats map[string]string `json:"formats"`
}

func summary(t *testing.T, args ...string) (int, summaryDoc, string) {
	t.Helper()
	code, out, errs := runCLI(t, append([]string{"summary", "--json"}, args...)...)
	var d summaryDoc
	if code == 0 || code == 3 {
		if err := json.Unmarshal([]byte(out), &d); err != nil {
			t.Fatalf("summary --json: %v\n%s\nstderr: %s", err, out, errs)
		}
		l := d.Lines
		if l.Read != l.Parsed+l.Malformed+l.Skipped+l.Filtered {
			t.Errorf("lines do not reconcile: %+v", l)
		}
		var sum int64
		for _, n := range d.Status.Codes {
			sum += n
		}
		if sum > l.Parsed {
			t.Errorf("codes sum to %d, parsed %d", sum, l.Parsed)
		}
	}
	return code, d, errs
}

const sample = "../../testdata/samples/"

func TestSummarySamples(t *testing.T) {
	code, d, errs := summary(t, sample+"nginx-access.log", sample+"apache-vhost.log", sample+"iis-u_ex240304.log", sample+"nginx-access.log.1.gz")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if d.Schema < 1 {
		t.Errorf("schema %d", d.Schema)
	}
	want := map[string]string{
		sample + "nginx-access.log":      "combined",
		sample + "apache-vhost.log":      "vcombined",
		sample + "iis-u_ex240304.log":    "iis",
		sample + "nginx-access.log.1.gz": "combined",
	}
	for f, name := range want {
		if d.Formats[f] != name {
			t.Errorf("format of %s = %q, want %q", f, d.Formats[f], name)
		}
	}
	if d.Status.Codes["499"] == 0 || d.Status.Codes["502"] == 0 {
		t.Errorf("the incident's 499 and 502 are missing: %v", d.Status.Codes)
	}
	if len(d.Status.Subcodes) == 0 {
		t.Errorf("no IIS sub-status counted")
	}
}

func TestExitStatus(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.log")
	writeLines(t, good, 0, 10)
	bad := filepath.Join(dir, "bad.log")
	os.WriteFile(bad, []byte(strings.Repeat("garbage\n", 10)), 0o644)
	trunc := filepath.Join(dir, "trunc.log.gz")
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(bytes.Repeat([]byte(logLine(0, 200)+"\n"), 2000))
	zw.Close()
	os.WriteFile(trunc, gz.Bytes()[:gz.Len()/2], 0o644)

	tests := []struct {
		name string
		args []string
		want int
	}{
		{"ok", []string{"summary", good}, 0},
		{"missing file", []string{"summary", filepath.Join(dir, "nope.log")}, 2},
		{"bad flag", []string{"summary", "--bogus", good}, 2},
		{"bad format", []string{"summary", "-f", "xml:x", good}, 2},
		{"too many malformed", []string{"summary", "-f", "combined", bad}, 3},
		{"malformed under the limit", []string{"summary", "-f", "combined", "--max-malformed", "10", bad}, 0},
		{"truncated gzip", []string{"summary", trunc}, 3},
		{"check holds", []string{"check", "--max", "5xx=1%", good}, 0},
		{"check breached", []string{"check", "--max", "2xx=5", good}, 1},
		{"check bad threshold", []string{"check", "--max", "7xx=1", good}, 2},
		{"check sub with window, no sub-statuses", []string{"check", "--max", "404.2=0", "--window", "5m", good}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errs := runCLI(t, tt.args...)
			if code != tt.want {
				t.Errorf("%v: exit %d, want %d; stderr: %s", tt.args, code, tt.want, errs)
			}
		})
	}
}

// logLine is a combined line at minute m of 2024-03-05 14:00 UTC.
func logLine(m, status int) string {
	return "10.0.0." + itoa(m%250) + ` - - [05/Mar/2024:14:` + pad2(m%60) + `:00 +0000] "GET /p` + itoa(m) + ` HTTP/1.1" ` + itoa(status) + ` 100 "-" "ua"`
}

func writeLines(t *testing.T, path string, from, to int) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	for m := from; m < to; m++ {
		f.WriteString(logLine(m, 200) + "\n")
	}
	f.Close()
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}

func pad2(n int) string {
	s := itoa(n)
	if len(s) < 2 {
		s = "0" + s
	}
	return s
}

func TestWindow(t *testing.T) {
	dir := t.TempDir()
	log := filepath.Join(dir, "a.log")
	writeLines(t, log, 0, 30) // 14:00 .. 14:29
	tests := []struct {
		args           []string
		parsed, filter int64
	}{
		{[]string{"--since", "2024-03-05T14:10:00Z", "--until", "2024-03-05T14:20:00Z"}, 10, 20},
		{[]string{"--since", "2024-03-05 15:10", "--tz", "Europe/Paris"}, 20, 10},
		{[]string{"--since", "-5m", "--relative-to", "end"}, 5, 25},
		{[]string{"--until", "2024-03-05"}, 0, 30},
	}
	for _, tt := range tests {
		code, d, errs := summary(t, append(tt.args, log)...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", tt.args, code, errs)
		}
		if d.Lines.Parsed != tt.parsed || d.Lines.Filtered != tt.filter {
			t.Errorf("%v: parsed %d filtered %d, want %d and %d", tt.args, d.Lines.Parsed, d.Lines.Filtered, tt.parsed, tt.filter)
		}
	}
}

// TestStateSequence drives a cron-like sequence: append, rerun with
// nothing new, rotation (rename and compress), copytruncate; the state
// must count every line once.
func TestStateSequence(t *testing.T) {
	dir := t.TempDir()
	log := filepath.Join(dir, "access.log")
	state := filepath.Join(dir, "w.state")
	step := func(name string, wantRequests int64, files ...string) {
		t.Helper()
		code, d, errs := summary(t, append([]string{"--state", state}, files...)...)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", name, code, errs)
		}
		if d.Requests != wantRequests {
			t.Errorf("%s: %d requests, want %d", name, d.Requests, wantRequests)
		}
	}
	writeLines(t, log, 0, 10)
	step("first run", 10, log)
	step("nothing new", 10, log)
	writeLines(t, log, 10, 15)
	step("appended", 15, log)

	// Rotation: access.log → access.log.1 (not read again), new access.log.
	os.Rename(log, log+".1")
	writeLines(t, log, 15, 18)
	step("rotated", 18, log, log+".1")

	// Compressed rotation: access.log.1 → access.log.2.gz.
	raw, _ := os.ReadFile(log + ".1")
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(raw)
	zw.Close()
	os.WriteFile(log+".2.gz", gz.Bytes(), 0o644)
	os.Remove(log + ".1")
	step("compressed rotation", 18, log, log+".2.gz")

	// copytruncate: the file is emptied in place and written again.
	os.Truncate(log, 0)
	writeLines(t, log, 30, 32)
	step("copytruncate", 20, log)

	// From the state alone.
	step("state only", 20)
}

func TestMergeEqualsWhole(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.log"), filepath.Join(dir, "b.log")
	writeLines(t, a, 0, 20)
	writeLines(t, b, 20, 45)
	sa, sb, all := filepath.Join(dir, "a.state"), filepath.Join(dir, "b.state"), filepath.Join(dir, "all.state")
	for _, c := range [][]string{{"--state", sa, a}, {"--state", sb, b}} {
		if code, _, errs := summary(t, c...); code != 0 {
			t.Fatalf("%v: %d %s", c, code, errs)
		}
	}
	if code, _, errs := runCLI(t, "merge", "-o", all, sa, sb); code != 0 {
		t.Fatalf("merge: %d %s", code, errs)
	}
	_, merged, _ := runCLI(t, "summary", "--json", "--state", all)
	_, whole, _ := runCLI(t, "summary", "--json", a, b)
	// The formats map names files either way; the rest must be identical.
	if strip(merged) != strip(whole) {
		t.Errorf("merged summary differs from the whole:\n%s\n---\n%s", merged, whole)
	}
	os.WriteFile(filepath.Join(dir, "junk.state"), []byte("not a state"), 0o644)
	if code, _, _ := runCLI(t, "merge", "-o", all, sa, filepath.Join(dir, "junk.state")); code != 2 {
		t.Errorf("merge of a non-state: exit %d, want 2", code)
	}
}

func strip(js string) string {
	var m map[string]any
	json.Unmarshal([]byte(js), &m)
	delete(m, "formats")
	delete(m, "generator") // its time is the second each run was made
	out, _ := json.Marshal(m)
	return string(out)
}

func TestTimeline(t *testing.T) {
	dir := t.TempDir()
	log := filepath.Join(dir, "a.log")
	f, _ := os.Create(log)
	for m := 0; m < 20; m++ {
		status := 200
		n := 10
		if m == 15 {
			n = 40
		}
		for i := 0; i < n; i++ {
			if m == 15 && i < 30 {
				status = 502
			} else {
				status = 200
			}
			f.WriteString(logLine(m, status) + "\n")
		}
	}
	f.Close()
	code, out, errs := runCLI(t, "timeline", "--json", log)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var doc timelineDoc
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Steps) != 20 {
		t.Fatalf("%d steps, want 20", len(doc.Steps))
	}
	for i, s := range doc.Steps {
		if (s.Incident == 1) != (i == 15) {
			t.Errorf("step %d (%s): incident %d", i, s.Start, s.Incident)
		}
	}
	if len(doc.Incidents) != 1 || doc.Incidents[0].Start != "2024-03-05T14:15:00Z" || doc.Incidents[0].Errors != 30 {
		t.Errorf("incidents = %+v", doc.Incidents)
	}
	if doc.Steps[15].Rate5xx != 0.75 {
		t.Errorf("5xx rate at 14:15 = %v, want 0.75", doc.Steps[15].Rate5xx)
	}
	code, out, _ = runCLI(t, "check", "--max", "5xx=50%", "--window", "1m", "--min-requests", "1", log)
	if code != 1 || !strings.Contains(out, "14:15") {
		t.Errorf("windowed check: exit %d, output %q", code, out)
	}
}

func TestDrillAllCodes(t *testing.T) {
	dir := t.TempDir()
	log := filepath.Join(dir, "a.log")
	f, _ := os.Create(log)
	for m := range 10 {
		f.WriteString(logLine(m, []int{200, 404}[m%2]) + "\n")
	}
	f.Close()
	for _, tt := range []struct {
		flag  []string
		codes string
	}{{nil, "404"}, {[]string{"--drill-all-codes"}, "200 404"}} {
		_, out, errs := runCLI(t, append(append([]string{"summary", "--json"}, tt.flag...), log)...)
		var doc struct {
			Drill []struct{ Code string } `json:"drill_down"`
		}
		if err := json.Unmarshal([]byte(out), &doc); err != nil {
			t.Fatal(err, errs)
		}
		var got []string
		for _, d := range doc.Drill {
			got = append(got, d.Code)
		}
		if strings.Join(got, " ") != tt.codes {
			t.Errorf("%v: drill-downs for %v, want %s", tt.flag, got, tt.codes)
		}
	}
}
