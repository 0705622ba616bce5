package parser

import (
	"bufio"
	"bytes"
	"os"
	"strings"
	"testing"
)

// w3cBenchLines are typical IIS 10 lines: the default IIS field set, '+' in
// user agents, queries, sub-status and win32 codes.
var w3cBenchLines = []string{
	"2024-03-01 00:00:04 10.0.0.5 GET /docs/latest/http-travel.html - 443 - 136.248.3.46 Mozilla/5.0+(Macintosh;+Intel+Mac+OS+X+13_4)+AppleWebKit/537.36+(KHTML,+like+Gecko)+Chrome/123.0.6455.113+Safari/537.36 https://www.example.com/login 401 2 5 12",
	"2024-03-01 00:00:09 10.0.0.4 GET /images/20/63/894c24fc_320x720.jpg - 443 - 2409:8a1e:eed:96ec:16da:7149::3342 Mozilla/5.0+(Macintosh;+Intel+Mac+OS+X+10_15_7)+AppleWebKit/605.1.15+(KHTML,+like+Gecko)+Version/17.1+Safari/605.1.15 - 200 0 0 23",
	"2024-03-01 00:00:16 10.0.0.4 GET /products/toys/camera-docker-kernel-361129 utm_source=news&id=7 443 - 107.156.165.22 - https://out.reddit.com/5b18b1af 200 0 0 95",
	"2024-03-01 00:00:17 10.0.0.4 POST /api/v2/orders - 443 alice 176.16.116.64 curl/8.5.0 - 404 2 2 5",
}

// BenchmarkParseW3C parses typical IIS lines after one #Fields directive.
func BenchmarkParseW3C(b *testing.B) {
	p := NewW3C(nil).NewParser()
	var rec Record
	fields := strings.Split(w3cHeader, "\n")[3]
	p.Parse([]byte(fields), &rec)
	lines := make([][]byte, len(w3cBenchLines))
	size := 0
	for i, l := range w3cBenchLines {
		lines[i] = []byte(l)
		size += len(l) + 1
	}
	b.ReportAllocs()
	b.SetBytes(int64(size))
	var sink uint64
	for b.Loop() {
		for _, l := range lines {
			if r := p.Parse(l, &rec); r.Kind != Parsed {
				b.Fatalf("%s: %s %s", l, r.Kind, r.Reason)
			}
			sink += uint64(rec.Status) + uint64(len(rec.UserAgent))
		}
	}
	w3cSink = sink
}

var w3cSink uint64

// BenchmarkParseW3CFile parses the W3C log named by $WEBALYZE_W3C_BENCH
// (for example one made by `python3 /work/shared/bench/genlog.py --mode w3c
// -n 1000000 -o /tmp/w3c.log`), read into memory first; it is skipped when
// the variable is not set.
func BenchmarkParseW3CFile(b *testing.B) {
	name := os.Getenv("WEBALYZE_W3C_BENCH")
	if name == "" {
		b.Skip("set WEBALYZE_W3C_BENCH to a W3C log file")
	}
	data, err := os.ReadFile(name)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	var rec Record
	for b.Loop() {
		p := NewW3C(nil).NewParser()
		var parsed, other int
		sc := bufio.NewReaderSize(bytes.NewReader(data), 1<<16)
		for {
			line, err := sc.ReadSlice('\n')
			if len(line) == 0 && err != nil {
				break
			}
			line = bytes.TrimSuffix(bytes.TrimSuffix(line, []byte("\n")), []byte("\r"))
			if p.Parse(line, &rec).Kind == Parsed {
				parsed++
			} else {
				other++
			}
		}
		b.ReportMetric(float64(parsed), "parsed")
		b.ReportMetric(float64(other), "other")
	}
}
