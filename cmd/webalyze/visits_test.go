package main

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// visitLog returns combined-format lines of a few visitors browsing
// over some hours, in time order, some visits spanning the middle line.
func visitLog() []string {
	rng := rand.New(rand.NewPCG(19, 3))
	pages := []string{"/", "/about", "/blog/", "/post.html", "/app.css", "/contact.php"}
	t := time.Date(2026, 3, 1, 22, 0, 0, 0, time.UTC)
	var lines []string
	for range 600 {
		// Gaps of up to 4 minutes across all visitors: some of the 12
		// visitors come back within 30 minutes, some do not.
		t = t.Add(time.Duration(rng.IntN(240)) * time.Second)
		v := rng.IntN(12)
		status := 200
		if rng.IntN(10) == 0 {
			status = 404
		}
		lines = append(lines, fmt.Sprintf(`10.0.0.%d - - [%s] "GET %s HTTP/1.1" %d 512 "-" "agent-%d"`,
			v%6, t.Format("02/Jan/2006:15:04:05 -0700"), pages[rng.IntN(len(pages))], status, v/6))
	}
	return lines
}

func writeLog(t *testing.T, path string, lines []string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
}

// visitsOf runs the binary and returns the JSON model's "visits".
func visitsOf(t *testing.T, bin string, args ...string) string {
	t.Helper()
	code, out, errs := runBin(t, bin, append([]string{"summary", "--json"}, args...)...)
	if code != 0 {
		t.Fatalf("summary %v: exit %d: %s", args, code, errs)
	}
	var m struct{ Visits json.RawMessage }
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Fatal(err)
	}
	return string(m.Visits)
}

