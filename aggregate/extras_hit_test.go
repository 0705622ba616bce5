package aggregate

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/webalyze/webalyze/aggregate/dim"
	"github.com/webalyze/webalyze/aggregate/dim/dimtest"
	"github.com/webalyze/webalyze/aggregate/sketch"
	"github.com/webalyze/webalyze/parser"
)

// TestExtrasDerivedHit: the extra dimensions count the same from the
// referrer host, extension and virtual host hash the State works out
// (dim.Hit.Derived) as from the record alone, on awkward referrers, paths
// and hosts.
func TestExtrasDerivedHit(t *testing.T) {
	refs := []string{"", "-", "x", "http://www.google.com/search?q=a+b", "https://user@www.Google.co.uk:443/?q=x#f",
		"https://www.bing.com#?q=no", "ftp://a?b://google.com/?q=odd", "https://[::1]:80/?q=v6", "https://google.com",
		"http://www.example.org/a", "https://WWW.EXAMPLE.ORG:8080/", "https://shop.example.org/?q=self", "://?q=x",
		"https://duckduckgo.com/?q=%E2%82%AC", "https://yandex.ru/search/?text=t", "no scheme at all?q=1",
		"https://search.yahoo.co.jp/?p=y", "https://g.com:/", "https://a@b@baidu.com/s?wd=w"}
	paths := []string{"/", "/a.HTML", "/a.", "/x.tar.gz", "/dir.d/file", "/a.averyveryverylongextension", "", ".htaccess", "/a.PhP"}
	vhosts := []string{"", "www.example.org", "shop.example.org:8080", string(bytes.Repeat([]byte("v"), 300))}
	var recs []parser.Record
	base := dimtest.Records(5, len(refs)*len(paths))
	for i := range base {
		r := base[i]
		r.Referer = []byte(refs[i%len(refs)])
		r.Path = []byte(paths[i/len(refs)%len(paths)])
		r.VHost = []byte(vhosts[i%len(vhosts)])
		if i%7 == 0 {
			r.Query = fmt.Appendf(nil, "q=t%d", i%5)
		}
		recs = append(recs, r)
	}
	// The State's site hosts and the referring sites': the same (the
	// sites counted from the referrer list, the host worked out for the
	// rule), none (no host worked out where no virtual host is logged),
	// and different ones (the sites handed every Hit, with its host).
	for _, c := range []struct {
		name         string
		state, sites []string
	}{
		{"same sites", []string{"www.example.org"}, []string{"www.example.org"}},
		{"no sites", nil, nil},
		{"other sites", nil, []string{"www.example.org"}},
		{"state's sites only", []string{"www.example.org"}, nil},
	} {
		t.Run(c.name, func(t *testing.T) { checkDerivedHit(t, recs, c.state, c.sites) })
	}
}

// checkDerivedHit is TestExtrasDerivedHit for a State of site hosts state
// whose referring sites leave out sites.
func checkDerivedHit(t *testing.T, recs []parser.Record, state, sites []string) {
	s := New(Options{SiteHosts: state, Dimensions: extraDimsFor(sites)})
	alone := extraDimsFor(sites)
	for i := range recs {
		s.Add(&recs[i])
		r := &recs[i]
		client, agent := sketch.HashKey(r.Host), sketch.HashKey(r.UserAgent)
		h := dim.Hit{Rec: r, Client: client, Path: sketch.HashKey(r.Path), Agent: agent,
			Identity: sketch.VisitorHash(client, agent), Code: r.Status, HasCode: r.HasStatus && r.Status < 1000,
			Page: s.isPage(r.Path)}
		h.Visitor = h.Identity
		if r.HasTime {
			h.Day = floorDiv(r.Time+s.zone.offset(r.Time), 86400)
			h.Visitor = sketch.VisitorDay(h.Identity, h.Day)
		}
		for _, d := range alone {
			d.Add(&h)
		}
	}
	for _, d := range alone {
		if got, want := dimtest.Encode(t, s.Dimension(d.Section())), dimtest.Encode(t, d); !bytes.Equal(got, want) {
			t.Errorf("%s: the State's Hit counts differently from the record alone", d.Section())
		}
	}
	if s.hit.RefHost != nil || s.hit.Ext != nil {
		t.Error("the State keeps slices of the last record")
	}
}
