package aggregate

import (
	"bufio"
	"bytes"
	"os"
	"slices"
	"testing"

	"github.com/webalyze/webalyze/aggregate/agents"
	"github.com/webalyze/webalyze/aggregate/dim"
	"github.com/webalyze/webalyze/aggregate/geo"
	"github.com/webalyze/webalyze/parser"
)

// BenchmarkStateAddLog is State.Add in a steady state over the first
// 128 Ki lines of a real log ($WEBALYZE_BENCH_LOG, combined format), with
// no dimension, with the visitor panels' dimensions but visits (agents and
// the extras, as cmd adds them) and, given $WEBALYZE_BENCH_GEOIP, with
// geo too. The lines' keys are as varied as a log's, where the synthetic
// records of BenchmarkStateAddExtras repeat a few: the dimensions' lists
// outgrow the caches as in a real run. It reports the thread's CPU time
// per record (cpu-ns/op, Linux):
//
//	WEBALYZE_BENCH_LOG=access.log go test -run '^$' -bench StateAddLog -count 6 ./aggregate
func BenchmarkStateAddLog(b *testing.B) {
	path := os.Getenv("WEBALYZE_BENCH_LOG")
	if path == "" {
		b.Skip("$WEBALYZE_BENCH_LOG not set")
	}
	recs := readRecords(b, path, 1<<17)
	var set *geo.Set
	if p := os.Getenv("WEBALYZE_BENCH_GEOIP"); p != "" {
		var err error
		if set, err = geo.OpenAll(p); err != nil {
			b.Fatal(err)
		}
		defer set.Close()
	}
	visitorDims := func() []dim.Dimension {
		return append([]dim.Dimension{agents.NewAggregator(agents.Options{TopCapacity: DefaultTopCapacity, DistinctCapacity: DefaultDistinctCapacity})},
			extraDims()...)
	}
	for _, dims := range []string{"none", "visitor", "visitor+geo"} {
		if dims == "visitor+geo" && set == nil {
			continue
		}
		b.Run("dims="+dims, func(b *testing.B) {
			opts := Options{SiteHosts: []string{"www.example.org"}}
			switch dims {
			case "visitor":
				opts.Dimensions = visitorDims()
			case "visitor+geo":
				opts.Dimensions = append(visitorDims(), geo.NewAggregator(set, geo.Options{DistinctCapacity: DefaultDistinctCapacity}))
			}
			benchSteadyAdd(b, New(opts), recs)
		})
	}
}

// readRecords parses the first n lines of a combined log into records
// that own their bytes.
func readRecords(b *testing.B, path string, n int) []*parser.Record {
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	format, _ := parser.ParseFormatSpec("combined")
	p := format.NewParser()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	var out []*parser.Record
	for len(out) < n && sc.Scan() {
		rec := new(parser.Record)
		if p.Parse(bytes.Clone(sc.Bytes()), rec).Kind != parser.Parsed {
			continue
		}
		for _, f := range []*[]byte{&rec.Host, &rec.Ident, &rec.User, &rec.Request, &rec.Method, &rec.Path,
			&rec.Query, &rec.Protocol, &rec.Referer, &rec.UserAgent, &rec.VHost} {
			*f = slices.Clone(*f)
		}
		out = append(out, rec)
	}
	if len(out) == 0 {
		b.Fatalf("%s: no record", path)
	}
	return out
}
