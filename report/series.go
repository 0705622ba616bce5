package report

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Minute is one minute of traffic: the input from which [BuildFrom] derives
// every time series (months, days, hours, hour of day, client-aborted
// series, incident timelines). Start is the beginning of the minute.
// Classes plus NoStatus sum to Hits.
type Minute struct {
	Start    time.Time
	Hits     int64
	Bytes    int64
	Pages    int64
	Aborted  int64 // 499 + 444
	Classes  ClassCounts
	NoStatus int64   // requests without a status
	Codes    []CodeN // per status code seen in the minute, each once
}

// CodeN is a count of one status code.
type CodeN struct {
	Code int
	N    int64
}

func (mi Minute) add(b *Bucket) {
	mi.addCounts(b)
	for _, c := range mi.Codes {
		b.addCode(codeKey(c.Code), c.N)
	}
}

// addCounts adds everything of mi but its codes to b.
func (mi Minute) addCounts(b *Bucket) {
	b.Hits += mi.Hits
	b.Bytes += mi.Bytes
	b.Pages += mi.Pages
	b.Aborted += mi.Aborted
	b.NoStatus += mi.NoStatus
	for ci := range ClassNames {
		b.Classes.Add(ci, mi.Classes.At(ci))
	}
}

// codeTally sums the codes of many minutes into a row per bucket, the
// codes numbered in the order met: a map operation per minute, bucket and
// code had been a seventh of Build. [codeTally.fill] then writes each
// row's codes into its bucket's map, as Minute.add would have.
type codeTally struct {
	col  [1000]int32   // code 000–999 → column + 1 (0: not met yet)
	cols map[int]int32 // other codes (not from a State) → column + 1
	keys []string      // column → code key
	rows [][]tallyCell // bucket → cells by column
}

// tallyCell is one bucket's count of one code; met tells a count of 0
// from a code the bucket never had.
type tallyCell struct {
	n   int64
	met bool
}

func newCodeTally(buckets int) *codeTally { return &codeTally{rows: make([][]tallyCell, buckets)} }

// column returns code's column, numbering it when first met.
func (t *codeTally) column(code int) int {
	if code >= 0 && code < len(t.col) {
		if t.col[code] == 0 {
			t.col[code] = t.newColumn(code)
		}
		return int(t.col[code] - 1)
	}
	c, ok := t.cols[code]
	if !ok {
		if t.cols == nil {
			t.cols = map[int]int32{}
		}
		c = t.newColumn(code)
		t.cols[code] = c
	}
	return int(c - 1)
}

// newColumn numbers a new column for code and returns it plus one.
func (t *codeTally) newColumn(code int) int32 {
	t.keys = append(t.keys, codeKey(code))
	return int32(len(t.keys))
}

// add adds codes to the row of bucket i.
func (t *codeTally) add(i int, codes []CodeN) {
	row := t.rows[i]
	for _, c := range codes {
		j := t.column(c.Code)
		if j >= len(row) {
			row = append(row, make([]tallyCell, j+1-len(row))...)
		}
		row[j].n += c.N
		row[j].met = true
	}
	t.rows[i] = row
}

// fill adds row i's codes to b.
func (t *codeTally) fill(i int, b *Bucket) {
	for j, c := range t.rows[i] {
		if c.met {
			b.addCode(t.keys[j], c.n)
		}
	}
}

