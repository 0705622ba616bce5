package aggregate

// The time series a test reads a State's minutes through: the report
// derives the series users see (report.DeriveSeriesIn, report.StepSeries)
// from the same minutes; this is the tests' independent oracle.

import (
	"slices"
	"time"

	"github.com/webalyze/webalyze/aggregate/sketch"
	"github.com/webalyze/webalyze/aggregate/status"
)

// Bucket is one step of a time series derived from the minute buckets.
type Bucket struct {
	// Start is the bucket's first instant, in the series' location. For
	// PerHourOfDay it is the hour on 1970-01-01 (only Hour() matters).
	Start    time.Time
	Requests uint64
	Pages    uint64
	Bytes    uint64
	Classes  [status.NumClasses]uint64 // by class index (see status.ClassNames)
	Codes    []CodeCount               // sorted by code
}

func (b *Bucket) add(m *MinuteBucket) {
	b.Requests += m.Requests
	b.Pages += m.Pages
	b.Bytes = sketch.AddSat(b.Bytes, m.Bytes)
	for _, c := range m.Codes {
		b.Classes[status.ClassIndex(c.Code)] += c.N
		i, ok := slices.BinarySearchFunc(b.Codes, c.Code, func(x CodeCount, code uint16) int { return int(x.Code) - int(code) })
		if ok {
			b.Codes[i].N += c.N
		} else {
			b.Codes = slices.Insert(b.Codes, i, c)
		}
	}
}

// series folds the minute buckets into buckets keyed by key(wall), where
// wall is the minute's start as local wall-clock seconds since the epoch
// in loc; start(key) gives a bucket's first instant. Minutes for which
// keep is false are left out.
func (s *State) series(loc *time.Location, key func(wall int64) int64, start func(k int64) time.Time, keep func(minute int64) bool) []Bucket {
	if loc == nil {
		loc = s.loc
	}
	z := newZoneCache(loc)
	byKey := map[int64]*Bucket{}
	for minute, m := range s.Minutes {
		if keep != nil && !keep(minute) {
			continue
		}
		sec := minute * 60
		k := key(sec + z.offset(sec))
		b := byKey[k]
		if b == nil {
			b = &Bucket{}
			byKey[k] = b
		}
		b.add(m)
	}
	keys := make([]int64, 0, len(byKey))
	for k := range byKey {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	out := make([]Bucket, len(keys))
	for i, k := range keys {
		out[i] = *byKey[k]
		out[i].Start = start(k)
	}
	return out
}

// wallTime turns local wall-clock seconds into a time in loc.
func wallTime(wall int64, loc *time.Location) time.Time {
	u := time.Unix(wall, 0).UTC()
	return time.Date(u.Year(), u.Month(), u.Day(), u.Hour(), u.Minute(), u.Second(), 0, loc)
}

// Series returns the requests in buckets of step (a whole number of
// minutes; less than a minute counts as one) aligned on loc's wall clock
// (nil: the State's location), oldest first; only non-empty buckets are
// returned. Records without a time are in no bucket: they are counted in
// [State.Undated].
func (s *State) Series(step time.Duration, loc *time.Location) []Bucket {
	if loc == nil {
		loc = s.loc
	}
	w := max(int64(step/time.Minute), 1) * 60
	return s.series(loc, func(wall int64) int64 { return floorDiv(wall, w) },
		func(k int64) time.Time { return wallTime(k*w, loc) }, nil)
}

// PerMinute returns the minutes starting in [from, to) that have
// requests, oldest first.
func (s *State) PerMinute(from, to time.Time) []Bucket {
	lo, hi := from.Unix(), to.Unix()
	loc := s.loc
	return s.series(loc, func(wall int64) int64 { return floorDiv(wall, 60) },
		func(k int64) time.Time { return wallTime(k*60, loc) },
		func(m int64) bool { return m*60 >= lo && m*60 < hi })
}

// PerHour returns hourly buckets in the State's location.
func (s *State) PerHour() []Bucket { return s.Series(time.Hour, nil) }

// PerDay returns daily buckets in the State's location.
func (s *State) PerDay() []Bucket { return s.Series(24*time.Hour, nil) }

// PerMonth returns monthly buckets in the State's location.
func (s *State) PerMonth() []Bucket {
	loc := s.loc
	return s.series(loc, func(wall int64) int64 {
		u := time.Unix(wall, 0).UTC()
		return int64(u.Year())*12 + int64(u.Month()) - 1
	}, func(k int64) time.Time {
		return time.Date(int(floorDiv(k, 12)), time.Month(k-12*floorDiv(k, 12)+1), 1, 0, 0, 0, 0, loc)
	}, nil)
}

// PerHourOfDay returns up to 24 buckets, one per hour of the day (0-23) in
// the State's location, summed over all days.
func (s *State) PerHourOfDay() []Bucket {
	return s.series(s.loc, func(wall int64) int64 { return floorDiv(wall, 3600) - 24*floorDiv(wall, 86400) },
		func(k int64) time.Time { return time.Date(1970, 1, 1, int(k), 0, 0, 0, s.loc) }, nil)
}
