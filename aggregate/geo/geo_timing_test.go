package geo

import (
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"testing"

	"github.com/maxmind/mmdbwriter/mmdbtype"
)

// benchSet is a country database of 20000 networks spread over the IPv4
// space, as deep as a real one, and its client strings.
func benchSet(b *testing.B) (*Set, [][]byte) {
	r := rand.New(rand.NewPCG(1, 2))
	codes := []string{"US", "DE", "NL", "FR", "JP", "CN", "BR", "IN", "GB", "RU"}
	recs := map[string]mmdbtype.Map{}
	for len(recs) < 20000 {
		ip := r.Uint32() &^ 0xff
		if ip>>24 == 0 || ip>>24 >= 224 || ip>>24 == 10 || ip>>24 == 127 {
			continue
		}
		var a [4]byte
		binary.BigEndian.PutUint32(a[:], ip)
		c := codes[r.IntN(len(codes))]
		recs[netip.PrefixFrom(netip.AddrFrom4(a), 20+r.IntN(5)).Masked().String()] = mmCountryRec("country", c, CountryName(c))
	}
	s, err := OpenAll(buildDB(b, "GeoLite2-Country", recs))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	clients := make([][]byte, 1<<16)
	for i := range clients {
		clients[i] = fmt.Appendf(nil, "%d.%d.%d.%d", 1+r.IntN(222), r.IntN(256), r.IntN(256), r.IntN(256))
	}
	return s, clients
}

var sinkAddr netip.Addr

func BenchmarkParseClient(b *testing.B) {
	for _, c := range []string{"203.0.113.195", "2001:db8:85a3::8a2e:370:7334", "[2001:db8::1]:443", "unknown"} {
		b.Run(c, func(b *testing.B) {
			in := []byte(c)
			b.ReportAllocs()
			for b.Loop() {
				sinkAddr, _ = ParseClient(in)
			}
		})
	}
}

// BenchmarkLocate is the per-line cost: warm (the worker has seen the
// address), cold (a new address: parse, tree walk, decoded record from the
// record cache) and uncached (capacity 0: every record decoded).
func BenchmarkLocate(b *testing.B) {
	s, clients := benchSet(b)
	b.Run("warm", func(b *testing.B) {
		l := s.NewLocator(1 << 12)
		hot := clients[:512]
		for _, c := range hot {
			l.Locate(c)
		}
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; b.Loop(); i++ {
			sinkLocation = l.Locate(hot[i%len(hot)])
		}
	})
	b.Run("cold", func(b *testing.B) {
		l := s.NewLocator(1 << 10) // far fewer than the distinct clients
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			sinkLocation = l.Locate(clients[i%len(clients)])
		}
		b.ReportMetric(l.Stats().HitRate(), "hit-rate")
	})
	b.Run("uncached", func(b *testing.B) {
		l := s.NewLocator(0)
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			sinkLocation = l.Locate(clients[i%len(clients)])
		}
	})
}
