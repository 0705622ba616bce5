package main

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/webalyze/webalyze/aggregate"
)

// threshold is one --max rule of "webalyze check": a class ("5xx", "0xx"
// for 000, "non-standard" for 001–099 and 600–999), a code ("499") or an
// IIS code.sub-code ("404.2"), with a limit that is a count or a share of
// requests.
type threshold struct {
	spec    string // as given
	key     string // "5xx", "499", "404.2"
	class   int    // an aggregate class index ("0xx".."5xx", "non-standard"); -1 when the key is a code
	code    uint16
	sub     uint32
	hasSub  bool
	limit   float64 // a count, or a share in [0,1] when isShare
	isShare bool
}

// parseThreshold parses "5xx=1%", "non-standard=0", "499=5%", "404=500",
// "404.2=10".
func parseThreshold(s string) (threshold, error) {
	t := threshold{spec: s, class: -1}
	key, val, ok := strings.Cut(s, "=")
	key, val = strings.TrimSpace(key), strings.TrimSpace(val)
	if !ok || key == "" || val == "" {
		return t, fmt.Errorf("--max %q: want KEY=LIMIT, e.g. 5xx=1%%, non-standard=0, 499=5%%, 404=500, 404.2=10", s)
	}
	t.key = strings.ToLower(key)
	switch {
	case len(t.key) == 3 && t.key[0] >= '0' && t.key[0] <= '5' && t.key[1:] == "xx":
		t.class = int(t.key[0] - '0')
	case t.key == aggregate.ClassNames[aggregate.ClassNonStandard]:
		t.class = aggregate.ClassNonStandard
	default:
		codePart, subPart, hasSub := strings.Cut(t.key, ".")
		if len(codePart) != 3 || strings.Trim(codePart, "0123456789") != "" {
			return t, fmt.Errorf("--max %q: %q is not a class (5xx, non-standard), a three-digit code (499) or code.sub (404.2)", s, key)
		}
		c, _ := strconv.ParseUint(codePart, 10, 16)
		t.code = uint16(c)
		if hasSub {
			v, err := strconv.ParseUint(subPart, 10, 32)
			if err != nil || strings.Trim(subPart, "0123456789") != "" {
				return t, fmt.Errorf("--max %q: bad sub-status %q", s, subPart)
			}
			t.sub, t.hasSub = uint32(v), true
		}
	}
	if p, isPct := strings.CutSuffix(val, "%"); isPct {
		v, err := strconv.ParseFloat(p, 64)
		if err != nil || v < 0 || v > 100 {
			return t, fmt.Errorf("--max %q: bad percentage %q", s, val)
		}
		t.limit, t.isShare = v/100, true
		return t, nil
	}
	v, err := strconv.ParseUint(val, 10, 64)
	if err != nil {
		return t, fmt.Errorf("--max %q: bad count %q (a whole number, or a percentage such as 1%%)", s, val)
	}
	t.limit = float64(v)
	return t, nil
}

// counts are the counts a threshold is checked against.
type counts struct {
	requests uint64
	classes  [aggregate.NumClasses]uint64 // by aggregate class index
	codes    map[uint16]uint64
	subcodes map[[2]uint32]uint64 // {code, sub}
}

func (t threshold) count(c *counts) uint64 {
	switch {
	case t.class >= 0:
		return c.classes[t.class]
	case t.hasSub:
		return c.subcodes[[2]uint32{uint32(t.code), t.sub}]
	default:
		return c.codes[t.code]
	}
}

// breach describes a threshold exceeded over the whole run, or a stretch
// of breaching windows: adjacent or overlapping windows that each breach
// it, merged.
type breach struct {
	t threshold
	// from and to bound the worst window of the stretch (zero for the
	// whole run); n and total are its counts, valueShare n/total.
	from, to   time.Time
	n, total   uint64
	valueShare float64
	// The stretch, when it is longer than its worst window: from its
	// first window's start to its last one's end, with its counts.
	stretchFrom, stretchTo time.Time
	stretchN, stretchTotal uint64
	warn                   bool // a --warn threshold, not a --max one
}

// value is the breach's figure in the threshold's unit: a share or a count.
func (b breach) value() float64 {
	if b.t.isShare {
		return b.valueShare
	}
	return float64(b.n)
}

// severity orders breaches, worst first: the value as a multiple of the
// limit (a limit of 0 is breached infinitely), then the excess.
func (b breach) severity() (float64, float64) {
	v := b.value()
	if b.t.limit == 0 {
		return math.Inf(1), v
	}
	return v / b.t.limit, v - b.t.limit
}

func (b breach) String() string {
	where := "over the whole run"
	if !b.from.IsZero() {
		where = "in " + span(b.from, b.to)
	}
	var s string
	if b.t.isShare {
		s = fmt.Sprintf("%s: %.2f%% (%d of %d requests) %s, limit %s, over by %.2f points",
			b.t.key, 100*b.valueShare, b.n, b.total, where, strings.TrimPrefix(b.t.spec[strings.IndexByte(b.t.spec, '=')+1:], " "), 100*(b.valueShare-b.t.limit))
	} else {
		s = fmt.Sprintf("%s: %d requests %s, limit %.0f, over by %.0f", b.t.key, b.n, where, b.t.limit, float64(b.n)-b.t.limit)
	}
	if !b.stretchFrom.IsZero() {
		if b.t.isShare {
			s += fmt.Sprintf("; breaching %s (%d of %d requests, %.2f%%)", span(b.stretchFrom, b.stretchTo), b.stretchN, b.stretchTotal, 100*float64(b.stretchN)/float64(max(b.stretchTotal, 1)))
		} else {
			s += fmt.Sprintf("; breaching %s (%d requests)", span(b.stretchFrom, b.stretchTo), b.stretchN)
		}
	}
	return s
}

