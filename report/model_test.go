package report

import (
	"encoding/json"
	"fmt"
	"image/color"
	"math"
	"strings"
	"testing"

	"github.com/webalyze/webalyze/templates"
)

// TestClassCountsAndColours checks, for every class (the aggregate
// package's ClassNames), that ClassCounts adds, reads and encodes it under
// its name, and that it has a chart colour readable on white that is also
// the page's CSS colour (--cI) for its legend and labels.
func TestClassCountsAndColours(t *testing.T) {
	css, err := templates.FS.ReadFile("report.css")
	if err != nil {
		t.Fatal(err)
	}
	for i, name := range ClassNames {
		var c ClassCounts
		c.Add(i, int64(i+1))
		if c.At(i) != int64(i+1) || c.Total() != int64(i+1) {
			t.Errorf("class %d (%s): Add/At/Total disagree: %+v", i, name, c)
		}
		if js, _ := json.Marshal(c); !strings.Contains(string(js), fmt.Sprintf("%q:%d", name, i+1)) {
			t.Errorf("class %d: JSON %s lacks %q", i, js, name)
		}
		col := classColors[i]
		if r := contrast(col, color.RGBA{0xff, 0xff, 0xff, 0xff}); r < 4.5 {
			t.Errorf("class %s: colour %v has contrast %.2f:1 on white, want ≥ 4.5", name, col, r)
		}
		want := fmt.Sprintf("--c%d:#%02x%02x%02x;", i, col.R, col.G, col.B)
		if !strings.Contains(string(css), want) {
			t.Errorf("report.css lacks %s (the chart colour of %s)", want, name)
		}
		for _, sel := range []string{".legend .c" + name + "::before{background:var(--c", ".cls.c" + name + "{color:var(--c"} {
			if !strings.Contains(string(css), fmt.Sprintf("%s%d)", sel, i)) {
				t.Errorf("report.css lacks %s%d)", sel, i)
			}
		}
	}
	var c ClassCounts
	c.Add(-1, 5)
	c.Add(len(ClassNames), 5)
	if c != (ClassCounts{}) {
		t.Errorf("Add outside the classes changed %+v", c)
	}
}

// contrast is the WCAG 2 contrast ratio of a and b.
func contrast(a, b color.RGBA) float64 {
	lum := func(c color.RGBA) float64 {
		ch := func(v uint8) float64 {
			x := float64(v) / 255
			if x <= 0.03928 {
				return x / 12.92
			}
			return math.Pow((x+0.055)/1.055, 2.4)
		}
		return 0.2126*ch(c.R) + 0.7152*ch(c.G) + 0.0722*ch(c.B)
	}
	la, lb := lum(a), lum(b)
	return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)
}

// day returns a daily bucket with the given class counts.
func day(label string, c ClassCounts) Bucket {
	return Bucket{Label: label, Start: label + "T00:00:00Z", Hits: c.Total(), Bytes: c.Total() * 1000,
		Pages: c.X2 / 2, Visitors: ptr(c.Total() / 10), Classes: c}
}

