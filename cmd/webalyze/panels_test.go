package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// TestNoVisitorPanels: --no-visitor-panels leaves out the agent panels,
// visits and the extra panels and nothing else; a state made so goes on
// without them; --exclude-bots, which needs the agent classes, is refused.
func TestNoVisitorPanels(t *testing.T) {
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
	full, lean := model(log), model("--no-visitor-panels", log)
	for _, k := range panels {
		if v, ok := lean[k]; ok && string(v) != "null" {
			t.Errorf("--no-visitor-panels: %s is %.80s", k, v)
		}
		if v := full[k]; len(v) == 0 || string(v) == "null" {
			t.Errorf("without the flag: %s missing", k)
		}
	}
	for _, k := range []string{"lines", "requests", "bytes", "status", "visitors", "top_urls", "agents"} {
		if string(full[k]) != string(lean[k]) {
			t.Errorf("--no-visitor-panels changed %s:\n%.200s\n%.200s", k, full[k], lean[k])
		}
	}

	// A state made without the panels goes on without them.
	state := filepath.Join(dir, "lean.state")
	half := filepath.Join(dir, "half.log")
	writeLog(t, half, lines[:300])
	model("--no-visitor-panels", "--state", state, half)
	writeLog(t, half, lines)
	again := model("--state", state, half)
	if string(again["requests"]) != string(full["requests"]) {
		t.Errorf("second run on the lean state: requests %s, want %s", again["requests"], full["requests"])
	}
	for _, k := range panels {
		if v, ok := again[k]; ok && string(v) != "null" {
			t.Errorf("a lean state grew %s", k)
		}
	}

	code, _, errs := runBin(t, bin, "summary", "--no-visitor-panels", "--exclude-bots", log)
	if code != 2 || !strings.Contains(errs, "--exclude-bots needs the user-agent classes") {
		t.Errorf("--no-visitor-panels --exclude-bots: exit %d: %s", code, errs)
	}
}
