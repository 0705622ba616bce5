package visits

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/webalyze/webalyze/aggregate/dim"
	"github.com/webalyze/webalyze/aggregate/sketch"
	"github.com/webalyze/webalyze/parser"
)

// req is one request of a test stream.
type req struct {
	id     uint64
	t      int64
	path   string
	page   bool
	status uint16 // 0: no status field
	undate bool
}

func hitOf(r req) *dim.Hit {
	rec := &parser.Record{Path: []byte(r.path), Time: r.t, HasTime: !r.undate}
	if r.status != 0 {
		rec.Status, rec.HasStatus = r.status, true
	}
	return &dim.Hit{Rec: rec, Identity: r.id, Path: sketch.HashKey(rec.Path), Day: floorDiv(r.t, 86400), Page: r.page,
		Code: r.status, HasCode: r.status != 0}
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

func addAll(v *Visits, rs []req) {
	for _, r := range rs {
		v.Add(hitOf(r))
	}
}

// describe renders figures as one comparable string.
func describe(f Figures) string {
	var b strings.Builder
	fmt.Fprintf(&b, "visits=%d pages=%d seconds=%d bounces=%d requests=%d undated=%d early=%d split=%d\n",
		f.Visits, f.Pages, f.Seconds, f.Bounces, f.Requests, f.Undated, f.ClosedEarly, f.PossibleSplits)
	fmt.Fprintf(&b, "days=%v pages=%v dur=%v\n", f.Days, f.PagesHist, f.DurHist)
	for _, l := range []*sketch.TopK{f.Entry, f.Exit} {
		l.Canonical()
		for _, e := range l.Entries {
			fmt.Fprintf(&b, "%s:%d ", e.Key, e.Hits)
		}
		b.WriteString("\n")
	}
	return b.String()
}

// reference sessionises the stream the slow, obvious way.
func reference(rs []req, timeout int64) string {
	byID := map[uint64][]req{}
	var requests, undated uint64
	for _, r := range rs {
		requests++
		h := hitOf(r)
		if !Counts(h) {
			continue
		}
		if r.undate {
			undated++
			continue
		}
		byID[r.id] = append(byID[r.id], r)
	}
	v := New(Options{Timeout: time.Duration(timeout) * time.Second})
	for _, list := range byID {
		slices.SortFunc(list, func(a, b req) int { return cmp.Or(cmp.Compare(a.t, b.t), strings.Compare(a.path, b.path)) })
		start := 0
		for i := 1; i <= len(list); i++ {
			if i == len(list) || list[i].t-list[i-1].t > timeout {
				s := list[start:i]
				p := func(p string) []byte {
					if len(p) > MaxPath {
						return cutPath([]byte(p))
					}
					return []byte(p)
				}
				v.done.add(&visit{first: s[0].t, last: s[len(s)-1].t, day: floorDiv(s[0].t, 86400),
					pages: uint64(len(s)), entryH: sketch.HashKey(p(s[0].path)), exitH: sketch.HashKey(p(s[len(s)-1].path))},
					p(s[0].path), p(s[len(s)-1].path))
				start = i
			}
		}
	}
	v.requests, v.undated = requests, undated
	return describe(v.Figures())
}

// stream makes a random stream: a few identities, gaps around the
// timeout, a few paths (ties within a second included), some requests
// that are not counted.
func stream(rng *rand.Rand, n int, timeout int64) []req {
	paths := []string{"/", "/a.html", "/b.php", "/c", "/x.png", strings.Repeat("/long", 200)}
	ids := rng.IntN(6) + 1
	t := make([]int64, ids)
	for i := range t {
		t[i] = 1_700_000_000 + rng.Int64N(86400)
	}
	var rs []req
	for range n {
		i := rng.IntN(ids)
		switch rng.IntN(5) {
		case 0:
			t[i] += timeout + 1 + rng.Int64N(timeout)
		case 2:
			t[i] += timeout + rng.Int64N(2) // on the edge
		case 1:
			t[i] += rng.Int64N(timeout + 1)
		}
		r := req{id: uint64(i + 1), t: t[i], path: paths[rng.IntN(len(paths))], page: true}
		switch rng.IntN(10) {
		case 0:
			r.status = 404
		case 1:
			r.page = false
		case 2:
			r.undate = true
		case 3:
			r.status = 304
		default:
			r.status = 200
		}
		rs = append(rs, r)
	}
	return rs
}

func sortedByTime(rs []req) []req {
	s := slices.Clone(rs)
	slices.SortStableFunc(s, func(a, b req) int { return cmp.Compare(a.t, b.t) })
	return s
}

// TestSplitIndependence: random splits of a stream, each in a random
// order, merged in a random order, give what one aggregator gives over the
// sorted stream, and both what sessionising it directly gives.
func TestSplitIndependence(t *testing.T) {
	const timeout = 1800
	for seed := range uint64(300) {
		rng := rand.New(rand.NewPCG(seed, 7))
		rs := stream(rng, 1+rng.IntN(60), timeout)
		want := reference(rs, timeout)
		one := New(Options{})
		addAll(one, sortedByTime(rs))
		if err := one.Check(uint64(len(rs))); err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		if got := describe(one.Figures()); got != want {
			t.Fatalf("seed %d: one aggregator:\n%s\nwant:\n%s", seed, got, want)
		}
		parts := make([]*Visits, 1+rng.IntN(5))
		for i := range parts {
			parts[i] = New(Options{})
		}
		shuffled := slices.Clone(rs)
		rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		for _, r := range shuffled {
			parts[rng.IntN(len(parts))].Add(hitOf(r))
		}
		for len(parts) > 1 {
			i, j := rng.IntN(len(parts)), rng.IntN(len(parts)-1)
			if j >= i {
				j++
			}
			if err := parts[i].Merge(parts[j]); err != nil {
				t.Fatal(err)
			}
			parts = slices.Delete(parts, j, j+1)
		}
		if err := parts[0].Check(uint64(len(rs))); err != nil {
			t.Fatalf("seed %d: merged: %v", seed, err)
		}
		if got := describe(parts[0].Figures()); got != want {
			t.Fatalf("seed %d: merged parts:\n%s\nwant:\n%s", seed, got, want)
		}
	}
}

func roundTrip(t *testing.T, v *Visits) *Visits {
	t.Helper()
	b, err := v.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	d := New(Options{})
	if err := d.UnmarshalBinary(b); err != nil {
		t.Fatal(err)
	}
	return d
}

// TestRunsAndMerges: a stream cut in time into runs, each folded into a
// state saved and loaded in between (--state), and states of consecutive
// periods merged (merge), count the visits that span the cuts once.
func TestRunsAndMerges(t *testing.T) {
	const timeout = 1800
	for seed := range uint64(200) {
		rng := rand.New(rand.NewPCG(seed, 11))
		rs := sortedByTime(stream(rng, 1+rng.IntN(200), timeout))
		want := reference(rs, timeout)
		// Cut points, and lines out of order by a few seconds around them.
		var chunks [][]req
		for rest := rs; len(rest) > 0; {
			n := min(len(rest), 1+rng.IntN(40))
			c := slices.Clone(rest[:n])
			for i := range c {
				if j := i + rng.IntN(3); j < len(c) && c[j].t-c[i].t < 5 {
					c[i], c[j] = c[j], c[i]
				}
			}
			chunks = append(chunks, c)
			rest = rest[n:]
		}
		state := New(Options{})
		var saved []*Visits
		for _, c := range chunks {
			run := New(Options{})
			addAll(run, c)
			if err := run.Merge(state); err != nil {
				t.Fatal(err)
			}
			state = roundTrip(t, run)
			w := New(Options{})
			addAll(w, c)
			saved = append(saved, roundTrip(t, w))
		}
		if got := describe(state.Figures()); got != want {
			t.Fatalf("seed %d: runs:\n%s\nwant:\n%s", seed, got, want)
		}
		// Merge the per-chunk states in a random order.
		for len(saved) > 1 {
			i := rng.IntN(len(saved) - 1)
			if err := saved[i].Merge(saved[i+1]); err != nil {
				t.Fatal(err)
			}
			saved[i] = roundTrip(t, saved[i])
			saved = slices.Delete(saved, i+1, i+2)
		}
		if got := describe(saved[0].Figures()); got != want {
			t.Fatalf("seed %d: merged states:\n%s\nwant:\n%s", seed, got, want)
		}
	}
}

// TestPossibleSplits: states of one period whose folded visits the other's
// requests could have joined are counted as such.
func TestPossibleSplits(t *testing.T) {
	const day = 1_700_006_400
	a, b := New(Options{}), New(Options{})
	// a: one identity all day, a visit every 3 hours; b: one request of
	// it in the middle of a's visit at noon.
	for h := int64(0); h < 24; h += 3 {
		a.Add(hitOf(req{id: 1, t: day + h*3600, path: "/", page: true}))
		a.Add(hitOf(req{id: 1, t: day + h*3600 + 600, path: "/a", page: true}))
	}
	b.Add(hitOf(req{id: 1, t: day + 12*3600 + 300, path: "/b", page: true}))
	a = roundTrip(t, a)
	if a.Open() >= 8 {
		t.Fatalf("%d visits open after a save, want the interior ones folded", a.Open())
	}
	if err := a.Merge(b); err != nil {
		t.Fatal(err)
	}
	f := a.Figures()
	if f.PossibleSplits != 1 || f.Visits != 9 {
		t.Errorf("split merges %d, visits %d; want 1 and 9", f.PossibleSplits, f.Visits)
	}
}

func TestCapacity(t *testing.T) {
	v := New(Options{Capacity: 16})
	for i := range 1000 {
		v.Add(hitOf(req{id: uint64(i % 100), t: 1_700_000_000 + int64(i), path: "/", page: true}))
	}
	if err := v.Check(1000); err != nil {
		t.Fatal(err)
	}
	f := v.Figures()
	if v.Open() > 16 || f.ClosedEarly == 0 || f.Visits < 100 || f.Pages != 1000 {
		t.Errorf("open %d, closed early %d, visits %d, pages %d", v.Open(), f.ClosedEarly, f.Visits, f.Pages)
	}
}

func TestTimeoutMismatch(t *testing.T) {
	a, b := New(Options{}), New(Options{Timeout: time.Hour})
	err := a.Merge(b)
	if err == nil || !strings.Contains(err.Error(), "--visit-timeout 30m0s and 1h0m0s") {
		t.Errorf("got %v", err)
	}
	// The timeout survives a save.
	if d := roundTrip(t, b); d.Timeout() != time.Hour {
		t.Errorf("timeout %v after a save", d.Timeout())
	}
}

// TestVisits: hand-made streams and what they give.
func TestVisits(t *testing.T) {
	const t0 = 1_700_000_000
	cases := []struct {
		name string
		rs   []req
		want string
	}{
		{"bounce and a long visit", []req{
			{id: 1, t: t0, path: "/", page: true},
			{id: 2, t: t0, path: "/in", page: true, status: 200},
			{id: 2, t: t0 + 100, path: "/x.png", status: 200},
			{id: 2, t: t0 + 1000, path: "/mid", page: true, status: 200},
			{id: 2, t: t0 + 2700, path: "/out", page: true, status: 301},
		}, "visits=2 pages=4 seconds=2700 bounces=1 requests=5 undated=0 early=0 split=0\n" +
			"days=[{19675 2}] pages=[1 0 1 0 0 0 0 0 0 0] dur=[1 0 0 0 0 1 0]\n/:1 /in:1 \n/:1 /out:1 \n"},
		{"timeout gap and ties", []req{
			{id: 1, t: t0, path: "/b", page: true},
			{id: 1, t: t0, path: "/a", page: true},
			{id: 1, t: t0 + 1800, path: "/z", page: true},
			{id: 1, t: t0 + 1800, path: "/y", page: true},
			{id: 1, t: t0 + 3601, path: "/c", page: true},
		}, "visits=2 pages=5 seconds=1800 bounces=1 requests=5 undated=0 early=0 split=0\n" +
			"days=[{19675 2}] pages=[1 0 0 1 0 0 0 0 0 0] dur=[1 0 0 0 0 1 0]\n/a:1 /c:1 \n/c:1 /z:1 \n"},
		{"not counted", []req{
			{id: 1, t: t0, path: "/", page: true, status: 404},
			{id: 1, t: t0, path: "/", page: true, status: 500},
			{id: 1, t: t0, path: "", page: true, status: 200},
			{id: 1, t: t0, path: "/", page: true, status: 0o0, undate: true},
			{id: 1, t: t0, path: "/a.css", status: 200},
		}, "visits=0 pages=0 seconds=0 bounces=0 requests=5 undated=1 early=0 split=0\n" +
			"days=[] pages=[0 0 0 0 0 0 0 0 0 0] dur=[0 0 0 0 0 0 0]\n\n\n"},
	}
	for _, c := range cases {
		v := New(Options{})
		addAll(v, c.rs)
		if err := v.Check(uint64(len(c.rs))); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if got := describe(v.Figures()); got != c.want {
			t.Errorf("%s:\n%s\nwant:\n%s", c.name, got, c.want)
		}
	}
}

func FuzzUnmarshal(f *testing.F) {
	v := New(Options{})
	addAll(v, stream(rand.New(rand.NewPCG(1, 2)), 100, 1800))
	b, _ := v.MarshalBinary()
	f.Add(b)
	f.Fuzz(func(t *testing.T, b []byte) {
		d := New(Options{})
		if d.UnmarshalBinary(b) == nil {
			d.Figures()
			again, err := d.MarshalBinary()
			if err != nil {
				t.Fatal(err)
			}
			if err := New(Options{}).UnmarshalBinary(again); err != nil {
				t.Fatalf("re-encoded section does not decode: %v", err)
			}
		}
	})
}

// TestUnflaggedIsExact: whatever the capacity, the split, the order of
// the lines and of the merges, and the saves in between, figures that
// count no visit closed early and no possible split are exact.
func TestUnflaggedIsExact(t *testing.T) {
	const timeout = 1800
	exact, flagged := 0, 0
	for seed := range uint64(400) {
		rng := rand.New(rand.NewPCG(seed, 13))
		rs := stream(rng, 1+rng.IntN(300), timeout)
		if rng.IntN(2) == 0 {
			rs = sortedByTime(rs)
		} else {
			// Chunks out of order, as files given newest first.
			rs = sortedByTime(rs)
			k := rng.IntN(len(rs) + 1)
			rs = append(slices.Clone(rs[k:]), rs[:k]...)
		}
		want := reference(rs, timeout)
		opts := Options{Capacity: 1 + rng.IntN(12)}
		parts := make([]*Visits, 1+rng.IntN(3))
		for i := range parts {
			parts[i] = New(opts)
		}
		// Contiguous blocks to workers in turn, as the pipeline does.
		for i := 0; i < len(rs); {
			n := min(len(rs)-i, 1+rng.IntN(50))
			addAll(parts[rng.IntN(len(parts))], rs[i:i+n])
			i += n
		}
		for i := range parts {
			if rng.IntN(2) == 0 {
				parts[i] = roundTrip(t, parts[i])
			}
		}
		for len(parts) > 1 {
			i := rng.IntN(len(parts) - 1)
			if err := parts[i].Merge(parts[i+1]); err != nil {
				t.Fatal(err)
			}
			parts = slices.Delete(parts, i+1, i+2)
		}
		if err := parts[0].Check(uint64(len(rs))); err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		f := parts[0].Figures()
		if f.ClosedEarly > 0 || f.PossibleSplits > 0 {
			flagged++
			continue
		}
		exact++
		if got := describe(f); got != want {
			t.Fatalf("seed %d: unflagged but not exact:\n%s\nwant:\n%s", seed, got, want)
		}
	}
	t.Logf("%d exact, %d flagged", exact, flagged)
	if exact < 40 || flagged < 40 {
		t.Errorf("%d exact and %d flagged cases: the test proves little", exact, flagged)
	}
}

// TestCapacityInOrder: one worker reading lines in time order folds
// finished visits when the capacity is reached, and stays exact.
func TestCapacityInOrder(t *testing.T) {
	const t0 = 1_700_000_000
	var rs []req
	for i := range 2000 {
		rs = append(rs, req{id: uint64(i % 50), t: t0 + int64(i)*120, path: "/", page: true})
	}
	v := New(Options{Capacity: 80})
	addAll(v, rs)
	f := v.Figures()
	if got, want := describe(f), reference(rs, 1800); got != want || v.Open() > 80 {
		t.Errorf("open %d\n%s\nwant:\n%s", v.Open(), got, want)
	}
}

// TestCompact runs the property tests with an arena compacted at every
// occasion.
func TestCompact(t *testing.T) {
	defer func(s int) { compactSlack = s }(compactSlack)
	compactSlack = 0
	t.Run("split", TestSplitIndependence)
	t.Run("runs", TestRunsAndMerges)
	t.Run("unflagged", TestUnflaggedIsExact)
}

// TestSealEarly runs the property tests folding the finished visits at
// every request that opens one (see sealFinished), lines out of order
// included: the margin of the latest lateness keeps them exact. (Not
// TestSplitIndependence: its parts get lines in any order, which folding
// makes approximate, flagged; TestUnflaggedIsExact covers that.)
func TestSealEarly(t *testing.T) {
	defer func(n int) { minSeal = n }(minSeal)
	minSeal = 1
	t.Run("runs", TestRunsAndMerges)
	t.Run("unflagged", TestUnflaggedIsExact)
	t.Run("in order", TestSealInOrder)
}

// TestSealInOrder: past minSeal open visits, an aggregator reading lines
// in time order, a few of them up to a minute late, folds the finished
// visits as it goes: it stays exact, and its table stays about the size
// of the visits of the last hour or so, far below the capacity.
func TestSealInOrder(t *testing.T) {
	const t0 = 1_700_000_000
	rng := rand.New(rand.NewPCG(5, 6))
	var rs []req
	for i := range 300_000 {
		at := t0 + int64(i)/4 // 4 requests a second, about 20 hours
		if rng.IntN(10) == 0 {
			at -= rng.Int64N(60)
		}
		rs = append(rs, req{id: rng.Uint64N(20_000), t: at, path: fmt.Sprintf("/p%d", rng.IntN(50)), page: true, status: 200})
	}
	v := New(Options{})
	peak, peakSlots := 0, 0
	for _, r := range rs {
		v.Add(hitOf(r))
		peak, peakSlots = max(peak, v.Open()), max(peakSlots, len(v.open.slots))
	}
	if err := v.Check(uint64(len(rs))); err != nil {
		t.Fatal(err)
	}
	f := v.Figures()
	if got, want := describe(f), reference(rs, 1800); got != want {
		t.Fatalf("got\n%s\nwant:\n%s", got, want)
	}
	// Open: the visits of the first two timeouts (never folded: a
	// previous run's could join them), and those of the last two and the
	// margin, twice that before a folding: about 14 400 + 2 × 14 400.
	if peak > 50_000 || peakSlots > 64<<10 {
		t.Errorf("%d visits open at most, in %d slots: the finished ones were not folded", peak, peakSlots)
	}
	if f.Visits < 200_000 {
		t.Errorf("%d visits: the test proves little", f.Visits)
	}
}

// TestMergeDisjoint: aggregators of disjoint identities over the same
// period, each with visits folded, merge exactly with MergeDisjoint; Merge
// cannot know the identities are disjoint and flags a possible split.
func TestMergeDisjoint(t *testing.T) {
	defer func(n int) { minSeal = n }(minSeal)
	minSeal = 1
	const t0 = 1_700_000_000
	rng := rand.New(rand.NewPCG(8, 9))
	var rs []req
	for i := range 20_000 {
		rs = append(rs, req{id: rng.Uint64N(500), t: t0 + int64(i)*3, path: "/", page: true, status: 200})
	}
	want := reference(rs, 1800)
	split := func() (*Visits, *Visits) {
		a, b := New(Options{}), New(Options{})
		for _, r := range rs {
			if r.id%2 == 0 {
				a.Add(hitOf(r))
			} else {
				b.Add(hitOf(r))
			}
		}
		return a, b
	}
	a, b := split()
	if err := a.MergeDisjoint(b); err != nil {
		t.Fatal(err)
	}
	if err := a.Check(uint64(len(rs))); err != nil {
		t.Fatal(err)
	}
	if got := describe(a.Figures()); got != want {
		t.Errorf("MergeDisjoint:\n%s\nwant:\n%s", got, want)
	}
	a, b = split()
	if err := a.Merge(b); err != nil {
		t.Fatal(err)
	}
	if f := a.Figures(); f.PossibleSplits == 0 {
		t.Errorf("Merge of states with folded visits over one period: no possible split flagged")
	}
}

func TestCutPath(t *testing.T) {
	for _, c := range []struct {
		path string
		want int
	}{
		{strings.Repeat("a", 600), 512},
		{"/" + strings.Repeat("é", 300), 511},      // 2-byte runes: cut before the split one
		{"/a" + strings.Repeat("€", 200), 512},     // 3-byte runes: a boundary at 512
		{strings.Repeat("\x80", 600), MaxPath - 3}, // not UTF-8: at most 3 bytes less
	} {
		if got := len(cutPath([]byte(c.path))); got != c.want {
			t.Errorf("%.10q...: cut at %d, want %d", c.path, got, c.want)
		}
	}
}
