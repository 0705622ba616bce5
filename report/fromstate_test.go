package report

import (
	"bytes"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/webalyze/webalyze/aggregate"
	"github.com/webalyze/webalyze/parser"
)

// ev is one call on a State: a record, or a malformed, skipped or
// filtered line, a file error or a format.
type ev struct {
	rec      *parser.Record
	mal      *aggregate.Malformed
	skip     parser.Reason
	filtered uint64
	fileErr  [2]string
	format   [2]string
}

func (e ev) apply(s *aggregate.State) {
	switch {
	case e.rec != nil:
		s.Add(e.rec)
	case e.mal != nil:
		s.AddMalformed(*e.mal)
	case e.skip != "":
		s.AddSkipped(e.skip, 1)
	case e.filtered > 0:
		s.AddFiltered(e.filtered)
	case e.fileErr[0] != "":
		s.AddFileError(e.fileErr[0], e.fileErr[1])
	default:
		s.SetFormat(e.format[0], e.format[1])
	}
}

// req is a compact description of a record; see its rec method.
type req struct {
	ts     string // RFC 3339; "" for a record without a time
	status int    // -1: no status field
	path   string
	sub    int // IIS sc-substatus, -1: none
	win32  int // IIS sc-win32-status, -1: none
	host   string
	agent  string
	ref    string
	vhost  string
	bytes  uint64
	dur    int64 // microseconds, -1: none
	up     int64 // upstream microseconds, -1: none
}

// r returns a request at ts with status and path, from 10.0.0.1 with
// agent "test", 100 bytes and no IIS fields or times.
func r(ts string, status int, path string) req {
	return req{ts: ts, status: status, path: path, sub: -1, win32: -1, host: "10.0.0.1", agent: "test", bytes: 100, dur: -1, up: -1}
}

func (q req) rec() *parser.Record {
	rec := &parser.Record{
		Host: []byte(q.host), UserAgent: []byte(q.agent), Referer: []byte(q.ref), VHost: []byte(q.vhost),
		Method: []byte("GET"), Protocol: []byte("HTTP/1.1"), Bytes: q.bytes, HasBytes: true,
	}
	path, query, _ := strings.Cut(q.path, "?")
	rec.Path, rec.Query = []byte(path), []byte(query)
	if q.ts != "" {
		rec.HasTime, rec.Time = true, at(q.ts).Unix()
	}
	if q.status >= 0 {
		rec.HasStatus, rec.Status = true, uint16(q.status)
	}
	if q.sub >= 0 {
		rec.HasSubStatus, rec.SubStatus = true, uint32(q.sub)
	}
	if q.win32 >= 0 {
		rec.HasWin32Status, rec.Win32Status = true, uint32(q.win32)
	}
	if q.dur >= 0 {
		rec.HasDuration, rec.Duration = true, q.dur
	}
	if q.up >= 0 {
		rec.HasUpstream, rec.Upstream = true, q.up
	}
	return rec
}

func recs(qs ...req) []ev {
	out := make([]ev, len(qs))
	for i, q := range qs {
		out[i].rec = q.rec()
	}
	return out
}

func stateOf(opts aggregate.Options, evs []ev) *aggregate.State {
	st := aggregate.New(opts)
	for _, e := range evs {
		e.apply(st)
	}
	return st
}

