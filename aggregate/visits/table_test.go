package visits

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestTable runs random insertions, list changes and removals (many, as
// foldings make them, so that dead slots are cleaned in place and the
// table grows) against a map, and finds every identity where it is.
func TestTable(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	tb := newTable()
	ref := map[uint64][]visit{}
	mk := func(n int) []visit {
		vs := make([]visit, n)
		for i := range vs {
			vs[i] = visit{first: int64(i), last: int64(i), pages: uint64(rng.IntN(9) + 1)}
		}
		return vs
	}
	for round := range 200 {
		for range rng.IntN(400) {
			id := rng.Uint64N(5000) // collisions with identities present
			switch s := tb.find(id); {
			case s == nil:
				vs := mk(1 + rng.IntN(2))
				tb.put(id, slices.Clone(vs))
				ref[id] = vs
			case rng.IntN(3) == 0:
				w := visit{first: 100, last: 100, pages: 1}
				tb.insertAt(s, len(tb.visits(s)), w)
				ref[id] = append(ref[id], w)
			default:
				vs := mk(1 + rng.IntN(3))
				tb.set(s, slices.Clone(vs))
				ref[id] = vs
			}
		}
		if round%7 == 0 {
			// A folding: most identities go.
			for i := range tb.slots {
				if s := &tb.slots[i]; (s.state == one || s.state == many) && rng.IntN(8) != 0 {
					delete(ref, s.id)
					tb.remove(s)
				}
			}
			tb.shrink()
			if len(tb.slots) > 16 && 8*tb.used < len(tb.slots) {
				t.Fatalf("round %d: %d identities in %d slots after shrink", round, tb.used, len(tb.slots))
			}
		}
		if tb.used != len(ref) || len(tb.lists)-len(tb.free) > tb.used {
			t.Fatalf("round %d: %d identities, %d lists, want %d identities", round, tb.used, len(tb.lists)-len(tb.free), len(ref))
		}
		for id, want := range ref {
			if got := tb.get(id); !slices.Equal(got, want) {
				t.Fatalf("round %d: identity %d: %v, want %v", round, id, got, want)
			}
		}
		if ids := tb.ids(); len(ids) != len(ref) {
			t.Fatalf("round %d: %d ids, want %d", round, len(ids), len(ref))
		}
	}
}

// TestShiftOf: a hash shifted by shiftOf(n) indexes all n slots, no more.
func TestShiftOf(t *testing.T) {
	for k := range 31 {
		n := 1 << k
		if got := shiftOf(n); got != uint(64-k) {
			t.Errorf("shiftOf(%d) = %d, want %d", n, got, 64-k)
		}
		if top := ^uint64(0) >> shiftOf(n); top != uint64(n-1) {
			t.Errorf("the largest hash indexes slot %d of %d", top, n)
		}
	}
}
