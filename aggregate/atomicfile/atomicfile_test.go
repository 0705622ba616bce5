package atomicfile

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

// TestWriteFileCrash simulates a crash between writing the new content and
// renaming it over the old file: the old file must be intact, no
// temporary file left, and a later write must work.
func TestWriteFileCrash(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "w.state")
	put := func(s string) func(io.Writer) error {
		return func(w io.Writer) error { _, err := io.WriteString(w, s); return err }
	}
	if err := WriteFile(path, 0o600, put("old")); err != nil {
		t.Fatal(err)
	}
	crash := errors.New("simulated crash")
	defer func(f func(string) error) { beforeRename = f }(beforeRename)
	beforeRename = func(tmp string) error {
		if b, err := os.ReadFile(tmp); err != nil || string(b) != "new" {
			t.Errorf("the new content was not written before the rename: %q, %v", b, err)
		}
		return crash
	}
	if err := WriteFile(path, 0o600, put("new")); !errors.Is(err, crash) {
		t.Fatalf("WriteFile = %v, want the simulated crash", err)
	}
	if b, err := os.ReadFile(path); err != nil || string(b) != "old" {
		t.Fatalf("after the crash: %q, %v; want the old content", b, err)
	}
	if m, _ := filepath.Glob(filepath.Join(dir, ".*tmp*")); len(m) != 0 {
		t.Errorf("temporary files left: %v", m)
	}
	beforeRename = func(string) error { return nil }
	if err := WriteFile(path, 0o600, put("new")); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(path); err != nil || string(b) != "new" {
		t.Fatalf("after a good write: %q, %v; want the new content", b, err)
	}
}
