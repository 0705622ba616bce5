package clickhouse

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/webalyze/webalyze/report"

	"github.com/webalyze/webalyze/aggregate/agents"
	"github.com/webalyze/webalyze/aggregate/status"
)

// DefaultAgentRows is how many distinct user-agent strings a report from
// ClickHouse classifies when QueryOptions.AgentRows is 0: the busiest
// ones; the requests of the others are one "(others)" remainder.
const DefaultAgentRows = 5000

// AgentFigures are the agent panels' figures: the window's requests split
// by what the user-agent string says (agents.Parse, the classifier of a
// local run, and agents.SplitOf, where its Aggregator counts them).
//
// The AgentRows busiest distinct strings are classified (ties by string,
// bytewise); Others holds the requests of the rest, whose class is not
// known. Requests, bytes and status classes are sums over the strings;
// the visitors of every group (a kind, a device, a family, a version, a
// bot) are the distinct visitor-days (visitorKey) over all of its strings,
// counted exactly by the server.
type AgentFigures struct {
	Kinds   [agents.NumKinds]AgentGroup
	Devices [agents.NumDevices]AgentGroup
	AI      AgentGroup
	// Browser and system families and versions (people only), keyed by
	// family and by agents.VersionKey; bots and tools by agents.ClientKey.
	BrowserFamilies, BrowserVersions map[string]*AgentGroup
	SystemFamilies, SystemVersions   map[string]*AgentGroup
	Clients                          map[string]*AgentGroup
	// Others are the requests of the strings past AgentRows; Distinct
	// counts every distinct string, Classified those classified.
	Others               AgentGroup
	Distinct, Classified uint64
}

// AgentGroup is the traffic of one group of user agents. Classes counts
// requests by status class (status.ClassIndex), NoStatus those without
// a status.
type AgentGroup struct {
	Requests, Bytes uint64
	Classes         [status.NumClasses]uint64
	NoStatus        uint64
	Visitors        uint64
}

func (g *AgentGroup) add(o *AgentGroup, saturated *bool) {
	g.Requests += o.Requests
	g.Bytes = addSat(g.Bytes, o.Bytes, saturated)
	for i := range g.Classes {
		g.Classes[i] += o.Classes[i]
	}
	g.NoStatus += o.NoStatus
}

// agentRow is one distinct string of the window with its traffic.
type agentRow struct {
	agent       string
	hash, hash2 uint64 // cityHash64, sipHash64 of the string
	AgentGroup
}

// coded is the condition of a row with a status code (a class).
const coded = "has_status = 1 AND status < 1000"

// agentRows returns the n busiest distinct strings of the rows where
// `where` holds, with their traffic, and the number of distinct strings.
func (q *querier) agentRows(ctx context.Context, where string, n int) ([]agentRow, uint64, error) {
	var distinct uint64
	if err := q.rows(ctx, "distinct agents of "+q.table, fmt.Sprintf("SELECT uniqExact(agent) FROM %s WHERE %s", q.table, where),
		func(r *fields) error { distinct = r.u64(); return nil }); err != nil {
		return nil, 0, err
	}
	var classes []string
	for i := range status.NumClasses {
		classes = append(classes, fmt.Sprintf("countIf(%s AND %s = %d)", coded, q.class, i))
	}
	sql := fmt.Sprintf(`SELECT agent, count() AS hits, %s, countIf(NOT (%s)), %s, cityHash64(agent), sipHash64(agent)
 FROM %s WHERE %s GROUP BY agent ORDER BY hits DESC, agent LIMIT %d`,
		bytesSum, coded, strings.Join(classes, ", "), q.table, where, n)
	var out []agentRow
	var sat bool
	err := q.rows(ctx, "agents of "+q.table, sql, func(r *fields) error {
		a := agentRow{agent: r.str()}
		a.Requests = r.u64()
		a.Bytes = joinBytes(r.u64(), r.u64(), &sat)
		a.NoStatus = r.u64()
		for i := range a.Classes {
			a.Classes[i] = r.u64()
		}
		a.hash, a.hash2 = r.u64(), r.u64()
		out = append(out, a)
		return nil
	})
	return out, distinct, err
}