// checkReconciled checks that every count of m adds up: the lines, the
// classes and codes (with the requests without a status), and the time
// series (with the requests without a time).
func checkReconciled(t *testing.T, m *Model) {
	t.Helper()
	l := m.Lines
	if l.Read != l.Parsed+l.Malformed+l.Skipped+l.Filtered {
		t.Errorf("lines %+v do not add up", l)
	}
	if m.Requests != l.Parsed {
		t.Errorf("requests %d != parsed %d", m.Requests, l.Parsed)
	}
	sum := func(mp map[string]int64) (n int64) {
		for _, v := range mp {
			n += v
		}
		return n
	}
	if got := sum(m.Status.Classes) + m.Status.NoStatus; got != l.Parsed {
		t.Errorf("classes %v + no status %d = %d, want parsed %d", m.Status.Classes, m.Status.NoStatus, got, l.Parsed)
	}
	if got := sum(m.Status.Codes) + m.Status.NoStatus; got != l.Parsed {
		t.Errorf("codes + no status = %d, want parsed %d", got, l.Parsed)
	}
	var rows int64
	for _, c := range m.Classes {
		rows += c.Hits
	}
	if rows+m.Status.NoStatus != l.Parsed {
		t.Errorf("class rows %d + no status %d != parsed %d", rows, m.Status.NoStatus, l.Parsed)
	}
	if got := sum(m.MalformedReasons); got != l.Malformed {
		t.Errorf("malformed reasons sum to %d, want %d", got, l.Malformed)
	}
	if got := sum(m.SkippedReasons); got != l.Skipped {
		t.Errorf("skipped reasons sum to %d, want %d", got, l.Skipped)
	}
	// Every bucket's classes (all of them, non-standard included) and its
	// requests without a status sum to its hits.
	bucket := func(kind string, b Bucket) {
		t.Helper()
		if b.Classes.Total()+b.NoStatus != b.Hits {
			t.Errorf("%s %s: classes %+v + no status %d != hits %d", kind, b.Label, b.Classes, b.NoStatus, b.Hits)
		}
	}
	var days, months, hours int64
	for _, mo := range m.Months {
		months += mo.Total.Hits
		bucket("month", mo.Total)
		for _, d := range mo.Days {
			days += d.Hits
			bucket("day", d)
		}
	}
	for _, h := range m.Hourly {
		bucket("hour", h)
	}
	for _, h := range m.HourOfDay {
		bucket("hour of day", h)
	}
	for _, inc := range m.Incidents {
		for _, mi := range inc.Minutes {
			bucket("incident minute", mi)
		}
	}
	for _, h := range m.HourOfDay {
		hours += h.Hits
	}
	if days+m.Undated != l.Parsed || months+m.Undated != l.Parsed {
		t.Errorf("days %d / months %d + undated %d != parsed %d", days, months, m.Undated, l.Parsed)
	}
	if len(m.HourOfDay) > 0 && hours+m.Undated != l.Parsed {
		t.Errorf("hours of day %d + undated %d != parsed %d", hours, m.Undated, l.Parsed)
	}
	if m.Requests > 0 && (m.TopURLs.Total != m.Requests || m.Clients.Total != m.Requests) {
		t.Errorf("top list totals %d/%d != requests %d", m.TopURLs.Total, m.Clients.Total, m.Requests)
	}
}

func codeRow(m *Model, code string) *CodeRow {
	for i := range m.Codes {
		if m.Codes[i].Code == code {
			return &m.Codes[i]
		}
	}
	return nil
}

func keys(l TopList) string {
	var parts []string
	for _, r := range l.Rows {
		parts = append(parts, fmt.Sprintf("%s=%d", r.Key, r.Hits))
	}
	return strings.Join(parts, " ")
}

