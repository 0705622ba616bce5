package report

import (
	"fmt"
	"strings"
	"testing"

	"github.com/webalyze/webalyze/aggregate"
	"github.com/webalyze/webalyze/aggregate/agents"
	"github.com/webalyze/webalyze/aggregate/dim"
	"github.com/webalyze/webalyze/parser"
)

// withAgents adds the agents dimension to opts.
func init() {
	browserDimensions = append(browserDimensions, agents.NewAggregator(agents.Options{TopCapacity: 1000, DistinctCapacity: 1000}))
}

func withAgents(opts aggregate.Options) aggregate.Options {
	opts.Dimensions = append(opts.Dimensions, agents.NewAggregator(agents.Options{TopCapacity: 1000, DistinctCapacity: 1000}))
	return opts
}

// agentsState is a small State with every kind of agent.
func agentsState(t *testing.T) *aggregate.State {
	t.Helper()
	st := aggregate.New(withAgents(aggregate.Options{}))
	lines := []struct {
		ua     string
		status uint16
		n      int
	}{
		{"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36", 200, 30},
		{"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 Safari/537.36", 200, 10},
		{"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36", 500, 2},
		{"Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1", 200, 8},
		{"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", 200, 12},
		{"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", 404, 4},
		{"Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; +https://openai.com/gptbot)", 503, 6},
		{"curl/8.5.0", 200, 5},
		{"-", 200, 3},
	}
	sec := int64(1_780_000_000)
	for i, l := range lines {
		for k := range l.n {
			sec++
			st.Add(&parser.Record{Host: fmt.Appendf(nil, "192.0.2.%d", (i+k)%7), Method: []byte("GET"), Path: []byte("/"),
				HasTime: true, Time: sec, HasStatus: true, Status: l.status, Bytes: 100, HasBytes: true, UserAgent: []byte(l.ua)})
		}
	}
	st.AddFilteredReason(agents.FilterReason, 7)
	if err := st.Check(); err != nil {
		t.Fatal(err)
	}
	return st
}

