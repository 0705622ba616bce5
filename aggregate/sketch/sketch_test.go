package sketch

import (
	"bytes"
	"encoding/binary"
	"encoding/gob"
	"fmt"
	"math"
	"math/bits"
	"math/rand/v2"
	"reflect"
	"slices"
	"strconv"
	"testing"
	"unsafe"
)

func TestHash64Stable(t *testing.T) {
	// State files are merged across runs and machines: these values must
	// never change (if they must, bump SchemaVersion). Below 32 bytes with
	// seed 0, hash64 is xxHash64: the first two are its reference values.
	tests := []struct {
		in   string
		seed uint64
		want uint64
	}{
		{"", 0, 0xef46db3751d8e999},
		{"a", 0, 0xd24ec4f1a98c6e5b},
		{"192.168.0.1", 0, 0x87f49df2f9f76384},
		{"Mozilla/5.0 (X11; Linux x86_64)", 42, 0xacf7691376c5c03d},
	}
	for _, tt := range tests {
		if got := hash64([]byte(tt.in), tt.seed); got != tt.want {
			t.Errorf("hash64(%q, %d) = %#x, want %#x", tt.in, tt.seed, got, tt.want)
		}
	}
	if got := VisitorHash(HashKey([]byte("192.168.0.1")), HashKey([]byte("curl/8.5.0"))); got != 0xb70d40385afb0622 {
		t.Errorf("VisitorHash(192.168.0.1, curl/8.5.0) = %#x, want 0xb70d40385afb0622", got)
	}
}

// hash64Ref is hash64 as first written, one step per byte group: the
// unrolled hash64 must give its values for every length.
func hash64Ref(b []byte, seed uint64) uint64 {
	h := seed + prime5 + uint64(len(b))
	for len(b) >= 8 {
		k := binary.LittleEndian.Uint64(b)
		k *= prime2
		k = bits.RotateLeft64(k, 31)
		k *= prime1
		h ^= k
		h = bits.RotateLeft64(h, 27)*prime1 + prime4
		b = b[8:]
	}
	if len(b) >= 4 {
		h ^= uint64(binary.LittleEndian.Uint32(b)) * prime1
		h = bits.RotateLeft64(h, 23)*prime2 + prime3
		b = b[4:]
	}
	for _, c := range b {
		h ^= uint64(c) * prime5
		h = bits.RotateLeft64(h, 11) * prime1
	}
	return Mix64(h)
}

func TestHash64MatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for n := range 300 {
		for range 20 {
			b := make([]byte, n)
			for i := range b {
				b[i] = byte(rng.Uint32())
			}
			seed := rng.Uint64()
			if got, want := hash64(b, seed), hash64Ref(b, seed); got != want {
				t.Fatalf("hash64 of %d bytes, seed %d: %#x, want %#x", n, seed, got, want)
			}
		}
	}
}

func relErr(got, want float64) float64 { return math.Abs(got-want) / want }

func TestDistinct(t *testing.T) {
	tests := []struct {
		capacity, n int
	}{
		{100, 0}, {100, 1}, {100, 100}, {100, 101}, {1000, 5_000}, {0, 10}, {0, 1000},
		{1000, 50_000}, {1000, 300_000}, {100_000, 100_000}, {10, 2_000_000},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("cap%d/n%d", tt.capacity, tt.n), func(t *testing.T) {
			d := NewDistinct(tt.capacity)
			r := rand.New(rand.NewPCG(1, uint64(tt.n)))
			for i := range tt.n {
				h := hash64([]byte(strconv.Itoa(i)), 7)
				d.Add(h)
				if r.IntN(4) == 0 {
					d.Add(h) // duplicates change nothing
				}
			}
			exact := tt.n <= tt.capacity
			if d.Exact() != exact {
				t.Fatalf("Exact() = %v, want %v", d.Exact(), exact)
			}
			got := d.Count()
			if exact {
				if got != uint64(tt.n) || d.RelativeError() != 0 {
					t.Fatalf("exact Count() = %d (error %v), want %d", got, d.RelativeError(), tt.n)
				}
				return
			}
			// Within 4 standard errors (fixed seeds: deterministic).
			if e := relErr(float64(got), float64(tt.n)); e > 4*d.RelativeError() {
				t.Fatalf("Count() = %d for %d: relative error %.4f over 4×%.4f", got, tt.n, e, d.RelativeError())
			}
		})
	}
}

