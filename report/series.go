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
	// Timeline is the whole period in steps of TimelineStep ("hour",
	// "day", "week", "month", "year", "10 years"...), the step chosen
	// from the span so that it has at most about a hundred buckets, empty
	// ones included.
	Timeline     []Bucket
	TimelineStep string
	Aborted      []Bucket // client-aborted requests per Timeline step
}

// maxFilledMonths is the longest run of months (100 years) listed in
// full, months without traffic included; past it only the months with
// traffic are listed, so that a line dated year 1 among lines of 2024
// costs a few months, not 24,000.
const maxFilledMonths = 1200

// DeriveSeries is [DeriveSeriesIn] in UTC.
func DeriveSeries(minutes []Minute) Series { return DeriveSeriesIn(minutes, time.UTC) }

// DeriveSeriesIn sums minutes into months, clock hours, hours of the day
// and a timeline, all on the wall clock of loc (nil: UTC). minutes need
// not be sorted. Memory and time are bounded by the number of minutes,
// never by the span between them.
//
// Months: every calendar month from the first to the last one with
// traffic when there are at most maxFilledMonths of them, else only the
// months with traffic. A month with traffic lists each of its days (from
// the first day with traffic in the first month, to the last one in the
// last month), zero days included; a month without traffic lists none.
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

	// The days with traffic, in order (the minutes are in time order, so
	// their calendar days never go back).
	var busy []int // day numbers
	for _, mi := range ms {
		if d := civilDay(mi.Start.In(loc)); len(busy) == 0 || busy[len(busy)-1] != d {
			busy = append(busy, d)
		}
	}
	hourOfDay := make([]Bucket, 24)
	for h := range hourOfDay {
		hourOfDay[h].Label = fmt.Sprintf("%02d", h)
	}
	hour0 := hourStart(first)
	var hourly []Bucket
	if last.Sub(hour0) < time.Duration(hourlyLimit)*time.Hour {
		nHours := int(hourStart(last).Sub(hour0)/time.Hour) + 1
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
	// Rows of the code tally: the days with traffic, then the hours of
	// the day, then the clock hours.
	busyDays := make([]Bucket, len(busy))
	tally := newCodeTally(len(busyDays) + len(hourOfDay) + len(hourly))
	d := 0
	for _, mi := range ms {
		t := mi.Start.In(loc)
		for busy[d] != civilDay(t) {
			d++
		}
		mi.addCounts(&busyDays[d])
		tally.add(d, mi.Codes)
		mi.addCounts(&hourOfDay[t.Hour()])
		tally.add(len(busyDays)+t.Hour(), mi.Codes)
		if hourly != nil {
			i := min(max(int(hourStart(t).Sub(hour0)/time.Hour), 0), len(hourly)-1)
			mi.addCounts(&hourly[i])
			tally.add(len(busyDays)+len(hourOfDay)+i, mi.Codes)
		}
	}
	for i := range busyDays {
		tally.fill(i, &busyDays[i])
	}
	for i := range hourOfDay {
		tally.fill(len(busyDays)+i, &hourOfDay[i])
	}
	for i := range hourly {
		tally.fill(len(busyDays)+len(hourOfDay)+i, &hourly[i])
	}
	s.Months = months(busy, busyDays, loc)
	s.Hourly = hourly
	s.HourOfDay = hourOfDay
	s.Timeline, s.TimelineStep = timeline(first, last, hourly, busy, busyDays, loc)
	for _, b := range s.Timeline {
		s.Aborted = append(s.Aborted, Bucket{Label: b.Label, Start: b.Start, Hits: b.Aborted})
	}
	return s
}

// dayDate returns the calendar date of day number d (see civilDay).
func dayDate(d int) (int, time.Month, int) {
	return time.Unix(int64(d)*86400, 0).UTC().Date()
}

// dayBucket returns an empty bucket for calendar day y-mo-dd in loc.
func dayBucket(y int, mo time.Month, dd int, loc *time.Location) Bucket {
	return Bucket{Label: time.Date(y, mo, dd, 12, 0, 0, 0, time.UTC).Format("2006-01-02"),
		Start: time.Date(y, mo, dd, 0, 0, 0, 0, loc).Format(rfc3339)}
}

// months groups the days with traffic (busy, in order, and their
// buckets) into months, as [DeriveSeriesIn] describes.
func months(busy []int, busyDays []Bucket, loc *time.Location) []Month {
	newMonth := func(y int, mo time.Month) Month {
		key := fmt.Sprintf("%04d-%02d", y, int(mo))
		t := time.Date(y, mo, 1, 0, 0, 0, 0, time.UTC)
		return Month{Key: key, Label: t.Format("January ") + fmt.Sprintf("%04d", y), Anchor: "m-" + key,
			Total: Bucket{Label: key, Start: time.Date(y, mo, 1, 0, 0, 0, 0, loc).Format(rfc3339)}}
	}
	y0, m0, _ := dayDate(busy[0])
	yN, mN, _ := dayDate(busy[len(busy)-1])
	fill := (yN-y0)*12+int(mN-m0)+1 <= maxFilledMonths
	var out []Month
	for i := 0; i < len(busy); {
		y, mo, _ := dayDate(busy[i])
		if n := len(out); n > 0 && fill {
			// The months without traffic since the last one.
			py, pm, _ := dayDate(busy[i-1])
			for t := time.Date(py, pm+1, 1, 0, 0, 0, 0, time.UTC); t.Year() < y || (t.Year() == y && t.Month() < mo); t = t.AddDate(0, 1, 0) {
				out = append(out, newMonth(t.Year(), t.Month()))
			}
		}
		m := newMonth(y, mo)
		// Every day of the month, but before the first and after the
		// last day with traffic.
		from, to := 1, time.Date(y, mo+1, 0, 0, 0, 0, 0, time.UTC).Day()
		if i == 0 {
			_, _, from = dayDate(busy[0])
		}
		j := i
		for j < len(busy) {
			if by, bm, _ := dayDate(busy[j]); by != y || bm != mo {
				break
			}
			j++
		}
		if j == len(busy) {
			_, _, to = dayDate(busy[j-1])
		}
		k := i
		for dd := from; dd <= to; dd++ {
			b := dayBucket(y, mo, dd, loc)
			if k < j {
				if _, _, bd := dayDate(busy[k]); bd == dd {
					b = busyDays[k]
					b.Label, b.Start = dayBucket(y, mo, dd, loc).Label, dayBucket(y, mo, dd, loc).Start
					k++
				}
			}
			m.Days = append(m.Days, b)
			addBucket(&m.Total, b)
		}
		out = append(out, m)
		i = j
	}
	return out
}

