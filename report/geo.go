package report

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/webalyze/webalyze/aggregate"
	"github.com/webalyze/webalyze/aggregate/geo"
)

// GeoInput is the geo part of an [Input]: what the countries and networks
// panels show, from the State's geo section (--geoip-db).
type GeoInput struct {
	Databases []GeoDatabase
	// Countries holds every country with requests; Local, NotIP and
	// NotFound the rest, so that all of them sum to the requests.
	Countries               []GeoRow
	Local, NotIP, NotFound  GeoRow
	HasCountry, HasNetworks bool
	// Networks is the top of the networks (AS numbers), cut to TopN;
	// NoASN the requests without one. NetworksTotal counts the requests
	// with one, listed or not.
	Networks           []GeoRow
	NoASN              GeoRow
	NetworksTotal      int64
	NetworksDistinct   int64
	NetworksExact      bool
	NetworksErrorBound int64
}

// GeoRow is one country, network or remainder row.
type GeoRow struct {
	Code string `json:"code,omitempty"` // ISO 3166-1 alpha-2
	Name string `json:"name,omitempty"` // the country's English name
	ASN  int64  `json:"asn,omitempty"`
	Org  string `json:"org,omitempty"` // the network's organisation
	Hits int64  `json:"requests"`
	// Share is of all requests; Share4xx and Share5xx of the row's.
	Share         float64 `json:"share"`
	Bytes         int64   `json:"bytes"`
	Visitors      int64   `json:"visitors"`
	VisitorsExact bool    `json:"visitors_exact"`
	Err4xx        int64   `json:"4xx"`
	Err5xx        int64   `json:"5xx"`
	Share4xx      float64 `json:"share_4xx"`
	Share5xx      float64 `json:"share_5xx"`
	// Err bounds the overcount of Hits (networks past their capacity).
	Err int64 `json:"err,omitempty"`
}

// GeoDatabase describes one database the figures were counted with.
type GeoDatabase struct {
	Type        string `json:"type"`
	Description string `json:"description"`
	Built       string `json:"built"` // RFC 3339, UTC
	Countries   bool   `json:"countries"`
	Networks    bool   `json:"networks"`
	// IPFire marks a database built by 'webalyze geoip build' from the
	// IPFire Location data (CC BY-SA 4.0): the report credits it.
	IPFire bool `json:"ipfire"`
}

// Geo is the Countries and Networks panels of a [Model].
type Geo struct {
	Databases []GeoDatabase `json:"databases"`
	// Countries is null when no database gives countries; Networks when
	// none gives AS numbers.
	Countries *GeoCountries `json:"countries"`
	Networks  *GeoNetworks  `json:"networks"`
}

// GeoCountries is every country with requests, most first, and the
// remainder: local addresses (loopback, private, link-local), client
// fields that are not addresses, and addresses the databases do not know.
// Rows and the remainder sum to the requests.
type GeoCountries struct {
	Rows     []GeoRow `json:"rows"`
	Local    GeoRow   `json:"local"`
	NotIP    GeoRow   `json:"not_ip"`
	NotFound GeoRow   `json:"not_found"`
}

// GeoNetworks is the top of the networks (AS number and organisation),
// and the requests with no AS number. When Exact is false the counts come
// from a bounded summary: each may be overstated by up to ErrorBound.
type GeoNetworks struct {
	Total      int64    `json:"total"` // requests with an AS number
	Distinct   int64    `json:"distinct"`
	Exact      bool     `json:"exact"`
	ErrorBound int64    `json:"error_bound"`
	Rows       []GeoRow `json:"rows"`
	None       GeoRow   `json:"none"`
}

