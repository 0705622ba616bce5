package main

import (
	"os"
	"os/exec"
	"testing"
)

// TestCrossBuild builds the whole module for the systems the release
// targets besides this one: system-specific code (file identity, state
// locks) must live in _unix.go / _windows.go files.
func TestCrossBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("cross-compiles the module")
	}
	for _, goos := range []string{"windows", "darwin", "linux"} {
		t.Run(goos, func(t *testing.T) {
			cmd := exec.Command("go", "build", "./...")
			cmd.Dir = "../.."
			cmd.Env = append(os.Environ(), "GOOS="+goos, "GOARCH=amd64", "CGO_ENABLED=0")
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Errorf("GOOS=%s go build ./...: %v\n%s", goos, err, out)
			}
		})
	}
}
