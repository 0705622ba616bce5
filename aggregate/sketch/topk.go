package sketch

import (
	"cmp"
	"math/bits"
	"slices"
	"unsafe"
)

// TopEntry is one key of a [TopK] list with what was counted for it.
type TopEntry struct {
	Key string
	// Hits is the number of records with this key. In an exact list it is
	// exact; otherwise it may overcount by at most HitsErr (Space-Saving:
	// the true count is in [Hits-HitsErr, Hits]).
	Hits    uint64
	HitsErr uint64
	// Bytes, Visitors and Latency count the records since the key last
	// entered the list: all of them when HitsErr is 0, otherwise possibly
	// fewer (never more).
	Bytes    uint64 // saturating
	Visitors SmallDistinct
	// Latency holds request times for lists that track them (top URLs),
	// nil when none of its records had one.
	Latency *Latency
}

// TopK is a top list: an exact count per key up to Capacity keys, then a
// Space-Saving summary (Metwally et al.) of Capacity keys that keeps every
// key whose true count exceeds Total/Capacity, each with a stated
// overcount bound. [TopK.Exact] and [TopK.ErrorBound] say which one a
// report shows.
//
// Merging adds the counts of equal keys; when a side is not exact, a key
// it lacks is credited with that side's error bound (the parallel
// Space-Saving merge), and the result keeps the Capacity largest keys.
// While both sides are exact and the union fits, merging is exact,
// associative and commutative; beyond that the result depends on the
// merge order only within the stated bounds.
//
// Create one with [NewTopK]; the exported fields are its encoded state.
type TopK struct {
	Capacity int
	Dropped  bool // a key was evicted or cut: counts are estimates
	// NoVisitors turns off the per-entry visitor counters (drill-down
	// lists, where they are not shown): their Visitors stay empty.
	NoVisitors bool
	Total      uint64 // hits added over all keys, listed or not: exact
	Entries    []TopEntry

	index keyIndex // key → entry; empty until first needed
	// heap holds every entry in a min-heap by a count that may be stale
	// (lazy: see evictable), and hashes each entry's key hash; both are
	// valid when heapOK (built at the first eviction, kept after it).
	heap   []heapNode
	hashes []uint64
	heapOK bool
	// last is the entry of the previous Add plus one (0: none): runs of
	// the same key (methods, protocols, a busy client) skip the index.
	// lastHash is its key's hash once AddHashed set it: a different hash
	// spares comparing the keys. prev and prevHash are the same for the
	// key before last's, which Add also tries: GET and POST, HTTP/1.1 and
	// HTTP/2.0 in turn.
	last, prev         int32
	lastHash, prevHash uint64
	// sorted says the entries were sorted (Canonical): an index no longer
	// names the key it named (see IndexesHold).
	sorted bool
}

// IndexesHold reports whether every index [TopK.Index] gave still names
// the key it named: while the list has evicted no key (Dropped: an
// eviction gives an entry to another key, a cut to the capacity moves
// entries) and was not sorted. Adding keys and merging others in (which
// appends them) keep the indexes of the entries already there.
func (t *TopK) IndexesHold() bool { return !t.Dropped && !t.sorted }

// NewTopK returns an empty list holding at most capacity keys (at least 1).
func NewTopK(capacity int) *TopK {
	return &TopK{Capacity: max(capacity, 1)}
}

// resetIndex drops the derived lookup structures; they are rebuilt from
// Entries when next needed.
func (t *TopK) resetIndex() {
	t.index, t.heap, t.hashes, t.heapOK, t.last, t.lastHash, t.prev, t.prevHash = keyIndex{}, nil, nil, false, 0, 0, 0, 0
}

// Canonical puts t in a form for comparison (in tests): entries sorted
// by key, exact visitor sets sorted, lookup structures dropped. The list
// stays usable; the structures are rebuilt when next needed.
func (t *TopK) Canonical() {
	t.resetIndex()
	slices.SortFunc(t.Entries, func(a, b TopEntry) int { return cmp.Compare(a.Key, b.Key) })
	for i := range t.Entries {
		t.Entries[i].Visitors.Canonical()
	}
	clearAux(t.Entries) // the entries moved
	t.sorted = true
}