func TestBuild(t *testing.T) {
	const day = "2026-05-04T"
	tests := []struct {
		name  string
		opts  aggregate.Options
		bopts BuildOptions
		evs   []ev
		check func(t *testing.T, m *Model)
	}{
		{
			name: "lines and reconciliation",
			evs: slices.Concat(
				recs(r(day+"10:00:00Z", 200, "/"), r(day+"10:00:30Z", 200, "/a.css"), r(day+"10:05:00Z", 404, "/x"),
					r("", 200, "/undated.html"), r(day+"11:00:00Z", -1, "/nostatus"), r("", -1, "/nostatus")),
				[]ev{
					{mal: &aggregate.Malformed{Reason: parser.ReasonInvalidStatus, File: "a.log", Line: 7, Text: []byte("bad")}},
					{mal: &aggregate.Malformed{Reason: parser.ReasonLineTooLong, File: "a.log", Line: 9, Text: bytes.Repeat([]byte("x"), 600)}},
					{skip: parser.ReasonDirective}, {skip: parser.ReasonDirective}, {skip: parser.ReasonBlank},
					{filtered: 3},
					{fileErr: [2]string{"b.log.gz", "unexpected EOF"}},
					{format: [2]string{"a.log", "combined"}},
				}),
			check: func(t *testing.T, m *Model) {
				if m.Lines != (Lines{Read: 14, Parsed: 6, Malformed: 2, Skipped: 3, Filtered: 3}) {
					t.Errorf("lines = %+v", m.Lines)
				}
				if !reflect.DeepEqual(m.SkippedReasons, map[string]int64{"directive": 2, "blank": 1}) {
					t.Errorf("skipped reasons = %v", m.SkippedReasons)
				}
				// Pages: /, /x, /undated.html and /nostatus twice (no extension).
				if m.Status.NoStatus != 2 || m.Undated != 2 || m.Pages != 5 || m.Bytes != 600 {
					t.Errorf("no status %d, undated %d, pages %d, bytes %d", m.Status.NoStatus, m.Undated, m.Pages, m.Bytes)
				}
				d := m.Months[0].Days[0]
				if d.Hits != 4 || d.NoStatus != 1 || d.Pages != 3 || visits(d.Visitors) != 1 {
					t.Errorf("day = %+v", d)
				}
				if s := m.Diagnostics.Samples; len(s) != 2 || s[1].Reason != "line_too_long" || len(s[1].Text) != 512 || s[1].TextLen != 600 {
					t.Errorf("samples = %+v", s)
				}
				if fe := m.Diagnostics.FileErrors; len(fe) != 1 || fe[0].File != "b.log.gz" {
					t.Errorf("file errors = %+v", fe)
				}
				if m.Formats["a.log"] != "combined" || m.Period.Zone != "UTC" || m.Period.Start != day+"10:00:00Z" || m.Period.End != day+"11:01:00Z" {
					t.Errorf("formats %v, period %+v", m.Formats, m.Period)
				}
				if len(m.Approximate) != 0 || !m.Visitors.Exact || !m.DistinctClients.Exact {
					t.Errorf("approximate = %v", m.Approximate)
				}
			},
		},
		{
			name: "client aborted",
			evs: recs(r(day+"10:00:00Z", 499, "/slow"), r(day+"10:00:01Z", 499, "/slow"), r(day+"10:01:00Z", 499, "/export"),
				r(day+"10:02:00Z", 444, "/wp-login.php"), r(day+"10:03:00Z", 200, "/")),
			check: func(t *testing.T, m *Model) {
				a := m.ClientAborted
				if a.Hits != 4 || a.Share != 0.8 || len(a.Codes) != 2 {
					t.Fatalf("aborted = %+v", a)
				}
				if a.Codes[0].Code != "444" || a.Codes[0].Reason != "No Response" || a.Codes[1].Reason != "Client Closed Request" || a.Codes[1].Source != "nginx" {
					t.Errorf("aborted codes = %+v", a.Codes)
				}
				if got := keys(a.TopURLs); got != "/slow=2 /export=1 /wp-login.php=1" || !a.TopURLs.Exact {
					t.Errorf("aborted URLs = %s", got)
				}
				var series int64
				for _, b := range a.Series {
					series += b.Hits
				}
				if series != 4 {
					t.Errorf("aborted series sums to %d", series)
				}
			},
		},
		{
			name: "IIS sub-status and win32",
			evs: slices.Concat([]ev{{format: [2]string{"u_ex260504.log", "iis"}}}, recs(
				req{ts: day + "10:00:00Z", status: 404, sub: 2, win32: 0, path: "/cgi/x.exe", dur: -1, up: -1},
				req{ts: day + "10:00:01Z", status: 404, sub: 2, win32: 0, path: "/cgi/x.exe", dur: -1, up: -1},
				req{ts: day + "10:00:02Z", status: 404, sub: 0, win32: 2, path: "/gone", dur: -1, up: -1},
				req{ts: day + "10:00:03Z", status: 401, sub: 1, win32: 1326, path: "/private", dur: -1, up: -1},
				req{ts: day + "10:00:04Z", status: 451, sub: 0, win32: 64, path: "/Microsoft-Server-ActiveSync", dur: -1, up: -1},
			)),
			check: func(t *testing.T, m *Model) {
				if !reflect.DeepEqual(m.Status.Subcodes, map[string]int64{"401.1": 1, "404.0": 1, "404.2": 2, "451.0": 1}) {
					t.Errorf("subcodes = %v", m.Status.Subcodes)
				}
				var s404 *SubCodeRow
				for i := range m.SubCodes {
					if m.SubCodes[i].Code == "404.2" {
						s404 = &m.SubCodes[i]
					}
				}
				if s404 == nil || s404.Meaning != "ISAPI or CGI restriction" || math.Abs(s404.Share-2.0/3) > 1e-12 {
					t.Errorf("404.2 = %+v", s404)
				}
				if m.SubCodes[0].Code != "401.1" || m.SubCodes[0].Meaning != "Logon failed" {
					t.Errorf("401.1 = %+v", m.SubCodes[0])
				}
				w := map[int64]string{}
				for _, r := range m.Win32 {
					w[r.Status] = r.Meaning
				}
				if w[64] != "The specified network name is no longer available" || w[2] != "The system cannot find the file specified" {
					t.Errorf("win32 = %+v", m.Win32)
				}
				// An IIS log: 451 is Exchange ActiveSync's, not RFC 7725's.
				if c := codeRow(m, "451"); c == nil || c.Reason != "Redirect" || c.Source != "iis" {
					t.Errorf("451 = %+v", c)
				}
			},
		},
		{
			name: "non-standard codes keep their number",
			evs: recs(r(day+"10:00:00Z", 0, "/h2"), r(day+"10:00:00Z", 561, "/auth"), r(day+"10:00:00Z", 999, "/x"),
				r(day+"10:00:00Z", 1, "/y"), r(day+"10:00:00Z", 600, "/z"), r(day+"10:00:00Z", 200, "/")),
			check: func(t *testing.T, m *Model) {
				for _, c := range []string{"000", "001", "561", "600", "999"} {
					if m.Status.Codes[c] != 1 {
						t.Errorf("code %s = %d", c, m.Status.Codes[c])
					}
				}
				if c := codeRow(m, "000"); c == nil || !c.Known || c.Source != "aws-elb" || c.Reason != "No Response" || c.Class != "0xx" {
					t.Errorf("000 = %+v", c)
				}
				if c := codeRow(m, "561"); c == nil || !c.Known || c.Class != "5xx" || c.Source != "aws-elb" {
					t.Errorf("561 = %+v", c)
				}
				if c := codeRow(m, "999"); c == nil || c.Known || c.Reason != "" {
					t.Errorf("999 = %+v", c)
				}
				for _, c := range []string{"001", "600", "999"} {
					if r := codeRow(m, c); r == nil || r.Class != "non-standard" {
						t.Errorf("%s = %+v, want class non-standard", c, r)
					}
				}
				if m.Status.Classes["0xx"] != 1 || m.Status.Classes["non-standard"] != 3 || m.Status.Classes["5xx"] != 1 {
					t.Errorf("classes = %v", m.Status.Classes)
				}
				if d := m.Months[0].Days[0].Classes; d.X0 != 1 || d.NonStandard != 3 || d.X5 != 1 || d.X2 != 1 {
					t.Errorf("day classes = %+v, want 0xx 1, non-standard 3, 2xx 1, 5xx 1", d)
				}
				// 000 and the non-standard codes are error codes: each has
				// a drill-down.
				var drill []string
				for _, d := range m.Drill {
					drill = append(drill, d.Code)
				}
				if got := strings.Join(drill, " "); got != "000 001 561 600 999" {
					t.Errorf("drill-downs for %s, want 000 001 561 600 999", got)
				}
				if got := keys(m.Top5xx); got != "/auth=1" {
					t.Errorf("top 5xx = %s", got)
				}
			},
		},
		{
			name: "approximate top lists",
			opts: aggregate.Options{TopCapacity: 3, DrillCapacity: 2},
			evs: recs(r(day+"10:00:00Z", 200, "/a"), r(day+"10:00:00Z", 200, "/a"), r(day+"10:00:00Z", 200, "/a"),
				r(day+"10:00:00Z", 200, "/b"), r(day+"10:00:00Z", 200, "/b"),
				r(day+"10:00:00Z", 404, "/m1"), r(day+"10:00:00Z", 404, "/m2"), r(day+"10:00:00Z", 404, "/m3"),
				r(day+"10:00:00Z", 404, "/m4"), r(day+"10:00:00Z", 404, "/m1")),
			check: func(t *testing.T, m *Model) {
				u := m.TopURLs
				if u.Exact || u.ErrorBound == 0 || u.Distinct != 0 || u.Total != 10 || len(u.Rows) != 3 {
					t.Errorf("top URLs = %+v", u)
				}
				// Space-Saving: a listed key's true count is in [Hits-Err, Hits].
				truth := map[string]int64{"/a": 3, "/b": 2, "/m1": 2, "/m2": 1, "/m3": 1, "/m4": 1}
				for _, r := range u.Rows {
					if n := truth[r.Key]; n > r.Hits || n < r.Hits-r.Err || r.Err > u.ErrorBound {
						t.Errorf("row %+v (true count %d, bound %d)", r, n, u.ErrorBound)
					}
				}
				if !m.Clients.Exact || m.Clients.Distinct != 1 || !m.Methods.Exact {
					t.Errorf("clients %+v, methods %+v", m.Clients, m.Methods)
				}
				// No record has a query string, so the URLs-with-query list
				// is empty and exact.
				want := []string{"top_urls", "top_404_urls", "drill_down.404.urls"}
				if !reflect.DeepEqual(m.Approximate, want) {
					t.Errorf("approximate = %v, want %v", m.Approximate, want)
				}
				var html, text bytes.Buffer
				if err := WriteHTML(&html, m); err != nil {
					t.Fatal(err)
				}
				if !strings.Contains(html.String(), `id="approximate"`) || !strings.Contains(html.String(), "approximate: a count may be overstated by up to") {
					t.Error("HTML does not say which lists are approximate")
				}
				if err := WriteText(&text, m); err != nil {
					t.Fatal(err)
				}
				for _, want := range []string{"Estimate: Top URLs: each request count may be overstated by up to 3 (30.0% of the list's 10 requests)",
					"Estimate: URLs answered 404: each request count may be overstated by up to 2"} {
					if !strings.Contains(text.String(), want) {
						t.Errorf("text does not say %q:\n%s", want, text.String())
					}
				}
				if strings.Contains(html.String(), "drill_down.404") || !strings.Contains(html.String(), "URLs answered 404: each request count may be overstated by up to 2") {
					t.Error("HTML does not say in words which figures are estimates")
				}
			},
		},
		{
			name: "visitors and clients",
			evs: recs(
				req{ts: day + "10:00:00Z", status: 200, path: "/", host: "10.0.0.1", agent: "A", sub: -1, win32: -1, dur: -1, up: -1},
				req{ts: day + "11:00:00Z", status: 200, path: "/", host: "10.0.0.1", agent: "A", sub: -1, win32: -1, dur: -1, up: -1},
				req{ts: day + "12:00:00Z", status: 200, path: "/", host: "10.0.0.1", agent: "B", sub: -1, win32: -1, dur: -1, up: -1},
				req{ts: "2026-05-05T10:00:00Z", status: 200, path: "/", host: "10.0.0.1", agent: "A", sub: -1, win32: -1, dur: -1, up: -1},
				req{ts: "2026-05-05T10:00:00Z", status: 200, path: "/", host: "10.0.0.2", agent: "A", sub: -1, win32: -1, dur: -1, up: -1},
				req{ts: "", status: 200, path: "/", host: "10.0.0.3", agent: "A", sub: -1, win32: -1, dur: -1, up: -1},
			),
			check: func(t *testing.T, m *Model) {
				// Day 1: (1,A), (1,B); day 2: (1,A), (2,A); undated: (3,A).
				if m.Visitors != (Count{N: 5, Exact: true}) || m.DistinctClients != (Count{N: 3, Exact: true}) {
					t.Errorf("visitors %+v, clients %+v", m.Visitors, m.DistinctClients)
				}
				d := m.Months[0].Days
				if len(d) != 2 || visits(d[0].Visitors) != 2 || visits(d[1].Visitors) != 2 || visits(m.Months[0].Total.Visitors) != 4 {
					t.Errorf("daily visitors = %+v", d)
				}
			},
		},
		{
			name: "request times",
			evs: recs(
				req{ts: day + "10:00:00Z", status: 200, path: "/", dur: 10_000, up: 8_000, sub: -1, win32: -1},
				req{ts: day + "10:00:00Z", status: 200, path: "/", dur: 20_000, up: -1, sub: -1, win32: -1},
				req{ts: day + "10:00:00Z", status: 503, path: "/api", dur: 3_000_000, up: 2_900_000, sub: -1, win32: -1},
				req{ts: day + "10:00:00Z", status: 404, path: "/x", dur: -1, up: -1, sub: -1, win32: -1},
			),
			check: func(t *testing.T, m *Model) {
				got := map[string]Latency{}
				var scopes []string
				for _, l := range m.Latency {
					got[l.Scope] = l
					scopes = append(scopes, l.Scope)
				}
				if !reflect.DeepEqual(scopes, []string{"all", "2xx", "5xx", "200", "503", "upstream"}) {
					t.Errorf("scopes = %v", scopes)
				}
				if a := got["all"]; a.Count != 3 || a.Max != 3000 || math.Abs(a.P50-20)/20 > 0.01 || math.Abs(a.RelErr-0.01) > 1e-9 {
					t.Errorf("all = %+v", a)
				}
				if u := got["upstream"]; u.Count != 2 || u.Max != 2900 {
					t.Errorf("upstream = %+v", u)
				}
			},
		},
		{
			name: "bytes saturate",
			evs: recs(req{ts: day + "10:00:00Z", status: 200, path: "/big", bytes: math.MaxUint64 - 5, sub: -1, win32: -1, dur: -1, up: -1},
				req{ts: day + "10:00:00Z", status: 200, path: "/big", bytes: 10, sub: -1, win32: -1, dur: -1, up: -1}),
			check: func(t *testing.T, m *Model) {
				if !m.BytesSaturated || m.Bytes != math.MaxInt64 || m.Codes[0].Bytes != math.MaxInt64 {
					t.Errorf("saturated %v, bytes %d, code bytes %d", m.BytesSaturated, m.Bytes, m.Codes[0].Bytes)
				}
			},
		},
		{
			name:  "empty",
			check: func(t *testing.T, m *Model) {},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := stateOf(tt.opts, tt.evs)
			if err := st.Check(); err != nil {
				t.Fatal(err)
			}
			m := Build(st, tt.bopts)
			checkReconciled(t, m)
			tt.check(t, m)
			for _, w := range writers {
				if err := w.write(&bytes.Buffer{}, m); err != nil {
					t.Errorf("%s: %v", w.ext, err)
				}
			}
		})
	}
}

