package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// demoMMDB is the bundled demo database (documentation ranges).
var demoMMDB = filepath.Join("..", "..", "testdata", "geo", "demo.mmdb")

// geoDoc is the part of the JSON model the geo tests read.
type geoDoc struct {
	Requests int64 `json:"requests"`
	Geo      *struct {
		Databases []struct {
			Type   string `json:"type"`
			IPFire bool   `json:"ipfire"`
		} `json:"databases"`
		Countries *struct {
			Rows []struct {
				Code string `json:"code"`
				Hits int64  `json:"requests"`
			} `json:"rows"`
			Local    struct{ Requests int64 } `json:"local"`
			NotIP    struct{ Requests int64 } `json:"not_ip"`
			NotFound struct{ Requests int64 } `json:"not_found"`
		} `json:"countries"`
		Networks *struct {
			Rows []struct {
				ASN  int64 `json:"asn"`
				Hits int64 `json:"requests"`
			} `json:"rows"`
		} `json:"networks"`
	} `json:"geo"`
}

// countries renders the countries of d as "US=2 NL=1 local=1 ...".
func (d geoDoc) countries() string {
	if d.Geo == nil || d.Geo.Countries == nil {
		return "none"
	}
	c := d.Geo.Countries
	var parts []string
	for _, r := range c.Rows {
		parts = append(parts, fmt.Sprintf("%s=%d", r.Code, r.Hits))
	}
	return strings.Join(append(parts, fmt.Sprintf("local=%d not_ip=%d not_found=%d", c.Local.Requests, c.NotIP.Requests, c.NotFound.Requests)), " ")
}

func writeGeoLog(t *testing.T, dir string, clients ...string) string {
	t.Helper()
	var b strings.Builder
	for i, c := range clients {
		status := 200
		if i%3 == 2 {
			status = 503
		}
		fmt.Fprintf(&b, `%s - - [05/Mar/2024:14:00:%02d +0000] "GET /p%d HTTP/1.1" %d 100 "-" "ua"`+"\n", c, i%60, i, status)
	}
	p := filepath.Join(dir, "access.log")
	if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestGeoIPDBFlag runs summary, report, check and timeline through the
// binary: with the demo database the Countries panel is there; a missing
// or wrong-format database is exit 2 naming the file as given, before
// any log is read (the log given does not exist) and nothing is written.
func TestGeoIPDBFlag(t *testing.T) {
	bin := buildWebalyze(t)
	dir := t.TempDir()
	log := writeGeoLog(t, dir, "192.0.2.1", "192.0.2.1", "198.51.100.9", "[2001:db8::770]:443", "10.0.0.1", "-", "93.2.196.201")

	code, out, errs := runBin(t, bin, "summary", "--json", "--geoip-db", demoMMDB, log)
	if code != 0 {
		t.Fatalf("summary: exit %d\n%s", code, errs)
	}
	var d geoDoc
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatal(err)
	}
	if got, want := d.countries(), "US=2 FR=1 NL=1 local=1 not_ip=1 not_found=1"; got != want {
		t.Errorf("countries %s, want %s", got, want)
	}
	if d.Geo.Networks == nil || len(d.Geo.Networks.Rows) != 3 {
		t.Errorf("networks: %+v", d.Geo.Networks)
	}
	// A file name with a comma is one name, not two.
	comma := filepath.Join(dir, "geo,demo.mmdb")
	if b, err := os.ReadFile(demoMMDB); err != nil || os.WriteFile(comma, b, 0o644) != nil {
		t.Fatal(err)
	}
	code, out, _ = runBin(t, bin, "summary", "--geoip-db", comma, log)
	if code != 0 || !strings.Contains(out, "Countries  US 28.6%, FR 14.3%, NL 14.3%, local 14.3%") {
		t.Errorf("summary text (exit %d):\n%s", code, out)
	}
	code, out, _ = runBin(t, bin, "summary", log)
	if code != 0 || !strings.Contains(out, "--geoip-db") || !strings.Contains(out, "geoip build") {
		t.Errorf("summary without a database does not say how to enable countries (exit %d):\n%s", code, out)
	}
	html := filepath.Join(dir, "r.html")
	if code, _, errs := runBin(t, bin, "report", "-q", "--geoip-db", demoMMDB, "-o", html, log); code != 0 {
		t.Fatalf("report: exit %d\n%s", code, errs)
	}
	if b, _ := os.ReadFile(html); !strings.Contains(string(b), `<section id="countries"`) || !strings.Contains(string(b), "Demo Telecom E") {
		t.Error("the HTML report has no countries and networks")
	}
	if code, _, errs := runBin(t, bin, "check", "--geoip-db", demoMMDB, "--max", "5xx=90%", log); code != 0 {
		t.Errorf("check: exit %d\n%s", code, errs)
	}
	if code, _, errs := runBin(t, bin, "timeline", "--geoip-db", demoMMDB, log); code != 0 {
		t.Errorf("timeline: exit %d\n%s", code, errs)
	}

	text := filepath.Join(dir, "not.mmdb")
	os.WriteFile(text, []byte("not a database\n"), 0o644)
	missing := "no-such-dir/countries.mmdb"
	noLog := filepath.Join(dir, "no-such.log")
	for _, c := range []struct{ db, msg string }{
		{missing, "--geoip-db no-such-dir/countries.mmdb: no such file or directory"},
		{text, "--geoip-db " + text + ": not a MaxMind DB"},
		{dir, "--geoip-db " + dir + ": "},
	} {
		for _, cmd := range [][]string{{"summary"}, {"report", "-o", filepath.Join(dir, "x.html")}, {"check", "--max", "5xx=1%"}, {"timeline"}} {
			args := append(append(cmd, "--geoip-db", demoMMDB, "--geoip-db", c.db), noLog)
			code, _, errs := runBin(t, bin, args...)
			if code != 2 || !strings.Contains(errs, c.msg) || strings.Contains(errs, "no-such.log") {
				t.Errorf("%s: exit %d, stderr %q; want 2 and %q", strings.Join(args, " "), code, errs, c.msg)
			}
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "x.html")); err == nil {
		t.Error("a report was written despite a bad --geoip-db")
	}
}

