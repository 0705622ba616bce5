package clickhouse

import (
	"context"
	"fmt"
	"maps"
	"math"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/webalyze/webalyze/aggregate"
	"github.com/webalyze/webalyze/aggregate/agents"
	"github.com/webalyze/webalyze/aggregate/clickhouse/chserver"
	"github.com/webalyze/webalyze/aggregate/dim"
	"github.com/webalyze/webalyze/aggregate/geo"
	"github.com/webalyze/webalyze/parser"
	"github.com/webalyze/webalyze/report"
)

// TestGroupVisitorsCollision: values whose cityHash64 collide are told
// apart by sipHash64, with the same counts; a collision of both is an
// error, not a wrong count. The collisions are made by overwriting the
// hashes the server gave.
func TestGroupVisitorsCollision(t *testing.T) {
	srv := chserver.Start(t, chserver.Options{})
	c := newDatabase(t, srv, "web")
	loadSamples(t, c, "requests", 5000)
	ctx := context.Background()
	q, err := newQuerier(c, QueryOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, limit := range []int{3, 1000} {
		rows, _, distinct, err := q.rawRows(ctx, "agents", "agent", "1", limit)
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) < 3 || limit == 3 && distinct <= 3 {
			t.Fatalf("%d agents of %d: the samples prove nothing", len(rows), distinct)
		}
		tuples := make([]string, len(rows))
		for i := range rows {
			tuples[i] = "[" + strconv.Itoa(i+1) + "]"
		}
		all := uint64(len(rows)) >= distinct
		want, err := q.groupVisitors(ctx, "agents", "agent", "1", rows, tuples, "[0]", limit, all)
		if err != nil {
			t.Fatal(err)
		}
		if len(want) != len(rows)+min(int(distinct)-len(rows), 1) {
			t.Fatalf("limit %d: visitors of %d groups: %v", limit, len(want), want)
		}
		rows[1].hash = rows[0].hash
		got, err := q.groupVisitors(ctx, "agents", "agent", "1", rows, tuples, "[0]", limit, all)
		if err != nil || !maps.Equal(got, want) {
			t.Errorf("limit %d: cityHash64 collision: %v, %v; want %v", limit, got, err, want)
		}
		rows[1].hash2 = rows[0].hash2
		if _, err := q.groupVisitors(ctx, "agents", "agent", "1", rows, tuples, "[0]", limit, all); err == nil || !strings.Contains(err.Error(), "sipHash64") {
			t.Errorf("limit %d: both hashes collide: %v", limit, err)
		}
	}
}