// TestBuildZone builds a report in Europe/Paris across both daylight-saving
// changes of 2026.
func TestBuildZone(t *testing.T) {
	paris := mustZone(t, "Europe/Paris")
	evs := recs(
		r("2026-03-28T23:30:00Z", 200, "/"), // 00:30 CET, the 29th
		r("2026-03-29T00:30:00Z", 200, "/"), // 01:30 CET
		r("2026-03-29T01:30:00Z", 200, "/"), // 03:30 CEST
		r("2026-10-24T22:30:00Z", 500, "/"), // 00:30 CEST, the 25th
		r("2026-10-25T00:30:00Z", 500, "/"), // 02:30 CEST
		r("2026-10-25T01:30:00Z", 500, "/"), // 02:30 CET
		r("2026-10-25T22:30:00Z", 200, "/"), // 23:30 CET, still the 25th
		r("2026-10-25T23:30:00Z", 200, "/"), // 00:30 CET, the 26th
	)
	st := stateOf(aggregate.Options{Location: paris}, evs)
	m := Build(st, BuildOptions{})
	checkReconciled(t, m)
	if m.Period.Zone != "Europe/Paris" || m.Period.Start != "2026-03-29T00:30:00+01:00" || m.Period.End != "2026-10-26T00:31:00+01:00" {
		t.Errorf("period = %+v", m.Period)
	}
	day := map[string]Bucket{}
	for _, mo := range m.Months {
		for _, d := range mo.Days {
			day[d.Label] = d
		}
	}
	for label, want := range map[string]int64{"2026-03-28": 0, "2026-03-29": 3, "2026-10-24": 0, "2026-10-25": 4, "2026-10-26": 1} {
		if day[label].Hits != want {
			t.Errorf("%s: %d requests, want %d", label, day[label].Hits, want)
		}
	}
	if d := day["2026-10-25"]; d.Start != "2026-10-25T00:00:00+02:00" || visits(d.Visitors) != 1 || d.Classes.X5 != 3 {
		t.Errorf("2026-10-25 = %+v", d)
	}
	if m.HourOfDay[2].Hits != 2 || m.HourOfDay[0].Hits != 3 || m.HourOfDay[3].Hits != 1 || m.HourOfDay[23].Hits != 1 {
		t.Errorf("hours of day: %+v", m.HourOfDay)
	}
	var html bytes.Buffer
	if err := WriteHTML(&html, m); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(html.String(), "summed over the period, Europe/Paris") || strings.Contains(html.String(), "(UTC)") {
		t.Error("HTML does not name the zone")
	}

	// In another zone than the State's, days move and per-day visitors,
	// counted in the State's days, are left out.
	u := Build(st, BuildOptions{Location: time.UTC})
	checkReconciled(t, u)
	if u.Period.Start != "2026-03-28T23:30:00Z" || u.Months[0].Days[0].Label != "2026-03-28" || u.Months[0].Days[0].Visitors != nil {
		t.Errorf("UTC build: period %+v, first day %+v", u.Period, u.Months[0].Days[0])
	}
}

