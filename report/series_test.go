package report

import (
	"maps"
	"slices"
	"strings"
	"testing"
	"time"
)

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func minute(ts string, c ClassCounts) Minute {
	return Minute{Start: at(ts), Hits: c.Total(), Bytes: c.Total() * 10, Classes: c}
}

func TestDeriveSeries(t *testing.T) {
	if s := DeriveSeries(nil); s.Months != nil || s.Hourly != nil || s.HourOfDay != nil || s.Aborted != nil {
		t.Errorf("empty input: got %+v", s)
	}
	ms := []Minute{
		minute("2026-02-01T00:10:00Z", ClassCounts{X2: 3}),
		minute("2026-01-31T23:59:00Z", ClassCounts{X2: 1, X5: 1}),
		{Start: at("2026-02-01T00:20:00Z"), Hits: 2, Aborted: 2, Classes: ClassCounts{X4: 2}},
	}
	s := DeriveSeries(ms)
	if len(s.Months) != 2 || s.Months[0].Key != "2026-01" || s.Months[1].Key != "2026-02" {
		t.Fatalf("months: %+v", s.Months)
	}
	if got := s.Months[0].Total.Classes; got != (ClassCounts{X2: 1, X5: 1}) {
		t.Errorf("January classes = %+v", got)
	}
	if got := s.Months[1].Total; got.Hits != 5 || got.Aborted != 2 || got.Bytes != 30 {
		t.Errorf("February total = %+v", got)
	}
	if s.Months[1].Label != "February 2026" || s.Months[1].Anchor != "m-2026-02" {
		t.Errorf("February label/anchor = %q %q", s.Months[1].Label, s.Months[1].Anchor)
	}
	if len(s.Hourly) != 2 || s.Hourly[0].Hits != 2 || s.Hourly[1].Hits != 5 || s.Hourly[1].Label != "02-01 00h" {
		t.Errorf("hourly = %+v", s.Hourly)
	}
	if len(s.HourOfDay) != 24 || s.HourOfDay[23].Hits != 2 || s.HourOfDay[0].Hits != 5 {
		t.Errorf("hour of day = %+v", s.HourOfDay)
	}
	if len(s.Aborted) != 2 || s.Aborted[1].Hits != 2 {
		t.Errorf("aborted series = %+v", s.Aborted)
	}

	// A gap of days is zero-filled; a long period has no hourly series.
	s = DeriveSeries([]Minute{
		minute("2026-03-01T12:00:00Z", ClassCounts{X2: 1}),
		minute("2026-03-10T12:00:00Z", ClassCounts{X2: 1}),
	})
	if len(s.Months) != 1 || len(s.Months[0].Days) != 10 || s.Months[0].Days[4].Hits != 0 || s.Months[0].Total.Hits != 2 {
		t.Errorf("zero-filled days: %+v", s.Months)
	}
	if s.Hourly != nil || len(s.Aborted) != 10 {
		t.Errorf("long period: hourly %d, aborted %d", len(s.Hourly), len(s.Aborted))
	}
	var sum int64
	for _, d := range s.Months[0].Days {
		sum += d.Hits
	}
	if sum != 2 {
		t.Errorf("days sum to %d, want 2", sum)
	}
}

// TestDeriveSeriesCodes holds the per-code counts of the days, the hours
// of the day and the clock hours to sums computed minute by minute, with
// codes outside 000–999 and counts of 0 among them, in a zone with a
// daylight saving change.
func TestDeriveSeriesCodes(t *testing.T) {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Skip("no tz database:", err)
	}
	codes := []int{200, 404, 499, 502, 0, 1000, -1, 999}
	start := at("2024-03-30T20:00:00Z")
	var minutes []Minute
	for i := range 600 {
		mi := Minute{Start: start.Add(time.Duration(i*7) * time.Minute)}
		for k, c := range codes {
			if (i+k)%3 != 0 {
				mi.Codes = append(mi.Codes, CodeN{Code: c, N: int64((i * k) % 4)}) // some 0
			}
		}
		minutes = append(minutes, mi)
	}
	s := DeriveSeriesIn(minutes, loc)

	type sums map[string]map[string]int64
	want := func(key func(time.Time) string) sums {
		out := sums{}
		for _, mi := range minutes {
			k := key(mi.Start.In(loc))
			if out[k] == nil {
				out[k] = map[string]int64{}
			}
			for _, c := range mi.Codes {
				out[k][codeKey(c.Code)] += c.N
			}
		}
		return out
	}
	check := func(what string, buckets []Bucket, key func(Bucket) string, want sums) {
		t.Helper()
		seen := 0
		for _, b := range buckets {
			w, ok := want[key(b)]
			if !ok {
				if len(b.Codes) != 0 {
					t.Errorf("%s %s: codes %v, want none", what, key(b), b.Codes)
				}
				continue
			}
			seen++
			if !maps.Equal(b.Codes, w) {
				t.Errorf("%s %s: codes %v, want %v", what, key(b), b.Codes, w)
			}
		}
		if seen != len(want) {
			t.Errorf("%s: %d buckets with codes, want %d", what, seen, len(want))
		}
	}
	var days []Bucket
	for _, m := range s.Months {
		days = append(days, m.Days...)
	}
	check("day", days, func(b Bucket) string { return b.Label }, want(func(t time.Time) string { return t.Format("2006-01-02") }))
	check("hour of day", s.HourOfDay, func(b Bucket) string { return b.Label }, want(func(t time.Time) string { return t.Format("15") }))
	check("hour", s.Hourly, func(b Bucket) string { return b.Start }, want(func(t time.Time) string {
		return t.Truncate(time.Hour).Format(rfc3339) // Paris is a whole number of hours from UTC
	}))
}

