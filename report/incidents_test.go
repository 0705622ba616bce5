package report

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// steady returns n minutes from start, each with hits requests of which
// one in every errEvery (0: none) is a 5xx, spread evenly.
func steady(start string, n int, hits int64, errEvery int64) []Minute {
	t0 := at(start)
	var out []Minute
	var acc int64
	for i := range n {
		var e int64
		if errEvery > 0 {
			acc += hits
			e = acc / errEvery
			acc %= errEvery
		}
		out = append(out, minute(t0.Add(time.Duration(i)*time.Minute).Format(time.RFC3339), ClassCounts{X2: hits - e, X5: e}))
	}
	return out
}

// describe renders incidents as one compact string per incident.
func describe(incs []Incident) string {
	var parts []string
	for _, inc := range incs {
		parts = append(parts, fmt.Sprintf("%s..%s errors=%d hits=%d peak=%s/%d", inc.Start[11:16], inc.End[11:16], inc.Errors, inc.Hits, inc.Peak[11:16], inc.PeakErrors))
	}
	return strings.Join(parts, "; ")
}

func TestFindIncidents(t *testing.T) {
	// Three hours of 40 requests a minute with 1 % 5xx, around an
	// outage from 14:02 to 14:07 whose first and last minutes are
	// partly healthy, and a quiet minute inside it.
	base := steady("2024-03-05T12:30:00Z", 180, 40, 100)
	at := func(hhmm string) int {
		tm, _ := time.Parse("15:04", hhmm)
		return (tm.Hour()-12)*60 + tm.Minute() - 30
	}
	outage := func(ms []Minute) []Minute {
		out := append([]Minute(nil), ms...)
		for _, x := range []struct {
			hhmm   string
			ok, x5 int64
		}{{"14:02", 30, 8}, {"14:03", 10, 25}, {"14:04", 12, 30}, {"14:05", 18, 34}, {"14:06", 12, 19}, {"14:07", 35, 6}} {
			i := at(x.hhmm)
			out[i] = minute(out[i].Start.Format(time.RFC3339), ClassCounts{X2: x.ok, X5: x.x5})
		}
		return out
	}
	blip := func(ms []Minute) []Minute {
		out := append([]Minute(nil), ms...)
		i := at("13:10")
		out[i] = minute(out[i].Start.Format(time.RFC3339), ClassCounts{X5: 6})
		return out
	}
	tests := []struct {
		name string
		ms   []Minute
		max  int
		want string
	}{
		{"steady traffic", base, 3, ""},
		{"one outage, all its minutes", outage(base), 3, "14:02..14:08 errors=122 hits=239 peak=14:05/34"},
		{"a six-request blip is noise", blip(base), 3, ""},
		{"outage and blip", blip(outage(base)), 3, "14:02..14:08 errors=122 hits=239 peak=14:05/34"},
		{"max -1", outage(base), -1, ""},
		{"no 5xx", steady("2024-03-05T12:30:00Z", 60, 40, 0), 3, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := FindIncidents(tt.ms, IncidentOptions{Max: tt.max, Pad: 2})
			if d := describe(got); d != tt.want {
				t.Errorf("got  %q\nwant %q", d, tt.want)
			}
			for _, inc := range got {
				if len(inc.Minutes) != 6+4 || inc.Minutes[0].Label != "14:00" {
					t.Errorf("timeline: %d minutes from %s", len(inc.Minutes), inc.Minutes[0].Label)
				}
				if inc.Excess < 100 || inc.Expected <= 0 || inc.Baseline > 0.02 || inc.PValue > 1e-10 {
					t.Errorf("excess %.1f expected %.2f baseline %.4f p %g", inc.Excess, inc.Expected, inc.Baseline, inc.PValue)
				}
			}
		})
	}
}

// TestFindIncidentsRanked ranks two outages by excess, not by time.
func TestFindIncidentsRanked(t *testing.T) {
	ms := steady("2024-03-05T00:00:00Z", 600, 50, 200)
	for i := 100; i < 103; i++ {
		ms[i].Classes = ClassCounts{X2: 30, X5: 20}
	}
	for i := 400; i < 410; i++ {
		ms[i].Classes = ClassCounts{X2: 10, X5: 40}
	}
	got := describe(FindIncidents(ms, IncidentOptions{}))
	if want := "06:40..06:50 errors=400 hits=500 peak=06:40/40; 01:40..01:43 errors=60 hits=150 peak=01:40/20"; got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}

// TestFindIncidentsSteadyRandom: a month of random traffic with a steady
// 1.5 % 5xx has no incident.
func TestFindIncidentsSteadyRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	t0 := at("2024-03-01T00:00:00Z")
	var ms []Minute
	for i := range 30 * 1440 {
		// Traffic varies over the day, 20 to 180 requests a minute.
		n := int64(100 + 80*math.Sin(float64(i)*2*math.Pi/1440))
		var e int64
		for range n {
			if r.Float64() < 0.015 {
				e++
			}
		}
		ms = append(ms, Minute{Start: t0.Add(time.Duration(i) * time.Minute), Hits: n, Classes: ClassCounts{X2: n - e, X5: e}})
	}
	if got := FindIncidents(ms, IncidentOptions{}); len(got) != 0 {
		t.Errorf("steady 1.5%% 5xx: %s", describe(got))
	}
}

// TestFindIncidentsSpan: two minutes 2,000 years apart cost two minutes.
func TestFindIncidentsSpan(t *testing.T) {
	ms := steady("2024-03-05T09:30:00Z", 60, 40, 100)
	ms[30] = minute("2024-03-05T10:00:00Z", ClassCounts{X5: 50})
	ms = append(ms,
		Minute{Start: time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC), Hits: 1, Classes: ClassCounts{X5: 1}},
		Minute{Start: time.Date(9999, 12, 31, 23, 59, 0, 0, time.UTC), Hits: 1, Classes: ClassCounts{X5: 1}})
	got := FindIncidents(ms, IncidentOptions{Pad: 1})
	if len(got) != 1 || len(got[0].Minutes) != 3 || got[0].Errors != 50 {
		t.Errorf("got %s", describe(got))
	}
}

func TestLogPoissonTail(t *testing.T) {
	direct := func(k int64, l float64) float64 {
		// 1 - P(X < k), fine for the moderate values below.
		var c float64
		term := math.Exp(-l)
		for j := int64(0); j < k; j++ {
			c += term
			term *= l / float64(j+1)
		}
		return 1 - c
	}
	for _, c := range []struct {
		k int64
		l float64
	}{{1, 0.5}, {3, 1}, {5, 2.5}, {10, 3}, {20, 12}} {
		got, want := math.Exp(logPoissonTail(c.k, c.l)), direct(c.k, c.l)
		if math.Abs(got-want) > 1e-12*math.Max(1, 1/want)*want+1e-15 {
			t.Errorf("P(X>=%d | %g) = %g, want %g", c.k, c.l, got, want)
		}
	}
	if got := logPoissonTail(2, 3); got != 0 {
		t.Errorf("k below the mean: %g, want 0", got)
	}
	if got := logPoissonTail(200, 1); got > -500 || math.IsInf(got, 0) {
		t.Errorf("deep tail: %g", got)
	}
}