// geoInput reads the State's geo section, nil when it has none.
func geoInput(st *aggregate.State, topN int) *GeoInput {
	a, ok := st.Dimension(geo.Section).(*geo.Aggregator)
	if !ok {
		return nil
	}
	row := func(f geo.Figures) GeoRow {
		return GeoRow{Hits: clamp(f.Hits), Bytes: clamp(f.Bytes), Err4xx: clamp(f.Err4xx), Err5xx: clamp(f.Err5xx),
			Visitors: clamp(f.Visitors), VisitorsExact: f.VisitorsExact, Err: clamp(f.HitsErr)}
	}
	in := &GeoInput{HasCountry: a.HasCountry(), HasNetworks: a.HasASN(),
		Local: row(a.Local()), NotIP: row(a.NotIP()), NotFound: row(a.NotFound()), NoASN: row(a.NoASN())}
	for _, d := range a.Databases() {
		in.Databases = append(in.Databases, GeoDatabase{Type: d.Type, Description: d.Description,
			Built: d.BuildTime().Format(time.RFC3339), Countries: d.Country, Networks: d.ASN, IPFire: d.IPFire()})
	}
	for _, c := range a.Countries() {
		r := row(c.Figures)
		r.Code, r.Name = c.Code, c.Name
		in.Countries = append(in.Countries, r)
	}
	if in.HasNetworks {
		l := a.Networks(topN)
		in.NetworksTotal, in.NetworksDistinct = clamp(l.Total), int64(l.Distinct)
		in.NetworksExact, in.NetworksErrorBound = l.Exact, clamp(l.ErrorBound)
		for _, n := range l.Rows {
			r := row(n.Figures)
			r.ASN, r.Org = int64(n.ASN), n.Org
			in.Networks = append(in.Networks, r)
		}
	}
	return in
}

// buildGeo makes the Model's panels from in; requests is the Model's
// total, of which shares are taken.
func buildGeo(in *GeoInput, requests int64, topN int) *Geo {
	if in == nil {
		return nil
	}
	g := &Geo{Databases: slices.Clone(in.Databases)}
	fill := func(r GeoRow) GeoRow {
		r.Share = share(r.Hits, requests)
		r.Share4xx, r.Share5xx = share(r.Err4xx, r.Hits), share(r.Err5xx, r.Hits)
		return r
	}
	if in.HasCountry {
		c := &GeoCountries{Local: fill(in.Local), NotIP: fill(in.NotIP), NotFound: fill(in.NotFound)}
		for _, r := range in.Countries {
			c.Rows = append(c.Rows, fill(r))
		}
		slices.SortStableFunc(c.Rows, func(a, b GeoRow) int { return cmp.Or(-cmp.Compare(a.Hits, b.Hits), cmp.Compare(a.Code, b.Code)) })
		g.Countries = c
	}
	if in.HasNetworks {
		n := &GeoNetworks{Total: in.NetworksTotal, Distinct: in.NetworksDistinct, Exact: in.NetworksExact,
			ErrorBound: in.NetworksErrorBound, None: fill(in.NoASN)}
		for _, r := range in.Networks {
			n.Rows = append(n.Rows, fill(r))
		}
		slices.SortStableFunc(n.Rows, func(a, b GeoRow) int { return cmp.Or(-cmp.Compare(a.Hits, b.Hits), cmp.Compare(a.ASN, b.ASN)) })
		if len(n.Rows) > topN {
			n.Rows = n.Rows[:topN]
		}
		g.Networks = n
	}
	return g
}

// GeoHint is the line a report shows in place of the Countries panel when
// no --geoip-db was given.
const GeoHint = "Countries: run with --geoip-db FILE.mmdb (GeoLite2, DB-IP Lite or IPinfo Lite; on Debian: apt-get install tor-geoipdb, then webalyze geoip build -o countries.mmdb) to see where requests come from."

// geoText is the one line of the text summary: the top countries and the
// remainder, or the hint.
func geoText(m *Model) string {
	if m.Geo == nil {
		if m.GeoHint {
			return GeoHint
		}
		return ""
	}
	var parts []string
	if c := m.Geo.Countries; c != nil {
		for i, r := range c.Rows {
			if i == 8 {
				parts = append(parts, fmt.Sprintf("%d more", len(c.Rows)-i))
				break
			}
			parts = append(parts, Visible(r.Code)+" "+fmtPct(r.Share))
		}
		for _, x := range []struct {
			name string
			r    GeoRow
		}{{"local", c.Local}, {"not an address", c.NotIP}, {"not in the database", c.NotFound}} {
			if x.r.Hits > 0 {
				parts = append(parts, x.name+" "+fmtPct(x.r.Share))
			}
		}
		if len(parts) == 0 {
			parts = append(parts, "no requests")
		}
		return "Countries\t" + strings.Join(parts, ", ")
	}
	for i, r := range m.Geo.Networks.Rows {
		if i == 5 {
			break
		}
		parts = append(parts, "AS"+strconv.FormatInt(r.ASN, 10)+" "+fmtPct(r.Share))
	}
	return "Networks\t" + strings.Join(append(parts, "no AS number "+fmtPct(m.Geo.Networks.None.Share)), ", ")
}

