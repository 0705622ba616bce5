package report

import (
	"cmp"
	"maps"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/webalyze/webalyze/aggregate"
	"github.com/webalyze/webalyze/aggregate/sketch"
	"github.com/webalyze/webalyze/aggregate/status"
	visitsdim "github.com/webalyze/webalyze/aggregate/visits"
	"github.com/webalyze/webalyze/parser"
)

// Build builds the Model of an aggregate State: it converts st into an
// [Input] with [NewInput] and calls [BuildFrom]. When opts.Location is
// nil the report uses the State's zone (st.Location()), so the days and
// hours of the report are those of the run's --tz.
func Build(st *aggregate.State, opts BuildOptions) *Model {
	if opts.Location == nil {
		opts.Location = st.Location()
	}
	return BuildFrom(NewInput(st, opts), opts)
}

// NewInput converts st into the plain [Input] that [BuildFrom] reads.
// Counters wider than int64 are clamped to math.MaxInt64 (and the byte
// count is then marked saturated). Top lists keep opts.TopN rows (default
// 25) with their exactness and error bounds; the per-code drill-down
// lists are kept whole, so that the 5xx and client-aborted lists merged
// from them are as exact as their parts. Registry lookups come from the
// aggregate package: when every input has the same origin (all IIS, all
// nginx), a code with several meanings gets that origin's.
//
// Per-day visitors are filled in only when opts.Location is nil or is the
// State's zone: the State counts a visitor per day of its own zone.
func NewInput(st *aggregate.State, opts BuildOptions) *Input {
	sameZone := opts.Location == nil || opts.Location.String() == st.Location().String()
	opts.defaults()
	in := &Input{
		Lines: Lines{
			Read:      clamp(st.Lines.Read),
			Parsed:    clamp(st.Lines.Parsed),
			Malformed: clamp(st.Lines.Malformed),
			Skipped:   clamp(st.Lines.Skipped),
			Filtered:  clamp(st.Lines.Filtered),
		},
		MalformedReasons: reasons(st.MalformedReasons),
		SkippedReasons:   reasons(st.SkippedReasons),
		FilteredReasons:  filteredReasons(st.FilteredReasons),
		AgentPanels:      agentsInput(st),
		Bytes:            clamp(st.Bytes),
		NoBytes:          clamp(st.NoBytes),
		BytesSaturated:   st.BytesSaturated || st.Bytes > math.MaxInt64,
		Pages:            clamp(st.Pages),
		PageExtensions:   slices.Clone(st.Settings.PageExtensions),
		SiteHosts:        slices.Clone(st.Settings.SiteHosts),
		NoStatus:         clamp(st.NoStatus),
		Undated:          clamp(st.Undated),
		Formats:          maps.Clone(st.Formats),
		URLsByCode:       map[int]TopList{},
		ClientsByCode:    map[int]TopList{},
		Win32Text:        status.Win32Text,
	}

	in.Geo = geoInput(st, opts.TopN)
	in.GeoHint = in.Geo == nil

	if v, ok := st.Dimension(visitsdim.Section).(*visitsdim.Visits); ok {
		in.Visits = visitsInput(v, st.Location().String(), opts.TopN)
	}
	if st.Requests > st.Undated {
		in.First, in.Last = time.Unix(st.Earliest, 0).UTC(), time.Unix(st.Latest, 0).UTC()
	}

	// Unique counts.
	n, exact := st.TotalVisitors()
	in.Visitors = Count{N: clamp(n), Exact: exact}
	if !exact {
		rel := st.UndatedVisitors.RelativeError()
		for _, d := range st.Visitors {
			rel = max(rel, d.RelativeError())
		}
		in.Visitors.RelErr = rel
	}
	in.DistinctClients = Count{N: clamp(st.ClientAddrs.Count()), Exact: st.ClientAddrs.Exact(), RelErr: st.ClientAddrs.RelativeError()}
	if sameZone && len(st.Visitors) > 0 {
		in.DayVisitors = make(map[string]int64, len(st.Visitors))
		for day, d := range st.Visitors {
			// A day number counts calendar days of the State's zone
			// from 1970-01-01: as a UTC date it is that calendar day.
			in.DayVisitors[time.Unix(day*86400, 0).UTC().Format("2006-01-02")] = clamp(d.Count())
		}
	}

	// Status codes, IIS sub-status and win32 status.
	for code, hits := range st.Codes {
		if hits != 0 {
			if st.CodeBytes[code] > math.MaxInt64 {
				in.BytesSaturated = true
			}
			in.Codes = append(in.Codes, CodeCount{Code: code, Hits: clamp(hits), Bytes: clamp(st.CodeBytes[code])})
		}
	}
	for _, sc := range st.SubCodeList() {
		in.SubCodes = append(in.SubCodes, SubCount{Code: int(sc.Code), Sub: sc.Sub, Hits: clamp(sc.N)})
	}
	for _, w := range st.Win32().List() {
		in.Win32 = append(in.Win32, Win32Count{Status: w.Status, Hits: clamp(w.N)})
	}
	origin := originOf(st.Formats)
	in.Lookup = func(code int) StatusInfo {
		if code < 0 || code > 999 {
			return StatusInfo{}
		}
		s, ok := status.LookupFrom(uint16(code), origin)
		if !ok {
			return StatusInfo{Class: status.ClassOf(uint16(code))}
		}
		return StatusInfo{Reason: s.Reason, Class: s.Class, Source: s.Source, Cacheable: s.Cacheable, Known: true}
	}
	in.LookupSub = func(code int, sub uint32) string {
		if code < 0 || code > 999 {
			return ""
		}
		return status.SubMeaning(uint16(code), sub, origin)
	}

	// Top lists, while the minutes are converted: the two read st and
	// write different fields of in, and take about as long.
	tops := make(chan struct{})
	go func() {
		defer close(tops)
		top := opts.TopN
		in.URLs = topList(st.URLs, top)
		in.URLsQuery = topList(st.URLsQuery, top)
		in.Clients = topList(st.Clients, top)
		in.Referrers = topList(st.Referrers, top)
		in.Agents = topList(st.Agents, top)
		in.Methods = topList(st.Methods, top)
		in.Protocols = topList(st.Protocols, top)
		in.Vhosts = topList(st.VHosts, top)
		in.Extras = extrasOf(st, top)
		for code, d := range st.Drills {
			in.URLsByCode[int(code)] = topList(d.URLs, 0)
			in.ClientsByCode[int(code)] = topList(d.Clients, 0)
		}
	}()

	var saturated bool
	in.Minutes, in.SubMinutes, saturated = minutesOf(st)
	in.BytesSaturated = in.BytesSaturated || saturated
	<-tops

	// Request times.
	lat := func(scope string, l *sketch.Latency) {
		if l == nil || l.Count == 0 {
			return
		}
		in.Latency = append(in.Latency, latencyOf(scope, l))
	}
	times := st.Times()
	lat("all", &times.All)
	for ci := range times.Class {
		lat(status.ClassNames[ci], &times.Class[ci])
	}
	for _, code := range slices.Sorted(maps.Keys(times.Code)) {
		lat(codeKey(int(code)), times.Code[code])
	}
	lat("upstream", &times.Upstream)

	// Diagnostics.
	for _, r := range slices.Sorted(maps.Keys(st.Samples)) {
		for _, s := range st.Samples[r] {
			in.Samples = append(in.Samples, Sample{File: s.File, Line: s.Line, Offset: s.Offset, Column: s.Column,
				Field: s.Field, Reason: string(r), Detail: s.Detail, Text: s.Text, TextLen: s.TextLen})
		}
	}
	for _, fe := range st.FileErrors {
		in.FileErrors = append(in.FileErrors, FileError{File: fe.File, Error: fe.Err})
	}
	for _, fe := range st.EarlierErrors {
		e := FileError{File: fe.File, Error: fe.Err}
		if fe.At != 0 {
			e.At = time.Unix(fe.At, 0).UTC().Format(time.RFC3339)
		}
		in.EarlierFileErrors = append(in.EarlierFileErrors, e)
	}
	return in
}

