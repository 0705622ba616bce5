package report

import (
	"bytes"
	"flag"
	"io"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden with the current output")

var writers = []struct {
	ext   string
	write func(io.Writer, *Model) error
}{
	{"html", WriteHTML},
	{"json", WriteJSON},
	{"txt", WriteText},
	{"csv", WriteCSV},
	{"prom", WritePrometheus},
}

var goldenModels = []struct {
	name  string
	model func() *Model
}{
	{"sample", sampleModel},
	{"empty", func() *Model { return &Model{} }},
}

// checkGolden compares got with testdata/name, or rewrites that file with
// -update (and then returns false: nothing more to compare).
func checkGolden(t *testing.T, name string, got []byte) bool {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return false
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s; run go test -update and review the diff\n%s", path, firstDiff(got, want))
	}
	return true
}

func TestGolden(t *testing.T) {
	for _, gm := range goldenModels {
		for _, w := range writers {
			name := gm.name + "." + w.ext
			t.Run(name, func(t *testing.T) {
				var got bytes.Buffer
				if err := w.write(&got, gm.model()); err != nil {
					t.Fatal(err)
				}
				if !checkGolden(t, name+".golden", got.Bytes()) {
					return
				}
				// Same model, same bytes.
				var again bytes.Buffer
				if err := w.write(&again, gm.model()); err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got.Bytes(), again.Bytes()) {
					t.Errorf("%s: output is not deterministic", name)
				}
			})
		}
	}
}

// firstDiff describes the first line where got and want differ.
func firstDiff(got, want []byte) string {
	g, w := bytes.Split(got, []byte("\n")), bytes.Split(want, []byte("\n"))
	for i := range max(len(g), len(w)) {
		var gl, wl []byte
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if !bytes.Equal(gl, wl) {
			return "line " + itoa(i+1) + ":\n got: " + trunc(gl) + "\nwant: " + trunc(wl)
		}
	}
	return ""
}

func itoa(i int) string { return string(fmtInt(int64(i))) }

func trunc(b []byte) string {
	if len(b) > 300 {
		return string(b[:300]) + "…"
	}
	return string(b)
}