// sampleModel is a small model that fills every section of the report.
func sampleModel() *Model {
	m := &Model{
		Schema:         Schema,
		Title:          "Access log report: example.org",
		PageExtensions: []string{"", "html", "php"},
		Generator:      Generator{Name: "webalyze", Version: "v1.2.3", Time: "2026-02-02T08:00:00Z"},
		Period:         Period{Start: "2026-01-30T00:00:00Z", End: "2026-02-02T00:00:00Z", FirstRequest: "2026-01-30T00:00:07Z", LastRequest: "2026-02-01T23:59:58Z"},
		Lines:          Lines{Read: 1012, Parsed: 1000, Malformed: 5, Skipped: 4, Filtered: 3},
		MalformedReasons: map[string]int64{
			"invalid_status": 3, "bad_time": 2,
		},
		Requests: 1000,
		Bytes:    1_234_567,
		Visitors: Count{N: 57, Exact: true},
		Pages:    420,
		Files:    760,
		Status: Status{
			Classes:  map[string]int64{"2xx": 700, "3xx": 100, "4xx": 150, "5xx": 40, "0xx": 4, "non-standard": 6},
			Codes:    map[string]int64{"200": 700, "304": 100, "404": 120, "499": 30, "500": 25, "503": 15, "000": 4, "999": 6},
			Subcodes: map[string]int64{"404.2": 20},
		},
		Formats: map[string]string{"access.log": "combined", "u_ex260131.log": "iis"},
		Classes: []ClassRow{
			{"0xx", 4, 0, 0.004}, {"2xx", 700, 1_000_000, 0.7}, {"3xx", 100, 0, 0.1},
			{"4xx", 150, 200_000, 0.15}, {"5xx", 40, 34_567, 0.04}, {"non-standard", 6, 0, 0.006},
		},
		Codes: []CodeRow{
			{Code: "000", Reason: "No Response", Class: "0xx", Source: "aws-elb", Known: true, Hits: 4, Share: 0.004},
			{Code: "200", Reason: "OK", Class: "2xx", Source: "RFC9110", Cacheable: true, Known: true, Hits: 700, Bytes: 1_000_000, Share: 0.7},
			{Code: "304", Reason: "Not Modified", Class: "3xx", Source: "RFC9110", Known: true, Hits: 100, Share: 0.1},
			{Code: "404", Reason: "Not Found", Class: "4xx", Source: "RFC9110", Cacheable: true, Known: true, Hits: 120, Bytes: 200_000, Share: 0.12},
			{Code: "499", Reason: "Client Closed Request", Class: "4xx", Source: "nginx", Known: true, Hits: 30, Share: 0.03},
			{Code: "500", Reason: "Internal Server Error", Class: "5xx", Source: "RFC9110", Known: true, Hits: 25, Bytes: 34_567, Share: 0.025},
			{Code: "503", Reason: "Service Unavailable", Class: "5xx", Source: "RFC9110", Known: true, Hits: 15, Share: 0.015},
			{Code: "999", Class: "non-standard", Hits: 6, Share: 0.006},
		},
		SubCodes: []SubCodeRow{{Code: "404.2", Meaning: "ISAPI or CGI restriction", Hits: 20, Share: 20.0 / 120}},
		Win32:    []Win32Row{{Status: 0, Meaning: "The operation completed successfully", Hits: 990, Share: 0.99}, {Status: 64, Meaning: "The specified network name is no longer available", Hits: 10, Share: 0.01}},
		ClientAborted: Aborted{
			Hits: 30, Share: 0.03,
			Codes: []CodeRow{{Code: "499", Reason: "Client Closed Request", Class: "4xx", Source: "nginx", Known: true, Hits: 30, Share: 1}},
			Series: []Bucket{
				{Label: "2026-01-30", Hits: 5}, {Label: "2026-01-31", Hits: 20}, {Label: "2026-02-01", Hits: 5},
			},
			TopURLs: TopList{Total: 30, Distinct: 2, Exact: true, Rows: []TopRow{
				{Key: "/api/search?q=slow", Hits: 25, Share: 25.0 / 30}, {Key: "/export.csv", Hits: 5, Share: 5.0 / 30}}},
		},
		Months: []Month{
			{Key: "2026-01", Label: "January 2026", Anchor: "m-2026-01",
				Total: Bucket{Label: "2026-01", Hits: 600, Bytes: 600_000, Pages: 250, Visitors: ptr(40), Aborted: 25, Classes: ClassCounts{X2: 420, X3: 60, X4: 90, X5: 25, X0: 2, NonStandard: 3}},
				Days: []Bucket{
					day("2026-01-30", ClassCounts{X2: 200, X3: 30, X4: 40, X5: 5}),
					day("2026-01-31", ClassCounts{X2: 220, X3: 30, X4: 50, X5: 20, X0: 2, NonStandard: 3}),
				}},
			{Key: "2026-02", Label: "February 2026", Anchor: "m-2026-02",
				Total: Bucket{Label: "2026-02", Hits: 400, Bytes: 634_567, Pages: 170, Visitors: ptr(30), Aborted: 5, Classes: ClassCounts{X2: 280, X3: 40, X4: 60, X5: 15, X0: 2, NonStandard: 3}},
				Days:  []Bucket{day("2026-02-01", ClassCounts{X2: 280, X3: 40, X4: 60, X5: 15, X0: 2, NonStandard: 3})}},
		},
		Incidents: []Incident{{
			Start: "2026-01-31T14:02:00Z", End: "2026-01-31T14:05:00Z", Errors: 18, Hits: 60, Rate: 0.3, What: "5xx",
			Peak: "2026-01-31T14:03:00Z", PeakErrors: 12, PeakHits: 20, Baseline: 0.02, Expected: 1.2, Excess: 16.8, PValue: 1.5e-12,
			Minutes: []Bucket{
				{Label: "14:02", Start: "2026-01-31T14:02:00Z", Hits: 20, Classes: ClassCounts{X2: 18, X5: 2}},
				{Label: "14:03", Start: "2026-01-31T14:03:00Z", Hits: 20, Classes: ClassCounts{X2: 8, X5: 12}},
				{Label: "14:04", Start: "2026-01-31T14:04:00Z", Hits: 20, Classes: ClassCounts{X2: 16, X5: 4}},
			},
		}},
		TopURLs: TopList{Total: 1000, Distinct: 40, Exact: false, ErrorBound: 3, Rows: []TopRow{
			{Key: "/", Hits: 300, Bytes: 300_000, Visitors: 50, VisitorsExact: false, Share: 0.3, Err: 0},
			{Key: "/index.html", Hits: 200, Bytes: 100_000, Visitors: 3, VisitorsExact: true, Share: 0.2, Err: 3},
		}},
		Top404: TopList{Total: 120, Distinct: 2, Exact: true, Rows: []TopRow{
			{Key: "/wp-login.php", Hits: 100, Bytes: 150_000, Visitors: 3, VisitorsExact: true, Share: 100.0 / 120},
			{Key: "/favicon.ico", Hits: 20, Bytes: 50_000, Visitors: 15, VisitorsExact: false, Share: 20.0 / 120},
		}},
		Top5xx: TopList{Total: 40, Distinct: 1, Exact: true, Rows: []TopRow{{Key: "/api/orders", Hits: 40, Bytes: 34_567, Visitors: 9, Share: 1}}},
		Drill: []Drill{{Code: "503", Reason: "Service Unavailable", Hits: 15,
			URLs:    TopList{Total: 15, Distinct: 1, Exact: true, Rows: []TopRow{{Key: "/api/orders", Hits: 15, Share: 1}}},
			Clients: TopList{Total: 15, Distinct: 1, Exact: true, Rows: []TopRow{{Key: "203.0.113.9", Hits: 15, Share: 1}}}}},
		Clients: TopList{Total: 1000, Distinct: 57, Exact: true, Rows: []TopRow{{Key: "198.51.100.7", Hits: 400, Bytes: 500_000, Share: 0.4}}},
		Referrers: TopList{Total: 1000, Distinct: 3, Exact: true, Rows: []TopRow{
			{Key: "-", Hits: 800, Share: 0.8},
			{Key: "https://search.example/?q=webalyze", Hits: 150, Share: 0.15},
			{Key: "android-app://com.example", Hits: 50, Share: 0.05}}},
		Agents:    TopList{Total: 1000, Distinct: 1, Exact: true, Rows: []TopRow{{Key: "Mozilla/5.0 (X11; Linux x86_64)", Hits: 1000, Share: 1}}},
		Methods:   TopList{Total: 1000, Distinct: 2, Exact: true, Rows: []TopRow{{Key: "GET", Hits: 950, Share: 0.95}, {Key: "POST", Hits: 50, Share: 0.05}}},
		Protocols: TopList{Total: 1000, Distinct: 1, Exact: true, Rows: []TopRow{{Key: "HTTP/1.1", Hits: 1000, Share: 1}}},
		Vhosts:    TopList{Total: 1000, Distinct: 1, Exact: true, Rows: []TopRow{{Key: "example.org", Hits: 1000, Share: 1}}},
		Latency: []Latency{
			{Scope: "all", Count: 1000, P50: 12.5, P90: 80, P95: 150, P99: 900, Max: 12000, RelErr: 0.01},
			{Scope: "5xx", Count: 40, P50: 3000, P90: 9000, P95: 10000, P99: 12000, Max: 12000, RelErr: 0.01},
		},
		Diagnostics: Diagnostics{
			Reasons: []ReasonRow{{"bad_time", 2, 2.0 / 1012}, {"invalid_status", 3, 3.0 / 1012}},
			Samples: []Sample{{File: "access.log", Line: 17, Offset: 2048, Column: 58, Field: "status", Reason: "invalid_status", Detail: `"2e2" is not three digits`, Text: `1.2.3.4 - - [31/Jan/2026:14:03:00 +0000] "GET / HTTP/1.1" 2e2 5`}},
		},
	}
	// One hour-of-day bucket per hour with a simple pattern.
	for h := range 24 {
		c := ClassCounts{X2: int64(10 + h), X4: int64(h % 3), X5: int64(h % 5 / 4)}
		m.HourOfDay = append(m.HourOfDay, Bucket{Label: fmt.Sprintf("%02d", h), Hits: c.Total(), Classes: c})
	}
	m.TimelineStep = "day"
	for _, mo := range m.Months {
		m.Timeline = append(m.Timeline, mo.Days...)
	}
	m.AgentPanels = sampleAgentPanels()
	m.FilteredReasons = map[string]int64{"bot": 2}
	return m
}

func ptr(n int64) *int64 { return &n }
