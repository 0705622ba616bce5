package aggregate

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/webalyze/webalyze/parser"
)

// TestBatchedRunMatchesAdd checks that a Run, whose workers queue the
// additions to their sharded lists and apply them in prefetched batches
// (route, applyOps, forward), counts exactly what State.Add gives one
// record at a time: the same entries, counts, error bounds, bytes,
// visitors and latencies; with one worker also past the lists' capacity,
// where Space-Saving depends on the order of additions. The log has query
// strings, external referrers, request times and a few keys long enough
// to cut a batch by its bytes rather than its count. The workers
// overwrite each chunk as they release it: a key queued without a copy
// (see startChunk) must have been counted by then.
func TestBatchedRunMatchesAdd(t *testing.T) {
	var log bytes.Buffer
	for i := range 20000 {
		path := fmt.Sprintf("/u/%d", (i*7919)%(1+i%700))
		if i%4000 == 17 {
			path = "/long/" + strings.Repeat("x", 100<<10) + fmt.Sprint(i)
		}
		query := ""
		if i%3 == 0 {
			query = fmt.Sprintf("?q=%d", i%97)
		}
		fmt.Fprintf(&log, "10.3.%d.%d - - [05/Mar/2024:%02d:%02d:%02d +0000] \"GET %s%s HTTP/1.1\" %d %d \"https://ref%d.example/\" \"agent %d\" %d\n",
			i%5, (i*104729)%(1+i%400)%250, i/3600, i/60%60, i%60, path, query, []int{200, 404, 304, 500}[i%4], i%3000, i%350, i%23, i%5000)
	}
	format, err := parser.ParseFormatSpec(`apache:%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i" %D`)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ capacity, workers int }{{50, 1}, {100000, 1}, {100000, 3}} {
		// Past capacity Space-Saving depends on the order of additions,
		// which several workers change: those are compared exact only.
		capacity := tc.capacity
		t.Run(fmt.Sprintf("capacity=%d,workers=%d", capacity, tc.workers), func(t *testing.T) {
			opts := Options{TopCapacity: capacity}
			direct := New(opts)
			p := format.NewParser()
			var rec parser.Record
			for line := range bytes.Lines(log.Bytes()) {
				if r := p.Parse(bytes.TrimSuffix(line, []byte("\n")), &rec); r.Kind != parser.Parsed {
					t.Fatalf("%v: %s", r, line)
				}
				direct.Add(&rec)
			}
			cfg := RunConfig{Workers: tc.workers, Format: format, Options: opts, scribble: true,
				Open: func(name string) (*parser.Input, error) {
					return parser.NewInput(name, bytes.NewReader(log.Bytes()), int64(log.Len()))
				}}
			run, _, err := Run(context.Background(), cfg, []string{"a.log"})
			if err != nil {
				t.Fatal(err)
			}
			if run.batch != nil {
				t.Fatal("the State Run returns still batches")
			}
			for name, lists := range map[string][2]*TopK{"urls": {direct.URLs, run.URLs}, "urls_query": {direct.URLsQuery, run.URLsQuery},
				"clients": {direct.Clients, run.Clients}, "referrers": {direct.Referrers, run.Referrers}} {
				want, got := lists[0].Top(0), lists[1].Top(0)
				if lists[0].Exact() != (capacity > 20000) {
					t.Fatalf("%s: exact %v with capacity %d", name, lists[0].Exact(), capacity)
				}
				if !slices.EqualFunc(got, want, sameEntry) || lists[0].Total != lists[1].Total || lists[0].ErrorBound() != lists[1].ErrorBound() {
					t.Errorf("%s: batched run differs from State.Add (%d vs %d entries, total %d vs %d)",
						name, len(got), len(want), lists[1].Total, lists[0].Total)
				}
			}
			if d, r := direct.ClientAddrs.Count(), run.ClientAddrs.Count(); d != r {
				t.Errorf("distinct clients: run %d, State.Add %d", r, d)
			}
		})
	}
}

// sameEntry reports whether two entries count the same: every field
// equal, the exact visitor hashes as a set (several workers add them in
// another order).
func sameEntry(a, b TopEntry) bool {
	va, vb := a.Visitors, b.Visitors
	slices.Sort(va.Hashes[:va.N])
	slices.Sort(vb.Hashes[:vb.N])
	a.Visitors, b.Visitors = TopEntry{}.Visitors, TopEntry{}.Visitors
	return reflect.DeepEqual(a, b) && reflect.DeepEqual(va, vb)
}

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
	if h := func(k string) uint64 { return hashKey([]byte(k)) }; !(h("b0") < h("a2") && h("a2") < h("a0") && h("a0") < h("a1")) {
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
		// Ties: the keys of lower hashKey, b0 (0x31a0…) and a2 (0xa00c…)
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

// TestBeforeMerge checks that RunConfig.BeforeMerge is called once per
// run, with one worker and with three.
func TestBeforeMerge(t *testing.T) {
	var log bytes.Buffer
	for i := range 5000 {
		fmt.Fprintf(&log, "10.4.0.%d - - [05/Mar/2024:10:00:%02d +0000] \"GET /b/%d HTTP/1.1\" 200 1 \"-\" \"a\"\n", i%200, i%60, i)
	}
	format, _ := parser.ParseFormatSpec("combined")
	for _, workers := range []int{1, 3} {
		calls := 0
		cfg := RunConfig{Workers: workers, Format: format,
			BeforeMerge: func() { calls++ },
			Open: func(name string) (*parser.Input, error) {
				return parser.NewInput(name, bytes.NewReader(log.Bytes()), int64(log.Len()))
			}}
		st, _, err := Run(context.Background(), cfg, []string{"b.log"})
		if err != nil {
			t.Fatal(err)
		}
		if calls != 1 || st.Requests != 5000 {
			t.Errorf("%d workers: BeforeMerge called %d times, %d requests", workers, calls, st.Requests)
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
			return cmp.Or(cmp.Compare(y.Hits, x.Hits), cmp.Compare(hashKey([]byte(x.Key)), hashKey([]byte(y.Key))), cmp.Compare(x.Key, y.Key))
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
