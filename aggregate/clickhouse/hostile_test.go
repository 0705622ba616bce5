package clickhouse

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/webalyze/webalyze/aggregate"
	"github.com/webalyze/webalyze/aggregate/clickhouse/chserver"
	"github.com/webalyze/webalyze/parser"
	"github.com/webalyze/webalyze/report"
)

// TestHostileInput loads every parsable hostile test file (NUL bytes,
// tabs, backslashes and invalid UTF-8 in fields, huge numbers, odd
// times) and the samples, and checks the figures, keys included byte for
// byte, against a local run, over the whole table and in a time window.
// Records whose time a DateTime cannot hold are refused by the Loader and
// left out of the local run too.
func TestHostileInput(t *testing.T) {
	srv := chserver.Start(t, chserver.Options{})
	c := newDatabase(t, srv, "web")
	ctx := context.Background()
	l, err := NewLoader(ctx, c, LoaderOptions{BatchRows: 50})
	if err != nil {
		t.Fatal(err)
	}
	var kept []parser.Record
	var refused int
	var names []string
	dir := filepath.Join("..", "..", "testdata", "hostile")
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".log") {
			names = append(names, filepath.Join(dir, e.Name()))
		}
	}
	for _, s := range samples(t) {
		names = append(names, samplePath(s.name))
	}
	timed, _ := parser.CompileNginx("timed", timedNginx)
	for _, name := range names {
		in, err := parser.Open(name)
		if err != nil {
			continue // refused files (UTF-16...) have no records
		}
		in.Close()
		data := readInput(t, name)
		if parser.Detect(data[:min(len(data), 64<<10)], parser.AutoCandidates(nil)).Format == nil {
			continue
		}
		var f parser.Format
		if strings.HasSuffix(name, "nginx-timed.log") {
			f = timed
		}
		if err := l.Begin(ctx, Source{Name: name, ID: name}, 0); err != nil {
			t.Fatal(err)
		}
		eachRecord(t, name, data, f, func(r *parser.Record, pos Position) {
			err := l.Add(ctx, r, pos)
			if errors.Is(err, ErrTimeRange) {
				refused++
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			// Keep a deep copy for the local runs below.
			cp := *r
			for _, p := range []*[]byte{&cp.Host, &cp.User, &cp.Method, &cp.Path, &cp.Query, &cp.Protocol,
				&cp.Referer, &cp.UserAgent, &cp.VHost, &cp.Request} {
				*p = append([]byte(nil), *p...)
			}
			cp.Ident, cp.Extra = nil, nil // Request stays: it tells a request line that is not HTTP
			kept = append(kept, cp)
		})
	}
	// Hostile agents: quotes, backslashes, control bytes, NUL, strings past
	// agents.MaxLen (two that differ only past it), crawlers (AI ones
	// too) among them, so that --exclude-bots' literals hold each.
	long := strings.Repeat("Mozilla/5.0 (X11; Linux x86_64) ", 40)
	hostileAgents := []string{
		"Googlebot/2.1 (+http://www.google.com/bot.html) it's \\'quoted\\'",
		"GPTBot/1.0 '); DROP TABLE requests; --",
		"ClaudeBot/1.0 \x00\t\r\n\\ \"",
		"Mozilla/5.0 (compatible; bingbot/2.0) \x01\x1b[31m",
		"curl/8.5.0 \\",
		long + "bot-a", long + "bot-b",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36 \\ '",
		"-", "", "\xff\xfe spider \x00",
	}
	// Hostile referrers, queries, users and hosts for the extra panels:
	// engines with and without a phrase, user info, ports, fragments,
	// case, escapes, bytes that are not UTF-8, values past the cuts.
	referrers := []string{
		"https://www.google.co.uk/search?q=caf%C3%A9+au+lait&x=1", "http://search.yahoo.com/?p=test#frag",
		"https://www.bing.com/search?foo=1#q=notthis", "https://user:pw@DuckDuckGo.com:443/?Q=Mixed&q=%00%ff+X",
		"android-app://com.x/", "-", "", "HTTP://Example.ORG:8080/p?q=1", "https://[::1]:80/x", "x://", "://nohost",
		"https://www.baidu.com/s?ie=utf-8&word=a'b\\c&wd=", "https://" + strings.Repeat("h", 300) + ".com/",
		"https://ask.example.com/?q=no-engine", "https://www.startpage.com/do?query=&q=second",
	}
	queries := []string{"", "S=Hello&q=", "query=%00%ff", "search=a+b&q=c", "Q=' OR 1=1 --", "x=1&s=%E2%80%AE", "q"}
	remoteUsers := []string{"", "-", "alice", "O'Brien\\", strings.Repeat("u", 400), "\x00\t"}
	vhostNames := []string{"", "www.example.org", "API.example.org:8443", strings.Repeat("v", 300)}
	// Hostile page paths, entry and exit pages of visits.
	pagePaths := []string{"/it's \\'q\\'.html", "/nul\x00byte", "/line\nbreak\r\n.php", "/<script>alert(1)</script>",
		"/tab\there\\", "/\"quoted\"\x1b[31m.html"}
	if err := l.Begin(ctx, Source{Name: "agents", ID: "agents"}, 0); err != nil {
		t.Fatal(err)
	}
	for i := range 200 {
		ua := hostileAgents[i%len(hostileAgents)]
		r := parser.Record{HasTime: true, Time: time.Date(2024, 3, 1, 0, 0, i, 0, time.UTC).Unix(),
			HasStatus: true, Status: uint16([]int{200, 404, 503, 301}[i%4]), HasBytes: true, Bytes: uint64(i),
			Host: []byte(fmt.Sprintf("10.0.0.%d", i%7)), Method: []byte("GET"), Path: []byte("/x"), Protocol: []byte("HTTP/1.1"),
			UserAgent: []byte(ua), Referer: []byte(referrers[i%len(referrers)]), Query: []byte(queries[i%len(queries)]),
			User: []byte(remoteUsers[i%len(remoteUsers)]), VHost: []byte(vhostNames[i%len(vhostNames)])}
		if i%3 == 1 {
			r.Path = []byte(pagePaths[i/3%len(pagePaths)])
		}
		if i%5 == 0 {
			r.Path = []byte(fmt.Sprintf("/a.b/file.%c%s", 'A'+i%26, strings.Repeat("x", i%20)))
		}
		if err := l.Add(ctx, &r, Position{Line: int64(i + 1), Offset: int64(i) * 100, End: int64(i+1) * 100}); err != nil {
			t.Fatal(err)
		}
		kept = append(kept, r)
	}
	if err := l.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if refused == 0 {
		t.Log("no record outside the DateTime range in the hostile files")
	}
	var hostileKeys int
	for _, r := range kept {
		if strings.ContainsAny(string(r.Path)+string(r.UserAgent)+string(r.Referer), "\x00\t\\\n") {
			hostileKeys++
		}
	}
	if hostileKeys == 0 {
		t.Fatal("no key with NUL, tab, backslash or newline: the test proves nothing about escaping")
	}

	local := func(top int, keep func(r *parser.Record) bool) *report.Input {
		st := aggregate.New(localOptions(nil, false))
		for i := range kept {
			if keep(&kept[i]) {
				st.Add(&kept[i])
			}
		}
		return report.NewInput(st, report.BuildOptions{TopN: top})
	}
	all := func(*parser.Record) bool { return true }
	f, err := Query(ctx, c, QueryOptions{ExactLatency: true, TopN: 1000})
	if err != nil {
		t.Fatal(err)
	}
	in := local(1000, all)
	if e := f.Extras; len(e.Phrases.Rows) < 3 || len(e.SiteSearch.Rows) < 3 || len(e.Users.Rows) < 3 || len(e.VHosts) < 3 || len(e.ReferringSites.Rows) < 5 {
		t.Errorf("the hostile extras are not all counted: %+v", e)
	}
	compareInputs(t, f.Input(), in)
	hostileVisits(t, f.Input(), pagePaths)

	// A window: [since, until) in whole seconds; undated rows are out.
	since := time.Date(2024, 2, 27, 0, 0, 0, 0, time.UTC).Unix()
	until := time.Date(2024, 3, 2, 12, 0, 0, 0, time.UTC).Unix()
	f, err = Query(ctx, c, QueryOptions{ExactLatency: true, Since: since, Until: until, HasSince: true, HasUntil: true})
	if err != nil {
		t.Fatal(err)
	}
	in = local(25, func(r *parser.Record) bool { return r.HasTime && r.Time >= since && r.Time < until })
	if in.Lines.Parsed == 0 || in.Lines.Parsed == int64(len(kept)) {
		t.Fatalf("the window holds %d of %d records: choose another", in.Lines.Parsed, len(kept))
	}
	compareInputs(t, f.Input(), in)

	// --exclude-bots: the crawlers' strings left out by literal; every
	// figure equals a local run with the bot filter's.
	f, err = Query(ctx, c, QueryOptions{ExactLatency: true, TopN: 1000, ExcludeBots: true})
	if err != nil {
		t.Fatal(err)
	}
	st := aggregate.New(localOptions(nil, true))
	for i := range kept {
		st.Add(&kept[i])
	}
	in = report.NewInput(st, report.BuildOptions{TopN: 1000})
	if in.Lines.Filtered < 50 {
		t.Fatalf("--exclude-bots left out %d lines: the hostile bots were not", in.Lines.Filtered)
	}
	chIn := f.Input()
	if chIn.Lines != in.Lines || !reflect.DeepEqual(chIn.FilteredReasons, in.FilteredReasons) {
		t.Errorf("--exclude-bots: lines %+v %v, local %+v %v", chIn.Lines, chIn.FilteredReasons, in.Lines, in.FilteredReasons)
	}
	compareInputs(t, chIn, in)
	if _, err := Query(ctx, c, QueryOptions{ExcludeBots: true, MaxBotAgents: 3}); err == nil || !strings.Contains(err.Error(), "distinct user agents") {
		t.Errorf("--exclude-bots past MaxBotAgents: %v", err)
	}

	// Few agents classified: the rest is "(others)", in every total.
	f, err = Query(ctx, c, QueryOptions{AgentRows: 3})
	if err != nil {
		t.Fatal(err)
	}
	a := f.Input().AgentPanels
	var kinds int64
	for _, k := range a.Kinds {
		kinds += k.Requests
	}
	others := a.Kinds[len(a.Kinds)-1]
	if kinds != int64(len(kept)) || others.Name != report.OthersRow || others.Requests == 0 || f.AgentPanels.Classified != 3 ||
		a.Browsers.Total != int64(len(kept)) || a.Browsers.Exact || a.Browsers.ErrorBound != others.Requests {
		t.Errorf("AgentRows 3: kinds add up to %d of %d, others %+v, browsers %+v", kinds, len(kept), others, a.Browsers)
	}
	full2 := local(0, all)
	full := full2.AgentPanels
	if others.Visitors.N == 0 || others.Visitors.N > in.Visitors.N+full.Kinds[0].Visitors.N+full.Kinds[1].Visitors.N+full.Kinds[2].Visitors.N {
		t.Errorf("AgentRows 3: others' visitors %d", others.Visitors.N)
	}

	// Few raw values read: the lists say so, their totals still whole.
	f, err = Query(ctx, c, QueryOptions{FoldRows: 2, NoAgentPanels: true})
	if err != nil {
		t.Fatal(err)
	}
	fin := f.Input()
	if s := f.Extras.ReferringSites; s.Bound == 0 || fin.Extras.ReferringSites.Exact || fin.Extras.ReferringSites.ErrorBound != clamp(s.Bound) ||
		fin.Extras.ReferringSites.Total != full2.Extras.ReferringSites.Total || fin.AgentPanels != nil {
		t.Errorf("FoldRows 2: referring sites %+v, local total %d", fin.Extras.ReferringSites, full2.Extras.ReferringSites.Total)
	}
}

