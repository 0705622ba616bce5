package main

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestAutoDerivedFormat reads a combined log with two fields after the
// agent (nginx's "$http_x_forwarded_for" $request_time), a line without
// them and a line of another shape, with --log-format auto: the JSON's
// formats and -v name the derived format as an -f value, every line is
// counted, and -f with that value gives the same document.
func TestAutoDerivedFormat(t *testing.T) {
	path := filepath.Join(t.TempDir(), "timed.log")
	var b strings.Builder
	for m := range 6 {
		b.WriteString(logLine(m, 200+m%2*302) + ` "-" 0.05` + itoa(m) + "\n")
	}
	b.WriteString(logLine(7, 200) + "\n")
	b.WriteString("[Tue Mar 05 14:08:00 2024] [error] not an access line\n")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	const want = `apache:%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i" "%{extra1}e" %{extra2}e`

	code, d, errs := summary(t, "-v", "--max-malformed", "50%", path)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if d.Formats[path] != want {
		t.Errorf("formats[%s] = %q, want %q", path, d.Formats[path], want)
	}
	note := path + `: format combined + 2 trailing fields, derived (parsed 6 of the first 8 lines); to use it as is: -f '` + want + `'`
	if !strings.Contains(errs, note) {
		t.Errorf("-v says:\n%s\nwant a line\n%s", errs, note)
	}
	if l := d.Lines; l.Read != 8 || l.Parsed != 6 || l.Malformed != 2 {
		t.Errorf("lines %+v, want 8 read, 6 parsed, 2 malformed", l)
	}
	wantReasons := map[string]int64{"missing_fields": 1, "literal_mismatch": 1}
	if !reflect.DeepEqual(d.MalformedReasons, wantReasons) {
		t.Errorf("malformed_reasons %v, want %v", d.MalformedReasons, wantReasons)
	}
	if d.Status.Codes["200"] != 3 || d.Status.Codes["502"] != 3 {
		t.Errorf("codes %v, want 200: 3, 502: 3", d.Status.Codes)
	}

	code, again, errs := summary(t, "--max-malformed", "50%", "-f", want, path)
	if code != 0 {
		t.Fatalf("-f %q: exit %d: %s", want, code, errs)
	}
	if !reflect.DeepEqual(again, d) {
		t.Errorf("-f %q gives\n%+v\nwant\n%+v", want, again, d)
	}
}
