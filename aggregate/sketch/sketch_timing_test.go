package sketch

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

func BenchmarkTopKAdd(b *testing.B) {
	for _, capacity := range []int{100_000, 100} {
		b.Run(fmt.Sprintf("cap%d", capacity), func(b *testing.B) {
			keys := zipfKeys(1, 1<<14, 5000)
			t := NewTopK(capacity)
			for _, k := range keys {
				t.Add(k, 1, 1)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				t.Add(keys[i&(len(keys)-1)], 1, uint64(i))
			}
		})
	}
}

// BenchmarkTopKChurn is Space-Saving under constant eviction: a full
// list of 100 000 keys fed from 1M keys drawn uniformly, as a log of
// mostly unique URLs feeds it (most Adds evict).
func BenchmarkTopKChurn(b *testing.B) {
	const capacity, universe = 100_000, 1 << 20
	keys := make([][]byte, universe)
	for i := range keys {
		keys[i] = fmt.Appendf(nil, "/item/%016x", Mix64(uint64(i)))
	}
	t := NewTopK(capacity)
	next := uint64(1)
	for range 2 * capacity {
		next = Mix64(next)
		t.Add(keys[next%universe], 1, next)
	}
	b.ReportAllocs()
	for b.Loop() {
		next = Mix64(next)
		t.Add(keys[next%universe], 1, next)
	}
}

func BenchmarkDistinctAdd(b *testing.B) {
	for _, capacity := range []int{1 << 30, 0} {
		b.Run(fmt.Sprintf("exact%v", capacity > 0), func(b *testing.B) {
			d := NewDistinct(capacity)
			for i := range 1 << 16 {
				d.Add(Mix64(uint64(i)))
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				d.Add(Mix64(uint64(i & (1<<16 - 1))))
			}
		})
	}
}

func BenchmarkLatencyAdd(b *testing.B) {
	var l Latency
	vals := make([]int64, 1<<12)
	r := rand.New(rand.NewPCG(1, 1))
	for i := range vals {
		vals[i] = int64(r.ExpFloat64() * 50_000)
		l.Add(vals[i])
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		l.Add(vals[i&(len(vals)-1)])
	}
}

func BenchmarkHash64(b *testing.B) {
	ua := []byte("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36")
	b.SetBytes(int64(len(ua)))
	var sink uint64
	for b.Loop() {
		sink += hash64(ua, sink)
	}
	_ = sink
}

// BenchmarkMemoryLatency measures what the top lists are bound by: random
// reads in tables far larger than the caches (128 MiB, as the lists of a
// few million lines are). "chase" is one dependent read after another (the
// latency of one miss); "lists/depth=N" is a record's worth of list
// lookups, five independent chains (one per big list) of N dependent
// reads each: 3 is State.Add's shape (index slot, entry, key bytes), 2 the
// least any exact keyed table needs (where the key is, then the key to
// compare). ns/op is per read for chase, per record for lists: a floor for
// the lists' share of a record that no tuning of the code around the reads
// can go under.
func BenchmarkMemoryLatency(b *testing.B) {
	const n = 128 << 20 / 8
	next := make([]uint32, n) // a random cycle over all slots
	perm := rand.New(rand.NewPCG(3, 4)).Perm(n)
	for i := range perm {
		next[perm[i]] = uint32(perm[(i+1)%n])
	}
	b.Run("chase", func(b *testing.B) {
		i := uint32(0)
		for b.Loop() {
			i = next[i]
		}
		sink = uint64(i)
	})
	for _, depth := range []int{2, 3} {
		b.Run(fmt.Sprintf("lists/depth=%d", depth), func(b *testing.B) {
			var c [5]uint32
			for k := range c {
				c[k] = uint32(k * 7919)
			}
			for b.Loop() {
				for range depth {
					c[0], c[1], c[2], c[3], c[4] = next[c[0]], next[c[1]], next[c[2]], next[c[3]], next[c[4]]
				}
			}
			sink = uint64(c[0] ^ c[1] ^ c[2] ^ c[3] ^ c[4])
		})
	}
}

var sink uint64

// BenchmarkKeepHeaviest is the fold of two full shards of a list of
// mostly unique keys (the distinct case of make bench): 2 x 100 000
// entries, nine in ten with one hit, cut to 100 000.
func BenchmarkKeepHeaviest(b *testing.B) {
	const capacity = 100_000
	shard := func(seed uint64) []TopEntry {
		e := make([]TopEntry, capacity)
		for i := range e {
			h := Mix64(seed + uint64(i))
			e[i] = TopEntry{Key: fmt.Sprintf("/item/%016x", h), Hits: 1 + h%10/9*(h>>60)}
		}
		return e
	}
	a0, b0 := shard(1), shard(1<<40)
	b.ReportAllocs()
	for b.Loop() {
		a := append(make([]TopEntry, 0, capacity), a0...)
		keepHeaviest(a, b0, capacity)
	}
}

// BenchmarkDistinctMerge merges an exact set into another, smaller or of
// the same size, as folding two workers' per-day visitor sets does. Taken
// in slot order, the hashes of the larger table wrapped around the smaller
// one and every addition walked a run of hundreds of slots.
func BenchmarkDistinctMerge(b *testing.B) {
	for _, c := range []struct {
		name     string
		dst, src int
	}{{"into-smaller", 5_000, 45_000}, {"into-equal-growing", 40_000, 40_000}} {
		b.Run(c.name, func(b *testing.B) {
			src := NewDistinct(1 << 30)
			for i := range c.src {
				src.Add(Mix64(uint64(i) + 1<<40))
			}
			b.ReportAllocs()
			for b.Loop() {
				b.StopTimer()
				dst := NewDistinct(1 << 30)
				for i := range c.dst {
					dst.Add(Mix64(uint64(i)))
				}
				b.StartTimer()
				dst.Merge(src)
			}
		})
	}
}
