package users

import (
	"strings"
	"testing"

	"github.com/webalyze/webalyze/aggregate/dim/dimtest"
	"github.com/webalyze/webalyze/parser"
)

func TestUsers(t *testing.T) {
	u := New(0)
	long := strings.Repeat("x", 1000)
	for _, r := range []struct {
		user string
		n    uint64
	}{{"alice", 10}, {"", 1}, {"-", 2}, {"alice", 5}, {"Alice", 1}, {long, 3}} {
		rec := parser.Record{User: []byte(r.user), Bytes: r.n}
		h := dimtest.Hit(&rec)
		u.Add(&h)
	}
	if err := u.Check(6); err != nil {
		t.Fatal(err)
	}
	if u.Anonymous != (Count{2, 3}) || u.NamedBytes != 19 {
		t.Errorf("anonymous %+v", u.Anonymous)
	}
	if e := u.List.Get("alice"); e == nil || e.Hits != 2 || e.Bytes != 15 {
		t.Errorf("alice: %+v", e)
	}
	if e := u.List.Get("Alice"); e == nil || e.Hits != 1 {
		t.Errorf("Alice: %+v", e)
	}
	if e := u.List.Get(long[:MaxNameLen]); e == nil || e.Hits != 1 {
		t.Errorf("long name not cut to %d bytes", MaxNameLen)
	}
	if err := u.Check(5); err == nil {
		t.Error("Check accepts a count that is not the parsed count")
	}
	if err := u.Merge(New(3)); err == nil {
		t.Error("Merge accepts another capacity")
	}
}

func TestUsersMerge(t *testing.T) {
	dimtest.MergeProperty(t, New(0), Empty, dimtest.Records(1, 3000), 20)
	d := New(1)
	dimtest.PastCapacity(t, d, d.List.Exact)
}

func TestUsersAllocs(t *testing.T) {
	if n := dimtest.Allocs(New(0), dimtest.Records(3, 500)); n != 0 {
		t.Errorf("Add allocates %v times per run when warm", n)
	}
}

func FuzzUnmarshal(f *testing.F) { dimtest.FuzzUnmarshal(f, New(0), Empty) }

func BenchmarkAdd(b *testing.B) { dimtest.BenchmarkAdd(b, New(0)) }
