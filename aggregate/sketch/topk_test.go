package sketch

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// TestKeepHeaviest checks the selection that trims a list and folds two
// shards against sorting the union, in place (a has room) and not.
func TestKeepHeaviest(t *testing.T) {
	entries := func(prefix string, hits ...uint64) []TopEntry {
		var e []TopEntry
		for i, h := range hits {
			e = append(e, TopEntry{Key: fmt.Sprintf("%s%d", prefix, i), Hits: h})
		}
		return e
	}
	if h := func(k string) uint64 { return HashKey([]byte(k)) }; !(h("b0") < h("a2") && h("a2") < h("a0") && h("a0") < h("a1")) {
		t.Fatal("the hash order the tie case expects has changed")
	}
	for _, tc := range []struct {
		a, b []TopEntry
		room int // capacity of a's array
		c    int
		want string
	}{
		{entries("a", 5, 1, 7), entries("b", 3, 9), 3, 3, "a0:5 a2:7 b1:9"},
		{entries("a", 5, 1, 7), entries("b", 3, 9), 8, 4, "a0:5 a2:7 b0:3 b1:9"},
		{entries("a", 5, 1, 7), entries("b", 3, 9), 3, 4, "a0:5 a2:7 b0:3 b1:9"},
		// Ties: the keys of lower HashKey, b0 (0x31a0…) and a2 (0xa00c…)
		// before a0 (0xf095…) and a1 (0xfbe5…); checked below.
		{entries("a", 2, 2, 2), entries("b", 2), 4, 2, "a2:2 b0:2"},
		{entries("a", 1, 2), nil, 2, 1, "a1:2"},
		{nil, entries("b", 4, 8, 6), 0, 2, "b1:8 b2:6"},
	} {
		a := append(make([]TopEntry, 0, max(tc.room, len(tc.a))), tc.a...)
		got := keepHeaviest(a, tc.b, tc.c)
		var s []string
		for _, e := range got {
			s = append(s, fmt.Sprintf("%s:%d", e.Key, e.Hits))
		}
		if g := strings.Join(s, " "); g != tc.want {
			t.Errorf("keepHeaviest(%d of %d+%d, room %d) = %q, want %q", tc.c, len(tc.a), len(tc.b), tc.room, g, tc.want)
		}
		if inPlace := cap(a) >= tc.c; inPlace && len(got) > 0 && &got[0] != &a[:1][0] {
			t.Errorf("room %d for %d: not built in place", cap(a), tc.c)
		}
		if cap(a) >= tc.c && len(got) < len(a) {
			for _, e := range a[len(got):] {
				if e.Key != "" {
					t.Errorf("stale entry %q left past the result", e.Key)
				}
			}
		}
	}
}

// TestKeepHeaviestRandom checks keepHeaviest against sorting the union by
// hits, then key hash, then key, on random lists with many tied counts
// (the case its threshold and quickselect are for), and selectSmallest
// against sorting.
func TestKeepHeaviestRandom(t *testing.T) {
	rnd := rand.New(rand.NewPCG(7, 8))
	for round := range 300 {
		na, nb := rnd.IntN(60), rnd.IntN(60)
		c := 1 + rnd.IntN(max(1, na+nb))
		spread := 1 + rnd.IntN(4) // few distinct counts: many ties
		mk := func(prefix string, n int) []TopEntry {
			e := make([]TopEntry, n)
			for i := range e {
				e[i] = TopEntry{Key: fmt.Sprintf("%s%03d", prefix, rnd.IntN(1000)*1000+i), Hits: uint64(1 + rnd.IntN(spread))}
			}
			return e
		}
		a, b := mk("a", na), mk("b", nb)
		union := append(slices.Clone(a), b...)
		ref := slices.Clone(union)
		slices.SortFunc(ref, func(x, y TopEntry) int {
			return cmp.Or(cmp.Compare(y.Hits, x.Hits), cmp.Compare(HashKey([]byte(x.Key)), HashKey([]byte(y.Key))), cmp.Compare(x.Key, y.Key))
		})
		want := map[string]bool{}
		for _, e := range ref[:min(c, len(ref))] {
			want[e.Key] = true
		}
		var order []string // the kept keys in a-then-b order
		for _, e := range union {
			if want[e.Key] {
				order = append(order, e.Key)
			}
		}
		room := len(a) + rnd.IntN(2)*c
		got := keepHeaviest(append(make([]TopEntry, 0, room), a...), b, c)
		var keys []string
		for _, e := range got {
			keys = append(keys, e.Key)
		}
		if !slices.Equal(keys, order) {
			t.Fatalf("round %d (%d+%d, keep %d): got %v, want %v", round, na, nb, c, keys, order)
		}
		s := make([]int, rnd.IntN(80))
		for i := range s {
			s[i] = rnd.IntN(spread * 3)
		}
		k := rnd.IntN(len(s) + 1)
		sorted := slices.Sorted(slices.Values(s))
		selectSmallest(s, k, func(x, y int) bool { return x < y })
		if got := slices.Sorted(slices.Values(s[:k])); !slices.Equal(got, sorted[:k]) {
			t.Fatalf("round %d: selectSmallest(%d) kept %v, want %v", round, k, got, sorted[:k])
		}
	}
}