// TestGeoIPState: a --state series keeps the geo section; a run with
// --geoip-db on a state made without is refused (exit 2, naming it), and
// merge adds the countries of states made on different machines.
func TestGeoIPState(t *testing.T) {
	bin := buildWebalyze(t)
	dir := t.TempDir()
	a := writeGeoLog(t, dir, "192.0.2.1", "198.51.100.9")
	st1, st2, plain := filepath.Join(dir, "1.state"), filepath.Join(dir, "2.state"), filepath.Join(dir, "plain.state")
	for _, r := range [][]string{
		{"summary", "-q", "--geoip-db", demoMMDB, "--state", st1, a},
		{"summary", "-q", "--geoip-db", demoMMDB, "--state", st2, a},
		{"summary", "-q", "--state", plain, a},
	} {
		if code, _, errs := runBin(t, bin, r...); code != 0 {
			t.Fatalf("%v: exit %d\n%s", r, code, errs)
		}
	}
	merged := filepath.Join(dir, "m.state")
	if code, _, errs := runBin(t, bin, "merge", "-o", merged, st1, st2); code != 0 {
		t.Fatalf("merge: exit %d\n%s", code, errs)
	}
	code, out, errs := runBin(t, bin, "summary", "--json", "--state", merged)
	var d geoDoc
	if code != 0 || json.Unmarshal([]byte(out), &d) != nil {
		t.Fatalf("summary of the merged state: exit %d\n%s", code, errs)
	}
	if got := d.countries(); got != "NL=2 US=2 local=0 not_ip=0 not_found=0" {
		t.Errorf("merged countries: %s", got)
	}
	code, _, errs = runBin(t, bin, "summary", "--geoip-db", demoMMDB, "--state", plain, a)
	if code != 2 || !strings.Contains(errs, "--geoip-db") || !strings.Contains(errs, "plain.state") {
		t.Errorf("adding --geoip-db to a state made without: exit %d, %s", code, errs)
	}
	if code, _, errs = runBin(t, bin, "merge", "-o", filepath.Join(dir, "x.state"), st1, plain); code != 2 || !strings.Contains(errs, "dimensions") {
		t.Errorf("merging states with and without a geo section: exit %d, %s", code, errs)
	}
}