// clearAux sets the auxiliary word of es to 0: entries that moved, whose
// words may stand for their places (see TopEntry.Aux).
func clearAux(es []TopEntry) {
	for i := range es {
		es[i].SetAux(0)
	}
}

// heapNode is an entry in the Space-Saving heap: its position and its hit
// count when the node was last placed, which is at most its count now.
// Keeping the count in the node lets the heap be ordered without reading
// the (128-byte, scattered) entries.
type heapNode struct {
	hits uint64
	i    int32
}

// EnsureIndex builds the index when it is missing. It is called on every
// addition, so it is kept small enough to be inlined there.
func (t *TopK) EnsureIndex() {
	if t.index.slots == nil {
		t.buildIndex()
	}
}

// buildIndex indexes every entry.
func (t *TopK) buildIndex() {
	t.index.init(len(t.Entries))
	t.last, t.prev = 0, 0
	for i := range t.Entries {
		t.index.put(slotOf(HashKey(bytesOf(t.Entries[i].Key)), int32(i)))
	}
}

// HashKey is the hash a TopK files key under (see [TopK.AddHashed]).
func HashKey(key []byte) uint64 { return hash64(key, 0) }

// bytesOf returns the bytes of s without copying them, for reading only
// (hashing, comparing): nothing may write to the result.
func bytesOf(s string) []byte { return unsafe.Slice(unsafe.StringData(s), len(s)) }

// findKey looks up a key held as a string (an entry's, another list's):
// its entry position or -1, its index slot (see keyIndex.find) and its
// hash. The index must exist.
func (t *TopK) findKey(key string) (i int32, slot, h uint64) {
	h = HashKey(bytesOf(key))
	i, slot = t.index.find(h, bytesOf(key), t.Entries)
	return i, slot, h
}

// Add counts one record with key, its response bytes and its visitor hash,
// and returns the key's entry, valid until the next call that changes t.
// It allocates only when key is new to the list (for the string).
func (t *TopK) Add(key []byte, bytes uint64, visitor uint64) *TopEntry {
	if i := t.last - 1; i >= 0 && sameKey(t.Entries[i].Key, key) {
		// A run of the same key (GET, HTTP/1.1): no hash needed.
		t.Total++
		return t.hit(i, bytes, visitor)
	}
	if i := t.prev - 1; i >= 0 && sameKey(t.Entries[i].Key, key) {
		// The key before (HTTP/1.1 after HTTP/2.0): no hash either. An
		// entry that was evicted since holds another key and fails the
		// comparison; one that holds the key again has its hash.
		t.Total++
		t.last, t.prev, t.lastHash, t.prevHash = t.prev, t.last, t.prevHash, t.lastHash
		return t.hit(i, bytes, visitor)
	}
	return t.AddHashed(key, HashKey(key), bytes, visitor)
}

// Peek touches what adding key (hash h) with visitor will read — the
// index slot where the lookup starts, the entry it points to, the first
// byte of that entry's key and the visitor register — so that a caller can
// start the cache-missing loads of several lists before it waits on any;
// the value is meaningless. Each list's loads depend on one another, but
// the lists' do not, and the processor overlaps them.
func (t *TopK) Peek(h, visitor uint64) uint64 {
	e := t.entryOf(h)
	if e == nil {
		return 0
	}
	v := e.Hits
	if len(e.Key) > 0 {
		v ^= uint64(e.Key[0])
	}
	if regs := e.Visitors.Regs; regs != nil {
		v ^= uint64(regs[visitor>>(64-smallP)])
	}
	return v
}

// The prefetch stages of [State.applyOps]: each asks for what the next
// stage, and then AddHashed, will read for a key of hash h, computed
// afresh from the list as it is (the list may have changed since the
// earlier stage; a prefetch of a stale address costs nothing but the
// bandwidth). None of them changes t.

// PrefetchSlot asks for the index slot where the lookup of h starts.
func (t *TopK) PrefetchSlot(h uint64) {
	if t.index.slots != nil {
		prefetch(unsafe.Pointer(&t.index.slots[t.index.start(h)]))
	}
}

