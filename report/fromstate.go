package report

import (
	"slices"
	"time"

	"github.com/webalyze/webalyze/aggregate"
)

// Build builds the Model of an aggregated State: it converts the State into
// an [Input] (see [InputFrom]) and calls [BuildFrom]. Days and hours are in
// opts.Location, or the State's zone when nil. Daily unique visitors (same
// client, user agent and day, as GoAccess counts them) are filled in the
// day and month buckets.
func Build(st *aggregate.State, opts BuildOptions) *Model {
	if opts.Location == nil {
		opts.Location = st.Location()
	}
	opts.defaults()
	m := BuildFrom(InputFrom(st, opts.TopN), opts)
	for i := range m.Months {
		mo := &m.Months[i]
		mo.Total.Visitors = 0
		for j := range mo.Days {
			d := &mo.Days[j]
			t, err := time.Parse("2006-01-02", d.Label)
			if err != nil {
				continue
			}
			if v := st.Visitors[t.Unix()/86400]; v != nil {
				d.Visitors = int64(v.Count())
				mo.Total.Visitors += d.Visitors
			}
		}
	}
	m.DistinctClients = Count{N: int64(st.ClientAddrs.Count()), Exact: st.ClientAddrs.Exact(), RelErr: st.ClientAddrs.RelativeError()}
	m.BytesSaturated = st.BytesSaturated
	return m
}

// InputFrom converts st into the plain Input of [BuildFrom]. Top lists
// keep top rows each (drill-down lists four times as many, so that lists
// merged from several codes stay right).
func InputFrom(st *aggregate.State, top int) *Input {
	if top <= 0 {
		top = 25
	}
	in := &Input{
		Lines: Lines{Read: i64(st.Lines.Read), Parsed: i64(st.Lines.Parsed), Malformed: i64(st.Lines.Malformed),
			Skipped: i64(st.Lines.Skipped), Filtered: i64(st.Lines.Filtered)},
		MalformedReasons: map[string]int64{},
		Bytes:            i64(st.Bytes),
		Pages:            i64(st.Pages),
		NoStatus:         i64(st.NoStatus),
		Formats:          map[string]string{},
		URLsByCode:       map[int]TopList{},
		ClientsByCode:    map[int]TopList{},
	}
	for r, n := range st.MalformedReasons {
		in.MalformedReasons[string(r)] = i64(n)
	}
	for f, name := range st.Formats {
		in.Formats[f] = name
	}
	n, exact := st.TotalVisitors()
	in.Visitors = Count{N: i64(n), Exact: exact}
	if !exact {
		in.Visitors.RelErr = st.ClientAddrs.RelativeError()
	}

	for code, hits := range st.Codes {
		if hits > 0 {
			in.Codes = append(in.Codes, CodeCount{Code: code, Hits: i64(hits), Bytes: i64(st.CodeBytes[code])})
		}
	}
	for _, sc := range st.SubCodeList() {
		in.SubCodes = append(in.SubCodes, SubCount{Code: int(sc.Code), Sub: sc.Sub, Hits: i64(sc.N)})
	}
	for status, hits := range st.Win32 {
		in.Win32 = append(in.Win32, Win32Count{Status: status, Hits: i64(hits)})
	}

	for minute, b := range st.Minutes {
		mi := Minute{Start: time.Unix(minute*60, 0).UTC(), Hits: i64(b.Requests), Bytes: i64(b.Bytes), Pages: i64(b.Pages)}
		if len(b.Codes) > 0 {
			mi.Codes = make(map[int]int64, len(b.Codes))
		}
		for _, c := range b.Codes {
			mi.Codes[int(c.Code)] += i64(c.N)
			mi.Classes.Add(classIndex(int(c.Code)), i64(c.N))
			if isAborted(int(c.Code)) {
				mi.Aborted += i64(c.N)
			}
		}
		in.Minutes = append(in.Minutes, mi)
	}
	slices.SortFunc(in.Minutes, func(a, b Minute) int { return a.Start.Compare(b.Start) })

	in.URLs = topList(st.URLs, top)
	in.URLsQuery = topList(st.URLsQuery, top)
	in.Clients = topList(st.Clients, top)
	in.Referrers = topList(st.Referrers, top)
	in.Agents = topList(st.Agents, top)
	in.Methods = topList(st.Methods, top)
	in.Protocols = topList(st.Protocols, top)
	in.Vhosts = topList(st.VHosts, top)
	for code, d := range st.Drills {
		in.URLsByCode[int(code)] = topList(d.URLs, 4*top)
		in.ClientsByCode[int(code)] = topList(d.Clients, 4*top)
	}

	in.Latency = latencyRows(st)
	for reason, list := range st.Samples {
		for _, s := range list {
			in.Samples = append(in.Samples, Sample{File: s.File, Line: s.Line, Offset: s.Offset, Column: s.Column,
				Field: s.Field, Reason: string(reason), Detail: s.Detail, Text: s.Text})
		}
	}
	for _, fe := range st.FileErrors {
		in.FileErrors = append(in.FileErrors, FileError{File: fe.File, Error: fe.Err})
	}

	origin := ""
	for _, f := range st.Formats {
		if f != "iis" {
			origin = ""
			break
		}
		origin = "iis"
	}
	in.Lookup = func(code int) StatusInfo {
		s, ok := aggregate.LookupFrom(uint16(code), origin)
		if !ok {
			return StatusInfo{Class: ClassNames[classIndex(code)]}
		}
		return StatusInfo{Reason: s.Reason, Class: s.Class, Source: s.Source, Cacheable: s.Cacheable, Known: true}
	}
	in.LookupSub = func(code int, sub uint32) string {
		s, _ := aggregate.LookupSub(uint16(code), sub)
		return s.Reason
	}
	in.Win32Text = aggregate.Win32Meaning
	return in
}