func (q *querier) agentPanels(ctx context.Context, f *Figures) error {
	rows, distinct, err := q.agentRows(ctx, q.where, q.opts.AgentRows)
	if err != nil {
		return err
	}
	a := &AgentFigures{Distinct: distinct, Classified: uint64(len(rows)),
		BrowserFamilies: map[string]*AgentGroup{}, BrowserVersions: map[string]*AgentGroup{},
		SystemFamilies: map[string]*AgentGroup{}, SystemVersions: map[string]*AgentGroup{}, Clients: map[string]*AgentGroup{}}
	f.AgentPanels = a

	// Every group an agent counts in gets an id, each agent the list of
	// its groups' ids, so that the server counts each group's visitors
	// over its strings (groupVisitors).
	var groups []*AgentGroup
	ids := map[*AgentGroup]int{}
	id := func(g *AgentGroup) int {
		if i, ok := ids[g]; ok {
			return i
		}
		ids[g] = len(groups)
		groups = append(groups, g)
		return len(groups) - 1
	}
	in := func(m map[string]*AgentGroup, key string) *AgentGroup {
		g := m[key]
		if g == nil {
			g = &AgentGroup{}
			m[key] = g
		}
		return g
	}
	rest := "[" + strconv.Itoa(id(&a.Others)) + "]" // strings not classified
	tuples := make([]string, len(rows))
	raw := make([]rawRow, len(rows))
	for i := range rows {
		r := &rows[i]
		s := agents.SplitOf(agents.Parse(r.agent))
		gs := []*AgentGroup{&a.Kinds[s.Kind], &a.Devices[s.Device]}
		switch s.Kind {
		case agents.KindHuman:
			fam, _ := agents.SplitVersionKey(s.BrowserVersion)
			sys, _ := agents.SplitVersionKey(s.SystemVersion)
			gs = append(gs, in(a.BrowserFamilies, fam), in(a.BrowserVersions, s.BrowserVersion),
				in(a.SystemFamilies, sys), in(a.SystemVersions, s.SystemVersion))
		case agents.KindBot, agents.KindTool:
			if s.AI {
				gs = append(gs, &a.AI)
			}
			gs = append(gs, in(a.Clients, s.Client))
		}
		var b strings.Builder
		b.WriteByte('[')
		for j, g := range gs {
			g.add(&r.AgentGroup, &f.BytesSaturated)
			if j > 0 {
				b.WriteByte(',')
			}
			b.WriteString(strconv.Itoa(id(g)))
		}
		b.WriteByte(']')
		tuples[i] = b.String()
		raw[i] = rawRow{key: r.agent, hits: r.Requests, hash: r.hash, hash2: r.hash2}
	}
	// The others: the window's totals less the classified strings'.
	var listed AgentGroup
	for i := range rows {
		listed.add(&rows[i].AgentGroup, &f.BytesSaturated)
	}
	a.Others.Requests = f.Requests - min(listed.Requests, f.Requests)
	a.Others.Bytes = f.Bytes - min(listed.Bytes, f.Bytes)
	a.Others.NoStatus = f.NoStatus - min(listed.NoStatus, f.NoStatus)
	for _, c := range f.Codes {
		a.Others.Classes[status.ClassIndex(c.Code)] += c.Hits
	}
	for i := range a.Others.Classes {
		a.Others.Classes[i] -= min(listed.Classes[i], a.Others.Classes[i])
	}
	if f.Requests == 0 {
		return nil
	}

	vis, err := q.groupVisitors(ctx, "agent visitors of "+q.table, "agent", "1", raw, tuples, rest, q.opts.AgentRows, uint64(len(rows)) >= distinct)
	for g, n := range vis {
		if g >= uint64(len(groups)) {
			return q.c.fail("agent visitors of "+q.table, 0, fmt.Sprintf("unexpected group %d", g))
		}
		groups[g].Visitors = n
	}
	return err
}

// botAgents lists every distinct user agent of the window that the
// classifier calls a bot (agents.KindBot, AI crawlers included: what
// --exclude-bots leaves out), with their requests. More than max distinct
// strings is refused: each must be classified.
func (q *querier) botAgents(ctx context.Context, max int) (bots []string, requests uint64, err error) {
	rows, distinct, err := q.agentRows(ctx, q.where, max+1)
	if err != nil {
		return nil, 0, err
	}
	if distinct > uint64(max) || len(rows) > max {
		return nil, 0, fmt.Errorf("clickhouse: --exclude-bots: the window holds %d distinct user agents, more than the %d that can be classified", distinct, max)
	}
	for i := range rows {
		if agents.Parse(rows[i].agent).Kind == agents.KindBot {
			bots = append(bots, rows[i].agent)
			requests += rows[i].Requests
		}
	}
	slices.Sort(bots)
	return bots, requests, nil
}