// entryOf returns the entry the first probed slot of h points to when its
// tag matches h's (most likely the key's entry), or nil.
func (t *TopK) entryOf(h uint64) *TopEntry {
	if t.index.slots == nil {
		return nil
	}
	v := t.index.slots[t.index.start(h)]
	if v == 0 || v&^(1<<32-1) != h&^(1<<32-1) {
		return nil
	}
	return &t.Entries[uint32(v)-1]
}

// PrefetchEntry asks for both cache lines of h's entry (a TopEntry is 128
// bytes: the key header and counts, then the exact visitor hashes), and
// returns the entry (nil if none) for PrefetchKey.
func (t *TopK) PrefetchEntry(h uint64) *TopEntry {
	e := t.entryOf(h)
	if e != nil {
		prefetch2(unsafe.Pointer(e), unsafe.Add(unsafe.Pointer(e), 64))
	}
	return e
}

// PrefetchKey asks for what the entry e that PrefetchEntry returned points
// to: its key's bytes (to compare), the visitor register the visitor hash
// selects, and its latency sketch. The list may have changed since: e may
// then be another key's entry, or one of an array the list has left,
// which only makes the prefetches useless.
func PrefetchKey(e *TopEntry, visitor uint64) {
	if e == nil {
		return
	}
	if n := len(e.Key); n > 0 && !headroomNoKeyCompares {
		// The first and last byte: a key of up to 64 bytes spans at most
		// two cache lines (URLs with their query are often longer than
		// one line), and comparing it reads them all.
		p := unsafe.Pointer(unsafe.StringData(e.Key))
		prefetch2(p, unsafe.Add(p, n-1))
	}
	if regs := e.Visitors.Regs; regs != nil {
		prefetch(unsafe.Pointer(&regs[visitor>>(64-smallP)]))
	}
	if e.Latency != nil {
		prefetch(unsafe.Pointer(e.Latency))
	}
}

// AddHashed is Add with the key's hash given: h must be HashKey(key). A
// caller that needs the hash anyway (for a visitor identity, or for the
// same key in another list) saves hashing it again.
func (t *TopK) AddHashed(key []byte, h uint64, bytes uint64, visitor uint64) *TopEntry {
	return t.AddHashedSeen(key, h, bytes, visitor, false)
}

// AddHashedSeen is AddHashed for a caller that may know its visitor is in
// the key's entry already: seen says every earlier record of the visitor
// was added with this key. Then the visitor is not added again to an
// entry that has held the key since its first record (HitsErr 0); an
// entry that took the key over from an evicted one started its visitors
// later, and has it added all the same, as does a new one. A dimension
// whose keys are fixed by the visitor's identity (the agents' browser of
// a user agent) knows it from dim.Hit.SeenVisitor, and saves the visitor
// sets' look-ups.
func (t *TopK) AddHashedSeen(key []byte, h uint64, bytes uint64, visitor uint64, seen bool) *TopEntry {
	t.EnsureIndex()
	t.Total++
	if i := t.last - 1; i >= 0 && t.lastHash == h && sameKey(t.Entries[i].Key, key) {
		return t.hitSeen(i, bytes, visitor, seen)
	}
	i, s := t.index.find(h, key, t.Entries)
	t.prev, t.prevHash, t.lastHash = t.last, t.lastHash, h // last is set below
	if i >= 0 {
		t.last = i + 1
		return t.hitSeen(i, bytes, visitor, seen)
	}
	if len(t.Entries) < t.Capacity {
		i = t.appendKey(s, h, TopEntry{Key: string(key), Hits: 1, Bytes: bytes})
	} else {
		// Full: the key takes the place of the one with the fewest hits
		// (Space-Saving).
		t.Dropped = true
		i = t.lightest()
		t.evict(i, key, h, TopEntry{Key: string(key), Hits: t.Entries[i].Hits + 1, HitsErr: t.Entries[i].Hits, Bytes: bytes})
	}
	t.last = i + 1
	e := &t.Entries[i]
	if !t.NoVisitors && !headroomNoEntryVisitors {
		e.Visitors.Add(visitor)
	}
	return e
}

