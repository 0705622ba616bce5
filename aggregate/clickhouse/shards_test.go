package clickhouse

import (
	"context"
	"testing"

	"github.com/webalyze/webalyze/aggregate"
	"github.com/webalyze/webalyze/aggregate/clickhouse/chserver"
	"github.com/webalyze/webalyze/parser"
	"github.com/webalyze/webalyze/report"
)

// TestTwoShards loads the samples into two servers, each its own inputs
// (as each web server would load its own logs), and reads the figures
// through a Distributed table over both: they equal a local run over all
// the samples.
func TestTwoShards(t *testing.T) {
	second := chserver.Start(t, chserver.Options{})
	first := chserver.Start(t, chserver.Options{Shards: []int{0, second.TCPPort}})
	shards := []*Client{newDatabase(t, first, "web"), newDatabase(t, second, "web")}
	ctx := context.Background()
	st := aggregate.New(localOptions(nil, false))
	for i, s := range samples(t) {
		c := shards[i%2]
		l, err := NewLoader(ctx, c, LoaderOptions{BatchRows: 500})
		if err != nil {
			t.Fatal(err)
		}
		if err := l.Begin(ctx, Source{Name: s.name, ID: s.name}, 0); err != nil {
			t.Fatal(err)
		}
		eachRecord(t, s.name, readInput(t, samplePath(s.name)), s.format, func(rec *parser.Record, pos Position) {
			st.Add(rec)
			if err := l.Add(ctx, rec, pos); err != nil {
				t.Fatal(err)
			}
		})
		if err := l.Close(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if err := CreateDistributed(ctx, shards[0], "requests_all", "two_shards", "web", "requests"); err != nil {
		t.Fatal(err)
	}
	f, err := Query(ctx, shards[0], QueryOptions{Table: "requests_all", ExactLatency: true})
	if err != nil {
		t.Fatal(err)
	}
	one, err := Query(ctx, shards[0], QueryOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if one.Requests == 0 || one.Requests >= f.Requests {
		t.Fatalf("first shard %d requests, both %d: the samples are not spread", one.Requests, f.Requests)
	}
	compareInputs(t, f.Input(), report.NewInput(st, report.BuildOptions{}))
	// The panels' second pass over a Distributed table, with values past
	// the limits (GLOBAL IN of the listed ones), and --exclude-bots.
	cut, err := Query(ctx, shards[0], QueryOptions{Table: "requests_all", AgentRows: 2, FoldRows: 2, ExcludeBots: true})
	if err != nil {
		t.Fatal(err)
	}
	var kinds, visitors uint64
	for _, k := range cut.AgentPanels.Kinds {
		kinds += k.Requests
	}
	for _, r := range cut.Extras.ReferringSites.Rows {
		visitors += r.Visitors
	}
	if o := cut.AgentPanels.Others; cut.Bots == 0 || kinds+o.Requests != cut.Requests || o.Requests == 0 || o.Visitors == 0 ||
		cut.Requests+cut.Bots != f.Requests || cut.Extras.ReferringSites.Bound == 0 || visitors == 0 {
		t.Errorf("cut lists over two shards: %d bots, kinds %d + others %+v of %d requests, referring sites %+v", cut.Bots, kinds, o, cut.Requests, cut.Extras.ReferringSites)
	}
}
