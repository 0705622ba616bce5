package visits

import (
	"bytes"
	"fmt"
	"slices"
	"time"

	"github.com/webalyze/webalyze/aggregate/dim"
	"github.com/webalyze/webalyze/aggregate/sketch"
)

// Section is the name of the visits section of a state file.
const Section = "visits"

// Defaults of [Options].
const (
	DefaultTimeout     = 30 * time.Minute
	DefaultCapacity    = 100_000
	DefaultTopCapacity = 10_000
	// MaxPath is how many bytes of an entry or exit path are kept.
	MaxPath = 512
)

// Options configure [New]. The zero value gives the defaults.
type Options struct {
	// Timeout is the longest gap between two requests of one visit
	// (whole seconds); default DefaultTimeout.
	Timeout time.Duration
	// Capacity is how many visits are held open at most; default
	// DefaultCapacity. Past it the earliest-ending ones are closed early.
	Capacity int
	// TopCapacity is the exact capacity of the entry and exit page lists;
	// default DefaultTopCapacity.
	TopCapacity int
}

// visit is one open visit: the interval [first, last] of its requests.
// entry is the path of the smallest (time, path) request, exit that of the
// greatest; day is the day number of first.
type visit struct {
	first, last int64
	day         int64
	pages       uint64
	entry, exit ref
	// entryH and exitH are sketch.HashKey of the entry and exit paths.
	entryH, exitH uint64
}

// ref is a path in the aggregator's arena: offset<<16 | length. Visits
// hold no pointers, so the garbage collector does not scan them.
type ref uint64

// counts are what folded (closed) visits leave behind. The entry and exit
// pages of the latest are in pend, until settle adds them to the lists.
type counts struct {
	Visits, Pages uint64
	Seconds       uint64 // summed durations, saturating
	Days          map[int64]uint64
	PagesHist     [len(PagesBuckets)]uint64
	DurHist       [len(DurationBuckets)]uint64
	Entry, Exit   *sketch.TopK
	pend          tally
}

// newCounts returns empty counters whose lists hold topCap pages.
func newCounts(topCap int) counts {
	return counts{Days: map[int64]uint64{}, Entry: newTop(topCap), Exit: newTop(topCap), pend: newTally(topCap)}
}

// settle adds the pages pend holds to the entry and exit lists.
func (c *counts) settle() {
	if c.pend.n == 0 {
		return
	}
	c.pend.settle(c.Entry, false)
	c.pend.settle(c.Exit, true)
	c.pend.reset()
}

// Visits is the visits aggregator of a State (a dim.Dimension).
type Visits struct {
	timeout  int64 // seconds, > 0
	capacity int
	topCap   int

	// Requests counts every record added; Counted the ones that take part
	// in visits; Undated the page requests left aside for want of a time.
	requests, counted, undated uint64
	done                       counts
	open                       table
	nOpen                      int
	// ranges are where the counted requests lie, folds where the visits
	// folded at a save lie (see Merge).
	ranges, folds  spans
	closedEarly    uint64
	possibleSplits uint64

	scratch []int64
	// arena holds the entry and exit paths, appended; live counts the
	// bytes of the paths that visits refer to (see compact).
	arena []byte
	live  int
	spare []byte
	// folding holds the visits foldWhere folds (reused).
	folding []visit
	// late is the most a request came before the latest one added so far
	// (the end of the last span of ranges), nextSeal the open visits at
	// which AddPage folds the finished ones (see sealFinished). They steer
	// folding alone, and are not kept in the state file.
	late     int64
	nextSeal int
}

var _ dim.Dimension = (*Visits)(nil)

// New returns an empty aggregator.
func New(o Options) *Visits {
	t := int64(o.Timeout / time.Second)
	if o.Timeout == 0 {
		t = int64(DefaultTimeout / time.Second)
	}
	v := &Visits{timeout: max(t, 1), capacity: o.Capacity, topCap: o.TopCapacity}
	if v.capacity <= 0 {
		v.capacity = DefaultCapacity
	}
	if v.topCap <= 0 {
		v.topCap = DefaultTopCapacity
	}
	v.reset()
	return v
}

func (v *Visits) reset() {
	v.done = newCounts(v.topCap)
	v.open = newTable()
	v.nextSeal = minSeal
}

func newTop(topCap int) *sketch.TopK {
	t := sketch.NewTopK(topCap)
	t.NoVisitors = true
	return t
}

// Timeout returns the visit timeout.
func (v *Visits) Timeout() time.Duration { return time.Duration(v.timeout) * time.Second }

