package report

import (
	"testing"
	"time"
)

// TestStepSeries folds minutes into steps on a zone's wall clock, across
// the night Paris moves its clocks back (2024-10-27 03:00 CEST becomes
// 02:00 CET): steps are wall-clock hours, so the hour lived twice is one
// step (as aggregate's series always did).
func TestStepSeries(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Skip(err)
	}
	at := func(s string) time.Time {
		u, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	minute := func(s string, code int, n int64) Minute {
		m := Minute{Start: at(s), Hits: n, Codes: []CodeN{{code, n}}}
		m.Classes.Add(classIndex(code), n)
		return m
	}
	minutes := []Minute{
		minute("2024-10-27T00:10:00Z", 200, 3), // 02:10 CEST
		minute("2024-10-27T00:50:00Z", 502, 1), // 02:50 CEST
		minute("2024-10-27T01:10:00Z", 200, 2), // 02:10 CET
		minute("2024-10-27T02:05:00Z", 499, 4), // 03:05 CET
	}
	got := StepSeries(minutes, time.Hour, paris)
	want := []struct {
		start string
		hits  int64
		codes map[string]int64
	}{
		{"2024-10-27T02:00:00+01:00", 6, map[string]int64{"200": 5, "502": 1}},
		{"2024-10-27T03:00:00+01:00", 4, map[string]int64{"499": 4}},
	}
	if len(got) != len(want) {
		t.Fatalf("%d steps, want %d: %+v", len(got), len(want), got)
	}
	for i, w := range want {
		g := got[i]
		if s := g.Start.Format(time.RFC3339); s != w.start || g.Hits != w.hits || len(g.Codes) != len(w.codes) {
			t.Errorf("step %d: %s, %d hits, codes %v; want %s, %d, %v", i, s, g.Hits, g.Codes, w.start, w.hits, w.codes)
			continue
		}
		for c, n := range w.codes {
			if g.Codes[c] != n {
				t.Errorf("step %d: code %s %d, want %d", i, c, g.Codes[c], n)
			}
		}
	}
	if got := StepSeries(minutes, 0, nil); len(got) != 4 || got[0].Start.Location() != time.UTC {
		t.Errorf("step 0 in UTC: %d steps (want one a minute, 4)", len(got))
	}
}
