package aggregate

import (
	"cmp"
	"slices"
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

	index map[string]int32 // key → entry; nil until first needed
	heap  []int32          // entries as a min-heap by Hits, valid when heapOK
	pos   []int32          // entry → heap position
	// heapOK says heap and pos are valid (they are built at the first
	// eviction and kept up to date after it).
	heapOK bool
	// last is the entry of the previous Add plus one (0: none): runs of
	// the same key (methods, protocols, a busy client) skip the map.
	last int32
}

// NewTopK returns an empty list holding at most capacity keys (at least 1).
func NewTopK(capacity int) *TopK {
	return &TopK{Capacity: max(capacity, 1), index: map[string]int32{}}
}

func (t *TopK) ensureIndex() {
	if t.index != nil {
		return
	}
	t.index = make(map[string]int32, len(t.Entries))
	t.last = 0
	for i := range t.Entries {
		t.index[t.Entries[i].Key] = int32(i)
	}
}

// Add counts one record with key, its response bytes and its visitor hash,
// and returns the key's entry, valid until the next call that changes t.
// It allocates only when key is new to the list (for the string).
func (t *TopK) Add(key []byte, bytes uint64, visitor uint64) *TopEntry {
	t.ensureIndex()
	t.Total++
	i, ok := t.last-1, false
	if i >= 0 && t.Entries[i].Key == string(key) {
		ok = true
	} else {
		i, ok = t.index[string(key)]
	}
	if ok {
		t.last = i + 1
		e := &t.Entries[i]
		e.Hits++
		e.Bytes = addSat(e.Bytes, bytes)
		if !t.NoVisitors {
			e.Visitors.Add(visitor)
		}
		if t.heapOK {
			t.down(int(t.pos[i]))
		}
		return e
	}
	if len(t.Entries) < t.Capacity {
		t.Entries = append(t.Entries, TopEntry{Key: string(key), Hits: 1, Bytes: bytes})
		i := int32(len(t.Entries) - 1)
		t.index[t.Entries[i].Key] = i
		t.last = i + 1
		e := &t.Entries[i]
		if !t.NoVisitors {
			e.Visitors.Add(visitor)
		}
		if t.heapOK {
			t.pos = append(t.pos, int32(len(t.heap)))
			t.heap = append(t.heap, i)
			t.up(len(t.heap) - 1)
		}
		return e
	}
	// Full: replace the key with the fewest hits (Space-Saving).
	if !t.heapOK {
		t.buildHeap()
	}
	t.Dropped = true
	i = t.heap[0]
	t.last = i + 1
	e := &t.Entries[i]
	delete(t.index, e.Key)
	lat := e.Latency
	if lat != nil {
		*lat = Latency{Counts: lat.Counts[:0], Shift: lat.Shift}
	}
	*e = TopEntry{Key: string(key), Hits: e.Hits + 1, HitsErr: e.Hits, Bytes: bytes, Latency: lat}
	if !t.NoVisitors {
		e.Visitors.Add(visitor)
	}
	t.index[e.Key] = i
	t.down(0)
	return e
}

// addLatency adds a request time (v, bucket i) to e.
func (e *TopEntry) addLatency(v int64, i int32) {
	if e.Latency == nil {
		e.Latency = &Latency{Shift: EntryLatencyShift}
	}
	e.Latency.addIndex(v, i)
}

// less orders the heap by hits alone: comparing keys on ties would cost
// more than the whole Add, and the eviction order is deterministic anyway
// (it depends only on the sequence of Adds).
func (t *TopK) less(a, b int32) bool { return t.Entries[a].Hits < t.Entries[b].Hits }

func (t *TopK) buildHeap() {
	n := len(t.Entries)
	t.heap = make([]int32, n)
	t.pos = make([]int32, n)
	for i := range n {
		t.heap[i], t.pos[i] = int32(i), int32(i)
	}
	for i := n/2 - 1; i >= 0; i-- {
		t.down(i)
	}
	t.heapOK = true
}

func (t *TopK) swap(i, j int) {
	t.heap[i], t.heap[j] = t.heap[j], t.heap[i]
	t.pos[t.heap[i]] = int32(i)
	t.pos[t.heap[j]] = int32(j)
}

func (t *TopK) up(j int) {
	for j > 0 {
		i := (j - 1) / 2
		if !t.less(t.heap[j], t.heap[i]) {
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
		if r := j + 1; r < n && t.less(t.heap[r], t.heap[j]) {
			j = r
		}
		if !t.less(t.heap[j], t.heap[i]) {
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
	if t.heapOK {
		return t.Entries[t.heap[0]].Hits
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
	t.ensureIndex()
	if i, ok := t.index[key]; ok {
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
// Latency points into t: read, don't change.
func (t *TopK) Top(n int) []TopEntry {
	out := slices.Clone(t.Entries)
	slices.SortFunc(out, func(a, b TopEntry) int { return compareEntries(&a, &b) })
	if n > 0 && n < len(out) {
		out = out[:n]
	}
	return out
}

// Merge folds o into t (see [TopK] for the rule); o is unchanged apart
// from its internal index.
func (t *TopK) Merge(o *TopK) {
	t.ensureIndex()
	o.ensureIndex()
	missT, missO := t.ErrorBound(), o.ErrorBound()
	if missO > 0 {
		for i := range t.Entries {
			if _, ok := o.index[t.Entries[i].Key]; !ok {
				t.Entries[i].Hits += missO
				t.Entries[i].HitsErr += missO
			}
		}
	}
	for k := range o.Entries {
		oe := &o.Entries[k]
		if i, ok := t.index[oe.Key]; ok {
			e := &t.Entries[i]
			e.Hits += oe.Hits
			e.HitsErr += oe.HitsErr
			e.Bytes = addSat(e.Bytes, oe.Bytes)
			e.Visitors.Merge(&oe.Visitors)
			if oe.Latency != nil {
				if e.Latency == nil {
					e.Latency = &Latency{Shift: oe.Latency.Shift}
				}
				e.Latency.Merge(oe.Latency)
			}
			continue
		}
		ne := *oe
		ne.Hits += missT
		ne.HitsErr += missT
		ne.Visitors.Regs = slices.Clone(oe.Visitors.Regs)
		if oe.Latency != nil {
			ne.Latency = oe.Latency.Clone()
		}
		t.Entries = append(t.Entries, ne)
		t.index[ne.Key] = int32(len(t.Entries) - 1)
	}
	t.Total += o.Total
	t.Dropped = t.Dropped || o.Dropped
	t.heapOK, t.heap, t.pos, t.last = false, nil, nil, 0
	if len(t.Entries) > t.Capacity {
		slices.SortFunc(t.Entries, func(a, b TopEntry) int { return compareEntries(&a, &b) })
		clear(t.Entries[t.Capacity:])
		t.Entries = t.Entries[:t.Capacity]
		t.Dropped = true
		t.index = nil
		t.ensureIndex()
	}
}
