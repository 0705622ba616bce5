package agents

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/webalyze/webalyze/aggregate/dim"
	"github.com/webalyze/webalyze/aggregate/dim/dimtest"
	"github.com/webalyze/webalyze/aggregate/sketch"
	"github.com/webalyze/webalyze/aggregate/status"
	"github.com/webalyze/webalyze/parser"
)

// testAgents are the agents of the random streams: every kind, AI
// crawlers, IIS '+' spaces, garbage.
var testAgents = []string{
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 Safari/537.36",
	"Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1",
	"Mozilla/5.0 (Linux; Android 14; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.144 Safari/537.36",
	"Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0",
	"Mozilla/5.0+(Windows+NT+6.1;+WOW64;+Trident/7.0;+rv:11.0)+like+Gecko",
	"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
	"Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; +https://openai.com/gptbot)",
	"Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; ClaudeBot/1.0; +claudebot@anthropic.com)",
	"CCBot/2.0 (https://commoncrawl.org/faq/)",
	"Mozilla/5.0 (compatible; MJ12bot/v1.4.8; http://mj12bot.com/)",
	"curl/8.5.0",
	"python-requests/2.31.0",
	"-",
	"",
	"\x00\xff<script>",
	"SomeApp/1.0",
}

// testHits makes n hits over testAgents with random statuses (no status,
// 000, non-standard included), sizes and visitors. The records are fresh
// so that a test can keep the hits.
func testHits(seed uint64, n int) []dim.Hit {
	r := rand.New(rand.NewPCG(seed, 3))
	codes := []uint16{200, 200, 200, 304, 404, 403, 500, 503, 0, 101, 999, 42}
	hits := make([]dim.Hit, n)
	for i := range hits {
		rec := &parser.Record{UserAgent: []byte(testAgents[r.IntN(len(testAgents))]), Bytes: uint64(r.IntN(5000))}
		rec.HasBytes = true
		h := dim.Hit{Rec: rec, Agent: sketch.HashKey(rec.UserAgent)}
		h.Client = uint64(r.IntN(40))
		h.Identity = sketch.VisitorHash(h.Client, h.Agent)
		h.Visitor = sketch.VisitorDay(h.Identity, int64(r.IntN(3)))
		if r.IntN(10) > 0 {
			h.Code, h.HasCode = codes[r.IntN(len(codes))], true
			rec.Status, rec.HasStatus = h.Code, true
		}
		hits[i] = h
	}
	return hits
}

var testOpts = Options{TopCapacity: 1000, DistinctCapacity: 10_000, CacheCapacity: 8}

func aggregate(hits []dim.Hit, o Options) *Aggregator {
	a := NewAggregator(o)
	for i := range hits {
		a.Add(&hits[i])
	}
	return a
}

