//go:build linux

package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
)

var (
	spanBinOnce sync.Once
	spanBin     string
	spanBinErr  error
)

// builtBinary builds webalyze once per test run, for tests that need a
// process of their own (a memory ceiling).
func builtBinary(t *testing.T) string {
	t.Helper()
	spanBinOnce.Do(func() {
		dir, err := os.MkdirTemp("", "webalyze-bin-")
		if err != nil {
			spanBinErr = err
			return
		}
		spanBin = filepath.Join(dir, "webalyze")
		out, err := exec.Command("go", "build", "-o", spanBin, ".").CombinedOutput()
		if err != nil {
			spanBinErr = &exec.Error{Name: "go build: " + string(out), Err: err}
		}
	})
	if spanBinErr != nil {
		t.Skip("cannot build the binary:", spanBinErr)
	}
	return spanBin
}

// runLimited runs the binary with args under an address-space limit of
// limitMB and returns its exit status, stderr and peak resident memory in
// MB.
func runLimited(t *testing.T, limitMB int, args ...string) (int, string, int64) {
	t.Helper()
	bin := builtBinary(t)
	cmd := exec.Command("sh", append([]string{"-c", `ulimit -v ` + itoa(limitMB*1024) + ` && exec "$0" "$@"`, bin}, args...)...)
	var errb strings.Builder
	cmd.Stderr = &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	return code, errb.String(), ru.Maxrss / 1024
}

// TestFarTimestampsBoundedMemory: a line dated far from the others (year
// 1, 1970, 9999) used to make every time series dense over the whole
// span (1970..2024 took 4.3 GB for two lines, year 1 was killed). Every
// output, and a state holding such a span, must run in little memory.
func TestFarTimestampsBoundedMemory(t *testing.T) {
	const limitMB, peakMB = 4096, 200
	dir := t.TempDir()
	line := func(date string, status int) string {
		return `127.0.0.1 - - [` + date + ` +0000] "GET / HTTP/1.1" ` + itoa(status) + ` 5 "-" "x"` + "\n"
	}
	for _, far := range []string{"01/Jan/0001:00:00:00", "01/Jan/1970:00:00:00", "31/Dec/9999:23:59:00"} {
		name := strings.ReplaceAll(far[:11], "/", "-")
		t.Run(name, func(t *testing.T) {
			log := filepath.Join(dir, name+".log")
			os.WriteFile(log, []byte(line(far, 200)+line("05/Mar/2024:10:00:00", 500)), 0o644)
			state := filepath.Join(dir, name+".state")
			out := filepath.Join(dir, name)
			runs := [][]string{
				{"summary", log},
				{"summary", "--json", log},
				{"report", "-o", out + ".html", log},
				{"report", "-o", out + ".json", log},
				{"report", "-o", out + ".csv", log},
				{"timeline", log},
				{"timeline", "--step", "1h", "--json", log},
				{"check", "--max", "5xx=1%", "--window", "5m", log},
				{"check", "--max", "5xx=1%", log},
				// The state holds the span: later runs read it.
				{"summary", "--state", state, log},
				{"summary", "--state", state},
				{"report", "--state", state, "-o", out + "-state.html"},
				{"report", "--state", state, "-o", out + "-state.json"},
				{"timeline", "--state", state},
				{"check", "--state", state, "--max", "5xx=1%", "--window", "5m"},
			}
			for _, args := range runs {
				code, errs, peak := runLimited(t, limitMB, args...)
				if code != 0 && !(args[0] == "check" && code == exitBreached) {
					t.Errorf("%v: exit %d: %.300s", args, code, errs)
				}
				if peak > peakMB {
					t.Errorf("%v: peak %d MB, want at most %d", args, peak, peakMB)
				}
			}
			// The span is not hidden: the report names both ends.
			js, _ := os.ReadFile(out + ".json")
			if !strings.Contains(string(js), `"timeline_step"`) || !strings.Contains(string(js), `"start": "`+map[string]string{"01-Jan-0001": "0001", "01-Jan-1970": "1970", "31-Dec-9999": "2024"}[name]) {
				t.Errorf("JSON period: %.400s", js)
			}
		})
	}
}

// TestCheckStateClearsBinary is TestCheckStateClears through the built
// binary, as cron runs it: an outage, then healthy minutes appended
// between runs, until the alarm clears.
func TestCheckStateClearsBinary(t *testing.T) {
	dir := t.TempDir()
	log := filepath.Join(dir, "access.log")
	state := filepath.Join(dir, "check.state")
	bin := builtBinary(t)
	run := func(wantCode int, wantOut string) {
		t.Helper()
		cmd := exec.Command(bin, "-q", "check", "--state", state, "--window", "5m", "--max", "5xx=10%", log)
		out, err := cmd.Output()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		if code != wantCode || !strings.Contains(string(out), wantOut) || (wantOut == "" && len(out) != 0) {
			t.Errorf("exit %d (want %d), stdout %q (want %q)", code, wantCode, out, wantOut)
		}
	}
	appendMinutes(t, log, 0, 30, 40, 0)
	appendMinutes(t, log, 30, 36, 40, 30)
	run(exitBreached, "BREACHED 5xx")
	appendMinutes(t, log, 36, 41, 40, 0)
	run(exitBreached, "14:32 – 14:37")
	appendMinutes(t, log, 41, 46, 40, 0)
	run(0, "")
	run(0, "")
}
