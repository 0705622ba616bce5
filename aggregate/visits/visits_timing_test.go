package visits

import (
	"fmt"
	"testing"

	"github.com/webalyze/webalyze/aggregate/dim"
	"github.com/webalyze/webalyze/aggregate/sketch"
	"github.com/webalyze/webalyze/parser"
)

// BenchmarkAdd adds page requests of identities whose visit is open (the
// steady state: a map lookup and a few comparisons, no allocation), and
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
