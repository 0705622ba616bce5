package visits

import (
	"cmp"
	"slices"
)

// span is a closed interval of times, in seconds.
type span struct{ Lo, Hi int64 }

// spans is a sorted list of disjoint spans, more than gap apart: where an
// aggregator's counted requests lie (joined when within twice the timeout,
// so that --state runs, one after the other, make one span), or its folded
// visits. It grows by one span per merge of states of distant periods.
type spans []span

// add returns s with [lo, hi] added, joining the spans within gap of it.
func (s spans) add(lo, hi, gap int64) spans {
	s = append(s, span{lo, hi})
	slices.SortFunc(s, func(a, b span) int { return cmp.Compare(a.Lo, b.Lo) })
	out := s[:1]
	for _, x := range s[1:] {
		if l := &out[len(out)-1]; x.Lo <= l.Hi+gap {
			l.Hi = max(l.Hi, x.Hi)
		} else {
			out = append(out, x)
		}
	}
	return out
}

// stretch returns s with t added to the nearest span: the requests one
// aggregator adds make one span whatever their gaps, so that a quiet
// site's state still folds its visits.
func (s spans) stretch(t, gap int64) spans {
	n := len(s)
	if n == 0 {
		return append(s, span{t, t})
	}
	if l := &s[n-1]; t >= l.Lo || n == 1 {
		// Most requests: in or after the last span.
		l.Lo, l.Hi = min(l.Lo, t), max(l.Hi, t)
		if n == 1 || l.Lo > s[n-2].Hi+gap {
			return s
		}
		return s.add(l.Lo, l.Hi, gap)
	}
	best, dist := 0, int64(-1)
	for i, a := range s {
		d := max(a.Lo-t, t-a.Hi, 0)
		if dist < 0 || d < dist {
			best, dist = i, d
		}
	}
	a := s[best]
	return s.add(min(a.Lo, t), max(a.Hi, t), gap)
}

// near reports whether some span of s and some span of o are within gap
// of each other.
func (s spans) near(o spans, gap int64) bool {
	for _, a := range s {
		for _, b := range o {
			if b.Lo <= a.Hi+gap && b.Hi >= a.Lo-gap {
				return true
			}
		}
	}
	return false
}

// nearTime reports whether t is within gap of a span of s.
func (s spans) nearTime(t, gap int64) bool {
	for _, a := range s {
		if t >= a.Lo-gap && t <= a.Hi+gap {
			return true
		}
	}
	return false
}

// around returns the span of s that holds t, if any.
func (s spans) around(t int64) (span, bool) {
	if i := s.index(t); i >= 0 {
		return s[i], true
	}
	return span{}, false
}

// index returns the position of the span of s that holds t, or -1.
func (s spans) index(t int64) int {
	for i, a := range s {
		if a.Lo <= t && t <= a.Hi {
			return i
		}
	}
	return -1
}
