package report

import (
	"fmt"
	"html/template"
	"image/color"
	"strconv"
	"text/tabwriter"
	"time"

	visitsdim "github.com/webalyze/webalyze/aggregate/visits"
)

// VisitsInput is the visits part of an [Input] (aggregate/visits, or
// ClickHouse's sessions): nil when the source does not count visits, and
// the report then has no visits panel.
type VisitsInput struct {
	Timeout  time.Duration
	Capacity int
	// Zone is the zone of Days (the State's).
	Zone string
	// Visits, the page requests in them, their summed durations in
	// seconds, and the one-page visits.
	Visits, Pages, Seconds, Bounces int64
	// Days are the visits per day of their first request, in order:
	// Label "2026-01-02".
	Days []VisitCount
	// PagesDist and Durations count the visits per number of pages and
	// per duration range, every range listed.
	PagesDist, Durations []VisitCount
	// Entry and Exit are the entry and exit pages, one hit per visit.
	Entry, Exit TopList
	// Undated are the page requests without a time, in no visit;
	// ClosedEarly the visits closed early when the capacity was reached;
	// PossibleSplits the requests and merges that came within the timeout
	// of visits already folded into the counts (visits that spanned them
	// may be counted twice).
	Undated, ClosedEarly, PossibleSplits int64
}

// VisitsPanel is the visits section of a [Model] (JSON "visits"); see
// docs/counting.md for what a visit is.
type VisitsPanel struct {
	TimeoutSeconds int64  `json:"timeout_seconds"`
	Zone           string `json:"zone"` // of days and months
	Visits         int64  `json:"visits"`
	// Pages are the page requests that made the visits.
	Pages         int64   `json:"pages"`
	PagesPerVisit float64 `json:"pages_per_visit"`
	// Bounces are one-page visits; BounceRate their share of visits.
	Bounces    int64   `json:"bounces"`
	BounceRate float64 `json:"bounce_rate"`
	// MeanSeconds is the mean visit duration (first to last request).
	MeanSeconds float64 `json:"mean_duration_seconds"`
	// UndatedPages are page requests without a time: in no visit.
	UndatedPages int64        `json:"undated_pages"`
	Days         []VisitCount `json:"days"`
	Months       []VisitCount `json:"months"`
	PagesDist    []VisitCount `json:"pages_per_visit_distribution"`
	Durations    []VisitCount `json:"duration_distribution"`
	// EntryPages and ExitPages count one request per visit: the page
	// it began or ended with.
	EntryPages TopList `json:"entry_pages"`
	ExitPages  TopList `json:"exit_pages"`
	// Exact is false when visits were closed early (ClosedEarly, past
	// Capacity open visits) or requests or merged states came within the
	// timeout of visits already folded (PossibleSplits).
	Exact          bool  `json:"exact"`
	ClosedEarly    int64 `json:"closed_early"`
	PossibleSplits int64 `json:"possible_splits"`
	Capacity       int64 `json:"capacity"`
}

// VisitCount is the number of visits of a day, a month or a range.
type VisitCount struct {
	Label  string  `json:"label"`
	Visits int64   `json:"visits"`
	Share  float64 `json:"share"` // of all visits
}

// visitsInput converts an aggregator's figures; n is the rows kept of
// the entry and exit lists.
func visitsInput(v *visitsdim.Visits, zone string, n int) *VisitsInput {
	f := v.Figures()
	in := &VisitsInput{Timeout: f.Timeout, Capacity: f.Capacity, Zone: zone,
		Visits: clamp(f.Visits), Pages: clamp(f.Pages), Seconds: clamp(f.Seconds), Bounces: clamp(f.Bounces),
		Entry: topList(f.Entry, n), Exit: topList(f.Exit, n),
		Undated: clamp(f.Undated), ClosedEarly: clamp(f.ClosedEarly), PossibleSplits: clamp(f.PossibleSplits)}
	for _, d := range f.Days {
		// A day number counts calendar days of the State's zone from
		// 1970-01-01: as a UTC date it is that calendar day.
		in.Days = append(in.Days, VisitCount{Label: time.Unix(d.Day*86400, 0).UTC().Format("2006-01-02"), Visits: clamp(d.Visits)})
	}
	for i, b := range visitsdim.PagesBuckets {
		in.PagesDist = append(in.PagesDist, VisitCount{Label: b.Label, Visits: clamp(f.PagesHist[i])})
	}
	for i, b := range visitsdim.DurationBuckets {
		in.Durations = append(in.Durations, VisitCount{Label: b.Label, Visits: clamp(f.DurHist[i])})
	}
	return in
}