// TestVisitsBlocksOverWorkers: a log of many blocks, whose visitors come
// back every few minutes, gives the same visits, exact, with 1, 2 and 3
// workers, though more visits end than --visit-capacity holds: the
// finished ones are folded as they come, and a visit that spans two
// blocks read by two workers is not split.
func TestVisitsBlocksOverWorkers(t *testing.T) {
	bin := buildWebalyze(t)
	rng := rand.New(rand.NewPCG(23, 5))
	var b strings.Builder
	at := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	for i := range 100_000 {
		if i%6 == 0 {
			at = at.Add(time.Second)
		}
		id := rng.IntN(3000)
		fmt.Fprintf(&b, "10.1.%d.%d - - [%s] \"GET /p%d HTTP/1.1\" 200 100 \"-\" \"agent-%d\"\n",
			id/200, id%200, at.Format("02/Jan/2006:15:04:05 -0700"), rng.IntN(40), id%3)
	}
	log := filepath.Join(t.TempDir(), "access.log")
	if err := os.WriteFile(log, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	want := visitsOf(t, bin, "--workers", "1", "--visit-timeout", "2m", "--visit-capacity", "10000", log)
	var w struct {
		Visits int64
		Exact  bool
	}
	json.Unmarshal([]byte(want), &w)
	if w.Visits < 20_000 || !w.Exact {
		t.Fatalf("1 worker: %.300s", want)
	}
	for _, workers := range []string{"2", "3"} {
		if got := visitsOf(t, bin, "--workers", workers, "--visit-timeout", "2m", "--visit-capacity", "10000", log); got != want {
			t.Errorf("%s workers:\n%.600s\nwant\n%.600s", workers, got, want)
		}
	}
}

// TestVisitsAcrossRunsAndMerges: a log read in two --state runs, two
// states of its halves merged, its halves in either order and any number
// of workers all give the visits of one run over the whole log.
func TestVisitsAcrossRunsAndMerges(t *testing.T) {
	bin := buildWebalyze(t)
	dir := t.TempDir()
	lines := visitLog()
	half := len(lines) / 2
	whole, a, b, grow := filepath.Join(dir, "whole.log"), filepath.Join(dir, "a.log"), filepath.Join(dir, "b.log"), filepath.Join(dir, "access.log")
	writeLog(t, whole, lines)
	writeLog(t, a, lines[:half])
	writeLog(t, b, lines[half:])
	want := visitsOf(t, bin, "--workers", "1", whole)
	var w struct {
		Visits int64
		Exact  bool
	}
	json.Unmarshal([]byte(want), &w)
	if w.Visits < 20 || !w.Exact {
		t.Fatalf("whole log: %s", want)
	}

	t.Run("workers and file order", func(t *testing.T) {
		if got := visitsOf(t, bin, "--workers", "3", b, a); got != want {
			t.Errorf("b a with 3 workers:\n%s\nwant\n%s", got, want)
		}
	})
	t.Run("state runs", func(t *testing.T) {
		state := filepath.Join(dir, "runs.state")
		writeLog(t, grow, lines[:half])
		visitsOf(t, bin, "--workers", "2", "--state", state, grow)
		writeLog(t, grow, lines) // the same file, grown
		if got := visitsOf(t, bin, "--workers", "2", "--state", state, grow); got != want {
			t.Errorf("two --state runs:\n%s\nwant\n%s", got, want)
		}
	})
	t.Run("merge", func(t *testing.T) {
		sa, sb, all := filepath.Join(dir, "a.state"), filepath.Join(dir, "b.state"), filepath.Join(dir, "all.state")
		va, vb := visitsOf(t, bin, "--state", sa, a), visitsOf(t, bin, "--state", sb, b)
		var x, y struct{ Visits int64 }
		json.Unmarshal([]byte(va), &x)
		json.Unmarshal([]byte(vb), &y)
		if x.Visits+y.Visits <= w.Visits {
			t.Fatalf("no visit spans the halves (%d + %d visits, %d in all): the test proves nothing", x.Visits, y.Visits, w.Visits)
		}
		for _, order := range [][]string{{sa, sb}, {sb, sa}} {
			if code, _, errs := runBin(t, bin, append([]string{"merge", "-o", all}, order...)...); code != 0 {
				t.Fatalf("merge: %d %s", code, errs)
			}
			if got := visitsOf(t, bin, "--state", all); got != want {
				t.Errorf("merge %v:\n%s\nwant\n%s", order, got, want)
			}
		}
	})
	t.Run("timeouts differ", func(t *testing.T) {
		s10, s30, out := filepath.Join(dir, "10m.state"), filepath.Join(dir, "30m.state"), filepath.Join(dir, "out.state")
		visitsOf(t, bin, "--visit-timeout", "10m", "--state", s10, a)
		visitsOf(t, bin, "--state", s30, b)
		code, _, errs := runBin(t, bin, "merge", "-o", out, s10, s30)
		if code != 2 || !strings.Contains(errs, "--visit-timeout 10m0s and 30m0s") {
			t.Errorf("merge of 10m and 30m states: exit %d, %q", code, errs)
		}
		code, _, errs = runBin(t, bin, "summary", "--state", s10, b)
		if code != 2 || !strings.Contains(errs, "--visit-timeout") {
			t.Errorf("a 30m run on a 10m state: exit %d, %q", code, errs)
		}
	})
	t.Run("state made before visits", func(t *testing.T) {
		old, err := os.ReadFile(filepath.Join("..", "..", "testdata", "states", "iis-before-minute-subcodes.state"))
		if err != nil {
			t.Fatal(err)
		}
		state := filepath.Join(dir, "old.state")
		os.WriteFile(state, old, 0o644)
		if got := visitsOf(t, bin, "--state", state, a); got != "null" {
			t.Errorf("a state made without visits goes on with them: %s", got)
		}
	})
	t.Run("no visits", func(t *testing.T) {
		if got := visitsOf(t, bin, "--no-visits", whole); got != "null" {
			t.Errorf("--no-visits: %s", got)
		}
	})
	t.Run("bad flags", func(t *testing.T) {
		for _, args := range [][]string{{"--visit-timeout", "0s"}, {"--visit-capacity", "-1"}} {
			if code, _, errs := runBin(t, bin, append(append([]string{"summary"}, args...), whole)...); code != 2 || !strings.Contains(errs, args[0]) {
				t.Errorf("%v: exit %d, %q", args, code, errs)
			}
		}
	})
}
