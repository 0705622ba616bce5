package aggregate_test

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/webalyze/webalyze/aggregate"
	"github.com/webalyze/webalyze/aggregate/agents"
	"github.com/webalyze/webalyze/aggregate/dim"
	"github.com/webalyze/webalyze/aggregate/dim/dimtest"
	"github.com/webalyze/webalyze/aggregate/refsites"
	"github.com/webalyze/webalyze/aggregate/search"
	"github.com/webalyze/webalyze/aggregate/sketch"
	"github.com/webalyze/webalyze/parser"
)

// TestAgentsSeenVisitors checks the agents dimension as a State feeds it,
// with dim.Hit.SeenVisitor set for visitor-days the State counted before
// (their visitors are then not added again), against an aggregator fed
// every record with the flag unset, over the same lines: with one worker
// and top lists so small that browsers leave them and come back (their
// entries start a new visitor set, which must get the visitor however
// often it was seen), and with four workers and lists that hold every key.
// A distinct capacity below the third day's visitors makes the State's
// count of that day a HyperLogLog, where nothing is known to be seen.
func TestAgentsSeenVisitors(t *testing.T) {
	agentsOf := []string{
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/123.0.0.0 Safari/537.36",
		"Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
		"Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
		"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15",
		"Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36",
		"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
		"Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; +https://openai.com/gptbot)",
		"curl/8.5.0",
		"python-requests/2.31.0",
		"-",
	}
	rng := rand.New(rand.NewPCG(5, 13))
	start := time.Date(2024, 3, 5, 0, 0, 0, 0, time.UTC).Unix()
	codes := []int{200, 200, 304, 404, 500}
	var log bytes.Buffer
	for i := range 50_000 {
		// 600 clients over five days, each with one or two agents: most
		// records repeat a visitor-day of the ones before. On the third
		// day, 6 000 clients: more visitor-days than the State counts
		// exactly.
		c := rng.IntN(600)
		if 20_000 <= i && i < 28_000 {
			c = rng.IntN(6000)
		}
		ua := agentsOf[(c+rng.IntN(2))%len(agentsOf)]
		fmt.Fprintf(&log, "10.%d.%d.%d - - [%s] \"GET /p/%d HTTP/1.1\" %d %d \"-\" \"%s\"\n", c/62500, c/250%250, c%250,
			time.Unix(start+int64(i*9), 0).UTC().Format("02/Jan/2006:15:04:05 -0700"),
			rng.IntN(40), codes[rng.IntN(len(codes))], rng.IntN(9000), ua)
	}
	name := logFile(t, log.Bytes())
	format, _ := parser.ParseFormatSpec("combined")

	for _, c := range []struct {
		workers, top int
	}{{1, 2}, {4, 1000}} {
		opts := agents.Options{TopCapacity: c.top, DistinctCapacity: 3000}
		want := agents.NewAggregator(opts)
		feed(t, format, log.Bytes(), want)
		st := runChecked(t, c.workers, format, aggregate.Options{TopCapacity: c.top, DistinctCapacity: 3000,
			Dimensions: []dim.Dimension{agents.NewAggregator(opts)}}, name)
		got := st.Dimension(agents.Section).(*agents.Aggregator)
		if c.top < 10 && got.BrowserVersions.Exact() {
			t.Fatalf("top %d: the browser list held every key", c.top)
		}
		what := fmt.Sprintf("workers=%d top=%d", c.workers, c.top)
		for k := range agents.NumKinds {
			compareFigures(t, fmt.Sprintf("%s: kind %d", what, k), &got.Kinds[k], &want.Kinds[k])
		}
		for d := range agents.NumDevices {
			compareFigures(t, fmt.Sprintf("%s: device %d", what, d), &got.Devices[d], &want.Devices[d])
		}
		compareFigures(t, what+": AI", &got.AI, &want.AI)
		for _, l := range []struct {
			name      string
			got, want *sketch.TopK
		}{{"browsers", got.BrowserVersions, want.BrowserVersions}, {"systems", got.SystemVersions, want.SystemVersions},
			{"bots and tools", got.Clients, want.Clients}} {
			if g, w := listOf(l.got), listOf(l.want); g != w {
				t.Errorf("%s: %s:\n got %s\nwant %s", what, l.name, g, w)
			}
		}
	}
}

