// Package report turns an aggregated state into a [Model] and renders it.
//
// A Model is plain data: structs, slices, strings and numbers. Every
// renderer reads the same Model, so the HTML page ([WriteHTML]), the JSON
// document ([WriteJSON]), the terminal summary ([WriteText]) and the CSV
// tables ([WriteCSV]) never disagree. Renderers never re-read logs and
// never compute new figures; they only format what the Model holds.
//
// Every string that came from a log (URLs, referrers, agents, clients,
// hosts, malformed samples) is kept verbatim in the Model. Renderers escape
// it for their medium: html/template contextual escaping plus visible
// escapes for control and bidi characters in HTML, visible escapes in text,
// formula neutralisation in CSV, and JSON string escaping in JSON.
//
// Output is deterministic: the same Model always renders to the same bytes.
package report

import "github.com/webalyze/webalyze/aggregate/status"

// Schema is the version of the JSON model. It is bumped whenever a key is
// renamed or removed, or a figure changes meaning; adding keys does not
// bump it.
//
// Schema 2: class "0xx" holds 000 ("no response") only; 001–099 and
// 600–999 are class "non-standard", a key of its own in status.classes
// and in every bucket's classes. In schema 1, "0xx" held both.
//
// Schema 3: a bucket's "visitors" is null where visitors are not counted
// (minutes, hours, hours of the day), instead of 0.
//
// Schema 4: every "hits" key is now "requests" (and an incident's
// "peak_hits" "peak_requests"), the names the CSV tables use too; a
// sub-status share ("sub_codes"[].share) is of the parent code's
// requests that carry a sub-status, and a win32 share of the requests
// that carry a sc-win32-status, no longer of all requests; "files"
// counts 2xx responses (as the report did; the State now agrees).
// Added without a bump: "generator", "period.first_request" and
// "period.last_request", "no_bytes", "page_extensions", "site_hosts",
// "estimates", top rows' "visitors_exact".
const Schema = 4

