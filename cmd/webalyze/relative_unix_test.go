//go:build unix

package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestRelativeToEndNonRegular: --relative-to end reads its inputs twice,
// so it refuses every input that is not a regular file, whatever its name:
// /dev/stdin on a pipe gave 0 lines with exit 0, a FIFO hung.
func TestRelativeToEndNonRegular(t *testing.T) {
	bin := buildWebalyze(t)
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	log := filepath.Join(dir, "a.log")
	writeLines(t, log, 0, 10)
	data, _ := os.ReadFile(log)
	for _, tt := range []struct {
		name  string
		input string
		stdin []byte
	}{
		{"stdin by name", "-", data},
		{"/dev/stdin on a pipe", "/dev/stdin", data},
		{"FIFO", fifo, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			// A bound on a run that would otherwise block on the FIFO
			// forever; the expected run ends at once.
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, bin, "summary", "--since", "-5m", "--relative-to", "end", tt.input)
			if tt.stdin != nil {
				cmd.Stdin = bytes.NewReader(tt.stdin) // a pipe
			}
			var errb bytes.Buffer
			cmd.Stderr = &errb
			err := cmd.Run()
			code := -1
			if ee, ok := err.(*exec.ExitError); ok {
				code = ee.ExitCode()
			} else if err == nil {
				code = 0
			}
			if ctx.Err() != nil {
				t.Fatalf("hung on %s", tt.input)
			}
			if code != 2 || !strings.Contains(errb.String(), "reads the inputs twice") {
				t.Errorf("exit %d, stderr %q; want 2 and a usage error", code, errb.String())
			}
		})
	}
	if code, d, errs := binSummary(t, bin, "--since", "-5m", "--relative-to", "end", log); code != 0 || d.Lines.Parsed != 5 {
		t.Errorf("regular file: exit %d, %d parsed: %s", code, d.Lines.Parsed, errs)
	}
}
