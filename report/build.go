package report

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/webalyze/webalyze/aggregate/status"
)

// StatusInfo is a status registry entry, as the aggregate package's
// registry gives it.
type StatusInfo struct {
	Reason    string
	Class     string // "2xx"; "0xx" for 000, "non-standard" for 001–099 and 600–999
	Source    string
	Cacheable bool
	Known     bool
}

// CodeCount is the traffic of one status code (0–999).
type CodeCount struct {
	Code  int
	Hits  int64
	Bytes int64
}

// SubCount is the traffic of one IIS sub-status, such as 404.2.
type SubCount struct {
	Code int
	Sub  uint32
	Hits int64
}

// SubMinute is the count of one IIS sub-status in one minute.
type SubMinute struct {
	Start time.Time
	Code  int
	Sub   uint32
	N     int64
}

// Win32Count is the traffic of one IIS sc-win32-status value.
type Win32Count struct {
	Status uint32
	Hits   int64
}

// Input is everything [BuildFrom] needs, in plain form. It is the contract
// between an aggregate State and the report: the State is converted into
// an Input, and the report never sees the State itself.
// Top lists carry Key, Hits, Bytes, Visitors and Err per row and Total,
// Distinct, Exact and ErrorBound per list; BuildFrom computes shares and
// cuts them to BuildOptions.TopN rows.
type Input struct {
	Lines            Lines
	MalformedReasons map[string]int64
	SkippedReasons   map[string]int64
	// FilteredReasons counts the lines a filter left out, per reason
	// ("bot": --exclude-bots); the rest of Lines.Filtered is the time
	// window's.
	FilteredReasons map[string]int64
	Bytes           int64
	BytesSaturated  bool
	// NoBytes counts requests without a logged size.
	NoBytes         int64
	Visitors        Count
	DistinctClients Count
	Pages           int64
	// PageExtensions are the extensions that make a request a page;
	// SiteHosts the site's own hosts (--site).
	PageExtensions, SiteHosts []string
	// First and Last are the times of the first and last dated requests
	// (zero when there are none).
	First, Last time.Time

	Codes []CodeCount
	// NoStatus counts requests without a status; Requests is the sum of
	// Codes plus NoStatus.
	NoStatus int64
	SubCodes []SubCount
	Win32    []Win32Count

	// Minutes holds per-minute counts; every time series is derived
	// from them. Undated counts the requests in no minute (no time).
	Minutes []Minute
	Undated int64
	// SubMinutes counts the IIS sub-statuses (404.2) per minute, in time
	// order, for the minutes that have any (`webalyze check --window`
	// reads them; nginx and Apache logs have none).
	SubMinutes []SubMinute
	// DayVisitors gives the unique visitors per day, keyed by the day's
	// label ("2026-01-02") in BuildOptions.Location; days not in it show
	// none.
	DayVisitors map[string]int64

	URLs, URLsQuery, Clients, Referrers, Agents, Methods, Protocols, Vhosts TopList
	// URLsByCode and ClientsByCode are the drill-down lists per code.
	URLsByCode, ClientsByCode map[int]TopList
	// URLs5xx is the top list of URLs answered with any 5xx code. When it
	// has no rows, BuildFrom merges URLsByCode over 500–599.
	URLs5xx TopList
	// Extras are the panels beyond the status figures (see [Extras]):
	// nil panels are not counted by the source.
	Extras Extras

	Latency []Latency
	// Visits are the visits figures, nil when the source has none.
	Visits     *VisitsInput
	Samples    []Sample
	FileErrors []FileError
	// EarlierFileErrors are earlier runs' file errors (see
	// Diagnostics.EarlierFileErrors).
	EarlierFileErrors []FileError
	Formats           map[string]string
	// AgentPanels holds the user-agent panels; nil when the source has
	// none.
	AgentPanels *AgentsInput

	// Lookup returns the registry entry of a code; LookupSub the meaning
	// of an IIS sub-status ("" when unknown); Win32 the meaning of a
	// sc-win32-status value ("" when unknown). Nil functions give empty
	// entries.
	Lookup    func(code int) StatusInfo
	LookupSub func(code int, sub uint32) string
	Win32Text func(status uint32) string

	// Geo is the countries and networks of the State's geo section, nil
	// without --geoip-db; GeoHint says the report should then tell how
	// to enable it (a State; ClickHouse has no such panel).
	Geo     *GeoInput
	GeoHint bool
}