// appendKey appends ne, the entry of a key t lacks whose hash is h, to a
// list with room, at slot s of the index (as find returned it), and
// returns its index.
func (t *TopK) appendKey(s, h uint64, ne TopEntry) int32 {
	if len(t.Entries) == cap(t.Entries) {
		t.grow()
	}
	t.Entries = append(t.Entries, ne)
	i := int32(len(t.Entries) - 1)
	t.index.insert(s, h, i)
	if t.heapOK {
		t.heap = append(t.heap, heapNode{hits: ne.Hits, i: i})
		t.hashes = append(t.hashes, h)
		t.up(len(t.heap) - 1)
	}
	return i
}

// lightest returns the index of the entry with the fewest hits, building
// the heap the first time (see evictable).
func (t *TopK) lightest() int32 {
	if !t.heapOK {
		t.buildHeap()
	}
	return t.evictable()
}

// evict gives entry i, the lightest (lightest), to key, whose hash is h,
// with the counts of ne; the entry's latency sketch is kept for reuse.
func (t *TopK) evict(i int32, key []byte, h uint64, ne TopEntry) {
	e := &t.Entries[i]
	t.index.remove(t.index.slotOf(t.hashes[i], i))
	t.hashes[i] = h
	if lat := e.Latency; lat != nil {
		*lat = Latency{Counts: lat.Counts[:0], Shift: lat.Shift}
		ne.Latency = lat
	}
	*e = ne
	// The removal may have moved slots: look for the free one again.
	_, s := t.index.find(h, key, t.Entries)
	t.index.insert(s, h, i)
	t.heap[0].hits = e.Hits
	t.down(0)
}

// evictable returns the entry with the fewest hits, at the heap's root.
// Hits do not touch the heap (a sift per hit cost a chain of cache misses
// through scattered entries), so a node's count may be stale, never high:
// while the root's entry has more hits than its node says, the node is
// brought up to date and sifted down. When the root is current it is the
// true minimum, since every other node's entry has at least its node's
// count, which is at least the root's.
func (t *TopK) evictable() int32 {
	for {
		n := &t.heap[0]
		if hits := t.Entries[n.i].Hits; hits != n.hits {
			n.hits = hits
			t.down(0)
			continue
		}
		return n.i
	}
}

// grow doubles the room for entries, up to the capacity: append would
// grow a large slice by a quarter at a time, copying (and leaving to the
// collector) five times the final list on the way.
func (t *TopK) grow() {
	n := min(max(2*cap(t.Entries), 16), t.Capacity)
	e := newEntries(len(t.Entries), n)
	copy(e, t.Entries)
	t.Entries = e
}

// newEntries returns an entry array of length n and capacity c (at least
// n) whose every page has been written once: the collector scans the
// whole array, which maps untouched pages to the zero page, and each
// first write after that would cost a TLB flush on every processor (see
// newSlots). It writes Hits, which holds no pointer, so the writes need
// no write barrier.
func newEntries(n, c int) []TopEntry {
	const size = unsafe.Sizeof(TopEntry{})
	e := make([]TopEntry, n, c)
	for i, all := 0, e[:c]; i < c; i += pageSize / int(size) {
		all[i].Hits = 0
	}
	return e
}

// hit counts one more record for entry i.
func (t *TopK) hit(i int32, bytes uint64, visitor uint64) *TopEntry {
	return t.hitSeen(i, bytes, visitor, false)
}

// hitSeen is hit, which adds the visitor unless seen and the entry has
// held the key since its first record (see AddHashedSeen).
func (t *TopK) hitSeen(i int32, bytes uint64, visitor uint64, seen bool) *TopEntry {
	e := &t.Entries[i]
	e.Hits++
	e.Bytes = AddSat(e.Bytes, bytes)
	if (!seen || e.HitsErr != 0) && !t.NoVisitors && !headroomNoEntryVisitors {
		e.Visitors.Add(visitor)
	}
	return e
}

