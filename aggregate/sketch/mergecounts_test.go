package sketch

import (
	"fmt"
	"maps"
	"slices"
	"testing"
)

// countsBatch is a CountsBatch of keys with their hashes and counts.
type countsBatch struct {
	keys   [][]byte
	hashes []uint64
	hits   []uint64
}

func (b *countsBatch) add(key []byte, hits uint64) {
	b.keys, b.hashes, b.hits = append(b.keys, key), append(b.hashes, HashKey(key)), append(b.hits, hits)
}

// batchOf is the batch of a map's keys, in key order.
func batchOf(m map[string]uint64) *countsBatch {
	b := &countsBatch{}
	for _, k := range slices.Sorted(maps.Keys(m)) {
		b.add([]byte(k), m[k])
	}
	return b
}

func (b *countsBatch) Len() int { return len(b.keys) }

func (b *countsBatch) At(i int) ([]byte, uint64, uint64) { return b.keys[i], b.hashes[i], b.hits[i] }

// TestTopKMergeCounts: a stream counted in exact batches handed over with
// MergeCounts, between records added one at a time (so that the list's
// heap, once built, is kept through both), is the stream's exact list
// while the keys fit, and otherwise within the Space-Saving bounds: every
// key over Total/Capacity listed, counts within their errors, no key left
// out over the bound.
func TestTopKMergeCounts(t *testing.T) {
	for _, capacity := range []int{1, 10, 100, 1000, 100_000} {
		for _, batch := range []int{1, 7, 500, 20_000} {
			t.Run(fmt.Sprintf("capacity=%d/batch=%d", capacity, batch), func(t *testing.T) {
				keys := zipfKeys(uint64(capacity+batch), 60_000, 20_000)
				whole, tk := NewTopK(capacity), NewTopK(capacity)
				want := map[string]uint64{}
				pending := map[string]uint64{}
				var pendingTotal uint64
				for i, k := range keys {
					whole.Add(k, 0, 0)
					want[string(k)]++
					if i/batch%3 == 2 { // every third batch, one record at a time
						tk.Add(k, 0, 0)
						continue
					}
					pending[string(k)]++
					pendingTotal++
					if len(pending) == batch || i == len(keys)-1 {
						tk.MergeCounts(batchOf(pending), pendingTotal)
						clear(pending)
						pendingTotal = 0
					}
				}
				if len(pending) > 0 {
					tk.MergeCounts(batchOf(pending), pendingTotal)
				}
				if err := tk.Check(); err != nil {
					t.Fatal(err)
				}
				if err := tk.CheckCounts(); err != nil {
					t.Fatal(err)
				}
				checkIndex(t, tk)
				checkSpaceSaving(t, tk, want)
				if tk.Exact() != (len(want) <= capacity) {
					t.Fatalf("exact %v with %d keys of %d", tk.Exact(), len(want), capacity)
				}
				if tk.Exact() {
					if got, want := dumpHits(tk), dumpHits(whole); got != want {
						t.Errorf("exact list:\n%s\nwant:\n%s", got, want)
					}
				}
			})
		}
	}
}

// dumpHits lists t's keys with their counts, in report order.
func dumpHits(t *TopK) string {
	var b []byte
	for _, e := range t.Top(0) {
		b = fmt.Appendf(b, "%s %d±%d\n", e.Key, e.Hits, e.HitsErr)
	}
	return string(b)
}

// TestTopKMergeCountsEmpty: into an empty list, the batch's keys as they
// are; past the capacity, the heaviest (of those tied, the first in the
// batch, which is in key order).
func TestTopKMergeCountsEmpty(t *testing.T) {
	b := batchOf(map[string]uint64{"a": 5, "b": 1, "c": 3, "d": 3})
	for _, c := range []struct {
		capacity int
		want     string
		exact    bool
	}{
		{5, "a 5±0\nc 3±0\nd 3±0\nb 1±0\n", true},
		{4, "a 5±0\nc 3±0\nd 3±0\nb 1±0\n", true},
		{2, "a 5±0\nc 3±0\n", false},
		{1, "a 5±0\n", false},
	} {
		tk := NewTopK(c.capacity)
		tk.MergeCounts(b, 12)
		if got := dumpHits(tk); got != c.want || tk.Exact() != c.exact || tk.Total != 12 {
			t.Errorf("capacity %d: exact %v total %d:\n%s", c.capacity, tk.Exact(), tk.Total, got)
		}
		checkIndex(t, tk)
	}
}

// BenchmarkTopKMergeCountsFull: a batch of 100 000 keys the list lacks,
// each seen once, into a full list of as many (a log of unique paths):
// every key takes the lightest entry's place.
func BenchmarkTopKMergeCountsFull(b *testing.B) {
	const n = 100_000
	full := NewTopK(n)
	for i := range n {
		full.Add(fmt.Appendf(nil, "/old/%d", i), 0, 0)
	}
	batch := &countsBatch{}
	for i := range n {
		batch.add(fmt.Appendf(nil, "/new/%d", i), 2)
	}
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		tk := NewTopK(n)
		tk.Merge(full)
		b.StartTimer()
		tk.MergeCounts(batch, 2*n)
	}
}
