package aggregate

import (
	"fmt"
	"testing"

	"github.com/webalyze/webalyze/aggregate/dim"
	"github.com/webalyze/webalyze/aggregate/visits"
)

// BenchmarkStateAddVisits is BenchmarkStateAdd without and with the
// visits dimension, for benchstat -col /visits.
func BenchmarkStateAddVisits(b *testing.B) {
	recs := benchRecords(1 << 14)
	for _, on := range []bool{false, true} {
		b.Run(fmt.Sprintf("visits=%v", on), func(b *testing.B) {
			var opts Options
			if on {
				opts.Dimensions = []dim.Dimension{visits.New(visits.Options{})}
			}
			benchSteadyAdd(b, New(opts), recs)
		})
	}
}