// Index returns the index of e in t.Entries, or -1 when e is not one of
// them.
func (t *TopK) Index(e *TopEntry) int32 {
	if len(t.Entries) == 0 {
		return -1
	}
	off := uintptr(unsafe.Pointer(e)) - uintptr(unsafe.Pointer(&t.Entries[0]))
	const size = unsafe.Sizeof(TopEntry{})
	if off%size != 0 || off/size >= uintptr(len(t.Entries)) {
		return -1
	}
	return int32(off / size)
}

// A kept index is what a caller keeps of a key's entry to find it again
// without a look-up: the entry's index + 1, from [TopK.KeptIndex]; 0 is
// none. It names the entry while the list's indexes hold (IndexesHold).

// KeptIndex returns the kept index of e, an entry of t: its index + 1
// while the list's indexes hold, else 0 (nothing worth keeping).
func (t *TopK) KeptIndex(e *TopEntry) int32 {
	if !t.IndexesHold() {
		return 0
	}
	return t.Index(e) + 1
}

// kept returns the entry a kept index k names, or nil when it names none
// any more.
func (t *TopK) kept(k int32) *TopEntry {
	if i := k - 1; i >= 0 && int(i) < len(t.Entries) && t.IndexesHold() {
		return &t.Entries[i]
	}
	return nil
}

// HitKept counts one more record of the key whose kept index is k, with
// bytes, visitor and seen as AddHashedSeen does, and reports whether it
// could: false when k names no entry any more, and the caller then adds
// the record by its key (and keeps the new index).
func (t *TopK) HitKept(k int32, bytes, visitor uint64, seen bool) bool {
	if t.kept(k) == nil {
		return false
	}
	t.Total++
	t.hitSeen(k-1, bytes, visitor, seen)
	return true
}

// PrefetchKept asks for the entry HitKept(k) will update (see
// PrefetchEntry), and PrefetchKeptVisitor, once that entry is in the
// cache, for its register of visitor (an exact visitor set is in the
// entry itself). A kept index that names no entry asks for nothing.
func (t *TopK) PrefetchKept(k int32) {
	if e := t.kept(k); e != nil {
		prefetch2(unsafe.Pointer(e), unsafe.Add(unsafe.Pointer(e), 64))
	}
}

// PrefetchKeptVisitor: see PrefetchKept.
func (t *TopK) PrefetchKeptVisitor(k int32, visitor uint64) {
	if e := t.kept(k); e != nil {
		if regs := e.Visitors.Regs; regs != nil {
			prefetch(unsafe.Pointer(&regs[visitor>>(64-smallP)]))
		}
	}
}

// Aux returns the entry's auxiliary word: 0 until [TopEntry.SetAux] sets
// it, and 0 again when the entry is given to another key, comes from
// another list by a merge, or moves (a sort, a cut to the capacity), so
// that a word may stand for the entry's place. It is not encoded. A dimension that counts by
// the keys of a list keeps in it what it worked out from the key (the
// countries keep a client's country in the State's client list), so that
// the key's next records need no lookup of their own: the entry is in the
// cache already, since the list has just counted the record.
func (e *TopEntry) Aux() uint32 { return e.Visitors.aux }

// SetAux sets the entry's auxiliary word (see [TopEntry.Aux]).
func (e *TopEntry) SetAux(v uint32) { e.Visitors.aux = v }

// AddLatency adds a request time (v, bucket i) to e.
func (e *TopEntry) AddLatency(v int64, i int32) {
	if e.Latency == nil {
		e.Latency = &Latency{Shift: EntryLatencyShift}
	}
	e.Latency.AddIndex(v, i)
}

// less orders the heap by (possibly stale) hits alone: comparing keys on
// ties would cost more than the whole Add, and the eviction order is
// deterministic anyway (it depends only on the sequence of Adds).
func (t *TopK) less(a, b int) bool { return t.heap[a].hits < t.heap[b].hits }

func (t *TopK) buildHeap() {
	n := len(t.Entries)
	t.heap = make([]heapNode, n)
	t.hashes = make([]uint64, n)
	for i := range n {
		t.heap[i] = heapNode{hits: t.Entries[i].Hits, i: int32(i)}
		t.hashes[i] = HashKey(bytesOf(t.Entries[i].Key))
	}
	for i := n/2 - 1; i >= 0; i-- {
		t.down(i)
	}
	t.heapOK = true
}

