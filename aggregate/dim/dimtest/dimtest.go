// Package dimtest holds the checks every dimension's tests run: merging
// random splits in random order equals adding everything to one
// aggregator, encoding round-trips, and decoding hostile bytes fails
// cleanly. It is for tests only.
package dimtest

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/webalyze/webalyze/aggregate/dim"
	"github.com/webalyze/webalyze/aggregate/sketch"
	"github.com/webalyze/webalyze/parser"
)

// Canonicaler is a dimension that can put itself in a form for comparison
// (top lists sorted by key, see sketch.TopK.Canonical).
type Canonicaler interface{ Canonical() }

// pageExts are the default page extensions of a State.
var pageExts = []string{"htm", "html", "php", "asp", "aspx", "jsp", "cgi", "pl", "shtml", ""}

// Hit makes the dim.Hit the State would hand over for rec (with the
// State's default page extensions and a UTC day). rec is not copied.
func Hit(rec *parser.Record) dim.Hit {
	h := dim.Hit{Rec: rec, Client: sketch.HashKey(rec.Host), Path: sketch.HashKey(rec.Path), Agent: sketch.HashKey(rec.UserAgent)}
	h.Identity = sketch.VisitorHash(h.Client, h.Agent)
	h.Visitor = h.Identity
	if rec.HasTime {
		h.Day = rec.Time / 86400
		if rec.Time < 0 && rec.Time%86400 != 0 {
			h.Day--
		}
		h.Visitor = sketch.VisitorDay(h.Identity, h.Day)
	}
	if rec.HasStatus && rec.Status < 1000 {
		h.Code, h.HasCode = rec.Status, true
	}
	h.Page = IsPage(rec.Path)
	return h
}

// IsPage is the State's page rule with its default extensions.
func IsPage(path []byte) bool {
	seg := path[bytes.LastIndexByte(path, '/')+1:]
	ext := ""
	if i := bytes.LastIndexByte(seg, '.'); i >= 0 {
		ext = string(bytes.ToLower(seg[i+1:]))
	}
	return slices.Contains(pageExts, ext)
}

// Encode canonicalises d (when it can) and returns its encoding.
func Encode(t testing.TB, d dim.Dimension) []byte {
	t.Helper()
	if c, ok := d.(Canonicaler); ok {
		c.Canonical()
	}
	b, err := d.MarshalBinary()
	if err != nil {
		t.Fatalf("%s: MarshalBinary: %v", d.Section(), err)
	}
	return b
}

// MergeProperty checks, for rounds random splits of recs, that adding each
// part to its own proto.New() and merging the parts in random order gives
// what adding every record to one aggregator gives (compared by their
// canonical encodings), that each result passes Check, and that the
// encoding round-trips through empty().UnmarshalBinary. It returns the
// aggregator of all records.
func MergeProperty(t *testing.T, proto dim.Dimension, empty func() dim.Dimension, recs []parser.Record, rounds int) dim.Dimension {
	t.Helper()
	whole := proto.New()
	Feed(whole, recs)
	if err := whole.Check(uint64(len(recs))); err != nil {
		t.Fatalf("%s: Check after adding %d records: %v", proto.Section(), len(recs), err)
	}
	want := Encode(t, whole)
	back := empty()
	if err := back.UnmarshalBinary(want); err != nil {
		t.Fatalf("%s: UnmarshalBinary of its own encoding: %v", proto.Section(), err)
	}
	if err := back.Check(uint64(len(recs))); err != nil {
		t.Fatalf("%s: Check after decoding: %v", proto.Section(), err)
	}
	if got := Encode(t, back); !bytes.Equal(got, want) {
		t.Fatalf("%s: encoding does not round-trip", proto.Section())
	}
	rng := rand.New(rand.NewPCG(1, uint64(len(recs))))
	for round := range rounds {
		k := 1 + rng.IntN(6)
		parts := make([]dim.Dimension, k)
		for i := range parts {
			parts[i] = proto.New()
		}
		for i := range recs {
			h := Hit(&recs[i])
			parts[rng.IntN(k)].Add(&h)
		}
		// Round-trip some parts through their encoding, as shards saved
		// to state files and merged later are.
		for i, p := range parts {
			if rng.IntN(2) == 0 {
				continue
			}
			b, err := p.MarshalBinary()
			if err != nil {
				t.Fatal(err)
			}
			q := empty()
			if err := q.UnmarshalBinary(b); err != nil {
				t.Fatalf("%s: round %d: decoding a part: %v", proto.Section(), round, err)
			}
			parts[i] = q
		}
		acc := MergeRandomly(t, rng, parts)
		if err := acc.Check(uint64(len(recs))); err != nil {
			t.Fatalf("%s: round %d (%d parts): Check after merging: %v", proto.Section(), round, k, err)
		}
		if got := Encode(t, acc); !bytes.Equal(got, want) {
			t.Fatalf("%s: round %d: merging %d parts differs from one aggregator over all records", proto.Section(), round, k)
		}
	}
	return whole
}