// randEvents returns n random events: records around base (some without
// a time or status), malformed and skipped lines, filtered lines, file
// errors and formats.
func randEvents(seed uint64, n int) []ev {
	rnd := rand.New(rand.NewPCG(seed, 7))
	base := at("2026-03-28T00:00:00Z").Unix()
	codes := []int{200, 200, 200, 304, 404, 404, 500, 502, 503, 499, 444, 0, 561, 999, -1}
	out := make([]ev, n)
	for i := range out {
		file := fmt.Sprintf("f%d.log", rnd.IntN(3))
		switch k := rnd.IntN(100); {
		case k < 88:
			q := r("", codes[rnd.IntN(len(codes))], fmt.Sprintf("/p%d.html", rnd.IntN(40)))
			if rnd.IntN(10) != 0 {
				q.ts = time.Unix(base+int64(rnd.IntN(3*86400)), 0).UTC().Format(time.RFC3339)
			}
			q.host = fmt.Sprintf("10.0.0.%d", rnd.IntN(30))
			q.agent = []string{"A", "B", "C"}[rnd.IntN(3)]
			q.bytes = uint64(rnd.IntN(10_000))
			if rnd.IntN(3) == 0 {
				q.ref = fmt.Sprintf("https://ref%d.example/", rnd.IntN(5))
			}
			if rnd.IntN(4) == 0 {
				q.sub, q.win32 = rnd.IntN(3), rnd.IntN(2)*64
			}
			if rnd.IntN(2) == 0 {
				q.dur = int64(rnd.ExpFloat64() * 50_000)
			}
			out[i].rec = q.rec()
		case k < 93:
			out[i].mal = &aggregate.Malformed{Reason: []parser.Reason{parser.ReasonInvalidStatus, parser.ReasonMissingFields}[rnd.IntN(2)],
				File: file, Line: int64(i + 1), Offset: int64(i * 80), Text: []byte(fmt.Sprintf("bad line %d", i))}
		case k < 96:
			out[i].skip = parser.ReasonDirective
		case k < 98:
			out[i].filtered = 2
		case k < 99:
			out[i].fileErr = [2]string{file, fmt.Sprintf("read error %d", i)}
		default:
			out[i].format = [2]string{file, "combined"}
		}
	}
	return out
}

