package report

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"html/template"
	"io"
	"maps"
	"net/url"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/webalyze/webalyze/templates"
)

// maxHourly is the longest per-hour series charted for status classes;
// longer periods are charted per day.
const maxHourly = 96

var (
	tmplOnce sync.Once
	tmpl     *template.Template
	tmplCSS  template.CSS
	tmplCSP  string
	tmplErr  error
)

func loadTemplate() {
	css, err := templates.FS.ReadFile("report.css")
	if err != nil {
		tmplErr = err
		return
	}
	tmplCSS = template.CSS(css) // our own file, never log data
	sum := sha256.Sum256(css)
	tmplCSP = "default-src 'none'; style-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) +
		"'; img-src 'none'; script-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'"
	tmpl, tmplErr = template.New("report.html").Funcs(funcs).ParseFS(templates.FS, "*.html")
}

var funcs = template.FuncMap{
	"vis":    Visible,
	"int":    fmtAnyInt,
	"pct":    fmtPct,
	"bytes":  fmtBytes,
	"count":  fmtCount,
	"ms":     fmtMs,
	"href":   safeHref,
	"inc":    func(i int) int { return i + 1 },
	"add":    func(a, b int64) int64 { return a + b },
	"add3":   func(a, b, c int64) int64 { return a + b + c },
	"cut":    func(s Sample) bool { return s.TextLen > len(s.Text) },
	"top":    newTopView,
	"btable": newBucketTable,
	"optint": func(p *int64) string {
		if p == nil {
			return "—"
		}
		return fmtInt(*p)
	},
	"join":     strings.Join,
	"pageExts": pageExts,
	"addi":     func(a, b int) int { return a + b },
	"rowsOf": func(v topView, rows []TopRow, offset int) topRows {
		return topRows{V: v, Rows: rows, Offset: offset}
	},
}

// topRows are rows of a top list to render, the first of rank Offset+1.
type topRows struct {
	V      topView
	Rows   []TopRow
	Offset int
}

func fmtAnyInt(v any) string {
	switch n := v.(type) {
	case int:
		return fmtInt(int64(n))
	case int64:
		return fmtInt(n)
	case *int64: // a count that may not be counted (Bucket.Visitors)
		if n == nil {
			return "–"
		}
		return fmtInt(*n)
	}
	return fmt.Sprint(v)
}

// safeHref returns s if it is an absolute http or https URL, and "" for
// anything else (javascript:, data:, relative, unparsable), so only such
// referrers become links.
func safeHref(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || Visible(s) != s || strings.ContainsAny(s, " \"'<>`") {
		return ""
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
		return s
	}
	return ""
}

// topVisible is how many rows of a top list are shown unfolded; the
// others are in a <details> element below them.
const topVisible = 10

// topView is what the "top" template renders.
type topView struct {
	ID, Caption, KeyName string
	L                    TopList
	Links                bool
	ShowBytes            bool
	ShowVisitors         bool
	// VisitorsEstimated: some row's visitors are an estimate.
	VisitorsEstimated bool
	// ShowLatency: rows carry response times (top URLs).
	ShowLatency bool
	// NotLogged: every request has an empty key (a format without
	// this field, such as common without agents).
	NotLogged bool
	// First are the rows shown, Rest the folded ones (Offset is the rank
	// of Rest's first row, minus one).
	First, Rest []TopRow
	Offset      int
}

func newTopView(id, caption, keyName string, l TopList, links bool) topView {
	v := topView{ID: id, Caption: caption, KeyName: keyName, L: l, Links: links, First: l.Rows}
	for _, r := range l.Rows {
		v.ShowBytes = v.ShowBytes || r.Bytes != 0
		v.ShowVisitors = v.ShowVisitors || r.Visitors != 0
		v.VisitorsEstimated = v.VisitorsEstimated || (r.Visitors != 0 && !r.VisitorsExact)
		v.ShowLatency = v.ShowLatency || r.Latency != nil
	}
	v.NotLogged = len(l.Rows) == 1 && l.Rows[0].Key == "" && l.Total > 0 && l.Rows[0].Hits == l.Total
	// Fold only when it hides a few rows at least.
	if len(l.Rows) > topVisible+2 {
		v.First, v.Rest, v.Offset = l.Rows[:topVisible], l.Rows[topVisible:], topVisible
	}
	return v
}

// bucketTable is what the "buckets" template renders: a table of time
// buckets with per-class columns.
type bucketTable struct {
	Caption, Note, Label string
	Rows                 []Bucket
	// Visitors: the buckets count visitors (days, months); Bytes: the
	// log has response sizes.
	Visitors, Bytes bool
}

func newBucketTable(caption, note, label string, rows []Bucket, bytes bool) bucketTable {
	t := bucketTable{Caption: caption, Note: note, Label: label, Rows: rows, Bytes: bytes}
	for _, r := range rows {
		t.Visitors = t.Visitors || r.Visitors != nil
	}
	return t
}