func TestDistinctMergeAndGob(t *testing.T) {
	for _, n := range []int{50, 500, 20_000} {
		whole, a, b := NewDistinct(200), NewDistinct(200), NewDistinct(200)
		for i := range n {
			h := hash64([]byte(strconv.Itoa(i)), 1)
			whole.Add(h)
			if i%3 == 0 {
				a.Add(h)
			} else {
				b.Add(h)
			}
			if i%5 == 0 {
				a.Add(h) // overlap
			}
		}
		ab, ba := roundTripDistinct(t, a), roundTripDistinct(t, b)
		ab.Merge(b)
		ba.Merge(a)
		for _, m := range []*Distinct{ab, ba} {
			if m.Count() != whole.Count() || m.Exact() != whole.Exact() {
				t.Errorf("n=%d: merged Count %d exact %v, whole %d exact %v", n, m.Count(), m.Exact(), whole.Count(), whole.Exact())
			}
			mb, _ := m.GobEncode()
			wb, _ := whole.GobEncode()
			if !bytes.Equal(mb, wb) {
				t.Errorf("n=%d: merged state differs from the whole run's", n)
			}
		}
	}
	var d Distinct
	if err := d.GobDecode([]byte{1, 1, 3}); err == nil {
		t.Error("GobDecode accepted a short register set")
	}
}

// gobRoundTrip returns what gob decodes of v's encoding.
func gobRoundTrip[T any](t *testing.T, v *T) *T {
	t.Helper()
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(v); err != nil {
		t.Fatal(err)
	}
	var out T
	if err := gob.NewDecoder(&buf).Decode(&out); err != nil {
		t.Fatal(err)
	}
	return &out
}

func roundTripDistinct(t *testing.T, d *Distinct) *Distinct {
	t.Helper()
	out := gobRoundTrip(t, d)
	if out.Count() != d.Count() || out.Exact() != d.Exact() || out.capacity != d.capacity {
		t.Fatalf("gob round trip: %d/%v, want %d/%v", out.Count(), out.Exact(), d.Count(), d.Exact())
	}
	return out
}

func TestSmallDistinct(t *testing.T) {
	for _, n := range []int{0, 1, SmallExact, SmallExact + 1, 100, 1000, 20_000} {
		var s, a, b SmallDistinct
		for i := range n {
			h := hash64([]byte(strconv.Itoa(i)), 3)
			s.Add(h)
			s.Add(h)
			if i%2 == 0 {
				a.Add(h)
			} else {
				b.Add(h)
			}
		}
		if s.Exact() != (n <= SmallExact) {
			t.Errorf("n=%d: Exact() = %v", n, s.Exact())
		}
		if s.Exact() && s.Count() != uint64(n) {
			t.Errorf("n=%d: exact Count() = %d", n, s.Count())
		}
		if !s.Exact() {
			if e := relErr(float64(s.Count()), float64(n)); e > 4*s.RelativeError() {
				t.Errorf("n=%d: Count() = %d, relative error %.3f over 4×%.3f", n, s.Count(), e, s.RelativeError())
			}
		}
		a.Merge(&b)
		a.Canonical()
		s.Canonical()
		if !reflect.DeepEqual(a, s) {
			t.Errorf("n=%d: merged halves differ from the whole", n)
		}
	}
}