// TestBuildMerge checks that the report of States merged together is the
// report of one State fed everything.
func TestBuildMerge(t *testing.T) {
	evs := randEvents(1, 3000)
	for _, parts := range []int{2, 3, 7} {
		t.Run(fmt.Sprint(parts, " parts"), func(t *testing.T) {
			whole := stateOf(aggregate.Options{}, evs)
			merged := aggregate.New(aggregate.Options{})
			for p := range parts {
				lo, hi := p*len(evs)/parts, (p+1)*len(evs)/parts
				if err := merged.Merge(stateOf(aggregate.Options{}, evs[lo:hi])); err != nil {
					t.Fatal(err)
				}
			}
			if err := merged.Check(); err != nil {
				t.Fatal(err)
			}
			a, b := Build(whole, BuildOptions{}), Build(merged, BuildOptions{})
			checkReconciled(t, a)
			for _, w := range writers {
				var x, y bytes.Buffer
				if err := w.write(&x, a); err != nil {
					t.Fatal(err)
				}
				if err := w.write(&y, b); err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(x.Bytes(), y.Bytes()) {
					t.Errorf("%s of the merged States differs from the whole:\n%s", w.ext, firstDiff(y.Bytes(), x.Bytes()))
				}
			}
		})
	}
}

// goldenState is a small State that fills most of the JSON model.
func goldenState() *aggregate.State {
	evs := slices.Concat(
		[]ev{{format: [2]string{"access.log", "nginx"}}},
		recs(
			req{ts: "2026-05-04T10:00:00Z", status: 200, path: "/", host: "198.51.100.7", agent: "Mozilla/5.0", ref: "https://search.example/?q=x", vhost: "example.org", bytes: 5120, dur: 12_000, up: 10_000, sub: -1, win32: -1},
			req{ts: "2026-05-04T10:00:20Z", status: 200, path: "/app.css", host: "198.51.100.7", agent: "Mozilla/5.0", ref: "https://example.org/", vhost: "example.org", bytes: 900, dur: 1_000, up: -1, sub: -1, win32: -1},
			req{ts: "2026-05-04T10:01:00Z", status: 404, path: "/wp-login.php", host: "203.0.113.9", agent: "curl/8.5.0", bytes: 150, dur: 2_000, up: -1, sub: -1, win32: -1},
			req{ts: "2026-05-04T10:02:00Z", status: 499, path: "/api/search?q=slow", host: "198.51.100.7", agent: "Mozilla/5.0", dur: 30_000_000, up: -1, sub: -1, win32: -1},
			req{ts: "2026-05-04T10:02:30Z", status: 503, path: "/api/orders", host: "192.0.2.1", agent: "Mozilla/5.0", bytes: 200, dur: 5_000_000, up: 4_990_000, sub: -1, win32: -1},
			req{ts: "2026-05-04T10:03:00Z", status: 0, path: "/h2", host: "192.0.2.1", agent: "Mozilla/5.0", dur: -1, up: -1, sub: -1, win32: -1},
			req{ts: "", status: 200, path: "/undated", host: "192.0.2.2", agent: "Wget", bytes: 10, dur: -1, up: -1, sub: -1, win32: -1},
		),
		[]ev{
			{mal: &aggregate.Malformed{Reason: parser.ReasonInvalidStatus, File: "access.log", Line: 3, Offset: 210, Column: 58, Field: "$status", Detail: `"2e2" is not three digits`, Text: []byte(`1.2.3.4 - - [04/May/2026:10:00:00 +0000] "GET / HTTP/1.1" 2e2 5`)}},
			{skip: parser.ReasonBlank},
			{filtered: 2},
		},
	)
	return stateOf(aggregate.Options{}, evs)
}