func (t *TopK) swap(i, j int) { t.heap[i], t.heap[j] = t.heap[j], t.heap[i] }

func (t *TopK) up(j int) {
	for j > 0 {
		i := (j - 1) / 2
		if !t.less(j, i) {
			break
		}
		t.swap(i, j)
		j = i
	}
}

func (t *TopK) down(i int) {
	n := len(t.heap)
	for {
		j := 2*i + 1
		if j >= n {
			return
		}
		if r := j + 1; r < n && t.less(r, j) {
			j = r
		}
		if !t.less(j, i) {
			return
		}
		t.swap(i, j)
		i = j
	}
}

// Exact reports whether every count in the list is exact: no key was ever
// evicted or cut.
func (t *TopK) Exact() bool { return !t.Dropped }

// ErrorBound returns 0 for an exact list; otherwise the smallest Hits in
// the list, which bounds both the overcount of any listed key and the
// true count of any key not listed. A report shows it as "±N".
func (t *TopK) ErrorBound() uint64 {
	if !t.Dropped || len(t.Entries) == 0 {
		return 0
	}
	m := t.Entries[0].Hits
	for i := range t.Entries {
		m = min(m, t.Entries[i].Hits)
	}
	return m
}

// Len returns the number of keys in the list.
func (t *TopK) Len() int { return len(t.Entries) }

// Get returns the entry for key, or nil.
func (t *TopK) Get(key string) *TopEntry {
	t.EnsureIndex()
	if i, _, _ := t.findKey(key); i >= 0 {
		return &t.Entries[i]
	}
	return nil
}

// compareEntries orders entries for reports: hits descending, then key.
func compareEntries(a, b *TopEntry) int {
	if c := cmp.Compare(b.Hits, a.Hits); c != 0 {
		return c
	}
	return cmp.Compare(a.Key, b.Key)
}

// Top returns the n entries with the most hits (all when n ≤ 0), by hits
// descending, then key ascending. The entries are copies, but their
// Latency points into t: read, don't change. A report asks for a few dozen
// rows of lists of 100 000: those are picked by hits alone (see heaviest),
// keys compared only among ties at the cut, and then sorted.
func (t *TopK) Top(n int) []TopEntry {
	var order []int32
	if n > 0 && n < len(t.Entries) {
		order = make([]int32, 0, n)
		for k, kept := range heaviest(len(t.Entries), n, false, func(k int32) *TopEntry { return &t.Entries[k] }) {
			if kept {
				order = append(order, int32(k))
			}
		}
	} else {
		order = make([]int32, len(t.Entries))
		for i := range order {
			order[i] = int32(i)
		}
	}
	slices.SortFunc(order, func(a, b int32) int { return compareEntries(&t.Entries[a], &t.Entries[b]) })
	out := make([]TopEntry, len(order))
	for i, k := range order {
		out[i] = t.Entries[k]
	}
	return out
}

// Merge folds o into t (see [TopK] for the rule); o is unchanged apart
// from its internal index.
func (t *TopK) Merge(o *TopK) {
	t.EnsureIndex()
	o.EnsureIndex()
	missT, missO := t.ErrorBound(), o.ErrorBound()
	if missO > 0 {
		for i := range t.Entries {
			if j, _, _ := o.findKey(t.Entries[i].Key); j < 0 {
				t.Entries[i].Hits += missO
				t.Entries[i].HitsErr += missO
			}
		}
	}
	for k := range o.Entries {
		oe := &o.Entries[k]
		i, slot, h := t.findKey(oe.Key)
		if i >= 0 {
			t.Entries[i].merge(oe)
			continue
		}
		ne := *oe
		ne.SetAux(0) // o's word means nothing to t's counters
		ne.Hits += missT
		ne.HitsErr += missT
		if oe.Visitors.Regs != nil {
			regs := *oe.Visitors.Regs
			ne.Visitors.Regs = &regs
		}
		if oe.Latency != nil {
			ne.Latency = oe.Latency.Clone()
		}
		t.Entries = append(t.Entries, ne)
		t.index.insert(slot, h, int32(len(t.Entries)-1))
	}
	t.Total += o.Total
	t.Dropped = t.Dropped || o.Dropped
	t.heapOK, t.heap, t.hashes, t.last, t.lastHash, t.prev, t.prevHash = false, nil, nil, 0, 0, 0, 0
	t.trim()
}

