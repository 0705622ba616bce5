package clickhouse

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/webalyze/webalyze/aggregate"
	"github.com/webalyze/webalyze/aggregate/clickhouse/chserver"
	"github.com/webalyze/webalyze/aggregate/dim"
	"github.com/webalyze/webalyze/aggregate/visits"
	"github.com/webalyze/webalyze/parser"
	"github.com/webalyze/webalyze/report"
)

// compareVisits compares the visits of an Input from ClickHouse with a
// local State's: every figure equal, but the capacity, which the server
// does not have (0).
func compareVisits(t *testing.T, what string, ch, local *report.VisitsInput) {
	t.Helper()
	if ch == nil || local == nil {
		if ch != local {
			t.Errorf("%s: visits %+v, local %+v", what, ch, local)
		}
		return
	}
	if ch.Capacity != 0 {
		t.Errorf("%s: visits capacity %d from ClickHouse, want 0", what, ch.Capacity)
	}
	l := *local
	l.Capacity = 0
	// Past its capacity the State's list is a Space-Saving summary: each
	// of its rows overstates the key's visits by at most its Err.
	for _, x := range []struct {
		name      string
		ch, local *report.TopList
	}{{"entry", &ch.Entry, &l.Entry}, {"exit", &ch.Exit, &l.Exit}} {
		if x.local.Exact {
			continue
		}
		if !x.ch.Exact || x.ch.Total != x.local.Total {
			t.Errorf("%s: %s pages: exact %v, total %d, local total %d", what, x.name, x.ch.Exact, x.ch.Total, x.local.Total)
		}
		hits := map[string]int64{}
		for _, r := range x.ch.Rows {
			hits[r.Key] = r.Hits
		}
		for _, r := range x.local.Rows {
			if n, ok := hits[r.Key]; ok && (n > r.Hits || n < r.Hits-r.Err) {
				t.Errorf("%s: %s page %q: %d visits, local %d (err %d)", what, x.name, r.Key, n, r.Hits, r.Err)
			}
		}
		*x.local = *x.ch
	}
	if !reflect.DeepEqual(*ch, l) {
		a, b := reflect.ValueOf(*ch), reflect.ValueOf(l)
		for i := range a.NumField() {
			if x, y := a.Field(i).Interface(), b.Field(i).Interface(); !reflect.DeepEqual(x, y) {
				xs, ys := fmt.Sprintf("%+v", x), fmt.Sprintf("%+v", y)
				t.Errorf("%s: visits %s differ:\nclickhouse %s\nlocal      %s", what, a.Type().Field(i).Name, xs[:min(len(xs), 1500)], ys[:min(len(ys), 1500)])
			}
		}
	}
}

// visitRecords are page and other requests made to try the edges of
// visits: lines out of order, gaps of exactly the timeout and one second
// more, same-second ties, paths longer than visits.MaxPath with a UTF-8
// sequence at the cut, requests that are not pages or are errors, undated
// ones, and visits across midnight in New York. want is how many visits
// they make with the default timeout, over all of them, in UTC.
func visitRecords() (recs []parser.Record, t0 int64, want uint64) {
	// 2024-03-04 23:00 in New York.
	t0 = time.Date(2024, 3, 5, 4, 0, 0, 0, time.UTC).Unix()
	add := func(client, agent, path string, at int64, status int) {
		r := parser.Record{HasTime: at >= 0, Host: []byte(client), UserAgent: []byte(agent), Method: []byte("GET"),
			Path: []byte(path), Protocol: []byte("HTTP/1.1"), HasStatus: status > 0, Status: uint16(max(status, 0))}
		if at >= 0 {
			r.Time = t0 + at
		}
		recs = append(recs, r)
	}
	// Out of order: one visit, entry /p1.html, exit /p2.html; the same
	// client with another agent is another visitor.
	for _, agent := range []string{"A", "D"} {
		add("10.0.0.1", agent, "/p2.html", 600, 200)
		add("10.0.0.1", agent, "/p1.html", 0, 200)
		add("10.0.0.1", agent, "/", 300, 200)
	}
	// A gap of exactly the timeout joins, one second more splits.
	add("10.0.0.2", "A", "/a", 0, 200)
	add("10.0.0.2", "A", "/b", 1800, 200)
	add("10.0.0.2", "A", "/c", 1800+1801, 200)
	// Same-second ties: entry /a, exit /c.
	add("10.0.0.3", "B", "/b", 100, 200)
	add("10.0.0.3", "B", "/c", 100, 200)
	add("10.0.0.3", "B", "/a", 100, 200)
	// Long paths, cut at MaxPath or before a UTF-8 sequence there. In the
	// same second, the first cuts before its é to 511 bytes and the second
	// to 512 ("…ab"): cut, the first is smaller (the entry), though its
	// first 512 bytes ("…a\xc3") are greater.
	as := func(n int) string { return "/" + strings.Repeat("a", n-1) }
	add("10.0.0.4", "B", as(511)+"ézzz.html", 200, 200)
	add("10.0.0.4", "B", as(511)+"bc.html", 200, 200)
	add("10.0.0.4", "B", as(510)+"€x.html", 200+5000, 200)                // cut to 510 bytes
	add("10.0.0.4", "B", as(509)+"😀x.html", 200+10000, 200)               // cut to 509: the cut stops 3 bytes back
	add("10.0.0.4", "B", as(512)+"\x80\x80\x80\x80.html", 200+15000, 200) // not UTF-8: back one byte, to 511
	// Requests that are not pages, or errors, neither join nor bridge
	// visits; a 304 and a page without status do.
	add("10.0.0.5", "C", "/index.php", 0, 200)
	add("10.0.0.5", "C", "/img.png", 1000, 200)
	add("10.0.0.5", "C", "/missing.html", 1500, 404)
	add("10.0.0.5", "C", "/style.css", 2000, 200)
	add("10.0.0.5", "C", "/next.html", 2500, 200)
	add("10.0.0.5", "C", "/same.html", 3000, 304)
	add("10.0.0.5", "C", "/nostatus.html", 3100, 0)
	add("10.0.0.5", "C", "/broken.html", 3200, 500)
	// Undated: counted aside.
	add("10.0.0.6", "C", "/undated.html", -1, 200)
	add("10.0.0.6", "C", "/undated.png", -1, 200)
	// Across midnight in New York (23:50 to 00:10), and one just after.
	add("10.0.0.8", "E", "/late.html", 3000, 200)
	add("10.0.0.8", "E", "/later.html", 4200, 200)
	add("10.0.0.9", "E", "/early.html", 3700, 200)
	// Twelve pages a minute apart, and a visit of two hours.
	for i := range 12 {
		add("10.0.0.10", "F", fmt.Sprintf("/page%d.html", i), int64(i)*60, 200)
	}
	for i := range 7 {
		add("10.0.0.11", "F", "/slow.html", int64(i)*1200, 200)
	}
	return recs, t0, 2 + 2 + 1 + 4 + 2 + 0 + 1 + 1 + 1 + 1
}

