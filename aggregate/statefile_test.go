package aggregate

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/webalyze/webalyze/parser"
)

// TestSaveFileCrash simulates a crash between writing the new state and
// renaming it over the old one: the old state must load intact, and a
// later save must work.
func TestSaveFileCrash(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "w.state")
	if st, err := LoadFile(path); st != nil || err != nil {
		t.Fatalf("LoadFile of a missing file = %v, %v; want nil, nil", st, err)
	}
	old := New(Options{})
	var rec parser.Record
	rec.Status, rec.HasStatus = 200, true
	old.Add(&rec)
	if err := SaveFile(path, old); err != nil {
		t.Fatal(err)
	}

	newer := New(Options{})
	for range 5 {
		newer.Add(&rec)
	}
	crash := errors.New("simulated crash")
	defer func(f func(string) error) { beforeRename = f }(beforeRename)
	beforeRename = func(tmp string) error {
		if _, err := os.Stat(tmp); err != nil {
			t.Errorf("the new state was not written before the rename: %v", err)
		}
		return crash
	}
	if err := SaveFile(path, newer); !errors.Is(err, crash) {
		t.Fatalf("SaveFile = %v, want the simulated crash", err)
	}
	got, err := LoadFile(path)
	if err != nil || got == nil || got.Requests != 1 {
		t.Fatalf("after the crash: %v, %v; want the old state with 1 request", got, err)
	}
	if m, _ := filepath.Glob(filepath.Join(dir, ".*tmp*")); len(m) != 0 {
		t.Errorf("temporary files left: %v", m)
	}

	beforeRename = func(string) error { return nil }
	if err := SaveFile(path, newer); err != nil {
		t.Fatal(err)
	}
	if got, err := LoadFile(path); err != nil || got.Requests != 5 {
		t.Fatalf("after a good save: %v requests, %v; want 5", got.Requests, err)
	}
	os.WriteFile(path, []byte("WBLZSTAT\x00\x00\x00\x09garbage"), 0o600)
	if _, err := LoadFile(path); err == nil {
		t.Error("a state of schema version 9 loaded without error")
	}
}
