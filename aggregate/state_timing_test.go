package aggregate

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/webalyze/webalyze/parser"
)

// benchRecords returns n records with a realistic mix: 2 000 clients, 500
// URLs (a quarter with a query), 40 agents, mostly 200/304 with some
// 404/5xx, half with a request time, one second every 8 records.
func benchRecords(n int) []*parser.Record {
	r := rand.New(rand.NewPCG(1, 2))
	z := rand.NewZipf(r, 1.1, 1, 499)
	base := int64(1_750_000_000)
	codes := []uint16{200, 200, 200, 200, 200, 200, 304, 304, 301, 404, 404, 500, 503, 499}
	out := make([]*parser.Record, n)
	for i := range out {
		u := z.Uint64()
		rec := &parser.Record{
			Host:      fmt.Appendf(nil, "203.0.%d.%d", r.IntN(8), r.IntN(250)),
			Method:    []byte("GET"),
			Protocol:  []byte("HTTP/1.1"),
			Path:      fmt.Appendf(nil, "/section%d/page-%d.html", u%17, u),
			UserAgent: fmt.Appendf(nil, "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/%d.0 Safari/537.36", 100+r.IntN(40)),
			Referer:   []byte("https://www.google.com/"),
			Status:    codes[r.IntN(len(codes))],
			HasStatus: true,
			Bytes:     uint64(r.IntN(50_000)),
			HasBytes:  true,
			Time:      base + int64(i/8),
			HasTime:   true,
		}
		if u%4 == 0 {
			rec.Query = fmt.Appendf(nil, "id=%d", r.IntN(20))
		}
		if i%2 == 0 {
			rec.HasDuration, rec.Duration = true, int64(r.ExpFloat64()*30_000)
		}
		out[i] = rec
	}
	return out
}

// BenchmarkStateAdd adds records in a steady state (every key already
// seen). With 16 Ki records the records' own bytes (≈4 MiB, scattered)
// miss the caches as much as the State does; with 1 Ki they stay cached,
// as a line just parsed would be.
func BenchmarkStateAdd(b *testing.B) {
	for _, n := range []int{1 << 14, 1 << 10} {
		b.Run(fmt.Sprintf("records=%d", n), func(b *testing.B) {
			recs := benchRecords(n)
			s := New(Options{})
			for _, r := range recs {
				s.Add(r) // warm up: keys and buckets exist
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

func BenchmarkStateMerge(b *testing.B) {
	recs := benchRecords(1 << 14)
	parts := make([]*State, 4)
	for i := range parts {
		parts[i] = New(Options{})
		for _, r := range recs[i*len(recs)/4 : (i+1)*len(recs)/4] {
			parts[i].Add(r)
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		s := New(Options{})
		for _, p := range parts {
			if err := s.Merge(p); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func BenchmarkStateEncode(b *testing.B) {
	s := New(Options{})
	for _, r := range benchRecords(1 << 14) {
		s.Add(r)
	}
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		if err := s.Encode(&buf); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(buf.Len()), "bytes/state")
}

// BenchmarkStateDecode loads the state BenchmarkStateEncode saves: zstd,
// the gob stream's check (gobcheck), gob, restore and Check.
func BenchmarkStateDecode(b *testing.B) {
	s := New(Options{})
	for _, r := range benchRecords(1 << 14) {
		s.Add(r)
	}
	var buf bytes.Buffer
	if err := s.Encode(&buf); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetBytes(int64(buf.Len()))
	for b.Loop() {
		if _, err := Decode(bytes.NewReader(buf.Bytes())); err != nil {
			b.Fatal(err)
		}
	}
}
