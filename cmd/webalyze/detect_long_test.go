package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDetectAfterLongFirstLine: a first line of 64 KiB or more (under
// --max-line) made auto-detection fail for the whole file; the lines that
// fit decide the format, and the long line is read with it.
func TestDetectAfterLongFirstLine(t *testing.T) {
	dir := t.TempDir()
	for _, size := range []int{20 << 10, 64 << 10, 70_000, 200 << 10} {
		log := filepath.Join(dir, "a.log")
		long := strings.Replace(logLine(0, 200), "GET /p0", "GET /"+strings.Repeat("x", size), 1)
		var b strings.Builder
		b.WriteString(long + "\n")
		for m := 1; m <= 20; m++ {
			b.WriteString(logLine(m, 200) + "\n")
		}
		os.WriteFile(log, []byte(b.String()), 0o644)
		code, d, errs := summary(t, log)
		if code != 0 || d.Formats[log] != "combined" || d.Lines.Parsed != 21 {
			t.Errorf("first line of %d bytes: exit %d, format %q, %d parsed of %d; want combined, 21: %s",
				len(long), code, d.Formats[log], d.Lines.Parsed, d.Lines.Read, errs)
		}
	}
}