// geoCSV adds the geo tables: countries (with the remainder rows, code
// "local", "not_ip", "not_found"), networks (with "none") and the
// databases. They are empty without a geo database.
func geoCSV(m *Model, table func(string, ...string), row func(...string)) {
	i := func(n int64) string { return strconv.FormatInt(n, 10) }
	f := func(x float64) string { return strconv.FormatFloat(x, 'f', 6, 64) }
	b := strconv.FormatBool
	cols := []string{"requests", "share", "bytes", "visitors", "visitors_exact", "4xx", "5xx", "share_4xx", "share_5xx"}
	figs := func(r GeoRow) []string {
		return []string{i(r.Hits), f(r.Share), i(r.Bytes), i(r.Visitors), b(r.VisitorsExact), i(r.Err4xx), i(r.Err5xx), f(r.Share4xx), f(r.Share5xx)}
	}
	var g Geo
	if m.Geo != nil {
		g = *m.Geo
	}
	table("countries", append([]string{"code", "name"}, cols...)...)
	if c := g.Countries; c != nil {
		for _, r := range c.Rows {
			row(append([]string{r.Code, r.Name}, figs(r)...)...)
		}
		row(append([]string{"local", "Local addresses"}, figs(c.Local)...)...)
		row(append([]string{"not_ip", "Not an IP address"}, figs(c.NotIP)...)...)
		row(append([]string{"not_found", "Not in the database"}, figs(c.NotFound)...)...)
	}
	table("networks", append([]string{"asn", "org"}, append(cols, "err", "exact")...)...)
	if n := g.Networks; n != nil {
		for _, r := range n.Rows {
			row(append(append([]string{i(r.ASN), r.Org}, figs(r)...), i(r.Err), b(n.Exact))...)
		}
		row(append(append([]string{"none", "No AS number"}, figs(n.None)...), "0", "true")...)
	}
	table("geo_databases", "type", "description", "built", "countries", "networks", "ipfire")
	for _, d := range g.Databases {
		row(d.Type, d.Description, d.Built, b(d.Countries), b(d.Networks), b(d.IPFire))
	}
}

func init() {
	funcs["flag"] = flagEmoji
	funcs["geoFirst"] = func(rows []GeoRow) []GeoRow { return rows[:min(len(rows), geoFold)] }
	funcs["geoRest"] = func(rows []GeoRow) []GeoRow { return rows[min(len(rows), geoFold):] }
	funcs["geoRows"] = func(rows []GeoRow, bytes, networks bool) geoRowsView { return geoRowsView{rows, bytes, networks} }
	funcs["bar"] = func(share float64) string { return strconv.FormatFloat(max(0, min(share, 1))*100, 'f', 1, 64) }
	funcs["date"] = func(rfc string) string { return strings.SplitN(rfc, "T", 2)[0] }
}

// geoFold is the number of rows a geo table shows before the rest is
// folded under a <details>.
const geoFold = 12

// geoTitle is the panel's title: "Countries", or "Networks (ASN)" when
// the databases give networks only.
func geoTitle(g *Geo) string {
	if g.Countries == nil {
		return "Networks (ASN)"
	}
	return "Countries"
}

// flagEmoji returns the flag of a two-letter country code as the pair of
// Unicode regional indicators (no image); "" for anything else.
func flagEmoji(code string) string {
	if len(code) != 2 || code[0] < 'A' || code[0] > 'Z' || code[1] < 'A' || code[1] > 'Z' {
		return ""
	}
	return string([]rune{0x1F1E6 + rune(code[0]-'A'), 0x1F1E6 + rune(code[1]-'A')})
}

// geoRowsView is what the "georows" template renders: rows of a geo
// table, whether to show bytes, and whether they are networks.
type geoRowsView struct {
	Rows     []GeoRow
	Bytes    bool
	Networks bool
}

func init() {
	funcs["geoHint"] = func() string { return GeoHint }
	// remainder and noASN name the rows that are not a country or a
	// network, for the tables' last rows.
	funcs["remainder"] = func(c *GeoCountries) []GeoRow {
		l, n, f := c.Local, c.NotIP, c.NotFound
		l.Name, n.Name, f.Name = "Local addresses", "Not an IP address", "Not in the database"
		return []GeoRow{l, n, f}
	}
	funcs["noASN"] = func(n *GeoNetworks) []GeoRow {
		r := n.None
		r.Name = "No AS number"
		return []GeoRow{r}
	}
}
