package aggregate

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"github.com/webalyze/webalyze/aggregate/sketch"
	"github.com/webalyze/webalyze/parser"
)

// TestShardedListsPastCapacity runs a log with far more URLs, clients and
// referrers than the lists hold on 1 and 3 workers (3 shards of each big
// list) and checks the Space-Saving promises of every sharded list against
// the true counts (checkSpaceSaving), and that its index finds every key.
func TestShardedListsPastCapacity(t *testing.T) {
	var log bytes.Buffer
	truth := map[string]map[string]uint64{"url": {}, "client": {}, "ref": {}}
	for i := range 40000 {
		// Skewed keys: the modulus varies, so small numbers come up far
		// more often than large ones.
		u, c, r := (i*7919)%(1+i%600), (i*104729)%(1+i%900), (i*31)%(1+i%300)
		fmt.Fprintf(&log, "10.2.%d.%d - - [05/Mar/2024:10:%02d:%02d +0000] \"GET /u/%d HTTP/1.1\" 200 10 \"https://ref%d.example/\" \"a\"\n",
			c/250, c%250, i/60%60, i%60, u, r)
		truth["url"][fmt.Sprintf("/u/%d", u)]++
		truth["client"][fmt.Sprintf("10.2.%d.%d", c/250, c%250)]++
		truth["ref"][fmt.Sprintf("https://ref%d.example/", r)]++
	}
	format, _ := parser.ParseFormatSpec("combined")
	for _, workers := range []int{1, 3} {
		t.Run(fmt.Sprint(workers), func(t *testing.T) {
			cfg := RunConfig{Workers: workers, Format: format, Options: Options{TopCapacity: 40},
				Open: func(name string) (*parser.Input, error) {
					return parser.NewInput(name, bytes.NewReader(log.Bytes()), int64(log.Len()))
				}}
			st, _, err := Run(context.Background(), cfg, []string{"many.log"})
			if err != nil {
				t.Fatal(err)
			}
			for name, list := range map[string]*sketch.TopK{"url": st.URLs, "client": st.Clients, "ref": st.Referrers} {
				if list.Exact() || list.Len() != 40 {
					t.Fatalf("%s: exact %v, %d entries: want a full, approximate list", name, list.Exact(), list.Len())
				}
				checkSpaceSaving(t, list, truth[name])
				checkIndex(t, list)
			}
		})
	}
}

// checkSpaceSaving checks the Space-Saving guarantees of tk against the
// true counts.
func checkSpaceSaving(t *testing.T, tk *sketch.TopK, want map[string]uint64) {
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

// checkIndex checks that the index of tk finds every entry under its key
// (the sketch package's own test also checks it holds nothing else).
func checkIndex(t *testing.T, tk *sketch.TopK) {
	t.Helper()
	for i := range tk.Entries {
		if e := tk.Get(tk.Entries[i].Key); e != &tk.Entries[i] {
			t.Errorf("key %q of entry %d not found at its entry", tk.Entries[i].Key, i)
		}
	}
}

// TestJobGate: a job may start once every job more than ahead before it
// is finished, whatever order they finish in; the channel of a waiting
// job is closed when that changes.
func TestJobGate(t *testing.T) {
	g := newJobGate(2)
	for seq, free := range []bool{true, true, false, false} {
		if got := g.await(uint64(seq)) == nil; got != free {
			t.Fatalf("job %d may start: %v, want %v", seq, got, free)
		}
	}
	wait := g.await(2)
	g.finish(1)
	select {
	case <-wait:
		t.Fatal("job 2 let start while job 0 runs")
	default:
	}
	if g.await(2) == nil {
		t.Fatal("job 2 may start while job 0 runs")
	}
	g.finish(0)
	select {
	case <-wait:
	default:
		t.Fatal("job 0 and 1 done, job 2 still waits")
	}
	if g.await(2) != nil || g.await(3) != nil || g.await(4) == nil {
		t.Fatal("jobs 0 and 1 done: 2 and 3 may start, 4 may not")
	}
}