func TestLatency(t *testing.T) {
	r := rand.New(rand.NewPCG(2, 3))
	var whole, a, b Latency
	var vals []int64
	for i := range 100_000 {
		v := int64(math.Exp(r.NormFloat64()*2 + 9)) // log-normal around 8 ms
		if i%50 == 0 {
			v = 0
		}
		vals = append(vals, v)
		whole.Add(v)
		if r.IntN(2) == 0 {
			a.Add(v)
		} else {
			b.Add(v)
		}
	}
	slices.Sort(vals)
	for _, q := range []float64{0, 0.01, 0.25, 0.5, 0.9, 0.99, 0.999, 1} {
		want := vals[int(q*float64(len(vals)-1))]
		got := whole.Quantile(q)
		if math.Abs(float64(got-want)) > LatencyAccuracy*float64(want)+1 {
			t.Errorf("Quantile(%v) = %d, exact %d: over %.0f %%", q, got, want, 100*LatencyAccuracy)
		}
	}
	if whole.Count != uint64(len(vals)) || whole.Min != vals[0] || whole.Max != vals[len(vals)-1] {
		t.Errorf("Count/Min/Max = %d/%d/%d", whole.Count, whole.Min, whole.Max)
	}
	var sum uint64
	for _, v := range vals {
		sum += uint64(v)
	}
	if whole.Sum != sum {
		t.Errorf("Sum = %d, want %d", whole.Sum, sum)
	}
	ab, ba := a.Clone(), b.Clone()
	ab.Merge(&b)
	ba.Merge(&a)
	if !reflect.DeepEqual(ab, &whole) || !reflect.DeepEqual(ba, &whole) {
		t.Error("merged halves differ from the whole run")
	}
	var e Latency
	if e.Quantile(0.5) != 0 || e.Mean() != 0 {
		t.Error("empty sketch is not 0")
	}
	e.Add(-5)
	e.Add(1)
	if e.Min != 0 || e.Zero != 1 || e.Quantile(0.5) != 0 || e.Max != 1 {
		t.Errorf("negative and tiny values: %+v", e)
	}
}

func zipfKeys(seed uint64, n, keys int) [][]byte {
	r := rand.New(rand.NewPCG(seed, 99))
	z := rand.NewZipf(r, 1.2, 1, uint64(keys-1))
	out := make([][]byte, n)
	for i := range out {
		out[i] = []byte("/k/" + strconv.FormatUint(z.Uint64(), 10))
	}
	return out
}

func TestTopKExact(t *testing.T) {
	keys := zipfKeys(1, 20_000, 500)
	tk := NewTopK(500)
	want := map[string]uint64{}
	for i, k := range keys {
		tk.Add(k, uint64(i%7), uint64(i%3))
		want[string(k)]++
	}
	if !tk.Exact() || tk.ErrorBound() != 0 || tk.Total != uint64(len(keys)) {
		t.Fatalf("Exact %v bound %d total %d", tk.Exact(), tk.ErrorBound(), tk.Total)
	}
	top := tk.Top(0)
	if len(top) != len(want) {
		t.Fatalf("%d entries, want %d", len(top), len(want))
	}
	for i, e := range top {
		if e.Hits != want[e.Key] || e.HitsErr != 0 {
			t.Errorf("%s: %d hits (±%d), want %d", e.Key, e.Hits, e.HitsErr, want[e.Key])
		}
		if i > 0 && compareEntries(&top[i-1], &top[i]) >= 0 {
			t.Errorf("Top not ordered at %d: %s/%d then %s/%d", i, top[i-1].Key, top[i-1].Hits, e.Key, e.Hits)
		}
	}
	// Every cut, among them every one inside a run of equal hits, where
	// the keys decide.
	for n := 1; n <= len(top)+5; n++ {
		got := tk.Top(n)
		if want := top[:min(n, len(top))]; !slices.EqualFunc(got, want, func(a, b TopEntry) bool { return a.Key == b.Key && a.Hits == b.Hits }) {
			t.Errorf("Top(%d) is not the first %d of Top(0)", n, len(want))
		}
	}
}

// checkIndex checks that every entry of tk is found under its key and
// that the index holds nothing else.
func checkIndex(t *testing.T, tk *TopK) {
	t.Helper()
	tk.EnsureIndex()
	if tk.index.n != len(tk.Entries) {
		t.Errorf("index holds %d slots for %d entries", tk.index.n, len(tk.Entries))
	}
	for i := range tk.Entries {
		k := tk.Entries[i].Key
		if j, _, _ := tk.findKey(k); j != int32(i) {
			t.Errorf("key %q of entry %d found at %d", k, i, j)
		}
	}
}

func TestTopKTies(t *testing.T) {
	tk := NewTopK(10)
	for _, k := range []string{"c", "b", "a", "b", "c", "a", "d"} {
		tk.Add([]byte(k), 0, 0)
	}
	var got []string
	for _, e := range tk.Top(0) {
		got = append(got, e.Key)
	}
	if want := []string{"a", "b", "c", "d"}; !slices.Equal(got, want) {
		t.Errorf("order %v, want %v", got, want)
	}
}