// MergeDisjoint folds o into t when no key is in both: the lists of two
// shards of one run, whose keys were routed to one shard or the other by
// their hash (see shard.go). It appends o's entries, sketches and all,
// without copying the sketches or looking keys up: o must not be used afterwards,
// and a key in both would be listed twice (TestTopKSpaceSaving checks
// the index finds every key at its own entry). No key is credited with the
// other side's error bound, unlike Merge: a key one side lacks is certainly
// not in the other side's stream. The rule that the smallest listed count
// bounds every key not listed ([TopK.ErrorBound]) survives the cut to
// capacity: a side that overflowed is full, Capacity entries at or above
// its bound, so the Capacity heaviest of the union are at or above it too
// (both sides have the same capacity, as the shards of one run do).
func (t *TopK) MergeDisjoint(o *TopK) {
	for i := range o.Entries {
		o.Entries[i].SetAux(0) // o's words mean nothing to t's counters
	}
	switch n := len(t.Entries) + len(o.Entries); {
	case n > t.Capacity:
		// Keep the heaviest of both without building their union: the
		// union of two full shards is a list twice the capacity, and
		// allocating it set the peak RSS of a run.
		t.Entries = keepHeaviest(t.Entries, o.Entries, t.Capacity)
		t.Dropped = true
		clearAux(t.Entries) // the entries moved
	case n > cap(t.Entries):
		e := newEntries(len(t.Entries), n)
		copy(e, t.Entries)
		t.Entries = append(e, o.Entries...)
	default:
		t.Entries = append(t.Entries, o.Entries...)
	}
	t.Total += o.Total
	t.Dropped = t.Dropped || o.Dropped
	t.resetIndex()
	*o = TopK{Capacity: o.Capacity}
}

// trim cuts the list to its capacity, keeping the entries with the most
// hits (ties: see keepHeaviest).
func (t *TopK) trim() {
	if len(t.Entries) <= t.Capacity {
		return
	}
	t.Entries = keepHeaviest(t.Entries, nil, t.Capacity)
	t.Dropped = true
	clearAux(t.Entries) // the entries moved
	t.resetIndex()      // rebuilt when next needed
}

// keepHeaviest returns the c entries of a and b (a then b) with the most
// hits, in their order there (see heaviest). Of entries tied at the cut it
// keeps those whose keys hash lowest: as deterministic as the smaller
// keys, and independent of the order of merges the same way, but one hash
// per key instead of a string comparison per key and quickselect round
// (BenchmarkKeepHeaviest). The result is built in a's array when it has
// room for c, and a must not be used afterwards.
func keepHeaviest(a, b []TopEntry, c int) []TopEntry {
	kept := heaviest(len(a)+len(b), c, true, func(k int32) *TopEntry {
		if int(k) < len(a) {
			return &a[k]
		}
		return &b[int(k)-len(a)]
	})
	inPlace := cap(a) >= c
	out := a[:0]
	if !inPlace {
		out = newEntries(0, c)
	}
	for i := range a { // in place, out never passes i
		if kept[i] {
			out = append(out, a[i])
		}
	}
	for j := range b {
		if kept[len(a)+j] {
			out = append(out, b[j])
		}
	}
	if inPlace && len(out) < len(a) {
		clear(a[len(out):]) // stale copies: let what they point to go
	}
	return out
}

