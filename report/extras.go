package report

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

// Extras are the panels users of The Webalizer, AWStats and GoAccess look
// for beside the status figures: referring sites, internal site search and
// search-engine phrases, pages against static files and the content types,
// remote (authenticated) users, and the status by virtual host. Each is
// nil when the source does not count it (a ClickHouse source; a state
// file saved before it was counted): the JSON model then has no key for
// it and the HTML report no panel.
//
// In an [Input], lists hold their rows unsorted and uncut; [BuildFrom]
// sorts them, keeps BuildOptions.TopN rows and sets the shares.
type Extras struct {
	// ReferringSites lists the hosts of external referrers (the rule of
	// Referrers), in lower case without port; "" is a referrer with no
	// host. Total counts the external referrers.
	ReferringSites *TopList `json:"referring_sites,omitempty"`
	Search         *Search  `json:"search,omitempty"`
	Content        *Content `json:"content,omitempty"`
	// RemoteUsers are the authenticated users (%u, $remote_user,
	// cs-username).
	RemoteUsers *RemoteUsers `json:"remote_users,omitempty"`
	VhostStatus *VhostStatus `json:"vhost_status,omitempty"`
}

// Search holds what people searched for.
type Search struct {
	// SiteSearch lists the cleaned terms of the site's own search (query
	// parameter q, s, search or query); Total counts the requests with
	// one.
	SiteSearch TopList `json:"site_search"`
	// Phrases lists the phrases of search-engine referrers that carry
	// one; Total counts those referrers.
	Phrases TopList `json:"phrases"`
	// Engines counts the referrals from each search engine, with a
	// phrase or without; Referrals is their sum.
	Engines   []EngineRow `json:"engines"`
	Referrals int64       `json:"referrals"`
}

// EngineRow is one search engine's referrals.
type EngineRow struct {
	Engine string  `json:"engine"`
	Hits   int64   `json:"requests"`
	Share  float64 `json:"share"` // of Search.Referrals
}

// Part is a part of the requests with its bytes; Share is of the requests
// of the panel.
type Part struct {
	Hits  int64   `json:"requests"`
	Bytes int64   `json:"bytes"`
	Share float64 `json:"share"`
}

// Content splits the requests into pages and static files, and by
// extension.
type Content struct {
	// Pages are the requests counted in Model.Pages; Static all others.
	// Their shares are of all requests.
	Pages  Part `json:"pages"`
	Static Part `json:"static"`
	// Types counts requests by extension (lower case, at most 16 bytes;
	// "(none)" for a path without one).
	Types TopList `json:"types"`
}

// RemoteUsers counts requests by authenticated user.
type RemoteUsers struct {
	// Authenticated are the requests with a user name, Anonymous those
	// without (empty or "-"); shares are of all requests.
	Authenticated Part    `json:"authenticated"`
	Anonymous     Part    `json:"anonymous"`
	Users         TopList `json:"users"`
}

// VhostStatus is the status of the requests by virtual host.
type VhostStatus struct {
	// Requests counts the requests with a virtual host, NoVhost those
	// without; Distinct the hosts when Exact.
	Requests int64 `json:"requests"`
	NoVhost  int64 `json:"no_vhost"`
	Distinct int64 `json:"distinct"`
	// Exact is false when a host list overflowed its capacity: then each
	// count of a row may be overstated by up to ErrorBound.
	Exact      bool  `json:"exact"`
	ErrorBound int64 `json:"error_bound"`
	// Rows are the hosts with the most requests, most first.
	Rows []VhostStatusRow `json:"rows"`
}

// VhostStatusRow is one virtual host's requests by status group.
type VhostStatusRow struct {
	Host  string  `json:"host"`
	Hits  int64   `json:"requests"`
	Share float64 `json:"share"` // of VhostStatus.Requests
	// Groups count the host's requests by status: "other" holds 1xx,
	// 000, non-standard codes and requests without a status.
	Groups StatusGroups `json:"status"`
	// Share4xx and Share5xx are of the host's requests.
	Share4xx float64 `json:"share_4xx"`
	Share5xx float64 `json:"share_5xx"`
}

// StatusGroups are requests per status group.
type StatusGroups struct {
	X2    int64 `json:"2xx"`
	X3    int64 `json:"3xx"`
	X4    int64 `json:"4xx"`
	X5    int64 `json:"5xx"`
	Other int64 `json:"other"`
}

