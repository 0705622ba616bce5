package sketch

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
)

// TestPipeSameAsAddHashed: a list fed through a Pipe (runs of one key
// among others), flushed at random points, ends as the same calls of
// AddHashed leave it, exact and past its capacity (evictions between the
// queueing and the making of an addition), with keys of every length up
// to long ones that grow the pipe's buffer past what it keeps.
func TestPipeSameAsAddHashed(t *testing.T) {
	for _, tc := range []struct {
		capacity, keys int
		noVisitors     bool
	}{{1000, 300, false}, {50, 400, false}, {7, 1000, true}, {1, 5, false}} {
		t.Run(fmt.Sprintf("capacity=%d/keys=%d", tc.capacity, tc.keys), func(t *testing.T) {
			r := rand.New(rand.NewPCG(uint64(tc.capacity), uint64(tc.keys)))
			want, got := NewTopK(tc.capacity), NewTopK(tc.capacity)
			want.NoVisitors, got.NoVisitors = tc.noVisitors, tc.noVisitors
			var p Pipe
			k := 0
			for i := range 20000 {
				switch r.IntN(4) {
				case 0:
					k = r.IntN(5) // a few heavy keys
				case 1: // a run: the key before again
				default:
					k = r.IntN(tc.keys)
				}
				key := fmt.Appendf(nil, "key-%d", k)
				if k%97 == 3 && i%10 == 0 {
					key = append(key, make([]byte, 70<<10)...) // longer than the buffer kept
				}
				h, bytes, visitor := HashKey(key), uint64(r.IntN(1000)), uint64(r.IntN(50))
				want.AddHashed(key, h, bytes, visitor)
				p.Add(got, key, bytes, visitor)
				clear(key) // the pipe copied it
				if i%1000 == 999 || r.IntN(300) == 0 {
					p.Flush(got)
					if p.Len() != 0 {
						t.Fatalf("%d additions left after Flush", p.Len())
					}
				}
			}
			p.Flush(got)
			want.Canonical()
			got.Canonical()
			if !reflect.DeepEqual(want, got) {
				t.Fatalf("lists differ: total %d/%d, %d/%d entries, dropped %v/%v",
					got.Total, want.Total, got.Len(), want.Len(), got.Dropped, want.Dropped)
			}
		})
	}
}

// TestPipeAllocs: a warm pipe does not allocate.
func TestPipeAllocs(t *testing.T) {
	l := NewTopK(100)
	var p Pipe
	keys := make([][]byte, 50)
	for i := range keys {
		keys[i] = fmt.Appendf(nil, "key-%d", i)
	}
	run := func() {
		for i, k := range keys {
			p.Add(l, k, 1, uint64(i))
		}
		p.Flush(l)
	}
	run()
	if n := testing.AllocsPerRun(10, run); n != 0 {
		t.Errorf("%v allocations per run", n)
	}
}