// Unmarshal is the body of a fuzz target over UnmarshalBinary: hostile
// bytes either fail to decode or give an aggregator that re-encodes into
// bytes that decode again (a state saved from it loads), and can be added
// to and merged without panicking.
func Unmarshal(t *testing.T, empty func() dim.Dimension, data []byte) {
	d := empty()
	if err := d.UnmarshalBinary(data); err != nil {
		return
	}
	again, err := d.MarshalBinary()
	if err != nil {
		t.Fatalf("decoded but cannot re-encode: %v", err)
	}
	if err := empty().UnmarshalBinary(again); err != nil {
		t.Fatalf("re-encoded section does not decode: %v", err)
	}
	rec := parser.Record{Host: []byte("192.0.2.1"), Path: []byte("/a.html"), Query: []byte("q=x"), User: []byte("u"),
		Referer: []byte("https://www.google.com/search?q=x"), VHost: []byte("h"), Status: 200, HasStatus: true}
	h := Hit(&rec)
	d.Add(&h)
	o := d.New()
	o.Add(&h)
	_ = d.Merge(o)
	_ = d.Check(0)
}

// MergeRandomly merges parts, two taken at random each time, one into
// the other, until one is left, which it returns; a Merge error fails
// the test.
func MergeRandomly[D dim.Dimension](t testing.TB, rng *rand.Rand, parts []D) D {
	t.Helper()
	for len(parts) > 1 {
		i, j := rng.IntN(len(parts)), rng.IntN(len(parts)-1)
		if j >= i {
			j++
		}
		if err := parts[i].Merge(parts[j]); err != nil {
			t.Fatalf("%s: Merge: %v", parts[i].Section(), err)
		}
		parts = slices.Delete(parts, j, j+1)
	}
	return parts[0]
}

// MergeRefused fails the test unless d refuses to merge itself, and to
// merge a dimension of another kind with an error that names word.
func MergeRefused(t *testing.T, d dim.Dimension, word string) {
	t.Helper()
	if err := d.Merge(d); err == nil {
		t.Errorf("%s: merged into itself", d.Section())
	}
	if err := d.Merge(foreign{}); err == nil || !strings.Contains(err.Error(), word) {
		t.Errorf("%s: merging another dimension: %v", d.Section(), err)
	}
}

// foreign is a dimension of no kind a test aggregator is.
type foreign struct{ dim.Dimension }

// Feed adds every record of recs to d.
func Feed(d dim.Dimension, recs []parser.Record) {
	for i := range recs {
		h := Hit(&recs[i])
		d.Add(&h)
	}
}

// PastCapacity feeds d, made with a capacity that Records(2, 3000)
// overflows, and fails the test unless d still passes its Check and
// exact, its list's Exact, reports false (Space-Saving).
func PastCapacity(t *testing.T, d dim.Dimension, exact func() bool) {
	t.Helper()
	recs := Records(2, 3000)
	Feed(d, recs)
	if err := d.Check(uint64(len(recs))); err != nil || exact() {
		t.Fatalf("%s past its capacity: %v, exact %v", d.Section(), err, exact())
	}
}

