package visits

import (
	"math/bits"
	"slices"
	"unsafe"

	"github.com/webalyze/webalyze/aggregate/sketch"
)

// table holds the open visits by identity. It is an open-addressing hash
// table with linear probing whose slots hold an identity's only open visit
// inline, the usual case: a request that extends it touches one slot, and
// folding scans the slots in memory order. An identity with several open
// intervals keeps them in one of lists, which its slot names; a list
// freed keeps its array for the next identity that needs one.
type table struct {
	slots []slot
	shift uint // 64 - log2(len(slots))
	// used counts the slots of identities, dead the slots freed since the
	// last rehash (probes pass over them).
	used, dead int
	lists      [][]visit
	free       []int32 // lists not in use, empty
	// spares are the slot arrays of earlier sizes, by log2 of their
	// length, for the next resize to that size: folding shrinks the table
	// and the open visits grow it back, over and over, through the same
	// sizes, so the arrays take turns instead of being allocated anew (at
	// most twice the largest size in all).
	spares [64][]slot
}

// slot states.
const (
	empty uint8 = iota
	one         // w is the identity's only open visit
	many        // the identity's visits, two or more, are table.lists[list]
	dead        // freed
)

type slot struct {
	id    uint64
	w     [1]visit // the only open visit, for state one
	state uint8
	list  int32
}

func newTable() table {
	var t table
	t.resize(16)
	return t
}

func (t *table) resize(n int) {
	old := t.slots
	if k := bits.Len(uint(n)) - 1; len(t.spares[k]) == n {
		t.slots, t.spares[k] = t.spares[k], nil
		clear(t.slots)
	} else {
		// Written once before use (see sketch's newSlots): a probe's read
		// of a fresh page would map the zero page, and the write after it
		// would flush that mapping from every processor's TLB.
		t.slots = make([]slot, n)
		clear(t.slots)
	}
	t.shift = shiftOf(n)
	t.used, t.dead = 0, 0
	for i := range old {
		if s := &old[i]; s.state == one || s.state == many {
			*t.place(s.id) = *s
			t.used++
		}
	}
	if len(old) > 0 {
		t.spares[bits.Len(uint(len(old)))-1] = old
	}
}

// clean empties the dead slots and moves every identity to the first
// empty slot of its probe sequence, in place: taken in probe order from
// an empty slot, each lands at or before where it was, after slots that
// no longer move.
func (t *table) clean() {
	for i := range t.slots {
		if t.slots[i].state == dead {
			t.slots[i].state = empty
		}
	}
	t.dead = 0
	start := 0
	for t.slots[start].state != empty {
		start++
	}
	mask := len(t.slots) - 1
	for k := 1; k <= len(t.slots); k++ {
		s := &t.slots[(start+k)&mask]
		if s.state == empty {
			continue
		}
		e := *s
		s.state = empty
		*t.place(e.id) = e
	}
}

// shiftOf is 64 - log2(n) for n a power of two: a 64-bit hash shifted
// right by it indexes n slots (table.home, tally.add).
func shiftOf(n int) uint { return uint(65 - bits.Len(uint(n))) }

// home is the first slot probed for id (Fibonacci hashing: identities are
// hashes, but their low bits need not be well spread).
func (t *table) home(id uint64) uint64 { return (id * 0x9e3779b97f4a7c15) >> t.shift }

// place returns the first empty slot of id's probe sequence.
func (t *table) place(id uint64) *slot {
	mask := uint64(len(t.slots) - 1)
	for i := t.home(id); ; i = (i + 1) & mask {
		if s := &t.slots[i]; s.state == empty {
			return s
		}
	}
}

// find returns id's slot, or nil.
func (t *table) find(id uint64) *slot {
	mask := uint64(len(t.slots) - 1)
	for i := t.home(id); ; i = (i + 1) & mask {
		s := &t.slots[i]
		if s.state == empty {
			return nil
		}
		if s.id == id && s.state != dead {
			return s
		}
	}
}

