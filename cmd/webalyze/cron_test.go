package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/webalyze/webalyze/aggregate"
)

// The cron tests run the built binary, as cron would: several processes
// sharing one state, files rotated between runs.

// buildWebalyze builds the command into a temporary directory.
func buildWebalyze(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "webalyze")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// runBin runs the binary and returns its exit status, stdout and stderr.
func runBin(t *testing.T, bin string, args ...string) (int, string, string) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			t.Fatalf("%s %v: %v", bin, args, err)
		}
		code = ee.ExitCode()
	}
	return code, out.String(), errb.String()
}

// binSummary runs "summary --json" through the binary.
func binSummary(t *testing.T, bin string, args ...string) (int, summaryDoc, string) {
	t.Helper()
	code, out, errs := runBin(t, bin, append([]string{"summary", "--json"}, args...)...)
	var d summaryDoc
	if code == 0 || code == 3 {
		if err := json.Unmarshal([]byte(out), &d); err != nil {
			t.Fatalf("summary --json %v: %v\n%s\nstderr: %s", args, err, out, errs)
		}
	}
	return code, d, errs
}

// writeMany writes n combined lines tagged with tag, through a small
// buffer: the test process's peak memory is what the memory tests of the
// package read as their children's (a child starts as a copy of it).
func writeMany(t *testing.T, path, tag string, n int) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	for i := range n {
		fmt.Fprintf(w, `10.1.%d.%d - - [05/Mar/2024:14:%02d:%02d +0000] "GET /%s/%d HTTP/1.1" 200 %d "-" "ua"`+"\n", i/250%250, i%250, i/60%60, i%60, tag, i, i%1000)
	}
	if err := errors.Join(w.Flush(), f.Close()); err != nil {
		t.Fatal(err)
	}
}