// TestGeoEqualState: the Countries and Networks panels from ClickHouse,
// with the demo database (testdata/geo/demo.mmdb: the samples' 2001:db8::
// addresses in several countries and networks), equal a local State's geo
// section over the same records; with few clients looked up, the rest is
// an "(others)" country and the networks say they are inexact.
func TestGeoEqualState(t *testing.T) {
	srv := chserver.Start(t, chserver.Options{})
	c := newDatabase(t, srv, "web")
	loadSamples(t, c, "requests", 5000)
	set, err := geo.OpenAll(filepath.Join("..", "..", "testdata", "geo", "demo.mmdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer set.Close()
	st := aggregate.New(aggregate.Options{Dimensions: []dim.Dimension{geo.NewAggregator(set, geo.Options{})}})
	var rows int
	for _, s := range samples(t) {
		eachRecord(t, s.name, readInput(t, samplePath(s.name)), s.format, func(rec *parser.Record, _ Position) { st.Add(rec); rows++ })
	}
	local := report.NewInput(st, report.BuildOptions{}).Geo
	ctx := context.Background()
	f, err := Query(ctx, c, QueryOptions{Geo: set, NoAgentPanels: true, NoExtras: true})
	if err != nil {
		t.Fatal(err)
	}
	got := f.Input().Geo
	if len(local.Countries) < 3 || len(local.Networks) < 3 || local.NotIP.Hits+local.Local.Hits+local.NotFound.Hits == 0 {
		t.Fatalf("the samples prove little: %+v", local)
	}
	// Visitors: exact from ClickHouse, equal where the State's are.
	rowsOf := func(in *report.GeoInput) []*report.GeoRow {
		out := []*report.GeoRow{&in.Local, &in.NotIP, &in.NotFound, &in.NoASN}
		for i := range in.Countries {
			out = append(out, &in.Countries[i])
		}
		for i := range in.Networks {
			out = append(out, &in.Networks[i])
		}
		return out
	}
	a, b := rowsOf(got), rowsOf(local)
	if len(a) != len(b) {
		t.Fatalf("geo rows:\nclickhouse %+v\nlocal      %+v", got, local)
	}
	for i := range a {
		// A network's visitors past sketch.SmallExact are the State's
		// estimate, about 6.5 % (4 of them allowed, as visitorsClose).
		if !a[i].VisitorsExact || b[i].VisitorsExact && a[i].Visitors != b[i].Visitors ||
			math.Abs(float64(a[i].Visitors-b[i].Visitors)) > 0.26*float64(a[i].Visitors) {
			t.Errorf("row %s%d: visitors %d (exact %v), local %d (exact %v)", a[i].Code, a[i].ASN, a[i].Visitors, a[i].VisitorsExact, b[i].Visitors, b[i].VisitorsExact)
		}
		a[i].Visitors, b[i].Visitors, a[i].VisitorsExact, b[i].VisitorsExact = 0, 0, false, false
	}
	if !reflect.DeepEqual(got, local) {
		t.Errorf("geo:\nclickhouse %+v\nlocal      %+v", got, local)
	}

	f, err = Query(ctx, c, QueryOptions{Geo: set, GeoRows: 3, NoAgentPanels: true, NoExtras: true})
	if err != nil {
		t.Fatal(err)
	}
	g := f.Input().Geo
	var sum int64
	for _, r := range append(g.Countries, g.Local, g.NotIP, g.NotFound) {
		sum += r.Hits
	}
	others := g.Countries[len(g.Countries)-1]
	if sum != int64(rows) || others.Name != report.OthersRow || others.Hits == 0 || others.Visitors == 0 || g.NetworksExact ||
		g.NetworksErrorBound != others.Hits || f.Geo.Located != 3 {
		t.Errorf("GeoRows 3: rows sum to %d of %d, others %+v, networks exact %v bound %d", sum, rows, others, g.NetworksExact, g.NetworksErrorBound)
	}
}

// TestManyBots: thousands of distinct crawler strings make the
// --exclude-bots literal list and the agents' hash list longer than the
// server's default max_query_size (256 KiB), which Query then raises.
func TestManyBots(t *testing.T) {
	srv := chserver.Start(t, chserver.Options{})
	c := newDatabase(t, srv, "web")
	ctx := context.Background()
	l, err := NewLoader(ctx, c, LoaderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Begin(ctx, Source{Name: "bots", ID: "bots"}, 0); err != nil {
		t.Fatal(err)
	}
	const bots, people = 3000, 500
	pad := strings.Repeat("x", 100)
	for i := range bots + people {
		ua := fmt.Sprintf("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html) %d '\\ %s", i, pad)
		if i >= bots {
			ua = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36"
		}
		r := parser.Record{HasStatus: true, Status: 200, Host: []byte("192.0.2.1"), Method: []byte("GET"), Path: []byte("/"), UserAgent: []byte(ua)}
		if err := l.Add(ctx, &r, Position{Line: int64(i + 1), Offset: int64(i) * 10, End: int64(i+1) * 10}); err != nil {
			t.Fatal(err)
		}
	}
	if err := l.Close(ctx); err != nil {
		t.Fatal(err)
	}
	f, err := Query(ctx, c, QueryOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if k := f.AgentPanels.Kinds; k[agents.KindBot].Requests != bots || k[agents.KindBot].Visitors != bots || k[agents.KindHuman].Visitors != 1 {
		t.Errorf("kinds %+v", k)
	}
	f, err = Query(ctx, c, QueryOptions{ExcludeBots: true})
	if err != nil {
		t.Fatal(err)
	}
	if f.Bots != bots || f.Requests != people || f.AgentPanels.Kinds[agents.KindBot].Requests != 0 {
		t.Errorf("--exclude-bots: %d bots, %d requests", f.Bots, f.Requests)
	}
}