// Section implements dim.Dimension.
func (v *Visits) Section() string { return Section }

// Version implements dim.Dimension.
func (v *Visits) Version() uint32 { return 1 }

// New implements dim.Dimension: an empty aggregator with v's settings.
func (v *Visits) New() dim.Dimension {
	return New(Options{Timeout: v.Timeout(), Capacity: v.capacity, TopCapacity: v.topCap})
}

// Counts reports whether a hit takes part in visits (see the package doc);
// an undated one is then counted aside.
func Counts(h *dim.Hit) bool {
	r := h.Rec
	return h.Page && len(r.Path) > 0 && (!r.HasStatus || (h.HasCode && h.Code >= 100 && h.Code < 400))
}

// Add implements dim.Dimension: Take, then AddPage when the hit takes
// part in visits. A request that extends its identity's open visit costs
// a table probe and a few comparisons, and allocates nothing once the
// visit's path buffers are long enough.
func (v *Visits) Add(h *dim.Hit) {
	if v.Take(h) {
		path, ph := PagePath(h.Rec.Path, h.Path)
		v.AddPage(h.Identity, h.Rec.Time, h.Day, path, ph)
	}
}

// Take counts h as a request and reports whether it takes part in
// visits: a dated request that Counts, which the caller then hands to
// AddPage, here or, with the State's workers sharding visits by
// identity, on the worker that owns its identity (an undated one is
// counted aside here).
func (v *Visits) Take(h *dim.Hit) bool {
	v.requests++
	if !Counts(h) {
		return false
	}
	if !h.Rec.HasTime {
		v.undated++
		return false
	}
	return true
}

// PagePath returns the part of a page request's path that visits keep,
// and its hash (sketch.HashKey), given the whole path and its hash: the
// path cut to MaxPath bytes.
func PagePath(path []byte, h uint64) ([]byte, uint64) {
	if len(path) > MaxPath {
		path = cutPath(path)
		h = sketch.HashKey(path)
	}
	return path, h
}

// AddPage adds a page request that Take accepted: of identity id, at
// time t (seconds) of day day, for path (as PagePath gives it, with its
// hash ph). Every request of an identity must reach the same aggregator.
func (v *Visits) AddPage(id uint64, t, day int64, path []byte, ph uint64) {
	v.counted++
	if n := len(v.ranges); n > 0 {
		v.late = max(v.late, v.ranges[n-1].Hi-t)
	}
	v.ranges = v.ranges.stretch(t, 2*v.timeout)
	if len(v.folds) > 0 && v.folds.nearTime(t, v.timeout) {
		// It may belong to a visit already folded into the counts.
		v.possibleSplits++
	}
	s := v.open.find(id)
	var vs []visit
	if s != nil {
		vs = v.open.visits(s)
	}
	// The intervals are in time order, more than the timeout apart: the
	// request joins the first that does not end more than a timeout
	// before it, if it does not start more than a timeout after it.
	i := 0
	for i < len(vs) && vs[i].last+v.timeout < t {
		i++
	}
	if i < len(vs) && vs[i].first-v.timeout <= t {
		w := &vs[i]
		w.pages++
		if t < w.first || t == w.first && bytes.Compare(path, v.path(w.entry)) < 0 {
			w.first, w.day, w.entryH = t, day, ph
			v.release(w.entry)
			w.entry = v.store(path)
		}
		if t > w.last || t == w.last && bytes.Compare(path, v.path(w.exit)) > 0 {
			w.last = t
			if ph != w.exitH || !bytes.Equal(path, v.path(w.exit)) {
				v.release(w.exit)
				w.exit, w.exitH = v.store(path), ph
			}
		}
		if i+1 < len(vs) && vs[i+1].first-w.last <= v.timeout {
			// The request filled the gap to the next visit.
			v.join(w, &vs[i+1])
			v.open.set(s, slices.Delete(vs, i+1, i+2))
			v.nOpen--
		}
		v.compact()
		return
	}
	pr := v.store(path)
	v.live += len(path) // the exit shares the entry's bytes
	nv := visit{first: t, last: t, day: day, pages: 1, entry: pr, exit: pr, entryH: ph, exitH: ph}
	if s == nil {
		ns := v.open.insert(id)
		ns.w[0], ns.state = nv, one
	} else {
		v.open.insertAt(s, i, nv)
	}
	v.nOpen++
	if v.nOpen > v.capacity {
		v.closeEarly()
	} else if v.nOpen >= v.nextSeal {
		v.sealFinished()
	}
	v.compact()
}