// overlaps says whether two breaches cover a common instant (breaches of
// the whole run always do).
func (b breach) overlaps(o breach) bool {
	bf, bt := b.extent()
	of, ot := o.extent()
	if bf.IsZero() || of.IsZero() {
		return bf.IsZero() == of.IsZero()
	}
	return bf.Before(ot) && of.Before(bt)
}

// extent is the stretch of b, or its window when it is one window.
func (b breach) extent() (time.Time, time.Time) {
	if !b.stretchFrom.IsZero() {
		return b.stretchFrom, b.stretchTo
	}
	return b.from, b.to
}

// span formats [from, to) in UTC, the date of to only when it differs.
func span(from, to time.Time) string {
	from, to = from.UTC(), to.UTC()
	end := to.Format("15:04 UTC")
	if to.Format("2006-01-02") != from.Format("2006-01-02") {
		end = to.Format("2006-01-02 15:04 UTC")
	}
	return from.Format("2006-01-02 15:04") + " – " + end
}

// judged says whether a threshold judges counts of total requests: a
// share is not judged over fewer than minRequests.
func (t threshold) judged(total, minRequests uint64) bool {
	return !t.isShare || total >= minRequests
}

// check returns the breach of t in c, if any, and whether c was judged.
func (t threshold) check(c *counts, minRequests uint64) (b breach, over, judged bool) {
	return t.checkN(t.count(c), c.requests, minRequests)
}

// checkN is check for n counted of total requests.
func (t threshold) checkN(n, total, minRequests uint64) (b breach, over, judged bool) {
	b = breach{t: t, n: n, total: total}
	if !t.judged(total, minRequests) {
		return b, false, false
	}
	if t.isShare {
		if total == 0 {
			return b, false, false
		}
		b.valueShare = float64(n) / float64(total)
		return b, b.valueShare > t.limit, true
	}
	return b, float64(n) > t.limit, true
}

// minute is one minute of traffic, for windowed checks.
type minute struct {
	start int64 // Unix seconds, a multiple of 60
	counts
}

// windowResult is what checkWindows finds for one threshold: its
// breaching stretches, and the worst value of any window it judged (NaN
// when it judged none), for monitoring performance data.
type windowResult struct {
	breaches []breach
	worst    float64
}

// checkWindows slides a window of w over the minutes (sorted by start),
// one minute at a time, and returns for each threshold every breaching
// stretch: breaching windows that overlap or touch are merged, and the
// stretch is described by its worst window (largest value). Minutes
// absent from the list have no traffic; a window starts at a minute with
// traffic (a window starting in silence holds a subset of the next one's
// requests). A share is not judged in a window of fewer than minRequests
// requests. judge, when not nil, says which windows [from, to) (Unix
// seconds) to judge at all. Sub-code thresholds count per minute like
// codes.
func checkWindows(ts []threshold, mins []minute, w time.Duration, minRequests uint64, judge func(from, to int64) bool) []windowResult {
	width := int64(w / time.Minute)
	if width < 1 {
		width = 1
	}
	width *= 60
	out := make([]windowResult, len(ts))
	// pre[i] sums the threshold's count and the requests of mins[:i].
	pre := make([][2]uint64, len(mins)+1)
	for ti, t := range ts {
		for i := range mins {
			pre[i+1] = [2]uint64{pre[i][0] + t.count(&mins[i].counts), pre[i][1] + mins[i].requests}
		}
		res := &out[ti]
		res.worst = math.NaN()
		var cur *breach
		flush := func() {
			if cur == nil {
				return
			}
			first, last := cur.stretchFrom.Unix(), cur.stretchTo.Unix()
			if first != cur.from.Unix() || last != cur.to.Unix() {
				i := sort.Search(len(mins), func(k int) bool { return mins[k].start >= first })
				j := sort.Search(len(mins), func(k int) bool { return mins[k].start >= last })
				cur.stretchN, cur.stretchTotal = pre[j][0]-pre[i][0], pre[j][1]-pre[i][1]
			} else {
				cur.stretchFrom, cur.stretchTo = time.Time{}, time.Time{}
			}
			res.breaches = append(res.breaches, *cur)
			cur = nil
		}
		j := 0
		for i := range mins {
			from := mins[i].start
			to := from + width
			for j < len(mins) && mins[j].start < to {
				j++
			}
			if judge != nil && !judge(from, to) {
				continue
			}
			b, over, judged := t.checkN(pre[j][0]-pre[i][0], pre[j][1]-pre[i][1], minRequests)
			if !judged {
				continue
			}
			if v := b.value(); math.IsNaN(res.worst) || v > res.worst {
				res.worst = v
			}
			if !over {
				continue
			}
			b.from, b.to = time.Unix(from, 0), time.Unix(to, 0)
			if cur != nil && from <= cur.stretchTo.Unix() {
				cur.stretchTo = b.to
				if b.value() > cur.value() {
					b.stretchFrom, b.stretchTo = cur.stretchFrom, cur.stretchTo
					*cur = b
				}
				continue
			}
			flush()
			b.stretchFrom, b.stretchTo = b.from, b.to
			cur = &b
		}
		flush()
	}
	return out
}
