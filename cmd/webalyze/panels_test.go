package main

import (
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestPanelFlags: --no-visitor-panels leaves out the agent panels, visits
// and the extra panels, --no-agents the agent panels alone, and nothing
// else; a state made so goes on without them; --exclude-bots, which needs
// the agent classes, is refused with either.
func TestPanelFlags(t *testing.T) {
	bin := buildWebalyze(t)
	dir := t.TempDir()
	lines := visitLog()
	for i := range lines {
		if i%7 == 0 {
			lines[i] = strings.Replace(lines[i], `"agent-`, `"Mozilla/5.0 (compatible; Googlebot/2.1) agent-`, 1)
		}
	}
	log := filepath.Join(dir, "access.log")
	writeLog(t, log, lines)
	panels := []string{"agent_panels", "visits", "referring_sites", "search", "content", "remote_users", "vhost_status"}
	core := []string{"lines", "requests", "bytes", "status", "visitors", "top_urls", "agents"}

	model := func(args ...string) map[string]json.RawMessage {
		t.Helper()
		code, out, errs := runBin(t, bin, append([]string{"summary", "--json"}, args...)...)
		if code != 0 {
			t.Fatalf("summary %v: exit %d: %s", args, code, errs)
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal([]byte(out), &m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	full := model(log)
	for _, k := range panels {
		if v := full[k]; len(v) == 0 || string(v) == "null" {
			t.Errorf("without a flag: %s missing", k)
		}
	}
	for _, tc := range []struct {
		flag string
		off  []string // the panels it leaves out; the others are as without it
	}{
		{"--no-visitor-panels", panels},
		{"--no-agents", []string{"agent_panels"}},
	} {
		t.Run(tc.flag, func(t *testing.T) {
			lean := model(tc.flag, log)
			for _, k := range append(slices.Clone(core), panels...) {
				if slices.Contains(tc.off, k) {
					if v, ok := lean[k]; ok && string(v) != "null" {
						t.Errorf("%s is %.80s", k, v)
					}
				} else if string(full[k]) != string(lean[k]) {
					t.Errorf("changed %s:\n%.200s\n%.200s", k, full[k], lean[k])
				}
			}

			// A state made without the panels goes on without them.
			state := filepath.Join(dir, tc.flag[2:]+".state")
			half := filepath.Join(dir, tc.flag[2:]+".log")
			writeLog(t, half, lines[:300])
			model(tc.flag, "--state", state, half)
			writeLog(t, half, lines)
			again := model("--state", state, half)
			if string(again["requests"]) != string(full["requests"]) {
				t.Errorf("second run on the lean state: requests %s, want %s", again["requests"], full["requests"])
			}
			for _, k := range tc.off {
				if v, ok := again[k]; ok && string(v) != "null" {
					t.Errorf("a lean state grew %s", k)
				}
			}
			code, _, errs := runBin(t, bin, "summary", "--state", state, "--exclude-bots", half)
			if code != 2 || !strings.Contains(errs, "was made without user-agent classes") {
				t.Errorf("--exclude-bots on the lean state: exit %d: %s", code, errs)
			}

			// A state made with the panels refuses a run without them.
			fullState := filepath.Join(dir, tc.flag[2:]+"-full.state")
			model("--state", fullState, half)
			code, _, errs = runBin(t, bin, "summary", tc.flag, "--state", fullState, half)
			if code != 2 || !strings.Contains(errs, "different dimensions") {
				t.Errorf("%s on a state made with the panels: exit %d: %s", tc.flag, code, errs)
			}

			code, _, errs = runBin(t, bin, "summary", tc.flag, "--exclude-bots", log)
			if code != 2 || !strings.Contains(errs, "--exclude-bots needs the user-agent classes that "+tc.flag+" leaves out") {
				t.Errorf("%s --exclude-bots: exit %d: %s", tc.flag, code, errs)
			}
		})
	}
}
