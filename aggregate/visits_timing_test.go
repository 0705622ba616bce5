package aggregate

import (
	"fmt"
	"runtime"
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
			s := New(opts)
			for _, r := range recs {
				s.Add(r) // warm up: keys, buckets and visits exist
			}
			b.ReportAllocs()
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			b.ResetTimer()
			cpu := threadCPU()
			for i := range b.N {
				s.Add(recs[i&(len(recs)-1)])
			}
			if cpu != 0 {
				// Under load, the thread's CPU time is steadier than wall time.
				b.ReportMetric(float64(threadCPU()-cpu)/float64(b.N), "cpu-ns/op")
			}
		})
	}
}