// canonical is an encoding of a in which equal figures give equal bytes.
func canonical(t *testing.T, a *Aggregator) []byte {
	t.Helper()
	for _, f := range a.figures() {
		f.Visitors.Canonical()
	}
	for _, l := range a.lists() {
		(*l).Canonical()
	}
	b, err := a.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func roundTrip(t *testing.T, a *Aggregator) *Aggregator {
	t.Helper()
	b, err := a.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	d := Empty()
	if err := d.UnmarshalBinary(b); err != nil {
		t.Fatal(err)
	}
	return d.(*Aggregator)
}

// TestMergeSplits: any split of a stream into shards, aggregated apart
// (with their own classifiers and small caches), some saved and restored,
// merged in a random order, equals one aggregator over the whole stream.
func TestMergeSplits(t *testing.T) {
	for seed := range uint64(8) {
		t.Run(strconv.FormatUint(seed, 10), func(t *testing.T) {
			hits := testHits(seed, 4000)
			whole := aggregate(hits, testOpts)
			if err := whole.Check(uint64(len(hits))); err != nil {
				t.Fatal(err)
			}
			r := rand.New(rand.NewPCG(seed, 1))
			parts := make([][]dim.Hit, 1+r.IntN(7))
			for _, h := range hits {
				p := r.IntN(len(parts))
				parts[p] = append(parts[p], h)
			}
			aggs := make([]*Aggregator, len(parts))
			for i, p := range parts {
				aggs[i] = aggregate(p, testOpts)
				if r.IntN(2) == 0 {
					aggs[i] = roundTrip(t, aggs[i])
				}
			}
			merged := dimtest.MergeRandomly(t, r, aggs)
			if err := merged.Check(uint64(len(hits))); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(canonical(t, merged), canonical(t, whole)) {
				t.Fatalf("merged shards differ from one aggregator over all:\nmerged %s\nwhole  %s", describeAgg(merged), describeAgg(whole))
			}
		})
	}
}

// describeAgg is one line of a's main figures, for failures and tables.
func describeAgg(a *Aggregator) string {
	var b strings.Builder
	for k := range a.Kinds {
		f := &a.Kinds[k]
		fmt.Fprintf(&b, "%s=%d/%dB/5xx=%d/v=%d ", Kind(k), f.Requests, f.Bytes, f.Classes[status.Class5xx], f.Visitors.Count())
	}
	fmt.Fprintf(&b, "ai=%d", a.AI.Requests)
	return b.String()
}

// TestAdd checks the splits of a small stream by hand.
func TestAdd(t *testing.T) {
	lines := []struct {
		ua   string
		code uint16
	}{
		{testAgents[0], 200}, {testAgents[0], 500}, {testAgents[1], 200}, {testAgents[2], 404},
		{testAgents[6], 200}, {testAgents[6], 503}, {testAgents[7], 500}, {testAgents[7], 200},
		{"curl/8.5.0", 500}, {"-", 200}, {"\x01\x02", 200},
	}
	a := NewAggregator(testOpts)
	for i, l := range lines {
		rec := &parser.Record{UserAgent: []byte(l.ua), Bytes: 10, Status: l.code, HasStatus: true}
		a.Add(&dim.Hit{Rec: rec, Code: l.code, HasCode: true, Visitor: uint64(i % 3)})
	}
	if err := a.Check(uint64(len(lines))); err != nil {
		t.Fatal(err)
	}
	got := describeAgg(a)
	want := "unknown=1/10B/5xx=0/v=1 human=4/40B/5xx=1/v=3 bot=4/40B/5xx=2/v=3 tool=1/10B/5xx=1/v=1 (empty)=1/10B/5xx=0/v=1 ai=2"
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	rows := func(l *sketch.TopK) string {
		var out []string
		for _, e := range l.Top(100) {
			out = append(out, fmt.Sprintf("%q:%d", e.Key, e.Hits))
		}
		slices.Sort(out)
		return strings.Join(out, " ")
	}
	for _, c := range []struct {
		name string
		list *sketch.TopK
		want string
	}{
		{"browser versions", a.BrowserVersions, `"Chrome\x00119":1 "Chrome\x00120":2 "Safari\x0017":1`},
		{"system versions", a.SystemVersions, `"Windows\x0010":3 "iOS\x0017.2":1`},
		{"clients", a.Clients, `"aGPTBot":2 "bGooglebot":2 "tcurl":1`},
		{"clients 5xx", a.Clients5xx, `"aGPTBot":1 "bGooglebot":1 "tcurl":1`},
		{"clients 4xx", a.Clients4xx, ``},
	} {
		if got := rows(c.list); got != c.want {
			t.Errorf("%s: got %s, want %s", c.name, got, c.want)
		}
	}
	if d := a.Devices[DeviceDesktop].Requests; d != 3 {
		t.Errorf("desktop %d, want 3", d)
	}
	if d := a.Devices[DeviceMobile].Requests; d != 1 {
		t.Errorf("mobile %d, want 1", d)
	}
}

// TestMergeRefused: aggregators with other capacities do not merge.
func TestMergeRefused(t *testing.T) {
	a := NewAggregator(testOpts)
	o := testOpts
	o.TopCapacity++
	if err := a.Merge(NewAggregator(o)); err == nil || !strings.Contains(err.Error(), "top capacities differ") {
		t.Errorf("got %v", err)
	}
	o = testOpts
	o.ExcludeBots = true
	if err := a.Merge(roundTrip(t, NewAggregator(o))); err == nil || !strings.Contains(err.Error(), "--exclude-bots") {
		t.Errorf("got %v", err)
	}
	o = testOpts
	o.CacheCapacity = 99 // the cache changes no figure
	if err := a.Merge(NewAggregator(o)); err != nil {
		t.Error(err)
	}
}

// TestUnmarshalCorrupt: a damaged section is an error, never a panic.
func TestUnmarshalCorrupt(t *testing.T) {
	b, err := aggregate(testHits(1, 200), testOpts).MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(5, 5))
	for range 300 {
		c := slices.Clone(b)
		switch r.IntN(2) {
		case 0:
			c = c[:r.IntN(len(c))]
		default:
			c[r.IntN(len(c))] ^= byte(1 + r.IntN(255))
		}
		func() {
			defer func() {
				if p := recover(); p != nil {
					t.Fatalf("panic on a corrupt section: %v", p)
				}
			}()
			_ = Empty().UnmarshalBinary(c)
		}()
	}
}

// TestCheckCatches: Check notices a record counted in one split only.
func TestCheckCatches(t *testing.T) {
	a := aggregate(testHits(2, 100), testOpts)
	if err := a.Check(100); err != nil {
		t.Fatal(err)
	}
	if err := a.Check(101); err == nil {
		t.Error("Check accepts a missing record")
	}
	a.BrowserVersions.Total++
	if err := a.Check(100); err == nil || !strings.Contains(err.Error(), "browser versions") {
		t.Errorf("Check: %v", err)
	}
}

