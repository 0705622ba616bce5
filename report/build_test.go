package report

import (
	"bytes"
	"reflect"
	"testing"
)

func testLookup(code int) StatusInfo {
	switch code {
	case 200:
		return StatusInfo{"OK", "2xx", "RFC9110", true, true}
	case 404:
		return StatusInfo{"Not Found", "4xx", "RFC9110", true, true}
	case 499:
		return StatusInfo{"Client Closed Request", "4xx", "nginx", false, true}
	case 444:
		return StatusInfo{"No Response", "4xx", "nginx", false, true}
	case 500:
		return StatusInfo{"Internal Server Error", "5xx", "RFC9110", false, true}
	case 503:
		return StatusInfo{"Service Unavailable", "5xx", "RFC9110", false, true}
	case 0:
		return StatusInfo{"No Response", "0xx", "aws-elb", false, true}
	}
	return StatusInfo{}
}

func list(exact bool, bound int64, kv ...any) TopList {
	l := TopList{Exact: exact, ErrorBound: bound}
	for i := 0; i < len(kv); i += 2 {
		n := int64(kv[i+1].(int))
		l.Rows = append(l.Rows, TopRow{Key: kv[i].(string), Hits: n, Bytes: n * 100, Visitors: 1})
		l.Total += n
	}
	return l
}

func testInput() *Input {
	return &Input{
		Lines:            Lines{Read: 120, Parsed: 110, Malformed: 6, Skipped: 3, Filtered: 1},
		MalformedReasons: map[string]int64{"invalid_status": 4, "invalid_timestamp": 2},
		Bytes:            99_000,
		Visitors:         Count{N: 7, Exact: true},
		Pages:            50,
		Codes: []CodeCount{
			{Code: 503, Hits: 4, Bytes: 400}, {Code: 200, Hits: 80, Bytes: 90_000}, {Code: 404, Hits: 12, Bytes: 8000},
			{Code: 499, Hits: 5}, {Code: 444, Hits: 1}, {Code: 500, Hits: 6, Bytes: 600}, {Code: 0, Hits: 1}, {Code: 999, Hits: 1},
			{Code: 302, Hits: 0},
		},
		SubCodes: []SubCount{{Code: 404, Sub: 2, Hits: 3}, {Code: 404, Sub: 0, Hits: 9}},
		Win32:    []Win32Count{{Status: 64, Hits: 2}, {Status: 0, Hits: 108}},
		Minutes: []Minute{
			{Start: at("2026-01-31T23:58:00Z"), Hits: 50, Classes: ClassCounts{X2: 50}},
			{Start: at("2026-02-01T00:01:00Z"), Hits: 60, Aborted: 6, Classes: ClassCounts{X0: 2, X2: 30, X4: 18, X5: 10}},
		},
		URLs:    list(false, 2, "/b", 10, "/a", 10, "/c", 30),
		Clients: list(true, 0, "10.0.0.1", 60, "10.0.0.2", 50),
		URLsByCode: map[int]TopList{
			404: list(true, 0, "/missing", 12),
			500: list(true, 0, "/api", 5, "/x", 1),
			503: list(false, 1, "/api", 4),
			499: list(true, 0, "/slow", 5),
			444: list(true, 0, "/slow", 1),
		},
		ClientsByCode: map[int]TopList{404: list(true, 0, "10.0.0.9", 12)},
		Samples:       []Sample{{File: "b.log", Line: 3}, {File: "a.log", Line: 9}, {File: "a.log", Line: 2}},
		Formats:       map[string]string{"a.log": "combined"},
		Lookup:        testLookup,
		LookupSub: func(code int, sub uint32) string {
			if code == 404 && sub == 2 {
				return "ISAPI or CGI restriction"
			}
			return ""
		},
		Win32Text: func(s uint32) string {
			if s == 0 {
				return "The operation completed successfully"
			}
			return ""
		},
	}
}