// buildVisits makes the visits panel, nil without visits input.
func buildVisits(in *VisitsInput, topN int) *VisitsPanel {
	if in == nil {
		return nil
	}
	p := &VisitsPanel{TimeoutSeconds: int64(in.Timeout / time.Second), Zone: in.Zone, Visits: in.Visits, Pages: in.Pages,
		Bounces: in.Bounces, UndatedPages: in.Undated, ClosedEarly: in.ClosedEarly, PossibleSplits: in.PossibleSplits,
		Capacity: int64(in.Capacity), Exact: in.ClosedEarly == 0 && in.PossibleSplits == 0}
	if p.Zone == "" {
		p.Zone = "UTC"
	}
	if in.Visits > 0 {
		p.PagesPerVisit = float64(in.Pages) / float64(in.Visits)
		p.BounceRate = share(in.Bounces, in.Visits)
		p.MeanSeconds = float64(in.Seconds) / float64(in.Visits)
	}
	shares := func(rows []VisitCount) []VisitCount {
		out := make([]VisitCount, len(rows))
		for i, r := range rows {
			out[i] = VisitCount{Label: r.Label, Visits: r.Visits, Share: share(r.Visits, in.Visits)}
		}
		return out
	}
	p.Days = shares(in.Days)
	p.PagesDist = shares(in.PagesDist)
	p.Durations = shares(in.Durations)
	for _, d := range p.Days {
		month := d.Label[:min(7, len(d.Label))]
		if n := len(p.Months); n > 0 && p.Months[n-1].Label == month {
			p.Months[n-1].Visits += d.Visits
			p.Months[n-1].Share = share(p.Months[n-1].Visits, in.Visits)
		} else {
			p.Months = append(p.Months, VisitCount{Label: month, Visits: d.Visits, Share: d.Share})
		}
	}
	p.EntryPages = cutTop(in.Entry, "Entry pages", topN)
	p.ExitPages = cutTop(in.Exit, "Exit pages", topN)
	return p
}

// visitsEstimates adds the visits figures that are estimates to m's
// lists of them.
func visitsEstimates(m *Model) {
	v := m.Visits
	if v == nil {
		return
	}
	if !v.Exact {
		m.Approximate = append(m.Approximate, "visits")
		var why string
		if v.ClosedEarly > 0 {
			why = fmt.Sprintf("%s visits were closed early, when %s visits were open at once (--visit-capacity): a later request of such a visitor within the timeout started a new visit, so visits may be overcounted and durations understated",
				fmtInt(v.ClosedEarly), fmtInt(v.Capacity))
		}
		if v.PossibleSplits > 0 {
			if why != "" {
				why += "; "
			}
			why += fmt.Sprintf("%s requests or merged states came within the timeout of visits already counted (workers or states sharing a period, past the capacity): visits that spanned them may be counted twice", fmtInt(v.PossibleSplits))
		}
		m.Estimates = append(m.Estimates, Estimate{Path: "visits", What: "Visits", Error: why})
	}
	for _, l := range []struct {
		path, what string
		l          *TopList
	}{{"visits.entry_pages", "Entry pages", &v.EntryPages}, {"visits.exit_pages", "Exit pages", &v.ExitPages}} {
		if l.l.Exact || len(l.l.Rows) == 0 {
			continue
		}
		m.Approximate = append(m.Approximate, l.path)
		m.Estimates = append(m.Estimates, Estimate{Path: l.path, What: l.what,
			Error: fmt.Sprintf("each count may be overstated by up to %s; the list kept its heaviest pages past its capacity", fmtInt(l.l.ErrorBound))})
	}
}

// normalizeVisits gives the visits panel's absent lists as [].
func normalizeVisits(c *Model) {
	if c.Visits == nil {
		return
	}
	v := *c.Visits
	emptyIfNil(&v.Days)
	emptyIfNil(&v.Months)
	emptyIfNil(&v.PagesDist)
	emptyIfNil(&v.Durations)
	emptyIfNil(&v.EntryPages.Rows)
	emptyIfNil(&v.ExitPages.Rows)
	c.Visits = &v
}

