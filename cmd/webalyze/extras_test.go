package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// TestExtrasOldState: a --state series begun by a webalyze that did not
// count the extra panels goes on without them (it used to be refused:
// "cannot merge states made with different dimensions"), and a new
// series counts them.
func TestExtrasOldState(t *testing.T) {
	bin := buildWebalyze(t)
	dir := t.TempDir()
	raw, err := os.ReadFile("../../testdata/states/iis-v3-times-in-core.state")
	if err != nil {
		t.Fatal(err)
	}
	old, fresh := filepath.Join(dir, "old.state"), filepath.Join(dir, "new.state")
	if err := os.WriteFile(old, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	log := filepath.Join(dir, "access.log")
	if err := os.WriteFile(log, []byte(`192.0.2.1 - alice [05/Mar/2024:10:00:00 +0000] "GET /search?q=Red+Shoes HTTP/1.1" 200 12 "https://www.google.com/" "x"`+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		state  string
		panels bool
	}{{old, false}, {fresh, true}, {fresh, true}} {
		code, out, errs := runBin(t, bin, "summary", "--json", "-q", "--log-format", "combined", "--state", tt.state, log)
		if code != 0 {
			t.Fatalf("--state %s: exit %d: %s", filepath.Base(tt.state), code, errs)
		}
		var doc map[string]json.RawMessage
		if err := json.Unmarshal([]byte(out), &doc); err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{"referring_sites", "search", "content", "remote_users", "vhost_status"} {
			if _, ok := doc[k]; ok != tt.panels {
				t.Errorf("--state %s: %q present %v, want %v", filepath.Base(tt.state), k, ok, tt.panels)
			}
		}
	}
}