// BuildOptions configure [BuildFrom].
type BuildOptions struct {
	// Title heads the report; default "Web access log report".
	Title string
	// TopN is the number of rows kept per top list; default 25.
	TopN int
	// Since and Until are the --since/--until window, shown as given.
	Since, Until time.Time
	// IncidentPad is the number of minutes shown around an incident
	// (default 10); MaxIncidents the number of incidents shown, the
	// largest first (default 3, -1 for none); IncidentMinExcess the least
	// number of 5xx above the baseline that make one (default
	// DefaultIncidentMinExcess). See [FindIncidentsIn].
	IncidentPad, MaxIncidents int
	IncidentMinExcess         float64
	// MaxDrill is the number of status codes with a drill-down, the
	// error codes with the most requests first; default 8.
	MaxDrill int
	// DrillAll shows drill-downs for every code that has lists, success
	// and redirect codes after the error codes (MaxDrill still applies to
	// the error codes).
	DrillAll bool
	// Location is the time zone of days, hours, labels and timestamps;
	// default (nil) UTC for BuildFrom, and the State's zone for Build.
	Location *time.Location
	// Version is the webalyze version named in the report; Generated the
	// time it was made (zero: not stamped, for reproducible output).
	Version   string
	Generated time.Time
}

func (o *BuildOptions) defaults() {
	if o.Title == "" {
		o.Title = "Web access log report"
	}
	if o.TopN <= 0 {
		o.TopN = 25
	}
	if o.IncidentPad <= 0 {
		o.IncidentPad = 10
	}
	if o.MaxIncidents == 0 {
		o.MaxIncidents = 3
	}
	if o.MaxDrill <= 0 {
		o.MaxDrill = 8
	}
	if o.Location == nil {
		o.Location = time.UTC
	}
}

func codeKey(code int) string {
	if code >= 0 && code < len(codeKeys) {
		return codeKeys[code]
	}
	return fmt.Sprintf("%03d", code)
}

// codeKeys holds codeKey of 000–999: series building asks for one per code
// per minute, tens of thousands of times.
var codeKeys = func() (k [1000]string) {
	for c := range k {
		k[c] = fmt.Sprintf("%03d", c)
	}
	return k
}()

// classIndex maps a code to its index in [ClassNames] (status.ClassIndex);
// a code outside 0–999, which an Input should not hold, is non-standard.
func classIndex(code int) int {
	if code < 0 || code > 999 {
		return ClassNonStandard
	}
	return status.ClassIndex(uint16(code))
}

// isAborted reports whether code means the client never got a response
// (status.IsClientAborted).
func isAborted(code int) bool {
	return code >= 0 && code <= 999 && status.IsClientAborted(uint16(code))
}