// TestBotFilter: crawlers (AI included) are left out, tools and people
// and empty agents stay.
func TestBotFilter(t *testing.T) {
	f := NewBotFilter(0).New()
	for _, c := range []struct {
		ua  string
		out bool
	}{
		{testAgents[0], false}, {testAgents[6], true}, {testAgents[7], true}, {"CCBot/2.0", true},
		{"curl/8.5.0", false}, {"python-requests/2.31.0", false}, {"-", false}, {"", false},
	} {
		reason, out := f.Exclude(&parser.Record{UserAgent: []byte(c.ua)})
		if out != c.out || out && reason != "bot" {
			t.Errorf("%q: excluded %v (%q), want %v", c.ua, out, reason, c.out)
		}
	}
}

// FuzzSection: any bytes given as a state file's agents section decode
// or fail, never panic; what decodes can be checked, merged and encoded.
func FuzzSection(f *testing.F) {
	for seed := range uint64(3) {
		b, err := aggregate(testHits(seed, 50), testOpts).MarshalBinary()
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		d := Empty().(*Aggregator)
		if d.UnmarshalBinary(b) != nil {
			return
		}
		_ = d.Check(0)
		o := NewAggregator(Options{TopCapacity: d.opts.TopCapacity, DistinctCapacity: d.opts.DistinctCapacity, ExcludeBots: d.opts.ExcludeBots})
		if err := o.Merge(d); err == nil {
			_ = o.Check(0)
		}
		again, err := d.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		if err := Empty().UnmarshalBinary(again); err != nil {
			t.Fatalf("re-encoded section does not decode: %v", err)
		}
	})
}

// TestAgentKey: an aggregator given the State's string of each agent
// (dim.Hit.AgentKey) counts what one given none counts, whether the
// strings are one per agent (the State's list) or fresh ones (an agent
// evicted from the State's list and listed again), with agents longer
// than MaxLen, and when every agent has the same hash (a crafted
// collision: the string's address must not stand for another agent's).
func TestAgentKey(t *testing.T) {
	long := "Mozilla/5.0 (X11; Linux x86_64) " + strings.Repeat("Firefox/121.0 ", 50)
	for _, collide := range []bool{false, true} {
		hits := testHits(11, 4000)
		for i := 0; i < len(hits); i += 7 {
			hits[i].Rec.UserAgent = []byte(long[:len(long)-i%3])
			hits[i].Agent = sketch.HashKey(hits[i].Rec.UserAgent)
		}
		if collide {
			for i := range hits {
				hits[i].Agent = 42
			}
		}
		want := canonical(t, aggregate(hits, testOpts))
		r := rand.New(rand.NewPCG(5, 5))
		shared := map[string]string{}
		for _, keys := range []string{"shared", "fresh", "mixed"} {
			with := slices.Clone(hits)
			for i := range with {
				ua := string(with[i].Rec.UserAgent)
				k, ok := shared[ua]
				if !ok {
					k = strings.Clone(ua)
					shared[ua] = k
				}
				if keys == "fresh" || keys == "mixed" && r.IntN(2) == 0 {
					k = strings.Clone(ua)
				}
				with[i].AgentKey = k
			}
			if got := canonical(t, aggregate(with, testOpts)); !bytes.Equal(got, want) {
				t.Errorf("collide %v, %s keys: the figures differ from those without keys", collide, keys)
			}
		}
	}
}

// TestListIndexes checks the indexes a plan keeps of its keys (addAt)
// against an evicting list: in lists of one key, Chrome 120, Chrome 119
// and Chrome 120 again (all on Windows 10) leave the browser entry to
// Chrome 120 (Space-Saving: 3 records, 2 of them maybe another key's),
// which an index kept past the evictions would give to Chrome 119.
func TestListIndexes(t *testing.T) {
	a := NewAggregator(Options{TopCapacity: 1})
	for i, ua := range []string{testAgents[0], testAgents[1], testAgents[0]} {
		rec := &parser.Record{UserAgent: []byte(ua), Bytes: 10, Status: 200, HasStatus: true}
		a.Add(&dim.Hit{Rec: rec, Code: 200, HasCode: true, Visitor: uint64(i)})
	}
	for _, c := range []struct {
		l       *sketch.TopK
		key     string
		hitsErr uint64
	}{{a.BrowserVersions, VersionKey("Chrome", "120"), 2}, {a.SystemVersions, VersionKey("Windows", "10"), 0}} {
		if e := c.l.Entries; len(e) != 1 || e[0].Key != c.key || e[0].Hits != 3 || e[0].HitsErr != c.hitsErr {
			t.Errorf("entries %+v, want %q with 3 hits, %d maybe others'", e, c.key, c.hitsErr)
		}
	}
}
