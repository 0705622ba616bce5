package geo

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/maxmind/mmdbwriter/mmdbtype"

	"github.com/webalyze/webalyze/aggregate/dim"
	"github.com/webalyze/webalyze/aggregate/dim/dimtest"
	"github.com/webalyze/webalyze/aggregate/sketch"
	"github.com/webalyze/webalyze/parser"
)

// hit makes the Hit the State would hand over for one request.
func hit(client, agent string, day int64, code uint16, bytes uint64) *dim.Hit {
	rec := &parser.Record{Host: []byte(client), UserAgent: []byte(agent), Status: code, HasStatus: code != 0,
		Bytes: bytes, HasBytes: bytes != 0}
	c, ag := sketch.HashKey(rec.Host), sketch.HashKey(rec.UserAgent)
	id := sketch.VisitorHash(c, ag)
	return &dim.Hit{Rec: rec, Client: c, Agent: ag, Identity: id, Visitor: sketch.VisitorDay(id, day),
		Code: code, HasCode: code != 0}
}

// describeAgg renders every figure of a as lines, for comparisons.
func describeAgg(a *Aggregator) string {
	var b strings.Builder
	f := func(x Figures) string {
		return fmt.Sprintf("%d req %d B 4xx %d 5xx %d vis %d exact=%v err=%d", x.Hits, x.Bytes, x.Err4xx, x.Err5xx, x.Visitors, x.VisitorsExact, x.HitsErr)
	}
	for _, d := range a.Databases() {
		fmt.Fprintf(&b, "db %s %d country=%v asn=%v\n", d.Type, d.Built, d.Country, d.ASN)
	}
	for _, c := range a.Countries() {
		fmt.Fprintf(&b, "%s %s: %s\n", c.Code, c.Name, f(c.Figures))
	}
	fmt.Fprintf(&b, "local: %s\nnot ip: %s\nnot found: %s\n", f(a.Local()), f(a.NotIP()), f(a.NotFound()))
	if a.HasASN() {
		l := a.Networks(0)
		fmt.Fprintf(&b, "networks total %d distinct %d exact=%v bound %d\n", l.Total, l.Distinct, l.Exact, l.ErrorBound)
		for _, n := range l.Rows {
			fmt.Fprintf(&b, "AS%d %s: %s\n", n.ASN, n.Org, f(n.Figures))
		}
		fmt.Fprintf(&b, "no asn: %s\n", f(a.NoASN()))
	}
	return b.String()
}

func newTestAgg(t testing.TB, set *Set, opts Options) *Aggregator {
	t.Helper()
	return NewAggregator(set, opts).New().(*Aggregator)
}

func TestAggregatorRows(t *testing.T) {
	mm, _, _ := testSets(t)
	a := newTestAgg(t, mm, Options{})
	for _, h := range []*dim.Hit{
		hit("192.0.2.1", "a", 1, 200, 100),     // US, AS64496
		hit("192.0.2.1", "a", 1, 404, 10),      // same visitor
		hit("192.0.2.200", "b", 1, 503, 0),     // US, no AS (outside the /25)
		hit("198.51.100.7:5555", "a", 2, 0, 0), // NL, no status
		hit("[2001:db8::1]:443", "a", 2, 500, 7),
		hit("203.0.113.9", "a", 2, 200, 1), // JP registered country
		hit("10.1.2.3", "a", 1, 200, 5),    // local
		hit("::1", "a", 1, 401, 5),         // local
		hit("-", "a", 1, 200, 5),           // not an address
		hit("host.example", "a", 1, 200, 5),
		hit("8.8.8.8", "a", 1, 200, 5), // in no database
	} {
		a.Add(h)
	}
	if err := a.Check(11); err != nil {
		t.Fatal(err)
	}
	got := describeAgg(a)
	want := `db GeoLite2-ASN ` // build times vary: compared below without them
	if !strings.HasPrefix(got, "db ") || !strings.Contains(got, want) {
		t.Fatalf("databases:\n%s", got)
	}
	got = got[strings.Index(got, "US "):]
	want = `US United States: 3 req 110 B 4xx 1 5xx 1 vis 2 exact=true err=0
DE Germany: 1 req 7 B 4xx 0 5xx 1 vis 1 exact=true err=0
JP Japan: 1 req 1 B 4xx 0 5xx 0 vis 1 exact=true err=0
NL Netherlands: 1 req 0 B 4xx 0 5xx 0 vis 1 exact=true err=0
local: 2 req 10 B 4xx 1 5xx 0 vis 2 exact=true err=0
not ip: 2 req 10 B 4xx 0 5xx 0 vis 2 exact=true err=0
not found: 1 req 5 B 4xx 0 5xx 0 vis 1 exact=true err=0
networks total 3 distinct 2 exact=true bound 0
AS64496 Example Org A: 2 req 110 B 4xx 1 5xx 0 vis 1 exact=true err=0
AS64497 Example Org B: 1 req 7 B 4xx 0 5xx 1 vis 1 exact=true err=0
no asn: 8 req 26 B 4xx 1 5xx 1 vis 8 exact=true err=0
`
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if err := a.Check(12); err == nil {
		t.Error("Check accepted a wrong parsed count")
	}
}