// addCode adds n requests of code ("502") to b.
func (b *Bucket) addCode(code string, n int64) {
	if b.Codes == nil {
		b.Codes = map[string]int64{}
	}
	b.Codes[code] += n
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

// DeriveSeries is [DeriveSeriesIn] in UTC.
func DeriveSeries(minutes []Minute) Series { return DeriveSeriesIn(minutes, time.UTC) }

// DeriveSeriesIn sums minutes into months (each with every day from the
// first to the last day that has traffic, zero days included), clock
// hours and hours of the day, all on the wall clock of loc (nil: UTC).
// minutes need not be sorted.
//
// Days are calendar days of loc, so a day has 23 or 25 hours when
// daylight saving time starts or ends. Clock hours are consecutive hours
// of real time: the hour skipped when clocks go forward has no bucket,
// and the hour repeated when they go back has two, whose labels then name
// their zone ("10-25 02h CEST", "10-25 02h CET").
func DeriveSeriesIn(minutes []Minute, loc *time.Location) Series {
	var s Series
	if len(minutes) == 0 {
		return s
	}
	if loc == nil {
		loc = time.UTC
	}
	ms := inTimeOrder(minutes)
	first := ms[0].Start.In(loc)
	last := ms[len(ms)-1].Start.In(loc)

	// Days, zero-filled, grouped into months.
	day0, dayN := civilDay(first), civilDay(last)
	days := make([]Bucket, dayN-day0+1)
	for i := range days {
		y, mo, d := first.Date()
		midnight := time.Date(y, mo, d+i, 0, 0, 0, 0, loc)
		days[i] = Bucket{Label: time.Date(y, mo, d+i, 12, 0, 0, 0, time.UTC).Format("2006-01-02"), Start: midnight.Format(rfc3339)}
	}
	hourOfDay := make([]Bucket, 24)
	for h := range hourOfDay {
		hourOfDay[h].Label = fmt.Sprintf("%02d", h)
	}
	hour0 := hourStart(first)
	nHours := int(hourStart(last).Sub(hour0)/time.Hour) + 1
	var hourly []Bucket
	if nHours <= hourlyLimit {
		hourly = make([]Bucket, nHours)
		for i := range hourly {
			h := hour0.Add(time.Duration(i) * time.Hour)
			hourly[i].Start = h.Format(rfc3339)
			hourly[i].Label = h.Format("01-02 15h")
		}
		// The hour repeated when clocks go back: name the zones.
		for i := 1; i < len(hourly); i++ {
			if hourly[i].Label == hourly[i-1].Label {
				for _, k := range []int{i - 1, i} {
					zone, _ := hour0.Add(time.Duration(k) * time.Hour).Zone()
					hourly[k].Label = strings.TrimSuffix(hourly[k].Label, " "+zone) + " " + zone
				}
			}
		}
	}
	// Rows of the code tally: the days, then the hours of the day, then
	// the clock hours.
	tally := newCodeTally(len(days) + len(hourOfDay) + len(hourly))
	for _, mi := range ms {
		t := mi.Start.In(loc)
		d := civilDay(t) - day0
		mi.addCounts(&days[d])
		tally.add(d, mi.Codes)
		mi.addCounts(&hourOfDay[t.Hour()])
		tally.add(len(days)+t.Hour(), mi.Codes)
		if hourly != nil {
			i := min(max(int(hourStart(t).Sub(hour0)/time.Hour), 0), len(hourly)-1)
			mi.addCounts(&hourly[i])
			tally.add(len(days)+len(hourOfDay)+i, mi.Codes)
		}
	}
	for i := range days {
		tally.fill(i, &days[i])
	}
	for i := range hourOfDay {
		tally.fill(len(days)+i, &hourOfDay[i])
	}
	for i := range hourly {
		tally.fill(len(days)+len(hourOfDay)+i, &hourly[i])
	}
	for _, d := range days {
		key := d.Label[:7]
		if len(s.Months) == 0 || s.Months[len(s.Months)-1].Key != key {
			t, _ := time.Parse("2006-01", key)
			s.Months = append(s.Months, Month{Key: key, Label: t.Format("January 2006"), Anchor: "m-" + key,
				Total: Bucket{Label: key, Start: time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, loc).Format(rfc3339)}})
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

// civilDay returns the number of t's calendar day (in t's location)
// counted from 1970-01-01.
func civilDay(t time.Time) int {
	y, m, d := t.Date()
	u := time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix()
	if u < 0 {
		return int((u - 86399) / 86400)
	}
	return int(u / 86400)
}

// hourStart returns the instant at which t's wall-clock hour (in t's
// location) began.
func hourStart(t time.Time) time.Time {
	return t.Add(-(time.Duration(t.Minute())*time.Minute + time.Duration(t.Second())*time.Second + time.Duration(t.Nanosecond())))
}

func addBucket(dst *Bucket, b Bucket) {
	dst.Hits += b.Hits
	dst.Bytes += b.Bytes
	dst.Pages += b.Pages
	dst.Aborted += b.Aborted
	dst.NoStatus += b.NoStatus
	for ci := range ClassNames {
		dst.Classes.Add(ci, b.Classes.At(ci))
	}
	for code, n := range b.Codes {
		dst.addCode(code, n)
	}
}

// FindIncidents is [FindIncidentsIn] in UTC.
func FindIncidents(minutes []Minute, window, pad, max int) []Incident {
	return FindIncidentsIn(minutes, window, pad, max, time.UTC)
}

// FindIncidentsIn returns up to max windows of window minutes with the most
// 5xx responses (ties: the earliest), not overlapping, each with a
// per-minute timeline that starts pad minutes before and ends pad minutes
// after it (zero minutes filled in). Windows without any 5xx are not
// incidents. Times and labels are on loc's wall clock (nil: UTC).
func FindIncidentsIn(minutes []Minute, window, pad, max int, loc *time.Location) []Incident {
	if len(minutes) == 0 || window <= 0 || max <= 0 {
		return nil
	}
	if loc == nil {
		loc = time.UTC
	}
	ms := inTimeOrder(minutes)
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
		d.NoStatus += mi.NoStatus
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
			Start: dense[best].Start.In(loc).Format(rfc3339),
			End:   dense[best+window-1].Start.Add(time.Minute).In(loc).Format(rfc3339)}
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
			b.Start = t.In(loc).Format(rfc3339)
			b.Label = t.In(loc).Format("15:04")
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

// inTimeOrder returns minutes sorted by start (stable), without copying
// them when they are sorted already, as NewInput gives them: a month is
// 43 200 minutes of 150 bytes, and the series and the incident finder
// would each copy and sort them. The result must not be changed.
func inTimeOrder(minutes []Minute) []Minute {
	byStart := func(a, b Minute) int { return a.Start.Compare(b.Start) }
	if slices.IsSortedFunc(minutes, byStart) {
		return minutes
	}
	ms := slices.Clone(minutes)
	slices.SortStableFunc(ms, byStart)
	return ms
}
