package sketch

// CountsBatch is a batch of exact counts of distinct keys for
// [TopK.MergeCounts]: Len keys, the i-th At(i) (its bytes, which need
// stay valid only during the call, its HashKey, its count > 0).
type CountsBatch interface {
	Len() int
	At(i int) (key []byte, h, hits uint64)
}

// MergeCounts adds the counts of batch, exact, to t: the same as
// t.Merge of an exact list of them, but for which keys stay past the
// capacity, decided the Space-Saving way; total is the batch's hits,
// listed or not (at least the sum of its counts). An aggregator that
// counts its keys exactly in a table of its own for a while and then
// hands them over uses it (the visits' entry and exit pages): the list
// then costs a look-up per distinct key of the batch rather than one
// per record, and only the keys that stay become strings.
//
// A key the list holds gets its count added first. A key it lacks is
// credited with the list's error bound, as Merge credits it: its count
// before the batch was at most that. While all fit, they are appended;
// past the capacity, each of the batch's new keys in turn takes the place
// of the list's lightest entry if it outweighs it (the list's min-heap):
// the list ends with the capacity heaviest of its entries and the new
// keys, whatever the batch's order, but for which of keys tied at the cut
// stay (those that came first). Every key left out or evicted has at most
// the list's least count, the bound [TopK.ErrorBound] states, since that
// count only grows.
func (t *TopK) MergeCounts(batch CountsBatch, total uint64) {
	n := batch.Len()
	t.Total += total
	t.last, t.prev, t.lastHash, t.prevHash = 0, 0, 0, 0
	if len(t.Entries) == 0 && !t.Dropped && n <= t.Capacity {
		// Into an empty list: no key to look up.
		t.resetIndex()
		t.Entries = newEntries(0, n)
		for i := range n {
			key, _, hits := batch.At(i)
			t.Entries = append(t.Entries, TopEntry{Key: string(key), Hits: hits})
		}
		return
	}
	t.EnsureIndex()
	miss := t.ErrorBound()
	var rest []newKey
	for i := range n {
		key, h, hits := batch.At(i)
		if j, _ := t.index.find(h, key, t.Entries); j >= 0 {
			t.Entries[j].Hits += hits // a heap node's count may be low, never high
			continue
		}
		rest = append(rest, newKey{i: int32(i), hits: hits + miss})
	}
	overflow := len(t.Entries)+len(rest) > t.Capacity
	for _, k := range rest {
		key, h, _ := batch.At(int(k.i))
		if len(t.Entries) < t.Capacity {
			_, s := t.index.find(h, key, t.Entries)
			t.appendKey(s, h, TopEntry{Key: string(key), Hits: k.hits, HitsErr: miss})
		} else if i := t.lightest(); k.hits > t.Entries[i].Hits {
			t.evict(i, key, h, TopEntry{Key: string(key), Hits: k.hits, HitsErr: miss})
		}
	}
	if overflow {
		t.Dropped = true // keys were left out or evicted
	}
}

// newKey is a key of a MergeCounts batch that the list lacks: its place
// in the batch, its count with the list's bound. It holds no pointer, so
// that the collector need not scan a batch's worth of them.
type newKey struct {
	i    int32
	hits uint64
}
