package aggregate

import (
	"runtime"
	"testing"

	"github.com/webalyze/webalyze/parser"
)

// benchSteadyAdd times s.Add over recs in a steady state: every record is
// added once first (keys, buckets, caches exist), then b.N times in turn.
// Besides ns/op it reports the thread's CPU time per record (cpu-ns/op,
// Linux): on a shared machine wall time varies by ±50 %, CPU time less.
func benchSteadyAdd(b *testing.B, s *State, recs []*parser.Record) {
	for _, r := range recs {
		s.Add(r)
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	b.ReportAllocs()
	b.ResetTimer()
	c0 := threadCPU()
	if n := len(recs); n&(n-1) == 0 {
		for i := range b.N {
			s.Add(recs[i&(n-1)])
		}
	} else {
		for i := range b.N {
			s.Add(recs[i%n])
		}
	}
	if c1 := threadCPU(); c1 > 0 {
		b.ReportMetric(float64(c1-c0)/float64(b.N), "cpu-ns/op")
	}
}
