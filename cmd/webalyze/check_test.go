package main

import (
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestCheckNamesTheOutage: on the bundled sample, a 5 % check used to
// name a window holding 1 request; it names the 14:02–14:08 outage.
func TestCheckNamesTheOutage(t *testing.T) {
	dir := t.TempDir()
	log := filepath.Join(dir, "access.log")
	gunzip(t, sample+"nginx-access.log.1.gz", log)

	code, out, errs := runCLI(t, "check", "--max", "5xx=10%", "--window", "5m", log)
	want := "BREACHED 5xx: 66.84% (129 of 193 requests) in 2024-03-05 14:02 – 14:07 UTC, limit 10%, over by 56.84 points; breaching 2024-03-05 13:58 – 14:12 UTC (162 of 287 requests, 56.45%)\n"
	if code != exitBreached || out != want {
		t.Errorf("exit %d, stdout %q, stderr %q\nwant %q", code, out, errs, want)
	}
	// With --min-requests 1 the lone 500s of quiet hours breach too, each
	// its own stretch, after the outage (worst first).
	code, out, _ = runCLI(t, "check", "--max", "5xx=10%", "--window", "5m", "--min-requests", "1", log)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != exitBreached || len(lines) < 5 || !strings.Contains(lines[len(lines)-1], "14:0") && !strings.Contains(lines[0], "100.00%") {
		t.Errorf("min-requests 1: exit %d, %d lines: %q", code, len(lines), out)
	}

	// -q: one line per breach; nothing on success (without it, an ok line).
	code, out, _ = runCLI(t, "-q", "check", "--max", "5xx=10%", "--max", "499=5%", "--window", "5m", log)
	if n := strings.Count(out, "\n"); code != exitBreached || n != 2 || !strings.HasPrefix(out, "BREACHED 5xx") {
		t.Errorf("-q with two breaches: exit %d, %q", code, out)
	}
	code, out, _ = runCLI(t, "-q", "check", "--max", "5xx=80%", "--window", "5m", log)
	if code != 0 || out != "" {
		t.Errorf("-q, all hold: exit %d, %q", code, out)
	}
	code, out, _ = runCLI(t, "check", "--max", "5xx=80%", "--window", "5m", log)
	if code != 0 || out != "ok: 1 threshold holds over 1508 requests in every 5m window\n" {
		t.Errorf("all hold: exit %d, %q", code, out)
	}
}

func gunzip(t *testing.T, from, to string) {
	t.Helper()
	f, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	out, err := os.Create(to)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	if _, err := io.Copy(out, zr); err != nil {
		t.Fatal(err)
	}
}

// appendMinutes appends n requests a minute from minute `from` to `to`
// (exclusive) of 2024-03-05 14:00 UTC, of which errs are 503.
func appendMinutes(t *testing.T, path string, from, to, n, errs int) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for m := from; m < to; m++ {
		for i := range n {
			status := 200
			if i < errs {
				status = 503
			}
			fmt.Fprintf(f, "10.0.0.%d - - [05/Mar/2024:%02d:%02d:%02d +0000] \"GET /p HTTP/1.1\" %d 100 \"-\" \"ua\"\n",
				i%250, 14+m/60, m%60, i%60, status)
		}
	}
}

// TestCheckStateClears runs check --state as cron would, with data
// appended between runs: the outage is reported while the windows that
// end in new data see it, and the alarm clears once a window of healthy
// data follows; an outage cut in two by a run boundary is still seen.
func TestCheckStateClears(t *testing.T) {
	dir := t.TempDir()
	log := filepath.Join(dir, "access.log")
	state := filepath.Join(dir, "check.state")
	check := func(name string, wantCode int, want string, args ...string) {
		t.Helper()
		code, out, errs := runCLI(t, append([]string{"check", "--state", state, "--window", "5m"}, append(args, log)...)...)
		if code != wantCode || !strings.Contains(out, want) {
			t.Errorf("%s: exit %d (want %d), stdout %q (want %q), stderr %q", name, code, wantCode, out, want, errs)
		}
	}
	// As cron every five minutes: each run reads what was logged since.
	appendMinutes(t, log, 0, 30, 40, 0)   // 14:00–14:29 healthy
	appendMinutes(t, log, 30, 36, 40, 30) // 14:30–14:35 outage
	check("outage", exitBreached, "breaching 2024-03-05 14:26 – 14:40 UTC", "--max", "5xx=10%")
	appendMinutes(t, log, 36, 41, 40, 0)
	check("healthy minutes: the windows ending in them still hold the outage", exitBreached,
		"in 2024-03-05 14:32 – 14:37 UTC, limit 10%, over by 50.00 points; breaching 2024-03-05 14:32 – 14:40 UTC", "--max", "5xx=10%")
	appendMinutes(t, log, 41, 46, 40, 0)
	check("a window of healthy minutes: cleared", 0, "ok: 1 threshold holds over 200 requests new since the last run in every 5m window", "--max", "5xx=10%")
	check("nothing new", 0, "ok: 1 threshold holds over 0 requests new since", "--max", "5xx=10%")

	// An outage across a run boundary: 30 errors before it and 30 after,
	// neither over 50 alone.
	appendMinutes(t, log, 46, 60, 40, 0)
	appendMinutes(t, log, 60, 62, 40, 15)
	check("first half", 0, "ok", "--max", "5xx=50")
	appendMinutes(t, log, 62, 64, 40, 15)
	check("second half, with the tail of the state", exitBreached, "5xx: 60 requests in 2024-03-05 14:59 – 15:04 UTC", "--max", "5xx=50")

	// Without --state, the same file re-reports its first outage.
	code, out, _ := runCLI(t, "-q", "check", "--window", "5m", "--max", "5xx=10%", log)
	if code != exitBreached || !strings.Contains(out, "14:3") {
		t.Errorf("whole file: exit %d, %q", code, out)
	}
}

