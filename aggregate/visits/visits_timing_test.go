package visits

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/webalyze/webalyze/aggregate/dim"
	"github.com/webalyze/webalyze/aggregate/sketch"
	"github.com/webalyze/webalyze/parser"
)

// BenchmarkAdd adds page requests of identities whose visit is open (the
// steady state: a table probe and a few comparisons, no allocation), and
// requests that are not pages.
func BenchmarkAdd(b *testing.B) {
	const n = 1 << 12
	hits := make([]dim.Hit, n)
	for i := range hits {
		rec := &parser.Record{Path: fmt.Appendf(nil, "/section%d/page-%d.html", i%17, i%300), Time: 1_750_000_000 + int64(i/8),
			HasTime: true, Status: 200, HasStatus: true}
		hits[i] = dim.Hit{Rec: rec, Path: sketch.HashKey(rec.Path), Identity: uint64(i%1000)*0x9e3779b97f4a7c15 + 1, Day: 20254, Page: true, Code: 200, HasCode: true}
	}
	for _, page := range []bool{true, false} {
		b.Run(fmt.Sprintf("page=%v", page), func(b *testing.B) {
			v := New(Options{})
			for i := range hits {
				hits[i].Page = page
				v.Add(&hits[i])
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				v.Add(&hits[i&(n-1)])
			}
		})
	}
}

// BenchmarkAddStream adds page requests in time order, one a second, of
// many visitors, three in four seen once (a site's log: mostly one-page
// visits), the others back within the hour: visits pile up to the
// capacity and are folded, so the figure includes the lookups among many
// identities and the folding into the entry and exit lists.
func BenchmarkAddStream(b *testing.B) {
	const n = 1 << 18
	rng := rand.New(rand.NewPCG(1, 2))
	paths := make([][]byte, 20_000)
	for i := range paths {
		paths[i] = fmt.Appendf(nil, "/section%d/page-%d.html", i%17, i)
	}
	recs := make([]parser.Record, n)
	hits := make([]dim.Hit, n)
	for i := range hits {
		id := rng.Uint64()
		if i > 0 && rng.IntN(4) == 0 {
			id = hits[i-1-rng.IntN(min(i, 3600))].Identity
		}
		p := paths[rng.IntN(rng.IntN(len(paths))+1)]
		recs[i] = parser.Record{Path: p, HasTime: true, Status: 200, HasStatus: true}
		hits[i] = dim.Hit{Rec: &recs[i], Path: sketch.HashKey(p), Identity: id, Page: true, Code: 200, HasCode: true}
	}
	v := New(Options{})
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		h := &hits[i&(n-1)]
		t := 1_750_000_000 + int64(i)
		h.Rec.Time, h.Day = t, t/86400
		v.Add(h)
	}
}