// randHits draws requests from documentation, local, odd and unknown
// clients.
func randHits(seed uint64, n int) []*dim.Hit {
	r := rand.New(rand.NewPCG(seed, 7))
	clients := []func() string{
		func() string { return fmt.Sprintf("192.0.2.%d", r.IntN(256)) },
		func() string { return fmt.Sprintf("198.51.100.%d", r.IntN(256)) },
		func() string { return fmt.Sprintf("203.0.113.%d", r.IntN(256)) },
		func() string { return fmt.Sprintf("2001:db8:%x::%x", r.IntN(3), r.IntN(1<<16)) },
		func() string { return fmt.Sprintf("10.0.%d.%d", r.IntN(4), r.IntN(256)) },
		func() string { return fmt.Sprintf("%d.%d.%d.%d", 1+r.IntN(200), r.IntN(256), r.IntN(256), r.IntN(256)) },
		func() string { return []string{"-", "unknown", "host.example", ""}[r.IntN(4)] },
	}
	codes := []uint16{200, 200, 200, 301, 404, 403, 500, 503, 0, 999}
	hs := make([]*dim.Hit, n)
	for i := range hs {
		hs[i] = hit(clients[r.IntN(len(clients))](), strconv.Itoa(r.IntN(5)), int64(r.IntN(3)), codes[r.IntN(len(codes))], uint64(r.IntN(5000)))
	}
	return hs
}

