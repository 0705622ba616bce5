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
			benchSteadyAdd(b, New(opts), recs)
		})
	}
}

// BenchmarkRunAgents is the whole pipeline (one worker) without and with
// the agents dimension, on the synthetic log or $WEBALYZE_BENCH_LOG
// (compare with benchstat -col /agents).
func BenchmarkRunAgents(b *testing.B) {
	data := benchLog(b)
	for _, on := range []string{"off", "on"} {
		b.Run("agents="+on, func(b *testing.B) {
			cfg := RunConfig{Workers: 1}
			if on == "on" {
				cfg.Options.Dimensions = []dim.Dimension{agents.NewAggregator(agents.Options{TopCapacity: DefaultTopCapacity, DistinctCapacity: DefaultDistinctCapacity})}
			}
			benchRun(b, data, cfg)
		})
	}
}
