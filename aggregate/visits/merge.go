package visits

import (
	"bytes"
	"cmp"
	"fmt"
	"slices"

	"github.com/webalyze/webalyze/aggregate/dim"
)

// Why merging is exact. Sessionising a set R of request times (one
// identity) cuts the sorted sequence between consecutive requests a < b
// exactly where b - a > T (the timeout). Take any split of R into parts
// and the sessions (intervals) of each part. Inside an interval I of a
// part, consecutive requests of that part are at most T apart; the union
// only adds requests, so consecutive requests of R between min I and max I
// are at most T apart too: no cut of R falls inside an interval. The cuts
// of R are therefore the gaps that no interval spans and that are longer
// than T: sorting every part's intervals by first and sweeping them, a new
// session starts exactly where an interval's first is more than T after
// the latest last so far. That sweep is mergeVisits; Add is the sweep with
// one side a single request. Every figure of a session (first, last,
// page count, entry as the minimum (time, path), exit as the maximum) is a
// commutative, associative fold of its intervals' figures (join), so the
// result depends on neither the split nor the order of the merges.
//
// Folded visits are no longer intervals that can join: Add and Merge
// count, in PossibleSplits, any request or merge that could have joined
// one (see the package doc).

// Merge implements dim.Dimension: o is folded into v and left unchanged.
// Aggregators of different timeouts count different visits and are
// refused.
func (v *Visits) Merge(other dim.Dimension) error { return v.merge(other, false) }

// MergeDisjoint is Merge for aggregators that hold disjoint identities:
// those of the workers of one run, which shard visits by identity (see
// aggregate.State). A folded visit of one cannot then have joined a
// request of the other, however near in time: no possible split.
func (v *Visits) MergeDisjoint(other dim.Dimension) error {
	return v.merge(other, true)
}

func (v *Visits) merge(other dim.Dimension, disjoint bool) error {
	o, ok := other.(*Visits)
	if !ok {
		return fmt.Errorf("visits: cannot merge a %T", other)
	}
	if o.timeout != v.timeout {
		return fmt.Errorf("visits: the states count visits with different timeouts (--visit-timeout %v and %v): they cannot be merged",
			v.Timeout(), o.Timeout())
	}
	// A side's folded visits could have joined requests of the other side
	// within the timeout of them; no request nearer than that, no join.
	if !disjoint && (v.folds.near(o.ranges, v.timeout) || o.folds.near(v.ranges, v.timeout)) {
		v.possibleSplits++
	}
	v.possibleSplits += o.possibleSplits
	v.closedEarly += o.closedEarly
	v.requests += o.requests
	v.counted += o.counted
	v.undated += o.undated
	v.late = max(v.late, o.late)
	v.done.merge(&o.done)
	for _, r := range o.ranges {
		v.ranges = v.ranges.add(r.Lo, r.Hi, 2*v.timeout)
	}
	for _, r := range o.folds {
		v.folds = v.folds.add(r.Lo, r.Hi, 2*v.timeout)
	}
	for _, id := range o.open.ids() {
		ovs := o.open.get(id)
		vs := slices.Clone(v.open.get(id))
		n := len(vs) + len(ovs)
		for _, w := range ovs {
			shared := w.entry == w.exit
			w.entry = v.store(o.path(w.entry))
			if shared {
				w.exit = w.entry
				v.live += int(w.exit & 0xffff)
			} else {
				w.exit = v.store(o.path(w.exit))
			}
			vs = append(vs, w)
		}
		vs = v.mergeVisits(vs)
		v.open.put(id, vs)
		v.nOpen += len(vs) - (n - len(ovs))
	}
	if v.nOpen > v.capacity {
		v.closeEarly()
	}
	v.compact()
	return nil
}

// mergeVisits sorts one identity's intervals and joins those within the
// timeout of the latest end so far.
func (v *Visits) mergeVisits(vs []visit) []visit {
	slices.SortFunc(vs, func(a, b visit) int {
		return cmp.Or(cmp.Compare(a.first, b.first), bytes.Compare(v.path(a.entry), v.path(b.entry)))
	})
	out := vs[:1]
	for i := 1; i < len(vs); i++ {
		last := &out[len(out)-1]
		if vs[i].first-last.last <= v.timeout {
			v.join(last, &vs[i])
		} else {
			out = append(out, vs[i])
		}
	}
	clear(vs[len(out):])
	return out
}

// seal folds the visits in the interior of their span of v's requests,
// more than twice the timeout from both ends: requests of an adjacent
// period (the next --state run, lines late by less than the timeout)
// cannot join them.
func (v *Visits) seal() { v.sealAt(0) }

// sealAt folds, as seal, the visits that began more than twice the
// timeout after their span's first request and ended more than twice the
// timeout and margin before its latest.
func (v *Visits) sealAt(margin int64) {
	t := 2 * v.timeout
	// The hull of the folded visits of each span of requests.
	hulls := make([]span, len(v.ranges))
	for i := range hulls {
		hulls[i] = span{Lo: 1<<63 - 1, Hi: -1 << 63}
	}
	v.foldWhere(func(w *visit) bool {
		i := v.ranges.index(w.first)
		if i < 0 {
			return false
		}
		if r := v.ranges[i]; w.first > r.Lo+t && w.last < r.Hi-t-margin {
			hulls[i].Lo, hulls[i].Hi = min(hulls[i].Lo, w.first), max(hulls[i].Hi, w.last)
			return true
		}
		return false
	})
	for _, h := range hulls {
		if h.Lo <= h.Hi {
			v.folds = v.folds.add(h.Lo, h.Hi, t)
		}
	}
}