// input converts the agent figures into the report's, as report.NewInput
// converts a State's agents dimension: the kinds in the order human, bot,
// tool, unknown, empty; the families with a row per other kind; the bots
// and tools by hits. The requests of strings not classified are a kind
// and a device "(others)", and are in the Browsers, Operating systems and
// bots lists' totals but in none of their rows: those lists are then
// marked inexact, a row lacking at most that many requests.
func (a *AgentFigures) input() *report.AgentsInput {
	in := &report.AgentsInput{AI: agentGroup("AI crawlers", &a.AI)}
	for _, k := range []agents.Kind{agents.KindHuman, agents.KindBot, agents.KindTool, agents.KindUnknown, agents.KindEmpty} {
		in.Kinds = append(in.Kinds, agentGroup(k.String(), &a.Kinds[k]))
	}
	for d := range agents.NumDevices {
		in.Devices = append(in.Devices, agentGroup(agents.Device(d).String(), &a.Devices[d]))
	}
	if a.Others.Requests > 0 {
		in.Kinds = append(in.Kinds, agentGroup(report.OthersRow, &a.Others))
		in.Devices = append(in.Devices, agentGroup(report.OthersRow, &a.Others))
	}
	in.Browsers, in.BrowserVersions = a.families(a.BrowserFamilies), a.groupList(a.BrowserVersions)
	in.Systems, in.SystemVersions = a.families(a.SystemFamilies), a.groupList(a.SystemVersions)
	in.ClientsAll = a.groupList(a.Clients)
	for _, l := range []*report.TopList{&in.Browsers, &in.BrowserVersions, &in.Systems, &in.SystemVersions, &in.ClientsAll} {
		a.cut(l)
	}
	for _, r := range in.ClientsAll.Rows {
		kind, ai, name, ok := agents.SplitClientKey(r.Key)
		if !ok {
			continue
		}
		g := a.Clients[r.Key]
		c := report.ClientRow{TopRow: r, Tool: kind == agents.KindTool, AI: ai,
			Errors4xx: clamp(g.Classes[status.Class4xx]), Errors5xx: clamp(g.Classes[status.Class5xx])}
		c.Key = name
		in.Clients = append(in.Clients, c)
	}
	in.ClientsAll.Rows = nil
	slices.SortStableFunc(in.Clients, func(x, y report.ClientRow) int {
		return cmp.Or(cmp.Compare(y.Hits, x.Hits), cmp.Compare(x.Key, y.Key))
	})
	return in
}

func agentGroup(name string, g *AgentGroup) report.AgentGroup {
	out := report.AgentGroup{Name: name, Requests: clamp(g.Requests), Bytes: clamp(g.Bytes), NoStatus: clamp(g.NoStatus),
		Visitors: report.Count{N: clamp(g.Visitors), Exact: true}}
	for i, c := range g.Classes {
		out.Classes[i] = clamp(c)
	}
	return out
}

// groupList is a list of every group of m, by hits then key.
func (a *AgentFigures) groupList(m map[string]*AgentGroup) report.TopList {
	l := report.TopList{Exact: true}
	for key, g := range m {
		l.Total += clamp(g.Requests)
		l.Rows = append(l.Rows, report.TopRow{Key: key, Hits: clamp(g.Requests), Bytes: clamp(g.Bytes),
			Visitors: clamp(g.Visitors), VisitorsExact: true})
	}
	l.Distinct = int64(len(l.Rows))
	slices.SortFunc(l.Rows, func(x, y report.TopRow) int { return cmp.Or(cmp.Compare(y.Hits, x.Hits), cmp.Compare(x.Key, y.Key)) })
	return l
}

// families is the list of families of people with a row for each other
// kind, holding every request classified; the others in Total only.
func (a *AgentFigures) families(m map[string]*AgentGroup) report.TopList {
	l := a.groupList(m)
	for _, k := range []agents.Kind{agents.KindBot, agents.KindTool, agents.KindUnknown, agents.KindEmpty} {
		g := &a.Kinds[k]
		if g.Requests == 0 {
			continue
		}
		l.Total += clamp(g.Requests)
		l.Rows = append(l.Rows, report.TopRow{Key: agents.KindLabel(k), Hits: clamp(g.Requests), Bytes: clamp(g.Bytes),
			Visitors: clamp(g.Visitors), VisitorsExact: true})
	}
	l.Distinct = int64(len(l.Rows))
	slices.SortFunc(l.Rows, func(x, y report.TopRow) int { return cmp.Or(cmp.Compare(y.Hits, x.Hits), cmp.Compare(x.Key, y.Key)) })
	return l
}

// cut marks l inexact when some strings were not classified: their
// requests count in its Total, and may belong to any of its rows.
func (a *AgentFigures) cut(l *report.TopList) {
	if a.Others.Requests == 0 {
		return
	}
	l.Total += clamp(a.Others.Requests)
	l.Exact, l.Distinct, l.ErrorBound = false, 0, clamp(a.Others.Requests)
}