// TestConcurrentStateRuns starts two runs with different inputs on one
// state at the same moment: the state is locked from load to save, so the
// final state holds the lines of both.
func TestConcurrentStateRuns(t *testing.T) {
	bin := buildWebalyze(t)
	dir := t.TempDir()
	state := filepath.Join(dir, "s.state")
	const n = 100_000
	a, b := filepath.Join(dir, "a.log"), filepath.Join(dir, "b.log")
	writeMany(t, a, "a", n)
	writeMany(t, b, "b", n)

	// Hold the lock while both start, so that both are past their start
	// when it is released; without the lock they run side by side.
	held, err := aggregate.LockState(state, 0)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	codes, errs := make([]int, 2), make([]string, 2)
	cmds := make([]*exec.Cmd, 2)
	for i, in := range []string{a, b} {
		cmds[i] = exec.Command(bin, "summary", "--workers", "1", "--state", state, in)
		var eb bytes.Buffer
		cmds[i].Stderr = &eb
		if err := cmds[i].Start(); err != nil {
			t.Fatal(err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := cmds[i].Wait()
			if ee, ok := err.(*exec.ExitError); ok {
				codes[i] = ee.ExitCode()
			}
			errs[i] = eb.String()
		}()
	}
	held.Unlock()
	wg.Wait()
	for i := range codes {
		if codes[i] != 0 {
			t.Errorf("run %d: exit %d: %s", i, codes[i], errs[i])
		}
	}
	code, d, stderr := binSummary(t, bin, "--state", state)
	if code != 0 {
		t.Fatalf("state alone: exit %d: %s", code, stderr)
	}
	if d.Requests != 2*n {
		t.Errorf("final state has %d requests, want %d (both runs)", d.Requests, 2*n)
	}
}

// TestStateInUse: a run that cannot get the lock within --state-wait exits
// 2, names the holder's PID, and leaves the state alone.
func TestStateInUse(t *testing.T) {
	bin := buildWebalyze(t)
	dir := t.TempDir()
	state, log := filepath.Join(dir, "s.state"), filepath.Join(dir, "a.log")
	writeLines(t, log, 0, 10)
	held, err := aggregate.LockState(state, 0)
	if err != nil {
		t.Fatal(err)
	}
	code, _, errs := runBin(t, bin, "summary", "--state", state, "--state-wait", "0", log)
	want := "state in use: " + state + " is locked by PID " + strconv.Itoa(os.Getpid())
	if code != 2 || !strings.Contains(errs, want) {
		t.Errorf("locked state: exit %d, stderr %q; want 2 and %q", code, errs, want)
	}
	if _, err := os.Stat(state); !os.IsNotExist(err) {
		t.Errorf("the locked-out run wrote the state: %v", err)
	}
	held.Unlock()
	if code, d, errs := binSummary(t, bin, "--state", state, "--state-wait", "0", log); code != 0 || d.Requests != 10 {
		t.Errorf("after unlock: exit %d, %d requests: %s", code, d.Requests, errs)
	}
}

// TestStateKeepsNoOldErrors follows the cron recipe from day 1, when
// access.log.1 does not exist yet: that error belongs to day 1's run.
// Later runs, and a run on the state alone, exit on what they meet.
func TestStateKeepsNoOldErrors(t *testing.T) {
	bin := buildWebalyze(t)
	dir := t.TempDir()
	log, state := filepath.Join(dir, "access.log"), filepath.Join(dir, "s.state")
	writeLines(t, log, 0, 10)
	code, _, errs := runBin(t, bin, "summary", "--state", state, log, log+".1")
	if code != 2 || !strings.Contains(errs, "access.log.1") {
		t.Fatalf("day 1, access.log.1 missing: exit %d (want 2): %s", code, errs)
	}
	// Day 2: rotated; both files exist.
	os.Rename(log, log+".1")
	writeLines(t, log, 10, 15)
	code, d, errs := binSummary(t, bin, "--state", state, log, log+".1")
	if code != 0 || strings.Contains(errs, "access.log.1") {
		t.Errorf("day 2: exit %d (want 0), stderr %q", code, errs)
	}
	if d.Requests != 15 {
		t.Errorf("day 2: %d requests, want 15", d.Requests)
	}
	// The state alone.
	if code, d, errs := binSummary(t, bin, "--state", state); code != 0 || d.Requests != 15 {
		t.Errorf("state alone: exit %d (want 0), %d requests: %s", code, d.Requests, errs)
	}

	// A truncated stream: exit 3 for the run that meets it; later runs
	// list it as history, clearly labelled, and exit 0.
	raw := []byte(manyLines("t", 0, 3000))
	gz := gzipped(t, raw)
	cut := filepath.Join(dir, "cut.log.gz")
	os.WriteFile(cut, gz[:len(gz)/2], 0o644)
	if code, _, errs := binSummary(t, bin, "--state", state, cut); code != 3 || !strings.Contains(errs, "truncated") {
		t.Errorf("truncated gzip: exit %d, want 3: %s", code, errs)
	}
	code, out, errs := runBin(t, bin, "summary", "--state", state)
	if code != 0 || !strings.Contains(out, "Earlier runs' file errors (history; not this run's):") || !strings.Contains(out, "cut.log.gz") {
		t.Errorf("state alone after a truncated stream: exit %d (want 0), output:\n%s\nstderr: %s", code, out, errs)
	}
	code, out, _ = runBin(t, bin, "summary", "--json", "--state", state)
	var doc struct {
		Diagnostics struct {
			FileErrors        []struct{ File, Error, At string } `json:"file_errors"`
			EarlierFileErrors []struct{ File, Error, At string } `json:"earlier_file_errors"`
		} `json:"diagnostics"`
	}
	json.Unmarshal([]byte(out), &doc)
	d2 := doc.Diagnostics
	if code != 0 || len(d2.FileErrors) != 0 || len(d2.EarlierFileErrors) == 0 || d2.EarlierFileErrors[len(d2.EarlierFileErrors)-1].At == "" {
		t.Errorf("JSON: exit %d, file errors %+v, earlier %+v; want none, and dated history", code, d2.FileErrors, d2.EarlierFileErrors)
	}
	os.Remove(cut)

	// Malformed lines: the threshold applies to this run's lines.
	os.WriteFile(log, []byte(strings.Repeat("garbage\n", 5)), 0o644)
	os.Remove(log + ".1")
	if code, _, errs := binSummary(t, bin, "-f", "combined", "--state", state, log); code != 3 {
		t.Errorf("run with 5 malformed lines of 5: exit %d, want 3: %s", code, errs)
	}
	writeLines(t, log, 20, 40)
	if code, _, errs := binSummary(t, bin, "-f", "combined", "--state", state, log); code != 0 {
		t.Errorf("next run, 20 good lines: exit %d, want 0: %s", code, errs)
	}
	if code, _, errs := binSummary(t, bin, "-f", "combined", "--state", state); code != 0 {
		t.Errorf("state alone after a bad run: exit %d, want 0: %s", code, errs)
	}
}

// gzipped returns data compressed with gzip.
func gzipped(t *testing.T, data []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write(data)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// cronStep runs "summary --state" through the binary on args and checks
// the exit status and the cumulative count of requests.
func cronStep(t *testing.T, bin, state, what string, wantCode int, wantRequests int64, args ...string) {
	t.Helper()
	code, d, errs := binSummary(t, bin, append([]string{"--state", state}, args...)...)
	if code != wantCode || d.Requests != wantRequests {
		t.Errorf("%s: exit %d, %d requests; want exit %d, %d requests\nstderr: %s", what, code, d.Requests, wantCode, wantRequests, errs)
	}
}

// compressionCases are the moments a run meets access.log.1 beside its
// compressed copy: how much of the .gz is written, and in which order the
// two are given.
var compressionCases = []struct {
	name string
	cut  float64 // share of the .gz written when the run meets it; 1 = complete
	rev  bool    // the .gz before access.log.1
}{
	{"complete copy", 1, false},
	{"complete copy, .gz first", 1, true},
	{"gz a tenth written", 0.1, false},
	{"gz a tenth written, .gz first", 0.1, true},
	{"gz half written", 0.5, false},
	{"gz half written, .gz first", 0.5, true},
	{"gz 0.9 written, .gz first", 0.9, true},
}

// compressing is the moment of a rotation when logrotate has written
// the share cut of log.1's compressed copy, log.1.gz, and the server a new
// log of 500 lines: it returns the three inputs (the .gz before log.1 when
// rev) and the whole compressed copy.
func compressing(t *testing.T, log string, cut float64, rev bool) (args []string, gz []byte) {
	t.Helper()
	raw, err := os.ReadFile(log + ".1")
	if err != nil {
		t.Fatal(err)
	}
	gz = gzipped(t, raw)
	if err := os.WriteFile(log+".1.gz", gz[:int(float64(len(gz))*cut)], 0o644); err != nil {
		t.Fatal(err)
	}
	writeMany(t, log, "day2", 500)
	if rev {
		return []string{log, log + ".1.gz", log + ".1"}, gz
	}
	return []string{log, log + ".1", log + ".1.gz"}, gz
}

// TestRotatedAndCompressedCopy: logrotate has written access.log.1.gz
// and not yet removed access.log.1, or is still writing the .gz. The data
// is counted once, whatever order the inputs come in, and a half-written
// .gz leaves no error once its data is read from access.log.1.
func TestRotatedAndCompressedCopy(t *testing.T) {
	bin := buildWebalyze(t)
	for _, tt := range compressionCases {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			log, state := filepath.Join(dir, "access.log"), filepath.Join(dir, "s.state")
			writeMany(t, log, "day1", 3000)
			glob := filepath.Join(dir, "access.log*")
			cronStep(t, bin, state, "day 1", 0, 3000, glob)

			// More lines, then the rotation: the renamed file and its
			// compressed copy side by side, and a new access.log.
			f, _ := os.OpenFile(log, os.O_APPEND|os.O_WRONLY, 0)
			more := filepath.Join(dir, "more")
			writeMany(t, more, "late", 2000)
			late, _ := os.ReadFile(more)
			os.Remove(more)
			f.Write(late)
			f.Close()
			os.Rename(log, log+".1")
			args, gz := compressing(t, log, tt.cut, tt.rev)
			cronStep(t, bin, state, "rotated, both present", 0, 5500, args...)

			// gzip done: the original is gone.
			os.WriteFile(log+".1.gz", gz, 0o644)
			os.Remove(log + ".1")
			cronStep(t, bin, state, "gzip done", 0, 5500, glob)

			// The next rotation.
			os.Rename(log+".1.gz", log+".2.gz")
			os.Rename(log, log+".1")
			writeMany(t, log, "day3", 100)
			cronStep(t, bin, state, "next rotation", 0, 5600, glob)
			cronStep(t, bin, state, "state alone", 0, 5600)
		})
	}
}

