package aggregate

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/webalyze/webalyze/aggregate/dim"
	"github.com/webalyze/webalyze/aggregate/geo"
)

// BenchmarkStateAddGeo is BenchmarkStateAdd's steady state without and
// with the geo dimension (testdata/geo/demo.mmdb, countries and
// networks), on the same records with their clients moved into the demo
// database's ranges: compare the two with benchstat -col /geo.
func BenchmarkStateAddGeo(b *testing.B) {
	set, err := geo.OpenAll(filepath.Join("..", "testdata", "geo", "demo.mmdb"))
	if err != nil {
		b.Fatal(err)
	}
	defer set.Close()
	for _, n := range []int{1 << 14, 1 << 10} {
		recs := benchRecords(n)
		for _, r := range recs {
			// "203.0.X.Y": X < 3 picks a documentation /24, else IPv6.
			var x, y int
			fmt.Sscanf(string(r.Host), "203.0.%d.%d", &x, &y)
			switch {
			case x < 3:
				r.Host = fmt.Appendf(nil, "%s.%d", []string{"192.0.2", "198.51.100", "203.0.113"}[x], y)
			default:
				r.Host = fmt.Appendf(nil, "2001:db8::%x", x<<12|y)
			}
		}
		for _, on := range []bool{false, true} {
			b.Run(fmt.Sprintf("records=%d/geo=%v", n, on), func(b *testing.B) {
				opts := Options{}
				if on {
					opts.Dimensions = []dim.Dimension{geo.NewAggregator(set, geo.Options{})}
				}
				s := New(opts)
				for _, r := range recs {
					s.Add(r)
				}
				var size int64
				for _, r := range recs {
					size += int64(len(r.Path) + len(r.Host) + len(r.UserAgent) + len(r.Referer) + 40)
				}
				b.SetBytes(size / int64(len(recs)))
				b.ReportAllocs()
				b.ResetTimer()
				for i := range b.N {
					s.Add(recs[i&(len(recs)-1)])
				}
			})
		}
	}
}
