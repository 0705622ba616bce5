package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/webalyze/webalyze/aggregate"
	"github.com/webalyze/webalyze/aggregate/content"
	"github.com/webalyze/webalyze/aggregate/dim"
	"github.com/webalyze/webalyze/aggregate/refsites"
	"github.com/webalyze/webalyze/aggregate/search"
	"github.com/webalyze/webalyze/aggregate/users"
	"github.com/webalyze/webalyze/aggregate/vhosts"
	"github.com/webalyze/webalyze/parser"
)

// extrasDims are the extra panels' dimensions as a run counts them.
func extrasDims(sites ...string) []dim.Dimension {
	return []dim.Dimension{refsites.New(0, sites), search.New(0), content.New(0), users.New(0), vhosts.New(0)}
}

func init() {
	goldenModels = append(goldenModels, struct {
		name  string
		model func() *Model
	}{"extras", func() *Model { return Build(extrasState(), BuildOptions{Title: "Extras", TopN: 5}) }})
}

// Hostile values for the extra panels, beside those of hostileState.
const (
	hostileUser   = "=cmd|' /C calc'!A0<script>"
	hostilePhrase = "https://www.google.com/search?q=%3Cscript%3Ealert(5)%3C%2Fscript%3E%E2%80%AE"
	hostileSite   = "https://<svg onload=alert(6)>.evil.example/x"
	hostileExt    = "/x.<b>onclick"
)

// addExtrasHostile adds records whose user, referrer, query and path
// extension are hostile.
func addExtrasHostile(st *aggregate.State, base int64) {
	for i, r := range []struct{ user, ref, path, query, vhost string }{
		{hostileUser, hostilePhrase, hostileExt, "q=%1B%5B2J%3Ciframe%3E", "example.org"},
		{hostileUser, hostileSite, "/", "search=%E2%80%AEgnp.exe", hostileVHost},
	} {
		st.Add(&parser.Record{Host: []byte("192.0.2.9"), Method: []byte("GET"), Path: []byte(r.path), Query: []byte(r.query),
			Protocol: []byte("HTTP/1.1"), HasTime: true, Time: base + int64(i), HasStatus: true, Status: 200, Bytes: 10, HasBytes: true,
			Referer: []byte(r.ref), User: []byte(r.user), VHost: []byte(r.vhost)})
	}
}

// extrasState is a small log with something in every extra panel.
func extrasState() *aggregate.State {
	st := aggregate.New(aggregate.Options{SiteHosts: []string{"www.example.org"}, Dimensions: extrasDims("www.example.org")})
	base := at("2026-05-04T10:00:00Z").Unix()
	add := func(path, query, ref, user, vhost string, status uint16, host string) {
		st.Add(&parser.Record{Host: []byte(host), Method: []byte("GET"), Path: []byte(path), Query: []byte(query),
			Protocol: []byte("HTTP/1.1"), HasTime: true, Time: base, HasStatus: true, Status: status, Bytes: 100, HasBytes: true,
			Referer: []byte(ref), User: []byte(user), VHost: []byte(vhost), UserAgent: []byte("Mozilla/5.0")})
		base++
	}
	for i := range 12 {
		add("/", "", "https://www.Google.com/", "", "www.example.org", 200, "192.0.2.1")
		add("/static/app.css", "", "https://www.example.org/", "", "www.example.org", 200, "192.0.2.1")
		add("/search", "q=Red+Shoes", "https://www.example.org/", "alice", "www.example.org", 200, "192.0.2.2")
		if i%3 == 0 {
			add("/img/logo.PNG", "", "https://news.example.net:443/item?id=1", "bob", "shop.example.org", 404, "192.0.2.3")
			add("/api/orders", "", "https://duckduckgo.com/?q=webalyze+report", "-", "shop.example.org", 503, "192.0.2.4")
		}
	}
	add("/x", "", "https://search.yahoo.co.jp/search?p=%E3%83%AD%E3%82%B0", "", "", 200, "192.0.2.5")
	addExtrasHostile(st, base+100)
	return st
}