// Model is everything a report shows. The zero value renders as an empty
// report.
type Model struct {
	Schema int    `json:"schema"`
	Title  string `json:"title"`
	Period Period `json:"period"`
	// Generator says which webalyze made the model, and when.
	Generator Generator `json:"generator"`

	// Lines accounts for every line read: Read = Parsed + Malformed +
	// Skipped + Filtered.
	Lines            Lines            `json:"lines"`
	MalformedReasons map[string]int64 `json:"malformed_reasons"`
	// SkippedReasons counts skipped lines per reason ("directive",
	// "blank"); they sum to Lines.Skipped.
	SkippedReasons map[string]int64 `json:"skipped_reasons"`
	// FilteredReasons counts the lines a filter left out, per reason
	// ("bot" for --exclude-bots); they sum to at most Lines.Filtered, the
	// rest being outside --since/--until.
	FilteredReasons map[string]int64 `json:"filtered_reasons"`

	Requests int64 `json:"requests"` // parsed requests (= Lines.Parsed)
	Bytes    int64 `json:"bytes"`    // response bytes sent
	// NoBytes counts requests whose log gave no response size (IIS without
	// sc-bytes, a format without %b): Bytes sums the others. When it is
	// Requests, the log has no sizes and renderers say "not logged".
	NoBytes int64 `json:"no_bytes"`
	// BytesSaturated says a byte sum reached its maximum (2^63-1 here,
	// 2^64-1 in the aggregate) and stopped there: Bytes is a lower bound.
	BytesSaturated bool `json:"bytes_saturated"`
	// Visitors are unique visitors as GoAccess counts them with its
	// --4xx-to-unique-count option: a client address with one user agent
	// on one day, summed over the days, whatever the status (GoAccess by
	// default leaves out requests answered 4xx).
	Visitors Count `json:"visitors"`
	// DistinctClients counts distinct client addresses over the period.
	DistinctClients Count `json:"distinct_clients"`
	// Pages counts requests for documents: a path whose last segment has
	// one of PageExtensions (or none), whatever the status. Files counts
	// requests answered with a 2xx code (The Webalizer counts 200 only).
	Pages          int64    `json:"pages"`
	Files          int64    `json:"files"`
	PageExtensions []string `json:"page_extensions"`
	// SiteHosts are the site's own hosts given with --site: referrers on
	// them are not external (see Referrers).
	SiteHosts []string `json:"site_hosts"`
	// Undated counts requests without a time: they are in every table but
	// in no time series, so the series sum to Requests - Undated.
	Undated int64 `json:"undated"`
	// Approximate names, by JSON path, every figure that is an estimate
	// rather than an exact count: top lists that overflowed their
	// capacity ("top_urls", "drill_down.404.urls") and unique counts past
	// theirs ("visitors", "distinct_clients"). Empty when all is exact.
	Approximate []string `json:"approximate"`
	// Estimates say the same in words, one per estimated figure, with
	// its error bound.
	Estimates []Estimate `json:"estimates"`

	// Status is the machine-readable status contract.
	Status Status `json:"status"`
	// Formats maps each input file to the format used to parse it.
	Formats map[string]string `json:"formats"`

	Classes  []ClassRow   `json:"classes"`   // per class, in class order
	Codes    []CodeRow    `json:"codes"`     // per code, ascending
	SubCodes []SubCodeRow `json:"sub_codes"` // IIS sub-status, ascending
	Win32    []Win32Row   `json:"win32"`     // IIS sc-win32-status, ascending

	ClientAborted Aborted    `json:"client_aborted"`
	Incidents     []Incident `json:"incidents"`

	// Months holds one entry per calendar month of the period, each with
	// its days. Hourly is the per-clock-hour series, present only when
	// the period is short enough to read it (a few days). HourOfDay has
	// 24 entries (hour 0–23 summed over the period) or none.
	Months    []Month  `json:"months"`
	Hourly    []Bucket `json:"hourly"`
	HourOfDay []Bucket `json:"hour_of_day"`
	// Timeline is the whole period in steps of TimelineStep ("hour",
	// "day", "week", "month", "year", "10 years", "100 years", "1000
	// years"), chosen from the span so that it has at most about a
	// hundred steps, empty ones included: the status-class chart.
	Timeline     []Bucket `json:"timeline"`
	TimelineStep string   `json:"timeline_step"`

	TopURLs      TopList   `json:"top_urls"`
	TopURLsQuery TopList   `json:"top_urls_query"`
	Top404       TopList   `json:"top_404_urls"`
	Top5xx       TopList   `json:"top_5xx_urls"`
	Drill        []Drill   `json:"drill_down"`
	Clients      TopList   `json:"clients"`
	Referrers    TopList   `json:"referrers"`
	Agents       TopList   `json:"agents"`
	Methods      TopList   `json:"methods"`
	Protocols    TopList   `json:"protocols"`
	Vhosts       TopList   `json:"vhosts"`
	Latency      []Latency `json:"latency"`
	// Visits are the visits, entry and exit pages; nil (null) when the
	// source does not count them (ClickHouse).
	Visits *VisitsPanel `json:"visits"`
	// AgentPanels are the Browsers, Operating systems, Devices and Bots
	// panels and the split of every request by kind of sender; null when
	// the source does not classify user agents (a ClickHouse table).
	AgentPanels *Agents `json:"agent_panels"`
	// Extras are the referring sites, search, content, remote users and
	// status by virtual host panels (keys present when counted).
	Extras

	Diagnostics Diagnostics `json:"diagnostics"`

	// Geo is the Countries and Networks (ASN) panels, from the databases
	// given with --geoip-db; null without one. GeoHint says a renderer
	// should then say how to enable them (not for ClickHouse sources).
	Geo     *Geo `json:"geo"`
	GeoHint bool `json:"-"`
}

// Period is the time range covered, as RFC 3339 timestamps in the
// report's zone (UTC unless a zone was chosen). Start and End are empty
// when no request had a time.
type Period struct {
	Start string `json:"start"`
	End   string `json:"end"`
	// Zone is the time zone of days, hours and labels ("UTC",
	// "Europe/Paris").
	Zone  string `json:"zone"`
	Since string `json:"since,omitempty"` // --since, when given
	Until string `json:"until,omitempty"` // --until, when given
	// FirstRequest and LastRequest are the times of the first and last
	// dated requests (End is the end of the last minute).
	FirstRequest string `json:"first_request,omitempty"`
	LastRequest  string `json:"last_request,omitempty"`
}

