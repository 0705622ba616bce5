package clickhouse

import (
	"math"
	"slices"
	"time"

	"github.com/webalyze/webalyze/aggregate/agents"
	"github.com/webalyze/webalyze/aggregate/status"
	"github.com/webalyze/webalyze/report"
)

// Input converts the Figures into the [report.Input] that
// report.BuildFrom reads, as report.NewInput converts a State. The table
// holds parsed requests only, so Lines counts them as read and parsed:
// the malformed, skipped and filtered lines of a load are its own
// account. Per-minute sub-statuses (SubMinutes) are filled, for windowed
// code.sub thresholds. Formats are not stored, so registry lookups use each code's
// general meaning and IIS sub-status meanings. Drill-down lists cut at
// QueryOptions.DrillRows are marked inexact, with the last row's hits as
// the bound of a key left out. Latency quantiles carry their RelErr (0
// when exact).
func (f *Figures) Input() *report.Input {
	in := &report.Input{
		Lines:            report.Lines{Read: clamp(f.Requests), Parsed: clamp(f.Requests)},
		MalformedReasons: map[string]int64{},
		SkippedReasons:   map[string]int64{},
		FilteredReasons:  map[string]int64{},
		Bytes:            clamp(f.Bytes),
		NoBytes:          clamp(f.NoBytes),
		BytesSaturated:   f.BytesSaturated || f.Bytes > math.MaxInt64,
		Visitors:         report.Count{N: clamp(f.Visitors), Exact: true},
		DistinctClients:  report.Count{N: clamp(f.DistinctClients), Exact: true},
		Pages:            clamp(f.Pages),
		PageExtensions:   slices.Clone(f.PageExtensions),
		NoStatus:         clamp(f.NoStatus),
		Undated:          clamp(f.Undated),
		Formats:          map[string]string{},
		URLsByCode:       map[int]report.TopList{},
		ClientsByCode:    map[int]report.TopList{},
		Win32Text:        status.Win32Text,
	}
	if f.Requests > f.Undated {
		in.First, in.Last = time.Unix(f.Earliest, 0).UTC(), time.Unix(f.Latest, 0).UTC()
	}
	if len(f.DayVisitors) > 0 {
		in.DayVisitors = make(map[string]int64, len(f.DayVisitors))
		for day, n := range f.DayVisitors {
			in.DayVisitors[time.Unix(day*86400, 0).UTC().Format("2006-01-02")] = clamp(n)
		}
	}
	for _, c := range f.Codes {
		in.Codes = append(in.Codes, report.CodeCount{Code: int(c.Code), Hits: clamp(c.Hits), Bytes: clamp(c.Bytes)})
		in.BytesSaturated = in.BytesSaturated || c.Bytes > math.MaxInt64
	}
	for _, s := range f.SubCodes {
		in.SubCodes = append(in.SubCodes, report.SubCount{Code: int(s.Code), Sub: s.Sub, Hits: clamp(s.Hits)})
	}
	for _, w := range f.Win32 {
		in.Win32 = append(in.Win32, report.Win32Count{Status: w.Status, Hits: clamp(w.Hits)})
	}
	in.Lookup = func(code int) report.StatusInfo {
		if code < 0 || code > 999 {
			return report.StatusInfo{}
		}
		s, ok := status.Lookup(uint16(code))
		if !ok {
			return report.StatusInfo{Class: status.ClassOf(uint16(code))}
		}
		return report.StatusInfo{Reason: s.Reason, Class: s.Class, Source: s.Source, Cacheable: s.Cacheable, Known: true}
	}
	in.LookupSub = func(code int, sub uint32) string {
		if code < 0 || code > 999 {
			return ""
		}
		return status.SubMeaning(uint16(code), sub, "")
	}

	in.Minutes = make([]report.Minute, 0, len(f.Minutes))
	for _, m := range f.Minutes {
		mi := report.Minute{Start: time.Unix(m.Minute*60, 0).UTC(), Hits: clamp(m.Requests), Bytes: clamp(m.Bytes),
			Pages: clamp(m.Pages), NoStatus: clamp(m.NoStatus)}
		in.BytesSaturated = in.BytesSaturated || m.Bytes > math.MaxInt64
		for _, c := range m.Codes {
			mi.Codes = append(mi.Codes, report.CodeN{Code: int(c.Code), N: clamp(c.N)})
			mi.Classes.Add(status.ClassIndex(c.Code), clamp(c.N))
			if status.IsClientAborted(c.Code) {
				mi.Aborted += clamp(c.N)
			}
		}
		in.Minutes = append(in.Minutes, mi)
	}

	for _, s := range f.SubMinutes {
		in.SubMinutes = append(in.SubMinutes, report.SubMinute{Start: time.Unix(s.Minute*60, 0).UTC(), Code: int(s.Code), Sub: s.Sub, N: clamp(s.N)})
	}

	in.URLs = topList(f.URLs)
	in.URLsQuery = topList(f.URLsQuery)
	in.Clients = topList(f.Clients)
	in.Referrers = topList(f.Referrers)
	in.Agents = topList(f.Agents)
	in.Methods = topList(f.Methods)
	in.Protocols = topList(f.Protocols)
	in.Vhosts = topList(f.VHosts)
	for code, d := range f.Drills {
		in.URLsByCode[int(code)] = drillList(d.URLs)
		in.ClientsByCode[int(code)] = drillList(d.Clients)
	}
	for _, l := range f.Latency {
		in.Latency = append(in.Latency, latencyOf(l))
	}
	if f.Geo != nil {
		in.Geo = f.Geo.input()
	}
	if f.Extras != nil {
		in.Extras = f.Extras.input()
	}
	if f.AgentPanels != nil {
		in.AgentPanels = f.AgentPanels.input()
	}
	if f.Visits != nil {
		in.Visits = f.Visits.input()
	}
	if f.Bots > 0 {
		// --exclude-bots: the bots' rows were read and left out.
		in.Lines.Read = clamp(f.Requests + f.Bots)
		in.Lines.Filtered = clamp(f.Bots)
		in.FilteredReasons = map[string]int64{agents.FilterReason: clamp(f.Bots)}
	}
	return in
}