func TestExtrasFromState(t *testing.T) {
	m := Build(extrasState(), BuildOptions{TopN: 3})
	e := m.Extras
	if e.ReferringSites == nil || e.Search == nil || e.Content == nil || e.RemoteUsers == nil || e.VhostStatus == nil {
		t.Fatalf("missing panels: %+v", e)
	}
	if r := e.ReferringSites.Rows; len(r) != 3 || r[0].Key != "www.google.com" || r[0].Hits != 13 || r[0].Visitors != 2 {
		t.Errorf("referring sites %+v", r)
	}
	if e.ReferringSites.Total != 12+4+4+1+2 || e.ReferringSites.Total != m.Referrers.Total {
		t.Errorf("referring sites count %d external referrers, the referrer list %d", e.ReferringSites.Total, m.Referrers.Total)
	}
	if r := e.Search.SiteSearch.Rows; len(r) == 0 || r[0].Key != "red shoes" || r[0].Hits != 12 || r[0].Share != 12.0/14 {
		t.Errorf("site search %+v", r)
	}
	if e.Search.Referrals != 4+1+12+1 || e.Search.Engines[0].Engine != "Google" || e.Search.Engines[0].Hits != 13 {
		t.Errorf("engines %+v, referrals %d", e.Search.Engines, e.Search.Referrals)
	}
	if e.Search.Phrases.Total != 6 {
		t.Errorf("phrases %+v", e.Search.Phrases)
	}
	c := e.Content
	if c.Pages.Hits+c.Static.Hits != m.Requests || c.Pages.Hits != m.Pages || c.Types.Total != m.Requests {
		t.Errorf("content %+v, %d requests, %d pages", c, m.Requests, m.Pages)
	}
	if r := c.Types.Rows; r[0].Key != "(none)" || r[1].Key != "css" {
		t.Errorf("types %+v", r)
	}
	u := e.RemoteUsers
	if u.Authenticated.Hits != 12+4+2 || u.Anonymous.Hits+u.Authenticated.Hits != m.Requests || u.Users.Rows[0].Key != "alice" {
		t.Errorf("users %+v", u)
	}
	v := e.VhostStatus
	if v.Requests+v.NoVhost != m.Requests || v.NoVhost != 1 || len(v.Rows) != 3 || !v.Exact {
		t.Fatalf("vhost status %+v", v)
	}
	if r := v.Rows[1]; r.Host != "shop.example.org" || r.Groups != (StatusGroups{X4: 4, X5: 4}) || r.Share5xx != 0.5 {
		t.Errorf("shop.example.org %+v", r)
	}

	// JSON: the keys, and none of them for a source without the panels.
	var with, without bytes.Buffer
	if err := WriteJSON(&with, m); err != nil {
		t.Fatal(err)
	}
	if err := WriteJSON(&without, Build(aggregate.New(aggregate.Options{}), BuildOptions{})); err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(with.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"referring_sites", "search", "content", "remote_users", "vhost_status"} {
		if _, ok := doc[k]; !ok {
			t.Errorf("JSON lacks %q", k)
		}
		if strings.Contains(without.String(), `"`+k+`"`) {
			t.Errorf("JSON of a State without the dimensions has %q", k)
		}
	}
}

// TestExtrasEmpty: counted panels with no data are absent from the page,
// each with a line saying why.
func TestExtrasEmpty(t *testing.T) {
	st := aggregate.New(aggregate.Options{Dimensions: extrasDims()})
	st.Add(&parser.Record{Path: []byte("/"), HasStatus: true, Status: 200})
	var b bytes.Buffer
	if err := WriteHTML(&b, Build(st, BuildOptions{})); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	for _, id := range []string{`id="referring-sites"`, `id="search"`, `id="remote-users"`, `id="vhost-status"`} {
		if strings.Contains(page, id) {
			t.Errorf("empty panel shown: %s", id)
		}
	}
	for _, why := range []string{"Referring sites: none", "Site search: none", "Search phrases: none", "Remote users: none", "Status by virtual host: none"} {
		if !strings.Contains(page, why) {
			t.Errorf("no line saying %q", why)
		}
	}
	if !strings.Contains(page, `id="content"`) {
		t.Error("no static files and pages panel")
	}
}

// TestExtrasHostile: hostile log values are escaped in every output.
func TestExtrasHostile(t *testing.T) {
	m := Build(extrasState(), BuildOptions{})
	var h, txt, csv bytes.Buffer
	if err := WriteHTML(&h, m); err != nil {
		t.Fatal(err)
	}
	for _, raw := range []string{"<script>", "<svg onload", "<b>onclick", "<iframe", "\u202e", "\x1b"} {
		if strings.Contains(h.String(), raw) {
			t.Errorf("HTML has raw %q", raw)
		}
	}
	if err := WriteText(&txt, m); err != nil {
		t.Fatal(err)
	}
	for _, raw := range []string{"\u202e", "\x1b"} {
		if strings.Contains(txt.String(), raw) {
			t.Errorf("text has raw %q", raw)
		}
	}
	if !strings.Contains(txt.String(), "Referring sites:") || !strings.Contains(txt.String(), "Status by virtual host:") {
		t.Errorf("text lacks the extras lines:\n%s", txt.String())
	}
	if err := WriteCSV(&csv, m); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(csv.String(), ","+hostileUser) || !strings.Contains(csv.String(), "'"+hostileUser[:4]) {
		t.Errorf("CSV does not neutralise the user name %q", hostileUser)
	}
}
