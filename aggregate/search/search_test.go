package search

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/webalyze/webalyze/aggregate/dim/dimtest"
	"github.com/webalyze/webalyze/aggregate/refsites"
	"github.com/webalyze/webalyze/parser"
)

func TestParam(t *testing.T) {
	long := strings.Repeat("é", 80) // 160 bytes
	for _, tt := range []struct {
		query, want string
		ok          bool
	}{
		{"q=hello+world", "hello world", true},
		{"Q=Hello", "hello", true},
		{"s=Caf%C3%A9", "café", true},
		{"search=%20%20GoLang%20%20rocks%09", "golang rocks", true},
		{"query=a%zz%4", "a%zz%4", true},
		{"x=1&q=second", "second", true},
		{"q=&s=+&search=third", "third", true},
		{"page=2", "", false},
		{"q", "", false},
		{"=q", "", false},
		{"s=%FF%FEok", "\ufffd\ufffdok", true},
		{"q=%E2%80%AEevil%00x", "\u202eevil x", true},
		{"q=ÀÉÎ", "àéî", true},
		{"q=" + long, strings.Repeat("é", 50), true},
		{"q=" + strings.Repeat("a", 500), strings.Repeat("a", MaxLen), true},
	} {
		got, _, ok := Param(nil, nil, []byte(tt.query), Params)
		if string(got) != tt.want || ok != tt.ok {
			t.Errorf("Param(%q) = %q, %v; want %q, %v", tt.query, got, ok, tt.want, tt.ok)
		}
		if len(got) > MaxLen || !utf8.Valid(got) {
			t.Errorf("Param(%q) = %q: too long or not UTF-8", tt.query, got)
		}
	}
}

func TestEngines(t *testing.T) {
	for i, e := range engines {
		if engineLabel([]byte(e.label)) != i {
			t.Errorf("engine %s: label %q gives %d", e.Name, e.label, engineLabel([]byte(e.label)))
		}
	}
	for _, tt := range []struct {
		ref, engine, query string
	}{
		{"https://www.google.com/search?q=web+logs", "Google", "q=web+logs"},
		{"https://www.GOOGLE.co.uk/url?q=&sa=t#x", "Google", "q=&sa=t"},
		{"https://user@www.google.com.br:443/?q=x", "Google", "q=x"},
		{"https://search.yahoo.co.jp/search?p=a", "Yahoo", "p=a"},
		{"https://duckduckgo.com/", "DuckDuckGo", ""},
		{"https://yandex.ru/search/?text=t", "Yandex", "text=t"},
		{"https://ask.example.com/?q=no", "", ""},
		{"https://google.example.com/?q=no", "", ""},
		{"https://example.com/google.com?q=no", "", ""},
		{"https://www.google/?q=no", "", ""},
		{"junk", "", ""},
		{"https://com/", "", ""},
		{"https://.com/", "", ""},
	} {
		e, q := engineOf([]byte(tt.ref))
		name := ""
		if e >= 0 {
			name = EngineName(e)
		}
		if name != tt.engine || string(q) != tt.query {
			t.Errorf("engineOf(%q) = %q, %q; want %q, %q", tt.ref, name, q, tt.engine, tt.query)
		}
	}
}

func TestSearch(t *testing.T) {
	s := New(0)
	for _, r := range []struct{ query, ref string }{
		{"q=Shoes", ""},
		{"s=shoes", "https://www.bing.com/search?q=Red+Shoes"},
		{"page=1", "https://www.google.com/"},
		{"", "https://search.yahoo.com/search?p=red+shoes"},
		{"", "https://example.org/?q=not+an+engine"},
	} {
		rec := parser.Record{Query: []byte(r.query), Referer: []byte(r.ref), Bytes: 1}
		h := dimtest.Hit(&rec)
		s.Add(&h)
	}
	if err := s.Check(5); err != nil {
		t.Fatal(err)
	}
	if e := s.Terms.Get("shoes"); e == nil || e.Hits != 2 || s.Terms.Total != 2 {
		t.Errorf("terms: %+v, total %d", e, s.Terms.Total)
	}
	if e := s.Phrases.Get("red shoes"); e == nil || e.Hits != 2 || s.Phrases.Total != 2 {
		t.Errorf("phrases: %+v, total %d", e, s.Phrases.Total)
	}
	if s.Engines[0] != 1 || s.Engines[1] != 1 || s.Engines[3] != 1 || s.Referrals() != 3 {
		t.Errorf("engines %v", s.Engines)
	}
	if err := s.Check(2); err == nil {
		t.Error("Check accepts more referrals than requests")
	}
	if err := s.Merge(New(3)); err == nil {
		t.Error("Merge accepts another capacity")
	}
}

func TestSearchMerge(t *testing.T) {
	dimtest.MergeProperty(t, New(0), Empty, dimtest.Records(1, 3000), 20)
	d := New(1)
	dimtest.PastCapacity(t, d, d.Terms.Exact)
}

func TestSearchAllocs(t *testing.T) {
	if n := dimtest.Allocs(New(0), dimtest.Records(3, 500)); n != 0 {
		t.Errorf("Add allocates %v times per run when warm", n)
	}
}

func FuzzParam(f *testing.F) {
	for _, s := range []string{"q=a+b", "s=%FF", "search=%E2%80%AE", "query=" + strings.Repeat("Ä", 200)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		got, _, ok := Param(nil, nil, []byte(q), Params)
		if ok != (len(got) > 0) || len(got) > MaxLen || !utf8.Valid(got) || strings.TrimSpace(string(got)) != string(got) {
			t.Fatalf("Param(%q) = %q, %v", q, got, ok)
		}
		again := Clean(nil, got)
		if string(again) != string(got) {
			t.Fatalf("Clean is not idempotent: %q then %q", got, again)
		}
	})
}

func FuzzUnmarshal(f *testing.F) { dimtest.FuzzUnmarshal(f, New(0), Empty) }

func BenchmarkAdd(b *testing.B) { dimtest.BenchmarkAdd(b, New(0)) }

// FuzzEngineOf: the engine is the one of the referrer's host as
// refsites.HostOf finds it (the State's rule), and the query is what
// follows the first '?' before any '#'.
func FuzzEngineOf(f *testing.F) {
	for _, s := range []string{"https://www.google.com/search?q=x#y", "http://u:p@Bing.com:80/?q=", "ab://yandex.ru?text=a",
		"https://[::1]:80/", "https://a.google.com:80]/", "https://google.co.uk#?q=x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, ref string) {
		e, q := engineOf([]byte(ref))
		want := engineOfHost(refsites.HostOf([]byte(ref)))
		if e != want {
			t.Fatalf("engineOf(%q) = %d, the host's engine is %d", ref, e, want)
		}
		if e < 0 {
			return
		}
		rest := ref[strings.Index(ref, "://")+3:]
		var wantQ string
		if i := strings.IndexAny(rest, "/?#"); i >= 0 {
			rest = rest[i:]
			if h := strings.IndexByte(rest, '#'); h >= 0 {
				rest = rest[:h]
			}
			if i := strings.IndexByte(rest, '?'); i >= 0 {
				wantQ = rest[i+1:]
			}
		}
		if string(q) != wantQ {
			t.Fatalf("engineOf(%q) query %q, want %q", ref, q, wantQ)
		}
	})
}
