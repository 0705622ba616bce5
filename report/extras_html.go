package report

import "fmt"

func init() {
	funcs["extras"] = newExtrasView
}

// xtopView is a top list of the extras as the "xtop" template renders it:
// a topView whose empty key reads Empty, with a share bar per row.
type xtopView struct {
	topView
	Empty string
}

func newXTop(id, caption, keyName, empty string, l TopList) *xtopView {
	if len(l.Rows) == 0 {
		return nil
	}
	return &xtopView{topView: newTopView(id, caption, keyName, l, false), Empty: empty}
}

// extrasView is what the "extras" template renders: the panels with data,
// and a line for each counted panel that has none, saying why.
type extrasView struct {
	Sites, SiteSearch, Phrases, Types, Users *xtopView
	Engines                                  []EngineRow
	Referrals                                int64
	Content                                  *Content
	RemoteUsers                              *RemoteUsers
	Vhosts                                   *VhostStatus
	VhostFirst, VhostRest                    []VhostStatusRow
	SiteHosts                                []string
	// Absent says, a line each, why a counted panel is not shown.
	Absent []string
}

func newExtrasView(m *Model) *extrasView {
	v := &extrasView{SiteHosts: m.SiteHosts}
	absent := func(format string, args ...any) { v.Absent = append(v.Absent, fmt.Sprintf(format, args...)) }
	if l := m.ReferringSites; l != nil {
		if v.Sites = newXTop("top-referring-sites", "Referring sites", "Site", "(no host)", *l); v.Sites == nil {
			absent("Referring sites: none, no request came with a referrer from another site.")
		}
	}
	if s := m.Search; s != nil {
		if v.SiteSearch = newXTop("top-site-search", "Site search terms", "Term", "(empty)", s.SiteSearch); v.SiteSearch == nil {
			absent("Site search: none, no request has a q, s, search or query parameter with a value.")
		}
		v.Engines, v.Referrals = s.Engines, s.Referrals
		v.Phrases = newXTop("top-search-phrases", "Search phrases", "Phrase", "(empty)", s.Phrases)
		switch {
		case v.Phrases != nil:
		case s.Referrals > 0:
			absent("Search phrases: none, the %s referrals from search engines carry no phrase (most engines no longer send it).", fmtInt(s.Referrals))
		default:
			absent("Search phrases: none, no request came from a search engine.")
		}
	}
	if c := m.Content; c != nil {
		if c.Pages.Hits+c.Static.Hits > 0 {
			v.Content = c
			v.Types = newXTop("top-content-types", "Content types (by extension)", "Extension", "(empty)", c.Types)
		} else {
			absent("Static files and pages: no request parsed.")
		}
	}
	if u := m.RemoteUsers; u != nil {
		if u.Authenticated.Hits > 0 {
			v.RemoteUsers = u
			v.Users = newXTop("top-remote-users", "Remote users", "User", "(empty)", u.Users)
		} else {
			absent("Remote users: none, no request carries an authenticated user name (%%u, $remote_user, cs-username).")
		}
	}
	if vs := m.VhostStatus; vs != nil {
		if len(vs.Rows) > 0 {
			v.Vhosts = vs
			v.VhostFirst = vs.Rows
			if len(vs.Rows) > topVisible+2 {
				v.VhostFirst, v.VhostRest = vs.Rows[:topVisible], vs.Rows[topVisible:]
			}
		} else {
			absent("Status by virtual host: none, the log names no virtual host (%%v, $host, cs-host).")
		}
	}
	return v
}

// extrasNav are the navigation entries of the extras' sections.
func extrasNav(m *Model) []navItem {
	v := newExtrasView(m)
	var out []navItem
	if v.Sites != nil {
		out = append(out, navItem{"referring-sites", "Referring sites"})
	}
	if v.SiteSearch != nil || v.Phrases != nil || v.Referrals > 0 {
		out = append(out, navItem{"search", "Search"})
	}
	if v.Content != nil {
		out = append(out, navItem{"content", "Static files and pages"})
	}
	if v.RemoteUsers != nil {
		out = append(out, navItem{"remote-users", "Remote users"})
	}
	if v.Vhosts != nil {
		out = append(out, navItem{"vhost-status", "Status by virtual host"})
	}
	return out
}

// xtopRows are rows of an extras top list to render, the first of rank
// Offset+1.
type xtopRows struct {
	V      *xtopView
	Rows   []TopRow
	Offset int
}

func init() {
	funcs["xrows"] = func(v *xtopView, rows []TopRow, offset int) xtopRows {
		return xtopRows{V: v, Rows: rows, Offset: offset}
	}
}