// heaviest marks which c of the n entries at(0) … at(n-1) have the most
// hits; ties are decided by the smaller key, or with byHash by the smaller
// key hash (then key). It finds the hit count of the c-th heaviest, keeps
// every entry above it and, of those at it, the first by the tie rule: a
// heap of c entries ordered by hits and key cost a comparison of keys for
// nearly every entry when most have one hit, as in a log of mostly unique
// URLs (BenchmarkKeepHeaviest), and a quickselect by hits and key
// compares keys for every entry tied with a pivot.
func heaviest(n, c int, byHash bool, at func(int32) *TopEntry) []bool {
	kept := make([]bool, n)
	if c >= n {
		for i := range kept {
			kept[i] = true
		}
		return kept
	}
	if c <= 0 {
		return kept
	}
	hits := make([]uint64, n)
	for k := range hits {
		hits[k] = at(int32(k)).Hits
	}
	selectSmallest(hits, c, func(x, y uint64) bool { return x > y })
	bound := slices.Min(hits[:c]) // the c-th most hits
	var ties []int32
	above := 0
	for k := range n {
		switch h := at(int32(k)).Hits; {
		case h > bound:
			kept[k] = true
			above++
		case h == bound:
			ties = append(ties, int32(k))
		}
	}
	need := c - above
	if byHash && need < len(ties) {
		hashed := make([]hashedTie, len(ties))
		for i, k := range ties {
			hashed[i] = hashedTie{HashKey(bytesOf(at(k).Key)), k}
		}
		selectSmallest(hashed, need, func(x, y hashedTie) bool {
			if x.h != y.h {
				return x.h < y.h
			}
			return at(x.k).Key < at(y.k).Key
		})
		for _, t := range hashed[:need] {
			kept[t.k] = true
		}
		return kept
	}
	selectSmallest(ties, need, func(x, y int32) bool { return at(x).Key < at(y).Key })
	for _, k := range ties[:need] {
		kept[k] = true
	}
	return kept
}

// hashedTie is an entry tied at a cut (its position k) with its key hash.
type hashedTie struct {
	h uint64
	k int32
}

// selectSmallest reorders s so that its first k elements are its k
// smallest by less, in no particular order (quickselect). Past 2 log2(len)
// rounds, which only crafted input reaches, it sorts what is left: never
// worse than a sort.
func selectSmallest[T any](s []T, k int, less func(x, y T) bool) {
	if k <= 0 || k >= len(s) {
		return
	}
	lo, hi := 0, len(s) // the k-th smallest is in s[lo:hi]
	for rounds := 2 * bits.Len(uint(len(s))); hi-lo > 1; rounds-- {
		if rounds == 0 {
			slices.SortFunc(s[lo:hi], func(x, y T) int {
				if less(x, y) {
					return -1
				}
				if less(y, x) {
					return 1
				}
				return 0
			})
			return
		}
		// Median of three as the pivot, moved to the end.
		mid := lo + (hi-lo)/2
		if less(s[mid], s[lo]) {
			s[mid], s[lo] = s[lo], s[mid]
		}
		if less(s[hi-1], s[lo]) {
			s[hi-1], s[lo] = s[lo], s[hi-1]
		}
		if less(s[mid], s[hi-1]) {
			s[mid], s[hi-1] = s[hi-1], s[mid]
		}
		pivot := s[hi-1]
		// Three-way partition: < pivot, == pivot, > pivot (many equal
		// elements, such as hit counts, must not make it quadratic).
		lt, i, gt := lo, lo, hi-1
		for i < gt {
			switch {
			case less(s[i], pivot):
				s[lt], s[i] = s[i], s[lt]
				lt++
				i++
			case less(pivot, s[i]):
				gt--
				s[i], s[gt] = s[gt], s[i]
			default:
				i++
			}
		}
		s[gt], s[hi-1] = s[hi-1], s[gt] // the pivot joins the equal ones
		gt++
		switch {
		case k <= lt:
			hi = lt
		case k >= gt:
			lo = gt
		default:
			return // the k-th is among the equal ones: s[:k] are k smallest
		}
	}
}

// merge adds o's counts to e's.
func (e *TopEntry) merge(o *TopEntry) {
	e.Hits += o.Hits
	e.HitsErr += o.HitsErr
	e.Bytes = AddSat(e.Bytes, o.Bytes)
	e.Visitors.Merge(&o.Visitors)
	if o.Latency != nil {
		if e.Latency == nil {
			e.Latency = &Latency{Shift: o.Latency.Shift}
		}
		e.Latency.Merge(o.Latency)
	}
}
