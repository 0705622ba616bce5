package clickhouse

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/webalyze/webalyze/aggregate/visits"
	"github.com/webalyze/webalyze/report"
)

// VisitsFigures are the visits as aggregate/visits counts them (see its
// package doc): the server sessionises every identity's page requests at
// once, so there is no capacity, nothing is closed early and every figure
// is exact.
type VisitsFigures struct {
	Timeout time.Duration
	// Zone is the zone of Days (QueryOptions.Location's name).
	Zone string
	// Visits, their Pages and summed duration in seconds, the one-page
	// visits (Bounces).
	Visits, Pages, Seconds, Bounces uint64
	// Days holds the visits per day of their first request, in order.
	Days []visits.DayCount
	// PagesHist and DurHist count the visits in visits.PagesBuckets and
	// visits.DurationBuckets.
	PagesHist [len(visits.PagesBuckets)]uint64
	DurHist   [len(visits.DurationBuckets)]uint64
	// Entry and Exit are the entry and exit pages, one hit per visit:
	// Total is Visits, Distinct the distinct paths, Rows the TopN busiest
	// (ties by path, bytewise).
	Entry, Exit TopList
	// Undated are the page requests that would count but have no time.
	Undated uint64
}

// pageCounted is the condition of a row that takes part in visits
// (visits.Counts): a page with a path, answered without an error or
// logged without a status.
func (q *querier) pageCounted() string {
	return fmt.Sprintf("(%s AND path != '' AND (has_status = 0 OR (status >= 100 AND status < 400)))", q.page)
}

// visitPath is path as visits.PagePath cuts it: at most visits.MaxPath
// bytes, and up to three bytes fewer so as not to end inside a UTF-8
// sequence (the bytes after the cut that are continuation bytes, 10xxxxxx,
// move it back, as cutPath does). The cut is made by the server because a
// visit's entry and exit are ordered by the cut paths; TestVisitPathCut
// checks it against visits.PagePath.
func visitPath() string {
	cont := func(i int) string { // the 1-based byte i is a continuation byte
		return fmt.Sprintf("bitAnd(reinterpretAsUInt8(substring(path, %d, 1)), 192) = 128", i)
	}
	m := visits.MaxPath
	back := fmt.Sprintf("if(%s, if(%s, if(%s, 3, 2), 1), 0)", cont(m+1), cont(m), cont(m-1))
	return fmt.Sprintf("if(length(path) <= %[1]d, path, substring(path, 1, %[1]d - %[2]s))", m, back)
}

// visitsSQL is the query of one row per visit: first and last (Unix
// seconds), pages, entry and exit (cut paths) and day (in the zone). The
// inner query gathers each identity's (time, path) pairs in order; over a
// Distributed table every shard gathers its rows and the server asked
// merges the arrays of each identity before they are sorted, so an
// identity's requests on several shards make the same visits. A visit
// starts (s) at the first request and after every gap longer than the
// timeout, and ends (z) before a start or at the last request; its
// requests are consecutive in the sorted array, so its entry is the path
// of the first (the smallest time, then path) and its exit that of the
// last. The visits' figures are taken out as arrays by arrayFilter on
// those flags, and ARRAY JOIN unfolds only them: a lambda that read the
// whole arrays (ts[i]), or whole arrays left beside the ARRAY JOIN, would
// be copied once per visit, quadratic in an identity's requests.
func (q *querier) visitsSQL(timeout int64) string {
	return fmt.Sprintf(`SELECT first, last, pages, entry, exit, toUInt16(toDate(toDateTime(first), %[1]s)) AS day
 FROM (SELECT arrayFilter((t, f) -> f, ts, s) AS firsts, arrayFilter((t, f) -> f, ts, z) AS lasts,
   arrayMap((b, e) -> e - b + 1, arrayFilter((i, f) -> f, arrayEnumerate(s), s), arrayFilter((i, f) -> f, arrayEnumerate(s), z)) AS counts,
   arrayFilter((p, f) -> f, ps, s) AS entries, arrayFilter((p, f) -> f, ps, z) AS exits
  FROM (SELECT arrayMap(x -> tupleElement(x, 1), a) AS ts, arrayMap(x -> tupleElement(x, 2), a) AS ps,
    arrayMap((d, i) -> i = 1 OR d > %[2]d, arrayDifference(ts), arrayEnumerate(ts)) AS s,
    arrayPushBack(arrayPopFront(s), 1) AS z
   FROM (SELECT arraySort(groupArray((toUInt32(time), %[3]s))) AS a FROM %[4]s
    WHERE (%[5]s) AND has_time = 1 AND %[6]s GROUP BY client, agent)))
 ARRAY JOIN firsts AS first, lasts AS last, counts AS pages, entries AS entry, exits AS exit`,
		q.tz, timeout, visitPath(), q.table, q.where, q.pageCounted())
}

// visitTimeout is the timeout in whole seconds, as visits.New takes it.
func (q *querier) visitTimeout() int64 {
	if q.opts.VisitTimeout == 0 {
		return int64(visits.DefaultTimeout / time.Second)
	}
	return max(int64(q.opts.VisitTimeout/time.Second), 1)
}

