//go:build linux

package main

// Tests through the built binary: outputs that are devices, FIFOs and
// descriptors, runs that fail or are interrupted by signals, file modes.

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

var bin struct {
	once sync.Once
	dir  string
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if bin.dir != "" {
		os.RemoveAll(bin.dir)
	}
	os.Exit(code)
}

// binary builds the webalyze command once per test run; the environment
// variable WEBALYZE_TEST_BINARY names another build to test instead.
func binary(t *testing.T) string {
	t.Helper()
	if b := os.Getenv("WEBALYZE_TEST_BINARY"); b != "" {
		return b
	}
	bin.once.Do(func() {
		bin.dir, bin.err = os.MkdirTemp("", "webalyze-bin-")
		if bin.err != nil {
			return
		}
		goTool, err := exec.LookPath("go")
		if err != nil {
			goTool = filepath.Join(runtime.GOROOT(), "bin", "go")
		}
		out, err := exec.Command(goTool, "build", "-o", filepath.Join(bin.dir, "webalyze"), ".").CombinedOutput()
		if err != nil {
			bin.err = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if bin.err != nil {
		t.Fatal(bin.err)
	}
	return filepath.Join(bin.dir, "webalyze")
}

type binResult struct {
	code           int
	stdout, stderr string
}

// runBinary runs webalyze with args in dir and waits for it.
func runBinary(t *testing.T, dir string, args ...string) binResult {
	t.Helper()
	cmd := exec.Command(binary(t), args...)
	cmd.Dir = dir
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if err != nil {
		if _, ok := err.(*exec.ExitError); !ok {
			t.Fatal(err)
		}
	}
	return binResult{cmd.ProcessState.ExitCode(), out.String(), errb.String()}
}

// snapshot is the content, mode and owner of every file of a directory
// tree, as one comparable string.
func snapshot(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	filepath.Walk(dir, func(path string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		st := fi.Sys().(*syscall.Stat_t)
		fmt.Fprintf(&b, "%s %v %d:%d", rel, fi.Mode(), st.Uid, st.Gid)
		if fi.Mode().IsRegular() && !strings.HasSuffix(path, ".lock") { // a lock file holds its last holder's PID
			data, _ := os.ReadFile(path)
			fmt.Fprintf(&b, " %d bytes sha256 %x", len(data), sha256.Sum256(data))
		}
		b.WriteByte('\n')
		return nil
	})
	return b.String()
}

// temporaries lists the ".NAME.tmp-*" files in dir.
func temporaries(dir string) []string {
	m, _ := filepath.Glob(filepath.Join(dir, ".*.tmp-*"))
	return m
}

// TestOutputInPlace: -o on a FIFO, a device, a descriptor or a link to
// one writes through it and leaves the node or link as it was; a link to a
// regular file replaces the file and keeps the link.
func TestOutputInPlace(t *testing.T) {
	dir := t.TempDir()
	log := filepath.Join(dir, "a.log")
	writeLines(t, log, 0, 20)

	t.Run("fifo", func(t *testing.T) {
		fifo := filepath.Join(dir, "fifo")
		if err := syscall.Mkfifo(fifo, 0o644); err != nil {
			t.Fatal(err)
		}
		got := make(chan []byte)
		go func() {
			f, err := os.Open(fifo)
			if err != nil {
				got <- nil
				return
			}
			data, _ := io.ReadAll(f)
			f.Close()
			got <- data
		}()
		r := runBinary(t, dir, "report", "-o", "fifo", log)
		if fi, err := os.Lstat(fifo); err != nil || fi.Mode()&os.ModeNamedPipe == 0 {
			// Its reader waits forever: leave it.
			t.Fatalf("the FIFO was replaced: %v %v; stderr: %s", fi.Mode(), err, r.stderr)
		}
		data := <-got
		if r.code != 0 || !bytes.HasPrefix(data, []byte("<!DOCTYPE html")) {
			t.Errorf("exit %d, %d bytes through the FIFO; stderr: %s", r.code, len(data), r.stderr)
		}
	})

	devices := []struct {
		name, like string
		code       int
		msg        string
	}{
		{"null", "/dev/null", 0, ""},
		{"full", "/dev/full", 2, "webalyze: -o full: no space left on device\n"},
	}
	for _, d := range devices {
		t.Run("device "+d.name, func(t *testing.T) {
			// A node of our own, made like the real one, so that a
			// failure cannot replace a device of the system.
			var like syscall.Stat_t
			if err := syscall.Stat(d.like, &like); err != nil {
				t.Skip(err)
			}
			node := filepath.Join(dir, d.name)
			if err := syscall.Mknod(node, syscall.S_IFCHR|0o666, int(like.Rdev)); err != nil {
				t.Skipf("mknod: %v (needs root)", err)
			}
			r := runBinary(t, dir, "report", "-o", d.name, log)
			if r.code != d.code || (d.msg != "" && r.stderr != d.msg) {
				t.Errorf("exit %d, stderr %q; want %d, %q", r.code, r.stderr, d.code, d.msg)
			}
			if fi, err := os.Lstat(node); err != nil || fi.Mode()&os.ModeCharDevice == 0 {
				t.Errorf("the device node was replaced: %v %v", fi.Mode(), err)
			}
			if tmp := temporaries(dir); len(tmp) > 0 {
				t.Errorf("temporary files left: %v", tmp)
			}
		})
	}

	t.Run("link to standard output", func(t *testing.T) {
		link := filepath.Join(dir, "stdout")
		if err := os.Symlink("/proc/self/fd/1", link); err != nil {
			t.Fatal(err)
		}
		r := runBinary(t, dir, "report", "-o", "stdout", "--output-format", "json", log)
		var doc summaryDoc
		if err := json.Unmarshal([]byte(r.stdout), &doc); r.code != 0 || err != nil || doc.Requests != 20 {
			t.Errorf("exit %d, %v, %d requests; stderr: %s", r.code, err, doc.Requests, r.stderr)
		}
		if target, err := os.Readlink(link); err != nil || target != "/proc/self/fd/1" {
			t.Errorf("the link was replaced: %q %v", target, err)
		}
	})

	t.Run("dash", func(t *testing.T) {
		r := runBinary(t, dir, "report", "-o", "-", "--output-format", "csv", log)
		if r.code != 0 || !strings.Contains(r.stdout, "requests") || strings.Contains(r.stdout, "<html") {
			t.Errorf("exit %d, stdout %.80q; stderr: %s", r.code, r.stdout, r.stderr)
		}
	})

	descriptors := []struct {
		name string
		open func(t *testing.T) (child *os.File, read func() []byte)
	}{
		{"pipe", func(t *testing.T) (*os.File, func() []byte) {
			pr, pw, err := os.Pipe()
			if err != nil {
				t.Fatal(err)
			}
			got := make(chan []byte)
			go func() {
				data, _ := io.ReadAll(pr)
				pr.Close()
				got <- data
			}()
			return pw, func() []byte { return <-got }
		}},
		{"regular file", func(t *testing.T) (*os.File, func() []byte) {
			path := filepath.Join(t.TempDir(), "fd3.html")
			f, err := os.Create(path)
			if err != nil {
				t.Fatal(err)
			}
			return f, func() []byte { data, _ := os.ReadFile(path); return data }
		}},
	}
	for _, d := range descriptors {
		t.Run("/dev/fd/3 "+d.name, func(t *testing.T) {
			child, read := d.open(t)
			cmd := exec.Command(binary(t), "report", "-o", "/dev/fd/3", log)
			cmd.ExtraFiles = []*os.File{child}
			var errb bytes.Buffer
			cmd.Stderr = &errb
			err := cmd.Run()
			child.Close()
			data := read()
			if err != nil || !bytes.HasPrefix(data, []byte("<!DOCTYPE html")) {
				t.Errorf("%v, %d bytes; stderr: %s", err, len(data), errb.String())
			}
		})
	}

	t.Run("link to a regular file", func(t *testing.T) {
		real := filepath.Join(dir, "real.html")
		os.WriteFile(real, []byte("old"), 0o644)
		os.Symlink("real.html", filepath.Join(dir, "current.html"))
		r := runBinary(t, dir, "report", "-o", "current.html", log)
		data, _ := os.ReadFile(real)
		if r.code != 0 || !bytes.HasPrefix(data, []byte("<!DOCTYPE html")) {
			t.Errorf("exit %d, real.html %.20q; stderr: %s", r.code, data, r.stderr)
		}
		if target, err := os.Readlink(filepath.Join(dir, "current.html")); target != "real.html" {
			t.Errorf("the link was replaced: %q %v", target, err)
		}
	})
}

// TestFailedRunWritesNothing: a run that cannot read an input exits 2,
// prints no result and leaves the report and the state as they were; a
// run with data errors (exit 3) writes them.
func TestFailedRunWritesNothing(t *testing.T) {
	dir := t.TempDir()
	log := filepath.Join(dir, "access.log")
	writeLines(t, log, 0, 20)
	os.Mkdir(filepath.Join(dir, "out"), 0o755)
	if r := runBinary(t, dir, "report", "-o", "out/index.html", "--state", "s.state", "access.log"); r.code != 0 {
		t.Fatalf("first run: exit %d: %s", r.code, r.stderr)
	}
	writeLines(t, log, 20, 30) // new data a failed run must not take
	before := snapshot(t, dir)

	runs := [][]string{
		{"report", "-o", "out/index.html", "/nonexistent.log"},
		{"report", "-o", "out/index.html", "--state", "s.state", "access.log", "missing.log"},
		{"report", "-o", "out/new.json", "missing.log", "access.log"},
		{"summary", "--state", "s.state", "access.log", "missing.log"},
		{"summary", "--json", "missing.log"},
		{"check", "--max", "2xx=1", "--state", "s.state", "access.log", "missing.log"},
		{"timeline", "--state", "s.state", "missing.log", "access.log"},
	}
	for _, args := range runs {
		r := runBinary(t, dir, args...)
		if r.code != 2 || r.stdout != "" || !strings.Contains(r.stderr, "missing.log: no such file or directory\n") && !strings.Contains(r.stderr, "/nonexistent.log: no such file or directory\n") {
			t.Errorf("%v: exit %d, stdout %.60q, stderr %q; want 2, nothing on stdout, the missing file named", args, r.code, r.stdout, r.stderr)
		}
		if after := snapshot(t, dir); after != before {
			t.Errorf("%v changed files:\n%s\nwas:\n%s", args, after, before)
		}
	}

	// A truncated stream is a data error: the run completes and writes.
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	for m := 100; m < 400; m++ {
		zw.Write([]byte(logLine(m, 200) + "\n"))
	}
	zw.Close()
	os.WriteFile(filepath.Join(dir, "trunc.gz"), gz.Bytes()[:gz.Len()/2], 0o644)
	r := runBinary(t, dir, "report", "-o", "out/index.html", "--state", "s.state", "access.log", "trunc.gz")
	if r.code != 3 || !strings.Contains(r.stderr, "webalyze: trunc.gz: gzip stream truncated") {
		t.Errorf("truncated input: exit %d, stderr %q; want 3", r.code, r.stderr)
	}
	if snapshot(t, dir) == before {
		t.Error("a run with data errors wrote nothing")
	}
}

// TestClosedPipe: a result that cannot be printed (standard output is a
// pipe nobody reads) ends the run with an error, the state not saved and
// no temporary file left.
func TestClosedPipe(t *testing.T) {
	dir := t.TempDir()
	writeLines(t, filepath.Join(dir, "access.log"), 0, 20)
	if r := runBinary(t, dir, "summary", "--state", "s.state", "access.log"); r.code != 0 {
		t.Fatalf("first run: exit %d: %s", r.code, r.stderr)
	}
	writeLines(t, filepath.Join(dir, "access.log"), 20, 40)
	before := snapshot(t, dir)
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	pr.Close()
	cmd := exec.Command(binary(t), "summary", "--state", "s.state", "access.log")
	cmd.Dir = dir
	cmd.Stdout = pw
	var errb bytes.Buffer
	cmd.Stderr = &errb
	cmd.Run()
	pw.Close()
	if code := cmd.ProcessState.ExitCode(); code != 2 || !strings.Contains(errb.String(), "broken pipe") {
		t.Errorf("exit %d, stderr %q; want 2 and a broken pipe", code, errb.String())
	}
	if after := snapshot(t, dir); after != before {
		t.Errorf("files changed:\n%s\nwas:\n%s", after, before)
	}
}

// TestSignals interrupts the binary with SIGINT, SIGTERM and SIGHUP while
// it reads (a FIFO fed slowly), folds, renders and commits: every time
// it exits 128+n, prints no result, and leaves the report and the state
// as they were, with no temporary file.
func TestSignals(t *testing.T) {
	signals := []struct {
		sig  syscall.Signal
		name string
		code int
	}{
		{syscall.SIGINT, "SIGINT", 130},
		{syscall.SIGTERM, "SIGTERM", 143},
		{syscall.SIGHUP, "SIGHUP", 129},
	}
	stages := []string{"read", "fold", "render", "commit"}
	for _, s := range signals {
		if signal.Ignored(s.sig) {
			continue // inherited as ignored (nohup): the binary keeps ignoring it
		}
		for _, stage := range stages {
			for _, command := range []string{"report", "summary"} {
				t.Run(s.name+"/"+stage+"/"+command, func(t *testing.T) {
					dir := t.TempDir()
					log := filepath.Join(dir, "access.log")
					writeLines(t, log, 0, 20)
					args := []string{command, "--state", "s.state"}
					if command == "report" {
						args = append(args, "-o", "index.html")
					}
					if r := runBinary(t, dir, append(args, "access.log")...); r.code != 0 {
						t.Fatalf("first run: exit %d: %s", r.code, r.stderr)
					}
					writeLines(t, log, 20, 40)
					before := snapshot(t, dir)

					input := "access.log"
					if stage == "read" {
						input = "fifo"
						if err := syscall.Mkfifo(filepath.Join(dir, input), 0o644); err != nil {
							t.Fatal(err)
						}
						before = snapshot(t, dir)
					}
					cmd := exec.Command(binary(t), append(args, input)...)
					cmd.Dir = dir
					cmd.Env = append(os.Environ(), "WEBALYZE_TEST_PAUSE="+stage)
					var out bytes.Buffer
					cmd.Stdout = &out
					stderr, err := cmd.StderrPipe()
					if err != nil {
						t.Fatal(err)
					}
					if err := cmd.Start(); err != nil {
						t.Fatal(err)
					}
					errLines := make(chan string, 100)
					go func() {
						sc := bufio.NewScanner(stderr)
						for sc.Scan() {
							errLines <- sc.Text()
						}
						close(errLines)
					}()
					var feed *os.File
					if stage == "read" {
						// Opening the FIFO returns once the binary has
						// opened it: it is reading. Some lines, no end.
						if feed, err = os.OpenFile(filepath.Join(dir, input), os.O_WRONLY, 0); err != nil {
							t.Fatal(err)
						}
						defer feed.Close()
						for m := 40; m < 50; m++ {
							feed.WriteString(logLine(m, 200) + "\n")
						}
					} else {
						waitFor(t, errLines, "webalyze: paused at "+stage)
						if stage == "commit" && len(temporaries(dir)) == 0 {
							t.Error("no temporary file at the commit stage: the test does not test their removal")
						}
					}
					cmd.Process.Signal(s.sig)
					var rest []string
					ended := make(chan struct{})
					go func() {
						for l := range errLines {
							rest = append(rest, l)
						}
						close(ended)
					}()
					select {
					case <-ended:
					case <-time.After(time.Minute):
						cmd.Process.Kill()
						<-ended
						t.Errorf("still running a minute after %s", s.name)
					}
					cmd.Wait()
					if code := cmd.ProcessState.ExitCode(); code != s.code {
						t.Errorf("exit %d, want %d; stderr: %q", code, s.code, rest)
					}
					want := "webalyze: interrupted by " + s.name + ": no file was written or changed"
					if !slices.Contains(rest, want) {
						t.Errorf("stderr %q, want %q", rest, want)
					}
					if out.Len() > 0 {
						t.Errorf("a result was printed: %.80q", out.String())
					}
					if after := snapshot(t, dir); after != before {
						t.Errorf("files changed:\n%s\nwas:\n%s", after, before)
					}
				})
			}
		}
	}
}

// waitFor reads lines until want; a run that never gets there fails the
// test after a minute rather than hanging it.
func waitFor(t *testing.T, lines <-chan string, want string) {
	t.Helper()
	deadline := time.After(time.Minute)
	var seen []string
	for {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("the run ended before %q; stderr: %q", want, seen)
			}
			if l == want {
				return
			}
			seen = append(seen, l)
		case <-deadline:
			t.Fatalf("no %q after a minute; stderr: %q", want, seen)
		}
	}
}

// TestStaleTemporaries: a run killed with SIGKILL while its files are
// prepared leaves temporary files; a later run removes those of its
// outputs once they are over an hour old, and nothing else.
func TestStaleTemporaries(t *testing.T) {
	dir := t.TempDir()
	writeLines(t, filepath.Join(dir, "access.log"), 0, 20)
	args := []string{"report", "-o", "index.html", "--state", "s.state", "access.log"}
	cmd := exec.Command(binary(t), args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "WEBALYZE_TEST_PAUSE=commit")
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	waitFor(t, lines, "webalyze: paused at commit")
	cmd.Process.Kill()
	cmd.Wait()
	left := temporaries(dir)
	if len(left) != 2 {
		t.Fatalf("after kill -9: temporary files %v, want the report's and the state's", left)
	}
	// Others that look alike but are not ours, or not old.
	keep := []string{".index.html.tmp-12x", ".index.html.tmp-", ".other.html.tmp-123", "index.html.tmp-123", ".s.state.tmp-99.bak"}
	for _, k := range keep {
		os.WriteFile(filepath.Join(dir, k), nil, 0o644)
	}
	old := time.Now().Add(-2 * time.Hour)
	for _, k := range keep {
		os.Chtimes(filepath.Join(dir, k), old, old)
	}
	fresh := filepath.Join(dir, ".index.html.tmp-4242") // a concurrent run's
	os.WriteFile(fresh, nil, 0o644)

	// Young leftovers may belong to a run still going: kept.
	if r := runBinary(t, dir, args...); r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for _, f := range append(left, fresh) {
		if _, err := os.Stat(f); err != nil {
			t.Errorf("%s removed while young: %v", filepath.Base(f), err)
		}
	}
	for _, f := range left {
		os.Chtimes(f, old, old)
	}
	if r := runBinary(t, dir, args...); r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for _, f := range left {
		if _, err := os.Stat(f); err == nil {
			t.Errorf("stale %s not removed", filepath.Base(f))
		}
	}
	for _, k := range append(keep, filepath.Base(fresh)) {
		if _, err := os.Stat(filepath.Join(dir, k)); err != nil {
			t.Errorf("%s removed: %v", k, err)
		}
	}
}

// TestOutputModes: new files get 0666 less the umask; a replaced file
// keeps its mode, owner and group.
func TestOutputModes(t *testing.T) {
	dir := t.TempDir()
	writeLines(t, filepath.Join(dir, "access.log"), 0, 20)
	run := func(umask string, args ...string) {
		t.Helper()
		cmd := exec.Command("/bin/sh", append([]string{"-c", "umask " + umask + " && exec \"$0\" \"$@\"", binary(t)}, args...)...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%v: %v: %s", args, err, out)
		}
	}
	mode := func(name string) (os.FileMode, uint32, uint32) {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		st := fi.Sys().(*syscall.Stat_t)
		return fi.Mode().Perm(), st.Uid, st.Gid
	}
	for _, tt := range []struct {
		umask        string
		report, stat os.FileMode
	}{{"022", 0o644, 0o600}, {"027", 0o640, 0o600}, {"077", 0o600, 0o600}, {"002", 0o664, 0o600}} {
		name := "r" + tt.umask + ".html"
		run(tt.umask, "report", "-q", "-o", name, "--state", tt.umask+".state", "access.log")
		if m, _, _ := mode(name); m != tt.report {
			t.Errorf("umask %s: report %v, want %v", tt.umask, m, tt.report)
		}
		if m, _, _ := mode(tt.umask + ".state"); m != tt.stat {
			t.Errorf("umask %s: state %v, want %v", tt.umask, m, tt.stat)
		}
	}

	// Replacing: the mode stays whatever the umask, and so do the owner
	// and group where the process may set them (root).
	os.WriteFile(filepath.Join(dir, "kept.html"), []byte("old"), 0o600)
	os.Chmod(filepath.Join(dir, "kept.html"), 0o640)
	uid, gid := uint32(os.Getuid()), uint32(os.Getgid())
	if os.Getuid() == 0 {
		uid, gid = 1234, 4
		if err := os.Chown(filepath.Join(dir, "kept.html"), int(uid), int(gid)); err != nil {
			t.Fatal(err)
		}
	}
	run("022", "report", "-q", "-o", "kept.html", "access.log")
	m, u, g := mode("kept.html")
	if m != 0o640 || u != uid || g != gid {
		t.Errorf("replaced report: %v %d:%d, want %v %d:%d", m, u, g, os.FileMode(0o640), uid, gid)
	}
	if data, _ := os.ReadFile(filepath.Join(dir, "kept.html")); string(data) == "old" {
		t.Error("kept.html was not replaced")
	}
}
