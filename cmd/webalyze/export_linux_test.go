//go:build linux

package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	pq "github.com/parquet-go/parquet-go"

	"github.com/webalyze/webalyze/aggregate/parquet"
)

// readParquet reads back the rows of a file written by export.
func readParquet(t *testing.T, path string) []parquet.Row {
	t.Helper()
	rows, err := pq.ReadFile[parquet.Row](path)
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	return rows
}

// accounting parses the lines export and load print at the end.
func accounting(t *testing.T, out string) (c rowCounts) {
	t.Helper()
	var verb, rest string
	if _, err := fmt.Sscanf(out, "read %d lines: %d parsed, %d malformed, %d skipped, %d filtered\n%s %d rows %s",
		&c.Read, &c.Parsed, &c.Malformed, &c.Skipped, &c.Filtered, &verb, &c.Rows, &rest); err != nil {
		t.Fatalf("accounting %q: %v", out, err)
	}
	if c.Read != c.Parsed+c.Malformed+c.Skipped+c.Filtered {
		t.Errorf("accounting does not reconcile: %+v", c)
	}
	return c
}

// TestExportSamples writes every bundled sample (plain, gzip, IIS, with
// malformed lines) and reads the file back: as many rows as summary
// --json has requests, and the same status counts.
func TestExportSamples(t *testing.T) {
	samples, _ := filepath.Abs(sample)
	files, _ := filepath.Glob(filepath.Join(samples, "*.log*"))
	if len(files) < 4 {
		t.Fatalf("samples: %v", files)
	}
	for _, tc := range []struct {
		name  string
		extra []string
	}{
		{"all", nil},
		{"window", []string{"--since", "2024-03-05T14:00:00Z", "--until", "2024-03-05T16:00:00Z"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			out := filepath.Join(dir, "requests.parquet")
			args := append(append([]string{"export", "-o", out}, tc.extra...), files...)
			r := runBinary(t, dir, args...)
			code, want, _ := summary(t, append(append([]string{}, tc.extra...), files...)...)
			if r.code != code {
				t.Fatalf("export exit %d, summary %d\n%s", r.code, code, r.stderr)
			}
			c := accounting(t, r.stdout)
			if int64(c.Read) != want.Lines.Read || int64(c.Parsed) != want.Lines.Parsed || int64(c.Malformed) != want.Lines.Malformed ||
				int64(c.Skipped) != want.Lines.Skipped || int64(c.Filtered) != want.Lines.Filtered {
				t.Errorf("accounting %+v, summary %+v", c, want.Lines)
			}
			rows := readParquet(t, out)
			if int64(len(rows)) != want.Requests || c.Rows != uint64(len(rows)) {
				t.Errorf("%d rows read back, %d said, summary has %d requests", len(rows), c.Rows, want.Requests)
			}
			codes := map[string]int64{}
			for _, row := range rows {
				if row.Status != nil {
					codes[strconv.Itoa(int(*row.Status))]++
				}
			}
			if fmt.Sprint(codes) != fmt.Sprint(want.Status.Codes) {
				t.Errorf("status counts\n got %v\nwant %v", codes, want.Status.Codes)
			}
			if len(tc.extra) > 0 && (want.Lines.Filtered == 0 || want.Requests == 0) {
				t.Errorf("the window should both keep and filter lines: %+v", want.Lines)
			}
		})
	}
}

// TestExportUnreadable: an input that cannot be read is exit 2, and the
// output is not written (an earlier one stays as it was).
func TestExportUnreadable(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "requests.parquet")
	if err := os.WriteFile(out, []byte("earlier"), 0o644); err != nil {
		t.Fatal(err)
	}
	samples, _ := filepath.Abs(sample)
	r := runBinary(t, dir, "export", "-o", out, filepath.Join(samples, "nginx-access.log"), filepath.Join(dir, "missing.log"))
	if r.code != 2 {
		t.Fatalf("exit %d, want 2\n%s", r.code, r.stderr)
	}
	if b, _ := os.ReadFile(out); string(b) != "earlier" {
		t.Errorf("the output was replaced")
	}
	if m, _ := filepath.Glob(filepath.Join(dir, "*")); len(m) != 1 {
		t.Errorf("files left: %v", m)
	}
}