// minSeal is how many visits may be open before AddPage first folds the
// finished ones (a variable for the tests).
var minSeal = 4096

// sealFinished folds the finished visits (see seal) once twice as many
// are open as after the last time, so that the open visits, and the table
// every request probes, stay those of the last hours rather than growing
// to the capacity: a small table stays in the cache. Each seal scans the
// table, which the doubling pays for. The margin is the most a request
// came so far before the latest one (lines out of order in the logs):
// a request as late, or later by less than the timeout, still finds its
// visit open; a later one is counted as a possible split.
func (v *Visits) sealFinished() {
	v.sealAt(v.late)
	v.open.shrink()
	v.nextSeal = max(2*v.nOpen, minSeal)
}

// Prefetch starts bringing into the cache the table slot AddPage will
// probe first for identity id (see aggregate.State.applyOps).
func (v *Visits) Prefetch(id uint64) { v.open.prefetch(id) }

// cutPath cuts a path longer than MaxPath there, or a few bytes before
// so as not to split a UTF-8 sequence.
func cutPath(p []byte) []byte {
	n := MaxPath
	for n > MaxPath-3 && p[n]&0xc0 == 0x80 {
		n--
	}
	return p[:n]
}

// path returns the bytes of r, valid until the arena is compacted.
func (v *Visits) path(r ref) []byte {
	off := r >> 16
	return v.arena[off : off+r&0xffff : off+r&0xffff]
}

// store appends p (at most MaxPath bytes) to the arena.
func (v *Visits) store(p []byte) ref {
	r := ref(len(v.arena))<<16 | ref(len(p))
	v.arena = append(v.arena, p...)
	v.live += len(p)
	return r
}

// release says a visit no longer refers to r.
func (v *Visits) release(r ref) { v.live -= int(r & 0xffff) }

// compactSlack is how many bytes of paths no visit refers to the arena
// may hold besides as many as visits do (a variable for the tests).
var compactSlack = 64 << 10

// compact rewrites the arena with the paths visits refer to once more
// than half of it is paths they no longer do. It copies them into the
// spare buffer, the arena before the last compaction, made half again as
// large as needed so that appends seldom grow it: in the steady state the
// two buffers take turns and compacting allocates nothing.
func (v *Visits) compact() {
	if len(v.arena) <= 2*v.live+compactSlack {
		return
	}
	old := v.arena
	if need := 2*v.live + compactSlack; cap(v.spare) < need {
		v.spare = make([]byte, 0, need+need/2)
	}
	v.arena, v.spare, v.live = v.spare[:0], old[:0], 0
	move := func(r ref) ref {
		off := r >> 16
		return v.store(old[off : off+r&0xffff])
	}
	v.open.each(func(w *visit) {
		if w.entry == w.exit {
			w.entry = move(w.entry)
			w.exit = w.entry
			v.live += int(w.exit & 0xffff)
		} else {
			w.entry, w.exit = move(w.entry), move(w.exit)
		}
	})
}

// join folds b into a: both are intervals of one identity within the
// timeout of each other, their paths in v's arena.
func (v *Visits) join(a, b *visit) {
	if b.first < a.first || b.first == a.first && bytes.Compare(v.path(b.entry), v.path(a.entry)) < 0 {
		v.release(a.entry)
		a.first, a.day, a.entry, a.entryH = b.first, b.day, b.entry, b.entryH
	} else {
		v.release(b.entry)
	}
	if b.last > a.last || b.last == a.last && bytes.Compare(v.path(b.exit), v.path(a.exit)) > 0 {
		v.release(a.exit)
		a.last, a.exit, a.exitH = b.last, b.exit, b.exitH
	} else {
		v.release(b.exit)
	}
	a.pages += b.pages
}

// closeEarly makes room for an eighth of the capacity: it folds the
// finished visits (see seal), then, if that is not enough, the
// earliest-ending ones, counted as closed early.
func (v *Visits) closeEarly() {
	v.sealAt(v.late)
	n := v.nOpen - (v.capacity - v.capacity/8)
	if n <= 0 {
		return
	}
	ends := v.scratch[:0]
	v.open.each(func(w *visit) { ends = append(ends, w.last) })
	slices.Sort(ends)
	cut := ends[min(n, len(ends))-1]
	v.scratch = ends[:0]
	v.closedEarly += v.foldWhere(func(w *visit) bool { return w.last <= cut })
}