// TestGeoIPBuild builds a country database from Tor geoip files the test
// writes, and from Debian's tor-geoipdb when $WEBALYZE_TOR_GEOIP_DIR
// names its unpacked /usr/share/tor; the report credits the IPFire data.
func TestGeoIPBuild(t *testing.T) {
	bin := buildWebalyze(t)
	dir := t.TempDir()
	tor := filepath.Join(dir, "tor")
	os.Mkdir(tor, 0o755)
	os.WriteFile(filepath.Join(tor, "geoip"), []byte("# Generated: Thu, 25 Jun 2026 04:33:59 GMT\n# Vendor: IPFire Project\n# License: CC BY-SA 4.0\n3221225984,3221226239,NL\n3325256704,3325256959,??\n"), 0o644)
	os.WriteFile(filepath.Join(tor, "geoip6"), []byte("# Vendor: IPFire Project\n2001:db8::,2001:db8:ffff:ffff:ffff:ffff:ffff:ffff,SE\n"), 0o644)
	out := filepath.Join(dir, "countries.mmdb")
	code, _, errs := runBin(t, bin, "geoip", "build", "--tor-dir", tor, "-o", out)
	if code != 0 || !strings.Contains(errs, "IPFire") {
		t.Fatalf("geoip build: exit %d\n%s", code, errs)
	}
	log := writeGeoLog(t, dir, "192.0.2.1", "2001:db8::1", "198.51.100.1")
	code, js, errs := runBin(t, bin, "summary", "--json", "--geoip-db", out, log)
	var d geoDoc
	if code != 0 || json.Unmarshal([]byte(js), &d) != nil {
		t.Fatalf("summary: exit %d\n%s", code, errs)
	}
	if got := d.countries(); got != "NL=1 SE=1 local=0 not_ip=0 not_found=1" {
		t.Errorf("countries %s", got)
	}
	if len(d.Geo.Databases) != 1 || !d.Geo.Databases[0].IPFire || d.Geo.Networks != nil {
		t.Errorf("databases %+v, networks %v", d.Geo.Databases, d.Geo.Networks)
	}
	html := filepath.Join(dir, "r.html")
	if code, _, errs := runBin(t, bin, "report", "-q", "--geoip-db", out, "-o", html, log); code != 0 {
		t.Fatalf("report: exit %d\n%s", code, errs)
	}
	if b, _ := os.ReadFile(html); !strings.Contains(string(b), "IPFire Location database") || !strings.Contains(string(b), "CC BY-SA 4.0") {
		t.Error("the report does not credit the IPFire data")
	}
	empty := filepath.Join(dir, "empty")
	os.Mkdir(empty, 0o755)
	code, _, errs = runBin(t, bin, "geoip", "build", "--tor-dir", empty, "-o", filepath.Join(dir, "x.mmdb"))
	if code != 2 || !strings.Contains(errs, "tor-geoipdb") || !strings.Contains(errs, empty) {
		t.Errorf("an empty --tor-dir: exit %d, %s", code, errs)
	}
	os.WriteFile(filepath.Join(empty, "geoip"), []byte("1,2,3,4\n"), 0o644)
	if code, _, errs = runBin(t, bin, "geoip", "build", "--tor-dir", empty, "-o", filepath.Join(dir, "x.mmdb")); code != 2 || !strings.Contains(errs, "geoip:1") {
		t.Errorf("a bad geoip file: exit %d, %s", code, errs)
	}

	real := os.Getenv("WEBALYZE_TOR_GEOIP_DIR")
	if real == "" {
		t.Skip("set WEBALYZE_TOR_GEOIP_DIR to Debian's tor-geoipdb /usr/share/tor (see .ci/run) to test the real data")
	}
	realDB := filepath.Join(dir, "real.mmdb")
	if code, _, errs := runBin(t, bin, "geoip", "build", "--tor-dir", real, "-o", realDB); code != 0 {
		t.Fatalf("geoip build from %s: exit %d\n%s", real, code, errs)
	}
	log = writeGeoLog(t, dir, "8.8.8.8", "193.0.6.139", "2001:4860:4860::8888", "8.8.4.4")
	code, js, errs = runBin(t, bin, "summary", "--json", "--geoip-db", realDB, log)
	d = geoDoc{}
	if code != 0 || json.Unmarshal([]byte(js), &d) != nil {
		t.Fatalf("summary: exit %d\n%s", code, errs)
	}
	if got := d.countries(); got != "US=3 NL=1 local=0 not_ip=0 not_found=0" {
		t.Errorf("real data: %s", got)
	}
}
