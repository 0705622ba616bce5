package clickhouse

import (
	"bytes"
	"cmp"
	"context"
	"slices"
	"strconv"
	"time"

	"github.com/webalyze/webalyze/aggregate/geo"
	"github.com/webalyze/webalyze/report"
)

// DefaultGeoRows is how many distinct client fields the Countries and
// Networks panels look up when QueryOptions.GeoRows is 0: the busiest;
// the requests of the others are one "(others)" country row.
const DefaultGeoRows = 50000

// GeoFigures are the Countries and Networks panels' figures: the
// GeoRows busiest client fields of the window are read with their
// traffic, looked up in the databases (QueryOptions.Geo) with geo's
// Locator, as a local run does (the field trimmed of spaces, one longer
// than 64 bytes not an address), and folded per country and network;
// every row's visitors are counted by the server over its clients.
type GeoFigures struct {
	Databases          []geo.DBInfo
	HasCountry, HasASN bool
	// Countries by code; Local, NotIP and NotFound as geo's; Others the
	// requests of the clients past GeoRows, not looked up.
	Countries                       []GeoCountry
	Local, NotIP, NotFound, Others  GeoRow
	Networks                        []GeoNetwork // the TopN busiest
	NoASN                           GeoRow
	NetworksTotal, NetworksDistinct uint64 // the clients looked up
	Distinct, Located               uint64 // client fields: all, looked up
}

// GeoRow is one row's traffic.
type GeoRow struct{ Hits, Bytes, Err4xx, Err5xx, Visitors uint64 }

func (r *GeoRow) add(x *rawRow) {
	r.Hits += x.hits
	r.Bytes = addSat(r.Bytes, x.bytes, new(bool))
	r.Err4xx += x.err4x
	r.Err5xx += x.err5x
}

// GeoCountry is one country's row.
type GeoCountry struct {
	Code, Name string
	GeoRow
}

// GeoNetwork is one network's row.
type GeoNetwork struct {
	ASN uint32
	Org string
	GeoRow
}

// maxGeoHost is the longest client field geo looks up (its maxHost).
const maxGeoHost = 64