// Allocs returns the average allocations of adding recs to d again (its
// keys already seen): 0 on the hot path.
func Allocs(d dim.Dimension, recs []parser.Record) float64 {
	hits := make([]dim.Hit, len(recs))
	for i := range recs {
		hits[i] = Hit(&recs[i])
		d.Add(&hits[i])
	}
	return testing.AllocsPerRun(20, func() {
		for i := range hits {
			d.Add(&hits[i])
		}
	})
}

// Records returns n records with a few values of every field the
// dimensions read (paths and their extensions, queries with search
// terms, referrers from search engines, other sites and the site
// itself, users, virtual hosts, statuses), repeatable for a seed.
func Records(seed uint64, n int) []parser.Record {
	rng := rand.New(rand.NewPCG(seed, 7))
	pick := func(s []string) []byte {
		v := s[rng.IntN(len(s))]
		if v == "" {
			return nil
		}
		return []byte(v)
	}
	paths := []string{"/", "/index.html", "/a/b.PHP", "/img/logo.png", "/css/site.css", "/js/app.JS", "/about",
		"/file.", "/x.verylongextensionthatiscut", "/search", "/dl/f.tar.gz", "/\xff.\xfe"}
	queries := []string{"", "", "q=hello+world", "s=Caf%C3%A9", "search=%20%20GoLang%20", "query=a%zz", "x=1&q=second",
		"q=", "page=2", "Q=Upper", "s=%FF%FE"}
	refs := []string{"", "-", "https://www.google.com/search?q=web+logs", "https://www.google.co.uk/url?q=&sa=t",
		"https://www.bing.com/search?q=Access%20Log", "https://search.yahoo.com/search?p=yahoo+term",
		"https://yandex.ru/search/?text=%D0%BB%D0%BE%D0%B3", "https://www.baidu.com/s?wd=baidu",
		"https://duckduckgo.com/?q=ddg", "http://Example.ORG:8080/page", "https://user@other.net/x",
		"http://site.test/internal", "android-app://com.google.android.gm/", "junk", "https://ask.example.com/?q=no"}
	users := []string{"", "-", "alice", "bob", "ALICE", "carol\x00"}
	vhosts := []string{"", "site.test", "www.site.test:443", "api.site.test"}
	codes := []uint16{200, 200, 200, 304, 404, 500, 503, 101, 0, 499, 999}
	recs := make([]parser.Record, n)
	for i := range recs {
		r := &recs[i]
		r.Host = fmt.Appendf(nil, "192.0.2.%d", rng.IntN(20))
		r.UserAgent = pick([]string{"Mozilla/5.0", "curl/8", ""})
		r.Path = pick(paths)
		r.Query = pick(queries)
		r.Referer = pick(refs)
		r.User = pick(users)
		r.VHost = pick(vhosts)
		if rng.IntN(20) > 0 {
			r.Status, r.HasStatus = codes[rng.IntN(len(codes))], true
		}
		r.Bytes, r.HasBytes = uint64(rng.IntN(5000)), true
		if rng.IntN(10) > 0 {
			r.Time, r.HasTime = 1_700_000_000+int64(rng.IntN(5*86400)), true
		}
	}
	return recs
}

// FuzzUnmarshal is a section decoder's fuzz target: seeded with the
// encodings of d as generated records are added to it (and no bytes),
// every input must decode into empty() or fail cleanly (see Unmarshal).
func FuzzUnmarshal(f *testing.F, d dim.Dimension, empty func() dim.Dimension) {
	for i, r := range Records(4, 200) {
		h := Hit(&r)
		d.Add(&h)
		if i%50 == 0 {
			b, err := d.MarshalBinary()
			if err != nil {
				f.Fatal(err)
			}
			f.Add(b)
		}
	}
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) { Unmarshal(t, empty, data) })
}

// BenchmarkAdd measures d's Add over generated records, their hits made
// beforehand.
func BenchmarkAdd(b *testing.B, d dim.Dimension) {
	recs := Records(5, 4096)
	hits := make([]dim.Hit, len(recs))
	for i := range recs {
		hits[i] = Hit(&recs[i])
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		d.Add(&hits[i%len(hits)])
	}
}