// TestAgentPanels: the panels of a State add up, name the kinds, and say
// who got the 5xx.
func TestAgentPanels(t *testing.T) {
	m := Build(agentsState(t), BuildOptions{})
	a := m.AgentPanels
	if a == nil {
		t.Fatal("no agent panels")
	}
	var kinds []string
	var sum int64
	for _, k := range a.Kinds {
		kinds = append(kinds, fmt.Sprintf("%s=%d/5xx:%d(%.2f)", k.Kind, k.Requests, k.Classes["5xx"], k.ClassOf["5xx"]))
		sum += k.Requests
	}
	if got, want := strings.Join(kinds, " "), "human=50/5xx:2(0.25) bot=22/5xx:6(0.75) tool=5/5xx:0(0.00) unknown=0/5xx:0(0.00) (empty)=3/5xx:0(0.00)"; got != want {
		t.Errorf("kinds:\n got %s\nwant %s", got, want)
	}
	if sum != m.Requests {
		t.Errorf("kinds sum to %d, requests %d", sum, m.Requests)
	}
	for _, p := range []AgentPanel{a.Browsers, a.OperatingSystems, a.Devices} {
		var n int64
		for _, r := range p.Rows {
			n += r.Requests
			var v int64
			for _, x := range r.Versions {
				v += x.Requests
			}
			if len(r.Versions) > 0 && v != r.Requests {
				t.Errorf("%s %s: versions sum to %d, not %d", p.Title, r.Name, v, r.Requests)
			}
		}
		if n != m.Requests || p.Total != m.Requests {
			t.Errorf("%s: rows sum to %d, total %d, requests %d", p.Title, n, p.Total, m.Requests)
		}
	}
	row := func(rows []AgentRow) string {
		var out []string
		for _, r := range rows {
			s := fmt.Sprintf("%s:%d", r.Name, r.Requests)
			for _, v := range r.Versions {
				s += fmt.Sprintf("[%s:%d]", v.Name, v.Requests)
			}
			out = append(out, s)
		}
		return strings.Join(out, " ")
	}
	if got, want := row(a.Browsers.Rows), "Chrome:42[120:32][119:10] (bots):22 Safari:8[17:8] (tools):5 (no agent):3"; got != want {
		t.Errorf("browsers:\n got %s\nwant %s", got, want)
	}
	if got, want := row(a.OperatingSystems.Rows), "Windows:42[10:42] (bots):22 iOS:8[17.2:8] (tools):5 (no agent):3"; got != want {
		t.Errorf("systems:\n got %s\nwant %s", got, want)
	}
	if got, want := row(a.Devices.Rows), "desktop:42 bot:22 mobile:8 tool:5 unknown:3"; got != want {
		t.Errorf("devices:\n got %s\nwant %s", got, want)
	}
	bots := func(p BotPanel) string {
		var out []string
		for _, r := range p.Rows {
			out = append(out, fmt.Sprintf("%s:%d ai=%v 4xx=%.2f 5xx=%.2f", r.Name, r.Requests, r.AI, r.Share4xx, r.Share5xx))
		}
		return fmt.Sprintf("%d %.4f: %s", p.Requests, p.Share5xx, strings.Join(out, ", "))
	}
	for _, c := range []struct {
		p    BotPanel
		want string
	}{
		{a.Bots, "22 0.2727: Googlebot:16 ai=false 4xx=0.25 5xx=0.00, GPTBot:6 ai=true 4xx=0.00 5xx=1.00"},
		{a.AICrawlers, "6 1.0000: GPTBot:6 ai=true 4xx=0.00 5xx=1.00"},
		{a.Tools, "5 0.0000: curl:5 ai=false 4xx=0.00 5xx=0.00"},
	} {
		if got := bots(c.p); got != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.p.Title, got, c.want)
		}
	}
	if m.FilteredReasons["bot"] != 7 {
		t.Errorf("filtered reasons %v", m.FilteredReasons)
	}
}

// TestAgentPanelsCut: a panel cut to n rows shows the rest as one
// "(others)" row, so that it still adds up (devices, a fixed set of six,
// are never cut).
func TestAgentPanelsCut(t *testing.T) {
	m := Build(agentsState(t), BuildOptions{TopN: 2})
	a := m.AgentPanels
	for _, p := range []AgentPanel{a.Browsers, a.OperatingSystems} {
		last := p.Rows[len(p.Rows)-1]
		if len(p.Rows) != 3 || last.Name != OthersRow {
			t.Fatalf("%s: rows %+v", p.Title, p.Rows)
		}
		var n int64
		for _, r := range p.Rows {
			n += r.Requests
		}
		if n != m.Requests {
			t.Errorf("%s: %d, want %d", p.Title, n, m.Requests)
		}
	}
	if got := len(a.Bots.Rows); got != 2 {
		t.Errorf("bots: %d rows", got)
	}
}

// TestAgentPanelsAbsent: a source without the dimension (ClickHouse, an
// older state) has no panels, and the outputs leave them out.
func TestAgentPanelsAbsent(t *testing.T) {
	m := Build(aggregate.New(aggregate.Options{}), BuildOptions{})
	if m.AgentPanels != nil {
		t.Fatalf("panels %+v", m.AgentPanels)
	}
	var b strings.Builder
	if err := WriteHTML(&b, m); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), `id="browsers"`) {
		t.Error("HTML has a Browsers section without agent panels")
	}
}

var _ dim.Dimension = (*agents.Aggregator)(nil)

