package sketch

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"math/bits"
	"slices"
	"unsafe"
)

// HyperLogLog precisions: Distinct switches to 2^14 registers (standard
// error 1.04/128 ≈ 0.81 %), SmallDistinct to 2^8 (≈ 6.5 %).
const (
	distinctP = 14
	smallP    = 8
	// SmallExact is how many distinct values a SmallDistinct counts exactly.
	SmallExact = 8
)

// hllError is the standard error of a HyperLogLog of precision p.
func hllError(p uint) float64 { return 1.04 / math.Sqrt(float64(uint(1)<<p)) }

func hllAdd(regs []uint8, p uint, h uint64) {
	i := h >> (64 - p)
	w := h << p
	r := uint8(bits.LeadingZeros64(w)) + 1
	if w == 0 {
		r = uint8(64-p) + 1
	}
	if r > regs[i] {
		regs[i] = r
	}
}

// hllEstimate is Ertl's improved estimator ("New cardinality estimation
// algorithms for HyperLogLog sketches", 2017): no bias tables, good from
// zero to billions.
func hllEstimate(regs []uint8, p uint) float64 {
	q := 64 - int(p)
	var c [66]int
	for _, r := range regs {
		c[r]++
	}
	m := float64(len(regs))
	z := m * hllTau(1-float64(c[q+1])/m)
	for k := q; k >= 1; k-- {
		z = 0.5 * (z + float64(c[k]))
	}
	z += m * hllSigma(float64(c[0])/m)
	return m * m / (2 * math.Ln2) / z
}

func hllSigma(x float64) float64 {
	if x == 1 {
		return math.Inf(1)
	}
	y, z := 1.0, x
	for {
		x *= x
		prev := z
		z += x * y
		y += y
		if z == prev {
			return z
		}
	}
}

func hllTau(x float64) float64 {
	if x == 0 || x == 1 {
		return 0
	}
	y, z := 1.0, 1-x
	for {
		x = math.Sqrt(x)
		prev := z
		y *= 0.5
		z -= (1 - x) * (1 - x) * y
		if z == prev {
			return z / 3
		}
	}
}

// Distinct counts distinct 64-bit hashes: exactly, in a set, up to its
// capacity, then with a HyperLogLog of 2^14 registers (16 KiB, standard
// error ≈ 0.81 %). Its state depends only on the set of hashes added, so
// Merge is associative and commutative as long as both sides have the same
// capacity. Create one with [NewDistinct].
type Distinct struct {
	capacity int
	set      *hashSet // nil once switched to regs
	regs     []uint8
}

// hashSet is an open-addressing set of 64-bit hashes (linear probing,
// at most three quarters full): two to three times faster than a
// map[uint64]struct{} on the hot path, in less memory. Eight
// slots share a cache line, so the longer probes of a fuller table cost
// little; the per-day visitor sets are the largest structure after the
// top lists. Slot value 0 means empty; the hash 0 itself is kept in
// hasZero.
type hashSet struct {
	slots   []uint64
	n       int
	hasZero bool
}

func newHashSet(hint int) *hashSet {
	size := 16
	for 3*size < 4*hint {
		size *= 2
	}
	return &hashSet{slots: newSlots(size)}
}

func (s *hashSet) len() int {
	if s.hasZero {
		return s.n + 1
	}
	return s.n
}