// timelineSteps are the steps a timeline may have, finest first, each
// with the largest number of buckets it may take.
var timelineSteps = []struct {
	name  string
	years int // for steps of whole years
	max   int
}{
	{"day", 0, 92}, {"week", 0, 106}, {"month", 0, 120},
	{"year", 1, 120}, {"10 years", 10, 120}, {"100 years", 100, 120}, {"1000 years", 1000, 120},
}

// timeline returns the period from first to last in the coarsest step
// that still shows it in detail: the clock hours when there are few
// enough of them, else days, weeks (from Monday), months or years, with
// empty steps included.
func timeline(first, last time.Time, hourly []Bucket, busy []int, busyDays []Bucket, loc *time.Location) ([]Bucket, string) {
	if hourly != nil {
		return slices.Clone(hourly), "hour"
	}
	type stepKey struct {
		key   func(day int) int64
		start func(k int64) (int, time.Month, int)
		label func(k int64) string
	}
	for _, st := range timelineSteps {
		var sk stepKey
		switch {
		case st.name == "day":
			sk = stepKey{func(d int) int64 { return int64(d) }, func(k int64) (int, time.Month, int) { return dayDate(int(k)) },
				func(k int64) string { y, m, d := dayDate(int(k)); return fmt.Sprintf("%04d-%02d-%02d", y, int(m), d) }}
		case st.name == "week":
			// Day 0, 1970-01-01, was a Thursday: weeks start on day 4 + 7k.
			sk = stepKey{func(d int) int64 { return floorDiv64(int64(d)+3, 7) }, func(k int64) (int, time.Month, int) { return dayDate(int(7*k - 3)) },
				func(k int64) string {
					y, m, d := dayDate(int(7*k - 3))
					return fmt.Sprintf("%04d-%02d-%02d", y, int(m), d)
				}}
		case st.name == "month":
			sk = stepKey{func(d int) int64 { y, m, _ := dayDate(d); return int64(y)*12 + int64(m) - 1 },
				func(k int64) (int, time.Month, int) {
					return int(floorDiv64(k, 12)), time.Month(k - 12*floorDiv64(k, 12) + 1), 1
				},
				func(k int64) string { return fmt.Sprintf("%04d-%02d", floorDiv64(k, 12), k-12*floorDiv64(k, 12)+1) }}
		default:
			n := int64(st.years)
			sk = stepKey{func(d int) int64 { y, _, _ := dayDate(d); return floorDiv64(int64(y), n) },
				func(k int64) (int, time.Month, int) { return int(k * n), time.January, 1 },
				func(k int64) string {
					if n == 1 {
						return fmt.Sprintf("%04d", k)
					}
					return fmt.Sprintf("%04d–%04d", k*n, k*n+n-1)
				}}
		}
		k0, kN := sk.key(busy[0]), sk.key(busy[len(busy)-1])
		last := st.name == timelineSteps[len(timelineSteps)-1].name
		if kN-k0+1 > int64(st.max) && !last {
			continue
		}
		// Past the coarsest step (dates millions of years apart, from a
		// forged state), only the steps with traffic are listed.
		dense := kN-k0+1 <= int64(st.max)
		var keys []int64
		if dense {
			for k := k0; k <= kN; k++ {
				keys = append(keys, k)
			}
		} else {
			for _, day := range busy {
				if k := sk.key(day); len(keys) == 0 || keys[len(keys)-1] != k {
					keys = append(keys, k)
				}
			}
		}
		out := make([]Bucket, len(keys))
		for i, k := range keys {
			y, m, d := sk.start(k)
			out[i].Label = sk.label(k)
			out[i].Start = time.Date(y, m, d, 0, 0, 0, 0, loc).Format(rfc3339)
		}
		j := 0
		for i, day := range busy {
			k := sk.key(day)
			for keys[j] != k {
				j++
			}
			label, start := out[j].Label, out[j].Start
			addBucket(&out[j], busyDays[i])
			out[j].Label, out[j].Start = label, start
		}
		return out, st.name
	}
	return nil, ""
}

func floorDiv64(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
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

// addVisitors returns a new count of p (nil: none yet) plus n.
func addVisitors(p *int64, n int64) *int64 {
	v := n
	if p != nil {
		v += *p
	}
	return &v
}

func addBucket(dst *Bucket, b Bucket) {
	dst.Hits += b.Hits
	dst.Bytes += b.Bytes
	dst.Pages += b.Pages
	dst.Aborted += b.Aborted
	if b.Visitors != nil {
		dst.Visitors = addVisitors(dst.Visitors, *b.Visitors)
	}
	dst.NoStatus += b.NoStatus
	for ci := range ClassNames {
		dst.Classes.Add(ci, b.Classes.At(ci))
	}
	for code, n := range b.Codes {
		dst.addCode(code, n)
	}
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
