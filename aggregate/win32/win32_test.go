package win32

import (
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/webalyze/webalyze/aggregate/dim"
	"github.com/webalyze/webalyze/aggregate/dim/dimtest"
	"github.com/webalyze/webalyze/parser"
)

// hits returns n records, most with a win32 status (mostly 0).
func hits(seed uint64, n int) []dim.Hit {
	r := rand.New(rand.NewPCG(seed, 3))
	vals := []uint32{0, 0, 0, 0, 0, 64, 1236, 2, 121, 0xFFFFFFFF}
	out := make([]dim.Hit, n)
	for i := range out {
		rec := &parser.Record{}
		if r.IntN(8) != 0 {
			rec.HasWin32Status, rec.Win32Status = true, vals[r.IntN(len(vals))]
		}
		out[i] = dim.Hit{Rec: rec}
	}
	return out
}

func feed(c *Counts, hs []dim.Hit) *Counts {
	for i := range hs {
		c.Add(&hs[i])
	}
	return c
}

// TestCounts: the counts are those of a plain map of the statuses, in
// order, and survive random splits, merges in any order and the section's
// encoding.
func TestCounts(t *testing.T) {
	for seed := range uint64(8) {
		hs := hits(seed, 2000)
		whole := feed(New(), hs)
		m := map[uint32]uint64{}
		var with uint64
		for _, h := range hs {
			if h.Rec.HasWin32Status {
				m[h.Rec.Win32Status]++
				with++
			}
		}
		var want []Status
		for _, v := range []uint32{0, 2, 64, 121, 1236, 0xFFFFFFFF} {
			if m[v] > 0 {
				want = append(want, Status{v, m[v]})
			}
		}
		if got := whole.List(); !reflect.DeepEqual(got, want) || whole.Total() != with || whole.Get(64) != m[64] || whole.Get(0) != m[0] {
			t.Fatalf("seed %d: %v (total %d), want %v (%d)", seed, got, whole.Total(), want, with)
		}
		if err := whole.Check(uint64(len(hs))); err != nil {
			t.Error(err)
		}
		if err := whole.Check(with - 1); err == nil {
			t.Error("more statuses than parsed records passed Check")
		}

		r := rand.New(rand.NewPCG(seed, 9))
		parts := make([]*Counts, 1+r.IntN(5))
		for i := range parts {
			parts[i] = New()
		}
		for i := range hs {
			parts[r.IntN(len(parts))].Add(&hs[i])
		}
		r.Shuffle(len(parts), func(i, j int) { parts[i], parts[j] = parts[j], parts[i] })
		acc := roundTrip(t, parts[0])
		for _, p := range parts[1:] {
			if err := acc.Merge(roundTrip(t, p)); err != nil {
				t.Fatal(err)
			}
		}
		if !reflect.DeepEqual(acc.List(), want) {
			t.Errorf("seed %d: %d parts merged: %v, want %v", seed, len(parts), acc.List(), want)
		}
	}
}

func roundTrip(t *testing.T, c *Counts) *Counts {
	t.Helper()
	b, err := c.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	d := New()
	if err := d.UnmarshalBinary(b); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(d.List(), c.List()) {
		t.Fatalf("section round trip: %v, want %v", d.List(), c.List())
	}
	return d
}

func TestMergeRefused(t *testing.T) { dimtest.MergeRefused(t, New(), "win32") }

// TestUnmarshalHostile: a corrupt section is an error, never a panic, and
// leaves the counts as they were.
func TestUnmarshalHostile(t *testing.T) {
	good, err := feed(New(), hits(1, 500)).MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	enc := func(w wire) []byte {
		c := New()
		b, err := c.marshal(w)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	cases := map[string][]byte{
		"empty":        nil,
		"truncated":    good[:len(good)/2],
		"out of order": enc(wire{[]Status{{64, 1}, {2, 1}}}),
		"twice":        enc(wire{[]Status{{64, 1}, {64, 1}}}),
		"overflow":     enc(wire{[]Status{{2, 1 << 63}, {64, 1 << 63}}}),
	}
	for name, b := range cases {
		c := New()
		c.Count(5)
		if err := c.UnmarshalBinary(b); err == nil {
			t.Errorf("%s: decoded", name)
		} else if c.Get(5) != 1 || c.Total() != 1 {
			t.Errorf("%s: a refused section changed the counts", name)
		}
	}
	r := rand.New(rand.NewPCG(2, 2))
	for range 300 {
		b := append([]byte(nil), good...)
		b[r.IntN(len(b))] ^= byte(1 + r.IntN(255))
		New().UnmarshalBinary(b) // no panic
	}
}
