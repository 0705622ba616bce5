package clickhouse

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"maps"
	"math"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/webalyze/webalyze/aggregate"
	"github.com/webalyze/webalyze/aggregate/agents"
	"github.com/webalyze/webalyze/aggregate/clickhouse/chserver"
	"github.com/webalyze/webalyze/aggregate/content"
	"github.com/webalyze/webalyze/aggregate/dim"
	"github.com/webalyze/webalyze/aggregate/refsites"
	"github.com/webalyze/webalyze/aggregate/search"
	"github.com/webalyze/webalyze/aggregate/sketch"
	"github.com/webalyze/webalyze/aggregate/users"
	"github.com/webalyze/webalyze/aggregate/vhosts"
	"github.com/webalyze/webalyze/aggregate/visits"
	"github.com/webalyze/webalyze/parser"
	"github.com/webalyze/webalyze/report"
)

// loadSamples loads every sample into table through a Loader with small
// batches, adds the same records to a State, and returns the State and
// the status counts the test itself computed.
func loadSamples(t *testing.T, c *Client, table string, batchRows int) (*aggregate.State, map[int]uint64, uint64) {
	t.Helper()
	ctx := context.Background()
	l, err := NewLoader(ctx, c, LoaderOptions{Table: table, BatchRows: batchRows})
	if err != nil {
		t.Fatal(err)
	}
	st := aggregate.New(localOptions(nil, false))
	codes := map[int]uint64{}
	var rows uint64
	for _, s := range samples(t) {
		data := readInput(t, samplePath(s.name))
		if err := l.Begin(ctx, Source{Name: s.name, ID: "sample:" + s.name}, 0); err != nil {
			t.Fatal(err)
		}
		eachRecord(t, s.name, data, s.format, func(rec *parser.Record, pos Position) {
			st.Add(rec)
			if rec.HasStatus {
				codes[int(rec.Status)]++
			}
			rows++
			if err := l.Add(ctx, rec, pos); err != nil {
				t.Fatal(err)
			}
		})
	}
	if err := l.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if l.Loaded() != rows {
		t.Fatalf("loaded %d rows, added %d", l.Loaded(), rows)
	}
	return st, codes, rows
}

// localOptions are the options of the State that a report from
// ClickHouse is compared with: the agents dimension (with --exclude-bots'
// filter when excludeBots), the extra dimensions and visits (default
// timeout), capacities past what the samples hold.
func localOptions(loc *time.Location, excludeBots bool) aggregate.Options {
	o := aggregate.Options{Location: loc, Dimensions: []dim.Dimension{
		agents.NewAggregator(agents.Options{TopCapacity: aggregate.DefaultTopCapacity, DistinctCapacity: aggregate.DefaultDistinctCapacity, ExcludeBots: excludeBots}),
		refsites.New(0, nil), search.New(0), content.New(0), users.New(0), vhosts.New(0), visits.New(visits.Options{}),
	}}
	if excludeBots {
		o.Filter = agents.NewBotFilter(0)
	}
	return o
}

