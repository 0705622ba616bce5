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
		Browsers:        familyList(a.BrowserVersions, a),
		BrowserVersions: topList(a.BrowserVersions, 0),
		Systems:         familyList(a.SystemVersions, a),
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

// familyList makes the list of families of a version list (the humans'),
// with a row for each other kind under its label, so that it holds every
// request: a family's requests, bytes and error bound are the sums of its
// versions', its visitors their union.
func familyList(vers *sketch.TopK, a *agents.Aggregator) TopList {
	type family struct {
		hits, bytes, err uint64
		visitors         sketch.SmallDistinct
	}
	fams := map[string]*family{}
	for i := range vers.Entries {
		e := &vers.Entries[i]
		name, _ := agents.SplitVersionKey(e.Key)
		f := fams[name]
		if f == nil {
			f = &family{}
			fams[name] = f
		}
		f.hits += e.Hits
		f.bytes = sketch.AddSat(f.bytes, e.Bytes)
		f.err += e.HitsErr
		f.visitors.Merge(&e.Visitors)
	}
	l := TopList{Exact: vers.Exact()}
	total := vers.Total
	for name, f := range fams {
		l.Rows = append(l.Rows, TopRow{Key: name, Hits: clamp(f.hits), Bytes: clamp(f.bytes), Err: clamp(f.err),
			Visitors: clamp(min(f.visitors.Count(), f.hits-min(f.err, f.hits))), VisitorsExact: f.visitors.Exact()})
	}
	for _, k := range []agents.Kind{agents.KindBot, agents.KindTool, agents.KindUnknown, agents.KindEmpty} {
		f := &a.Kinds[k]
		if f.Requests == 0 {
			continue
		}
		total += f.Requests
		l.Rows = append(l.Rows, TopRow{Key: agents.KindLabel(k), Hits: clamp(f.Requests), Bytes: clamp(f.Bytes),
			Visitors: clamp(min(f.Visitors.Count(), f.Requests)), VisitorsExact: f.Visitors.Exact()})
	}
	l.Total = clamp(total)
	if l.Exact {
		l.Distinct = int64(len(l.Rows))
	} else {
		l.ErrorBound = clamp(vers.ErrorBound())
	}
	slices.SortFunc(l.Rows, func(x, y TopRow) int {
		if c := cmp.Compare(y.Hits, x.Hits); c != 0 {
			return c
		}
		return cmp.Compare(x.Key, y.Key)
	})
	return l
}
