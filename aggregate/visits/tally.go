package visits

import (
	"bytes"
	"fmt"
	"unsafe"

	"github.com/webalyze/webalyze/aggregate/sketch"
)

// tally counts, exactly, the entry and exit pages of the visits folded
// since the counters' top lists last took them in (counts.settle). Most
// visits fold one page: a tally counts its entry and its exit in one
// probe of a 32-byte slot, where the two lists took a look-up each of
// a 128-byte entry, its index slot and its key; and the slots hold no
// pointers, so the collector does not scan them.
//
// It is an open-addressing table (linear probing, at most half full) keyed
// by path: the path's hash (sketch.HashKey) and its bytes, kept in the
// tally's arena. A slot is empty when both its counts are 0. It holds at
// most limit paths; the caller settles it into the lists before a visit
// could take it past that, so its memory is bounded as the lists' is (or
// by tallyMinLimit paths, for small lists).
//
// While the lists have evicted no page, settling now and then gives the
// same lists as adding every visit to them; past their capacity both are
// within the lists' stated bounds (sketch.TopK.MergeCounts), and a string
// is made only for a page that stays in a list.
type tally struct {
	slots []tallySlot
	shift uint // 64 - log2(len(slots)): a probe starts at h >> shift
	n     int  // paths held
	limit int  // most paths held
	arena []byte
	// entries and exits sum the slots' counts.
	entries, exits uint64
}

type tallySlot struct {
	h           uint64
	key         ref // in the tally's arena
	entry, exit uint64
}

// tallyMinSize is the slot count a tally starts with.
const tallyMinSize = 1024

// newTally returns a tally of the pages of lists of capacity topCap: it
// holds as many paths, and at least tallyMinLimit, so that settling small
// lists stays rare.
func newTally(topCap int) tally { return tally{limit: max(topCap, tallyMinLimit)} }

// tallyMinLimit is the fewest paths a tally holds before settling.
const tallyMinLimit = 4096

// full reports whether a visit could take t past its limit.
func (t *tally) full() bool { return t.n+2 > t.limit }

// reset empties t, keeping its memory.
func (t *tally) reset() {
	clear(t.slots)
	t.n, t.arena, t.entries, t.exits = 0, t.arena[:0], 0, 0
}

func (t *tally) path(r ref) []byte {
	off := r >> 16
	return t.arena[off : off+r&0xffff : off+r&0xffff]
}

// add counts entry and exit visits for path key, whose hash is h. The
// caller has made room (see full).
func (t *tally) add(key []byte, h, entry, exit uint64) {
	if t.slots == nil {
		t.init(tallyMinSize)
	}
	t.entries += entry
	t.exits += exit
	mask := uint64(len(t.slots) - 1)
	for i := h >> t.shift; ; i = (i + 1) & mask {
		s := &t.slots[i]
		if s.entry|s.exit == 0 {
			r := ref(len(t.arena))<<16 | ref(len(key))
			t.arena = append(t.arena, key...)
			*s = tallySlot{h: h, key: r, entry: entry, exit: exit}
			t.n++
			if 2*t.n > len(t.slots) {
				t.grow()
			}
			return
		}
		if s.h == h && bytes.Equal(t.path(s.key), key) {
			s.entry += entry
			s.exit += exit
			return
		}
	}
}

func (t *tally) init(size int) {
	t.slots = make([]tallySlot, size)
	// Written once before use: a probe's read of a fresh page would map
	// the zero page, and the write after it flush that mapping from
	// every processor's TLB (see sketch's newSlots).
	clear(t.slots)
	t.shift = shiftOf(size)
}

func (t *tally) grow() {
	old := t.slots
	t.init(2 * len(old))
	mask := uint64(len(t.slots) - 1)
	for _, s := range old {
		if s.entry|s.exit == 0 {
			continue
		}
		i := s.h >> t.shift
		for t.slots[i].entry|t.slots[i].exit != 0 {
			i = (i + 1) & mask
		}
		t.slots[i] = s
	}
}

