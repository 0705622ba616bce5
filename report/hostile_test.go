package report

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

// Attacker-controlled strings, as they could appear in a log.
var hostile = []string{
	`<script>alert(1)</script>`,
	`"><img src=x onerror=alert(1)>`,
	`/search?q=</script><script>alert(1)</script>`,
	`/a'onmouseover='alert(1)`,
	"\x1b[2J\x1b]0;pwned\x07",
	"/invoice\u202etxt.exe",
	"/crlf\r\nSet-Cookie: x=1",
	"=HYPERLINK(\"http://evil.example\",\"click\")",
	"+cmd|' /C calc'!A0",
	"-2+3",
	"@SUM(A1:A2)",
	"\t=1+1",
	"<!--",
	"]]><![CDATA[",
}

var hostileReferrers = []string{
	"javascript:alert(1)",
	"JaVaScRiPt:alert(1)",
	" javascript:alert(1)",
	"\tjavascript:alert(1)",
	"data:text/html,<script>alert(1)</script>",
	"vbscript:msgbox(1)",
	"//evil.example/protocol-relative",
	`http://ok.example/"onmouseover="alert(1)`,
	"https://ok.example/\u202egnp.exe",
	"https://fine.example/path?a=1&b=2",
}

func hostileModel() *Model {
	m := sampleModel()
	m.Title = `<script>alert("title")</script>` + "\x1b[31m"
	rows := func(keys []string) TopList {
		l := TopList{Total: int64(len(keys)), Distinct: int64(len(keys)), Exact: true}
		for i, k := range keys {
			l.Rows = append(l.Rows, TopRow{Key: k, Hits: 1, Bytes: int64(i), Visitors: 1, Share: 1 / float64(len(keys))})
		}
		return l
	}
	m.TopURLs = rows(hostile)
	m.TopURLsQuery = rows(hostile)
	m.Top404 = rows(hostile)
	m.Top5xx = rows(hostile)
	m.Clients = rows(hostile)
	m.Agents = rows(hostile)
	m.Methods = rows(hostile)
	m.Protocols = rows(hostile)
	m.Vhosts = rows(hostile)
	m.ClientAborted.TopURLs = rows(hostile)
	m.Referrers = rows(append(append([]string{}, hostileReferrers...), hostile...))
	m.Drill[0].URLs = rows(hostile)
	m.Drill[0].Clients = rows(hostile)
	m.Formats = map[string]string{}
	m.Diagnostics.Samples = nil
	m.Diagnostics.FileErrors = nil
	for i, h := range hostile {
		m.Formats[h] = h
		m.Diagnostics.Samples = append(m.Diagnostics.Samples, Sample{File: h, Line: int64(i + 1), Field: h, Reason: h, Detail: h, Text: h})
		m.Diagnostics.FileErrors = append(m.Diagnostics.FileErrors, FileError{File: h, Error: h})
		m.MalformedReasons[h] = 1
	}
	m.SubCodes[0].Meaning = hostile[0]
	m.Win32[0].Meaning = hostile[1]
	for i, h := range hostile {
		a := m.AgentPanels
		a.Bots.Rows[i%len(a.Bots.Rows)].Name = h
		a.Browsers.Rows[i%len(a.Browsers.Rows)].Name = h
		a.OperatingSystems.Rows[0].Versions[i%len(a.OperatingSystems.Rows[0].Versions)].Name = h
	}
	return m
}

var (
	tagRe  = regexp.MustCompile(`<(/?)([a-zA-Z][a-zA-Z0-9]*)([^>]*)>`)
	attrRe = regexp.MustCompile(`\s([a-zA-Z:-]+)(?:="([^"]*)")?`)
	hrefRe = regexp.MustCompile(`href="([^"]*)"`)
)

var allowedTags = map[string]bool{
	"html": true, "head": true, "meta": true, "title": true, "style": true, "body": true,
	"header": true, "h1": true, "h2": true, "h3": true, "h4": true, "p": true, "time": true,
	"nav": true, "ul": true, "li": true, "a": true, "main": true, "section": true, "dl": true,
	"div": true, "dt": true, "dd": true, "span": true, "table": true, "caption": true,
	"thead": true, "tbody": true, "tr": true, "th": true, "td": true, "figure": true,
	"figcaption": true, "footer": true, "svg": true, "g": true, "path": true, "text": true,
	"desc": true, "details": true, "summary": true, "strong": true, "code": true,
	"rect": true, // share bars of the agents panels
}

var allowedAttrs = map[string]bool{
	"lang": true, "charset": true, "http-equiv": true, "content": true, "name": true,
	"class": true, "id": true, "href": true, "rel": true, "datetime": true, "title": true,
	"scope": true, "aria-label": true, "aria-labelledby": true, "role": true,
	"viewBox": true, "xmlns": true, "transform": true, "d": true, "x": true, "y": true,
	"fill": true, "stroke": true, "stroke-width": true, "font-family": true, "font-variant": true,
	"font-weight": true, "font-style": true, "font-size": true,
	"width": true, "height": true, "preserveAspectRatio": true, "aria-hidden": true, "colspan": true,
}