// buildExtras sorts, cuts and shares the panels of in for m.
func buildExtras(m *Model, in Extras, n int) Extras {
	var out Extras
	capped := func(l TopList, title string) TopList {
		l = cutTop(l, title, n)
		for j := range l.Rows {
			if r := &l.Rows[j]; r.Visitors > m.Visitors.N {
				r.Visitors, r.VisitorsExact = m.Visitors.N, r.VisitorsExact && m.Visitors.Exact
			}
		}
		return l
	}
	if l := in.ReferringSites; l != nil {
		c := capped(*l, "Referring sites")
		out.ReferringSites = &c
	}
	if s := in.Search; s != nil {
		c := Search{SiteSearch: capped(s.SiteSearch, "Site search"), Phrases: capped(s.Phrases, "Search phrases")}
		for _, e := range s.Engines {
			c.Referrals += e.Hits
		}
		for _, e := range s.Engines {
			if e.Hits > 0 {
				c.Engines = append(c.Engines, EngineRow{Engine: e.Engine, Hits: e.Hits, Share: share(e.Hits, c.Referrals)})
			}
		}
		slices.SortStableFunc(c.Engines, func(a, b EngineRow) int {
			if a.Hits != b.Hits {
				return int(min(max(b.Hits-a.Hits, -1), 1))
			}
			return strings.Compare(a.Engine, b.Engine)
		})
		out.Search = &c
	}
	if c := in.Content; c != nil {
		total := c.Pages.Hits + c.Static.Hits
		out.Content = &Content{
			Pages:  Part{Hits: c.Pages.Hits, Bytes: c.Pages.Bytes, Share: share(c.Pages.Hits, total)},
			Static: Part{Hits: c.Static.Hits, Bytes: c.Static.Bytes, Share: share(c.Static.Hits, total)},
			Types:  capped(c.Types, "Content types"),
		}
	}
	if u := in.RemoteUsers; u != nil {
		total := u.Authenticated.Hits + u.Anonymous.Hits
		out.RemoteUsers = &RemoteUsers{
			Authenticated: Part{Hits: u.Authenticated.Hits, Bytes: u.Authenticated.Bytes, Share: share(u.Authenticated.Hits, total)},
			Anonymous:     Part{Hits: u.Anonymous.Hits, Bytes: u.Anonymous.Bytes, Share: share(u.Anonymous.Hits, total)},
			Users:         capped(u.Users, "Remote users"),
		}
	}
	if v := in.VhostStatus; v != nil {
		c := *v
		c.Rows = slices.Clone(v.Rows)
		slices.SortStableFunc(c.Rows, func(a, b VhostStatusRow) int {
			if a.Hits != b.Hits {
				return int(min(max(b.Hits-a.Hits, -1), 1))
			}
			return strings.Compare(a.Host, b.Host)
		})
		if len(c.Rows) > n {
			c.Rows = c.Rows[:n]
		}
		for i := range c.Rows {
			r := &c.Rows[i]
			r.Share = share(r.Hits, c.Requests)
			r.Share4xx, r.Share5xx = share(r.Groups.X4, r.Hits), share(r.Groups.X5, r.Hits)
		}
		out.VhostStatus = &c
	}
	return out
}

// extraList is a top list of the extras with its JSON path and name.
type extraList struct {
	path, what string
	l          *TopList
}

// extraLists returns the extras' top lists, in output order.
func extraLists(e *Extras) []extraList {
	var out []extraList
	if e.ReferringSites != nil {
		out = append(out, extraList{"referring_sites", "Referring sites", e.ReferringSites})
	}
	if s := e.Search; s != nil {
		out = append(out, extraList{"search.site_search", "Site search", &s.SiteSearch},
			extraList{"search.phrases", "Search phrases", &s.Phrases})
	}
	if c := e.Content; c != nil {
		out = append(out, extraList{"content.types", "Content types", &c.Types})
	}
	if u := e.RemoteUsers; u != nil {
		out = append(out, extraList{"remote_users.users", "Remote users", &u.Users})
	}
	return out
}

// normalizedExtras returns e with copies of its panels whose nil lists
// are empty.
func normalizedExtras(e Extras) Extras {
	if e.ReferringSites != nil {
		c := *e.ReferringSites
		e.ReferringSites = &c
	}
	if e.Search != nil {
		c := *e.Search
		e.Search = &c
	}
	if e.Content != nil {
		c := *e.Content
		e.Content = &c
	}
	if e.RemoteUsers != nil {
		c := *e.RemoteUsers
		e.RemoteUsers = &c
	}
	if e.VhostStatus != nil {
		c := *e.VhostStatus
		e.VhostStatus = &c
	}
	for _, l := range extraLists(&e) {
		emptyIfNil(&l.l.Rows)
	}
	if e.Search != nil {
		emptyIfNil(&e.Search.Engines)
	}
	if e.VhostStatus != nil {
		emptyIfNil(&e.VhostStatus.Rows)
	}
	return e
}

