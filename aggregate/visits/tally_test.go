package visits

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/webalyze/webalyze/aggregate/sketch"
)

// TestTallySettle: counting visits' pages through a tally, settled into
// the lists whenever it fills and at the end, gives the exact lists while
// they hold every page, and lists within their stated bounds past their
// capacity: each listed count at most HitsErr over the true one, no page
// left out with more visits than the error bound. The cases take each of
// settle's ways: into an empty list, into one that holds pages already,
// and with pages cut before the merge.
func TestTallySettle(t *testing.T) {
	for _, c := range []struct {
		name                 string
		capacity, limit      int
		paths, visits, seeds int
	}{
		{"exact, settled once", 1000, 4096, 300, 5000, 5},
		{"exact, settled often", 1000, 16, 300, 5000, 5},
		{"full, settled often", 50, 16, 300, 5000, 20},
		{"tiny lists, large tally", 3, 4096, 300, 5000, 20},
		{"tiny lists, tiny tally", 1, 2, 40, 2000, 20},
		{"one path", 5, 2, 1, 100, 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			for seed := range uint64(c.seeds) {
				rng := rand.New(rand.NewPCG(seed, 3))
				co := newCounts(c.capacity)
				co.pend.limit = c.limit
				wantEntry, wantExit := map[string]uint64{}, map[string]uint64{}
				for range c.visits {
					// Skewed: low path numbers come most often.
					entry := fmt.Sprintf("/page/%d", rng.IntN(1+rng.IntN(c.paths)))
					exit := entry
					if rng.IntN(4) == 0 {
						exit = fmt.Sprintf("/page/%d", rng.IntN(1+rng.IntN(c.paths)))
					}
					w := visit{pages: 1, entryH: sketch.HashKey([]byte(entry)), exitH: sketch.HashKey([]byte(exit))}
					co.add(&w, []byte(entry), []byte(exit))
					wantEntry[entry]++
					wantExit[exit]++
					if err := co.pend.check(); err != nil {
						t.Fatalf("seed %d: %v", seed, err)
					}
				}
				co.settle()
				if co.pend.n != 0 || co.pend.entries != 0 || co.pend.exits != 0 {
					t.Fatalf("seed %d: the tally holds %d pages after settling", seed, co.pend.n)
				}
				for _, l := range []struct {
					name string
					list *sketch.TopK
					want map[string]uint64
				}{{"entry", co.Entry, wantEntry}, {"exit", co.Exit, wantExit}} {
					checkBounds(t, fmt.Sprintf("seed %d: %s pages", seed, l.name), l.list, l.want, uint64(c.visits))
				}
			}
		})
	}
}

// checkBounds checks list l against the true counts want.
func checkBounds(t *testing.T, what string, l *sketch.TopK, want map[string]uint64, total uint64) {
	t.Helper()
	if err := l.Check(); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if l.Total != total || l.Len() > l.Capacity {
		t.Fatalf("%s: total %d (want %d), %d keys of %d", what, l.Total, total, l.Len(), l.Capacity)
	}
	if l.Exact() && l.Len() != len(want) {
		t.Fatalf("%s: exact, but %d keys of %d", what, l.Len(), len(want))
	}
	listed := map[string]bool{}
	for _, e := range l.Entries {
		listed[e.Key] = true
		n := want[e.Key]
		if e.Hits < n || e.Hits-e.HitsErr > n || l.Exact() && e.Hits != n {
			t.Fatalf("%s: %q counted %d ±%d, true %d", what, e.Key, e.Hits, e.HitsErr, n)
		}
	}
	for k, n := range want {
		if !listed[k] && n > l.ErrorBound() {
			t.Fatalf("%s: %q left out with %d visits, over the bound %d", what, k, n, l.ErrorBound())
		}
	}
}

// TestTallyScattered: scattered yields every slot once, for every size a
// tally takes.
func TestTallyScattered(t *testing.T) {
	for size := 1; size <= 1<<16; size *= 2 {
		tl := tally{slots: make([]tallySlot, size)}
		seen := make([]bool, size)
		n := 0
		for i := range tl.scattered() {
			if seen[i] {
				t.Fatalf("size %d: slot %d twice", size, i)
			}
			seen[i] = true
			n++
		}
		if n != size {
			t.Fatalf("size %d: %d slots", size, n)
		}
	}
}

// benchPages fills t with 60 000 pages, each one visit's entry and exit,
// and returns them with their hashes.
func benchPages(t *tally) (keys [][]byte, hs []uint64) {
	for i := range 60_000 {
		k := fmt.Appendf(nil, "/products/category-%d/item-%d", i%40, i)
		keys, hs = append(keys, k), append(hs, sketch.HashKey(k))
		t.add(k, hs[i], 1, 1)
	}
	return keys, hs
}

// BenchmarkTallySettle: the figures of a run turn the tally of its
// visits' pages into the entry and exit lists; inserted in the tally's
// slot order (the order of their hashes) into a list's growing index,
// the pages made a cluster every probe walked (see scattered).
func BenchmarkTallySettle(b *testing.B) {
	tl := newTally(100_000)
	benchPages(&tl)
	b.ReportAllocs()
	for b.Loop() {
		// Into a list that holds a page: the merge, not the straight copy.
		l := newTop(100_000)
		l.Add([]byte("/"), 0, 0)
		tl.settle(l, false)
	}
}

// BenchmarkTallyAdd: a folded one-page visit, the usual one, counted in
// a warm tally of 60 000 pages.
func BenchmarkTallyAdd(b *testing.B) {
	co := newCounts(100_000)
	keys, hs := benchPages(&co.pend)
	rng := rand.New(rand.NewPCG(1, 1))
	order := make([]int, 1<<16)
	for i := range order {
		order[i] = rng.IntN(len(keys))
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		k := order[i&(len(order)-1)]
		w := visit{pages: 1, entryH: hs[k], exitH: hs[k]}
		co.add(&w, keys[k], keys[k])
		i++
	}
}

// TestSplitIndependenceSettling is TestSplitIndependence with visits
// folded as soon as they are finished, into tallies that settle into the
// lists at nearly every visit, as they do when a log has more pages than
// a tally holds: split among parts by identity, as among a run's workers,
// and merged, the stream's figures and exact lists come out the same.
func TestSplitIndependenceSettling(t *testing.T) {
	const timeout = 1800
	defer func(n int) { minSeal = n }(minSeal)
	minSeal = 1 // fold the finished visits as the requests come
	small := func() *Visits {
		v := New(Options{})
		v.done.pend.limit = 2
		return v
	}
	for seed := range uint64(200) {
		rng := rand.New(rand.NewPCG(seed, 11))
		rs := stream(rng, 1+rng.IntN(80), timeout)
		want := reference(rs, timeout)
		parts := make([]*Visits, 1+rng.IntN(4))
		for i := range parts {
			parts[i] = small()
		}
		// As a run's workers: in time order, each part its identities.
		for _, r := range sortedByTime(rs) {
			parts[r.id%uint64(len(parts))].Add(hitOf(r))
		}
		for len(parts) > 1 {
			if err := parts[0].MergeDisjoint(parts[1]); err != nil {
				t.Fatal(err)
			}
			parts = slices.Delete(parts, 1, 2)
		}
		if err := parts[0].Check(uint64(len(rs))); err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		if got := describe(parts[0].Figures()); got != want {
			t.Fatalf("seed %d: merged parts:\n%s\nwant:\n%s", seed, got, want)
		}
	}
}