func (q *querier) geo(ctx context.Context, f *Figures) error {
	set := q.opts.Geo
	g := &GeoFigures{HasCountry: set.HasCountry(), HasASN: set.HasASN(),
		Databases: geo.NewAggregator(set, geo.Options{}).Databases()}
	f.Geo = g
	rows, total, distinct, err := q.rawRows(ctx, "clients of "+q.table, "client", "1", q.opts.GeoRows)
	if err != nil {
		return err
	}
	g.Distinct, g.Located = distinct, uint64(len(rows))
	loc := set.NewLocator(len(rows) + 1)
	countries := map[string]*GeoCountry{}
	networks := map[uint32]*GeoNetwork{}
	var groups []*GeoRow
	id := map[*GeoRow]int{}
	idOf := func(r *GeoRow) string {
		i, ok := id[r]
		if !ok {
			i = len(groups)
			id[r] = i
			groups = append(groups, r)
		}
		return strconv.Itoa(i)
	}
	tuples := make([]string, len(rows))
	var read uint64
	for i := range rows {
		x := &rows[i]
		read += x.hits
		host := bytes.TrimSpace([]byte(x.key))
		var l geo.Location
		if len(host) <= maxGeoHost {
			l = loc.Locate(host)
		} // else not an address: ClassUnknown
		row := &g.NotFound
		switch l.Class {
		case geo.ClassLocal:
			row = &g.Local
		case geo.ClassUnknown:
			row = &g.NotIP
		default:
			if c := l.Country.String(); len(c) == 2 && 'A' <= c[0] && c[0] <= 'Z' && 'A' <= c[1] && c[1] <= 'Z' {
				gc := countries[c]
				if gc == nil {
					name := geo.CountryName(c)
					if name == "" {
						name = l.CountryName.String()
					}
					gc = &GeoCountry{Code: c, Name: name}
					countries[c] = gc
				}
				row = &gc.GeoRow
			}
		}
		row.add(x)
		tuple := "[" + idOf(row)
		if g.HasASN {
			nrow := &g.NoASN
			if l.ASN != 0 {
				n := networks[l.ASN]
				if n == nil {
					n = &GeoNetwork{ASN: l.ASN, Org: l.Org.String()}
					networks[l.ASN] = n
				}
				nrow = &n.GeoRow
			}
			nrow.add(x)
			tuple += "," + idOf(nrow)
		}
		tuples[i] = tuple + "]"
	}
	g.Others = GeoRow{Hits: total - min(read, total)}
	if g.Others.Hits > 0 {
		// The rest of the bytes and errors: the window's less the read.
		var listed GeoRow
		for i := range rows {
			listed.add(&rows[i])
		}
		var e4, e5 uint64
		for _, c := range f.Codes {
			switch c.Code / 100 {
			case 4:
				e4 += c.Hits
			case 5:
				e5 += c.Hits
			}
		}
		g.Others.Bytes = f.Bytes - min(listed.Bytes, f.Bytes)
		g.Others.Err4xx, g.Others.Err5xx = e4-min(listed.Err4xx, e4), e5-min(listed.Err5xx, e5)
	}
	for _, c := range countries {
		g.Countries = append(g.Countries, *c)
	}
	var nets []*GeoNetwork
	for _, n := range networks {
		g.NetworksTotal += n.Hits
		nets = append(nets, n)
	}
	g.NetworksDistinct = uint64(len(nets))
	// As the State's list: by hits, then by the number's decimal key.
	slices.SortFunc(nets, func(x, y *GeoNetwork) int {
		return cmp.Or(cmp.Compare(y.Hits, x.Hits), cmp.Compare(strconv.FormatUint(uint64(x.ASN), 10), strconv.FormatUint(uint64(y.ASN), 10)))
	})
	if len(nets) > q.opts.TopN {
		nets = nets[:q.opts.TopN]
	}
	rest := "[" + idOf(&g.Others) + "]"
	vis, err := q.groupVisitors(ctx, "client visitors of "+q.table, "client", "1", rows, tuples, rest, q.opts.GeoRows, uint64(len(rows)) >= distinct)
	if err != nil {
		return err
	}
	for i, r := range groups {
		r.Visitors = vis[uint64(i)]
	}
	for i := range g.Countries {
		g.Countries[i].Visitors = countries[g.Countries[i].Code].Visitors
	}
	for _, n := range nets {
		g.Networks = append(g.Networks, *n)
	}
	slices.SortFunc(g.Countries, func(x, y GeoCountry) int { return cmp.Or(cmp.Compare(y.Hits, x.Hits), cmp.Compare(x.Code, y.Code)) })
	return nil
}

// input converts the geo figures into the report's, as report.NewInput
// reads a State's geo section. The clients past GeoRows are a country row
// named "(others)" (no code), and make the networks list inexact: they
// are in its total, and any network may lack up to that many requests.
func (g *GeoFigures) input() *report.GeoInput {
	row := func(r GeoRow) report.GeoRow {
		return report.GeoRow{Hits: clamp(r.Hits), Bytes: clamp(r.Bytes), Err4xx: clamp(r.Err4xx), Err5xx: clamp(r.Err5xx),
			Visitors: clamp(r.Visitors), VisitorsExact: true}
	}
	in := &report.GeoInput{HasCountry: g.HasCountry, HasNetworks: g.HasASN,
		Local: row(g.Local), NotIP: row(g.NotIP), NotFound: row(g.NotFound), NoASN: row(g.NoASN),
		NetworksTotal: clamp(g.NetworksTotal), NetworksDistinct: clamp(g.NetworksDistinct), NetworksExact: true}
	for _, d := range g.Databases {
		in.Databases = append(in.Databases, report.GeoDatabase{Type: d.Type, Description: d.Description,
			Built: d.BuildTime().Format(time.RFC3339), Countries: d.Country, Networks: d.ASN, IPFire: d.IPFire()})
	}
	for _, c := range g.Countries {
		r := row(c.GeoRow)
		r.Code, r.Name = c.Code, c.Name
		in.Countries = append(in.Countries, r)
	}
	if g.Others.Hits > 0 {
		r := row(g.Others)
		r.Name = report.OthersRow
		in.Countries = append(in.Countries, r)
		in.NetworksTotal += clamp(g.Others.Hits)
		in.NetworksExact, in.NetworksDistinct, in.NetworksErrorBound = false, 0, clamp(g.Others.Hits)
	}
	if g.HasASN {
		for _, n := range g.Networks {
			r := row(n.GeoRow)
			r.ASN, r.Org = int64(n.ASN), n.Org
			in.Networks = append(in.Networks, r)
		}
	}
	return in
}