// checkSpaceSaving checks the Space-Saving guarantees of tk against the
// true counts.
func checkSpaceSaving(t *testing.T, tk *TopK, want map[string]uint64) {
	t.Helper()
	var total uint64
	for _, n := range want {
		total += n
	}
	if tk.Total != total {
		t.Errorf("Total %d, want %d", tk.Total, total)
	}
	bound := tk.ErrorBound()
	listed := map[string]bool{}
	for _, e := range tk.Entries {
		listed[e.Key] = true
		if tr := want[e.Key]; e.Hits < tr || e.Hits-e.HitsErr > tr {
			t.Errorf("%s: %d hits ±%d, true %d outside [Hits-HitsErr, Hits]", e.Key, e.Hits, e.HitsErr, tr)
		}
		if e.HitsErr > bound {
			t.Errorf("%s: HitsErr %d over ErrorBound %d", e.Key, e.HitsErr, bound)
		}
	}
	for k, n := range want {
		if !listed[k] && n > bound {
			t.Errorf("%s with %d hits is missing, over the bound %d", k, n, bound)
		}
		if n > total/uint64(tk.Capacity) && !listed[k] {
			t.Errorf("heavy hitter %s (%d of %d) missing", k, n, total)
		}
	}
}

// TestTopKSpaceSaving checks the Space-Saving promises of a list fed the
// whole stream, of the Merge of lists fed parts of it (records split at
// random), and of the MergeDisjoint of shards (keys split by hash, as a
// sharded Run does), which is also exact when the whole stream fits.
func TestTopKSpaceSaving(t *testing.T) {
	for _, capacity := range []int{10, 100, 1000, 100_000} {
		t.Run(strconv.Itoa(capacity), func(t *testing.T) {
			keys := zipfKeys(uint64(capacity), 100_000, 20_000)
			whole := NewTopK(capacity)
			parts := []*TopK{NewTopK(capacity), NewTopK(capacity), NewTopK(capacity)}
			shards := []*TopK{NewTopK(capacity), NewTopK(capacity), NewTopK(capacity)}
			want := map[string]uint64{}
			for i, k := range keys {
				whole.Add(k, uint64(i), uint64(i%13))
				parts[i%3].Add(k, uint64(i), uint64(i%13))
				shards[uint32(HashKey(k))%3].Add(k, uint64(i), uint64(i%13))
				want[string(k)]++
			}
			if whole.Exact() != (len(want) <= capacity) || whole.Len() != min(capacity, len(want)) {
				t.Fatalf("Exact %v, %d entries", whole.Exact(), whole.Len())
			}
			checkSpaceSaving(t, whole, want)
			checkIndex(t, whole)
			merged := NewTopK(capacity)
			for _, p := range []int{2, 0, 1} {
				merged.Merge(parts[p])
			}
			checkSpaceSaving(t, merged, want)
			union := shards[1]
			union.MergeDisjoint(shards[0])
			union.MergeDisjoint(shards[2])
			checkIndex(t, union)
			checkSpaceSaving(t, union, want)
			if whole.Exact() {
				if got, want := dumpTop(union), dumpTop(whole); got != want || !union.Exact() {
					t.Errorf("exact shards merged (exact %v):\n%s\nwhole:\n%s", union.Exact(), got, want)
				}
			}
		})
	}
}

func TestTopKMergeExact(t *testing.T) {
	keys := zipfKeys(5, 5000, 300)
	whole, a, b := NewTopK(300), NewTopK(300), NewTopK(300)
	for i, k := range keys {
		whole.Add(k, uint64(i), uint64(i%11))
		if i%2 == 0 {
			a.Add(k, uint64(i), uint64(i%11))
		} else {
			b.Add(k, uint64(i), uint64(i%11))
		}
	}
	a.Merge(b)
	if !a.Exact() {
		t.Fatal("merge of exact lists that fit is not exact")
	}
	if got, want := dumpTop(a), dumpTop(whole); got != want {
		t.Errorf("merged:\n%s\nwhole:\n%s", got, want)
	}
	// Over capacity: the merge cuts and says so.
	c := NewTopK(5)
	c.Merge(whole)
	if c.Exact() || c.Len() != 5 || c.Total != whole.Total {
		t.Errorf("cut merge: exact %v len %d total %d", c.Exact(), c.Len(), c.Total)
	}
}