// sampleAgentPanels are the panels of the sample model: 1000 requests.
func sampleAgentPanels() *Agents {
	g := func(name string, req, b, vis int64, c4, c5 int64) AgentGroup {
		x := AgentGroup{Name: name, Requests: req, Bytes: b, Visitors: Count{N: vis, Exact: true}}
		x.Classes[4], x.Classes[5], x.Classes[2] = c4, c5, req-c4-c5
		return x
	}
	row := func(key string, hits, vis int64) TopRow {
		return TopRow{Key: key, Hits: hits, Bytes: hits * 1000, Visitors: vis, VisitorsExact: vis <= 8}
	}
	in := &AgentsInput{
		Kinds: []AgentGroup{g("human", 700, 900_000, 40, 60, 10), g("bot", 220, 300_000, 12, 80, 28),
			g("tool", 50, 30_000, 4, 10, 2), g("unknown", 20, 4_000, 3, 0, 0), g("(empty)", 10, 567, 2, 0, 0)},
		Devices: []AgentGroup{g("unknown", 30, 4_567, 5, 0, 0), g("desktop", 500, 700_000, 25, 40, 8),
			g("mobile", 160, 180_000, 12, 15, 2), g("tablet", 40, 20_000, 3, 5, 0), g("bot", 220, 300_000, 12, 80, 28), g("tool", 50, 30_000, 4, 10, 2)},
		AI: g("AI crawlers", 70, 90_000, 3, 5, 20),
		Browsers: TopList{Total: 1000, Exact: true, Rows: []TopRow{row("Chrome", 450, 25), row("Safari", 150, 10),
			row("Firefox", 90, 6), row("Other", 10, 2), row("(bots)", 220, 12), row("(tools)", 50, 4), row("(unknown)", 20, 3), row("(no agent)", 10, 2)}},
		BrowserVersions: TopList{Total: 700, Exact: true, Rows: []TopRow{row("Chrome\x00120", 300, 18), row("Chrome\x00119", 150, 9),
			row("Safari\x0017", 150, 10), row("Firefox\x00121", 90, 6), row("Other\x00", 10, 2)}},
		Systems: TopList{Total: 1000, Exact: true, Rows: []TopRow{row("Windows", 400, 20), row("iOS", 150, 10), row("Android", 100, 8),
			row("(unknown)", 70, 5), row("(bots)", 220, 12), row("(tools)", 50, 4), row("(no agent)", 10, 2)}},
		SystemVersions: TopList{Total: 700, Exact: true, Rows: []TopRow{row("Windows\x0010", 380, 19), row("Windows\x007", 20, 1),
			row("iOS\x0017.2", 150, 10), row("Android\x0014", 100, 8), row("\x00", 50, 4)}},
		ClientsAll: TopList{Total: 270, Exact: true},
		Clients: []ClientRow{
			{TopRow: row("Googlebot", 120, 4), Errors4xx: 50, Errors5xx: 3},
			{TopRow: row("GPTBot", 70, 3), AI: true, Errors4xx: 5, Errors5xx: 20},
			{TopRow: row("curl", 50, 4), Tool: true, Errors4xx: 10, Errors5xx: 2},
			{TopRow: row("bingbot", 30, 5), Errors4xx: 25, Errors5xx: 5},
		},
	}
	return buildAgents(in, 1000, 25)
}

// TestAgentEstimates: a bots list past its capacity is named among the
// estimates.
func TestAgentEstimates(t *testing.T) {
	st := aggregate.New(aggregate.Options{Dimensions: []dim.Dimension{agents.NewAggregator(agents.Options{TopCapacity: 2, DistinctCapacity: 100})}})
	for i := range 10 {
		st.Add(&parser.Record{Host: []byte("192.0.2.1"), HasStatus: true, Status: 200,
			UserAgent: fmt.Appendf(nil, "Mozilla/5.0 (compatible; Crawler%cbot/1.0)", 'a'+i)})
	}
	m := Build(st, BuildOptions{})
	if !strings.Contains(strings.Join(m.Approximate, " "), "agent_panels.bots") {
		t.Errorf("approximate %v: want agent_panels.bots", m.Approximate)
	}
	if m.AgentPanels.Bots.Exact {
		t.Error("bots panel says exact")
	}
}
