package geo

import (
	"cmp"
	"slices"
	"strconv"
)

// Figures are the counts of one row as a report shows them.
type Figures struct {
	Hits, Bytes, Err4xx, Err5xx uint64
	// Visitors are visitor-days (see Row); exact when VisitorsExact,
	// otherwise within VisitorsRelErr (relative standard error).
	Visitors       uint64
	VisitorsExact  bool
	VisitorsRelErr float64
	// HitsErr bounds the overcount of Hits (networks past the list's
	// capacity); 0 when exact.
	HitsErr uint64
}

func (r *Row) figures() Figures {
	f := Figures{Hits: r.Hits, Bytes: r.Bytes, Err4xx: r.Err4xx, Err5xx: r.Err5xx, VisitorsExact: true}
	if r.Visitors != nil {
		f.Visitors, f.VisitorsExact, f.VisitorsRelErr = r.Visitors.Count(), r.Visitors.Exact(), r.Visitors.RelativeError()
	}
	return f
}

// Country is one country's row.
type Country struct {
	Code string // ISO 3166-1 alpha-2, as the database gives it
	Name string // English name (CLDR, else the database's)
	Figures
}

// Network is one autonomous system's row.
type Network struct {
	ASN uint32
	Org string // organisation, as the database names it
	Figures
}

// HasCountry and HasASN say which panels the aggregator counts.
func (a *Aggregator) HasCountry() bool { return a.hasCountry }
func (a *Aggregator) HasASN() bool     { return a.hasAS }

// Databases describes the databases counted with, newest first.
func (a *Aggregator) Databases() []DBInfo { return slices.Clone(a.dbs) }

// Countries returns every country with requests, most requests first
// (then by code).
func (a *Aggregator) Countries() []Country {
	a.flush()
	var out []Country
	for i, r := range a.countries {
		if r == nil {
			continue
		}
		code := indexCode(i)
		name := CountryName(code)
		if name == "" {
			name = a.names[i].String()
		}
		out = append(out, Country{Code: code, Name: name, Figures: r.figures()})
	}
	slices.SortFunc(out, func(x, y Country) int { return cmp.Or(-cmp.Compare(x.Hits, y.Hits), cmp.Compare(x.Code, y.Code)) })
	return out
}

// Local, NotIP and NotFound are the remainder of the countries: requests
// from local addresses (loopback, private, link-local), from client
// fields that are not addresses, and from addresses no database gives a
// country for. NoASN is the remainder of the networks.
func (a *Aggregator) Local() Figures    { a.flush(); return a.local.figures() }
func (a *Aggregator) NotIP() Figures    { a.flush(); return a.notIP.figures() }
func (a *Aggregator) NotFound() Figures { a.flush(); return a.notFound.figures() }
func (a *Aggregator) NoASN() Figures    { a.flush(); return a.noASN.figures() }

// NetworkList is the top of the networks.
type NetworkList struct {
	Rows []Network
	// Total is the requests with an AS number, listed or not (exact);
	// Distinct the networks listed when Exact.
	Total    uint64
	Distinct int
	// Exact says every count is exact; otherwise a count may be
	// overstated by up to ErrorBound (Space-Saving), 4xx and 5xx counts
	// included.
	Exact      bool
	ErrorBound uint64
}

// Networks returns the n networks with the most requests (all when n ≤ 0).
// Their visitors are the list's per-entry counters: exact up to
// sketch.SmallExact, then within about 6.5 %.
func (a *Aggregator) Networks(n int) NetworkList {
	a.flush()
	l := NetworkList{Total: a.asns.Total, Distinct: a.asns.Len(),
		Exact:      a.asns.Exact() && a.asn4xx.Exact() && a.asn5xx.Exact(),
		ErrorBound: max(a.asns.ErrorBound(), a.asn4xx.ErrorBound(), a.asn5xx.ErrorBound())}
	for _, e := range a.asns.Top(n) {
		asn, err := strconv.ParseUint(e.Key, 10, 32)
		if err != nil {
			continue // validated on decode; never from Add
		}
		nw := Network{ASN: uint32(asn), Org: a.orgs[uint32(asn)].String(), Figures: Figures{
			Hits: e.Hits, HitsErr: e.HitsErr, Bytes: e.Bytes,
			Visitors: e.Visitors.Count(), VisitorsExact: e.Visitors.Exact(), VisitorsRelErr: e.Visitors.RelativeError()}}
		if x := a.asn4xx.Get(e.Key); x != nil {
			nw.Err4xx = min(x.Hits, e.Hits)
		}
		if x := a.asn5xx.Get(e.Key); x != nil {
			nw.Err5xx = min(x.Hits, e.Hits)
		}
		l.Rows = append(l.Rows, nw)
	}
	return l
}