// add adds h and reports whether it was not in the set.
func (s *hashSet) add(h uint64) bool {
	if h == 0 {
		added := !s.hasZero
		s.hasZero = true
		return added
	}
	mask := uint64(len(s.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		switch s.slots[i] {
		case h:
			return false
		case 0:
			s.slots[i] = h
			s.n++
			if 4*s.n > 3*len(s.slots) {
				s.grow()
			}
			return true
		}
	}
}

func (s *hashSet) grow() {
	old := s.slots
	s.slots, s.n = newSlots(2*len(old)), 0
	for _, h := range old {
		if h != 0 {
			s.add(h)
		}
	}
}

// eachScattered calls f for every hash in the set, in runs of
// scatterRun slots taken in an order unrelated to their hashes' low bits,
// for adding them to another set. In slot order the hashes would come
// sorted by the low bits that also choose their slots in the other set,
// which then fills one run of slots that every later addition walks to
// its end (linear probing's quadratic merge: 18 to 215 probes an addition
// when the per-day visitor sets of two workers were folded, 5 to 19 this
// way). Within a run the slots are read in order, which the processor
// streams; the runs are visited with an odd stride, so each once.
func (s *hashSet) eachScattered(f func(uint64)) {
	if s.hasZero {
		f(0)
	}
	if len(s.slots) <= scatterRun {
		for _, h := range s.slots {
			if h != 0 {
				f(h)
			}
		}
		return
	}
	runs := len(s.slots) / scatterRun
	for r := range runs {
		start := ((r * scatterStride) & (runs - 1)) * scatterRun
		for _, h := range s.slots[start : start+scatterRun] {
			if h != 0 {
				f(h)
			}
		}
	}
}

const (
	scatterRun    = 256        // slots read in order: 2 KiB
	scatterStride = 0x9E3779B1 // odd (2^32 / golden ratio)
)

// each calls f for every hash in the set.
func (s *hashSet) each(f func(uint64)) {
	if s.hasZero {
		f(0)
	}
	for _, h := range s.slots {
		if h != 0 {
			f(h)
		}
	}
}

// Peek touches what adding h will read first (the exact set's slot, or
// the register), so that a caller adding to many counters can start their
// cache misses before it waits on any; the value is meaningless.
func (d *Distinct) Peek(h uint64) uint64 {
	if d.set != nil {
		return d.set.slots[h&uint64(len(d.set.slots)-1)]
	}
	return uint64(d.regs[h>>(64-distinctP)])
}

// Prefetch asks for the memory Add(h) will read first, without waiting
// for it (see TopK.PrefetchSlot).
func (d *Distinct) Prefetch(h uint64) {
	if d.set != nil {
		prefetch(unsafe.Pointer(&d.set.slots[h&uint64(len(d.set.slots)-1)]))
	} else if len(d.regs) > 0 {
		prefetch(unsafe.Pointer(&d.regs[h>>(64-distinctP)]))
	}
}

// NewDistinct returns a Distinct that is exact up to capacity values
// (0 or less: a HyperLogLog from the start).
func NewDistinct(capacity int) *Distinct {
	d := &Distinct{capacity: max(capacity, 0)}
	if d.capacity == 0 {
		d.regs = make([]uint8, 1<<distinctP)
	} else {
		d.set = newHashSet(0)
	}
	return d
}

// Add adds a hash.
func (d *Distinct) Add(h uint64) { d.AddNew(h) }

// AddNew adds a hash and reports whether it may be new: false only when
// the counter is exact and already held it, so that a caller can skip
// what it did the first time (see dim.Hit.SeenVisitor).
func (d *Distinct) AddNew(h uint64) bool {
	if d.regs != nil {
		hllAdd(d.regs, distinctP, h)
		return true
	}
	if !d.set.add(h) {
		return false
	}
	if d.set.len() > d.capacity {
		d.toHLL()
	}
	return true
}

func (d *Distinct) toHLL() {
	d.regs = make([]uint8, 1<<distinctP)
	d.set.each(func(h uint64) { hllAdd(d.regs, distinctP, h) })
	d.set = nil
}

// Count returns the number of distinct hashes added: exact when [Distinct.Exact].
func (d *Distinct) Count() uint64 {
	if d.regs == nil {
		return uint64(d.set.len())
	}
	return uint64(math.Round(hllEstimate(d.regs, distinctP)))
}

// Exact reports whether Count is exact.
func (d *Distinct) Exact() bool { return d.regs == nil }

// RelativeError is the standard error of Count relative to the true count:
// 0 when exact, about 0.0081 otherwise.
func (d *Distinct) RelativeError() float64 {
	if d.regs == nil {
		return 0
	}
	return hllError(distinctP)
}

// Capacity returns the exact capacity.
func (d *Distinct) Capacity() int { return d.capacity }

// Merge folds o into d. o is unchanged.
func (d *Distinct) Merge(o *Distinct) {
	switch {
	case o.regs != nil:
		if d.regs == nil {
			d.toHLL()
		}
		for i, r := range o.regs {
			if r > d.regs[i] {
				d.regs[i] = r
			}
		}
	default:
		o.set.eachScattered(d.Add)
	}
}

var errDistinct = errors.New("corrupt Distinct encoding")

// GobEncode encodes d: capacity, then the sorted hashes or the registers.
func (d *Distinct) GobEncode() ([]byte, error) {
	var b []byte
	b = binary.AppendUvarint(b, uint64(d.capacity))
	if d.regs != nil {
		b = append(b, 1)
		return append(b, d.regs...), nil
	}
	b = append(b, 0)
	hs := make([]uint64, 0, d.set.len())
	d.set.each(func(h uint64) { hs = append(hs, h) })
	slices.Sort(hs)
	b = binary.AppendUvarint(b, uint64(len(hs)))
	for _, h := range hs {
		b = binary.LittleEndian.AppendUint64(b, h)
	}
	return b, nil
}

// GobDecode decodes what GobEncode wrote.
func (d *Distinct) GobDecode(b []byte) error {
	r := bytes.NewReader(b)
	c, err := binary.ReadUvarint(r)
	if err != nil || c > math.MaxInt32 {
		return errDistinct
	}
	kind, err := r.ReadByte()
	if err != nil {
		return errDistinct
	}
	d.capacity = int(c)
	rest := b[len(b)-r.Len():]
	if kind == 1 {
		if !validRegs(rest, distinctP) {
			return errDistinct
		}
		d.set, d.regs = nil, slices.Clone(rest)
		return nil
	}
	n, err := binary.ReadUvarint(r)
	rest = b[len(b)-r.Len():]
	if err != nil || kind != 0 || uint64(len(rest)) != 8*n {
		return errDistinct
	}
	d.regs = nil
	d.set = newHashSet(int(min(n, 1<<20)))
	for i := uint64(0); i < n; i++ {
		d.set.add(binary.LittleEndian.Uint64(rest[8*i:]))
	}
	if uint64(d.set.len()) != n {
		return errDistinct // duplicate hashes
	}
	return nil
}

// SmallDistinct is a distinct counter for the entries of a top list, small
// enough to have thousands: exact up to [SmallExact] values (held inline,
// no allocation), then a HyperLogLog of 2^8 registers (256 bytes, standard
// error ≈ 6.5 %). Its zero value is empty and ready. Like Distinct, its
// state depends only on the set of hashes added.
//
// Regs is a pointer to an array, not a slice: 16 bytes less in every top
// list entry (TopEntry is 128 bytes, two cache lines, not 144).
type SmallDistinct struct {
	N uint8 // number of exact hashes in Hashes, while Regs is nil
	// aux is [TopEntry.Aux] of the entry that holds the counter: it sits
	// in the padding after N, so that an entry stays two cache lines.
	// Not encoded (gob leaves unexported fields out).
	aux    uint32
	Hashes [SmallExact]uint64  // exact hashes, Hashes[:N]
	Regs   *[1 << smallP]uint8 // HyperLogLog registers once over SmallExact
}

// Add adds a hash.
func (s *SmallDistinct) Add(h uint64) {
	if s.Regs != nil {
		hllAdd(s.Regs[:], smallP, h)
		return
	}
	for _, x := range s.Hashes[:s.N] {
		if x == h {
			return
		}
	}
	if int(s.N) < SmallExact {
		s.Hashes[s.N] = h
		s.N++
		return
	}
	s.Regs = new([1 << smallP]uint8)
	for _, x := range s.Hashes[:s.N] {
		hllAdd(s.Regs[:], smallP, x)
	}
	s.N, s.Hashes = 0, [SmallExact]uint64{}
	hllAdd(s.Regs[:], smallP, h)
}

// Count returns the number of distinct hashes: exact when [SmallDistinct.Exact].
func (s *SmallDistinct) Count() uint64 {
	if s.Regs == nil {
		return uint64(s.N)
	}
	return uint64(math.Round(hllEstimate(s.Regs[:], smallP)))
}

// Exact reports whether Count is exact.
func (s *SmallDistinct) Exact() bool { return s.Regs == nil }

// RelativeError is 0 when exact and about 0.065 otherwise.
func (s *SmallDistinct) RelativeError() float64 {
	if s.Regs == nil {
		return 0
	}
	return hllError(smallP)
}

// Merge folds o into s.
func (s *SmallDistinct) Merge(o *SmallDistinct) {
	if o.Regs == nil {
		for _, h := range o.Hashes[:o.N] {
			s.Add(h)
		}
		return
	}
	if s.Regs == nil {
		regs := new([1 << smallP]uint8)
		for _, x := range s.Hashes[:s.N] {
			hllAdd(regs[:], smallP, x)
		}
		s.N, s.Hashes, s.Regs = 0, [SmallExact]uint64{}, regs
	}
	for i, r := range o.Regs {
		if r > s.Regs[i] {
			s.Regs[i] = r
		}
	}
}

// Canonical sorts the exact hashes so that equal sets compare equal.
func (s *SmallDistinct) Canonical() { slices.Sort(s.Hashes[:s.N]) }

// Canonical rebuilds the exact set by inserting its hashes in order, so
// that equal sets have equal layouts (for comparisons in tests).
func (d *Distinct) Canonical() {
	if d.set == nil {
		return
	}
	hs := make([]uint64, 0, d.set.len())
	d.set.each(func(h uint64) { hs = append(hs, h) })
	slices.Sort(hs)
	d.set = newHashSet(len(hs))
	for _, h := range hs {
		d.set.add(h)
	}
}

// validRegs reports whether regs are the registers of a HyperLogLog of
// precision p: 2^p of them, none over 64-p+1.
func validRegs(regs []uint8, p uint) bool {
	if len(regs) != 1<<p {
		return false
	}
	for _, r := range regs {
		if int(r) > 64-int(p)+1 {
			return false
		}
	}
	return true
}