type navItem struct{ ID, Label string }

type fileFormat struct{ File, Format string }

// page is the value the HTML template executes with.
type page struct {
	M   *Model
	CSS template.CSS
	CSP string
	Nav []navItem

	Share4xx, Share5xx, MalformedShare float64
	// Zone names the time zone of days and hours.
	Zone string
	// NoStatusShare is the share of requests without a status.
	NoStatusShare float64
	// SkippedReasons are the skipped-line reasons, sorted.
	SkippedReasons []ReasonRow

	ClassChart        template.HTML
	ClassChartCaption string
	AbortChart        template.HTML
	AbortChartCaption string
	MonthsChart       template.HTML
	MonthCharts       []template.HTML
	HourChart         template.HTML
	IncidentCharts    []template.HTML
	Formats           []fileFormat
	DrillCodes        map[string]bool // codes with a drill-down section
	// BytesLogged: the log gives response sizes for some requests at
	// least; when not, byte figures say "not logged".
	BytesLogged bool
	// OwnReferrers: referrers on the site's own pages may be counted as
	// external (some requests have no virtual host and no --site was
	// given).
	OwnReferrers bool
	// Months are the months with requests: empty months keep their row
	// in the summary by month but get no section.
	Months []monthView
	// Visits is the visits panel, nil without visits.
	Visits *visitsView
}

// monthView is a month with requests and its chart.
type monthView struct {
	Month
	Chart template.HTML
}

// WriteHTML writes m as one self-contained HTML page: inline CSS, inline
// SVG charts, no script, and a Content-Security-Policy that allows nothing
// else. The same Model always gives the same bytes.
func WriteHTML(w io.Writer, m *Model) error {
	tmplOnce.Do(loadTemplate)
	if tmplErr != nil {
		return fmt.Errorf("HTML template: %w", tmplErr)
	}
	p, err := newPage(m)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := tmpl.Execute(&buf, p); err != nil {
		return fmt.Errorf("HTML template: %w", err)
	}
	_, err = w.Write(buf.Bytes())
	return err
}

// chartJob is one chart of a page to render into dst.
type chartJob struct {
	dst    *template.HTML
	render func() (template.HTML, error)
}

