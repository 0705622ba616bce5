package vhosts

import (
	"strings"
	"testing"

	"github.com/webalyze/webalyze/aggregate/dim/dimtest"
	"github.com/webalyze/webalyze/parser"
)

func TestVHosts(t *testing.T) {
	v := New(0)
	long := strings.Repeat("h", 1000)
	for _, r := range []struct {
		host string
		code uint16
		has  bool
	}{{"a.test", 200, true}, {"a.test", 404, true}, {"a.test", 503, true}, {"a.test", 0, false}, {"a.test", 101, true},
		{"b.test", 301, true}, {"", 500, true}, {long, 200, true}} {
		rec := parser.Record{VHost: []byte(r.host), Status: r.code, HasStatus: r.has, Bytes: 1}
		h := dimtest.Hit(&rec)
		v.Add(&h)
	}
	if err := v.Check(8); err != nil {
		t.Fatal(err)
	}
	if v.NoVHost != 1 || v.All.Total != 7 {
		t.Fatalf("no vhost %d, with %d", v.NoVHost, v.All.Total)
	}
	want := [NumGroups]uint64{1, 0, 1, 1, 2}
	for g := range NumGroups {
		var n uint64
		if e := v.Groups[g].Get("a.test"); e != nil {
			n = e.Hits
		}
		if n != want[g] {
			t.Errorf("a.test %s: %d, want %d", GroupNames[g], n, want[g])
		}
	}
	if e := v.Groups[Group3xx].Get("b.test"); e == nil || e.Hits != 1 {
		t.Errorf("b.test 3xx: %+v", e)
	}
	if e := v.All.Get(long[:MaxHostLen]); e == nil {
		t.Errorf("long host not cut to %d bytes", MaxHostLen)
	}
	if err := v.Check(7); err == nil {
		t.Error("Check accepts a count that is not the parsed count")
	}
	if err := v.Merge(New(3)); err == nil {
		t.Error("Merge accepts another capacity")
	}
}

func TestVHostsMerge(t *testing.T) {
	dimtest.MergeProperty(t, New(0), Empty, dimtest.Records(1, 3000), 20)
	d := New(1)
	dimtest.PastCapacity(t, d, d.All.Exact)
}

func TestVHostsAllocs(t *testing.T) {
	if n := dimtest.Allocs(New(0), dimtest.Records(3, 500)); n != 0 {
		t.Errorf("Add allocates %v times per run when warm", n)
	}
}

func FuzzUnmarshal(f *testing.F) { dimtest.FuzzUnmarshal(f, New(0), Empty) }

func BenchmarkAdd(b *testing.B) { dimtest.BenchmarkAdd(b, New(0)) }