// extrasCSV adds the extras' tables to the CSV output; their top lists
// are in the "top" table (see extraLists).
func extrasCSV(m *Model, table func(name string, cols ...string), row func(cells ...string)) {
	i := func(n int64) string { return strconv.FormatInt(n, 10) }
	f := func(x float64) string { return strconv.FormatFloat(x, 'f', 6, 64) }
	table("search_engines", "engine", "requests", "share")
	if s := m.Search; s != nil {
		for _, e := range s.Engines {
			row(e.Engine, i(e.Hits), f(e.Share))
		}
	}
	table("content", "part", "requests", "bytes", "share")
	if c := m.Content; c != nil {
		row("pages", i(c.Pages.Hits), i(c.Pages.Bytes), f(c.Pages.Share))
		row("static", i(c.Static.Hits), i(c.Static.Bytes), f(c.Static.Share))
	}
	table("remote_users", "part", "requests", "bytes", "share")
	if u := m.RemoteUsers; u != nil {
		row("authenticated", i(u.Authenticated.Hits), i(u.Authenticated.Bytes), f(u.Authenticated.Share))
		row("anonymous", i(u.Anonymous.Hits), i(u.Anonymous.Bytes), f(u.Anonymous.Share))
	}
	table("vhost_status", "rank", "host", "requests", "share", "2xx", "3xx", "4xx", "5xx", "other", "share_4xx", "share_5xx", "exact", "error_bound")
	if v := m.VhostStatus; v != nil {
		for k, r := range v.Rows {
			g := r.Groups
			row(strconv.Itoa(k+1), r.Host, i(r.Hits), f(r.Share), i(g.X2), i(g.X3), i(g.X4), i(g.X5), i(g.Other),
				f(r.Share4xx), f(r.Share5xx), strconv.FormatBool(v.Exact), i(v.ErrorBound))
		}
	}
}

// vhostStatusEstimate describes the status by virtual host when it is an
// estimate.
func vhostStatusEstimate(m *Model) (string, Estimate, bool) {
	v := m.VhostStatus
	if v == nil || v.Exact || len(v.Rows) == 0 {
		return "", Estimate{}, false
	}
	const path = "vhost_status"
	return path, Estimate{Path: path, What: "Status by virtual host",
		Error: fmt.Sprintf("each count of a host may be overstated by up to %s; the lists kept their heaviest hosts past their capacity", fmtInt(v.ErrorBound))}, true
}

// writeTextExtras writes a line per panel of the extras that has data,
// after an empty line.
func writeTextExtras(out io.Writer, m *Model) {
	var b strings.Builder
	w := &b
	defer func() {
		if b.Len() > 0 {
			io.WriteString(out, "\n"+b.String())
		}
	}()
	v := Visible
	top := func(l TopList, n int) string {
		var parts []string
		for _, r := range l.Rows[:min(n, len(l.Rows))] {
			key := v(r.Key)
			if key == "" {
				key = "(empty)"
			}
			parts = append(parts, fmt.Sprintf("%s %s", key, fmtPct(r.Share)))
		}
		return strings.Join(parts, ", ")
	}
	if l := m.ReferringSites; l != nil && len(l.Rows) > 0 {
		fmt.Fprintf(w, "Referring sites: %s\n", top(*l, 3))
	}
	if s := m.Search; s != nil {
		if len(s.SiteSearch.Rows) > 0 {
			fmt.Fprintf(w, "Site search: %s requests; %s\n", fmtInt(s.SiteSearch.Total), top(s.SiteSearch, 3))
		}
		if s.Referrals > 0 {
			var parts []string
			for _, e := range s.Engines[:min(3, len(s.Engines))] {
				parts = append(parts, fmt.Sprintf("%s %s", e.Engine, fmtInt(e.Hits)))
			}
			fmt.Fprintf(w, "Search engines: %s referrals (%s), %s with a phrase\n", fmtInt(s.Referrals), strings.Join(parts, ", "), fmtInt(s.Phrases.Total))
		}
	}
	if c := m.Content; c != nil && c.Pages.Hits+c.Static.Hits > 0 {
		fmt.Fprintf(w, "Content: pages %s (%s), static %s (%s); types: %s\n", fmtInt(c.Pages.Hits), fmtPct(c.Pages.Share),
			fmtInt(c.Static.Hits), fmtPct(c.Static.Share), top(c.Types, 4))
	}
	if u := m.RemoteUsers; u != nil && u.Authenticated.Hits > 0 {
		fmt.Fprintf(w, "Remote users: %s authenticated requests (%s); %s\n", fmtInt(u.Authenticated.Hits), fmtPct(u.Authenticated.Share), top(u.Users, 3))
	}
	if vs := m.VhostStatus; vs != nil && len(vs.Rows) > 1 {
		var parts []string
		for _, r := range vs.Rows[:min(3, len(vs.Rows))] {
			parts = append(parts, fmt.Sprintf("%s 4xx %s 5xx %s", v(r.Host), fmtPct(r.Share4xx), fmtPct(r.Share5xx)))
		}
		fmt.Fprintf(w, "Status by virtual host: %s\n", strings.Join(parts, "; "))
	}
}