// csvVisits adds the visits tables: "visits" (key, value) and
// "visits_counts" (what, label, visits, share): per day, month, pages
// per visit and duration; the entry and exit pages are in "top" as
// visits.entry_pages and visits.exit_pages.
func csvVisits(m *Model, table func(name string, cols ...string), row func(cells ...string)) {
	i := func(n int64) string { return strconv.FormatInt(n, 10) }
	f := func(x float64) string { return strconv.FormatFloat(x, 'f', 6, 64) }
	table("visits", "key", "value")
	v := m.Visits
	if v == nil {
		table("visits_counts", "what", "label", "visits", "share")
		return
	}
	row("timeout_seconds", i(v.TimeoutSeconds))
	row("zone", v.Zone)
	row("visits", i(v.Visits))
	row("pages", i(v.Pages))
	row("pages_per_visit", f(v.PagesPerVisit))
	row("bounces", i(v.Bounces))
	row("bounce_rate", f(v.BounceRate))
	row("mean_duration_seconds", f(v.MeanSeconds))
	row("undated_pages", i(v.UndatedPages))
	row("exact", strconv.FormatBool(v.Exact))
	row("closed_early", i(v.ClosedEarly))
	row("possible_splits", i(v.PossibleSplits))
	row("capacity", i(v.Capacity))
	table("visits_counts", "what", "label", "visits", "share")
	for _, s := range []struct {
		what string
		rows []VisitCount
	}{{"day", v.Days}, {"month", v.Months}, {"pages_per_visit", v.PagesDist}, {"duration", v.Durations}} {
		for _, r := range s.rows {
			row(s.what, r.Label, i(r.Visits), f(r.Share))
		}
	}
}

// textVisits writes the visits line of the terminal summary.
func textVisits(tw *tabwriter.Writer, m *Model) {
	v := m.Visits
	if v == nil {
		return
	}
	approx := ""
	if !v.Exact {
		approx = "\t(approximate)"
	}
	fmt.Fprintf(tw, "Visits\t%s\tpages/visit %.2f\tbounce rate %s\tmean %s%s\n", fmtInt(v.Visits), v.PagesPerVisit,
		fmtPct(v.BounceRate), fmtSeconds(v.MeanSeconds), approx)
}

// fmtSeconds writes a duration in seconds as "4m05s".
func fmtSeconds(s float64) string {
	return (time.Duration(s+0.5) * time.Second).String()
}

// visitsView is what templates/visits.html renders besides the panel.
type visitsView struct {
	V     *VisitsPanel
	Chart template.HTML
	// ChartOf says what the chart counts per bar ("day", "month").
	ChartOf      string
	Entry, Exit  topView
	Timeout      string
	MeanDuration string
}

// visitsColor is the bar colour of the visits chart (the 3xx blue).
var visitsColor color.Color = classColors[3]

// visitsChart queues the visits chart of p: per day over up to three
// months, per month beyond, and none past 240 months (the tables stay).
func visitsChart(m *Model, p *page, chart func(*template.HTML, func() (template.HTML, error))) {
	v := m.Visits
	if v == nil {
		return
	}
	p.Visits = &visitsView{V: v, Timeout: (time.Duration(v.TimeoutSeconds) * time.Second).String(), MeanDuration: fmtSeconds(v.MeanSeconds),
		Entry: newTopView("visits-entry", "First page of each visit", "Page", v.EntryPages, false),
		Exit:  newTopView("visits-exit", "Last page of each visit", "Page", v.ExitPages, false)}
	rows, what := filledDays(v.Days), "day"
	if len(rows) == 0 || len(rows) > 92 {
		rows, what = v.Months, "month"
	}
	if len(rows) < 2 || len(rows) > 240 {
		return // one bar is no chart; thousands (lines dated centuries apart) are none either
	}
	buckets := make([]Bucket, len(rows))
	for i, r := range rows {
		buckets[i] = Bucket{Label: r.Label, Hits: r.Visits}
	}
	p.Visits.ChartOf = what
	chart(&p.Visits.Chart, func() (template.HTML, error) {
		return hitsChart("ch-visits", "Visits per "+what, buckets, func(b Bucket) int64 { return b.Hits }, visitsColor, 0)
	})
}

// filledDays returns days with the days between them that had no visit,
// or nil when they span more than a year.
func filledDays(days []VisitCount) []VisitCount {
	if len(days) == 0 {
		return nil
	}
	first, err1 := time.Parse("2006-01-02", days[0].Label)
	last, err2 := time.Parse("2006-01-02", days[len(days)-1].Label)
	if err1 != nil || err2 != nil || last.Sub(first) > 366*24*time.Hour {
		return nil
	}
	var out []VisitCount
	k := 0
	for d := first; !d.After(last); d = d.AddDate(0, 0, 1) {
		label := d.Format("2006-01-02")
		if k < len(days) && days[k].Label == label {
			out = append(out, days[k])
			k++
		} else {
			out = append(out, VisitCount{Label: label})
		}
	}
	return out
}