// Generator names the program that built a Model and when.
type Generator struct {
	Name    string `json:"name"`    // "webalyze"
	Version string `json:"version"` // build version, "" when unknown
	Time    string `json:"time"`    // RFC 3339, "" when not stamped
}

// Estimate is one figure of a Model that is not an exact count.
type Estimate struct {
	Path  string `json:"path"`  // JSON path, as in Model.Approximate
	What  string `json:"what"`  // the figure in words: "URLs answered 404"
	Error string `json:"error"` // its bound in words
}

// Lines counts every line read by exactly one outcome.
type Lines struct {
	Read      int64 `json:"read"`
	Parsed    int64 `json:"parsed"`
	Malformed int64 `json:"malformed"`
	Skipped   int64 `json:"skipped"`
	Filtered  int64 `json:"filtered"`
}

// Count is a number that may be an estimate. When Exact is false, N is
// within RelErr (a fraction, e.g. 0.01) of the true value.
type Count struct {
	N      int64   `json:"n"`
	Exact  bool    `json:"exact"`
	RelErr float64 `json:"rel_err,omitempty"`
}

// Status is the JSON status contract: counts per class ("2xx"), per code
// ("404") and per IIS sub-status ("404.2"). NoStatus counts requests
// whose log had no status field: classes (and codes) plus NoStatus sum to
// the requests.
type Status struct {
	Classes  map[string]int64 `json:"classes"`
	Codes    map[string]int64 `json:"codes"`
	Subcodes map[string]int64 `json:"subcodes"`
	NoStatus int64            `json:"no_status"`
}

// ClassRow is one status class: "0xx" holds 000 ("no response", as AWS
// load balancers log it), "1xx" to "5xx" the standard classes, and
// "non-standard" the codes 001–099 and 600–999, each kept by number in
// [Model.Codes].
type ClassRow struct {
	Class string  `json:"class"`
	Hits  int64   `json:"requests"`
	Bytes int64   `json:"bytes"`
	Share float64 `json:"share"` // of requests, 0–1
}

// CodeRow is one status code with its registry entry.
type CodeRow struct {
	Code      string  `json:"code"` // three digits
	Reason    string  `json:"reason"`
	Class     string  `json:"class"`
	Source    string  `json:"source"`    // RFC9110, nginx, iis, aws-elb, ...
	Cacheable bool    `json:"cacheable"` // heuristically cacheable by default
	Known     bool    `json:"known"`     // in the registry
	Hits      int64   `json:"requests"`
	Bytes     int64   `json:"bytes"`
	Share     float64 `json:"share"`
}

// SubCodeRow is one IIS sub-status such as "404.2".
type SubCodeRow struct {
	Code    string `json:"code"` // "404.2"
	Meaning string `json:"meaning"`
	Hits    int64  `json:"requests"`
	// Share is of the parent code's requests that carry a sub-status
	// (IIS logs), not of those from logs without one.
	Share float64 `json:"share"`
}

// Win32Row is one IIS sc-win32-status value.
type Win32Row struct {
	Status  int64   `json:"status"`
	Meaning string  `json:"meaning"`
	Hits    int64   `json:"requests"`
	Share   float64 `json:"share"` // of the requests that carry a sc-win32-status
}

// ClassCounts counts requests per status class in one bucket: X0 is
// "0xx" (000 only), X1–X5 are "1xx"–"5xx", NonStandard is "non-standard".
type ClassCounts struct {
	X0          int64 `json:"0xx"`
	X1          int64 `json:"1xx"`
	X2          int64 `json:"2xx"`
	X3          int64 `json:"3xx"`
	X4          int64 `json:"4xx"`
	X5          int64 `json:"5xx"`
	NonStandard int64 `json:"non-standard"` // 001–099 and 600–999
}

// ClassNonStandard is the index of "non-standard" in [ClassNames].
const ClassNonStandard = status.ClassNonStandard

// ClassNames lists the classes in display order; index i matches
// [ClassCounts.At]. They are the status package's classes.
var ClassNames = status.ClassNames