// TestDeriveSeriesSpan: the series of minutes far apart cost what the
// minutes cost, and the timeline step follows the span.
func TestDeriveSeriesSpan(t *testing.T) {
	one := func(ts ...string) []Minute {
		var ms []Minute
		for _, s := range ts {
			ms = append(ms, minute(s, ClassCounts{X2: 1}))
		}
		return ms
	}
	tests := []struct {
		name           string
		ms             []Minute
		step           string
		steps, months  int
		days           int
		firstStepLabel string
	}{
		{"two hours", one("2024-03-05T10:00:00Z", "2024-03-05T11:30:00Z"), "hour", 2, 1, 1, "03-05 10h"},
		{"a month", one("2024-03-01T10:00:00Z", "2024-03-30T11:30:00Z"), "day", 30, 1, 30, "2024-03-01"},
		{"a year", one("2024-01-01T10:00:00Z", "2024-12-30T11:30:00Z"), "week", 53, 12, 31 + 30, "2024-01-01"},
		{"four years", one("2015-01-01T00:00:00Z", "2018-12-31T00:00:00Z"), "month", 48, 48, 31 + 31, "2015-01"},
		{"1970 to 2024", one("1970-01-01T00:00:00Z", "2024-03-05T10:00:00Z"), "year", 55, 651, 31 + 5, "1970"},
		{"year 1 to 2024", one("0001-01-01T00:00:00Z", "2024-03-05T10:00:00Z"), "100 years", 21, 2, 31 + 5, "0000–0099"},
		{"year 1 to 9999", one("0001-01-01T00:00:00Z", "2024-03-05T10:00:00Z", "9999-12-31T23:59:00Z"), "100 years", 100, 3, 31 + 31 + 31, "0000–0099"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := DeriveSeries(tt.ms)
			days := 0
			for _, m := range s.Months {
				days += len(m.Days)
			}
			if s.TimelineStep != tt.step || len(s.Timeline) != tt.steps || len(s.Months) != tt.months || days != tt.days {
				t.Errorf("step %q × %d, %d months, %d days; want %q × %d, %d, %d", s.TimelineStep, len(s.Timeline), len(s.Months), days, tt.step, tt.steps, tt.months, tt.days)
			}
			if len(s.Timeline) > 0 && s.Timeline[0].Label != tt.firstStepLabel {
				t.Errorf("first step %q, want %q", s.Timeline[0].Label, tt.firstStepLabel)
			}
			var sum int64
			for _, b := range s.Timeline {
				sum += b.Hits
			}
			if sum != int64(len(tt.ms)) || len(s.Aborted) != len(s.Timeline) {
				t.Errorf("timeline sums to %d, want %d; %d aborted steps", sum, len(tt.ms), len(s.Aborted))
			}
		})
	}
}

// TestTimeOutliers: a request dated far from the bulk is named in the
// diagnostics; a long but even spread of requests has none.
func TestTimeOutliers(t *testing.T) {
	month := steady("2024-03-01T00:00:00Z", 30*1440, 2, 0)
	far := append(slices.Clone(month), minute("1970-01-01T00:00:00Z", ClassCounts{X2: 1}), minute("9999-12-31T23:59:00Z", ClassCounts{X2: 3}))
	got := findTimeOutliers(far, time.UTC)
	if got == nil || got.Requests != 4 || len(got.Minutes) != 2 || got.Minutes[0].Label != "1970-01-01 00:00" ||
		got.BulkStart != "2024-03-01T03:35:00Z" || got.Truncated {
		t.Errorf("far dates: %+v", got)
	}
	if got := findTimeOutliers(month, time.UTC); got != nil {
		t.Errorf("a month: %+v", got)
	}
	two := []Minute{minute("1970-01-01T00:00:00Z", ClassCounts{X2: 1}), minute("2024-03-05T10:00:00Z", ClassCounts{X2: 1})}
	if got := findTimeOutliers(two, time.UTC); got != nil {
		t.Errorf("two lines, no bulk: %+v", got)
	}
}

// TestTimeOutliersInReport: the HTML and the JSON name the odd date.
func TestTimeOutliersInReport(t *testing.T) {
	in := &Input{Minutes: append(steady("2024-03-01T00:00:00Z", 2*1440, 2, 0), minute("0001-01-01T00:00:00Z", ClassCounts{X2: 1}))}
	in.Codes = []CodeCount{{Code: 200, Hits: 2*2*1440 + 1}}
	m := BuildFrom(in, BuildOptions{})
	if o := m.Diagnostics.TimeOutliers; o == nil || o.Requests != 1 || m.Period.Start != "0001-01-01T00:00:00Z" {
		t.Fatalf("outliers %+v, period %+v", o, m.Period)
	}
	var b strings.Builder
	if err := WriteHTML(&b, m); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "Requests dated far from the rest of the data (2024-03-01T00:13:00Z to 2024-03-02T23:46:00Z) stretch the period: 1 in all, at 0001-01-01 00:00 (1).") {
		i := strings.Index(b.String(), "dated far")
		t.Errorf("HTML does not name the far date: %.300s", b.String()[max(i-20, 0):])
	}
}
