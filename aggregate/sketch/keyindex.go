package sketch

// keyIndex maps the keys of a TopK's entries to their positions. It is an
// open-addressing table (linear probing, at most half full) of 64-bit
// slots, each the high half of the key's hash (the probe start and a tag)
// and the entry's position plus one; 0 is an empty slot. The caller
// hashes each key once with HashKey and passes the hash along, so one hash
// serves several lists (a path for the URL list and its code's drill-down)
// and the visitor identity; a Go map would hash the key again and chase a
// string header before comparing.
type keyIndex struct {
	slots []uint64
	n     int
	shift uint // 64 - log2(len(slots)): the probe starts at h >> shift
}

const keyIndexMinSize = 16

func (x *keyIndex) init(hint int) {
	size := keyIndexMinSize
	for size < 2*hint {
		size *= 2
	}
	x.slots = newSlots(size)
	x.n = 0
	x.shift = uint(64 - log2(size))
}

// pageSize is the smallest page size of the systems we run on.
const pageSize = 4096

// newSlots returns n zero slots for an open-addressing table, written
// once before use. Memory fresh from the system is zero without being
// written, and a table's first access to a page is a read (a probe): Linux
// then maps its shared zero page, and the write that follows copies it and
// must flush the old mapping from every processor's TLB, an interrupt to
// each (a trip through the hypervisor on a virtual machine).
// Writing the table first gives each page its own memory at once.
func newSlots(n int) []uint64 {
	s := make([]uint64, n)
	if n*8 >= pageSize { // smaller ones come from reused memory
		clear(s)
	}
	return s
}

func log2(n int) int {
	k := 0
	for 1<<k < n {
		k++
	}
	return k
}

// slotOf packs a hash and an entry position.
func slotOf(h uint64, i int32) uint64 { return h&^(1<<32-1) | uint64(uint32(i)+1) }

// start returns the first slot a hash probes.
func (x *keyIndex) start(h uint64) uint64 { return h >> x.shift }

// slotOf returns the slot that holds entry i, whose key hashes to h; the
// entry must be in the index. It compares positions, not keys: an evicted
// key's bytes need not be read to take it out.
func (x *keyIndex) slotOf(h uint64, i int32) uint64 {
	mask := uint64(len(x.slots) - 1)
	want := slotOf(h, i)
	for s := x.start(h); ; s = (s + 1) & mask {
		switch x.slots[s] {
		case want:
			return s
		case 0: // the table is never full: a bug, not a loop forever
			panic("aggregate: a top list entry is missing from its index")
		}
	}
}

// insert puts entry i with hash h in free slot s (as returned by find) and
// grows the table past half full.
func (x *keyIndex) insert(s uint64, h uint64, i int32) {
	x.slots[s] = slotOf(h, i)
	x.n++
	if 2*x.n > len(x.slots) {
		old := x.slots
		x.init(len(old)) // doubles: size ≥ 2*len(old)
		for _, v := range old {
			if v != 0 {
				x.put(v)
			}
		}
	}
}

// put inserts a packed slot value without checking for its key.
func (x *keyIndex) put(v uint64) {
	mask := uint64(len(x.slots) - 1)
	s := x.start(v)
	for x.slots[s] != 0 {
		s = (s + 1) & mask
	}
	x.slots[s] = v
	x.n++
}

// remove empties slot s and shifts the later slots of its cluster back
// (no tombstones, so probes stay short under constant eviction).
func (x *keyIndex) remove(s uint64) {
	mask := uint64(len(x.slots) - 1)
	hole := s
	for j := (s + 1) & mask; ; j = (j + 1) & mask {
		v := x.slots[j]
		if v == 0 {
			break
		}
		// v may fill the hole when its home is not cyclically in (hole, j].
		home := x.start(v)
		if (j-home)&mask >= (j-hole)&mask {
			x.slots[hole] = v
			hole = j
		}
	}
	x.slots[hole] = 0
	x.n--
}
