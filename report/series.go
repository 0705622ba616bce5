package report

import (
	"fmt"
	"slices"
	"time"
)

// Minute is one minute of traffic: the input from which [BuildFrom] derives
// every time series (months, days, hours, hour of day, client-aborted
// series, incident timelines). Start is the beginning of the minute.
type Minute struct {
	Start   time.Time
	Hits    int64
	Bytes   int64
	Pages   int64
	Aborted int64 // 499 + 444
	Classes ClassCounts
	Codes   map[int]int64 // per status code, when known
}

func (mi Minute) add(b *Bucket) {
	b.Hits += mi.Hits
	b.Bytes += mi.Bytes
	b.Pages += mi.Pages
	b.Aborted += mi.Aborted
	for ci := range ClassNames {
		b.Classes.Add(ci, mi.Classes.At(ci))
	}
	for code, n := range mi.Codes {
		if b.Codes == nil {
			b.Codes = map[string]int64{}
		}
		b.Codes[codeKey(code)] += n
	}
}

const (
	rfc3339 = "2006-01-02T15:04:05Z07:00"
	// hourlyLimit is the longest period, in hours, for which Build emits
	// the per-hour series.
	hourlyLimit = maxHourly
)

// Series are the time series derived from minutes.
type Series struct {
	Months    []Month
	Hourly    []Bucket // empty when the period is longer than hourlyLimit hours
	HourOfDay []Bucket // 24 entries, or none without traffic
	Aborted   []Bucket // per hour when Hourly is present, else per day
}

// DeriveSeries sums minutes into months (each with every day from the first
// to the last day that has traffic, zero days included), clock hours and
// hours of the day, all in UTC. minutes need not be sorted.
func DeriveSeries(minutes []Minute) Series { return DeriveSeriesIn(minutes, time.UTC) }

// DeriveSeriesIn is [DeriveSeries] with days and hours on loc's wall clock:
// a day is a calendar day in loc (23 or 25 hours long across a daylight
// saving change), and an hour a clock hour in loc.
func DeriveSeriesIn(minutes []Minute, loc *time.Location) Series {
	var s Series
	if len(minutes) == 0 {
		return s
	}
	if loc == nil {
		loc = time.UTC
	}
	ms := slices.Clone(minutes)
	slices.SortStableFunc(ms, func(a, b Minute) int { return a.Start.Compare(b.Start) })
	first := ms[0].Start.In(loc)
	last := ms[len(ms)-1].Start.In(loc)

	// Days, zero-filled, grouped into months.
	day0 := time.Date(first.Year(), first.Month(), first.Day(), 0, 0, 0, 0, loc)
	dayN := time.Date(last.Year(), last.Month(), last.Day(), 0, 0, 0, 0, loc)
	var days []Bucket
	dayIndex := map[string]int{}
	for d := day0; !d.After(dayN); d = d.AddDate(0, 0, 1) {
		dayIndex[d.Format("2006-01-02")] = len(days)
		days = append(days, Bucket{Label: d.Format("2006-01-02"), Start: d.Format(rfc3339)})
	}
	hourOfDay := make([]Bucket, 24)
	for h := range hourOfDay {
		hourOfDay[h].Label = fmt.Sprintf("%02d", h)
	}
	localHour := func(t time.Time) time.Time {
		return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), 0, 0, 0, loc)
	}
	hour0 := localHour(first)
	nHours := int(localHour(last).Sub(hour0)/time.Hour) + 1
	var hourly []Bucket
	if nHours <= hourlyLimit {
		hourly = make([]Bucket, nHours)
		for i := range hourly {
			h := hour0.Add(time.Duration(i) * time.Hour)
			hourly[i].Start = h.Format(rfc3339)
			hourly[i].Label = h.Format("01-02 15h")
		}
	}
	for _, mi := range ms {
		t := mi.Start.In(loc)
		mi.add(&days[dayIndex[t.Format("2006-01-02")]])
		mi.add(&hourOfDay[t.Hour()])
		if hourly != nil {
			if i := int(localHour(t).Sub(hour0) / time.Hour); i >= 0 && i < len(hourly) {
				mi.add(&hourly[i])
			}
		}
	}
	for _, d := range days {
		key := d.Label[:7]
		if len(s.Months) == 0 || s.Months[len(s.Months)-1].Key != key {
			t, _ := time.Parse("2006-01", key)
			s.Months = append(s.Months, Month{Key: key, Label: t.Format("January 2006"), Anchor: "m-" + key,
				Total: Bucket{Label: key, Start: t.Format(rfc3339)}})
		}
		mo := &s.Months[len(s.Months)-1]
		mo.Days = append(mo.Days, d)
		addBucket(&mo.Total, d)
	}
	s.Hourly = hourly
	s.HourOfDay = hourOfDay
	src := days
	if hourly != nil {
		src = hourly
	}
	for _, b := range src {
		s.Aborted = append(s.Aborted, Bucket{Label: b.Label, Start: b.Start, Hits: b.Aborted})
	}
	return s
}

