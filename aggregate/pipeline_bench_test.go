package aggregate

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/webalyze/webalyze/parser"
)

// syntheticLog returns n combined lines with a realistic spread of
// clients, URLs, agents and statuses (deterministic).
func syntheticLog(n int) []byte {
	r := rand.New(rand.NewPCG(1, 2))
	agents := []string{
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36",
		"Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
		"curl/8.5.0", "python-requests/2.31.0",
	}
	codes := []int{200, 200, 200, 200, 200, 304, 301, 404, 499, 502}
	var b bytes.Buffer
	for i := range n {
		fmt.Fprintf(&b, "10.%d.%d.%d - - [05/Mar/2024:%02d:%02d:%02d +0000] \"GET /p/%d.html?q=%d HTTP/1.1\" %d %d \"https://ref.example/%d\" \"%s\"\n",
			r.IntN(20), r.IntN(250), r.IntN(250), i/36000%24, i/600%60, i/10%60, r.IntN(5000), r.IntN(10), codes[r.IntN(len(codes))], r.IntN(100000), r.IntN(50), agents[r.IntN(len(agents))])
	}
	return b.Bytes()
}

// benchLog returns the log the Run benchmarks read: the file named by
// $WEBALYZE_BENCH_LOG, or a synthetic combined log of 200 000 lines.
func benchLog(b *testing.B) []byte {
	if p := os.Getenv("WEBALYZE_BENCH_LOG"); p != "" {
		data, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		return data
	}
	return syntheticLog(200_000)
}

// benchRun times Run over data, held in memory, as a combined log.
func benchRun(b *testing.B, data []byte, cfg RunConfig) {
	cfg.Format, _ = parser.ParseFormatSpec("combined")
	cfg.Open = func(name string) (*parser.Input, error) {
		return parser.NewInput(name, bytes.NewReader(data), int64(len(data)))
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := Run(context.Background(), cfg, []string{"bench.log"}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRun measures the whole pipeline (split, parse, aggregate,
// merge) on a synthetic combined log held in memory, or on the file named
// by $WEBALYZE_BENCH_LOG.
func BenchmarkRun(b *testing.B) {
	data := benchLog(b)
	for _, workers := range []int{1, 2} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			benchRun(b, data, RunConfig{Workers: workers})
		})
	}
}