// TestVisitsEqualState loads visitRecords into two shards, every other
// record on each (so that most visitors' requests are on both), and
// compares the visits read through a Distributed table, and from one
// shard, with a local State's: in UTC and New York, with the default
// timeout and 10 minutes, over every record and in a window that cuts
// visits.
func TestVisitsEqualState(t *testing.T) {
	second := chserver.Start(t, chserver.Options{})
	first := chserver.Start(t, chserver.Options{Shards: []int{0, second.TCPPort}})
	shards := []*Client{newDatabase(t, first, "web"), newDatabase(t, second, "web")}
	ctx := context.Background()
	recs, t0, want := visitRecords()
	var loaders []*Loader
	for i, c := range shards {
		l, err := NewLoader(ctx, c, LoaderOptions{BatchRows: 7})
		if err != nil {
			t.Fatal(err)
		}
		if err := l.Begin(ctx, Source{Name: "visits", ID: fmt.Sprint("visits", i)}, 0); err != nil {
			t.Fatal(err)
		}
		loaders = append(loaders, l)
	}
	for i := range recs {
		if err := loaders[i%2].Add(ctx, &recs[i], Position{Line: int64(i + 1), Offset: int64(i) * 1000, End: int64(i+1) * 1000}); err != nil {
			t.Fatal(err)
		}
	}
	for _, l := range loaders {
		if err := l.Close(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if err := CreateDistributed(ctx, shards[0], "requests_all", "two_shards", "web", "requests"); err != nil {
		t.Fatal(err)
	}
	newYork, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skip(err)
	}
	all := func(int, *parser.Record) bool { return true }
	firstShard := func(i int, _ *parser.Record) bool { return i%2 == 0 }
	for _, c := range []struct {
		name    string
		table   string
		loc     *time.Location
		timeout time.Duration
		window  bool
		keep    func(int, *parser.Record) bool
	}{
		{"both shards", "requests_all", time.UTC, 0, false, all},
		{"both shards New York", "requests_all", newYork, 0, false, all},
		{"both shards 10m", "requests_all", time.UTC, 10 * time.Minute, false, all},
		{"both shards window", "requests_all", newYork, 0, true, all},
		{"one shard", "requests", time.UTC, 0, false, firstShard},
		{"one shard New York window", "requests", newYork, 0, true, firstShard},
	} {
		t.Run(c.name, func(t *testing.T) {
			since, until := t0+400, t0+3650
			o := QueryOptions{Table: c.table, Location: c.loc, VisitTimeout: c.timeout, TopN: 10,
				HasSince: c.window, HasUntil: c.window, Since: since, Until: until}
			f, err := Query(ctx, shards[0], o)
			if err != nil {
				t.Fatal(err)
			}
			st := aggregate.New(aggregate.Options{Location: c.loc, Dimensions: []dim.Dimension{visits.New(visits.Options{Timeout: c.timeout})}})
			for i := range recs {
				r := &recs[i]
				if c.keep(i, r) && (!c.window || r.HasTime && r.Time >= since && r.Time < until) {
					st.Add(r)
				}
			}
			local := report.NewInput(st, report.BuildOptions{Location: c.loc, TopN: 10}).Visits
			if c.name == "both shards" && (local.Visits != int64(want) || local.Undated != 1 || len(local.Days) != 1) ||
				local.Visits == 0 || c.window && local.Visits >= int64(want) {
				t.Fatalf("the records make %d visits on %d days and %d undated pages (want %d on 1 and 1 over all, fewer in the window): fix the test",
					local.Visits, len(local.Days), local.Undated, want)
			}
			compareVisits(t, c.name, f.Input().Visits, local)
			if c.name == "both shards New York" && len(local.Days) != 2 {
				t.Errorf("New York: days %+v, want two", local.Days)
			}
		})
	}
	// --no-visits and CountsOnly leave them out.
	for _, o := range []QueryOptions{{NoVisits: true}, {CountsOnly: true}} {
		f, err := Query(ctx, shards[0], o)
		if err != nil {
			t.Fatal(err)
		}
		if f.Visits != nil || f.Input().Visits != nil {
			t.Errorf("%+v: visits %+v", o, f.Visits)
		}
	}
}

// TestVisitPathCut checks the server's cut of paths (visitPath) against
// visits.PagePath's, byte for byte, on paths around visits.MaxPath long
// with multi-byte sequences, stray continuation bytes and invalid UTF-8
// at every place near the cut.
func TestVisitPathCut(t *testing.T) {
	srv := chserver.Start(t, chserver.Options{})
	c := newDatabase(t, srv, "web")
	var paths []string
	for _, tail := range []string{"é", "€", "😀", "\x80", "\x80\x80", "\x80\x80\x80\x80", "\xc3", "\xf0\x9f", "'\\\x00\n"} {
		for n := visits.MaxPath - 6; n <= visits.MaxPath+2; n++ {
			for _, after := range []string{"", "x", "\x80", "é"} {
				paths = append(paths, strings.Repeat("a", n)+tail+after)
			}
		}
	}
	paths = append(paths, "", "/", strings.Repeat("é", 400))
	lits := make([]string, len(paths))
	for i, p := range paths {
		lits[i] = quote(p)
	}
	q := &querier{c: c}
	sql := fmt.Sprintf("SELECT path, %s FROM (SELECT arrayJoin([%s]) AS path)", visitPath(), strings.Join(lits, ", "))
	n := 0
	err := q.rows(context.Background(), "cut", sql, func(r *fields) error {
		p, got := r.str(), r.str()
		want, _ := visits.PagePath([]byte(p), 0)
		if got != string(want) {
			t.Errorf("path of %d bytes %q…: cut to %d bytes, visits.PagePath %d", len(p), p[max(len(p)-8, 0):], len(got), len(want))
		}
		n++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n != len(paths) {
		t.Errorf("%d paths cut, %d sent", n, len(paths))
	}
}

// TestVisitsHeavyIdentity gives one visitor 4000 page requests an hour
// apart (4000 visits) under a server memory limit of 64 MB: the visits
// take memory in proportion to the requests, not to requests × visits
// (arrays copied once per visit would need gigabytes).
func TestVisitsHeavyIdentity(t *testing.T) {
	srv := chserver.Start(t, chserver.Options{})
	load := newDatabase(t, srv, "web")
	c := openClient(t, srv.URL+"?database=web&max_memory_usage=64000000")
	ctx := context.Background()
	l, err := NewLoader(ctx, load, LoaderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Begin(ctx, Source{Name: "heavy", ID: "heavy"}, 0); err != nil {
		t.Fatal(err)
	}
	st := aggregate.New(aggregate.Options{Dimensions: []dim.Dimension{visits.New(visits.Options{})}})
	const n = 4000
	for i := range n {
		r := parser.Record{HasTime: true, Time: 1_700_000_000 + int64(i)*3600, Host: []byte("10.1.1.1"), UserAgent: []byte("heavy"),
			Method: []byte("GET"), Path: []byte(fmt.Sprintf("/%04d/%s.html", i, strings.Repeat("p", 400))), HasStatus: true, Status: 200}
		st.Add(&r)
		if err := l.Add(ctx, &r, Position{Line: int64(i + 1), Offset: int64(i) * 500, End: int64(i+1) * 500}); err != nil {
			t.Fatal(err)
		}
	}
	if err := l.Close(ctx); err != nil {
		t.Fatal(err)
	}
	f, err := Query(ctx, c, QueryOptions{NoAgentPanels: true, NoExtras: true, TopN: 5})
	if err != nil {
		t.Fatal(err)
	}
	local := report.NewInput(st, report.BuildOptions{TopN: 5}).Visits
	if local.Visits != n {
		t.Fatalf("%d visits, want %d", local.Visits, n)
	}
	compareVisits(t, "one heavy visitor", f.Input().Visits, local)
}