// topList converts the n heaviest entries of t.
func topList(t *aggregate.TopK, n int) TopList {
	l := TopList{Total: i64(t.Total), Distinct: int64(t.Len()), Exact: t.Exact(), ErrorBound: i64(t.ErrorBound())}
	for _, e := range t.Top(n) {
		row := TopRow{Key: e.Key, Hits: i64(e.Hits), Bytes: i64(e.Bytes), Visitors: i64(e.Visitors.Count()), Err: i64(e.HitsErr)}
		if e.Latency != nil && e.Latency.Count > 0 {
			lat := latencyRow("", e.Latency)
			row.Latency = &lat
		}
		l.Rows = append(l.Rows, row)
	}
	return l
}

// latencyRow gives the percentiles of l in milliseconds.
func latencyRow(scope string, l *aggregate.Latency) Latency {
	ms := func(us int64) float64 { return float64(us) / 1000 }
	return Latency{Scope: scope, Count: i64(l.Count), P50: ms(l.Quantile(0.5)), P90: ms(l.Quantile(0.9)),
		P95: ms(l.Quantile(0.95)), P99: ms(l.Quantile(0.99)), Max: ms(l.Max), RelErr: aggregate.LatencyAccuracy}
}

// latencyRows gives the request-time percentiles: overall, per class, per
// code (the codes with timings) and of the upstream.
func latencyRows(st *aggregate.State) []Latency {
	var out []Latency
	add := func(scope string, l *aggregate.Latency) {
		if l == nil || l.Count == 0 {
			return
		}
		out = append(out, latencyRow(scope, l))
	}
	add("all requests", &st.Latency)
	for ci := range st.ClassLatency {
		add(aggregate.ClassNames[ci], &st.ClassLatency[ci])
	}
	codes := make([]int, 0, len(st.CodeLatency))
	for c := range st.CodeLatency {
		codes = append(codes, int(c))
	}
	slices.Sort(codes)
	for _, c := range codes {
		add(codeKey(c), st.CodeLatency[uint16(c)])
	}
	add("upstream", &st.Upstream)
	return out
}

// i64 converts a count; counts beyond int64 (never seen in practice)
// saturate rather than turn negative.
func i64(n uint64) int64 {
	if n > 1<<63-1 {
		return 1<<63 - 1
	}
	return int64(n)
}
