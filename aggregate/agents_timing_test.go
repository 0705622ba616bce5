package aggregate

import (
	"testing"

	"github.com/webalyze/webalyze/aggregate/agents"
	"github.com/webalyze/webalyze/aggregate/dim"
)

// BenchmarkStateAddAgents is State.Add without and with the agents
// dimension, on the same records (compare with benchstat -col /agents).
func BenchmarkStateAddAgents(b *testing.B) {
	recs := benchRecords(1 << 14)
	for _, on := range []string{"off", "on"} {
		b.Run("agents="+on, func(b *testing.B) {
			opts := Options{}
			if on == "on" {
				opts.Dimensions = []dim.Dimension{agents.NewAggregator(agents.Options{TopCapacity: DefaultTopCapacity, DistinctCapacity: DefaultDistinctCapacity})}
			}
			s := New(opts)
			for _, r := range recs {
				s.Add(r) // warm up: keys, buckets and the classifier's cache
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				s.Add(recs[i&(len(recs)-1)])
			}
		})
	}
}
