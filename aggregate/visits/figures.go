package visits

import (
	"bytes"
	"cmp"
	"encoding/gob"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/webalyze/webalyze/aggregate/dim/gobcheck"
	"github.com/webalyze/webalyze/aggregate/sketch"
)

// DayCount is the number of visits that began on one day (days since
// 1970-01-01 in the State's zone).
type DayCount struct {
	Day    int64
	Visits uint64
}

// Figures are the visits of an aggregator, closed and open alike.
type Figures struct {
	Timeout  time.Duration
	Capacity int
	// Visits, their Pages (the requests that took part) and their summed
	// duration in seconds (saturating).
	Visits, Pages, Seconds uint64
	// Bounces are the one-page visits.
	Bounces uint64
	// Days holds the visits per day of their first request, in order.
	Days []DayCount
	// PagesHist and DurHist count the visits in PagesBuckets and
	// DurationBuckets.
	PagesHist []uint64
	DurHist   []uint64
	// Entry and Exit are the top entry and exit pages (one hit a visit).
	Entry, Exit *sketch.TopK
	// Requests are the records added; Undated the page requests left out
	// of visits for want of a time.
	Requests, Undated uint64
	// ClosedEarly counts the visits closed early when Capacity visits were
	// open; PossibleSplits the requests and merges that came within the
	// timeout of visits already folded (see the package doc). Both 0: the
	// figures are exact.
	ClosedEarly, PossibleSplits uint64
}

// Figures returns v's figures; v is unchanged.
func (v *Visits) Figures() Figures {
	c := newCounts(v.topCap)
	c.mergeSettled(&v.done)
	v.done.pend.settle(c.Entry, false)
	v.done.pend.settle(c.Exit, true)
	// Open visits in a fixed order, so that lists past their capacity come
	// out the same from equal aggregators.
	ws := make([]visit, 0, v.nOpen)
	for _, id := range v.open.ids() {
		ws = append(ws, v.open.get(id)...)
	}
	c.addAll(ws, v)
	c.settle()
	f := Figures{Timeout: v.Timeout(), Capacity: v.capacity, Visits: c.Visits, Pages: c.Pages, Seconds: c.Seconds,
		Bounces: c.PagesHist[0], PagesHist: c.PagesHist[:], DurHist: c.DurHist[:], Entry: c.Entry, Exit: c.Exit,
		Requests: v.requests, Undated: v.undated, ClosedEarly: v.closedEarly, PossibleSplits: v.possibleSplits}
	for d, n := range c.Days {
		f.Days = append(f.Days, DayCount{d, n})
	}
	slices.SortFunc(f.Days, func(a, b DayCount) int { return cmp.Compare(a.Day, b.Day) })
	return f
}

// Open returns how many visits are open (held as intervals).
func (v *Visits) Open() int { return v.nOpen }

// wire is the encoded section.
type wire struct {
	Timeout                     int64
	Capacity, TopCapacity       int
	Requests, Counted           uint64
	Undated                     uint64
	Visits, Pages, Seconds      uint64
	Days                        []DayCount
	PagesHist, DurHist          []uint64
	Entry, Exit                 *sketch.TopK
	Ranges, Folds               []span
	ClosedEarly, PossibleSplits uint64
	Open                        []wireIdentity
}

type wireIdentity struct {
	ID     uint64
	Visits []wireVisit
}

type wireVisit struct {
	First, Last, Day int64
	Pages            uint64
	Entry, Exit      []byte
}