// topList converts a top list: cut at TopN, it is still exact (its rows,
// Total and Distinct are), as the State's lists are below their capacity.
func topList(t TopList) report.TopList {
	l := report.TopList{Total: clamp(t.Total), Distinct: clamp(t.Distinct), Exact: true}
	for _, r := range t.Rows {
		row := report.TopRow{Key: r.Key, Hits: clamp(r.Hits), Bytes: clamp(r.Bytes), Visitors: clamp(r.Visitors), VisitorsExact: true}
		if r.Latency != nil {
			lat := latencyOf(*r.Latency)
			row.Latency = &lat
		}
		l.Rows = append(l.Rows, row)
	}
	return l
}

// drillList converts a drill-down list. The report merges these lists
// (the 5xx URLs), so one cut at DrillRows is marked inexact, a key left
// out having at most the last row's hits.
func drillList(t TopList) report.TopList {
	l := topList(t)
	if n := len(t.Rows); uint64(n) < t.Distinct {
		l.Exact = false
		l.Distinct = 0
		l.ErrorBound = clamp(t.Rows[n-1].Hits)
	}
	return l
}

func latencyOf(l Latency) report.Latency {
	ms := func(us int64) float64 { return float64(us) / 1000 }
	return report.Latency{Scope: l.Scope, Count: clamp(l.Count), P50: ms(l.Quantiles[0]), P90: ms(l.Quantiles[1]),
		P95: ms(l.Quantiles[2]), P99: ms(l.Quantiles[3]), Max: ms(l.Max), RelErr: l.RelErr}
}

func clamp(n uint64) int64 {
	if n > math.MaxInt64 {
		return math.MaxInt64
	}
	return int64(n)
}