func addBucket(dst *Bucket, b Bucket) {
	dst.Hits += b.Hits
	dst.Bytes += b.Bytes
	dst.Pages += b.Pages
	dst.Aborted += b.Aborted
	dst.Visitors += b.Visitors
	for ci := range ClassNames {
		dst.Classes.Add(ci, b.Classes.At(ci))
	}
	for code, n := range b.Codes {
		if dst.Codes == nil {
			dst.Codes = map[string]int64{}
		}
		dst.Codes[code] += n
	}
}

// FindIncidents returns up to max windows of window minutes with the most
// 5xx responses (ties: the earliest), not overlapping, each with a
// per-minute timeline that starts pad minutes before and ends pad minutes
// after it (zero minutes filled in). Windows without any 5xx are not
// incidents.
func FindIncidents(minutes []Minute, window, pad, max int) []Incident {
	if len(minutes) == 0 || window <= 0 || max <= 0 {
		return nil
	}
	ms := slices.Clone(minutes)
	slices.SortStableFunc(ms, func(a, b Minute) int { return a.Start.Compare(b.Start) })
	t0 := ms[0].Start.UTC().Truncate(time.Minute)
	n := int(ms[len(ms)-1].Start.UTC().Truncate(time.Minute).Sub(t0)/time.Minute) + 1
	// Dense per-minute arrays over the whole period (an hour of a year is
	// 525,600 entries: fine). Long periods with sparse minutes still cost
	// n; Build caps the period it passes in.
	dense := make([]Minute, n)
	for i := range dense {
		dense[i].Start = t0.Add(time.Duration(i) * time.Minute)
	}
	for _, mi := range ms {
		i := int(mi.Start.UTC().Truncate(time.Minute).Sub(t0) / time.Minute)
		d := &dense[i]
		d.Hits += mi.Hits
		d.Bytes += mi.Bytes
		d.Pages += mi.Pages
		d.Aborted += mi.Aborted
		for ci := range ClassNames {
			d.Classes.Add(ci, mi.Classes.At(ci))
		}
	}
	if window > n {
		window = n
	}
	// Sum of 5xx over each window start.
	sums := make([]int64, n-window+1)
	var run int64
	for i := range n {
		run += dense[i].Classes.X5
		if i >= window {
			run -= dense[i-window].Classes.X5
		}
		if i >= window-1 {
			sums[i-window+1] = run
		}
	}
	used := make([]bool, n)
	var out []Incident
	for len(out) < max {
		best := -1
		for i, v := range sums {
			if v == 0 || (best >= 0 && v <= sums[best]) {
				continue
			}
			if slices.Contains(used[i:i+window], true) {
				continue
			}
			best = i
		}
		if best < 0 {
			break
		}
		for i := best; i < best+window; i++ {
			used[i] = true
		}
		inc := Incident{What: "5xx",
			Start: dense[best].Start.Format(rfc3339),
			End:   dense[best+window-1].Start.Add(time.Minute).Format(rfc3339)}
		for i := best; i < best+window; i++ {
			inc.Errors += dense[i].Classes.X5
			inc.Hits += dense[i].Hits
		}
		inc.Rate = share(inc.Errors, inc.Hits)
		for i := best - pad; i < best+window+pad; i++ {
			var b Bucket
			var t time.Time
			if i >= 0 && i < n {
				dense[i].add(&b)
				t = dense[i].Start
			} else {
				t = t0.Add(time.Duration(i) * time.Minute)
			}
			b.Start = t.Format(rfc3339)
			b.Label = t.Format("15:04")
			inc.Minutes = append(inc.Minutes, b)
		}
		out = append(out, inc)
	}
	// Chronological order reads best in a post-mortem.
	slices.SortStableFunc(out, func(a, b Incident) int {
		switch {
		case a.Start < b.Start:
			return -1
		case a.Start > b.Start:
			return 1
		}
		return 0
	})
	return out
}