// BuildFrom builds the Model from in. Class and code counts, code shares
// and the status contract all come from in.Codes (plus in.NoStatus), so
// they sum to the same total; Requests is that total.
func BuildFrom(in *Input, opts BuildOptions) *Model {
	opts.defaults()
	lookup := in.Lookup
	if lookup == nil {
		lookup = func(int) StatusInfo { return StatusInfo{} }
	}
	m := &Model{
		Schema:           Schema,
		Title:            opts.Title,
		Lines:            in.Lines,
		MalformedReasons: maps.Clone(in.MalformedReasons),
		SkippedReasons:   maps.Clone(in.SkippedReasons),
		FilteredReasons:  maps.Clone(in.FilteredReasons),
		Bytes:            in.Bytes,
		NoBytes:          in.NoBytes,
		BytesSaturated:   in.BytesSaturated,
		Visitors:         in.Visitors,
		DistinctClients:  in.DistinctClients,
		Pages:            in.Pages,
		PageExtensions:   slices.Clone(in.PageExtensions),
		SiteHosts:        slices.Clone(in.SiteHosts),
		Generator:        Generator{Name: "webalyze", Version: opts.Version},
		Undated:          in.Undated,
		Formats:          maps.Clone(in.Formats),
		Status: Status{
			Classes:  map[string]int64{},
			Codes:    map[string]int64{},
			Subcodes: map[string]int64{},
			NoStatus: in.NoStatus,
		},
	}
	loc := opts.Location
	m.Period.Zone = loc.String()
	if !opts.Since.IsZero() {
		m.Period.Since = opts.Since.In(loc).Format(rfc3339)
	}
	if !opts.Until.IsZero() {
		m.Period.Until = opts.Until.In(loc).Format(rfc3339)
	}
	if !opts.Generated.IsZero() {
		m.Generator.Time = opts.Generated.In(loc).Format(rfc3339)
	}
	if !in.First.IsZero() {
		m.Period.FirstRequest = in.First.In(loc).Format(rfc3339)
		m.Period.LastRequest = in.Last.In(loc).Format(rfc3339)
	}

	// Codes and classes.
	codes := slices.Clone(in.Codes)
	slices.SortFunc(codes, func(a, b CodeCount) int { return a.Code - b.Code })
	var classes [len(ClassNames)]ClassRow
	hitsByCode := map[int]int64{}
	m.Requests = in.NoStatus
	for _, c := range codes {
		m.Requests += c.Hits
	}
	for _, c := range codes {
		if c.Hits == 0 {
			continue
		}
		hitsByCode[c.Code] += c.Hits
		info := lookup(c.Code)
		ci := classIndex(c.Code)
		class := ClassNames[ci]
		row := CodeRow{Code: codeKey(c.Code), Reason: info.Reason, Class: class, Source: info.Source,
			Cacheable: info.Cacheable, Known: info.Known, Hits: c.Hits, Bytes: c.Bytes, Share: share(c.Hits, m.Requests)}
		m.Codes = append(m.Codes, row)
		m.Status.Codes[row.Code] += c.Hits
		m.Status.Classes[class] += c.Hits
		classes[ci].Hits += c.Hits
		classes[ci].Bytes += c.Bytes
		if ci == 2 {
			m.Files += c.Hits
		}
		if isAborted(c.Code) {
			m.ClientAborted.Hits += c.Hits
			m.ClientAborted.Codes = append(m.ClientAborted.Codes, row)
		}
	}
	for ci, c := range classes {
		if c.Hits > 0 {
			m.Classes = append(m.Classes, ClassRow{Class: ClassNames[ci], Hits: c.Hits, Bytes: c.Bytes, Share: share(c.Hits, m.Requests)})
		}
	}
	m.ClientAborted.Share = share(m.ClientAborted.Hits, m.Requests)
	for i := range m.ClientAborted.Codes {
		c := &m.ClientAborted.Codes[i]
		c.Share = share(c.Hits, m.ClientAborted.Hits)
	}

	// IIS sub-status and win32.
	subs := slices.Clone(in.SubCodes)
	slices.SortFunc(subs, func(a, b SubCount) int {
		if a.Code != b.Code {
			return a.Code - b.Code
		}
		return int(int64(a.Sub) - int64(b.Sub))
	})
	withSub := map[int]int64{}
	for _, s := range subs {
		withSub[s.Code] += s.Hits
	}
	for _, s := range subs {
		if s.Hits == 0 {
			continue
		}
		key := fmt.Sprintf("%03d.%d", s.Code, s.Sub)
		meaning := ""
		if in.LookupSub != nil {
			meaning = in.LookupSub(s.Code, s.Sub)
		}
		m.SubCodes = append(m.SubCodes, SubCodeRow{Code: key, Meaning: meaning, Hits: s.Hits, Share: share(s.Hits, min(withSub[s.Code], hitsByCode[s.Code]))})
		m.Status.Subcodes[key] += s.Hits
	}
	w32 := slices.Clone(in.Win32)
	slices.SortFunc(w32, func(a, b Win32Count) int { return int(int64(a.Status) - int64(b.Status)) })
	var withWin32 int64
	for _, w := range w32 {
		withWin32 += w.Hits
	}
	for _, w := range w32 {
		if w.Hits == 0 {
			continue
		}
		meaning := ""
		if in.Win32Text != nil {
			meaning = in.Win32Text(w.Status)
		}
		m.Win32 = append(m.Win32, Win32Row{Status: int64(w.Status), Meaning: meaning, Hits: w.Hits, Share: share(w.Hits, withWin32)})
	}

	// Time series.
	if len(in.Minutes) > 0 {
		first, last := in.Minutes[0].Start, in.Minutes[0].Start
		for _, mi := range in.Minutes {
			if mi.Start.Before(first) {
				first = mi.Start
			}
			if mi.Start.After(last) {
				last = mi.Start
			}
		}
		m.Period.Start = first.In(loc).Format(rfc3339)
		m.Period.End = last.Add(time.Minute).In(loc).Format(rfc3339)
		s := DeriveSeriesIn(in.Minutes, loc)
		if in.DayVisitors != nil {
			dayVisitors(&s, in.DayVisitors)
		}
		m.Months, m.Hourly, m.HourOfDay, m.ClientAborted.Series = s.Months, s.Hourly, s.HourOfDay, s.Aborted
		m.Timeline, m.TimelineStep = s.Timeline, s.TimelineStep
		m.Diagnostics.TimeOutliers = findTimeOutliers(in.Minutes, loc)
		if opts.MaxIncidents > 0 {
			m.Incidents = FindIncidentsIn(in.Minutes, IncidentOptions{Pad: opts.IncidentPad, Max: opts.MaxIncidents, MinExcess: opts.IncidentMinExcess}, loc)
		}
	}
	if m.ClientAborted.Hits == 0 {
		m.ClientAborted.Series = nil
	}

	// Top lists.
	top := func(l TopList, title string) TopList { return cutTop(l, title, opts.TopN) }
	m.TopURLs = top(in.URLs, "Top URLs")
	m.TopURLsQuery = top(in.URLsQuery, "Top URLs with query string")
	m.Top404 = top(byCode(in.URLsByCode, 404), "Top 404 URLs")
	u5 := in.URLs5xx
	if len(u5.Rows) == 0 {
		var parts []TopList
		for _, code := range slices.Sorted(maps.Keys(in.URLsByCode)) {
			if classIndex(code) == status.Class5xx {
				parts = append(parts, byCode(in.URLsByCode, code))
			}
		}
		u5 = mergeTop(parts)
	}
	m.Top5xx = top(u5, "Top 5xx URLs")
	var aborted []TopList
	for _, code := range status.ClientAbortedCodes {
		aborted = append(aborted, byCode(in.URLsByCode, int(code)))
	}
	m.ClientAborted.TopURLs = top(mergeTop(aborted), "Top client-aborted URLs")
	m.Clients = top(in.Clients, "Top clients")
	m.Referrers = top(in.Referrers, "Top referrers")
	m.Agents = top(in.Agents, "Top user agents")
	m.Methods = top(in.Methods, "Methods")
	m.Protocols = top(in.Protocols, "Protocols")
	m.Vhosts = top(in.Vhosts, "Virtual hosts")
	m.Extras = buildExtras(m, in.Extras, opts.TopN)

	// Drill-down: error codes (4xx, 5xx, 000, non-standard), most
	// requests first.
	var drill []CodeRow
	for _, c := range m.Codes {
		if status.ClassHasDrill(c.Class) {
			drill = append(drill, c)
		}
	}
	slices.SortStableFunc(drill, func(a, b CodeRow) int {
		switch {
		case a.Hits > b.Hits:
			return -1
		case a.Hits < b.Hits:
			return 1
		}
		return strings.Compare(a.Code, b.Code)
	})
	if len(drill) > opts.MaxDrill {
		drill = drill[:opts.MaxDrill]
	}
	if opts.DrillAll {
		for _, c := range m.Codes {
			if !status.ClassHasDrill(c.Class) {
				drill = append(drill, c)
			}
		}
	}
	slices.SortFunc(drill, func(a, b CodeRow) int { return strings.Compare(a.Code, b.Code) })
	for _, c := range drill {
		var code int
		fmt.Sscanf(c.Code, "%d", &code)
		urls, clients := byCode(in.URLsByCode, code), byCode(in.ClientsByCode, code)
		if len(urls.Rows) == 0 && len(clients.Rows) == 0 {
			continue
		}
		m.Drill = append(m.Drill, Drill{Code: c.Code, Reason: c.Reason, Hits: c.Hits,
			URLs: top(urls, "URLs"), Clients: top(clients, "Clients")})
	}

	m.Latency = slices.Clone(in.Latency)
	m.AgentPanels = buildAgents(in.AgentPanels, m.Requests, opts.TopN)

	// Diagnostics.
	for _, r := range slices.Sorted(maps.Keys(in.MalformedReasons)) {
		n := in.MalformedReasons[r]
		m.Diagnostics.Reasons = append(m.Diagnostics.Reasons, ReasonRow{Reason: r, Count: n, Share: share(n, in.Lines.Read)})
	}
	m.Diagnostics.Samples = slices.Clone(in.Samples)
	slices.SortStableFunc(m.Diagnostics.Samples, func(a, b Sample) int {
		if c := strings.Compare(a.File, b.File); c != 0 {
			return c
		}
		return int(a.Line - b.Line)
	})
	m.Diagnostics.FileErrors = slices.Clone(in.FileErrors)
	m.Diagnostics.EarlierFileErrors = slices.Clone(in.EarlierFileErrors)
	m.Geo, m.GeoHint = buildGeo(in.Geo, m.Requests, opts.TopN), in.GeoHint && in.Geo == nil
	capVisitors(m)
	m.Visits = buildVisits(in.Visits, opts.TopN)
	m.Approximate, m.Estimates = approximate(m)
	visitsEstimates(m)
	return m
}