// prefetchSlot starts bringing in the slot a probe for h starts at.
func (t *tally) prefetchSlot(h uint64) {
	if t.slots != nil {
		sketch.Prefetch(unsafe.Pointer(&t.slots[h>>t.shift]))
	}
}

// prefetchKey starts bringing in the path of the slot a probe for h
// starts at, when that slot is h's (the usual case once it is in).
func (t *tally) prefetchKey(h uint64) {
	if t.slots == nil {
		return
	}
	if s := &t.slots[h>>t.shift]; s.h == h && s.entry|s.exit != 0 {
		if off := int(s.key >> 16); off < len(t.arena) {
			sketch.Prefetch(unsafe.Pointer(&t.arena[off]))
		}
	}
}

// settle adds the counts of one kind (exits or entries) to l
// (sketch.TopK.MergeCounts), in scattered order. It does not change t:
// Figures settles an aggregator's tally into lists of its own.
func (t *tally) settle(l *sketch.TopK, exits bool) {
	b := tallyBatch{t: t, exits: exits, slots: make([]int32, 0, t.n)}
	for i := range t.scattered() {
		if s := &t.slots[i]; exits && s.exit > 0 || !exits && s.entry > 0 {
			b.slots = append(b.slots, int32(i))
		}
	}
	total := t.entries
	if exits {
		total = t.exits
	}
	l.MergeCounts(&b, total)
}

// tallyBatch is one kind of counts of a tally as a sketch.CountsBatch:
// those of its slots in slots.
type tallyBatch struct {
	t     *tally
	exits bool
	slots []int32
}

func (b *tallyBatch) Len() int { return len(b.slots) }

func (b *tallyBatch) At(i int) ([]byte, uint64, uint64) {
	s := &b.t.slots[b.slots[i]]
	if b.exits {
		return b.t.path(s.key), s.h, s.exit
	}
	return b.t.path(s.key), s.h, s.entry
}

// scattered yields every slot index of t once, out of order. The slots
// are in the order of their paths' hashes, which other tables hash too
// (sketch.TopK's index, another tally): inserted into a growing one in
// that order, the paths would pile up at the start of each probe region
// in turn, one long cluster, and every probe walk it. A stride odd and
// large over the power-of-two slots spreads them.
func (t *tally) scattered() func(yield func(int) bool) {
	return func(yield func(int) bool) {
		mask := len(t.slots) - 1
		for i, k := 0, 0; i < len(t.slots); i, k = i+1, (k+scatterStride)&mask {
			if !yield(k) {
				return
			}
		}
	}
}

// scatterStride is the step of scattered.
const scatterStride = 0x9e3779b1

// each calls f with every path of t and its counts.
func (t *tally) each(f func(key []byte, h, entry, exit uint64)) {
	for i := range t.scattered() {
		if s := &t.slots[i]; s.entry|s.exit != 0 {
			f(t.path(s.key), s.h, s.entry, s.exit)
		}
	}
}

// check verifies t's invariants.
func (t *tally) check() error {
	var n int
	var entries, exits uint64
	for i := range t.slots {
		s := &t.slots[i]
		if s.entry|s.exit == 0 {
			continue
		}
		off, l := uint64(s.key>>16), uint64(s.key&0xffff)
		if l > MaxPath || off > uint64(len(t.arena)) || l > uint64(len(t.arena))-off || sketch.HashKey(t.path(s.key)) != s.h {
			return fmt.Errorf("visits: a tallied page out of place")
		}
		n++
		entries += s.entry
		exits += s.exit
	}
	if n != t.n || n > t.limit || entries != t.entries || exits != t.exits {
		return fmt.Errorf("visits: %d tallied pages (%d counted, at most %d), %d entries and %d exits (%d and %d counted)",
			n, t.n, t.limit, entries, exits, t.entries, t.exits)
	}
	return nil
}
