package main

import (
	"fmt"
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

// breach describes a threshold exceeded, in the whole run or in a window.
type breach struct {
	t          threshold
	from, to   time.Time // zero for the whole run
	n, total   uint64
	valueShare float64
}

func (b breach) String() string {
	where := "over the whole run"
	if !b.from.IsZero() {
		where = fmt.Sprintf("in %s – %s", b.from.UTC().Format("2006-01-02 15:04"), b.to.UTC().Format("15:04 UTC"))
	}
	if b.t.isShare {
		return fmt.Sprintf("%s: %.2f%% (%d of %d requests) %s, limit %s, over by %.2f points",
			b.t.key, 100*b.valueShare, b.n, b.total, where, strings.TrimPrefix(b.t.spec[strings.IndexByte(b.t.spec, '=')+1:], " "), 100*(b.valueShare-b.t.limit))
	}
	return fmt.Sprintf("%s: %d requests %s, limit %.0f, over by %.0f", b.t.key, b.n, where, b.t.limit, float64(b.n)-b.t.limit)
}

// check returns the breach of t in c, if any.
func (t threshold) check(c *counts) (breach, bool) {
	n := t.count(c)
	b := breach{t: t, n: n, total: c.requests}
	if t.isShare {
		if c.requests == 0 {
			return b, false
		}
		b.valueShare = float64(n) / float64(c.requests)
		return b, b.valueShare > t.limit
	}
	return b, float64(n) > t.limit
}

// minute is one minute of traffic, for windowed checks.
type minute struct {
	start int64 // Unix seconds, a multiple of 60
	counts
}

// checkWindows slides a window of w over the minutes (sorted by start),
// one minute at a time, and returns for each threshold the worst breaching
// window (largest excess), if any. Minutes absent from the list have no
// traffic. Sub-code thresholds count per minute like codes.
func checkWindows(ts []threshold, mins []minute, w time.Duration) []breach {
	width := int64(w / time.Minute)
	if width < 1 {
		width = 1
	}
	var out []breach
	for _, t := range ts {
		var worst breach
		worstExcess := 0.0
		found := false
		// Two pointers over the sorted minutes; each window starts at a
		// minute that has traffic (a window starting in silence is a subset
		// of one that starts at its first busy minute).
		var sumN, sumTotal uint64
		j := 0
		for i := range mins {
			for j < len(mins) && mins[j].start < mins[i].start+width*60 {
				sumN += t.count(&mins[j].counts)
				sumTotal += mins[j].requests
				j++
			}
			b := breach{t: t, n: sumN, total: sumTotal, from: time.Unix(mins[i].start, 0), to: time.Unix(mins[i].start+width*60, 0)}
			var excess float64
			over := false
			if t.isShare {
				if sumTotal > 0 {
					b.valueShare = float64(sumN) / float64(sumTotal)
					excess, over = b.valueShare-t.limit, b.valueShare > t.limit
				}
			} else {
				excess, over = float64(sumN)-t.limit, float64(sumN) > t.limit
			}
			if over && (!found || excess > worstExcess) {
				worst, worstExcess, found = b, excess, true
			}
			sumN -= t.count(&mins[i].counts)
			sumTotal -= mins[i].requests
		}
		if found {
			out = append(out, worst)
		}
	}
	return out
}