// hostileVisits checks that every hostile page path is an entry and an
// exit page of the visits from ClickHouse, byte for byte, and reaches the
// JSON and HTML reports escaped: the JSON gives the bytes back (invalid
// UTF-8 aside, none here), the HTML has no raw markup of them.
func hostileVisits(t *testing.T, in *report.Input, paths []string) {
	t.Helper()
	v := in.Visits
	if v == nil {
		t.Fatal("no visits from ClickHouse")
	}
	for _, l := range []report.TopList{v.Entry, v.Exit} {
		keys := map[string]bool{}
		for _, r := range l.Rows {
			keys[r.Key] = true
		}
		for _, p := range paths {
			if !keys[p] {
				t.Errorf("visits: %q is not among the entry or exit pages %v", p, l.Rows)
			}
		}
	}
	m := report.BuildFrom(in, report.BuildOptions{TopN: 1000})
	var js, html bytes.Buffer
	if err := report.WriteJSON(&js, m); err != nil {
		t.Fatal(err)
	}
	var back struct {
		Visits struct {
			EntryPages struct {
				Rows []struct{ Key string } `json:"rows"`
			} `json:"entry_pages"`
		} `json:"visits"`
	}
	if err := json.Unmarshal(js.Bytes(), &back); err != nil {
		t.Fatalf("report JSON: %v", err)
	}
	keys := map[string]bool{}
	for _, r := range back.Visits.EntryPages.Rows {
		keys[r.Key] = true
	}
	for _, p := range paths {
		if !keys[p] {
			t.Errorf("report JSON: entry page %q not given back", p)
		}
	}
	if err := report.WriteHTML(&html, m); err != nil {
		t.Fatal(err)
	}
	h := html.String()
	i := strings.Index(h, `id="visits-entry"`)
	if i < 0 {
		t.Fatal("report HTML: no entry pages table")
	}
	if strings.Contains(h, "<script>alert(1)") || !strings.Contains(h[i:], "&lt;script&gt;alert(1)") {
		t.Error("report HTML: the <script> path is not escaped, or not in the entry pages")
	}
}
