package agents

import (
	"math/rand/v2"
	"testing"

	"github.com/webalyze/webalyze/aggregate/dim"
	"github.com/webalyze/webalyze/aggregate/sketch"
	"github.com/webalyze/webalyze/parser"
)

var benchAgents = [][]byte{
	[]byte("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36"),
	[]byte("Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1"),
	[]byte("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"),
	[]byte("Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; +https://openai.com/gptbot)"),
	[]byte("curl/8.5.0"),
	[]byte("-"),
	[]byte("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.144 Mobile Safari/537.36"),
	[]byte("Mozilla/5.0 (compatible; MJ12bot/v1.4.8; http://mj12bot.com/)"),
}

var sinkAgent Agent

// BenchmarkClassifyWarm is the per-line cost once the cache knows the
// agents: a map lookup, no allocation.
func BenchmarkClassifyWarm(b *testing.B) {
	c := NewClassifier(1024)
	for _, ua := range benchAgents {
		c.Classify(ua)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		sinkAgent = c.Classify(benchAgents[i%len(benchAgents)])
	}
}

// BenchmarkParse is the cost of a miss, by kind of string.
func BenchmarkParse(b *testing.B) {
	for _, bc := range []struct {
		name string
		ua   string
	}{
		{"browser", string(benchAgents[0])},
		{"mobile", string(benchAgents[1])},
		{"known-bot", string(benchAgents[2])},
		{"ai-crawler", string(benchAgents[3])},
		{"tool", string(benchAgents[4])},
		{"detector", "Mozilla/5.0 (compatible; SomeUnknownThing/1.0)"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				sinkAgent = Parse(bc.ua)
			}
		})
	}
}

// BenchmarkAggregatorAdd is the per-record cost of the agents dimension
// once the classifier's cache and the lists know the agents: no
// allocation.
func BenchmarkAggregatorAdd(b *testing.B) {
	a := NewAggregator(Options{TopCapacity: 100_000, DistinctCapacity: 100_000})
	codes := []uint16{200, 200, 304, 404, 500}
	hits := make([]dim.Hit, 1024)
	for i := range hits {
		ua := benchAgents[i%len(benchAgents)]
		code := codes[i%len(codes)]
		hits[i] = dim.Hit{Rec: &parser.Record{UserAgent: ua, Bytes: uint64(i * 7), Status: code, HasStatus: true},
			Agent: sketch.HashKey(ua), Visitor: uint64(i % 97), Code: code, HasCode: true}
	}
	for i := range hits {
		a.Add(&hits[i])
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		a.Add(&hits[i%len(hits)])
	}
}

// BenchmarkClassifyDistinct is the cost of a stream of distinct agents,
// each classified once (no cache hit): random printable garbage of MaxLen
// bytes, as a hostile stream would send, and the agents of the real logs.
func BenchmarkClassifyDistinct(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	garbage := make([][]byte, 10_000)
	for i := range garbage {
		s := make([]byte, MaxLen)
		for j := range s {
			s[j] = byte(' ' + r.IntN(95))
		}
		garbage[i] = s
	}
	// The worst a string can cost: letters and spaces only, DetectMaxLen
	// long, so that the detector is asked.
	letters := make([][]byte, 200)
	for i := range letters {
		s := make([]byte, DetectMaxLen)
		for j := range s {
			s[j] = "abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ"[r.IntN(53)]
		}
		letters[i] = s
	}
	sets := []struct {
		name string
		uas  [][]byte
	}{{"random-512", garbage}, {"letters-256", letters}}
	if real := realAgents(b); len(real) > 0 {
		sets = append(sets, struct {
			name string
			uas  [][]byte
		}{"real-logs", real})
	}
	for _, set := range sets {
		b.Run(set.name, func(b *testing.B) {
			b.ReportMetric(float64(len(set.uas)), "agents")
			for b.Loop() {
				c := NewClassifier(2 * len(set.uas))
				for _, ua := range set.uas {
					sinkAgent = c.Classify(ua)
				}
			}
		})
	}
}

// BenchmarkAggregatorAddCollide is Add with two agents that share a slot
// of the front cache (as the State's hashes may): still no allocation.
func BenchmarkAggregatorAddCollide(b *testing.B) {
	a := NewAggregator(Options{TopCapacity: 1000, DistinctCapacity: 1000})
	hits := []dim.Hit{
		{Rec: &parser.Record{UserAgent: benchAgents[0]}, Agent: 7},
		{Rec: &parser.Record{UserAgent: benchAgents[2]}, Agent: 7 + frontSlots},
	}
	for i := range hits {
		a.Add(&hits[i])
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		a.Add(&hits[i&1])
	}
}
