package main

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden with the current output")

// TestSummaryGolden pins `summary --json` and the text summary of the
// bundled samples: the JSON contract scripts depend on.
func TestSummaryGolden(t *testing.T) {
	fixStamp(t)
	files := []string{sample + "nginx-access.log", sample + "nginx-access.log.1.gz", sample + "apache-vhost.log", sample + "iis-u_ex240304.log"}
	tests := []struct {
		golden string
		args   []string
	}{
		{"summary.json.golden", append([]string{"summary", "--json"}, files...)},
		{"summary.txt.golden", append([]string{"summary"}, files...)},
		{"summary-paris.json.golden", append([]string{"summary", "--json", "--tz", "Europe/Paris", "--since", "2024-03-05 14:55", "--until", "2024-03-05 15:20"}, files...)},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			code, out, errs := runCLI(t, tt.args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errs)
			}
			path := filepath.Join("testdata", tt.golden)
			if *update {
				os.MkdirAll("testdata", 0o755)
				if err := os.WriteFile(path, []byte(out), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if out != string(want) {
				t.Errorf("output differs from %s (go test -update rewrites it):\n%s", path, out)
			}
		})
	}
}

// fixStamp makes the version and time a report names fixed for the test.
func fixStamp(t *testing.T) {
	v, n := reportVersion, reportTime
	reportVersion = func() string { return "v0.0.0-test" }
	reportTime = func() time.Time { return time.Date(2026, 5, 4, 12, 0, 0, 0, time.UTC) }
	t.Cleanup(func() { reportVersion, reportTime = v, n })
}