// dayVisitors fills in the visitors of the days, and sums them into the
// months and the timeline steps of a day or longer (a visitor per day,
// summed over the days, as GoAccess counts them).
func dayVisitors(s *Series, perDay map[string]int64) {
	var steps []time.Time // the starts of the timeline's steps
	if s.TimelineStep != "hour" {
		for _, b := range s.Timeline {
			t, err := time.Parse(rfc3339, b.Start)
			if err != nil {
				steps = nil
				break
			}
			steps = append(steps, t)
		}
	}
	k := 0
	for i := range s.Months {
		mo := &s.Months[i]
		mo.Total.Visitors = nil
		for j := range mo.Days {
			d := &mo.Days[j]
			n := perDay[d.Label]
			d.Visitors = &n
			mo.Total.Visitors = addVisitors(mo.Total.Visitors, n)
			// The step holding the day: both are in time order.
			start, err := time.Parse(rfc3339, d.Start)
			if err != nil || len(steps) == 0 {
				continue
			}
			for k+1 < len(steps) && !steps[k+1].After(start) {
				k++
			}
			if !steps[k].After(start) {
				s.Timeline[k].Visitors = addVisitors(s.Timeline[k].Visitors, n)
			}
		}
	}
}

// approximate lists, by JSON path, the figures of m that are estimates,
// and says the same in words with each one's error bound.
func approximate(m *Model) ([]string, []Estimate) {
	var paths []string
	var est []Estimate
	count := func(path, what string, c Count) {
		if !c.Exact && c.N > 0 {
			paths = append(paths, path)
			est = append(est, Estimate{Path: path, What: what,
				Error: fmt.Sprintf("within ±%s (HyperLogLog: past its exact capacity a unique count is estimated)", fmtPct(c.RelErr))})
		}
	}
	count("visitors", "Unique visitors", m.Visitors)
	count("distinct_clients", "Distinct clients", m.DistinctClients)
	list := func(path, what string, l *TopList) {
		if l.Exact || len(l.Rows) == 0 {
			return
		}
		paths = append(paths, path)
		e := fmt.Sprintf("each request count may be overstated by up to %s", fmtInt(l.ErrorBound))
		if l.Total > 0 {
			e += fmt.Sprintf(" (%s of the list's %s requests)", fmtPct(share(l.ErrorBound, l.Total)), fmtInt(l.Total))
		}
		est = append(est, Estimate{Path: path, What: what, Error: e + "; the list kept its heaviest keys past its capacity, so a key with fewer requests may be missing"})
	}
	for _, l := range []struct {
		path, what string
		l          *TopList
	}{
		{"top_urls", "Top URLs", &m.TopURLs}, {"top_urls_query", "Top URLs with query string", &m.TopURLsQuery},
		{"top_404_urls", "Top 404 URLs", &m.Top404}, {"top_5xx_urls", "Top 5xx URLs", &m.Top5xx},
		{"client_aborted.top_urls", "URLs of client-aborted requests", &m.ClientAborted.TopURLs},
		{"clients", "Top clients", &m.Clients}, {"referrers", "Top referrers", &m.Referrers},
		{"agents", "Top user agents", &m.Agents}, {"methods", "Methods", &m.Methods},
		{"protocols", "Protocols", &m.Protocols}, {"vhosts", "Virtual hosts", &m.Vhosts},
	} {
		list(l.path, l.what, l.l)
	}
	for _, l := range extraLists(&m.Extras) {
		list(l.path, l.what, l.l)
	}
	if p, e, ok := vhostStatusEstimate(m); ok {
		paths, est = append(paths, p), append(est, e)
	}
	for i := range m.Drill {
		d := &m.Drill[i]
		list("drill_down."+d.Code+".urls", "URLs answered "+d.Code, &d.URLs)
		list("drill_down."+d.Code+".clients", "Clients answered "+d.Code, &d.Clients)
	}
	if m.Geo != nil && m.Geo.Networks != nil && !m.Geo.Networks.Exact {
		n := m.Geo.Networks
		list("geo.networks", "Networks (ASN)", &TopList{Total: n.Total, ErrorBound: n.ErrorBound, Rows: []TopRow{{}}})
	}
	ap, ae := agentEstimates(m)
	return append(paths, ap...), append(est, ae...)
}