func dumpTop(t *TopK) string {
	var b bytes.Buffer
	for _, e := range t.Top(0) {
		e.Visitors.Canonical()
		fmt.Fprintf(&b, "%s %d±%d %dB v%d %v\n", e.Key, e.Hits, e.HitsErr, e.Bytes, e.Visitors.Count(), e.Visitors.Hashes)
	}
	return b.String()
}

func TestTopKAddAllocs(t *testing.T) {
	tk := NewTopK(4)
	keys := [][]byte{[]byte("a"), []byte("b"), []byte("c"), []byte("d")}
	for _, k := range keys {
		tk.Add(k, 1, 1)
	}
	if n := testing.AllocsPerRun(1000, func() {
		for _, k := range keys {
			tk.Add(k, 1, 1)
		}
	}); n != 0 {
		t.Errorf("Add of known keys allocates %v times", n)
	}
}

// TestLatencyShift checks coarse sketches (per-URL ones) against exact
// quantiles, and merges of sketches of different coarseness.
func TestLatencyShift(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	var vals []int64
	fine, coarse := &Latency{}, &Latency{Shift: EntryLatencyShift}
	for range 20000 {
		v := int64(math.Exp(r.Float64()*16)) + 1 // 1 µs .. ~9 s, spread over decades
		vals = append(vals, v)
		fine.Add(v)
		coarse.Add(v)
	}
	slices.Sort(vals)
	if acc := coarse.Accuracy(); acc < 0.07 || acc > 0.09 {
		t.Fatalf("coarse accuracy %v, want about 8%%", acc)
	}
	if len(coarse.Counts)*6 > len(fine.Counts) {
		t.Errorf("coarse sketch has %d buckets, fine %d: want about 8 times fewer", len(coarse.Counts), len(fine.Counts))
	}
	for _, q := range []float64{0.1, 0.5, 0.9, 0.99} {
		want := float64(vals[int(q*float64(len(vals)-1))])
		for _, l := range []*Latency{fine, coarse} {
			got := float64(l.Quantile(q))
			if math.Abs(got-want) > l.Accuracy()*want+1 {
				t.Errorf("shift %d: q%.2f = %.0f, want %.0f within %.1f%%", l.Shift, q, got, want, 100*l.Accuracy())
			}
		}
	}
	// Mixed merges land in the coarser buckets, whichever side is coarse.
	a := fine.Clone()
	a.Merge(coarse)
	b := coarse.Clone()
	b.Merge(fine)
	if a.Shift != EntryLatencyShift || b.Shift != EntryLatencyShift || !slices.Equal(a.Counts, b.Counts) || a.Count != 40000 {
		t.Errorf("mixed merges differ: shift %d/%d, count %d/%d", a.Shift, b.Shift, a.Count, b.Count)
	}
	if err := a.Check(); err != nil {
		t.Error(err)
	}
}

func TestTopEntrySize(t *testing.T) {
	// Top lists hold hundreds of thousands of entries: their size is peak
	// RSS and cache lines touched per record. Two cache lines.
	if n := unsafe.Sizeof(TopEntry{}); n != 128 {
		t.Errorf("TopEntry is %d bytes, want 128", n)
	}
}

