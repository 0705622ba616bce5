package report

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/webalyze/webalyze/aggregate"
	"github.com/webalyze/webalyze/aggregate/dim"
	"github.com/webalyze/webalyze/parser"
)

// The browser tests render a report in headless Chromium: the one from
// $WEBALYZE_CHROMIUM, else /usr/bin/chromium, else chromium,
// chromium-browser or google-chrome on PATH. Without one they are
// skipped, except under CI=true, where a missing browser is a failure
// (.ci/run installs Debian's chromium).

// findChromium returns the browser to run, or skips (fails under CI).
func findChromium(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("WEBALYZE_CHROMIUM"); p != "" {
		path, err := exec.LookPath(p)
		if err != nil {
			t.Fatalf("WEBALYZE_CHROMIUM=%s: %v", p, err)
		}
		return path
	}
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if path, err := exec.LookPath(name); err == nil {
			return path
		}
	}
	msg := "no Chromium: install Debian's chromium (apt-get install chromium), or set WEBALYZE_CHROMIUM to a Chromium or Chrome binary"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// runChromium runs the headless browser with a fresh profile, without
// network services, on args, and returns its standard output and error.
func runChromium(t *testing.T, bin string, args ...string) (stdout, stderr []byte) {
	t.Helper()
	profile, err := os.MkdirTemp("", "webalyze-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	// Not t.TempDir: a browser helper process may still be writing to
	// the profile when the test ends, and that must not fail the test.
	t.Cleanup(func() { os.RemoveAll(profile) })
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	base := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
		"--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
		"--enable-logging=stderr", "--v=0", "--user-data-dir=" + profile}
	cmd := exec.CommandContext(ctx, bin, append(base, args...)...)
	cmd.WaitDelay = 5 * time.Second
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			err = fmt.Errorf("timed out after 60 s: %w", err)
		}
		t.Fatalf("%s %s: %v\n%s", bin, strings.Join(args, " "), err, tail(errb.Bytes(), 2000))
	}
	return out.Bytes(), errb.Bytes()
}

func tail(b []byte, n int) []byte {
	if len(b) > n {
		return b[len(b)-n:]
	}
	return b
}

// writeReport writes m as HTML in a new temporary directory and returns
// its file URL.
func writeReport(t *testing.T, m *Model) (path, fileURL string) {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteHTML(&buf, m); err != nil {
		t.Fatal(err)
	}
	path = filepath.Join(t.TempDir(), "report.html")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		t.Fatal(err)
	}
	return abs, (&url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}).String()
}

// Strings that come from a hostile log. Each must reach the page as text.
const (
	hostileURL      = "/<script>alert(1)</script>"
	hostileURL2     = "/search?q=</script><svg onload=alert(2)>"
	hostileReferrer = "javascript:alert(1)"
	hostileAgent    = `"><img src=x onerror=alert(1)>`
	hostileBidi     = "/invoice\u202etxt.exe"
	hostileControl  = "/term\x1b[2J\x1b]0;pwned\x07\r\nSet-Cookie: x=1"
	hostileHost     = "<b onmouseover=alert(3)>10.6.6.6</b>"
	hostileVHost    = "evil.example\"><iframe src=javascript:alert(4)>"
)

// hostileState is a State fed ordinary traffic plus hostile records,
// malformed lines, file errors and format names.
func hostileState() *aggregate.State {
	st := aggregate.New(aggregate.Options{Dimensions: append(extrasDims(), browserDimensions...)})
	base := at("2026-05-04T10:00:00Z").Unix()
	add := func(sec int64, status uint16, path, ref, agent, host, vhost string) {
		p, q, _ := strings.Cut(path, "?")
		st.Add(&parser.Record{Host: []byte(host), Method: []byte("GET"), Path: []byte(p), Query: []byte(q),
			Protocol: []byte("HTTP/1.1"), HasTime: true, Time: base + sec, HasStatus: true, Status: status,
			Bytes: 512, HasBytes: true, Referer: []byte(ref), UserAgent: []byte(agent), VHost: []byte(vhost),
			HasDuration: true, Duration: 20_000 + sec*100})
	}
	for i := range int64(120) {
		add(i*30, 200, "/", "https://search.example/?q=webalyze", "Mozilla/5.0", "192.0.2.1", "example.org")
	}
	for i := range int64(15) { // an outage: one incident
		add(600+i*4, 503, "/api/orders", "-", "Mozilla/5.0", "192.0.2.2", "example.org")
	}
	hostile := []string{hostileURL, hostileURL2, hostileBidi, hostileControl}
	for i, h := range hostile {
		sec := int64(700 + i)
		add(sec, 404, h, hostileReferrer, hostileAgent, hostileHost, hostileVHost)
		add(sec, 500, h, hostileReferrer, hostileAgent, hostileHost, hostileVHost)
		add(sec, 499, h, hostileReferrer, hostileAgent, hostileHost, hostileVHost)
		add(sec, 200, "/ok", h, h, h, h)
	}
	addExtrasHostile(st, base+800)
	for _, h := range append(hostile, hostileAgent) {
		st.AddMalformed(aggregate.Malformed{Reason: parser.ReasonInvalidRequest, File: h, Line: 1, Field: h, Detail: h, Text: []byte(h)})
		st.AddFileError(h, h)
		st.SetFormat(h, h)
	}
	return st
}

