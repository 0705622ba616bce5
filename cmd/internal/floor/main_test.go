//go:build benchtools

package main

import (
	"os"
	"path/filepath"
	"testing"
)

func TestScan(t *testing.T) {
	dir := t.TempDir()
	clf := filepath.Join(dir, "a.log")
	os.WriteFile(clf, []byte(`h - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.1" 200 1 "-" "ua"`+"\n"+
		`h - - [10/Oct/2000:13:55:36 -0700] "GET /x HTTP/1.1" 404 1`+"\ngarbage\n"), 0o644)
	w3c := filepath.Join(dir, "u.log")
	os.WriteFile(w3c, []byte("#Fields: date time sc-status\n2024-03-05 14:00:00 503\n#Fields: sc-status date time\n302 2024-03-05 14:00:00"), 0o644)
	tests := []struct {
		file                 string
		lines, statuses, sum int64
	}{
		{clf, 3, 2, 604},
		{w3c, 4, 2, 805},
	}
	for _, tt := range tests {
		l, s, sum, err := scan(tt.file)
		if err != nil || l != tt.lines || s != tt.statuses || sum != tt.sum {
			t.Errorf("scan(%s) = %d %d %d %v, want %d %d %d", tt.file, l, s, sum, err, tt.lines, tt.statuses, tt.sum)
		}
	}
	// The parsing floor finds the same statuses with webalyze's parsers.
	for _, tt := range []struct {
		file, format string
		workers      int
	}{{clf, "combined", 1}, {clf, "combined", 3}, {w3c, "iis", 2}} {
		want := tests[0]
		if tt.file == w3c {
			want = tests[1]
		}
		l, s, sum, err := parseAll(tt.file, tt.format, tt.workers)
		if err != nil || l != want.lines || s != want.statuses || sum != want.sum {
			t.Errorf("parseAll(%s, %s, %d) = %d %d %d %v, want %d %d %d", tt.file, tt.format, tt.workers, l, s, sum, err, want.lines, want.statuses, want.sum)
		}
	}
	if _, _, _, err := parseAll(clf, "xml:x", 1); err == nil {
		t.Error("parseAll with a bad format: no error")
	}
}