func TestBuildGolden(t *testing.T) {
	m := Build(goldenState(), BuildOptions{Title: "example.org"})
	checkReconciled(t, m)
	var got bytes.Buffer
	if err := WriteJSON(&got, m); err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "state.json.golden", got.Bytes())
}

func TestTopVisitorsAtMostHits(t *testing.T) {
	// A visitor count past SmallExact is a HyperLogLog estimate, which can
	// overshoot; a row never shows more visitors than its hits.
	st := stateOf(aggregate.Options{}, recs(
		req{ts: "2026-05-04T10:00:00Z", status: 200, path: "/a", host: "192.0.2.1", agent: "x", dur: -1, up: -1, sub: -1, win32: -1},
		req{ts: "2026-05-04T10:00:01Z", status: 200, path: "/a", host: "192.0.2.2", agent: "x", dur: -1, up: -1, sub: -1, win32: -1},
	))
	e := st.URLs.Get("/a")
	e.Visitors.Regs = new([256]uint8) // an estimate far above 2
	for i := range e.Visitors.Regs {
		e.Visitors.Regs[i] = 20
	}
	if e.Visitors.Count() <= e.Hits {
		t.Fatalf("set-up: estimate %d is not above %d hits", e.Visitors.Count(), e.Hits)
	}
	m := Build(st, BuildOptions{})
	if len(m.TopURLs.Rows) != 1 || m.TopURLs.Rows[0].Visitors != 2 {
		t.Errorf("rows %+v: want /a with 2 visitors (its hits)", m.TopURLs.Rows)
	}
}

