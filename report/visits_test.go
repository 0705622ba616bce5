package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/webalyze/webalyze/aggregate"
	"github.com/webalyze/webalyze/aggregate/dim"
	visitsdim "github.com/webalyze/webalyze/aggregate/visits"
	"github.com/webalyze/webalyze/parser"
)

func init() {
	goldenModels = append(goldenModels, struct {
		name  string
		model func() *Model
	}{"visits", visitsModel})
	browserDimensions = append(browserDimensions, visitsdim.New(visitsdim.Options{}))
}

// visitsModel is the sample model with a visits panel: entry pages with
// hostile keys, more than topVisible rows, an approximation.
func visitsModel() *Model {
	m := sampleModel()
	entry := list(true, 0, "/", 30, "/about", 9, "/<script>alert(1)</script>", 4, "=cmd|' /C calc'!A0", 2, "/\u202egnp.exe", 1,
		"/a", 1, "/b", 1, "/c", 1, "/d", 1, "/e", 1, "/f", 1, "/g", 1, "/h", 1)
	exit := list(false, 3, "/bye", 40, "/", 20)
	for _, l := range []*TopList{&entry, &exit} {
		for i := range l.Rows {
			l.Rows[i].Bytes, l.Rows[i].Visitors = 0, 0
		}
	}
	in := &VisitsInput{Timeout: 30 * time.Minute, Capacity: 100, Zone: "UTC", Visits: 60, Pages: 150, Seconds: 60 * 200, Bounces: 25,
		Days:      []VisitCount{{Label: "2026-01-30", Visits: 20}, {Label: "2026-01-31", Visits: 15}, {Label: "2026-02-01", Visits: 25}},
		PagesDist: []VisitCount{{Label: "1", Visits: 25}, {Label: "2", Visits: 20}, {Label: "3", Visits: 15}},
		Durations: []VisitCount{{Label: "0s-30s", Visits: 30}, {Label: "30s-2mn", Visits: 30}},
		Entry:     entry, Exit: exit, Undated: 3, ClosedEarly: 2}
	m.Visits = buildVisits(in, 25)
	visitsEstimates(m)
	return m
}

func TestBuildVisits(t *testing.T) {
	v := visitsModel().Visits
	got := []any{v.PagesPerVisit, v.BounceRate, v.MeanSeconds, v.Exact, v.Months, v.EntryPages.Rows[0].Share}
	want := []any{2.5, 25.0 / 60, 200.0, false,
		[]VisitCount{{"2026-01", 35, 35.0 / 60}, {"2026-02", 25, 25.0 / 60}}, 30.0 / 54}
	if a, b := jsonOf(got), jsonOf(want); a != b {
		t.Errorf("got %s\nwant %s", a, b)
	}
	if m := visitsModel(); !strings.Contains(strings.Join(m.Approximate, ","), "visits,visits.exit_pages") {
		t.Errorf("approximate %q", m.Approximate)
	}
}

func jsonOf(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// TestVisitsFromState: a State with the visits dimension fills the panel
// through NewInput; one without has none (null in JSON, no section).
func TestVisitsFromState(t *testing.T) {
	st := aggregate.New(aggregate.Options{Dimensions: []dim.Dimension{visitsdim.New(visitsdim.Options{})}})
	t0 := time.Date(2026, 1, 30, 10, 0, 0, 0, time.UTC).Unix()
	for _, r := range []struct {
		host, path string
		dt         int64
		status     uint16
	}{
		{"1.1.1.1", "/", 0, 200}, {"1.1.1.1", "/x.png", 1, 200}, {"1.1.1.1", "/about", 60, 200},
		{"2.2.2.2", "/about", 5, 200}, {"2.2.2.2", "/missing", 10, 404},
		{"1.1.1.1", "/", 86400, 200},
	} {
		st.Add(&parser.Record{Host: []byte(r.host), Path: []byte(r.path), UserAgent: []byte("ua"), Time: t0 + r.dt, HasTime: true,
			Status: r.status, HasStatus: true})
	}
	if err := st.Check(); err != nil {
		t.Fatal(err)
	}
	m := Build(st, BuildOptions{})
	v := m.Visits
	if v == nil {
		t.Fatal("no visits panel")
	}
	got := jsonOf([]any{v.Visits, v.Pages, v.Bounces, v.Days, keys(v.EntryPages), keys(v.ExitPages)})
	want := jsonOf([]any{3, 4, 2, []VisitCount{{"2026-01-30", 2, 2.0 / 3}, {"2026-01-31", 1, 1.0 / 3}}, "/=2 /about=1", "/about=2 /=1"})
	if got != want {
		t.Errorf("got %s\nwant %s", got, want)
	}
	var html bytes.Buffer
	if err := WriteHTML(&html, m); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{`<section id="visits"`, `<h3 id="h-entry">Entry pages</h3>`, `href="#visits"`} {
		if !strings.Contains(html.String(), s) {
			t.Errorf("HTML lacks %s", s)
		}
	}

	m = Build(aggregate.New(aggregate.Options{}), BuildOptions{})
	var js bytes.Buffer
	html.Reset()
	if err := WriteJSON(&js, m); err != nil {
		t.Fatal(err)
	}
	if err := WriteHTML(&html, m); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(js.String(), `"visits": null`) || strings.Contains(html.String(), `id="visits"`) {
		t.Error("a State without visits has a visits panel")
	}
}