// renderCharts renders the charts on up to GOMAXPROCS goroutines and
// returns the error of the first chart (in page order) that failed.
func renderCharts(jobs []chartJob) error {
	errs := make([]error, len(jobs))
	next := make(chan int, len(jobs))
	for i := range jobs {
		next <- i
	}
	close(next)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(jobs)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				*jobs[i].dst, errs[i] = jobs[i].render()
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

func newPage(m *Model) (*page, error) {
	p := &page{M: m, CSS: tmplCSS, CSP: tmplCSP, DrillCodes: map[string]bool{},
		BytesLogged:  m.Requests == 0 || m.NoBytes < m.Requests,
		OwnReferrers: len(m.SiteHosts) == 0 && m.Vhosts.Total < m.Requests && len(m.Referrers.Rows) > 0}
	for _, d := range m.Drill {
		p.DrillCodes[d.Code] = true
	}
	var cls ClassCounts
	for _, c := range m.Classes {
		for i, name := range ClassNames {
			if c.Class == name {
				cls.Add(i, c.Hits)
			}
		}
	}
	p.Share4xx = share(cls.X4, m.Requests)
	p.Share5xx = share(cls.X5, m.Requests)
	p.MalformedShare = share(m.Lines.Malformed, m.Lines.Read)
	p.NoStatusShare = share(m.Status.NoStatus, m.Requests)
	p.Zone = m.Period.Zone
	if p.Zone == "" {
		p.Zone = "UTC"
	}
	for _, r := range slices.Sorted(maps.Keys(m.SkippedReasons)) {
		p.SkippedReasons = append(p.SkippedReasons, ReasonRow{Reason: r, Count: m.SkippedReasons[r], Share: share(m.SkippedReasons[r], m.Lines.Read)})
	}

	// The charts are independent of each other and each takes a few
	// milliseconds to lay out and render: they are drawn concurrently,
	// each into its own place in p.
	var charts []chartJob
	chart := func(dst *template.HTML, render func() (template.HTML, error)) {
		charts = append(charts, chartJob{dst: dst, render: render})
	}
	// The step of the timeline is chosen from the span (see
	// Model.Timeline): hours for a few days, up to years for decades.
	timeline, unit := m.Timeline, m.TimelineStep
	chart(&p.ClassChart, func() (template.HTML, error) {
		return classChart("ch-classes", "Requests per "+unit+" by status class", timeline, 0)
	})
	p.ClassChartCaption = "Requests per " + unit + ", stacked by status class (" + p.Zone + ")."
	abort := m.ClientAborted.Series
	chart(&p.AbortChart, func() (template.HTML, error) {
		return hitsChart("ch-aborted", "Client-aborted requests over time", abort,
			func(b Bucket) int64 { return b.Hits }, classColors[0], 0)
	})
	if len(abort) > 0 {
		p.AbortChartCaption = fmt.Sprintf("Client-aborted requests (499 and 444), %s to %s.", abort[0].Label, abort[len(abort)-1].Label)
	}
	if len(m.Months) > 1 {
		totals := make([]Bucket, len(m.Months))
		for i, mo := range m.Months {
			totals[i] = mo.Total
			totals[i].Label = mo.Key
		}
		chart(&p.MonthsChart, func() (template.HTML, error) {
			return classChart("ch-months", "Requests per month by status class", totals, 1)
		})
	}
	p.MonthCharts = make([]template.HTML, len(m.Months))
	for i, mo := range m.Months {
		if mo.Total.Hits == 0 {
			continue // no section, no chart
		}
		chart(&p.MonthCharts[i], func() (template.HTML, error) {
			return classChart("ch-"+mo.Anchor, "Requests per day in "+mo.Label+" by status class", mo.Days, 0)
		})
	}
	chart(&p.HourChart, func() (template.HTML, error) {
		return classChart("ch-hours", "Requests per hour of the day by status class", m.HourOfDay, 2)
	})
	p.IncidentCharts = make([]template.HTML, len(m.Incidents))
	for i, inc := range m.Incidents {
		chart(&p.IncidentCharts[i], func() (template.HTML, error) {
			return classChart(fmt.Sprintf("ch-incident-%d", i+1),
				fmt.Sprintf("Incident %d: requests per minute by status class", i+1), inc.Minutes, 0)
		})
	}
	visitsChart(m, p, chart)
	if err := renderCharts(charts); err != nil {
		return nil, err
	}
	for i, mo := range m.Months {
		if mo.Total.Hits > 0 {
			p.Months = append(p.Months, monthView{Month: mo, Chart: p.MonthCharts[i]})
		}
	}
	for _, f := range slices.Sorted(maps.Keys(m.Formats)) {
		p.Formats = append(p.Formats, fileFormat{f, m.Formats[f]})
	}

	p.Nav = []navItem{{"summary", "Summary"}, {"classes", "Classes"}, {"codes", "Codes"}}
	if len(m.SubCodes) > 0 || len(m.Win32) > 0 {
		p.Nav = append(p.Nav, navItem{"iis", "IIS sub-status"})
	}
	if m.ClientAborted.Hits > 0 {
		p.Nav = append(p.Nav, navItem{"aborted", "Client-aborted"})
	}
	if len(m.Incidents) > 0 {
		p.Nav = append(p.Nav, navItem{"incidents", "Incidents"})
	}
	p.Nav = append(p.Nav, navItem{"months", "Months and days"})
	if len(m.HourOfDay) > 0 {
		p.Nav = append(p.Nav, navItem{"hours", "Hours"})
	}
	if m.Visits != nil {
		p.Nav = append(p.Nav, navItem{"visits", "Visits"})
	}
	p.Nav = append(p.Nav, navItem{"urls", "URLs"}, navItem{"clients", "Clients"},
		navItem{"referrers", "Referrers"})
	if m.AgentPanels != nil {
		p.Nav = append(p.Nav, navItem{"who", "People and bots"}, navItem{"browsers", "Browsers"},
			navItem{"systems", "Operating systems"}, navItem{"devices", "Devices"}, navItem{"bots", "Bots"})
	}
	p.Nav = append(p.Nav, navItem{"agents", "Agents"}, navItem{"methods", "Methods"})
	if m.Geo != nil {
		p.Nav = append(p.Nav, navItem{"countries", geoTitle(m.Geo)})
	}
	if len(m.Vhosts.Rows) > 0 {
		p.Nav = append(p.Nav, navItem{"vhosts", "Virtual hosts"})
	}
	p.Nav = append(p.Nav, extrasNav(m)...)
	if len(m.Latency) > 0 {
		p.Nav = append(p.Nav, navItem{"latency", "Response times"})
	}
	p.Nav = append(p.Nav, navItem{"diagnostics", "Diagnostics"})
	return p, nil
}

// pageExts says in words which paths are pages, given the page
// extensions ("" meaning none).
func pageExts(exts []string) string {
	var dotted []string
	none := false
	for _, e := range exts {
		if e == "" {
			none = true
			continue
		}
		dotted = append(dotted, "."+e)
	}
	switch {
	case len(dotted) == 0 && none:
		return "a path whose last part has no extension"
	case len(dotted) == 0:
		return "a path whose last part has a page extension"
	case none:
		return "a path whose last part has no extension or ends in " + strings.Join(dotted, ", ")
	}
	return "a path whose last part ends in " + strings.Join(dotted, ", ")
}