// TestFiguresEqualStateLog compares on a big log, named by
// $WEBALYZE_CLICKHOUSE_LOG (e.g. from ../shared/bench/genlog.py), and
// logs how long the figures take from ClickHouse and from a local State.
func TestFiguresEqualStateLog(t *testing.T) {
	path := os.Getenv("WEBALYZE_CLICKHOUSE_LOG")
	if path == "" {
		t.Skip("set WEBALYZE_CLICKHOUSE_LOG to a log file to run")
	}
	srv := chserver.Start(t, chserver.Options{})
	c := newDatabase(t, srv, "web")
	ctx := context.Background()
	data := readInput(t, path)
	st := aggregate.New(localOptions(nil, false))
	start := time.Now()
	eachRecord(t, path, data, nil, func(rec *parser.Record, _ Position) { st.Add(rec) })
	t.Logf("local State (one goroutine): %v", time.Since(start))
	l, err := NewLoader(ctx, c, LoaderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Begin(ctx, Source{Name: path, ID: "log"}, 0); err != nil {
		t.Fatal(err)
	}
	start = time.Now()
	eachRecord(t, path, data, nil, func(rec *parser.Record, pos Position) {
		if err := l.Add(ctx, rec, pos); err != nil {
			t.Fatal(err)
		}
	})
	if err := l.Close(ctx); err != nil {
		t.Fatal(err)
	}
	t.Logf("load %d rows: %v", l.Loaded(), time.Since(start))
	for i := range 6 {
		noVisits := i%2 == 0
		start = time.Now()
		if _, err := Query(ctx, c, QueryOptions{NoAgentPanels: true, NoExtras: true, NoVisits: noVisits}); err != nil {
			t.Fatal(err)
		}
		t.Logf("figures from ClickHouse without the agent and extra panels, visits %v: %v", !noVisits, time.Since(start))
	}
	var digest *Figures
	for _, exact := range []bool{false, true} {
		start = time.Now()
		f, err := Query(ctx, c, QueryOptions{ExactLatency: exact})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("figures from ClickHouse (exact latency %v): %v", exact, time.Since(start))
		if !exact {
			digest = f
			continue
		}
		compareInputs(t, f.Input(), report.NewInput(st, report.BuildOptions{}))
		// The estimates are within their 1 % of the exact quantiles.
		worst := 0.0
		for i, l := range f.Latency {
			for k, v := range l.Quantiles {
				if v > 0 {
					worst = max(worst, math.Abs(float64(digest.Latency[i].Quantiles[k]-v))/float64(v))
				}
			}
		}
		t.Logf("estimated quantiles: at most %.3f%% from the exact ones over %d scopes", 100*worst, len(f.Latency))
		if worst > sketch.LatencyAccuracy+1e-3 {
			t.Errorf("estimated quantiles %.3f%% from the exact ones", 100*worst)
		}
	}
}

func TestFiguresEqualState(t *testing.T) {
	srv := chserver.Start(t, chserver.Options{})
	c := newDatabase(t, srv, "web")
	st, codes, rows := loadSamples(t, c, "requests", 700)
	ctx := context.Background()
	for _, zone := range []string{"UTC", "America/New_York"} {
		t.Run(zone, func(t *testing.T) {
			loc, err := time.LoadLocation(zone)
			if err != nil {
				t.Skip(err)
			}
			local := st
			if zone != "UTC" {
				// Visitors are per day of the zone: a State of that zone.
				local = aggregate.New(localOptions(loc, false))
				for _, s := range samples(t) {
					eachRecord(t, s.name, readInput(t, samplePath(s.name)), s.format, func(rec *parser.Record, _ Position) { local.Add(rec) })
				}
			}
			f, err := Query(ctx, c, QueryOptions{Location: loc, ExactLatency: true})
			if err != nil {
				t.Fatal(err)
			}
			if f.Requests != rows {
				t.Errorf("requests %d, loaded %d", f.Requests, rows)
			}
			got := map[int]uint64{}
			for _, cc := range f.Codes {
				got[int(cc.Code)] = cc.Hits
			}
			if !reflect.DeepEqual(got, codes) {
				t.Errorf("codes %v, counted %v", got, codes)
			}
			compareInputs(t, f.Input(), report.NewInput(local, report.BuildOptions{Location: loc}))
			// The estimates come from the State's own sketch: the same
			// quantiles as the State's.
			sk, err := Query(ctx, c, QueryOptions{Location: loc})
			if err != nil {
				t.Fatal(err)
			}
			want := report.NewInput(local, report.BuildOptions{Location: loc}).Latency
			if got := sk.Input().Latency; !reflect.DeepEqual(got, want) {
				t.Errorf("latency estimates:\n%+v\nlocal\n%+v", got, want)
			}
			sameReport(t, f.Input(), report.NewInput(local, report.BuildOptions{Location: loc}), loc)
			// CountsOnly: the same counts and minutes, no lists.
			counts, err := Query(ctx, c, QueryOptions{Location: loc, CountsOnly: true})
			if err != nil {
				t.Fatal(err)
			}
			if counts.Requests != f.Requests || !reflect.DeepEqual(counts.Codes, f.Codes) || !reflect.DeepEqual(counts.SubCodes, f.SubCodes) ||
				!reflect.DeepEqual(counts.Minutes, f.Minutes) || !reflect.DeepEqual(counts.SubMinutes, f.SubMinutes) || len(f.SubMinutes) == 0 {
				t.Errorf("CountsOnly: the counts differ from a full query's (or the samples have no sub-status minutes)")
			}
			if len(counts.URLs.Rows) != 0 || counts.Visitors != 0 || len(counts.Latency) != 0 {
				t.Errorf("CountsOnly: lists or visitors computed")
			}
		})
	}
}

// sameReport builds the report Model from both Inputs and compares their
// JSON, once the parts a table does not hold are set alike (the lines
// that were not requests, formats, diagnostics, the capacity of open
// visits) and the estimates taken
// out (visitors of top-list rows, latency quantiles: compared above).
func sameReport(t *testing.T, ch, local *report.Input, loc *time.Location) {
	t.Helper()
	ch.Lines, ch.MalformedReasons, ch.SkippedReasons = local.Lines, local.MalformedReasons, local.SkippedReasons
	ch.Formats, ch.Samples, ch.FileErrors = local.Formats, local.Samples, local.FileErrors
	if ch.Visits != nil && local.Visits != nil {
		// The server has no capacity of open visits (0).
		v := *local.Visits
		v.Capacity = ch.Visits.Capacity
		local.Visits = &v
	}
	for _, in := range []*report.Input{ch, local} {
		for _, l := range []*report.TopList{&in.URLs, &in.URLsQuery, &in.Clients, &in.Referrers, &in.Agents, &in.Methods, &in.Protocols, &in.Vhosts} {
			for i := range l.Rows {
				l.Rows[i].Visitors, l.Rows[i].VisitorsExact, l.Rows[i].Latency = 0, false, nil
			}
		}
		for i := range in.Latency {
			in.Latency[i] = report.Latency{Scope: in.Latency[i].Scope, Count: in.Latency[i].Count}
		}
		if e := in.Extras; e.ReferringSites != nil {
			for _, l := range []*report.TopList{e.ReferringSites, &e.Search.SiteSearch, &e.Search.Phrases} {
				for i := range l.Rows {
					l.Rows[i].Visitors, l.Rows[i].VisitorsExact = 0, false
				}
			}
		}
		if a := in.AgentPanels; a != nil {
			for _, l := range []*report.TopList{&a.Browsers, &a.BrowserVersions, &a.Systems, &a.SystemVersions} {
				for i := range l.Rows {
					l.Rows[i].Visitors, l.Rows[i].VisitorsExact = 0, false
				}
			}
			for i := range a.Clients {
				a.Clients[i].Visitors, a.Clients[i].VisitorsExact = 0, false
			}
			for _, gs := range [][]report.AgentGroup{a.Kinds, a.Devices, {a.AI}} {
				for i := range gs {
					gs[i].Visitors = report.Count{}
				}
			}
			a.AI.Visitors = report.Count{}
		}
	}
	opts := report.BuildOptions{Location: loc}
	var a, b bytes.Buffer
	if err := report.WriteJSON(&a, report.BuildFrom(ch, opts)); err != nil {
		t.Fatal(err)
	}
	if err := report.WriteJSON(&b, report.BuildFrom(local, opts)); err != nil {
		t.Fatal(err)
	}
	if a.String() != b.String() {
		if d := os.Getenv("WEBALYZE_TEST_DUMP"); d != "" {
			os.WriteFile(d+".ch.json", a.Bytes(), 0o644)
			os.WriteFile(d+".local.json", b.Bytes(), 0o644)
		}
		al, bl := strings.Split(a.String(), "\n"), strings.Split(b.String(), "\n")
		for i := range min(len(al), len(bl)) {
			if al[i] != bl[i] {
				t.Errorf("report JSON differs at line %d:\nclickhouse %s\nlocal      %s", i+1, al[i], bl[i])
				break
			}
		}
		if len(al) != len(bl) {
			t.Errorf("report JSON: %d lines, local %d", len(al), len(bl))
		}
	}
}

// compareInputs compares every exact figure of an Input from ClickHouse
// with that of the local State, and the latencies within the State's
// stated accuracy of ClickHouse's exact quantiles.
func compareInputs(t *testing.T, ch, local *report.Input) {
	t.Helper()
	eq := func(what string, a, b any) {
		t.Helper()
		if !reflect.DeepEqual(a, b) {
			t.Errorf("%s differs:\nclickhouse %v\nlocal      %v", what, a, b)
		}
	}
	eq("bytes", ch.Bytes, local.Bytes)
	eq("bytes saturated", ch.BytesSaturated, local.BytesSaturated)
	for _, v := range []struct {
		what      string
		ch, local report.Count
	}{{"visitors", ch.Visitors, local.Visitors}, {"distinct clients", ch.DistinctClients, local.DistinctClients}} {
		if v.local.Exact {
			eq(v.what, v.ch.N, v.local.N)
		} else if math.Abs(float64(v.ch.N-v.local.N)) > 4*v.local.RelErr*float64(v.ch.N) {
			t.Errorf("%s: %d, local estimate %d (relative error %.4f)", v.what, v.ch.N, v.local.N, v.local.RelErr)
		}
	}
	eq("pages", ch.Pages, local.Pages)
	eq("codes", ch.Codes, local.Codes)
	eq("no status", ch.NoStatus, local.NoStatus)
	eq("sub codes", ch.SubCodes, local.SubCodes)
	eq("win32", ch.Win32, local.Win32)
	// A State's minute lists sub-statuses in the order it met them.
	subs := slices.Clone(local.SubMinutes)
	slices.SortStableFunc(subs, func(a, b report.SubMinute) int {
		return cmp.Or(a.Start.Compare(b.Start), a.Code-b.Code, cmp.Compare(a.Sub, b.Sub))
	})
	eq("sub-status minutes", ch.SubMinutes, subs)
	eq("undated", ch.Undated, local.Undated)
	eq("day visitors", ch.DayVisitors, local.DayVisitors)
	if len(ch.Minutes) != len(local.Minutes) {
		t.Errorf("%d minutes, local %d", len(ch.Minutes), len(local.Minutes))
	} else {
		for i := range ch.Minutes {
			// A State's minute lists codes in the order it met them.
			slices.SortFunc(local.Minutes[i].Codes, func(a, b report.CodeN) int { return a.Code - b.Code })
			eq("minute "+local.Minutes[i].Start.String(), ch.Minutes[i], local.Minutes[i])
		}
	}
	lists := []struct {
		name      string
		ch, local report.TopList
	}{
		{"urls", ch.URLs, local.URLs}, {"urls with query", ch.URLsQuery, local.URLsQuery},
		{"clients", ch.Clients, local.Clients}, {"referrers", ch.Referrers, local.Referrers},
		{"agents", ch.Agents, local.Agents}, {"methods", ch.Methods, local.Methods},
		{"protocols", ch.Protocols, local.Protocols}, {"vhosts", ch.Vhosts, local.Vhosts},
	}
	for code := range local.URLsByCode {
		lists = append(lists,
			struct {
				name      string
				ch, local report.TopList
			}{fmt.Sprintf("drill %03d urls", code), ch.URLsByCode[code], local.URLsByCode[code]},
			struct {
				name      string
				ch, local report.TopList
			}{fmt.Sprintf("drill %03d clients", code), ch.ClientsByCode[code], local.ClientsByCode[code]})
	}
	eq("drill codes", slices.Sorted(maps.Keys(ch.URLsByCode)), slices.Sorted(maps.Keys(local.URLsByCode)))
	// The extra panels: both sources have all of them or none.
	ce, le := ch.Extras, local.Extras
	if (ce.ReferringSites == nil) != (le.ReferringSites == nil) || (ce.Search == nil) != (le.Search == nil) || (ce.Content == nil) != (le.Content == nil) ||
		(ce.RemoteUsers == nil) != (le.RemoteUsers == nil) || (ce.VhostStatus == nil) != (le.VhostStatus == nil) {
		t.Errorf("extras %+v, local %+v", ce, le)
	} else if le.ReferringSites != nil {
		for _, x := range []struct {
			name      string
			ch, local *report.TopList
		}{{"referring sites", ce.ReferringSites, le.ReferringSites}, {"site search", &ce.Search.SiteSearch, &le.Search.SiteSearch},
			{"search phrases", &ce.Search.Phrases, &le.Search.Phrases}, {"content types", &ce.Content.Types, &le.Content.Types},
			{"remote users", &ce.RemoteUsers.Users, &le.RemoteUsers.Users}} {
			lists = append(lists, struct {
				name      string
				ch, local report.TopList
			}{x.name, *x.ch, *x.local})
		}
		eq("search engines", ce.Search.Engines, le.Search.Engines)
		eq("pages and static files", [2]report.Part{ce.Content.Pages, ce.Content.Static}, [2]report.Part{le.Content.Pages, le.Content.Static})
		eq("remote users", [2]report.Part{ce.RemoteUsers.Authenticated, ce.RemoteUsers.Anonymous}, [2]report.Part{le.RemoteUsers.Authenticated, le.RemoteUsers.Anonymous})
		eq("status by virtual host", ce.VhostStatus, le.VhostStatus)
	}
	for _, l := range lists {
		if len(l.local.Rows) == 0 && l.local.Total == 0 && len(l.ch.Rows) == 0 && l.ch.Total == 0 {
			continue
		}
		a, b := l.ch, l.local
		if !b.Exact {
			// Past its capacity the State's list is a Space-Saving summary.
			continue
		}
		for _, rows := range [][]report.TopRow{a.Rows, b.Rows} {
			for i := range rows {
				if rows[i].Latency != nil {
					checkLatency(t, l.name+" "+rows[i].Key, *rows[i].Latency, *rows[i].Latency, 0)
				}
			}
		}
		la, lb := latencies(a.Rows), latencies(b.Rows)
		for i := range la {
			if i < len(lb) && la[i] != nil && lb[i] != nil {
				checkLatency(t, l.name+" row", *la[i], *lb[i], sketch.LatencyAccuracy*8+0.01)
			} else if (la[i] == nil) != (i >= len(lb) || lb[i] == nil) {
				t.Errorf("%s row %d: latency %v, local %v", l.name, i, la[i], lb[i])
			}
		}
		visitorsClose(t, l.name, a.Rows, b.Rows)
		eq("list "+l.name, a, b)
	}
	compareAgents(t, ch.AgentPanels, local.AgentPanels)
	compareVisits(t, "visits", ch.Visits, local.Visits)
	if len(ch.Latency) != len(local.Latency) {
		t.Fatalf("latency scopes %v, local %v", ch.Latency, local.Latency)
	}
	for i := range ch.Latency {
		checkLatency(t, "latency "+local.Latency[i].Scope, ch.Latency[i], local.Latency[i], sketch.LatencyAccuracy)
	}
}

// compareAgents compares the agent panels: every figure equal, the
// visitors equal where the State's are exact, else close (visitorsClose).
func compareAgents(t *testing.T, ch, local *report.AgentsInput) {
	t.Helper()
	if ch == nil || local == nil {
		if ch != local {
			t.Errorf("agent panels %v, local %v", ch, local)
		}
		return
	}
	groups := func(what string, a, b []report.AgentGroup) {
		t.Helper()
		if len(a) != len(b) {
			t.Errorf("%s: %d groups, local %d", what, len(a), len(b))
			return
		}
		for i := range a {
			x, y := a[i].Visitors, b[i].Visitors
			if !x.Exact || y.Exact && x.N != y.N || math.Abs(float64(x.N-y.N)) > 4*y.RelErr*float64(x.N)+0.5 {
				t.Errorf("%s %s: visitors %+v, local %+v", what, a[i].Name, x, y)
			}
			a[i].Visitors, b[i].Visitors = report.Count{}, report.Count{}
			if !reflect.DeepEqual(a[i], b[i]) {
				t.Errorf("%s differ:\nclickhouse %+v\nlocal      %+v", what, a[i], b[i])
			}
		}
	}
	groups("kinds", ch.Kinds, local.Kinds)
	groups("devices", ch.Devices, local.Devices)
	groups("AI crawlers", []report.AgentGroup{ch.AI}, []report.AgentGroup{local.AI})
	for _, l := range []struct {
		what      string
		ch, local *report.TopList
	}{{"browsers", &ch.Browsers, &local.Browsers}, {"browser versions", &ch.BrowserVersions, &local.BrowserVersions},
		{"systems", &ch.Systems, &local.Systems}, {"system versions", &ch.SystemVersions, &local.SystemVersions},
		{"bots and tools", &ch.ClientsAll, &local.ClientsAll}} {
		visitorsClose(t, l.what, l.ch.Rows, l.local.Rows)
		if !reflect.DeepEqual(*l.ch, *l.local) {
			t.Errorf("%s differ:\nclickhouse %+v\nlocal      %+v", l.what, *l.ch, *l.local)
		}
	}
	if len(ch.Clients) != len(local.Clients) {
		t.Errorf("%d bots and tools, local %d", len(ch.Clients), len(local.Clients))
		return
	}
	for i := range ch.Clients {
		a, b := ch.Clients[i], local.Clients[i]
		visitorsClose(t, "bot", []report.TopRow{a.TopRow}, []report.TopRow{b.TopRow})
		a.Visitors, b.Visitors, a.VisitorsExact, b.VisitorsExact = 0, 0, false, false
		if !reflect.DeepEqual(a, b) {
			t.Errorf("bots differ:\nclickhouse %+v\nlocal      %+v", a, b)
		}
	}
}

// visitorsClose checks the rows' visitors and takes them out: ClickHouse
// counts them exactly, the State exactly up to sketch.SmallExact, then
// with a HyperLogLog of about 6.5 % standard error (4 of them allowed).
func visitorsClose(t *testing.T, what string, ch, local []report.TopRow) {
	t.Helper()
	for i := range min(len(ch), len(local)) {
		x, y := ch[i].Visitors, local[i].Visitors
		if x <= sketch.SmallExact && x != y || math.Abs(float64(x-y)) > 0.26*float64(x) {
			t.Errorf("%s %q: %d visitors, local %d", what, ch[i].Key, x, y)
		}
		if !ch[i].VisitorsExact || local[i].VisitorsExact && x != y {
			t.Errorf("%s %q: visitors exact %v (%d), local exact %v (%d)", what, ch[i].Key, ch[i].VisitorsExact, x, local[i].VisitorsExact, y)
		}
		ch[i].Visitors, local[i].Visitors = 0, 0
		ch[i].VisitorsExact, local[i].VisitorsExact = false, false
	}
}

// latencies takes the rows' latencies out (they are compared apart).
func latencies(rows []report.TopRow) []*report.Latency {
	out := make([]*report.Latency, len(rows))
	for i := range rows {
		out[i], rows[i].Latency = rows[i].Latency, nil
	}
	return out
}

// checkLatency compares an exact latency from ClickHouse with the State's
// sketch: same scope, count and maximum, quantiles within rel of the
// exact value (plus a microsecond of rounding).
func checkLatency(t *testing.T, what string, exact, sketch report.Latency, rel float64) {
	t.Helper()
	if exact.Scope != sketch.Scope || exact.Count != sketch.Count || exact.Max != sketch.Max {
		t.Errorf("%s: %+v, local %+v", what, exact, sketch)
		return
	}
	for i, pair := range [][2]float64{{exact.P50, sketch.P50}, {exact.P90, sketch.P90}, {exact.P95, sketch.P95}, {exact.P99, sketch.P99}} {
		if math.Abs(pair[0]-pair[1]) > pair[0]*rel+0.001 {
			t.Errorf("%s: quantile %d: exact %v ms, local %v ms (over %.1f%%)", what, i, pair[0], pair[1], rel*100)
		}
	}
}
