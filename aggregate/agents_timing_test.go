package aggregate

import (
	"bytes"
	"context"
	"os"
	"testing"

	"github.com/webalyze/webalyze/aggregate/agents"
	"github.com/webalyze/webalyze/aggregate/dim"
	"github.com/webalyze/webalyze/parser"
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
	var data []byte
	if p := os.Getenv("WEBALYZE_BENCH_LOG"); p != "" {
		var err error
		if data, err = os.ReadFile(p); err != nil {
			b.Fatal(err)
		}
	} else {
		data = syntheticLog(200_000)
	}
	format, _ := parser.ParseFormatSpec("combined")
	for _, on := range []string{"off", "on"} {
		b.Run("agents="+on, func(b *testing.B) {
			cfg := RunConfig{Workers: 1, Format: format, Open: func(name string) (*parser.Input, error) {
				return parser.NewInput(name, bytes.NewReader(data), int64(len(data)))
			}}
			if on == "on" {
				cfg.Options.Dimensions = []dim.Dimension{agents.NewAggregator(agents.Options{TopCapacity: DefaultTopCapacity, DistinctCapacity: DefaultDistinctCapacity})}
			}
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := Run(context.Background(), cfg, []string{"bench.log"}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
