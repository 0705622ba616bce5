package report

import (
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/webalyze/webalyze/aggregate"
	"github.com/webalyze/webalyze/parser"
)

// largeModel is a year of daily buckets, 72 hours, 30-minute incidents and
// top lists of 100 rows each.
func largeModel() *Model {
	m := sampleModel()
	m.Months = nil
	for mo := 1; mo <= 12; mo++ {
		month := Month{Key: fmt.Sprintf("2026-%02d", mo), Label: fmt.Sprintf("Month %02d", mo), Anchor: fmt.Sprintf("m-2026-%02d", mo)}
		for d := 1; d <= 30; d++ {
			c := ClassCounts{X2: int64(100000 + d*mo), X3: int64(5000 + d), X4: int64(2000 + mo*d%97), X5: int64(d % 7 * 10)}
			b := day(fmt.Sprintf("2026-%02d-%02d", mo, d), c)
			month.Days = append(month.Days, b)
			month.Total.Hits += b.Hits
			month.Total.Classes.Add(2, c.X2)
		}
		m.Months = append(m.Months, month)
	}
	for h := range 72 {
		m.Hourly = append(m.Hourly, Bucket{Label: fmt.Sprintf("%02d:00", h%24), Hits: 5000, Classes: ClassCounts{X2: 4900, X5: int64(h)}})
	}
	m.Timeline, m.TimelineStep = m.Hourly, "hour" // as Build gives 72 hours
	for i := range 3 {
		inc := Incident{Start: "2026-03-01T10:00:00Z", End: "2026-03-01T10:30:00Z", What: "5xx", Errors: 100, Hits: 1000, Rate: 0.1}
		for mi := range 31 {
			inc.Minutes = append(inc.Minutes, Bucket{Label: fmt.Sprintf("10:%02d", mi), Hits: 100, Classes: ClassCounts{X2: 90 - int64(i), X5: 10 + int64(i)}})
		}
		m.Incidents = append(m.Incidents, inc)
	}
	list := func(prefix string) TopList {
		l := TopList{Total: 1e9, Distinct: 1e6, ErrorBound: 17}
		for i := range 100 {
			l.Rows = append(l.Rows, TopRow{Key: fmt.Sprintf("%s/%d/some/long/path?with=query&n=%d", prefix, i, i), Hits: int64(1e6 - i), Bytes: int64(i) << 20, Visitors: int64(i), Share: 0.001, Err: int64(i % 17)})
		}
		return l
	}
	m.TopURLs, m.TopURLsQuery, m.Top404, m.Top5xx = list("/u"), list("/q"), list("/404"), list("/5xx")
	m.Clients, m.Referrers, m.Agents = list("10.0.0."), list("https://ref.example"), list("Mozilla/5.0")
	for _, code := range []string{"404", "500", "502", "503"} {
		m.Drill = append(m.Drill, Drill{Code: code, Reason: "x", Hits: 1000, URLs: list("/d" + code), Clients: list("c" + code)})
	}
	return m
}

func BenchmarkWriteHTML(b *testing.B) {
	m := largeModel()
	b.ReportAllocs()
	for b.Loop() {
		if err := WriteHTML(io.Discard, m); err != nil {
			b.Fatal(err)
		}
	}
}

func TestLargeModelRenders(t *testing.T) {
	m := largeModel()
	for _, w := range writers {
		if err := w.write(io.Discard, m); err != nil {
			t.Errorf("%s: %v", w.ext, err)
		}
	}
}

// monthState is a month of traffic, three records a minute with a mix of
// codes over 50 000 URLs and 5 000 clients: the shape that makes the
// serial tail of a run (Build: 43 200 minutes into days and hours, the top
// lists, the drill-downs).
func monthState() *aggregate.State {
	st := aggregate.New(aggregate.Options{})
	base := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC).Unix()
	codes := []uint16{200, 200, 200, 200, 304, 301, 404, 500, 502, 499}
	for i := range 3 * 30 * 1440 {
		rec := &parser.Record{Host: fmt.Appendf(nil, "198.51.%d.%d", i%5000/250, i%250), Method: []byte("GET"),
			Path: fmt.Appendf(nil, "/p/%d", (i*7919)%50000), Protocol: []byte("HTTP/1.1"), HasTime: true,
			Time: base + int64(i)*20, HasStatus: true, Status: codes[i%len(codes)], Bytes: uint64(i % 9000), HasBytes: true,
			UserAgent: fmt.Appendf(nil, "agent %d", i%40)}
		st.Add(rec)
	}
	return st
}

// BenchmarkBuild is the report's share of the serial tail of a run.
func BenchmarkBuild(b *testing.B) {
	st := monthState()
	b.ReportAllocs()
	for b.Loop() {
		Build(st, BuildOptions{})
	}
}

// BenchmarkFindIncidents runs the incident detection over a month of
// minutes with a steady 1.5 % 5xx and one outage.
func BenchmarkFindIncidents(b *testing.B) {
	t0 := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	var ms []Minute
	for i := range 30 * 1440 {
		n := int64(100 + i%37)
		e := n * 15 / 1000
		if i >= 20000 && i < 20006 {
			e = n / 2
		}
		ms = append(ms, Minute{Start: t0.Add(time.Duration(i) * time.Minute), Hits: n, Classes: ClassCounts{X2: n - e, X5: e}})
	}
	b.ReportAllocs()
	for b.Loop() {
		if len(FindIncidents(ms, IncidentOptions{})) != 1 {
			b.Fatal("want one incident")
		}
	}
}