// At returns the count for class index i: 0 for "0xx" (000 only), 1–5
// for "1xx"–"5xx", [ClassNonStandard] for "non-standard".
func (c ClassCounts) At(i int) int64 {
	switch i {
	case 0:
		return c.X0
	case 1:
		return c.X1
	case 2:
		return c.X2
	case 3:
		return c.X3
	case 4:
		return c.X4
	case 5:
		return c.X5
	case ClassNonStandard:
		return c.NonStandard
	}
	return 0
}

// Add adds n to class index i (see [ClassCounts.At]); an index outside
// [ClassNames] adds nothing.
func (c *ClassCounts) Add(i int, n int64) {
	switch i {
	case 0:
		c.X0 += n
	case 1:
		c.X1 += n
	case 2:
		c.X2 += n
	case 3:
		c.X3 += n
	case 4:
		c.X4 += n
	case 5:
		c.X5 += n
	case ClassNonStandard:
		c.NonStandard += n
	}
}

// Total is the sum over all classes.
func (c ClassCounts) Total() int64 {
	return c.X0 + c.X1 + c.X2 + c.X3 + c.X4 + c.X5 + c.NonStandard
}

// Bucket is one time slot (minute, hour, day or month) or one hour of the
// day.
type Bucket struct {
	Label string `json:"label"` // "2026-01-02", "14:00", ...
	Start string `json:"start"` // RFC 3339, empty for hour-of-day
	Hits  int64  `json:"requests"`
	Bytes int64  `json:"bytes"`
	Pages int64  `json:"pages"`
	// Visitors are the unique visitors of a day, summed over the days of
	// a longer bucket (as GoAccess sums them); nil (JSON null) where they
	// are not counted: minutes, clock hours, hours of the day, and days
	// in a zone other than the State's.
	Visitors *int64      `json:"visitors"`
	Aborted  int64       `json:"aborted"` // 499 + 444
	Classes  ClassCounts `json:"classes"`
	// NoStatus counts requests without a status: Classes plus NoStatus
	// sum to Hits.
	NoStatus int64 `json:"no_status"`
	// Codes counts requests per status code ("502"), when the input has
	// per-code counts (every Build from a State does).
	Codes map[string]int64 `json:"codes,omitempty"`
}

// Month is one calendar month with its daily series.
type Month struct {
	Key    string   `json:"key"`    // "2026-01"
	Label  string   `json:"label"`  // "January 2026"
	Anchor string   `json:"anchor"` // HTML id, "m-2026-01"
	Total  Bucket   `json:"total"`
	Days   []Bucket `json:"days"`
}

// Aborted describes client-aborted requests (nginx 499 and 444).
type Aborted struct {
	Hits    int64     `json:"requests"`
	Share   float64   `json:"share"`
	Codes   []CodeRow `json:"codes"`
	Series  []Bucket  `json:"series"` // per step of Model.Timeline
	TopURLs TopList   `json:"top_urls"`
}

// Incident is a stretch of minutes with significantly more errors than
// the surrounding traffic predicts (see [FindIncidentsIn]), and its
// per-minute timeline.
type Incident struct {
	Start  string  `json:"start"` // RFC 3339, first minute of the stretch
	End    string  `json:"end"`   // RFC 3339, end of the last minute
	Errors int64   `json:"errors"`
	Hits   int64   `json:"requests"`
	Rate   float64 `json:"rate"` // Errors / Hits
	What   string  `json:"what"` // what counts as an error, e.g. "5xx"
	// Peak is the minute with the most errors, and its counts.
	Peak       string `json:"peak"`
	PeakErrors int64  `json:"peak_errors"`
	PeakHits   int64  `json:"peak_requests"`
	// Baseline is the error rate the surrounding traffic predicts,
	// Expected the errors it predicts for these requests, Excess =
	// Errors - Expected (the incident's impact, by which incidents are
	// ranked), and PValue the one-sided Poisson probability of at least
	// Errors errors at the baseline.
	Baseline float64  `json:"baseline"`
	Expected float64  `json:"expected"`
	Excess   float64  `json:"excess"`
	PValue   float64  `json:"p_value"`
	Minutes  []Bucket `json:"minutes"`
}

// TopList is a ranked list. When Exact is false the counts come from a
// bounded summary (Space-Saving): each row's hits may be overstated by at
// most its Err, and ErrorBound is the largest such error.
type TopList struct {
	Title      string   `json:"title"`
	Total      int64    `json:"total"` // hits over everything, listed or not
	Distinct   int64    `json:"distinct"`
	Exact      bool     `json:"exact"`
	ErrorBound int64    `json:"error_bound"`
	Rows       []TopRow `json:"rows"`
}