// capVisitors keeps every row's visitors within the whole: no key can
// have more visitors than the report (nor, see topList, requests).
func capVisitors(m *Model) {
	lists := []*TopList{&m.TopURLs, &m.TopURLsQuery, &m.Top404, &m.Top5xx, &m.ClientAborted.TopURLs,
		&m.Clients, &m.Referrers, &m.Agents, &m.Methods, &m.Protocols, &m.Vhosts}
	for i := range m.Drill {
		lists = append(lists, &m.Drill[i].URLs, &m.Drill[i].Clients)
	}
	for _, l := range lists {
		for j := range l.Rows {
			r := &l.Rows[j]
			if r.Visitors > m.Visitors.N {
				r.Visitors, r.VisitorsExact = m.Visitors.N, r.VisitorsExact && m.Visitors.Exact
			}
		}
	}
}

// byCode returns lists[code], or an empty exact list when there is none:
// no request had that code, so the list is exactly empty.
func byCode(lists map[int]TopList, code int) TopList {
	if l, ok := lists[code]; ok {
		return l
	}
	return TopList{Exact: true}
}

// cutTop sorts l by hits (then key), keeps n rows and sets the shares.
func cutTop(l TopList, title string, n int) TopList {
	out := l
	out.Title = title
	out.Rows = slices.Clone(l.Rows)
	slices.SortStableFunc(out.Rows, func(a, b TopRow) int {
		switch {
		case a.Hits > b.Hits:
			return -1
		case a.Hits < b.Hits:
			return 1
		}
		return strings.Compare(a.Key, b.Key)
	})
	if len(out.Rows) > n {
		out.Rows = out.Rows[:n]
	}
	if out.Total == 0 {
		for _, r := range l.Rows {
			out.Total += r.Hits
		}
	}
	if out.Distinct == 0 && l.Exact {
		out.Distinct = int64(len(l.Rows))
	}
	for i := range out.Rows {
		out.Rows[i].Share = share(out.Rows[i].Hits, out.Total)
	}
	return out
}

// mergeTop adds lists of disjoint request sets (one per status code) key
// by key. The result is exact only if every part is; otherwise a key
// missing from a truncated part may be understated, and a row may be
// overstated by the sum of its parts' errors, so the error bound is the
// sum of the parts' bounds.
func mergeTop(parts []TopList) TopList {
	out := TopList{Exact: true}
	idx := map[string]int{}
	for _, p := range parts {
		out.Total += p.Total
		out.ErrorBound += p.ErrorBound
		out.Exact = out.Exact && p.Exact
		for _, r := range p.Rows {
			i, ok := idx[r.Key]
			if !ok {
				i = len(out.Rows)
				idx[r.Key] = i
				out.Rows = append(out.Rows, TopRow{Key: r.Key})
			}
			row := &out.Rows[i]
			row.Hits += r.Hits
			row.Bytes += r.Bytes
			// Visitors under two codes may be the same people: keep the
			// larger count, a lower bound.
			if r.Visitors >= row.Visitors {
				row.Visitors, row.VisitorsExact = r.Visitors, r.VisitorsExact
			}
			row.Err += r.Err
		}
	}
	if out.Exact {
		out.Distinct = int64(len(out.Rows))
	}
	return out
}
