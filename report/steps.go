package report

import (
	"slices"
	"time"
)

// Step is one bucket of [StepSeries]: its first instant and its counts
// (Label and Start of the Bucket are left empty; Visitors is nil).
type Step struct {
	Start time.Time
	Bucket
}

// StepSeries folds minutes into buckets of step (a whole number of
// minutes; less than a minute counts as one) aligned on loc's wall clock
// (nil: UTC), oldest first; only non-empty buckets are returned. It is
// the series of `webalyze timeline`, from the same minutes as every
// series of the report.
func StepSeries(minutes []Minute, step time.Duration, loc *time.Location) []Step {
	if loc == nil {
		loc = time.UTC
	}
	w := max(int64(step/time.Minute), 1) * 60
	byKey := map[int64]*Bucket{}
	var keys []int64
	for _, mi := range minutes {
		_, off := mi.Start.In(loc).Zone()
		k := floorDiv64(mi.Start.Unix()+int64(off), w)
		b := byKey[k]
		if b == nil {
			b = &Bucket{}
			byKey[k] = b
			keys = append(keys, k)
		}
		mi.add(b)
	}
	slices.Sort(keys)
	out := make([]Step, len(keys))
	for i, k := range keys {
		out[i] = Step{Start: wallTime(k*w, loc), Bucket: *byKey[k]}
	}
	return out
}

// wallTime turns local wall-clock seconds into a time in loc.
func wallTime(wall int64, loc *time.Location) time.Time {
	u := time.Unix(wall, 0).UTC()
	return time.Date(u.Year(), u.Month(), u.Day(), u.Hour(), u.Minute(), u.Second(), 0, loc)
}