// TestLastLineOfCompressedFile: under --state, a last line without LF is
// held back while the file is plain (it may be being written); once the
// file is rotated and compressed it cannot grow, and the line is counted.
func TestLastLineOfCompressedFile(t *testing.T) {
	bin := buildWebalyze(t)
	dir := t.TempDir()
	log, state := filepath.Join(dir, "access.log"), filepath.Join(dir, "s.state")
	writeLines(t, log, 0, 10)
	f, _ := os.OpenFile(log, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(logLine(10, 200)) // no LF: the server died mid-line
	f.Close()
	cronStep(t, bin, state, "partial last line held", 0, 10, log)
	cronStep(t, bin, state, "still held", 0, 10, log)

	raw, _ := os.ReadFile(log)
	os.WriteFile(log+".1.gz", gzipped(t, raw), 0o644)
	os.Remove(log)
	writeLines(t, log, 20, 25)
	cronStep(t, bin, state, "rotated and compressed", 0, 16, log, log+".1.gz")
	cronStep(t, bin, state, "again", 0, 16, log, log+".1.gz")
}

// TestMergeIntoItself: the nightly recipe merges another host's state into
// the site's own; the next --state run on the site's state reads only
// what is new. The same state twice is refused, by any path.
func TestMergeIntoItself(t *testing.T) {
	bin := buildWebalyze(t)
	dir := t.TempDir()
	log, web2 := filepath.Join(dir, "access.log"), filepath.Join(dir, "web2.log")
	site, web2State := filepath.Join(dir, "site.state"), filepath.Join(dir, "web2.state")
	writeLines(t, log, 0, 30)
	writeLines(t, web2, 30, 50)
	cronStep(t, bin, site, "site", 0, 30, log)
	cronStep(t, bin, web2State, "web2", 0, 20, web2)
	if code, _, errs := runBin(t, bin, "merge", "-o", site, site, web2State); code != 0 {
		t.Fatalf("merge into itself: exit %d: %s", code, errs)
	}
	writeLines(t, log, 50, 55)
	cronStep(t, bin, site, "next nightly run", 0, 55, log)

	link := filepath.Join(dir, "link.state")
	if err := os.Link(web2State, link); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out.state")
	for _, args := range [][]string{
		{web2State, web2State},
		{web2State, filepath.Join(dir, ".", "web2.state")},
		{web2State, link},
	} {
		code, _, errs := runBin(t, bin, append([]string{"merge", "-o", out}, args...)...)
		if code != 2 || !strings.Contains(errs, "same state file") {
			t.Errorf("merge %v: exit %d, stderr %q; want 2, refused", args, code, errs)
		}
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a refused merge wrote %s", out)
	}
}

// manyLines returns combined lines from..to-1 tagged with tag.
func manyLines(tag string, from, to int) string {
	var b strings.Builder
	for i := from; i < to; i++ {
		fmt.Fprintf(&b, `10.1.0.%d - - [05/Mar/2024:14:%02d:%02d +0000] "GET /%s/%d HTTP/1.1" 200 %d "-" "ua"`+"\n", i%250, i/60%60, i%60, tag, i, i%1000)
	}
	return b.String()
}

// TestCopytruncateSameFirstBytes: a log truncated in place and written
// again from the same first bytes (more than the 4 KiB fingerprint) is
// read from the start: the bytes before where the last run stopped
// differ. It resumed there and lost the lines before.
func TestCopytruncateSameFirstBytes(t *testing.T) {
	bin := buildWebalyze(t)
	dir := t.TempDir()
	log, state := filepath.Join(dir, "access.log"), filepath.Join(dir, "s.state")
	os.WriteFile(log, []byte(manyLines("a", 0, 100)), 0o644)
	cronStep(t, bin, state, "day 1", 0, 100, log)
	cronStep(t, bin, state, "nothing new", 0, 100, log)
	os.WriteFile(log, []byte(manyLines("a", 0, 100)+manyLines("a", 100, 110)), 0o644) // appended in place
	cronStep(t, bin, state, "appended", 0, 110, log)

	// copytruncate (the copy goes elsewhere), then the same first 60
	// lines again, then others: the file is longer than before.
	f, _ := os.OpenFile(log, os.O_WRONLY|os.O_TRUNC, 0)
	f.WriteString(manyLines("a", 0, 60) + manyLines("b", 60, 150))
	f.Close()
	cronStep(t, bin, state, "rewritten after copytruncate", 0, 260, log)
	cronStep(t, bin, state, "nothing new again", 0, 260, log)
}

// TestSameFileTwice: one file given twice in a run (two names, a symbolic
// or a hard link) is read once, however small.
func TestSameFileTwice(t *testing.T) {
	bin := buildWebalyze(t)
	dir := t.TempDir()
	log, state := filepath.Join(dir, "access.log"), filepath.Join(dir, "s.state")
	writeLines(t, log, 0, 5)
	sym, hard := filepath.Join(dir, "sym.log"), filepath.Join(dir, "hard.log")
	if err := os.Symlink(log, sym); err != nil {
		t.Fatal(err)
	}
	if err := os.Link(log, hard); err != nil {
		t.Fatal(err)
	}
	cronStep(t, bin, state, "three names of one file", 0, 5, log, sym, hard)
	writeLines(t, log, 5, 8)
	cronStep(t, bin, state, "appended, three names", 0, 8, hard, log, sym)
}

// TestStateAloneReadOnly: a report from a state alone only reads it, so it
// takes no lock, and works where the lock file cannot be made (a
// read-only directory; here, for any user, a directory in its place).
func TestStateAloneReadOnly(t *testing.T) {
	dir := t.TempDir()
	log, state := filepath.Join(dir, "a.log"), filepath.Join(dir, "s.state")
	writeLines(t, log, 0, 5)
	if code, _, errs := summary(t, "--state", state, log); code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	os.Remove(aggregate.LockPath(state))
	os.Mkdir(aggregate.LockPath(state), 0o755)
	if code, d, errs := summary(t, "--state", state); code != 0 || d.Requests != 5 {
		t.Errorf("state alone, no lock possible: exit %d, %d requests: %s", code, d.Requests, errs)
	}
	if code, _, errs := summary(t, "--state", state, log); code != 2 || !strings.Contains(errs, "locking state") {
		t.Errorf("a run with inputs and no lock possible: exit %d, want 2: %s", code, errs)
	}
}

// TestRotatedAndCompressedCopyStateless is TestRotatedAndCompressedCopy
// for a run without --state (a cron job that reports over access.log*
// while logrotate compresses access.log.1): the data of access.log.1 and
// of its compressed copy is counted once, in any order, and a half-written
// .gz is no error once its data is read from access.log.1. A truncated .gz
// with no other copy is still an error of the run, its incomplete last
// line counted as malformed (truncated).
func TestRotatedAndCompressedCopyStateless(t *testing.T) {
	bin := buildWebalyze(t)
	for _, tt := range compressionCases {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			log := filepath.Join(dir, "access.log")
			writeMany(t, log+".1", "day1", 5000)
			args, _ := compressing(t, log, tt.cut, tt.rev)
			code, d, errs := binSummary(t, bin, args...)
			if code != 0 || d.Requests != 5500 || d.Lines.Read != 5500 || d.Lines.Malformed != 0 {
				t.Errorf("exit %d, %d requests, lines %+v; want exit 0, 5500 requests, 5500 read, none malformed\nstderr: %s",
					code, d.Requests, d.Lines, errs)
			}
			if !strings.Contains(errs, "same data") {
				t.Errorf("stderr %q: no warning that the copy holds the same data", errs)
			}
			// The same figures as a run over the data once.
			_, once, _ := binSummary(t, bin, log, log+".1")
			if !reflect.DeepEqual(d.Status, once.Status) || d.Bytes != once.Bytes {
				t.Errorf("status %v, %d bytes; a run over the data once: %v, %d bytes", d.Status, d.Bytes, once.Status, once.Bytes)
			}
		})
	}

	t.Run("a copy under another name is read", func(t *testing.T) {
		// Copies given on purpose (the same log under two names) are
		// read as given without --state: only a file beside its
		// compressed copy is taken for one.
		dir := t.TempDir()
		log := filepath.Join(dir, "access.log")
		writeMany(t, log, "day1", 5000)
		raw, _ := os.ReadFile(log)
		os.WriteFile(filepath.Join(dir, "backup.gz"), gzipped(t, raw), 0o644)
		code, d, errs := binSummary(t, bin, log, filepath.Join(dir, "backup.gz"))
		if code != 0 || d.Requests != 10000 || strings.Contains(errs, "same data") {
			t.Errorf("exit %d, %d requests, stderr %q; want exit 0, 10000 requests, no warning", code, d.Requests, errs)
		}
	})

	t.Run("truncated gz alone", func(t *testing.T) {
		dir := t.TempDir()
		log := filepath.Join(dir, "access.log")
		writeMany(t, log, "day1", 5000)
		raw, _ := os.ReadFile(log)
		gz := gzipped(t, raw)
		os.WriteFile(log+".1.gz", gz[:len(gz)/2], 0o644)
		code, d, errs := binSummary(t, bin, log+".1.gz")
		if code != 3 || d.Lines.Malformed != 1 || d.MalformedReasons["truncated"] != 1 || d.Requests == 0 || d.Lines.Read != d.Requests+1 {
			t.Errorf("exit %d, lines %+v, reasons %v; want exit 3, the incomplete last line malformed (truncated)\nstderr: %s",
				code, d.Lines, d.MalformedReasons, errs)
		}
	})
}