// TestTopEntryAux checks that an entry's auxiliary word stays with its key
// at its place only: 0 for a new key, for a key that took an evicted one's
// entry, for entries that came from another list by either merge, for
// entries sorted or cut to the capacity, and after a gob round trip.
func TestTopEntryAux(t *testing.T) {
	key := func(i int) []byte { return fmt.Appendf(nil, "k%d", i) }
	add := func(l *TopK, i int) *TopEntry { return l.AddHashed(key(i), HashKey(key(i)), 1, uint64(i)) }
	l := NewTopK(4)
	for i := range 4 {
		if e := add(l, i); e.Aux() != 0 {
			t.Fatalf("new key %d: aux %d", i, e.Aux())
		}
		add(l, i).SetAux(uint32(100 + i))
	}
	if e := add(l, 2); e.Aux() != 102 {
		t.Errorf("key 2 again: aux %d, want 102", e.Aux())
	}
	if e := add(l, 9); e.Aux() != 0 { // evicts a key of 2 hits
		t.Errorf("key 9 in an evicted entry: aux %d, want 0", e.Aux())
	}

	// Merged into a list whose own key (and word) is k, of word w.
	for _, c := range []struct {
		name  string
		merge func(t, o *TopK)
		k     int
	}{{"Merge", (*TopK).Merge, 2}, {"MergeDisjoint", (*TopK).MergeDisjoint, 1}} {
		other := NewTopK(10)
		add(other, 2).SetAux(7)
		add(other, 5).SetAux(8)
		merged := NewTopK(10)
		add(merged, c.k).SetAux(1)
		c.merge(merged, other)
		for _, e := range merged.Entries {
			if want := map[string]uint32{fmt.Sprintf("k%d", c.k): 1}[e.Key]; e.Aux() != want {
				t.Errorf("%s: %s has aux %d, want %d", c.name, e.Key, e.Aux(), want)
			}
		}
	}

	for _, cut := range []func(*TopK){(*TopK).Canonical, func(l *TopK) { l.Capacity = 1; l.trim() }} {
		moved := NewTopK(10)
		for i := range 3 {
			add(moved, i).SetAux(uint32(i + 1))
		}
		cut(moved)
		for _, e := range moved.Entries {
			if e.Aux() != 0 {
				t.Errorf("a moved entry %s has aux %d", e.Key, e.Aux())
			}
		}
	}

	back := gobRoundTrip(t, l)
	for _, e := range back.Entries {
		if e.Aux() != 0 {
			t.Errorf("decoded %s has aux %d", e.Key, e.Aux())
		}
	}
}

// TestDistinctAddNew checks that AddNew says a hash is not new only when
// the counter is exact and held it, zero included.
func TestDistinctAddNew(t *testing.T) {
	d := NewDistinct(3)
	for i, c := range []struct {
		h    uint64
		want bool
	}{{7, true}, {7, false}, {0, true}, {0, false}, {9, true}, {7, false},
		{11, true}, // the fourth: a HyperLogLog from here
		{7, true}, {11, true}} {
		if got := d.AddNew(c.h); got != c.want {
			t.Errorf("add %d (%d): new %v, want %v", i, c.h, got, c.want)
		}
	}
	if d.Exact() {
		t.Error("still exact past its capacity")
	}
}

// TestTopKAddHashedSeen checks which additions add the visitor: all but
// the seen ones to an entry that has held its key since its first record.
func TestTopKAddHashedSeen(t *testing.T) {
	add := func(l *TopK, key string, visitor uint64, seen bool) *TopEntry {
		return l.AddHashedSeen([]byte(key), HashKey([]byte(key)), 1, visitor, seen)
	}
	l := NewTopK(2)
	if e := add(l, "a", 1, true); e.Visitors.Count() != 1 {
		t.Errorf("a new key, seen: %d visitors, want 1", e.Visitors.Count())
	}
	add(l, "a", 2, false)
	if e := add(l, "a", 3, true); e.Visitors.Count() != 2 {
		t.Errorf("a kept key, seen: %d visitors, want 2 (the seen one not added)", e.Visitors.Count())
	}
	add(l, "b", 4, false)
	add(l, "b", 4, false)
	add(l, "b", 4, false)
	add(l, "c", 5, true) // evicts a, the lightest
	if e := add(l, "c", 6, true); e.HitsErr == 0 || e.Visitors.Count() != 2 {
		t.Errorf("a key in an evicted entry, seen: ±%d, %d visitors, want 2 (added all the same)", e.HitsErr, e.Visitors.Count())
	}
}

