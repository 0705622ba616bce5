package report

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/webalyze/webalyze/aggregate"
	"github.com/webalyze/webalyze/parser"
)

// findChromium returns a headless-capable browser, or "".
func findChromium() string {
	if p := os.Getenv("WEBALYZE_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// chromium runs the browser headless on a fresh profile with args.
func chromium(t *testing.T, args ...string) []byte {
	t.Helper()
	bin := findChromium()
	if bin == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("chromium not found, and CI is set: .ci/run installs it")
		}
		t.Skip("chromium not found (install Debian's chromium, or set WEBALYZE_CHROMIUM); skipping the browser test")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	base := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
		"--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
		"--user-data-dir=" + t.TempDir()}
	out, err := exec.CommandContext(ctx, bin, append(base, args...)...).Output()
	if err != nil {
		t.Fatalf("%s: %v", bin, err)
	}
	return out
}

// hostileState is a State fed with records whose every field attacks the
// page: markup, attribute break-outs, script URLs, bidi overrides and
// control characters.
func hostileState() *aggregate.State {
	st := aggregate.New(aggregate.Options{})
	t0 := time.Date(2024, 3, 5, 14, 0, 0, 0, time.UTC).Unix()
	attacks := []struct{ path, ref, ua, host string }{
		{"/<script>alert(1)</script>", "javascript:alert(1)", `"><img src=x onerror=alert(1)>`, "<b>host</b>"},
		{"/x</script><script>alert(2)</script>", "http://evil.example/\"onmouseover=\"alert(3)", "ua\u202egnp.exe", "10.0.0.1"},
		{"/a\x1b[31mred\x07", "data:text/html,<script>alert(4)</script>", "<svg onload=alert(5)>", "10.0.0.2"},
		{"/ok", "https://good.example/page", "Mozilla/5.0", "10.0.0.3"},
	}
	var rec parser.Record
	for i := range 40 {
		a := attacks[i%len(attacks)]
		rec.Reset()
		rec.Host, rec.Path, rec.Referer, rec.UserAgent = []byte(a.host), []byte(a.path), []byte(a.ref), []byte(a.ua)
		rec.Method, rec.Protocol = []byte("GET"), []byte("HTTP/1.1")
		rec.Time, rec.HasTime = t0+int64(i*30), true
		rec.Status, rec.HasStatus = []uint16{200, 404, 502, 499}[i%4], true
		rec.Bytes, rec.HasBytes = 100, true
		rec.Duration, rec.HasDuration = int64(1000*(i+1)), true
		st.Add(&rec)
	}
	st.AddMalformed(aggregate.Malformed{Reason: parser.ReasonTrailingData, File: "<i>x.log</i>", Line: 7, Offset: 99,
		Column: 3, Detail: "bad", Text: []byte(`<script>alert(6)</script>"'><iframe src=javascript:alert(7)>`)})
	return st
}

// TestBrowserRendersHostileReport renders a report of hostile records in
// headless Chromium and checks the DOM the browser built: every section
// and chart is there, and no log byte became an element, an attribute or
// a script URL.
func TestBrowserRendersHostileReport(t *testing.T) {
	page := filepath.Join(t.TempDir(), "report.html")
	f, err := os.Create(page)
	if err != nil {
		t.Fatal(err)
	}
	if err := WriteHTML(f, Build(hostileState(), BuildOptions{})); err != nil {
		t.Fatal(err)
	}
	f.Close()
	dom := string(chromium(t, "--dump-dom", "file://"+page))
	if !strings.Contains(dom, "</html>") {
		t.Fatalf("no DOM dumped: %.200q", dom)
	}
	for _, id := range []string{"summary", "classes", "codes", "aborted", "incidents", "months", "urls", "clients", "referrers", "agents", "latency", "diagnostics"} {
		if !strings.Contains(dom, `id="`+id+`"`) {
			t.Errorf("section %q missing from the DOM", id)
		}
	}
	if n := strings.Count(dom, "<svg"); n < 3 {
		t.Errorf("%d SVG charts in the DOM, want at least 3", n)
	}
	lower := strings.ToLower(dom)
	for _, bad := range []string{"<script", "<img", "<iframe", "<b>host", "<i>x.log", `href="javascript:`, `href="data:`, "\x1b", "\u202e"} {
		if strings.Contains(lower, strings.ToLower(bad)) {
			t.Errorf("the DOM holds %q: log data became markup or raw control characters", bad)
		}
	}
	if m := regexp.MustCompile(`(?i)<[a-z][^>]*\son[a-z]+=`).FindString(dom); m != "" {
		t.Errorf("an element has an event handler attribute: %q", m)
	}
	for _, text := range []string{"/&lt;script&gt;alert(1)&lt;/script&gt;", "javascript:alert(1)", "&lt;svg onload=alert(5)&gt;"} {
		if !strings.Contains(dom, text) {
			t.Errorf("hostile value %q not shown as text", text)
		}
	}
	if !strings.Contains(dom, `href="https://good.example/page"`) || !strings.Contains(dom, `rel="noopener noreferrer nofollow"`) {
		t.Errorf("the https referrer is not a safe link")
	}
}

// TestScreenshot writes a screenshot of a realistic report when
// WEBALYZE_SCREENSHOT names the PNG to write; it is for looking at the
// page, not run by default.
func TestScreenshot(t *testing.T) {
	out := os.Getenv("WEBALYZE_SCREENSHOT")
	if out == "" {
		t.Skip("set WEBALYZE_SCREENSHOT=/path/to.png to take a screenshot of a report")
	}
	page := filepath.Join(t.TempDir(), "report.html")
	f, _ := os.Create(page)
	if err := WriteHTML(f, Build(hostileState(), BuildOptions{})); err != nil {
		t.Fatal(err)
	}
	f.Close()
	abs, _ := filepath.Abs(out)
	chromium(t, "--window-size=1280,3000", "--screenshot="+abs, "file://"+page)
}