// foldWhere folds the open visits for which f is true into the counters
// and returns how many.
func (v *Visits) foldWhere(f func(w *visit) bool) uint64 {
	var n uint64
	buf := v.folding[:0]
	// flush counts the visits in buf: their paths stay in the arena, which
	// is not compacted before foldWhere returns.
	flush := func() {
		v.done.addAll(buf, v)
		for i := range buf {
			v.release(buf[i].entry)
			v.release(buf[i].exit)
		}
		n += uint64(len(buf))
		buf = buf[:0]
	}
	t := &v.open
	for i := range t.slots {
		if len(buf) > foldBatch {
			flush()
		}
		s := &t.slots[i]
		switch s.state {
		case one:
			if f(&s.w[0]) {
				buf = append(buf, s.w[0])
				t.remove(s)
			}
		case many:
			vs := t.lists[s.list]
			kept := vs[:0]
			for i := range vs {
				if f(&vs[i]) {
					buf = append(buf, vs[i])
				} else {
					kept = append(kept, vs[i])
				}
			}
			if len(kept) == 0 {
				t.remove(s)
			} else if len(kept) < len(vs) {
				t.set(s, kept)
			}
		}
	}
	flush()
	v.folding = buf
	v.nOpen -= int(n)
	return n
}

// foldBatch is about how many visits foldWhere folds at a time.
const foldBatch = 256

// addAll counts the closed visits ws, whose paths are in v's arena, in
// order. Their pages are tallied in a pipeline of prefetches, as the
// State's lists are looked up (aggregate.State.applyOps): the visits are
// many and their pages scattered over the tally, so each would otherwise
// wait on memory twice, for its slot and for the slot's path.
func (c *counts) addAll(ws []visit, v *Visits) {
	const d = 4
	for i := range ws {
		if j := i + 2*d; j < len(ws) {
			c.pend.prefetchSlot(ws[j].entryH)
			if ws[j].exitH != ws[j].entryH {
				c.pend.prefetchSlot(ws[j].exitH)
			}
		}
		if j := i + d; j < len(ws) {
			c.pend.prefetchKey(ws[j].entryH)
			if ws[j].exitH != ws[j].entryH {
				c.pend.prefetchKey(ws[j].exitH)
			}
		}
		w := &ws[i]
		c.add(w, v.path(w.entry), v.path(w.exit))
	}
}

// add counts one closed visit, whose paths are entry and exit.
func (c *counts) add(w *visit, entry, exit []byte) {
	c.Visits++
	c.Pages += w.pages
	d := uint64(w.last - w.first)
	c.Seconds = sketch.AddSat(c.Seconds, d)
	c.Days[w.day]++
	c.PagesHist[pagesBucket(w.pages)]++
	c.DurHist[durationBucket(d)]++
	if c.pend.full() {
		c.settle()
	}
	if w.entryH == w.exitH && bytes.Equal(entry, exit) {
		c.pend.add(entry, w.entryH, 1, 1)
		return
	}
	c.pend.add(entry, w.entryH, 1, 0)
	c.pend.add(exit, w.exitH, 0, 1)
}

// merge adds o's counters to c.
func (c *counts) merge(o *counts) {
	c.mergeSettled(o)
	o.pend.each(func(key []byte, h, entry, exit uint64) {
		if c.pend.full() {
			c.settle()
		}
		c.pend.add(key, h, entry, exit)
	})
}

// mergeSettled adds o's counters to c, but for the pages o.pend holds.
func (c *counts) mergeSettled(o *counts) {
	c.Visits += o.Visits
	c.Pages += o.Pages
	c.Seconds = sketch.AddSat(c.Seconds, o.Seconds)
	for d, n := range o.Days {
		c.Days[d] += n
	}
	for i := range c.PagesHist {
		c.PagesHist[i] += o.PagesHist[i]
	}
	for i := range c.DurHist {
		c.DurHist[i] += o.DurHist[i]
	}
	c.Entry.Merge(o.Entry)
	c.Exit.Merge(o.Exit)
}

// Bucket is one range of a distribution: values in [Min, Max] (Max 0:
// no upper end).
type Bucket struct {
	Label    string
	Min, Max uint64
}

// PagesBuckets are the ranges of pages per visit.
var PagesBuckets = [...]Bucket{{"1", 1, 1}, {"2", 2, 2}, {"3", 3, 3}, {"4", 4, 4}, {"5", 5, 5},
	{"6-10", 6, 10}, {"11-20", 11, 20}, {"21-50", 21, 50}, {"51-100", 51, 100}, {"101+", 101, 0}}