func roundTripAgg(t *testing.T, a *Aggregator) *Aggregator {
	t.Helper()
	b, err := a.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	n := NewEmpty().(*Aggregator)
	if err := n.UnmarshalBinary(b); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestAggregatorMergeProperty: aggregating random parts and merging them
// in any order, directly or through the encoded section, gives the whole
// run's figures, exactly, within the capacities and past them (visitor
// HyperLogLogs merge exactly too).
func TestAggregatorMergeProperty(t *testing.T) {
	mm, _, _ := testSets(t)
	for seed := range uint64(8) {
		t.Run(strconv.FormatUint(seed, 10), func(t *testing.T) {
			opts := Options{}
			if seed >= 4 {
				opts.DistinctCapacity = 20 // visitors past their exact capacity
			}
			hs := randHits(seed, 3000)
			proto := NewAggregator(mm, opts)
			whole := proto.New().(*Aggregator)
			for _, h := range hs {
				whole.Add(h)
			}
			if err := whole.Check(uint64(len(hs))); err != nil {
				t.Fatal(err)
			}
			r := rand.New(rand.NewPCG(seed, 1))
			nparts := 1 + r.IntN(7)
			parts := make([]*Aggregator, nparts)
			for i := range parts {
				parts[i] = proto.New().(*Aggregator)
			}
			for _, h := range hs {
				parts[r.IntN(nparts)].Add(h)
			}
			if seed%2 == 1 {
				for i := range parts {
					parts[i] = roundTripAgg(t, parts[i]) // as shards saved elsewhere
				}
			}
			merged := dimtest.MergeRandomly(t, r, parts)
			if err := merged.Check(uint64(len(hs))); err != nil {
				t.Fatal(err)
			}
			want := describeAgg(whole)
			if got := describeAgg(merged); got != want {
				t.Fatalf("merged parts differ from the whole run:\n%s\nwant\n%s", got, want)
			}
			if got := describeAgg(roundTripAgg(t, merged)); got != want {
				t.Fatalf("encoding changes the figures:\n%s\nwant\n%s", got, want)
			}
			if seed >= 4 && !strings.Contains(want, "exact=false") {
				t.Fatal("no visitor count went past its capacity")
			}
		})
	}
}

func TestAggregatorMergeDatabases(t *testing.T) {
	mm, lite, _ := testSets(t)
	countryOnly := buildDB(t, "GeoLite2-Country", map[string]mmdbtype.Map{"192.0.2.0/24": mmCountryRec("country", "US", "United States")})
	co, err := OpenAll(countryOnly)
	if err != nil {
		t.Fatal(err)
	}
	defer co.Close()
	a, b := newTestAgg(t, mm, Options{}), newTestAgg(t, co, Options{})
	a.Add(hit("192.0.2.1", "a", 1, 200, 1))
	b.Add(hit("192.0.2.1", "a", 1, 200, 1))
	err = a.Merge(b)
	if err == nil || !strings.Contains(err.Error(), "ASN database") || !strings.Contains(err.Error(), "GeoLite2-ASN built") {
		t.Errorf("merging with and without networks: %v", err)
	}
	// Another release (IPinfo Lite gives countries and networks): the
	// figures are kept, and both databases are listed.
	c := newTestAgg(t, lite, Options{})
	c.Add(hit("198.51.100.1", "a", 1, 200, 1))
	if err := a.Merge(c); err != nil {
		t.Fatal(err)
	}
	if err := a.Check(2); err != nil {
		t.Fatal(err)
	}
	if d := describeAgg(a); !strings.Contains(d, "db ipinfo lite.mmdb") || !strings.Contains(d, "db GeoLite2-Country") || !strings.Contains(d, "FR France: 1 req") {
		t.Errorf("merged:\n%s", d)
	}
	if err := a.Merge(a); err == nil {
		t.Error("merged into itself")
	}
}

// TestAggregatorHostileDatabase: odd country codes count as not found,
// and a database with more networks than the list's capacity keeps the
// list, and its organisation names, bounded.
func TestAggregatorHostileDatabase(t *testing.T) {
	recs := map[string]mmdbtype.Map{
		"192.0.2.0/26":    mmCountryRec("country", "x1", "odd"),
		"192.0.2.64/26":   mmCountryRec("country", "ZZZ", "long"),
		"192.0.2.128/26":  mmCountryRec("country", "\u00e9\u00e9", "accents"),
		"192.0.2.192/26":  mmCountryRec("country", "zz", "lower case: taken as ZZ"),
		"198.51.100.0/24": asnRec(0, "no number"),
	}
	for i := range 256 {
		recs[fmt.Sprintf("203.0.113.%d/32", i)] = asnRec(uint32(64500+i), strings.Repeat("O", 300))
	}
	s, err := OpenAll(buildDB(t, "GeoLite2-City", recs))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	a := newTestAgg(t, s, Options{ASNCapacity: 10})
	n := 0
	for i := range 256 {
		for range 1 + i%3 {
			a.Add(hit(fmt.Sprintf("203.0.113.%d", i), "a", 1, 200, 1))
			a.Add(hit(fmt.Sprintf("192.0.2.%d", i), "a", 1, 200, 1))
			n += 2
		}
	}
	if err := a.Check(uint64(n)); err != nil {
		t.Fatal(err)
	}
	cs := a.Countries()
	if len(cs) != 1 || cs[0].Code != "ZZ" {
		t.Errorf("countries: %+v", cs)
	}
	l := a.Networks(0)
	if len(l.Rows) != 10 || l.Exact || l.ErrorBound == 0 {
		t.Errorf("networks: %d rows, exact %v, bound %d", len(l.Rows), l.Exact, l.ErrorBound)
	}
	if len(a.orgs) > 2*10 {
		t.Errorf("%d organisation names kept for a list of 10", len(a.orgs))
	}
	for _, r := range l.Rows {
		if len(r.Org) > maxText {
			t.Errorf("organisation name of %d bytes", len(r.Org))
		}
	}
	if got := roundTripAgg(t, a); describeAgg(got) != describeAgg(a) {
		t.Error("round trip changed the figures")
	}
}

// TestAggregatorCorruptSection: a damaged section is an error, never a
// panic.
func TestAggregatorCorruptSection(t *testing.T) {
	mm, _, _ := testSets(t)
	a := newTestAgg(t, mm, Options{})
	for _, h := range randHits(1, 300) {
		a.Add(h)
	}
	b, err := a.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(3, 4))
	for i := range 2000 {
		c := slices.Clone(b)
		switch i % 3 {
		case 0:
			c = c[:r.IntN(len(c))]
		default:
			for range 1 + r.IntN(4) {
				c[r.IntN(len(c))] = byte(r.Uint32())
			}
		}
		n := NewEmpty().(*Aggregator)
		if err := n.UnmarshalBinary(c); err == nil {
			n.Check(300) // may fail; must not panic
			n.Countries()
			n.Networks(10)
		}
	}
	if err := NewEmpty().UnmarshalBinary([]byte("not gob")); err == nil {
		t.Error("garbage accepted")
	}
}

func TestAggregatorWarmDoesNotAllocate(t *testing.T) {
	mm, _, _ := testSets(t)
	a := newTestAgg(t, mm, Options{})
	hs := []*dim.Hit{hit("192.0.2.1", "a", 1, 200, 100), hit("2001:db8::1", "b", 1, 503, 1),
		hit("10.0.0.1", "a", 1, 404, 1), hit("-", "a", 1, 200, 1), hit("8.8.8.8", "a", 1, 200, 1)}
	for _, h := range hs {
		a.Add(h)
	}
	a.flush() // counted: rows, sets and the client table exist
	if n := testing.AllocsPerRun(100, func() {
		for _, h := range hs {
			a.Add(h)
		}
	}); n != 0 {
		t.Errorf("%v allocations per warm round", n)
	}
}

func TestAggregatorWithoutDatabases(t *testing.T) {
	// A decoded aggregator has no databases: what it is given is not found.
	mm, _, _ := testSets(t)
	a := roundTripAgg(t, newTestAgg(t, mm, Options{}))
	a.New().Add(hit("192.0.2.1", "a", 1, 200, 1))
	a.Add(hit("192.0.2.1", "a", 1, 200, 1))
	if err := a.Check(1); err != nil || a.NotFound().Hits != 1 {
		t.Errorf("check %v, not found %d", err, a.NotFound().Hits)
	}
}