func TestBuildFrom(t *testing.T) {
	m := BuildFrom(testInput(), BuildOptions{TopN: 2, IncidentPad: 1})

	// Everything sums to the same total.
	if m.Requests != 110 {
		t.Errorf("Requests = %d, want 110", m.Requests)
	}
	var sumClasses, sumCodes, sumRows int64
	for _, n := range m.Status.Classes {
		sumClasses += n
	}
	for _, n := range m.Status.Codes {
		sumCodes += n
	}
	for _, c := range m.Classes {
		sumRows += c.Hits
	}
	if sumClasses != m.Requests || sumCodes != m.Requests || sumRows != m.Requests {
		t.Errorf("classes %d, codes %d, class rows %d; want all %d", sumClasses, sumCodes, sumRows, m.Requests)
	}
	wantClasses := map[string]int64{"0xx": 1, "2xx": 80, "4xx": 18, "5xx": 10, "non-standard": 1}
	if !reflect.DeepEqual(m.Status.Classes, wantClasses) {
		t.Errorf("classes = %v, want %v", m.Status.Classes, wantClasses)
	}
	if _, ok := m.Status.Codes["302"]; ok {
		t.Error("a code with no hits is listed")
	}
	if m.Status.Codes["000"] != 1 || m.Status.Codes["999"] != 1 {
		t.Errorf("000/999 = %d/%d", m.Status.Codes["000"], m.Status.Codes["999"])
	}
	if got := m.Codes[len(m.Codes)-1]; got.Code != "999" || got.Known || got.Class != "non-standard" {
		t.Errorf("unknown code row = %+v", got)
	}
	if m.Files != 80 {
		t.Errorf("Files = %d", m.Files)
	}
	if !reflect.DeepEqual(m.Status.Subcodes, map[string]int64{"404.0": 9, "404.2": 3}) {
		t.Errorf("subcodes = %v", m.Status.Subcodes)
	}
	if s := m.SubCodes[1]; s.Code != "404.2" || s.Meaning != "ISAPI or CGI restriction" || s.Share != 0.25 {
		t.Errorf("404.2 row = %+v", s)
	}
	if w := m.Win32; len(w) != 2 || w[0].Status != 0 || w[0].Meaning == "" {
		t.Errorf("win32 = %+v", w)
	}

	// Client-aborted group.
	a := m.ClientAborted
	if a.Hits != 6 || len(a.Codes) != 2 || a.Codes[0].Code != "444" || a.TopURLs.Rows[0].Hits != 6 || !a.TopURLs.Exact {
		t.Errorf("aborted = %+v", a)
	}

	// Period and series.
	if m.Period.Start != "2026-01-31T23:58:00Z" || m.Period.End != "2026-02-01T00:02:00Z" {
		t.Errorf("period = %+v", m.Period)
	}
	if len(m.Months) != 2 || len(m.Hourly) != 2 || len(m.HourOfDay) != 24 || len(a.Series) != 2 {
		t.Errorf("series: %d months, %d hourly, %d hour-of-day, %d aborted", len(m.Months), len(m.Hourly), len(m.HourOfDay), len(a.Series))
	}
	// 10 5xx of 60 after 50 clean requests: not enough to tell an
	// outage from chance (see TestFindIncidents).
	if len(m.Incidents) != 0 {
		t.Errorf("incidents = %+v", m.Incidents)
	}

	// Top lists: sorted by hits then key, cut to TopN, shares of the total.
	if r := m.TopURLs.Rows; len(r) != 2 || r[0].Key != "/c" || r[1].Key != "/a" || r[0].Share != 0.6 || m.TopURLs.Exact {
		t.Errorf("top URLs = %+v", m.TopURLs)
	}
	if r := m.Top5xx; r.Exact || r.ErrorBound != 1 || r.Rows[0].Key != "/api" || r.Rows[0].Hits != 9 || r.Total != 10 {
		t.Errorf("top 5xx = %+v", r)
	}
	if m.Top404.Rows[0].Key != "/missing" {
		t.Errorf("top 404 = %+v", m.Top404)
	}

	// Drill-down: error codes with lists, in code order.
	var drill []string
	for _, d := range m.Drill {
		drill = append(drill, d.Code)
	}
	if !reflect.DeepEqual(drill, []string{"404", "444", "499", "500", "503"}) {
		t.Errorf("drill codes = %v", drill)
	}

	// Diagnostics.
	if r := m.Diagnostics.Reasons; len(r) != 2 || r[0].Reason != "invalid_status" || r[0].Count != 4 {
		t.Errorf("reasons = %+v", r)
	}
	if s := m.Diagnostics.Samples; s[0].File != "a.log" || s[0].Line != 2 || s[2].File != "b.log" {
		t.Errorf("samples not sorted: %+v", s)
	}

	// Every renderer accepts it.
	for _, w := range writers {
		var buf bytes.Buffer
		if err := w.write(&buf, m); err != nil {
			t.Errorf("%s: %v", w.ext, err)
		}
	}
}

func TestBuildFromEmpty(t *testing.T) {
	m := BuildFrom(&Input{}, BuildOptions{})
	if m.Schema != Schema || m.Requests != 0 || m.Title == "" || m.Status.Codes == nil {
		t.Errorf("empty build = %+v", m)
	}
	for _, w := range writers {
		var buf bytes.Buffer
		if err := w.write(&buf, m); err != nil {
			t.Errorf("%s: %v", w.ext, err)
		}
	}
}
