package report

import (
	"maps"
	"slices"
	"strconv"
)

// agentTables adds the agents' CSV tables: agent_kinds (requests per kind
// of sender, by status class), agent_panels (browsers, operating systems
// and devices, a family's versions under it), bots (bots, AI crawlers,
// tools) and filtered_reasons. They are empty when the model has no agent
// panels.
func agentTables(table func(name string, cols ...string), row func(cells ...string), m *Model) {
	i := func(n int64) string { return strconv.FormatInt(n, 10) }
	f := func(x float64) string { return strconv.FormatFloat(x, 'f', 6, 64) }
	b := strconv.FormatBool
	a := m.AgentPanels
	if a == nil {
		a = &Agents{}
	}
	table("agent_kinds", slices.Concat([]string{"kind", "requests", "share", "bytes", "visitors", "visitors_exact"},
		ClassNames[:], []string{"no_status"})...)
	for _, k := range a.Kinds {
		r := []string{k.Kind, i(k.Requests), f(k.Share), i(k.Bytes), i(k.Visitors.N), b(k.Visitors.Exact)}
		for _, c := range ClassNames {
			r = append(r, i(k.Classes[c]))
		}
		row(append(r, i(k.NoStatus))...)
	}
	table("agent_panels", "panel", "rank", "name", "version", "requests", "share", "bytes", "visitors", "visitors_exact", "err", "exact")
	for _, p := range []struct {
		name string
		p    AgentPanel
	}{{"browsers", a.Browsers}, {"operating_systems", a.OperatingSystems}, {"devices", a.Devices}} {
		for n, r := range p.p.Rows {
			row(p.name, strconv.Itoa(n+1), r.Name, "", i(r.Requests), f(r.Share), i(r.Bytes), i(r.Visitors), b(r.VisitorsExact), i(r.Err), b(p.p.Exact))
			for _, v := range r.Versions {
				row(p.name, strconv.Itoa(n+1), r.Name, v.Name, i(v.Requests), f(v.Share), i(v.Bytes), i(v.Visitors), b(v.VisitorsExact), i(v.Err), b(p.p.Exact))
			}
		}
	}
	table("bots", "panel", "rank", "name", "ai", "requests", "share", "bytes", "visitors", "visitors_exact", "share_4xx", "share_5xx", "err", "exact")
	for _, p := range []struct {
		name string
		p    BotPanel
	}{{"bots", a.Bots}, {"ai_crawlers", a.AICrawlers}, {"tools", a.Tools}} {
		for n, r := range p.p.Rows {
			row(p.name, strconv.Itoa(n+1), r.Name, b(r.AI), i(r.Requests), f(r.Share), i(r.Bytes), i(r.Visitors), b(r.VisitorsExact),
				f(r.Share4xx), f(r.Share5xx), i(r.Err), b(p.p.Exact))
		}
	}
	table("filtered_reasons", "reason", "lines")
	for _, r := range slices.Sorted(maps.Keys(m.FilteredReasons)) {
		row(r, i(m.FilteredReasons[r]))
	}
}