// TestCheckNagios: the monitoring-plugin output and exit status.
func TestCheckNagios(t *testing.T) {
	dir := t.TempDir()
	log := filepath.Join(dir, "access.log")
	appendMinutes(t, log, 0, 30, 40, 0)
	appendMinutes(t, log, 30, 33, 40, 4) // 10 %
	perf := regexp.MustCompile(` \| '5xx'=([0-9.]+)%;([0-9.]*);([0-9.]*);0;100 requests=1320;;;0;\n`)
	tests := []struct {
		name string
		args []string
		code int
		head string // the start of stdout
		perf string // value;warn;crit
	}{
		{"ok", []string{"--max", "5xx=20%"}, 0, "WEBALYZE OK - 1 threshold holds over 1320 requests in every 5m window |", "10.00;;20"},
		{"warning", []string{"--warn", "5xx=5%", "--max", "5xx=20%"}, 1, "WEBALYZE WARNING - 5xx: 10.00% (12 of 120 requests) in 2024-03-05 14:30 – 14:35 UTC, limit 5%", "10.00;5;20"},
		{"critical", []string{"--warn", "5xx=1%", "--max", "5xx=5%"}, 2, "WEBALYZE CRITICAL - 5xx: 10.00% (12 of 120 requests)", "10.00;1;5"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errs := runCLI(t, append(append([]string{"check", "--nagios", "--window", "5m"}, tt.args...), log)...)
			if code != tt.code || !strings.HasPrefix(out, tt.head) {
				t.Fatalf("exit %d (want %d), stdout %q, stderr %q", code, tt.code, out, errs)
			}
			m := perf.FindStringSubmatch(out)
			if m == nil || m[1]+";"+m[2]+";"+m[3] != tt.perf {
				t.Errorf("perfdata of %q, want %s", out, tt.perf)
			}
		})
	}
	// Unreadable input and usage errors are UNKNOWN (3), on stdout.
	code, out, _ := runCLI(t, "check", "--nagios", "--max", "5xx=1%", filepath.Join(dir, "missing.log"))
	if code != 3 || !strings.HasPrefix(out, "WEBALYZE UNKNOWN - ") {
		t.Errorf("missing input: exit %d, %q", code, out)
	}
	code, out, _ = runCLI(t, "check", "--nagios", "--max", "7xx=1%", log)
	if code != 3 || !strings.HasPrefix(out, "WEBALYZE UNKNOWN - ") {
		t.Errorf("bad threshold: exit %d, %q", code, out)
	}
	code, out, _ = runCLI(t, "check", "--nagios", "--no-such-flag", log)
	if code != 3 || !strings.HasPrefix(out, "WEBALYZE UNKNOWN - ") {
		t.Errorf("unknown flag: exit %d, %q", code, out)
	}
}

// TestIncidentsSamples: the bundled samples hold one outage (5xx from
// 14:02 to 14:07 on 2024-03-05); the report names it as one incident
// covering all its minutes, and nothing else (not the 2 failed requests
// of 6 at 01:42).
func TestIncidentsSamples(t *testing.T) {
	files := []string{sample + "nginx-access.log", sample + "nginx-access.log.1.gz", sample + "apache-vhost.log", sample + "iis-u_ex240304.log"}
	code, out, errs := runCLI(t, append([]string{"summary", "--json"}, files...)...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var doc struct {
		Incidents []struct {
			Start, End, Peak string
			Errors, Hits     int64
			Excess           float64
		} `json:"incidents"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	got := fmt.Sprintf("%+v", doc.Incidents)
	if len(doc.Incidents) != 1 {
		t.Fatalf("incidents: %s", got)
	}
	inc := doc.Incidents[0]
	if inc.Start != "2024-03-05T14:02:00Z" || inc.End != "2024-03-05T14:08:00Z" || inc.Errors != 162 || inc.Peak != "2024-03-05T14:05:00Z" || inc.Excess < 150 {
		t.Errorf("incident: %s", got)
	}
}

// TestCheckWarn: without --nagios a --warn breach is printed and the exit
// status stays 0; with a --max breach of the same key, only that shows.
func TestCheckWarn(t *testing.T) {
	dir := t.TempDir()
	log := filepath.Join(dir, "access.log")
	appendMinutes(t, log, 0, 30, 40, 0)
	appendMinutes(t, log, 30, 33, 40, 4) // 10 %
	code, out, _ := runCLI(t, "check", "--window", "5m", "--warn", "5xx=5%", "--max", "5xx=20%", log)
	if code != 0 || !strings.HasPrefix(out, "WARNING 5xx: 10.00%") || strings.Count(out, "\n") != 1 {
		t.Errorf("warning: exit %d, %q", code, out)
	}
	code, out, _ = runCLI(t, "check", "--window", "5m", "--warn", "5xx=1%", "--max", "5xx=5%", log)
	if code != exitBreached || !strings.HasPrefix(out, "BREACHED 5xx: 10.00%") || strings.Count(out, "\n") != 1 {
		t.Errorf("breach covering the warning: exit %d, %q", code, out)
	}
}
