package report

import (
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // Europe/Paris and Asia/Kolkata on any machine
)

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// hourly renders a series' hourly buckets as "label=hits" pairs.
func hourly(bs []Bucket) string {
	var parts []string
	for _, b := range bs {
		parts = append(parts, b.Label+"="+itoa(int(b.Hits)))
	}
	return strings.Join(parts, " ")
}

// days renders the days of a series as "label=hits" pairs.
func days(s Series) string {
	var parts []string
	for _, mo := range s.Months {
		for _, d := range mo.Days {
			parts = append(parts, d.Label+"="+itoa(int(d.Hits)))
		}
	}
	return strings.Join(parts, " ")
}

func TestDeriveSeriesInZone(t *testing.T) {
	paris := mustZone(t, "Europe/Paris")
	one := func(ts ...string) []Minute {
		var ms []Minute
		for _, s := range ts {
			ms = append(ms, minute(s, ClassCounts{X2: 1}))
		}
		return ms
	}
	tests := []struct {
		name       string
		loc        *time.Location
		minutes    []Minute
		days       string
		hourly     string
		hourOfDay  map[int]int64
		firstStart string // Start of the first day
	}{
		{
			// Summer time starts 2026-03-29 at 01:00 UTC: 02:00 CET
			// becomes 03:00 CEST, and 02h does not exist.
			name: "spring forward", loc: paris,
			minutes: one("2026-03-28T22:59:00Z", "2026-03-28T23:00:00Z", "2026-03-29T00:59:00Z",
				"2026-03-29T01:00:00Z", "2026-03-29T01:30:00Z"),
			days:       "2026-03-28=1 2026-03-29=4",
			hourly:     "03-28 23h=1 03-29 00h=1 03-29 01h=1 03-29 03h=2",
			hourOfDay:  map[int]int64{23: 1, 0: 1, 1: 1, 3: 2},
			firstStart: "2026-03-28T00:00:00+01:00",
		},
		{
			// Summer time ends 2026-10-25 at 01:00 UTC: 03:00 CEST
			// becomes 02:00 CET, and 02h happens twice.
			name: "fall back", loc: paris,
			minutes: one("2026-10-25T00:10:00Z", "2026-10-25T00:50:00Z", "2026-10-25T01:10:00Z",
				"2026-10-25T02:10:00Z"),
			days:       "2026-10-25=4",
			hourly:     "10-25 02h CEST=2 10-25 02h CET=1 10-25 03h=1",
			hourOfDay:  map[int]int64{2: 3, 3: 1},
			firstStart: "2026-10-25T00:00:00+02:00",
		},
		{
			// The 25-hour day: 00:30 CEST and 23:30 CET are both the 25th.
			name: "long day", loc: paris,
			minutes:    one("2026-10-24T22:30:00Z", "2026-10-25T22:30:00Z", "2026-10-25T23:30:00Z"),
			days:       "2026-10-25=2 2026-10-26=1",
			hourOfDay:  map[int]int64{0: 2, 23: 1},
			firstStart: "2026-10-25T00:00:00+02:00",
		},
		{
			// A half-hour zone: local hours start at :30 UTC.
			name: "half-hour offset", loc: mustZone(t, "Asia/Kolkata"),
			minutes:    one("2026-01-01T18:29:00Z", "2026-01-01T18:30:00Z", "2026-01-01T19:29:00Z"),
			days:       "2026-01-01=1 2026-01-02=2",
			hourly:     "01-01 23h=1 01-02 00h=2",
			hourOfDay:  map[int]int64{23: 1, 0: 2},
			firstStart: "2026-01-01T00:00:00+05:30",
		},
		{
			name: "UTC", loc: nil,
			minutes:    one("2026-03-28T23:30:00Z", "2026-03-29T01:30:00Z"),
			days:       "2026-03-28=1 2026-03-29=1",
			hourly:     "03-28 23h=1 03-29 00h=0 03-29 01h=1",
			hourOfDay:  map[int]int64{23: 1, 1: 1},
			firstStart: "2026-03-28T00:00:00Z",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := DeriveSeriesIn(tt.minutes, tt.loc)
			if got := days(s); got != tt.days {
				t.Errorf("days:\n got %s\nwant %s", got, tt.days)
			}
			if tt.hourly != "" {
				if got := hourly(s.Hourly); got != tt.hourly {
					t.Errorf("hourly:\n got %s\nwant %s", got, tt.hourly)
				}
			}
			for h, b := range s.HourOfDay {
				if b.Hits != tt.hourOfDay[h] {
					t.Errorf("hour of day %02d = %d, want %d", h, b.Hits, tt.hourOfDay[h])
				}
			}
			if got := s.Months[0].Days[0].Start; got != tt.firstStart {
				t.Errorf("first day starts %s, want %s", got, tt.firstStart)
			}
			// Whatever the zone, every series sums to the minutes.
			var total, sumDays, sumHours int64
			for _, mi := range tt.minutes {
				total += mi.Hits
			}
			for _, mo := range s.Months {
				sumDays += mo.Total.Hits
			}
			for _, b := range s.HourOfDay {
				sumHours += b.Hits
			}
			if sumDays != total || sumHours != total {
				t.Errorf("days sum to %d, hours of day to %d, want %d", sumDays, sumHours, total)
			}
		})
	}
}

func TestFindIncidentsInZone(t *testing.T) {
	paris := mustZone(t, "Europe/Paris")
	ms := steady("2026-07-01T09:00:00Z", 120, 20, 0)
	ms[60] = minute("2026-07-01T10:00:00Z", ClassCounts{X2: 5, X5: 15})
	got := FindIncidentsIn(ms, IncidentOptions{Pad: 1, Max: 1}, paris)
	if len(got) != 1 || got[0].Start != "2026-07-01T12:00:00+02:00" || got[0].Minutes[1].Label != "12:00" {
		t.Errorf("incident in Paris: %+v", got)
	}
}
