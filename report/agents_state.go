package report

import (
	"cmp"
	"slices"

	"github.com/webalyze/webalyze/aggregate"
	"github.com/webalyze/webalyze/aggregate/agents"
	"github.com/webalyze/webalyze/aggregate/sketch"
)

// agentsInput reads the agents dimension of st; nil when st has none.
func agentsInput(st *aggregate.State) *AgentsInput {
	a, ok := st.Dimension(agents.Section).(*agents.Aggregator)
	if !ok || a == nil {
		return nil
	}
	in := &AgentsInput{
		AI:              agentGroup("AI crawlers", &a.AI),
		Browsers:        topList(a.Browsers, 0),
		BrowserVersions: topList(a.BrowserVersions, 0),
		Systems:         topList(a.Systems, 0),
		SystemVersions:  topList(a.SystemVersions, 0),
	}
	clients := topList(a.Clients, 0)
	in.ClientsAll = clients
	// The order a report lists the kinds in.
	for _, k := range []agents.Kind{agents.KindHuman, agents.KindBot, agents.KindTool, agents.KindUnknown, agents.KindEmpty} {
		in.Kinds = append(in.Kinds, agentGroup(k.String(), &a.Kinds[k]))
	}
	for d := range agents.NumDevices {
		in.Devices = append(in.Devices, agentGroup(agents.Device(d).String(), &a.Devices[d]))
	}
	errs := func(t *sketch.TopK, key string) int64 {
		if e := t.Get(key); e != nil {
			return clamp(e.Hits)
		}
		return 0
	}
	for _, r := range in.ClientsAll.Rows {
		kind, ai, name, ok := agents.SplitClientKey(r.Key)
		if !ok {
			continue
		}
		c := ClientRow{TopRow: r, Tool: kind == agents.KindTool, AI: ai,
			Errors4xx: min(errs(a.Clients4xx, r.Key), r.Hits), Errors5xx: min(errs(a.Clients5xx, r.Key), r.Hits)}
		c.Key = name
		in.Clients = append(in.Clients, c)
	}
	in.ClientsAll.Rows = nil
	slices.SortStableFunc(in.Clients, func(x, y ClientRow) int {
		if c := cmp.Compare(y.Hits, x.Hits); c != 0 {
			return c
		}
		return cmp.Compare(x.Key, y.Key)
	})
	return in
}

func agentGroup(name string, f *agents.Figures) AgentGroup {
	g := AgentGroup{Name: name, Requests: clamp(f.Requests), Bytes: clamp(f.Bytes), NoStatus: clamp(f.NoStatus)}
	for i, c := range f.Classes {
		g.Classes[i] = clamp(c)
	}
	if f.Visitors != nil {
		g.Visitors = Count{N: clamp(f.Visitors.Count()), Exact: f.Visitors.Exact(), RelErr: f.Visitors.RelativeError()}
	}
	return g
}

func filteredReasons(m map[string]uint64) map[string]int64 {
	out := make(map[string]int64, len(m))
	for r, n := range m {
		out[r] = clamp(n)
	}
	return out
}
