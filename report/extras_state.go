package report

import (
	"github.com/webalyze/webalyze/aggregate"
	"github.com/webalyze/webalyze/aggregate/content"
	"github.com/webalyze/webalyze/aggregate/refsites"
	"github.com/webalyze/webalyze/aggregate/search"
	"github.com/webalyze/webalyze/aggregate/users"
	"github.com/webalyze/webalyze/aggregate/vhosts"
)

// extrasOf reads the extra panels of st from its dimensions, keeping n
// rows of each list (all when n ≤ 0); a panel whose dimension st lacks
// stays nil.
func extrasOf(st *aggregate.State, n int) Extras {
	var e Extras
	if d, ok := st.Dimension(refsites.Section).(*refsites.Sites); ok {
		l := topList(d.List, n)
		e.ReferringSites = &l
	}
	if d, ok := st.Dimension(search.Section).(*search.Search); ok {
		s := &Search{SiteSearch: topList(d.Terms, n), Phrases: topList(d.Phrases, n)}
		for i, c := range d.Engines {
			s.Engines = append(s.Engines, EngineRow{Engine: search.EngineName(i), Hits: clamp(c)})
		}
		e.Search = s
	}
	if d, ok := st.Dimension(content.Section).(*content.Content); ok {
		e.Content = &Content{
			Pages:  Part{Hits: clamp(d.Pages.Hits), Bytes: clamp(d.Pages.Bytes)},
			Static: Part{Hits: clamp(d.Static.Hits), Bytes: clamp(d.Static.Bytes)},
			Types:  topList(d.Types, n),
		}
	}
	if d, ok := st.Dimension(users.Section).(*users.Users); ok {
		u := d.List
		e.RemoteUsers = &RemoteUsers{
			Authenticated: Part{Hits: clamp(u.Total), Bytes: clamp(d.NamedBytes)},
			Anonymous:     Part{Hits: clamp(d.Anonymous.Hits), Bytes: clamp(d.Anonymous.Bytes)},
			Users:         topList(u, n),
		}
	}
	if d, ok := st.Dimension(vhosts.Section).(*vhosts.VHosts); ok {
		e.VhostStatus = vhostStatusOf(d, n)
	}
	return e
}

// vhostStatusOf reads the n busiest hosts of d with their status groups.
func vhostStatusOf(d *vhosts.VHosts, n int) *VhostStatus {
	v := &VhostStatus{Requests: clamp(d.All.Total), NoVhost: clamp(d.NoVHost), Exact: d.All.Exact()}
	bound := d.All.ErrorBound()
	for _, g := range d.Groups {
		v.Exact = v.Exact && g.Exact()
		bound = max(bound, g.ErrorBound())
	}
	if v.Exact {
		v.Distinct = int64(d.All.Len())
	} else {
		v.ErrorBound = clamp(bound)
	}
	for _, e := range d.All.Top(n) {
		r := VhostStatusRow{Host: e.Key, Hits: clamp(e.Hits)}
		at := func(g int) int64 {
			if x := d.Groups[g].Get(e.Key); x != nil {
				return clamp(x.Hits)
			}
			return 0
		}
		r.Groups = StatusGroups{X2: at(vhosts.Group2xx), X3: at(vhosts.Group3xx), X4: at(vhosts.Group4xx),
			X5: at(vhosts.Group5xx), Other: at(vhosts.GroupOther)}
		v.Rows = append(v.Rows, r)
	}
	return v
}