// minutesOf converts the minute buckets of st, and their sub-statuses, in
// time order, and says whether a byte count saturated. A MinuteBucket counts codes; a Minute
// counts classes. The buckets are taken in time order (see
// minutesInOrder) and their codes share one array: a month has 43 200
// minutes.
func minutesOf(st *aggregate.State) ([]Minute, []SubMinute, bool) {
	var saturated bool
	var subs []SubMinute
	buckets, nCodes := minutesInOrder(st.Minutes)
	codes := make([]CodeN, 0, nCodes)
	out := make([]Minute, 0, len(buckets))
	for _, kb := range buckets {
		b := kb.b
		if b.Bytes > math.MaxInt64 {
			saturated = true
		}
		mi := Minute{Start: time.Unix(kb.key*60, 0).UTC(), Hits: clamp(b.Requests), Bytes: clamp(b.Bytes), Pages: clamp(b.Pages)}
		var withStatus uint64
		first := len(codes)
		for _, c := range b.Codes {
			codes = append(codes, CodeN{Code: int(c.Code), N: clamp(c.N)})
			withStatus += c.N
			mi.Classes.Add(classIndex(int(c.Code)), clamp(c.N))
			if isAborted(int(c.Code)) {
				mi.Aborted += clamp(c.N)
			}
		}
		if len(codes) > first {
			mi.Codes = codes[first:len(codes):len(codes)]
		}
		mi.NoStatus = clamp(b.Requests - min(withStatus, b.Requests))
		out = append(out, mi)
		for _, sc := range b.SubCodes {
			subs = append(subs, SubMinute{Start: mi.Start, Code: int(sc.Code), Sub: sc.Sub, N: clamp(sc.N)})
		}
	}
	return out, subs, saturated
}

