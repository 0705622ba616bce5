package main

import (
	"os"
	"os/exec"
	"testing"
)

// TestCrossBuild builds the whole module, bench tools included, for the
// systems the release targets besides this one: system-specific code
// (file identity, state locks, resource usage) must live in _unix.go /
// _windows.go files.
func TestCrossBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("cross-compiles the module")
	}
	for _, goos := range []string{"windows", "darwin", "linux"} {
		t.Run(goos, func(t *testing.T) {
			cmd := exec.Command("go", "build", "-tags", "benchtools", "./...")
			cmd.Dir = "../.."
			cmd.Env = append(os.Environ(), "GOOS="+goos, "GOARCH=amd64", "CGO_ENABLED=0")
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Errorf("GOOS=%s go build -tags benchtools ./...: %v\n%s", goos, err, out)
			}
		})
	}
}