// nodeText is the concatenated text of the node and its descendants.
func nodeText(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

func TestBrowserHostile(t *testing.T) {
	bin := findChromium(t)
	m := Build(hostileState(), BuildOptions{Title: "Hostile " + hostileURL})
	_, u := writeReport(t, m)
	dom, stderr := runChromium(t, bin, "--dump-dom", u)
	if len(dom) == 0 {
		t.Fatalf("empty DOM; browser said:\n%s", tail(stderr, 2000))
	}
	// The Content-Security-Policy allows our stylesheet and nothing else:
	// a violation means a hash or an attribute went wrong.
	for _, line := range strings.Split(string(stderr), "\n") {
		if strings.Contains(line, "CONSOLE") {
			t.Errorf("browser console: %s", line)
		}
	}

	doc, err := html.Parse(bytes.NewReader(dom))
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	elems := map[string]int{}
	var texts []string
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		switch n.Type {
		case html.TextNode:
			texts = append(texts, n.Data)
		case html.ElementNode:
			elems[n.Data]++
			for _, a := range n.Attr {
				key := strings.ToLower(a.Key)
				if key == "id" {
					ids[a.Val] = true
				}
				if strings.HasPrefix(key, "on") {
					t.Errorf("<%s> has an event handler %s=%q", n.Data, a.Key, a.Val)
				}
				if key == "href" || key == "src" || key == "xlink:href" || key == "action" || key == "formaction" {
					v := strings.ToLower(strings.TrimSpace(a.Val))
					if !strings.HasPrefix(v, "#") && !strings.HasPrefix(v, "http://") && !strings.HasPrefix(v, "https://") {
						t.Errorf("<%s %s=%q>: only in-page and http(s) links are allowed", n.Data, a.Key, a.Val)
					}
				}
				if key == "style" {
					t.Errorf("<%s> has a style attribute %q", n.Data, a.Val)
				}
				if key == "http-equiv" && !strings.EqualFold(a.Val, "Content-Security-Policy") {
					t.Errorf("<meta http-equiv=%q>", a.Val)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)

	for _, id := range []string{"summary", "classes", "codes", "aborted", "incidents", "months", "hours",
		"urls", "top-404", "top-5xx", "clients", "referrers", "agents", "methods", "vhosts", "latency", "diagnostics",
		"who", "browsers", "systems", "devices", "bots",
		"countries", "geo-countries", "networks", "geo-networks", "geo-credit",
		"visits", "visits-durations", "visits-pages", "visits-days", "visits-entry", "visits-exit",
		"referring-sites", "top-referring-sites", "search", "top-site-search", "top-search-phrases", "search-engines",
		"content", "static-pages", "top-content-types", "remote-users", "top-remote-users", "vhost-status", "vhost-status-table"} {
		if !ids[id] {
			t.Errorf("no element with id %q", id)
		}
	}
	if elems["svg"] < 3 {
		t.Errorf("%d <svg> charts, want at least 3", elems["svg"])
	}
	for _, tag := range []string{"script", "img", "iframe", "object", "embed", "link", "b", "form", "input", "base"} {
		if elems[tag] != 0 {
			t.Errorf("%d <%s> elements in the page", elems[tag], tag)
		}
	}
	if elems["style"] != 1 {
		t.Errorf("%d <style> elements, want our 1", elems["style"])
	}

	// Hostile strings are text, with controls and bidi overrides shown
	// as escapes.
	all := strings.Join(texts, "\x00")
	for _, want := range []string{hostileURL, hostileURL2, hostileReferrer, hostileAgent, hostileHost, hostileVHost,
		Visible(hostileBidi), Visible(hostileControl), `/invoice\u202etxt.exe`, `\x1b[2J`} {
		if !strings.Contains(all, want) {
			t.Errorf("page text lacks %q", want)
		}
	}
	for _, raw := range []string{"\u202e", "\x1b", "\x07", "\r"} {
		if strings.Contains(all, raw) {
			t.Errorf("raw %q in the page text", raw)
		}
	}
	// The referrer is shown, never linked.
	if main := findID(doc, "top-referrers"); main == nil || !strings.Contains(nodeText(main), hostileReferrer) {
		t.Error("top referrers do not show javascript:alert(1) as text")
	}
}

func findID(n *html.Node, id string) *html.Node {
	if n.Type == html.ElementNode {
		for _, a := range n.Attr {
			if a.Key == "id" && a.Val == id {
				return n
			}
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if f := findID(c, id); f != nil {
			return f
		}
	}
	return nil
}

// realisticState is two days of traffic of a small site: pages and
// assets, bots, a 404 scan, an incident of 502/503, client aborts, IIS
// sub-status codes, request times and a few malformed lines.
// browserDimensions are the dimensions of realisticState: each
// dimension's test file adds its own in an init function.
var browserDimensions []dim.Dimension

func realisticState() *aggregate.State {
	rnd := rand.New(rand.NewPCG(2026, 5))
	st := aggregate.New(aggregate.Options{Dimensions: append(extrasDims(), browserDimensions...)})
	st.SetFormat("/var/log/nginx/access.log", "nginx")
	st.SetFormat("/var/log/nginx/access.log.1.gz", "nginx")
	st.SetFormat(`C:\inetpub\logs\LogFiles\W3SVC1\u_ex260504.log`, "iis")
	base := at("2026-05-04T00:00:00Z").Unix()
	pages := []string{"/", "/about", "/blog/", "/blog/2026/05/webalyze.html", "/pricing", "/docs/install", "/docs/cli", "/contact.php"}
	assets := []string{"/static/app.css", "/static/app.js", "/static/logo.svg", "/favicon.ico"}
	agents := []string{"Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
		"Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 Safari/604.1",
		"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", "curl/8.5.0",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
		"Mozilla/5.0 (Linux; Android 14; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.6422.165 Safari/537.36",
		"Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; +https://openai.com/gptbot)", "-"}
	refs := []string{"-", "-", "https://www.google.com/", "https://news.ycombinator.com/item?id=1", "https://example.org/blog/"}
	for i := 0; i < 40_000; i++ {
		// Traffic follows the day: quiet at night, busy in the afternoon.
		sec := int64(rnd.IntN(2 * 86400))
		hour := (sec % 86400) / 3600
		if rnd.IntN(24) > int(hour) && rnd.IntN(3) != 0 {
			sec = (sec/86400)*86400 + 12*3600 + int64(rnd.IntN(8*3600))
		}
		path := pages[rnd.IntN(len(pages))]
		if rnd.IntN(3) == 0 {
			path = assets[rnd.IntN(len(assets))]
		}
		status := uint16(200)
		switch k := rnd.IntN(1000); {
		case k < 60:
			status = 304
		case k < 80:
			status = 301
		case k < 120:
			status, path = 404, []string{"/wp-login.php", "/.env", "/old-page", "/xmlrpc.php"}[rnd.IntN(4)]
		case k < 128:
			status = 499
		case k < 130:
			status = 500
		}
		// The incident: 14:00-14:06 on the second day, the API falls over.
		if sec >= 86400+14*3600 && sec < 86400+14*3600+360 && rnd.IntN(3) != 0 {
			status, path = []uint16{502, 503, 504}[rnd.IntN(3)], "/api/orders"
		}
		rec := &parser.Record{Host: fmt.Appendf(nil, "203.0.113.%d", rnd.IntN(200)), Method: []byte("GET"),
			Path: []byte(path), Protocol: []byte("HTTP/2.0"), HasTime: true, Time: base + sec,
			HasStatus: true, Status: status, Bytes: uint64(200 + rnd.IntN(40_000)), HasBytes: true,
			Referer: []byte(refs[rnd.IntN(len(refs))]), UserAgent: []byte(agents[rnd.IntN(len(agents))]),
			VHost: []byte("example.org"), HasDuration: true, Duration: int64(rnd.ExpFloat64() * 40_000)}
		if status >= 500 {
			rec.Duration += 2_000_000
		}
		if i%10 == 0 {
			rec.HasSubStatus, rec.HasWin32Status = true, true
			if status == 404 {
				rec.SubStatus = uint32([]int{0, 2}[rnd.IntN(2)])
			}
			if status == 200 && rnd.IntN(50) == 0 {
				rec.Win32Status = 64
			}
		}
		st.Add(rec)
	}
	for i := range 7 {
		st.AddMalformed(aggregate.Malformed{Reason: parser.ReasonInvalidStatus, File: "/var/log/nginx/access.log", Line: int64(1000 + i),
			Column: 52, Field: "$status", Detail: `"2e2" is not three digits`,
			Text: []byte(`203.0.113.7 - - [04/May/2026:10:00:00 +0000] "GET / HTTP/1.1" 2e2 512 "-" "curl/8.5.0"`)})
	}
	st.AddSkipped(parser.ReasonDirective, 4)
	return st
}

// TestBrowserScreenshot writes a screenshot of a realistic report to the
// path in $WEBALYZE_SCREENSHOT (a PNG), for an engineer to look at:
//
//	WEBALYZE_SCREENSHOT=/tmp/report.png go test -run Screenshot ./report
func TestBrowserScreenshot(t *testing.T) {
	out := os.Getenv("WEBALYZE_SCREENSHOT")
	if out == "" {
		t.Skip("set WEBALYZE_SCREENSHOT=path.png to take a screenshot of a realistic report")
	}
	bin := findChromium(t)
	out, err := filepath.Abs(out)
	if err != nil {
		t.Fatal(err)
	}
	m := Build(realisticState(), BuildOptions{Title: "Access log report: example.org"})
	page, u := writeReport(t, m)
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		t.Fatal(err)
	}
	os.Remove(out)
	runChromium(t, bin, "--hide-scrollbars", "--window-size=1280,2400", "--screenshot="+out, u)
	png, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")) {
		t.Fatalf("%s is not a PNG", out)
	}
	// Keep the page next to the picture.
	if b, err := os.ReadFile(page); err == nil {
		os.WriteFile(strings.TrimSuffix(out, filepath.Ext(out))+".html", b, 0o644)
	}
	t.Logf("screenshot: %s (%d bytes)", out, len(png))
}

// layoutProbe is a script appended (with the page's CSP removed) to a
// copy of a report, for tests only: it measures the laid-out page and
// writes its findings, one per line, into <pre id="probe">.
const layoutProbe = `<script>
addEventListener("load", () => {
  const out = [];
  const vw = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth > vw + 1)
    out.push("page scrolls sideways: " + document.documentElement.scrollWidth + " > " + vw);
  for (const box of document.querySelectorAll(".scroll")) {
    const t = box.querySelector("table");
    if (!t || !t.tBodies[0] || !t.tBodies[0].rows[0] || box.getClientRects().length == 0) continue;
    const name = (t.caption ? t.caption.textContent : "").slice(0, 50);
    if (box.scrollWidth > box.clientWidth + 1 && !box.classList.contains("wide"))
      out.push("table scrolls without a hint: " + name);
    // The key column (the row header, or a top list's key) is visible.
    const row = t.tBodies[0].rows[0];
    const key = row.querySelector("td.k") || row.cells[0];
    const r = key.getBoundingClientRect();
    if (r.right > vw + 1 || r.width < 40)
      out.push("key column hidden: " + name + " right=" + r.right + " width=" + r.width);
  }
  for (const fig of document.querySelectorAll("figure svg.chart")) {
    if (fig.getClientRects().length == 0) continue;
    for (const t of fig.querySelectorAll("text")) {
      const h = t.getBoundingClientRect().height;
      if (h > 0 && h < 9) { out.push("chart label too small: " + h.toFixed(1) + "px in " + fig.id); break; }
    }
  }
  const pre = document.createElement("pre");
  pre.id = "probe";
  pre.textContent = out.join("\n") || "ok";
  document.body.append(pre);
});
</script>`

// TestBrowserLayout lays out a realistic report at a desktop and a phone
// width and checks what a reader sees: the page never scrolls sideways,
// a table that scrolls says so, key columns stay in view, and chart
// labels keep a legible size.
func TestBrowserLayout(t *testing.T) {
	bin := findChromium(t)
	m := Build(realisticState(), BuildOptions{Title: "Access log report: example.org"})
	var buf bytes.Buffer
	if err := WriteHTML(&buf, m); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	i := strings.Index(page, `<meta http-equiv="Content-Security-Policy"`)
	j := strings.Index(page[i:], ">")
	if i < 0 || j < 0 {
		t.Fatal("no CSP meta element")
	}
	page = page[:i] + page[i+j+1:]
	page = strings.Replace(page, "</body>", layoutProbe+"</body>", 1)
	path := filepath.Join(t.TempDir(), "layout.html")
	if err := os.WriteFile(path, []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
	u := (&url.URL{Scheme: "file", Path: filepath.ToSlash(path)}).String()
	for _, width := range []int{1280, 390} {
		t.Run(fmt.Sprint(width), func(t *testing.T) {
			dom, stderr := runChromium(t, bin, fmt.Sprintf("--window-size=%d,900", width),
				"--virtual-time-budget=5000", "--dump-dom", u)
			doc, err := html.Parse(bytes.NewReader(dom))
			if err != nil {
				t.Fatal(err)
			}
			probe := findID(doc, "probe")
			if probe == nil {
				t.Fatalf("the probe did not run; browser said:\n%s", tail(stderr, 2000))
			}
			if got := nodeText(probe); got != "ok" {
				t.Errorf("at %d px:\n%s", width, got)
			}
		})
	}
}

// TestBrowserReadable checks the structure of a long report as the
// browser parses it: long lists fold with the first rows in view, each
// drill-down is folded, no table appears twice, empty months get no
// section, and the footer names the version, time and inputs.
func TestBrowserReadable(t *testing.T) {
	bin := findChromium(t)
	st := realisticState()
	// A request three months later: the two months between are empty.
	st.Add(&parser.Record{Host: []byte("203.0.113.9"), Method: []byte("GET"), Path: []byte("/"),
		Protocol: []byte("HTTP/2.0"), HasTime: true, Time: at("2026-08-10T10:00:00Z").Unix(), HasStatus: true, Status: 200})
	m := Build(st, BuildOptions{Title: "Readable", Version: "v9.9.9", Generated: at("2026-08-11T06:00:00Z")})
	_, u := writeReport(t, m)
	dom, _ := runChromium(t, bin, "--dump-dom", u)
	doc, err := html.Parse(bytes.NewReader(dom))
	if err != nil {
		t.Fatal(err)
	}
	captions := map[string]int{}
	var details, drills int
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.Data {
			case "caption":
				captions[strings.TrimSpace(strings.SplitN(nodeText(n), "—", 2)[0])]++
			case "details":
				details++
				for _, a := range n.Attr {
					if a.Key == "open" {
						t.Errorf("a <details> is open by default: %.80s", nodeText(n))
					}
					if a.Key == "class" && a.Val == "drill" {
						drills++
					}
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	for c, n := range captions {
		if n > 1 && !strings.HasSuffix(c, "continued") {
			t.Errorf("caption %q appears %d times", c, n)
		}
	}
	if captions["Top 404 (Not Found) URLs"] != 1 || captions["URLs answered 404"] != 0 {
		t.Errorf("404 URLs: top list %d, drill-down %d; want the top list once", captions["Top 404 (Not Found) URLs"], captions["URLs answered 404"])
	}
	if drills != len(m.Drill) || drills == 0 {
		t.Errorf("%d folded drill-downs, want %d", drills, len(m.Drill))
	}
	if details <= drills {
		t.Errorf("no long list is folded (%d <details>, %d drill-downs)", details, drills)
	}
	if top := findID(doc, "top-urls"); top == nil || strings.Count(nodeText(top), "/") < 5 {
		t.Error("the first rows of the top URLs are not in view")
	}
	for _, id := range []string{"m-2026-05", "m-2026-08"} {
		if findID(doc, id) == nil {
			t.Errorf("no section %s", id)
		}
	}
	for _, id := range []string{"m-2026-06", "m-2026-07"} {
		if findID(doc, id) != nil {
			t.Errorf("empty month %s has a section", id)
		}
	}
	if len(m.Months) != 4 {
		t.Errorf("%d months in the model, want 4 (empty ones kept as rows)", len(m.Months))
	}
	foot := ""
	var findFoot func(*html.Node)
	findFoot = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "footer" {
			foot = nodeText(n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			findFoot(c)
		}
	}
	findFoot(doc)
	for _, want := range []string{"v9.9.9", "2026-08-11T06:00:00Z", "/var/log/nginx/access.log (nginx)", `u_ex260504.log (iis)`} {
		if !strings.Contains(foot, want) {
			t.Errorf("footer %q lacks %q", foot, want)
		}
	}
	if a := findID(doc, "approximate"); a != nil && strings.Contains(nodeText(a), "drill_down.") {
		t.Errorf("the estimates note shows JSON paths: %s", nodeText(a))
	}
}