// insert returns a new slot for id, which has none; its state is for the
// caller to set. Slot pointers held before are no longer valid.
func (t *table) insert(id uint64) *slot {
	if (t.used+t.dead+1)*4 > len(t.slots)*3 {
		// Twice the size when more than half the slots are identities',
		// else rid of the dead ones. It never shrinks: the open visits
		// come back to the capacity after each folding.
		if n := len(t.slots); 2*(t.used+1) > n {
			t.resize(2 * n)
		} else {
			t.clean()
		}
	}
	mask := uint64(len(t.slots) - 1)
	for i := t.home(id); ; i = (i + 1) & mask {
		s := &t.slots[i]
		if s.state == empty || s.state == dead {
			if s.state == dead {
				t.dead--
			}
			s.id = id
			t.used++
			return s
		}
	}
}

// shrink makes the table smaller when identities fill less than an
// eighth of it, as they do once the finished visits are folded: a fourth
// of it then, and a probe touches a table no larger than the open visits
// need.
func (t *table) shrink() {
	n := len(t.slots)
	if 8*t.used >= n {
		return
	}
	for n > 16 && 4*t.used < n {
		n /= 2
	}
	if n < len(t.slots) {
		t.resize(n)
	}
}

// prefetch starts bringing into the cache the first slot find(id) reads.
func (t *table) prefetch(id uint64) {
	sketch.Prefetch(unsafe.Pointer(&t.slots[t.home(id)]))
}

// remove frees s.
func (t *table) remove(s *slot) {
	if s.state == many {
		t.release(s.list)
	}
	s.state, s.w[0] = dead, visit{}
	t.used--
	t.dead++
}

// visits returns s's open visits in time order; for a single visit, a
// slice of the slot itself.
func (t *table) visits(s *slot) []visit {
	if s.state == one {
		return s.w[:]
	}
	return t.lists[s.list]
}

// set makes vs (one or more visits in time order) s's visits.
func (t *table) set(s *slot, vs []visit) {
	switch {
	case len(vs) > 1:
		if s.state != many {
			s.list = t.newList()
		}
		s.state = many
		t.lists[s.list] = vs
	case s.state == many:
		s.w[0], s.state = vs[0], one
		t.release(s.list)
	default:
		s.w[0], s.state = vs[0], one
	}
}

// insertAt adds w as s's i-th visit.
func (t *table) insertAt(s *slot, i int, w visit) {
	if s.state == many {
		t.lists[s.list] = slices.Insert(t.lists[s.list], i, w)
		return
	}
	l := t.newList()
	vs := append(t.lists[l], s.w[0])
	t.lists[l] = slices.Insert(vs, i, w)
	s.w[0], s.state, s.list = visit{}, many, l
}

// newList returns the index of an empty list.
func (t *table) newList() int32 {
	if n := len(t.free); n > 0 {
		l := t.free[n-1]
		t.free = t.free[:n-1]
		return l
	}
	t.lists = append(t.lists, nil)
	return int32(len(t.lists) - 1)
}

// release frees list l, keeping its array.
func (t *table) release(l int32) {
	t.lists[l] = t.lists[l][:0]
	t.free = append(t.free, l)
}

// each calls f on every open visit.
func (t *table) each(f func(w *visit)) {
	for i := range t.slots {
		switch s := &t.slots[i]; s.state {
		case one:
			f(&s.w[0])
		case many:
			vs := t.lists[s.list]
			for j := range vs {
				f(&vs[j])
			}
		}
	}
}

// ids returns the identities of the open visits, sorted.
func (t *table) ids() []uint64 {
	ids := make([]uint64, 0, t.used)
	for i := range t.slots {
		if s := &t.slots[i]; s.state == one || s.state == many {
			ids = append(ids, s.id)
		}
	}
	slices.Sort(ids)
	return ids
}

// get returns id's open visits, nil if none.
func (t *table) get(id uint64) []visit {
	if s := t.find(id); s != nil {
		return t.visits(s)
	}
	return nil
}

// put makes vs (one or more visits in time order) id's visits.
func (t *table) put(id uint64, vs []visit) {
	s := t.find(id)
	if s == nil {
		s = t.insert(id)
	}
	t.set(s, vs)
}
