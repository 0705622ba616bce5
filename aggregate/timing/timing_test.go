package timing

import (
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/webalyze/webalyze/aggregate/dim"
	"github.com/webalyze/webalyze/aggregate/dim/dimtest"
	"github.com/webalyze/webalyze/aggregate/sketch"
	"github.com/webalyze/webalyze/aggregate/status"
	"github.com/webalyze/webalyze/parser"
)

// hits returns n records with request times (most), upstream times
// (some), statuses (most, a few non-standard) and a few zero or negative
// times, as the Hits a State would hand over.
func hits(seed uint64, n int) []dim.Hit {
	r := rand.New(rand.NewPCG(seed, 7))
	codes := []uint16{200, 200, 200, 304, 404, 499, 500, 503, 0, 999}
	out := make([]dim.Hit, n)
	for i := range out {
		rec := &parser.Record{}
		if r.IntN(10) < 8 {
			rec.HasDuration, rec.Duration = true, int64(r.ExpFloat64()*20_000)-int64(r.IntN(3))
		}
		if r.IntN(3) == 0 {
			rec.HasUpstream, rec.Upstream = true, int64(r.ExpFloat64()*10_000)
		}
		h := dim.Hit{Rec: rec}
		if r.IntN(20) != 0 {
			h.Code, h.HasCode = codes[r.IntN(len(codes))], true
		}
		out[i] = h
	}
	return out
}

func feed(t *Times, hs []dim.Hit) *Times {
	for i := range hs {
		t.Add(&hs[i])
	}
	return t
}

// TestAddCounts: each distribution counts what it says, as plain
// sketches fed value by value do.
func TestAddCounts(t *testing.T) {
	hs := hits(1, 5000)
	got := feed(New(), hs)
	var all, up sketch.Latency
	var class [status.NumClasses]sketch.Latency
	code := map[uint16]*sketch.Latency{}
	for _, h := range hs {
		if h.Rec.HasDuration {
			all.Add(h.Rec.Duration)
			if h.HasCode {
				class[status.ClassIndex(h.Code)].Add(h.Rec.Duration)
				if code[h.Code] == nil {
					code[h.Code] = &sketch.Latency{}
				}
				code[h.Code].Add(h.Rec.Duration)
			}
		}
		if h.Rec.HasUpstream {
			up.Add(h.Rec.Upstream)
		}
	}
	if !reflect.DeepEqual(got.All, all) || !reflect.DeepEqual(got.Upstream, up) ||
		!reflect.DeepEqual(got.Class, class) || !reflect.DeepEqual(got.Code, code) {
		t.Errorf("distributions differ from plain sketches: all %d/%d, upstream %d/%d", got.All.Count, all.Count, got.Upstream.Count, up.Count)
	}
	if got.All.Count == 0 || got.Upstream.Count == 0 || len(got.Code) < 5 {
		t.Fatalf("test data too thin: %d times, %d upstream, %d codes", got.All.Count, got.Upstream.Count, len(got.Code))
	}
	if err := got.Check(uint64(len(hs))); err != nil {
		t.Error(err)
	}
}

// TestMergeSplits: adding random parts to separate aggregators and
// merging them in any order gives the whole's distributions, and so does
// going through the section's encoding.
func TestMergeSplits(t *testing.T) {
	for seed := range uint64(8) {
		r := rand.New(rand.NewPCG(seed, 11))
		hs := hits(seed, 3000)
		whole := feed(New(), hs)
		parts := make([]*Times, 1+r.IntN(5))
		for i := range parts {
			parts[i] = New()
		}
		for i := range hs {
			parts[r.IntN(len(parts))].Add(&hs[i])
		}
		r.Shuffle(len(parts), func(i, j int) { parts[i], parts[j] = parts[j], parts[i] })
		acc := roundTrip(t, parts[0])
		for _, p := range parts[1:] {
			if seed%2 == 0 {
				p = roundTrip(t, p)
			}
			if err := acc.Merge(p); err != nil {
				t.Fatal(err)
			}
		}
		if !sameFigures(acc, whole) {
			t.Errorf("seed %d: %d parts merged differ from the whole", seed, len(parts))
		}
		// The decoded aggregator goes on counting into its own sketches.
		more := hits(seed+100, 500)
		feed(acc, more)
		feed(whole, more)
		if !sameFigures(acc, whole) {
			t.Errorf("seed %d: adding after a merge of decoded parts differs", seed)
		}
		if err := acc.Check(uint64(len(hs) + len(more))); err != nil {
			t.Error(err)
		}
	}
}

func sameFigures(a, b *Times) bool {
	return reflect.DeepEqual(a.All, b.All) && reflect.DeepEqual(a.Class, b.Class) &&
		reflect.DeepEqual(a.Code, b.Code) && reflect.DeepEqual(a.Upstream, b.Upstream)
}

func roundTrip(t *testing.T, x *Times) *Times {
	t.Helper()
	b, err := x.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	y := New()
	if err := y.UnmarshalBinary(b); err != nil {
		t.Fatal(err)
	}
	if !sameFigures(x, y) {
		t.Fatal("the section does not round-trip")
	}
	return y
}

func TestMergeRefused(t *testing.T) { dimtest.MergeRefused(t, New(), "response times") }

// TestCheck: figures that cannot come from records are refused.
func TestCheck(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Times)
		parsed uint64
		want   string
	}{
		{"fine", func(*Times) {}, 100, ""},
		{"more times than records", func(*Times) {}, 5, "for 5 parsed records"},
		{"a class without its code", func(x *Times) { x.Class[status.Class2xx].Add(5) }, 100, "classes count"},
		{"a code without its class", func(x *Times) { x.Code[200].Add(5) }, 100, "classes count"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x := feed(New(), hits(3, 60))
			tt.change(x)
			err := x.Check(tt.parsed)
			if tt.want == "" && err != nil || tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)) {
				t.Errorf("Check = %v, want %q", err, tt.want)
			}
		})
	}
}

// TestUnmarshalHostile: a corrupt section is an error, never a panic,
// and leaves the aggregator as it was.
func TestUnmarshalHostile(t *testing.T) {
	good, err := feed(New(), hits(4, 300)).MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	bad := func(w wire) []byte {
		b, err := (&Times{All: w.All, Class: w.Class, Code: w.Code, Upstream: w.Upstream}).MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	cases := map[string][]byte{
		"empty":      nil,
		"truncated":  good[:len(good)/2],
		"code 1000":  bad(wire{Code: map[uint16]*sketch.Latency{1000: {}}}),
		"bad counts": bad(wire{All: sketch.Latency{Count: 3, Counts: []uint64{1}}}),
	}
	r := rand.New(rand.NewPCG(5, 5))
	for i := range 200 {
		b := append([]byte(nil), good...)
		for range 1 + r.IntN(4) {
			b[r.IntN(len(b))] = byte(r.Uint32())
		}
		cases["flipped "+string(rune('a'+i%26))+string(rune('a'+i/26))] = b
	}
	for name, b := range cases {
		x := New()
		x.All.Add(7)
		if err := x.UnmarshalBinary(b); err != nil {
			if x.All.Count != 1 || x.All.Max != 7 {
				t.Errorf("%s: a refused section changed the aggregator", name)
			}
			continue
		}
		if !strings.HasPrefix(name, "flipped") { // a flipped byte may decode: only no panic
			t.Errorf("%s: decoded without error", name)
		}
	}
}
