package aggregate

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestIsTempName(t *testing.T) {
	tests := []struct {
		name string
		want bool
	}{
		{".x.html.tmp-1", true},
		{".x.html.tmp-4294967295", true},
		{".x.html.tmp-", false},
		{".x.html.tmp-12a", false},
		{".x.html.tmp-1.bak", false},
		{"x.html.tmp-1", false},
		{".y.html.tmp-1", false},
		{"..x.html.tmp-1", false},
		{".x.html.tmp-123456789012345678901", false},
	}
	for _, tt := range tests {
		if got := isTempName(tt.name, "x.html"); got != tt.want {
			t.Errorf("isTempName(%q) = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// TestPrepareAbort: until Commit the target is untouched, Abort leaves no
// temporary file, and errors name the target, not the temporary file.
func TestPrepareAbort(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "r.html")
	os.WriteFile(path, []byte("old"), 0o644)
	p, err := Prepare(path, 0o666, func(w io.Writer) error { _, err := io.WriteString(w, "new"); return err })
	if err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(path); string(data) != "old" {
		t.Errorf("before Commit: %q", data)
	}
	p.Abort()
	if m, _ := filepath.Glob(filepath.Join(dir, ".*")); len(m) != 0 {
		t.Errorf("after Abort: %v", m)
	}
	if err := p.Commit(); err == nil {
		t.Error("Commit after Abort succeeded")
	}
	if data, _ := os.ReadFile(path); string(data) != "old" {
		t.Errorf("after Abort: %q", data)
	}

	boom := errors.New("boom")
	if _, err := Prepare(path, 0o666, func(io.Writer) error { return boom }); err != boom {
		t.Errorf("a failing write: %v, want it as is", err)
	}
	_, err = Prepare(dir, 0o666, func(io.Writer) error { return nil })
	var pe *fs.PathError
	if !errors.As(err, &pe) || pe.Path != dir || strings.Contains(err.Error(), ".tmp-") {
		t.Errorf("Prepare of a directory: %v", err)
	}
	if m, _ := filepath.Glob(filepath.Join(dir, ".*")); len(m) != 0 {
		t.Errorf("temporary files left: %v", m)
	}
}
