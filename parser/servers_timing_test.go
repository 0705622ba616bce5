package parser

import (
	"bytes"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// BenchmarkParseServers parses the documentation samples of each named
// format of servers.go (the lines that parse), and checks that parsing
// allocates nothing in the steady state.
func BenchmarkParseServers(b *testing.B) {
	for _, name := range []string{"elb", "alb", "cloudfront", "traefik", "traefik-json", "caddy", "haproxy", "envoy", "ingress-nginx"} {
		b.Run(name, func(b *testing.B) {
			data, err := os.ReadFile(filepath.Join("testdata", "servers", name+".log"))
			if err != nil {
				b.Fatal(err)
			}
			f, err := ParseFormatSpec(name)
			if err != nil {
				b.Fatal(err)
			}
			p := f.NewParser()
			var rec Record
			var lines []string
			for line := range bytes.Lines(data) {
				l := strings.TrimSuffix(string(line), "\n")
				if p.Parse([]byte(l), &rec).Kind == Parsed {
					lines = append(lines, l)
				}
			}
			// benchmarkLines needs a spec: the name is one.
			benchmarkLines(b, name, lines)
		})
	}
}

func BenchmarkClientFrom(b *testing.B) {
	rec := Record{Host: []byte("10.0.0.1"), XForwardedFor: []byte("192.168.1.5, 198.51.100.7:5123, 10.0.0.2")}
	rules := map[string]ClientFrom{"first-public": {}, "trusted": {Trusted: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}}}
	for name, c := range rules {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			var n int
			for b.Loop() {
				r := rec
				c.Apply(&r)
				n += len(r.Host)
			}
			clfSink = int64(n)
		})
	}
}