// TestTopKIndexHitKept checks that Index finds an entry's place (and no
// place for an entry of another list), and that HitKept at its kept index
// counts as AddHashed would, while the indexes hold.
func TestTopKIndexHitKept(t *testing.T) {
	a, b := NewTopK(10), NewTopK(10)
	for i := range 5 {
		k := fmt.Appendf(nil, "k%d", i)
		a.AddHashed(k, HashKey(k), 1, uint64(i))
	}
	other := b.AddHashed([]byte("k0"), HashKey([]byte("k0")), 1, 0)
	for i := range 5 {
		if got := a.Index(&a.Entries[i]); got != int32(i) {
			t.Errorf("Index of entry %d: %d", i, got)
		}
	}
	if got := a.Index(other); got != -1 {
		t.Errorf("Index of another list's entry: %d, want -1", got)
	}
	if got := NewTopK(1).Index(other); got != -1 {
		t.Errorf("Index in an empty list: %d, want -1", got)
	}
	a.PrefetchKept(99) // out of range: asks for nothing
	a.PrefetchKeptVisitor(0, 1)
	k := a.KeptIndex(&a.Entries[3])
	if k != 4 || !a.HitKept(k, 7, 42, false) {
		t.Fatalf("kept index %d not hit", k)
	}
	if e := &a.Entries[3]; e.Hits != 2 || e.Bytes != 8 || e.Visitors.Count() != 2 || a.Total != 6 {
		t.Errorf("HitKept: %+v, total %d", *e, a.Total)
	}
	if a.HitKept(0, 1, 1, false) || a.HitKept(99, 1, 1, false) || a.Total != 6 {
		t.Errorf("HitKept counted at no entry: total %d", a.Total)
	}
	if err := a.Check(); err != nil {
		t.Error(err)
	}

	// The indexes hold through additions and merges in, not through an
	// eviction or a sort.
	if !a.IndexesHold() {
		t.Error("indexes do not hold after additions")
	}
	a.Merge(b)
	if !a.IndexesHold() || a.Index(&a.Entries[3]) != 3 || a.Entries[3].Key != "k3" {
		t.Error("indexes do not hold after a merge")
	}
	evicting := NewTopK(1)
	evicting.Add([]byte("x"), 1, 0)
	evicting.Add([]byte("y"), 1, 0)
	a.Canonical()
	if evicting.IndexesHold() || a.IndexesHold() {
		t.Errorf("indexes hold after an eviction (%v) or a sort (%v)", evicting.IndexesHold(), a.IndexesHold())
	}
	if a.KeptIndex(&a.Entries[3]) != 0 || a.HitKept(k, 1, 1, false) {
		t.Error("a kept index names an entry after a sort")
	}
}

// TestHashSetEachScattered checks that the scattered walk visits every
// hash once, at every table size, and that a merge through it is the
// union.
func TestHashSetEachScattered(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, n := range []int{0, 1, 10, 200, 1_000, 5_000, 60_000} {
		s := newHashSet(0)
		want := map[uint64]bool{}
		for i := range n {
			h := rng.Uint64()
			if i == 3 {
				h = 0 // the zero hash is kept apart
			}
			s.add(h)
			want[h] = true
		}
		got := map[uint64]int{}
		s.eachScattered(func(h uint64) { got[h]++ })
		if len(got) != len(want) {
			t.Fatalf("%d hashes in %d slots: %d visited, want %d", n, len(s.slots), len(got), len(want))
		}
		for h, k := range got {
			if k != 1 || !want[h] {
				t.Fatalf("%d hashes in %d slots: %#x visited %d times (in set: %v)", n, len(s.slots), h, k, want[h])
			}
		}
		// Merged into a smaller set: the union, counted exactly.
		d := NewDistinct(1 << 30)
		for range 100 {
			h := rng.Uint64()
			d.Add(h)
			want[h] = true
		}
		o := &Distinct{capacity: 1 << 30, set: s}
		d.Merge(o)
		if d.Count() != uint64(len(want)) {
			t.Fatalf("merge of %d into 100: %d, want %d", n, d.Count(), len(want))
		}
	}
}

// TestLatencyIndexes checks the cache of latencyIndex against it, on
// values that repeat (milliseconds), collide in its slots, and span the
// range from 0 to the largest.
func TestLatencyIndexes(t *testing.T) {
	var c LatencyIndexes
	rng := rand.New(rand.NewPCG(9, 10))
	for i := range 200_000 {
		var v int64
		switch i % 4 {
		case 0:
			v = int64(rng.IntN(300)) * 1000 // IIS time-taken
		case 1:
			v = rng.Int64N(1 << 20)
		case 2:
			v = rng.Int64() >> rng.IntN(63)
		default:
			v = []int64{0, 1, 2, math.MaxInt64, math.MaxInt64 - 1, 1000}[rng.IntN(6)]
		}
		if got, want := c.Index(v), latencyIndex(v); got != want {
			t.Fatalf("index(%d) = %d, want %d", v, got, want)
		}
	}
}
