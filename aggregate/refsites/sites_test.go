package refsites

import (
	"strings"
	"testing"

	"github.com/webalyze/webalyze/aggregate/dim/dimtest"
	"github.com/webalyze/webalyze/parser"
)

func TestHost(t *testing.T) {
	for _, tt := range []struct{ ref, want string }{
		{"https://www.Example.COM/x?y", "www.example.com"},
		{"http://user:pw@Host.net:8080/", "host.net"},
		{"http://[2001:DB8::1]:80/", "[2001:db8::1]"},
		{"https://h.test#frag", "h.test"},
		{"junk", ""},
		{"android-app://com.google.android.gm/", "com.google.android.gm"},
	} {
		if got := string(Host(nil, []byte(tt.ref))); got != tt.want {
			t.Errorf("Host(%q) = %q, want %q", tt.ref, got, tt.want)
		}
	}
}

func TestIsExternal(t *testing.T) {
	for _, tt := range []struct {
		ref, vhost string
		sites      []string
		want       bool
	}{
		{"", "", nil, false},
		{"-", "", nil, false},
		{"https://a.test/", "", nil, true},
		{"https://A.test/", "a.test:443", nil, false},
		{"https://b.test/", "a.test", nil, true},
		{"https://b.test/", "", []string{"b.test"}, false},
		{"https://b.test:8443/", "a.test", []string{"c.test", "b.test"}, false},
		{"https://d.test/", "a.test", []string{"b.test"}, true},
		{"junk", "", []string{"b.test"}, true},
	} {
		if got := IsExternal([]byte(tt.ref), []byte(tt.vhost), tt.sites); got != tt.want {
			t.Errorf("IsExternal(%q, %q, %q) = %v", tt.ref, tt.vhost, tt.sites, got)
		}
	}
}

func TestSites(t *testing.T) {
	s := New(0, []string{"https://Site.TEST:443/"})
	add := func(ref, vhost string, n uint64) {
		rec := parser.Record{Host: []byte("192.0.2.1"), Referer: []byte(ref), VHost: []byte(vhost), Bytes: n}
		h := dimtest.Hit(&rec)
		s.Add(&h)
	}
	add("https://www.google.com/search?q=x", "", 10)
	add("https://WWW.Google.com/", "www.site.test", 5)
	add("https://site.test/a", "", 1)                 // a --site host
	add("https://api.site.test/", "api.site.test", 1) // the vhost
	add("-", "", 1)
	add("junk", "", 2)
	if err := s.Check(6); err != nil {
		t.Fatal(err)
	}
	e := s.List.Get("www.google.com")
	if e == nil || e.Hits != 2 || e.Bytes != 15 || e.Visitors.Count() != 1 {
		t.Fatalf("www.google.com: %+v", e)
	}
	if e := s.List.Get(""); e == nil || e.Hits != 1 {
		t.Fatalf("(no host): %+v", e)
	}
	if s.List.Total != 3 || s.List.Len() != 2 {
		t.Fatalf("total %d, %d sites", s.List.Total, s.List.Len())
	}
	if err := s.Check(2); err == nil {
		t.Error("Check accepts more referrers than requests")
	}
	if err := s.Merge(New(0, nil)); err == nil {
		t.Error("Merge accepts other site hosts")
	}
	if err := s.Merge(New(5, []string{"site.test"})); err == nil {
		t.Error("Merge accepts another capacity")
	}
}

func TestSitesMerge(t *testing.T) {
	for _, sites := range [][]string{nil, {"site.test"}} {
		dimtest.MergeProperty(t, New(0, sites), Empty, dimtest.Records(1, 3000), 20)
		// Past capacity: Space-Saving, checked for its invariants only.
		d := New(3, sites)
		dimtest.PastCapacity(t, d, d.List.Exact)
	}
}

func TestSitesAllocs(t *testing.T) {
	if n := dimtest.Allocs(New(0, []string{"site.test"}), dimtest.Records(3, 500)); n != 0 {
		t.Errorf("Add allocates %v times per run when warm", n)
	}
}

func FuzzUnmarshal(f *testing.F) { dimtest.FuzzUnmarshal(f, New(0, []string{"site.test"}), Empty) }

func BenchmarkAdd(b *testing.B) { dimtest.BenchmarkAdd(b, New(0, []string{"site.test"})) }

// TestSitesRule: Add counts exactly the referrers IsExternal calls
// external.
func TestSitesRule(t *testing.T) {
	for _, sites := range [][]string{nil, {"site.test", "other.net"}} {
		s := New(0, sites)
		var want uint64
		for _, r := range dimtest.Records(6, 5000) {
			if IsExternal(r.Referer, r.VHost, s.SiteHosts) {
				want++
			}
			h := dimtest.Hit(&r)
			s.Add(&h)
		}
		s.Flush()
		if s.List.Total != want || want == 0 {
			t.Errorf("sites %q: %d counted, IsExternal says %d", sites, s.List.Total, want)
		}
	}
}

// FuzzSchemeEnd: the fast path finds the first "://" as bytes.Index does.
func FuzzSchemeEnd(f *testing.F) {
	for _, s := range []string{"https://a/", "http://a", "ab://x://", "htt:://", "a:b://c", "https:/", "xxxx://", "xxxxx://", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := schemeEnd([]byte(s)), strings.Index(s, "://"); got != want {
			t.Fatalf("schemeEnd(%q) = %d, want %d", s, got, want)
		}
	})
}

// FuzzHostOf: HostOf is the host as the rule states it, found the slow
// way.
func FuzzHostOf(f *testing.F) {
	for _, s := range []string{"https://u@a.test:80/x", "http://a?b#c", "x://@@h", "https://[::1]:8080/", "junk"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want := ""
		if i := strings.Index(s, "://"); i >= 0 {
			h := s[i+3:]
			if j := strings.IndexAny(h, "/?#"); j >= 0 {
				h = h[:j]
			}
			if j := strings.LastIndexByte(h, '@'); j >= 0 {
				h = h[j+1:]
			}
			if j := strings.LastIndexByte(h, ':'); j >= 0 && !strings.Contains(h[j:], "]") {
				h = h[:j]
			}
			want = h
		}
		if got := string(HostOf([]byte(s))); got != want {
			t.Fatalf("HostOf(%q) = %q, want %q", s, got, want)
		}
	})
}