// TopRow is one entry of a [TopList].
type TopRow struct {
	Key   string `json:"key"`
	Hits  int64  `json:"requests"`
	Bytes int64  `json:"bytes"`
	// Visitors are the key's visitor-days; exact up to
	// aggregate.SmallExact, an estimate (about 6.5 %) past it, and never
	// more than the key's requests nor Model.Visitors.
	Visitors      int64   `json:"visitors"`
	VisitorsExact bool    `json:"visitors_exact"`
	Share         float64 `json:"share"` // Hits / TopList.Total
	Err           int64   `json:"err"`   // hits may be overstated by up to Err
	// Latency of the key's requests (top URLs, when the log has request
	// times), within sketch.LatencyAccuracy.
	Latency *Latency `json:"latency,omitempty"`
}

// Drill is the drill-down for one status code.
type Drill struct {
	Code    string  `json:"code"`
	Reason  string  `json:"reason"`
	Hits    int64   `json:"requests"`
	URLs    TopList `json:"urls"`
	Clients TopList `json:"clients"`
}

// Latency holds response-time percentiles, in milliseconds, for one scope:
// "all", a class ("2xx", "non-standard"), a code ("503") or "upstream"
// (the backend time of a proxy). RelErr is the sketch's relative error
// bound.
type Latency struct {
	Scope  string  `json:"scope"`
	Count  int64   `json:"count"`
	P50    float64 `json:"p50_ms"`
	P90    float64 `json:"p90_ms"`
	P95    float64 `json:"p95_ms"`
	P99    float64 `json:"p99_ms"`
	Max    float64 `json:"max_ms"`
	RelErr float64 `json:"rel_err"`
}

// Diagnostics explains what could not be parsed, and what looks odd.
type Diagnostics struct {
	Reasons    []ReasonRow `json:"reasons"`
	Samples    []Sample    `json:"samples"`
	FileErrors []FileError `json:"file_errors"`
	// EarlierFileErrors are the file errors of earlier runs of an
	// incremental series (--state), oldest first: history, not faults of
	// this run, and absent when there are none.
	EarlierFileErrors []FileError `json:"earlier_file_errors,omitempty"`
	// TimeOutliers are the requests dated far outside the bulk of the
	// data; nil (null) when there are none.
	TimeOutliers *TimeOutliers `json:"time_outliers"`
}

// TimeOutliers are requests dated far outside the bulk of the data (a
// flipped digit, an epoch-0 clock, a spliced line): counted like any
// other request, and named here, since they stretch the period. The bulk
// is the span holding 99 % of the dated requests; far is further from it
// than ten times its length, and than a year.
type TimeOutliers struct {
	Requests  int64    `json:"requests"`
	BulkStart string   `json:"bulk_start"` // RFC 3339
	BulkEnd   string   `json:"bulk_end"`
	Minutes   []Bucket `json:"minutes"`   // up to 20, oldest first: label, start, hits
	Truncated bool     `json:"truncated"` // more minutes than listed
}

// ReasonRow is one malformed-line reason.
type ReasonRow struct {
	Reason string  `json:"reason"`
	Count  int64   `json:"count"`
	Share  float64 `json:"share"` // of lines read
}

// Sample is one malformed line kept for the report. Line and Column are
// 1-based; Offset is the byte offset of the line in the (decompressed)
// file.
type Sample struct {
	File   string `json:"file"`
	Line   int64  `json:"line"`
	Offset int64  `json:"offset"`
	Column int    `json:"column"`
	Field  string `json:"field"`
	Reason string `json:"reason"`
	Detail string `json:"detail"`
	Text   string `json:"text"`
	// TextLen is the length of the whole line; Text keeps at most its
	// first 512 bytes. 0 when unknown.
	TextLen int `json:"text_len"`
}

// FileError is an input that failed (unreadable, truncated, corrupt).
type FileError struct {
	File  string `json:"file"`
	Error string `json:"error"`
	// At is, for an earlier run's error, when that run started (RFC
	// 3339, UTC); empty when unknown.
	At string `json:"at,omitempty"`
}