// DurationBuckets are AWStats's ranges of visit durations, in seconds.
var DurationBuckets = [...]Bucket{{"0s-30s", 0, 29}, {"30s-2mn", 30, 119}, {"2mn-5mn", 120, 299},
	{"5mn-15mn", 300, 899}, {"15mn-30mn", 900, 1799}, {"30mn-1h", 1800, 3599}, {"1h+", 3600, 0}}

func pagesBucket(n uint64) int    { return bucketOf(PagesBuckets[:], n) }
func durationBucket(s uint64) int { return bucketOf(DurationBuckets[:], s) }

func bucketOf(bs []Bucket, n uint64) int {
	for i, b := range bs {
		if b.Max == 0 || n <= b.Max {
			return i
		}
	}
	return len(bs) - 1
}

// inArena reports whether r is a path of at most MaxPath bytes in the
// arena.
func (v *Visits) inArena(r ref) bool {
	off, n := uint64(r>>16), uint64(r&0xffff)
	return n <= MaxPath && off <= uint64(len(v.arena)) && n <= uint64(len(v.arena))-off
}

// Check implements dim.Dimension: every parsed record was added, and the
// counters agree with one another.
func (v *Visits) Check(parsed uint64) error {
	if v.requests != parsed {
		return fmt.Errorf("visits: %d requests added, %d parsed", v.requests, parsed)
	}
	return v.check()
}

// check verifies the invariants of v's counters and open visits.
func (v *Visits) check() error {
	if v.counted > v.requests || v.undated > v.requests-v.counted {
		return fmt.Errorf("visits: %d counted and %d undated of %d requests", v.counted, v.undated, v.requests)
	}
	c := &v.done
	var days, ph, dh uint64
	for _, n := range c.Days {
		days += n
	}
	for i := range c.PagesHist {
		ph += c.PagesHist[i]
	}
	for i := range c.DurHist {
		dh += c.DurHist[i]
	}
	if err := c.pend.check(); err != nil {
		return err
	}
	entries, exits := c.Entry.Total+c.pend.entries, c.Exit.Total+c.pend.exits
	if days != c.Visits || ph != c.Visits || dh != c.Visits || entries != c.Visits || exits != c.Visits {
		return fmt.Errorf("visits: %d visits, but %d by day, %d by pages, %d by duration, %d entries, %d exits",
			c.Visits, days, ph, dh, entries, exits)
	}
	if err := c.Entry.Check(); err != nil {
		return fmt.Errorf("visits: entry pages: %w", err)
	}
	if err := c.Exit.Check(); err != nil {
		return fmt.Errorf("visits: exit pages: %w", err)
	}
	pages, n, live := c.Pages, 0, 0
	if lists := len(v.open.lists) - len(v.open.free); lists < 0 || lists > v.open.used {
		return fmt.Errorf("visits: %d lists of visits for %d identities", lists, v.open.used)
	}
	ids := 0
	for j := range v.open.slots {
		s := &v.open.slots[j]
		if s.state != one && s.state != many {
			continue
		}
		ids++
		if v.open.find(s.id) != s {
			return fmt.Errorf("visits: an identity out of place")
		}
		vs := v.open.visits(s)
		if len(vs) == 0 || s.state == many && len(vs) < 2 {
			return fmt.Errorf("visits: an identity without visits")
		}
		for i := range vs {
			w := &vs[i]
			if w.pages == 0 || w.first > w.last || !v.inArena(w.entry) || !v.inArena(w.exit) {
				return fmt.Errorf("visits: an open visit of %d pages from %d to %d", w.pages, w.first, w.last)
			}
			if r, ok := v.ranges.around(w.first); !ok || w.last > r.Hi {
				return fmt.Errorf("visits: an open visit outside the time range")
			}
			if i > 0 && w.first-vs[i-1].last <= v.timeout {
				return fmt.Errorf("visits: open visits of one identity within the timeout")
			}
			pages += w.pages
			live += int(w.entry&0xffff + w.exit&0xffff)
			n++
		}
	}
	if ids != v.open.used {
		return fmt.Errorf("visits: %d identities, %d counted", ids, v.open.used)
	}
	if live != v.live {
		return fmt.Errorf("visits: open visits refer to %d bytes of paths, %d counted", live, v.live)
	}
	if n != v.nOpen {
		return fmt.Errorf("visits: %d open visits, %d counted", n, v.nOpen)
	}
	if pages != v.counted {
		return fmt.Errorf("visits: %d pages in visits, %d counted", pages, v.counted)
	}
	return nil
}
