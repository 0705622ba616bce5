package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeIISSpike writes an IIS W3C log of 2024-03-04 10:00-10:29, ten
// requests a minute: 404.2 three times a minute in 10:20-10:24 and once in
// 10:02, 10:09 and 10:16 (18 in all, 6 % of 300), a 404.0 and a 500.19 every
// minute, one request a minute without sc-substatus, the rest 200.0.
func writeIISSpike(t *testing.T, path string) {
	t.Helper()
	var b strings.Builder
	b.WriteString("#Software: Microsoft Internet Information Services 10.0\n#Version: 1.0\n")
	b.WriteString("#Fields: date time c-ip cs-method cs-uri-stem sc-status sc-substatus sc-win32-status time-taken\n")
	for m := range 30 {
		for i := range 10 {
			status, sub := "200", "0"
			switch {
			case m >= 20 && m < 25 && i < 3, m%7 == 2 && i == 0:
				status, sub = "404", "2"
			case i == 9:
				status, sub = "404", "0"
			case i == 8:
				status, sub = "500", "19"
			case i == 7:
				sub = "-"
			}
			fmt.Fprintf(&b, "2024-03-04 10:%02d:%02d 10.0.0.%d GET /cgi-bin/app%d.exe %s %s 0 %d\n", m, i*5, i+1, i, status, sub, 10+i)
		}
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestCheckWindowSubCode(t *testing.T) {
	dir := t.TempDir()
	log := filepath.Join(dir, "u_ex240304.log")
	writeIISSpike(t, log)
	tests := []struct {
		name string
		args []string
		code int
		out  string // in stdout; "" for none
	}{
		{"spike over the count", []string{"--max", "404.2=10", "--window", "5m"}, 1,
			"BREACHED 404.2: 15 requests in 2024-03-04 10:20 – 10:25 UTC, limit 10, over by 5; breaching 2024-03-04 10:19 – 10:26 UTC (15 requests)\n"},
		{"spike at the count", []string{"--max", "404.2=15", "--window", "5m"}, 0, ""},
		{"spike over the share", []string{"--max", "404.2=25%", "--window", "5m"}, 1,
			"BREACHED 404.2: 30.00% (15 of 50 requests) in 2024-03-04 10:20 – 10:25 UTC, limit 25%, over by 5.00 points\n"},
		{"spike under the share", []string{"--max", "404.2=30%", "--window", "5m"}, 0, ""},
		{"whole run under the share", []string{"--max", "404.2=10%"}, 0, ""},
		{"the window finds what the run hides", []string{"--max", "404.2=10%", "--window", "5m"}, 1, "in 2024-03-04 10:20 – 10:25 UTC"},
		{"one-minute window", []string{"--max", "404.2=2", "--window", "1m"}, 1,
			"BREACHED 404.2: 3 requests in 2024-03-04 10:20 – 10:21 UTC, limit 2, over by 1; breaching 2024-03-04 10:20 – 10:25 UTC (15 requests)\n"},
		{"another sub-status of the code", []string{"--max", "404.0=5", "--window", "5m"}, 0, ""},
		{"a pair never seen", []string{"--max", "401.1=0", "--window", "5m"}, 0, ""},
		{"one worker", []string{"--workers", "1", "--max", "404.2=10", "--window", "5m"}, 1, "15 requests in 2024-03-04 10:20 – 10:25 UTC"},
		{"with a class", []string{"--max", "5xx=20%", "--max", "404.2=10", "--window", "5m"}, 1, "404.2: 15 requests in 2024-03-04 10:20"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errs := runCLI(t, append(append([]string{"-q", "check"}, tt.args...), log)...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d; stdout %q, stderr %q", code, tt.code, out, errs)
			}
			if tt.out == "" && out != "" || !strings.Contains(out, tt.out) {
				t.Errorf("stdout %q, want %q", out, tt.out)
			}
		})
	}

	// Through an incremental state: the minutes' sub-statuses are saved.
	state := filepath.Join(dir, "iis.state")
	if code, _, errs := runCLI(t, "summary", "--state", state, log); code != 0 {
		t.Fatalf("summary --state: exit %d: %s", code, errs)
	}
	code, out, errs := runCLI(t, "check", "--state", state, "--max", "404.2=10", "--window", "5m")
	if code != 1 || !strings.Contains(out, "404.2: 15 requests in 2024-03-04 10:20 – 10:25 UTC") {
		t.Errorf("check from the state: exit %d, stdout %q, stderr %q", code, out, errs)
	}
}

// oldStateFile is a state file written before minute buckets kept
// sub-statuses (see aggregate's TestOldStateSubMinutes): 404.2 three
// times, 10:00-10:04.
const oldStateFile = "../../testdata/states/iis-before-minute-subcodes.state"

// TestCheckWindowOldState: a windowed code.sub check on a state that does
// not know the sub-statuses' minutes is refused, before anything is read
// or saved, rather than counted as 0; other checks of it still work.
func TestCheckWindowOldState(t *testing.T) {
	dir := t.TempDir()
	raw, err := os.ReadFile(oldStateFile)
	if err != nil {
		t.Fatal(err)
	}
	state := filepath.Join(dir, "old.state")
	log := filepath.Join(dir, "u_ex240304.log")
	writeIISSpike(t, log)
	tests := []struct {
		name string
		args []string
		code int
		out  string // in stdout, or in stderr when code is 2
	}{
		{"windowed 404.2 refused", []string{"--max", "404.2=1", "--window", "5m"}, 2,
			"holds 3 404.2 requests whose minute is unknown"},
		{"refused with inputs too", []string{"--max", "404.2=1", "--window", "5m", log}, 2, "drop --window, check the code (404)"},
		{"windowed 500.19 refused", []string{"--max", "404=100", "--max", "500.19=5", "--window", "1h"}, 2, "500.19"},
		{"whole-run 404.2", []string{"--max", "404.2=1"}, 1, "404.2: 3 requests over the whole run"},
		{"windowed code", []string{"--max", "404=3", "--window", "5m"}, 1, "404: 4 requests in 2024-03-04 10:00 – 10:05 UTC"},
		{"windowed pair the old state never had", []string{"--max", "401.1=0", "--window", "5m"}, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := os.WriteFile(state, raw, 0o600); err != nil {
				t.Fatal(err)
			}
			code, out, errs := runCLI(t, append([]string{"check", "--state", state}, tt.args...)...)
			got := out
			if code == 2 {
				got = errs
			}
			if code != tt.code || !strings.Contains(got, tt.out) {
				t.Errorf("exit %d (want %d), stdout %q, stderr %q; want %q", code, tt.code, out, errs, tt.out)
			}
			if after, _ := os.ReadFile(state); code == 2 && !bytes.Equal(after, raw) {
				t.Errorf("a refused check changed the state file")
			}
		})
	}
}
