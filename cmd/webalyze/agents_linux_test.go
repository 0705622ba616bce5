package main

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// agentsLog writes a combined log of people, bots (AI crawlers among
// them), tools and empty agents, with a malformed line, and the same log
// without the bots' lines; it returns both paths and the number of bot
// lines.
func agentsLog(t *testing.T, dir string) (all, noBots string, bots int) {
	t.Helper()
	agents := []struct {
		ua  string
		bot bool
	}{
		{"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36", false},
		{"Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1", false},
		{"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", true},
		{"Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; +https://openai.com/gptbot)", true},
		{"Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)", true},
		{"curl/8.5.0", false},
		{"python-requests/2.31.0", false},
		{"-", false},
	}
	r := rand.New(rand.NewPCG(19, 1))
	var a, b strings.Builder
	for i := range 600 {
		ag := agents[r.IntN(len(agents))]
		status := []int{200, 200, 200, 304, 404, 500, 503}[r.IntN(7)]
		line := fmt.Sprintf("192.0.2.%d - - [04/May/2026:10:%02d:%02d +0000] \"GET /p%d HTTP/1.1\" %d %d \"-\" \"%s\"\n",
			r.IntN(30), i/60, i%60, r.IntN(20), status, r.IntN(9000), ag.ua)
		a.WriteString(line)
		if ag.bot {
			bots++
		} else {
			b.WriteString(line)
		}
		if i == 300 {
			bad := "192.0.2.1 - - [04/May/2026:10:05:00 +0000] \"GET / HTTP/1.1\" 2e2 5 \"-\" \"Googlebot/2.1\"\n"
			a.WriteString(bad)
			b.WriteString(bad)
		}
	}
	all, noBots = filepath.Join(dir, "all.log"), filepath.Join(dir, "nobots.log")
	if err := os.WriteFile(all, []byte(a.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(noBots, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return all, noBots, bots
}

// TestExcludeBots: --exclude-bots counts the bots' lines as filtered
// (reason "bot"), the accounting holds, and every other figure equals a
// run over the log with those lines removed, through the binary.
func TestExcludeBots(t *testing.T) {
	dir := t.TempDir()
	all, noBots, bots := agentsLog(t, dir)
	jsonOf := func(args ...string) map[string]any {
		t.Helper()
		res := runBinary(t, dir, args...)
		if res.code != 0 {
			t.Fatalf("%v: exit %d\n%s", args, res.code, res.stderr)
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(res.stdout), &m); err != nil {
			t.Fatalf("%v: %v", args, err)
		}
		return m
	}
	for _, c := range []struct {
		name string
		args func(file string, exclude bool) []string
		read func(dir string, stdout map[string]any) map[string]any
	}{
		{"summary", func(f string, ex bool) []string {
			return append([]string{"summary", "--json", "-f", "combined", f}, flagIf(ex)...)
		}, nil},
		{"report", func(f string, ex bool) []string {
			out := "x.json"
			if ex {
				out = "y.json"
			}
			return append([]string{"report", "-o", out, "-f", "combined", f}, flagIf(ex)...)
		}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			var got, want map[string]any
			if c.name == "report" {
				runOK(t, dir, c.args(all, true)...)
				runOK(t, dir, c.args(noBots, false)...)
				got, want = readJSON(t, filepath.Join(dir, "y.json")), readJSON(t, filepath.Join(dir, "x.json"))
			} else {
				got, want = jsonOf(c.args(all, true)...), jsonOf(c.args(noBots, false)...)
			}
			l := got["lines"].(map[string]any)
			n := func(k string) int { return int(l[k].(float64)) }
			if n("read") != n("parsed")+n("malformed")+n("skipped")+n("filtered") {
				t.Errorf("lines do not add up: %v", l)
			}
			if n("filtered") != bots || n("malformed") != 1 {
				t.Errorf("lines %v: want %d filtered, 1 malformed", l, bots)
			}
			if fr := got["filtered_reasons"].(map[string]any); len(fr) != 1 || int(fr["bot"].(float64)) != bots {
				t.Errorf("filtered_reasons %v, want bot: %d", fr, bots)
			}
			wl := want["lines"].(map[string]any)
			if wl["parsed"] != l["parsed"] || wl["malformed"] != l["malformed"] {
				t.Errorf("lines %v, without bots %v", l, wl)
			}
			if !reflect.DeepEqual(got["malformed_reasons"], want["malformed_reasons"]) {
				t.Errorf("malformed_reasons %v, without bots %v", got["malformed_reasons"], want["malformed_reasons"])
			}
			// Diagnostics name the file and line of a sample, and give
			// shares of the lines read: they differ by design.
			for _, k := range []string{"lines", "filtered_reasons", "formats", "generator", "diagnostics"} {
				delete(got, k)
				delete(want, k)
			}
			for k := range want {
				if !reflect.DeepEqual(got[k], want[k]) {
					t.Errorf("%s differs from a run without the bots' lines:\n got %.400v\nwant %.400v", k, got[k], want[k])
				}
			}
			kinds := got["agent_panels"].(map[string]any)["kinds"].([]any)
			for _, k := range kinds {
				k := k.(map[string]any)
				if k["kind"] == "bot" && k["requests"].(float64) != 0 {
					t.Errorf("bots left: %v", k)
				}
			}
		})
	}
	// The text summary says what was left out; check and timeline take
	// the flag and count the same lines.
	res := runBinary(t, dir, "summary", "--exclude-bots", "-f", "combined", all)
	if want := fmt.Sprintf("Left out  %d bots (--exclude-bots)", bots); !strings.Contains(res.stdout, want) {
		t.Errorf("summary says:\n%s\nwant a line %q", res.stdout, want)
	}
	for _, args := range [][]string{{"check", "--max", "5xx=1%"}, {"timeline"}} {
		with := runBinary(t, dir, append(append(args, "--exclude-bots", "-f", "combined"), all)...)
		without := runBinary(t, dir, append(append(args, "-f", "combined"), noBots)...)
		if with.code != without.code || with.code >= 2 {
			t.Errorf("%v: exit %d with --exclude-bots, %d without the bots' lines\n%s%s", args, with.code, without.code, with.stderr, without.stderr)
		}
		if w, wo := strings.ReplaceAll(with.stdout, all, "LOG"), strings.ReplaceAll(without.stdout, noBots, "LOG"); w != wo {
			t.Errorf("%v: with --exclude-bots:\n%s\nwithout the bots' lines:\n%s", args, w, wo)
		}
	}
}

// TestExcludeBotsState: a state keeps whether bots were left out; a run
// with the other setting is refused rather than mixing the two.
func TestExcludeBotsState(t *testing.T) {
	dir := t.TempDir()
	all, noBots, _ := agentsLog(t, dir)
	runOK(t, dir, "summary", "-q", "--state", "s.state", "-f", "combined", noBots)
	res := runBinary(t, dir, "summary", "-q", "--state", "s.state", "--exclude-bots", "-f", "combined", all)
	if res.code != 2 || !strings.Contains(res.stderr, "--exclude-bots") {
		t.Errorf("exit %d, stderr %q: want 2 naming --exclude-bots", res.code, res.stderr)
	}
}

func flagIf(b bool) []string {
	if b {
		return []string{"--exclude-bots"}
	}
	return nil
}

func runOK(t *testing.T, dir string, args ...string) {
	t.Helper()
	if res := runBinary(t, dir, args...); res.code != 0 {
		t.Fatalf("%v: exit %d\n%s", args, res.code, res.stderr)
	}
}

func readJSON(t *testing.T, path string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}