func compareFigures(t *testing.T, what string, got, want *agents.Figures) {
	t.Helper()
	if got.Requests != want.Requests || got.Bytes != want.Bytes || got.Classes != want.Classes || got.NoStatus != want.NoStatus ||
		got.Visitors.Count() != want.Visitors.Count() || got.Visitors.Exact() != want.Visitors.Exact() {
		t.Errorf("%s: got %d requests, %d visitors (exact %v), want %d, %d (exact %v)", what,
			got.Requests, got.Visitors.Count(), got.Visitors.Exact(), want.Requests, want.Visitors.Count(), want.Visitors.Exact())
	}
}

// listOf describes a top list's entries in key order: keys, counts,
// bounds, bytes and visitors.
func listOf(l *sketch.TopK) string {
	var rows []string
	for _, e := range l.Entries {
		rows = append(rows, fmt.Sprintf("%q:%d±%d/%dB/%dv", e.Key, e.Hits, e.HitsErr, e.Bytes, e.Visitors.Count()))
	}
	slices.Sort(rows)
	return fmt.Sprintf("total %d: %s", l.Total, strings.Join(rows, " "))
}

// TestRefsitesWorkersAgree checks the referring sites as a State counts
// them, where its referrer list counts the record (by the worker that
// owns the referrer, the site's index kept in the referrer's entry),
// against an aggregator fed every record itself (Add): with one worker, a
// list of sites so small that it evicts (then no index is kept), and a
// referrer list that drops referrers (and their indexes), with four
// workers and exact lists,
// and with site hosts other than the State's (then the State hands the
// sites every record, as before). Referrers come in any case, with ports
// and user info, from the virtual host itself, and from the --site hosts.
func TestRefsitesWorkersAgree(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 2))
	hosts := []string{"www.Google.com", "news.example.org:8080", "user:pw@forum.example.net", "[2001:db8::1]:443",
		"site.test", "WWW.SITE.TEST", "shop.site.test", "t.co", "m.facebook.com", "x.invalid"}
	for i := range 300 {
		hosts = append(hosts, fmt.Sprintf("h%d.example.com", i))
	}
	log, name, format := vhostLog(t, rng, func() (vhost, path, ref string) {
		ref = "-"
		switch n := rng.IntN(10); {
		case n == 0:
		case n == 1:
			ref = ""
		default:
			h := hosts[int(float64(len(hosts))*rng.Float64()*rng.Float64())]
			ref = fmt.Sprintf("https://%s/p/%d?q=%d", h, rng.IntN(30), rng.IntN(5))
		}
		return []string{"site.test", "shop.site.test", "other.test"}[rng.IntN(3)], "/p", ref
	})
	for _, c := range []struct {
		workers, top, sitesCap int
		stateSites, dimSites   []string
	}{
		{1, 100_000, 5, []string{"site.test"}, []string{"site.test"}},
		{1, 20, 10_000, []string{"site.test"}, []string{"site.test"}},
		{4, 100_000, 10_000, []string{"site.test"}, []string{"site.test"}},
		{4, 100_000, 10_000, nil, nil},
		{2, 100_000, 10_000, []string{"site.test"}, []string{"site.test", "t.co"}},
	} {
		want := refsites.New(c.sitesCap, c.dimSites)
		feed(t, format, log, want)
		st := runChecked(t, c.workers, format, aggregate.Options{TopCapacity: c.top, SiteHosts: c.stateSites,
			Dimensions: []dim.Dimension{refsites.New(c.sitesCap, c.dimSites)}}, name)
		got := st.Dimension(refsites.Section).(*refsites.Sites)
		what := fmt.Sprintf("workers=%d top=%d sites=%d %q/%q", c.workers, c.top, c.sitesCap, c.stateSites, c.dimSites)
		if c.sitesCap < 10 && got.List.Exact() {
			t.Fatalf("%s: the list held every site", what)
		}
		if g, w := listOf(got.List), listOf(want.List); g != w {
			t.Errorf("%s:\n got %s\nwant %s", what, g, w)
		}
	}
}