// MarshalBinary implements dim.Dimension. It first folds the visits in
// the interior of v's time range (see the package doc; the figures do not
// change), so that the section keeps only the visits a later run or an
// adjacent state can still join.
func (v *Visits) MarshalBinary() ([]byte, error) {
	v.seal()
	v.done.settle()
	w := wire{Timeout: v.timeout, Capacity: v.capacity, TopCapacity: v.topCap,
		Requests: v.requests, Counted: v.counted, Undated: v.undated,
		Visits: v.done.Visits, Pages: v.done.Pages, Seconds: v.done.Seconds,
		PagesHist: v.done.PagesHist[:], DurHist: v.done.DurHist[:], Entry: v.done.Entry, Exit: v.done.Exit,
		Ranges: v.ranges, Folds: v.folds,
		ClosedEarly: v.closedEarly, PossibleSplits: v.possibleSplits}
	for d, n := range v.done.Days {
		w.Days = append(w.Days, DayCount{d, n})
	}
	slices.SortFunc(w.Days, func(a, b DayCount) int { return cmp.Compare(a.Day, b.Day) })
	for _, id := range v.open.ids() {
		wi := wireIdentity{ID: id}
		for _, x := range v.open.get(id) {
			wi.Visits = append(wi.Visits, wireVisit{x.first, x.last, x.day, x.pages, v.path(x.entry), v.path(x.exit)})
		}
		w.Open = append(w.Open, wi)
	}
	var b bytes.Buffer
	if err := gob.NewEncoder(&b).Encode(&w); err != nil {
		return nil, fmt.Errorf("visits: %w", err)
	}
	return b.Bytes(), nil
}

// UnmarshalBinary implements dim.Dimension: it restores what MarshalBinary
// wrote into v, settings included, and validates it.
func (v *Visits) UnmarshalBinary(b []byte) error {
	var w wire
	if err := gob.NewDecoder(gobcheck.NewReader(bytes.NewReader(b))).Decode(&w); err != nil {
		return fmt.Errorf("visits section: %w", err)
	}
	if w.Timeout <= 0 || w.Capacity <= 0 || w.TopCapacity <= 0 {
		return errors.New("visits section: no timeout or capacity")
	}
	if len(w.PagesHist) != len(PagesBuckets) || len(w.DurHist) != len(DurationBuckets) || w.Entry == nil || w.Exit == nil {
		return errors.New("visits section: distributions or lists missing")
	}
	if !sorted(w.Ranges) || !sorted(w.Folds) {
		return errors.New("visits section: time spans out of order")
	}
	*v = Visits{timeout: w.Timeout, capacity: w.Capacity, topCap: w.TopCapacity,
		requests: w.Requests, counted: w.Counted, undated: w.Undated,
		ranges: w.Ranges, folds: w.Folds,
		closedEarly: w.ClosedEarly, possibleSplits: w.PossibleSplits, nextSeal: minSeal}
	v.done = counts{Visits: w.Visits, Pages: w.Pages, Seconds: w.Seconds, Days: map[int64]uint64{}, Entry: w.Entry, Exit: w.Exit,
		pend: newTally(w.TopCapacity)}
	copy(v.done.PagesHist[:], w.PagesHist)
	copy(v.done.DurHist[:], w.DurHist)
	v.done.Entry.NoVisitors, v.done.Exit.NoVisitors = true, true
	for _, d := range w.Days {
		v.done.Days[d.Day] += d.Visits
	}
	v.open = newTable()
	for _, wi := range w.Open {
		if v.open.find(wi.ID) != nil || len(wi.Visits) == 0 {
			return errors.New("visits section: an identity twice or without visits")
		}
		vs := make([]visit, len(wi.Visits))
		for i, x := range wi.Visits {
			if len(x.Entry) > MaxPath || len(x.Exit) > MaxPath {
				return errors.New("visits section: a path longer than MaxPath")
			}
			vs[i] = visit{x.First, x.Last, x.Day, x.Pages, v.store(x.Entry), v.store(x.Exit), sketch.HashKey(x.Entry), sketch.HashKey(x.Exit)}
		}
		v.open.put(wi.ID, vs)
		v.nOpen += len(vs)
	}
	return v.check()
}

// sorted reports whether s is a list of disjoint spans in time order.
func sorted(s []span) bool {
	for i, a := range s {
		if a.Lo > a.Hi || i > 0 && a.Lo <= s[i-1].Hi {
			return false
		}
	}
	return true
}
