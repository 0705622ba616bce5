package aggregate

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/webalyze/webalyze/parser"
)

// TestSaveFile saves over an older state and loads the new one; a state
// of an unknown schema version is refused. (What a crash during the save
// leaves is atomicfile's TestWriteFileCrash.)
func TestSaveFile(t *testing.T) {
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