// TestSearchWorkersAgree checks the search phrases and engine referrals
// as a State counts them, those of the referrers its referrer list counts
// from that list (by the worker that owns the referrer, the engine and
// the phrase's index kept in the referrer's memo) and the others (a
// referrer from the virtual host or a --site host, as a search engine
// can be) from each record, against an aggregator fed every record
// (Add): with one worker and a list of 40 phrases (evicting: then no index
// is kept, and the counts are checked against the exact ones, within
// their bounds) or a referrer list of 20 (dropping referrers and their
// memos), and with four workers and exact lists. Site-search terms come
// from the records' own queries.
func TestSearchWorkersAgree(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 21))
	refs := []string{"-", "", "http://x", "https://www.google.com/", "https://www.google.com/search?q=%s",
		"https://WWW.Bing.com:443/search?q=%s&form=x", "https://duckduckgo.com/?q=%s", "https://yandex.ru/search/?text=%s",
		"https://u:p@www.google.co.uk/url?sa=t&q=%s#frag", "https://search.yahoo.com/search?p=%s",
		"https://forum.example.net/t/%s", "https://www.google.com/search?hl=en"}
	words := []string{"lamp", "red+shoes", "caf%C3%A9", "a%20b", "%3Cscript%3E", "x"}
	log, name, format := vhostLog(t, rng, func() (vhost, path, ref string) {
		ref = refs[rng.IntN(len(refs))]
		if strings.Contains(ref, "%s") {
			// A few phrases are most of them: the heavy ones stay in an
			// evicting list, with tight bounds.
			ref = fmt.Sprintf(ref, words[rng.IntN(len(words))]+fmt.Sprint(int(60*math.Pow(rng.Float64(), 4))))
		}
		// The virtual host is a search engine's at times: its referrers
		// are internal, so the State's referrer list does not count them.
		vhost = []string{"site.test", "www.google.com", "other.test"}[rng.IntN(3)]
		path = "/p"
		if rng.IntN(5) == 0 {
			path = fmt.Sprintf("/find?q=%s&page=2", words[rng.IntN(len(words))])
		}
		return vhost, path, ref
	})
	for _, c := range []struct {
		workers, top, capacity int
		sites                  []string
	}{
		{1, 100_000, 40, []string{"duckduckgo.com"}},
		{1, 20, 10_000, nil},
		{4, 100_000, 10_000, []string{"duckduckgo.com"}},
	} {
		want, exact := search.New(c.capacity), search.New(1<<20)
		feed(t, format, log, want, exact)
		st := runChecked(t, c.workers, format, aggregate.Options{TopCapacity: c.top, SiteHosts: c.sites,
			Dimensions: []dim.Dimension{search.New(c.capacity)}}, name)
		got := st.Dimension(search.Section).(*search.Search)
		what := fmt.Sprintf("workers=%d top=%d capacity=%d", c.workers, c.top, c.capacity)
		if c.capacity < 1000 && got.Phrases.Exact() {
			t.Fatalf("%s: the list held every phrase", what)
		}
		if got.Engines != want.Engines {
			t.Errorf("%s: engines %v, want %v", what, got.Engines, want.Engines)
		}
		if c.capacity > 1000 {
			if g, w := listOf(got.Phrases), listOf(want.Phrases); g != w {
				t.Errorf("%s: phrases:\n got %s\nwant %s", what, g, w)
			}
		} else {
			// An evicting list depends on the order of the additions,
			// which the list's referrers and the others do not share:
			// each count must hold its phrase's, within its bound.
			if got.Phrases.Total != exact.Phrases.Total {
				t.Errorf("%s: %d phrases, want %d", what, got.Phrases.Total, exact.Phrases.Total)
			}
			counts := map[string]uint64{}
			for _, e := range exact.Phrases.Entries {
				counts[e.Key] = e.Hits
			}
			for _, e := range got.Phrases.Entries {
				if n := counts[e.Key]; n < e.Hits-e.HitsErr || n > e.Hits {
					t.Errorf("%s: phrase %q counted %d±%d, has %d", what, e.Key, e.Hits, e.HitsErr, n)
				}
			}
		}
		if g, w := listOf(got.Terms), listOf(want.Terms); g != w {
			t.Errorf("%s: terms:\n got %s\nwant %s", what, g, w)
		}
		if want.Phrases.Total == 0 || want.Terms.Total == 0 {
			t.Fatalf("%s: no phrase or no term", what)
		}
	}
}