func (q *querier) visits(ctx context.Context, f *Figures) error {
	t := q.visitTimeout()
	v := &VisitsFigures{Timeout: time.Duration(t) * time.Second, Zone: q.opts.Location.String()}
	op := "visits of " + q.table
	sql := fmt.Sprintf("SELECT count() FROM %s WHERE (%s) AND has_time = 0 AND %s", q.table, q.where, q.pageCounted())
	if err := q.rows(ctx, op, sql, func(r *fields) error {
		v.Undated = r.u64()
		return nil
	}); err != nil {
		return err
	}
	// The figures of every visit in one pass: the distributions count
	// each bucket's visits (the ranges of the buckets, from Go), the days
	// are a sumMap keyed by day.
	var hist []string
	bucketConds := func(x string, bs []visits.Bucket) {
		for i, b := range bs {
			var cond []string
			if i > 0 {
				cond = append(cond, fmt.Sprintf("%s > %d", x, bs[i-1].Max))
			}
			if b.Max != 0 {
				cond = append(cond, fmt.Sprintf("%s <= %d", x, b.Max))
			}
			if len(cond) == 0 {
				cond = append(cond, "1")
			}
			hist = append(hist, "countIf("+strings.Join(cond, " AND ")+")")
		}
	}
	bucketConds("pages", visits.PagesBuckets[:])
	bucketConds("(last - first)", visits.DurationBuckets[:])
	sql = fmt.Sprintf(`SELECT count(), sum(pages), sum(toUInt64(last - first)), %s, uniqExact(entry), uniqExact(exit),
 sumMap([day], [toUInt64(1)]) AS m, tupleElement(m, 1), tupleElement(m, 2) FROM (%s)`, strings.Join(hist, ", "), q.visitsSQL(t))
	if err := q.rows(ctx, op, sql, func(r *fields) error {
		v.Visits, v.Pages, v.Seconds = r.u64(), r.u64(), r.u64()
		for i := range v.PagesHist {
			v.PagesHist[i] = r.u64()
		}
		for i := range v.DurHist {
			v.DurHist[i] = r.u64()
		}
		v.Bounces = v.PagesHist[0]
		v.Entry = TopList{Total: v.Visits, Distinct: r.u64()}
		v.Exit = TopList{Total: v.Visits, Distinct: r.u64()}
		r.next() // the map, as the two arrays after it
		days, counts := r.ints(), r.ints()
		if len(days) != len(counts) {
			return q.c.fail(op, 0, "days and counts of different lengths")
		}
		for i, d := range days {
			v.Days = append(v.Days, visits.DayCount{Day: d, Visits: uint64(counts[i])})
		}
		return nil
	}); err != nil {
		return err
	}
	// The busiest entry and exit pages (ties by path, bytewise, as
	// sketch.TopK.Top orders them).
	sql = fmt.Sprintf(`SELECT k, p, count() AS n FROM (%s) ARRAY JOIN [0, 1] AS k, [entry, exit] AS p
 GROUP BY k, p ORDER BY k, n DESC, p LIMIT %d BY k`, q.visitsSQL(t), q.opts.TopN)
	if err := q.rows(ctx, op, sql, func(r *fields) error {
		k, p, n := r.u64(), r.str(), r.u64()
		if cut, _ := visits.PagePath([]byte(p), 0); len(cut) != len(p) {
			return q.c.fail(op, 0, fmt.Sprintf("a path of %d bytes, not cut as visits.PagePath cuts it", len(p)))
		}
		l := &v.Entry
		if k == 1 {
			l = &v.Exit
		}
		l.Rows = append(l.Rows, TopRow{Key: p, Hits: n})
		return nil
	}); err != nil {
		return err
	}
	f.Visits = v
	return nil
}

// input converts the visits into the report's, as report.NewInput
// reads a State's visits aggregator. Capacity is 0: the server holds
// every visit, none is closed early.
func (v *VisitsFigures) input() *report.VisitsInput {
	in := &report.VisitsInput{Timeout: v.Timeout, Zone: v.Zone,
		Visits: clamp(v.Visits), Pages: clamp(v.Pages), Seconds: clamp(v.Seconds), Bounces: clamp(v.Bounces),
		Entry: topList(v.Entry), Exit: topList(v.Exit), Undated: clamp(v.Undated)}
	for _, d := range v.Days {
		// A day number counts calendar days of the zone from 1970-01-01:
		// as a UTC date it is that calendar day.
		in.Days = append(in.Days, report.VisitCount{Label: time.Unix(d.Day*86400, 0).UTC().Format("2006-01-02"), Visits: clamp(d.Visits)})
	}
	for i, b := range visits.PagesBuckets {
		in.PagesDist = append(in.PagesDist, report.VisitCount{Label: b.Label, Visits: clamp(v.PagesHist[i])})
	}
	for i, b := range visits.DurationBuckets {
		in.Durations = append(in.Durations, report.VisitCount{Label: b.Label, Visits: clamp(v.DurHist[i])})
	}
	return in
}

// ints reads an array of integers such as "[1,2,3]".
func (r *fields) ints() []int64 {
	b := strings.Trim(string(r.next()), "[]")
	if b == "" {
		return nil
	}
	var out []int64
	for _, p := range strings.Split(b, ",") {
		n, err := strconv.ParseInt(p, 10, 64)
		if err != nil && r.err == nil {
			r.err = err
		}
		out = append(out, n)
	}
	return out
}