// TestMinutesInOrder checks both ways of ordering minute buckets: placed
// by index (a dense period) and sorted (sparse, even across the whole
// int64 range), against sorting.
func TestMinutesInOrder(t *testing.T) {
	tests := []struct {
		name string
		keys []int64
	}{
		{"empty", nil},
		{"one", []int64{28_000_000}},
		{"dense month", func() (k []int64) {
			for i := range int64(43_200) {
				if i%7 != 3 {
					k = append(k, 28_000_000+i)
				}
			}
			return k
		}()},
		{"negative", []int64{-5, -3, -4, 0, 2}},
		{"sparse", []int64{0, 1 << 40, 1 << 20, -(1 << 30)}},
		{"whole range", []int64{math.MinInt64, math.MaxInt64, 0, -1, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := map[int64]*aggregate.MinuteBucket{}
			want := 0
			for _, k := range tt.keys {
				b := &aggregate.MinuteBucket{Requests: uint64(k)}
				for c := range int(uint64(k) % 3) {
					b.Codes = append(b.Codes, aggregate.CodeCount{Code: uint16(200 + c), N: 1})
				}
				want += len(b.Codes)
				m[k] = b
			}
			got, nCodes := minutesInOrder(m)
			keys := slices.Sorted(maps.Keys(m))
			if len(got) != len(keys) || nCodes != want {
				t.Fatalf("%d buckets, %d codes; want %d, %d", len(got), nCodes, len(keys), want)
			}
			for i, kb := range got {
				if kb.key != keys[i] || kb.b != m[keys[i]] {
					t.Fatalf("bucket %d is minute %d, want %d", i, kb.key, keys[i])
				}
			}
		})
	}
}

// visits is a bucket's visitors, -1 when they are not counted.
func visits(p *int64) int64 {
	if p == nil {
		return -1
	}
	return *p
}