// logFile writes log to a file of its own and returns its name.
func logFile(t *testing.T, log []byte) string {
	t.Helper()
	name := filepath.Join(t.TempDir(), "access.log")
	if err := os.WriteFile(name, log, 0o644); err != nil {
		t.Fatal(err)
	}
	return name
}

// feed hands every line of log, parsed in format, to the dimensions ds as
// the State would (dimtest.Hit): the figures to compare a run's with.
func feed(t *testing.T, format parser.Format, log []byte, ds ...dim.Dimension) {
	t.Helper()
	p := format.NewParser()
	for line := range bytes.Lines(log) {
		var rec parser.Record
		if r := p.Parse(bytes.TrimSuffix(line, []byte("\n")), &rec); r.Reason != "" {
			t.Fatalf("%q: %s", line, r.Reason)
		}
		h := dimtest.Hit(&rec)
		for _, d := range ds {
			d.Add(&h)
		}
	}
	for _, d := range ds {
		if f, ok := d.(dim.Flusher); ok {
			f.Flush()
		}
	}
}

// runChecked runs name through a State of opts with workers workers, and
// checks the State.
func runChecked(t *testing.T, workers int, format parser.Format, opts aggregate.Options, name string) *aggregate.State {
	t.Helper()
	st, _, err := aggregate.Run(context.Background(), aggregate.RunConfig{Workers: workers, Format: format, Options: opts}, []string{name})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Check(); err != nil {
		t.Fatal(err)
	}
	return st
}

// vhostLog writes a log of 40 000 records in vhostFormat, seven seconds
// apart, of virtual host, path and referrer from line, address, bytes and
// agent from rng, to a file of its own; it returns the log, the file's
// name and the format.
func vhostLog(t *testing.T, rng *rand.Rand, line func() (vhost, path, ref string)) ([]byte, string, parser.Format) {
	t.Helper()
	start := time.Date(2024, 3, 5, 0, 0, 0, 0, time.UTC).Unix()
	var log bytes.Buffer
	for i := range 40_000 {
		vhost, path, ref := line()
		fmt.Fprintf(&log, "%s 10.0.%d.%d - - [%s] \"GET %s HTTP/1.1\" 200 %d \"%s\" \"agent %d\"\n", vhost,
			rng.IntN(4), rng.IntN(250), time.Unix(start+int64(i*7), 0).UTC().Format("02/Jan/2006:15:04:05 -0700"),
			path, rng.IntN(9000), ref, rng.IntN(3))
	}
	format, err := parser.ParseFormatSpec(vhostFormat)
	if err != nil {
		t.Fatal(err)
	}
	return log.Bytes(), logFile(t, log.Bytes()), format
}

// vhostFormat is the combined format with the virtual host first.
const vhostFormat = `apache:%v %h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i"`