// keyedBucket is a minute bucket and its minute number.
type keyedBucket struct {
	key int64
	b   *aggregate.MinuteBucket
}

// minutesInOrder returns the buckets of m by minute, and the number of
// codes they hold. A log's minutes are dense over its period, so when the
// period is not much longer than their number they are placed by minute
// in an array, in two passes over the map; otherwise (a few minutes years
// apart) they are sorted. Sorting 43 200 minutes was a sixth of Build.
func minutesInOrder(m map[int64]*aggregate.MinuteBucket) ([]keyedBucket, int) {
	out := make([]keyedBucket, 0, len(m))
	lo, hi, nCodes := int64(math.MaxInt64), int64(math.MinInt64), 0
	for key, b := range m {
		lo, hi = min(lo, key), max(hi, key)
		nCodes += len(b.Codes)
	}
	// The span as unsigned: hi-lo may not fit an int64.
	if span := uint64(hi) - uint64(lo); len(m) > 0 && span < 4*uint64(len(m))+1024 {
		dense := make([]*aggregate.MinuteBucket, span+1)
		for key, b := range m {
			dense[uint64(key)-uint64(lo)] = b
		}
		for i, b := range dense {
			if b != nil {
				out = append(out, keyedBucket{lo + int64(i), b})
			}
		}
		return out, nCodes
	}
	for key, b := range m {
		out = append(out, keyedBucket{key, b})
	}
	slices.SortFunc(out, func(a, b keyedBucket) int { return cmp.Compare(a.key, b.key) })
	return out, nCodes
}

// topList converts a top list, keeping its n heaviest keys (all when n ≤
// 0). An exact list knows how many keys it has; one past its capacity
// does not (Distinct 0), and its ErrorBound covers every row's error.
func topList(t *sketch.TopK, n int) TopList {
	if t == nil {
		return TopList{Exact: true}
	}
	l := TopList{Total: clamp(t.Total), Exact: t.Exact()}
	bound := t.ErrorBound()
	for i := range t.Entries {
		bound = max(bound, t.Entries[i].HitsErr)
	}
	if l.Exact {
		l.Distinct = int64(t.Len())
	} else {
		l.ErrorBound = clamp(bound)
	}
	for _, e := range t.Top(n) {
		row := TopRow{Key: e.Key, Hits: clamp(e.Hits), Bytes: clamp(e.Bytes),
			// The visitor count is an estimate past SmallExact visitors; it
			// can never exceed the records it was counted from.
			Visitors: clamp(min(e.Visitors.Count(), e.Hits-e.HitsErr)), VisitorsExact: e.Visitors.Exact(), Err: clamp(e.HitsErr)}
		if e.Latency != nil && e.Latency.Count > 0 {
			lat := latencyOf("", e.Latency)
			row.Latency = &lat
		}
		l.Rows = append(l.Rows, row)
	}
	return l
}

// latencyOf gives the percentiles of l in milliseconds.
func latencyOf(scope string, l *sketch.Latency) Latency {
	ms := func(us int64) float64 { return float64(us) / 1000 }
	return Latency{Scope: scope, Count: clamp(l.Count), P50: ms(l.P50()), P90: ms(l.P90()),
		P95: ms(l.Quantile(0.95)), P99: ms(l.P99()), Max: ms(l.Max), RelErr: l.Accuracy()}
}

// originOf returns the origin of the registry rows to prefer ("iis",
// "nginx") when every input has a format of that family, else "".
func originOf(formats map[string]string) string {
	origin := ""
	for _, f := range formats {
		fam, _, _ := strings.Cut(strings.ToLower(f), ":")
		switch fam {
		case "iis", "w3c":
			fam = "iis"
		case "nginx":
		default:
			return ""
		}
		if origin != "" && origin != fam {
			return ""
		}
		origin = fam
	}
	return origin
}

func reasons(m map[parser.Reason]uint64) map[string]int64 {
	out := make(map[string]int64, len(m))
	for r, n := range m {
		out[string(r)] = clamp(n)
	}
	return out
}

// clamp converts a count to int64, saturating at math.MaxInt64.
func clamp(n uint64) int64 {
	if n > math.MaxInt64 {
		return math.MaxInt64
	}
	return int64(n)
}
