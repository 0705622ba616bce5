package geo

import (
	"fmt"
	"testing"

	"github.com/webalyze/webalyze/aggregate/dim"
)

// BenchmarkAggregatorAdd is the per-line cost of the geo dimension in the
// steady state: every client cached, every row and network present.
// "db=20000" looks clients up in a country database of 20 000 networks,
// "demo" in the country and ASN test databases (networks counted too).
func BenchmarkAggregatorAdd(b *testing.B) {
	mm, _, _ := testSets(b)
	big, clients := benchSet(b)
	for _, c := range []struct {
		name string
		set  *Set
		hits []*dim.Hit
	}{
		{"db=20000", big, func() []*dim.Hit {
			hs := make([]*dim.Hit, 1<<12)
			for i := range hs {
				hs[i] = hit(string(clients[i%len(clients)]), fmt.Sprint(i%7), int64(i%3), []uint16{200, 404, 503, 200}[i%4], 1000)
			}
			return hs
		}()},
		{"demo", mm, randHits(1, 1<<12)},
	} {
		b.Run(c.name, func(b *testing.B) {
			a := newTestAgg(b, c.set, Options{})
			for _, h := range c.hits {
				a.Add(h) // warm: cached, rows and visitors seen
			}
			s0 := a.loc.Stats()
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				a.Add(c.hits[i&(len(c.hits)-1)])
			}
			b.StopTimer()
			s := a.loc.Stats()
			if s.Misses != s0.Misses {
				b.Fatalf("%d cache misses when warm", s.Misses-s0.Misses)
			}
		})
	}
}