func TestHostileHTML(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteHTML(&buf, hostileModel()); err != nil {
		t.Fatal(err)
	}
	out := buf.String()

	// Every tag and attribute is one the template or chart code writes.
	for _, m := range tagRe.FindAllStringSubmatch(out, -1) {
		if !allowedTags[strings.ToLower(m[2])] {
			t.Errorf("unexpected tag %q", m[0])
		}
		for _, a := range attrRe.FindAllStringSubmatch(m[3], -1) {
			if !allowedAttrs[a[1]] {
				t.Errorf("unexpected attribute %q in %.80q", a[1], m[0])
			}
		}
	}
	if n := strings.Count(strings.ToLower(out), "<script"); n != 0 {
		t.Errorf("output has %d <script", n)
	}
	if strings.Contains(out, "<!--") || strings.Contains(out, "<![CDATA[") {
		t.Error("comment or CDATA reached the markup")
	}
	// Links: in-page anchors, or http(s) referrers with the right rel.
	links := 0
	for _, m := range regexp.MustCompile(`<a [^>]*>`).FindAllString(out, -1) {
		href := hrefRe.FindStringSubmatch(m)
		if href == nil {
			t.Errorf("link without href: %s", m)
			continue
		}
		switch {
		case strings.HasPrefix(href[1], "#"):
		case strings.HasPrefix(href[1], "http://") || strings.HasPrefix(href[1], "https://"):
			links++
			if !strings.Contains(m, `rel="noopener noreferrer nofollow"`) {
				t.Errorf("external link without rel: %s", m)
			}
		default:
			t.Errorf("link to %q", href[1])
		}
	}
	// https://fine.example and https://search... are not in this model's
	// referrers; only the one clean http(s) referrer is linked.
	if links != 1 {
		t.Errorf("got %d external links, want 1 (https://fine.example/...)", links)
	}
	if regexp.MustCompile(`(?i)href="[^"]*(javascript|vbscript|data):`).MatchString(out) {
		t.Error("javascript: became an href")
	}
	// Controls and bidi overrides are shown escaped, never raw.
	for _, raw := range []string{"\x1b", "\x07", "\r", "\u202e"} {
		if strings.Contains(out, raw) {
			t.Errorf("raw %q in HTML", raw)
		}
	}
	for _, vis := range []string{`\x1b[2J`, `\u202etxt.exe`, `\r\nSet-Cookie`, `&lt;script&gt;alert(1)&lt;/script&gt;`} {
		if !strings.Contains(out, vis) {
			t.Errorf("HTML lacks the visible form %q", vis)
		}
	}
}

func TestHostileText(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteText(&buf, hostileModel()); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, raw := range []string{"\x1b", "\x07", "\r", "\u202e"} {
		if strings.Contains(out, raw) {
			t.Errorf("raw %q in text output", raw)
		}
	}
	for _, vis := range []string{`\x1b[2J\x1b]0;pwned\x07`, `/invoice\u202etxt.exe`} {
		if !strings.Contains(out, vis) {
			t.Errorf("text lacks %q", vis)
		}
	}
}

func TestHostileCSV(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteCSV(&buf, hostileModel()); err != nil {
		t.Fatal(err)
	}
	if strings.ContainsAny(buf.String(), "\x1b\x07\u202e") {
		t.Error("raw control or bidi character in CSV")
	}
	r := csv.NewReader(&buf)
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, rec := range recs {
		for _, cell := range rec {
			seen[cell] = true
			if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
				t.Errorf("cell %q can start a formula", cell)
			}
		}
	}
	for _, want := range []string{`'=HYPERLINK("http://evil.example","click")`, `'+cmd|' /C calc'!A0`, `'-2+3`, `'@SUM(A1:A2)`, `\t=1+1`} {
		if !seen[want] {
			t.Errorf("CSV lacks neutralised cell %q", want)
		}
	}
}

func TestHostileJSON(t *testing.T) {
	m := hostileModel()
	var buf bytes.Buffer
	if err := WriteJSON(&buf, m); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(buf.Bytes(), []byte("<script")) {
		t.Error("JSON has a raw <script (should be \\u003c)")
	}
	var back Model
	if err := json.Unmarshal(buf.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	// JSON keeps log data verbatim: consumers get the exact bytes.
	if !reflect.DeepEqual(back.TopURLs, m.TopURLs) || !reflect.DeepEqual(back.Referrers, m.Referrers) {
		t.Error("JSON round trip changed log-derived strings")
	}
}

func TestSafeHref(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"https://a.example/x?y=1", "https://a.example/x?y=1"},
		{"HTTP://A.EXAMPLE/", "HTTP://A.EXAMPLE/"},
		{"javascript:alert(1)", ""},
		{"JaVaScRiPt:alert(1)", ""},
		{" https://a.example/", ""},
		{"data:text/html,x", ""},
		{"//a.example/", ""},
		{"/relative", ""},
		{"-", ""},
		{"http://a.example/\u202e", ""},
		{`http://a.example/"x`, ""},
		{"http:///nohost", ""},
	} {
		if got := safeHref(tt.in); got != tt.want {
			t.Errorf("safeHref(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
