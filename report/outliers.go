package report

import "time"

// maxOutlierMinutes bounds the minutes listed in [TimeOutliers].
const maxOutlierMinutes = 20

// findTimeOutliers returns the requests dated far outside the bulk of
// minutes, or nil. The bulk is the span from the minute by which 0.5 % of
// the dated requests were made to the one by which 99.5 % were; a minute
// is far when it is further from the bulk than ten times its length, and
// than a year.
func findTimeOutliers(minutes []Minute, loc *time.Location) *TimeOutliers {
	ms := inTimeOrder(minutes)
	var total int64
	for _, mi := range ms {
		total += mi.Hits
	}
	if total == 0 {
		return nil
	}
	var lo, hi time.Time
	var cum int64
	for _, mi := range ms {
		cum += mi.Hits
		if lo.IsZero() && cum*1000 >= total*5 {
			lo = mi.Start
		}
		if cum*1000 >= total*995 {
			hi = mi.Start
			break
		}
	}
	margin := max(10*hi.Sub(lo), 366*24*time.Hour)
	var out TimeOutliers
	for _, mi := range ms {
		if mi.Hits == 0 || (!mi.Start.Before(lo.Add(-margin)) && !mi.Start.After(hi.Add(margin))) {
			continue
		}
		out.Requests += mi.Hits
		out.Truncated = len(out.Minutes) == maxOutlierMinutes
		if !out.Truncated {
			t := mi.Start.In(loc)
			out.Minutes = append(out.Minutes, Bucket{Label: t.Format("2006-01-02 15:04"), Start: t.Format(rfc3339), Hits: mi.Hits})
		}
	}
	if out.Requests == 0 {
		return nil
	}
	out.BulkStart = lo.In(loc).Format(rfc3339)
	out.BulkEnd = hi.Add(time.Minute).In(loc).Format(rfc3339)
	return &out
}
