package aggregate

import (
	"bytes"
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/webalyze/webalyze/aggregate/sketch"
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
			for name, lists := range map[string][2]*sketch.TopK{"urls": {direct.URLs, run.URLs}, "urls_query": {direct.URLsQuery, run.URLsQuery},
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
func sameEntry(a, b sketch.TopEntry) bool {
	va, vb := a.Visitors, b.Visitors
	slices.Sort(va.Hashes[:va.N])
	slices.Sort(vb.Hashes[:vb.N])
	a.Visitors, b.Visitors = sketch.TopEntry{}.Visitors, sketch.TopEntry{}.Visitors
	return reflect.DeepEqual(a, b) && reflect.DeepEqual(va, vb)
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
