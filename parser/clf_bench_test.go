package parser

import "testing"

// Benchmarks of the Apache and nginx formats on typical lines: each parses
// a few lines per iteration and reports bytes per second (the lines and
// their LFs) and allocations, which must be 0 in the steady state.

// benchCombinedLines are typical combined lines: a query string, a referrer,
// long user agents, "-" fields, an Apache \" escape and a \xNN byte.
var benchCombinedLines = []string{
	`203.0.113.7 - - [05/Mar/2024:14:00:01 +0100] "GET /products/toys/camera-361129?utm_source=news&id=7 HTTP/1.1" 200 18233 "https://www.example.com/search?q=camera" "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15"`,
	`2001:db8::4:1 - alice [05/Mar/2024:14:00:02 +0100] "POST /api/v2/orders HTTP/2.0" 201 512 "-" "curl/8.5.0"`,
	`198.51.100.23 - - [05/Mar/2024:14:00:02 +0100] "GET /images/20/63/894c24fc_320x720.jpg HTTP/1.1" 304 - "https://www.example.com/products/toys" "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/123.0.0.0 Safari/537.36"`,
	`192.0.2.99 - - [05/Mar/2024:14:00:03 +0100] "GET /search?q=\"toys\"&p=\xc3\xa9 HTTP/1.1" 404 153 "-" "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"`,
}

// benchTimedLines are nginx combined lines followed by $request_time and
// $upstream_response_time (one without upstream, one with two upstreams).
var benchTimedLines = []string{
	`203.0.113.7 - - [05/Mar/2024:14:00:01 +0100] "GET /products/toys/camera-361129?utm_source=news&id=7 HTTP/1.1" 200 18233 "https://www.example.com/search?q=camera" "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15" 0.084 0.080`,
	`2001:db8::4:1 - alice [05/Mar/2024:14:00:02 +0100] "POST /api/v2/orders HTTP/2.0" 201 512 "-" "curl/8.5.0" 0.231 0.229`,
	`198.51.100.23 - - [05/Mar/2024:14:00:02 +0100] "GET /images/20/63/894c24fc_320x720.jpg HTTP/1.1" 304 0 "https://www.example.com/products/toys" "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/123.0.0.0 Safari/537.36" 0.000 -`,
	`192.0.2.99 - - [05/Mar/2024:14:00:03 +0100] "GET /search?q=%22toys%22 HTTP/1.1" 502 157 "-" "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)" 3.002 1.500, 1.501`,
}

const benchTimedSpec = `nginx:$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_time $upstream_response_time`

// benchJSONLines are lines of fuzzJSONSpec, with JSON escapes in some values.
var benchJSONLines = []string{
	`{"time":"2024-03-05T14:00:01+01:00","ip":"203.0.113.7","req":"GET /products/toys/camera-361129?utm_source=news&id=7 HTTP/1.1","status":200,"bytes":18233,"rt":0.084,"urt":"0.080","ref":"https://www.example.com/search?q=camera","ua":"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15"}`,
	`{"time":"2024-03-05T14:00:02+01:00","ip":"2001:db8::4:1","req":"POST /api/v2/orders HTTP/2.0","status":201,"bytes":512,"rt":0.231,"urt":"0.229","ref":"","ua":"curl/8.5.0"}`,
	`{"time":"2024-03-05T14:00:02+01:00","ip":"198.51.100.23","req":"GET /images/20/63/894c24fc_320x720.jpg HTTP/1.1","status":304,"bytes":0,"rt":0.000,"urt":"","ref":"https://www.example.com/products/toys","ua":"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/123.0.0.0 Safari/537.36"}`,
	`{"time":"2024-03-05T14:00:03+01:00","ip":"192.0.2.99","req":"GET /search?q=\"toys\" HTTP/1.1","status":502,"bytes":157,"rt":3.002,"urt":"1.500, 1.501","ref":"","ua":"Mozilla/5.0 (compatible; Googlebot/2.1; +http:\/\/www.google.com\/bot.html) \u00e9"}`,
}

// benchStrftimeLines are combined lines whose time is written as the
// Apache manual's example [%{%d/%b/%Y %T}t.%{msec_frac}t %{%z}t].
var benchStrftimeLines = []string{
	`203.0.113.7 - - [05/Mar/2024 14:00:01.123 +0100] "GET /products/toys/camera-361129?utm_source=news&id=7 HTTP/1.1" 200 18233 "https://www.example.com/search?q=camera" "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15"`,
	`2001:db8::4:1 - alice [05/Mar/2024 14:00:02.004 +0100] "POST /api/v2/orders HTTP/2.0" 201 512 "-" "curl/8.5.0"`,
	`198.51.100.23 - - [05/Mar/2024 14:00:02.500 +0100] "GET /images/20/63/894c24fc_320x720.jpg HTTP/1.1" 304 - "https://www.example.com/products/toys" "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/123.0.0.0 Safari/537.36"`,
	`192.0.2.99 - - [05/Mar/2024 14:00:03.999 -0700] "GET /search?q=\"toys\" HTTP/1.1" 404 153 "-" "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"`,
}

const benchStrftimeSpec = `apache:%h %l %u [%{%d/%b/%Y %T}t.%{msec_frac}t %{%z}t] "%r" %>s %b "%{Referer}i" "%{User-Agent}i"`

// benchmarkLines parses lines with the format spec; every line must parse.
func benchmarkLines(b *testing.B, spec string, lines []string) {
	f, err := ParseFormatSpec(spec)
	if err != nil {
		b.Fatal(err)
	}
	p := f.NewParser()
	var rec Record
	data := make([][]byte, len(lines))
	size := 0
	for i, l := range lines {
		data[i] = []byte(l)
		size += len(l) + 1
		if r := p.Parse(data[i], &rec); r.Kind != Parsed {
			b.Fatalf("%s: %s", l, outcome(r, &rec))
		}
	}
	b.ReportAllocs()
	b.SetBytes(int64(size))
	var sink int64
	for b.Loop() {
		for _, l := range data {
			p.Parse(l, &rec)
			sink += rec.Time + int64(rec.Status) + int64(len(rec.Path)+len(rec.UserAgent)) + rec.Duration
		}
	}
	clfSink = sink
}

var clfSink int64

func BenchmarkParseCombined(b *testing.B) {
	benchmarkLines(b, "combined", benchCombinedLines)
}

func BenchmarkParseNginxTimed(b *testing.B) {
	benchmarkLines(b, benchTimedSpec, benchTimedLines)
}

func BenchmarkParseNginxJSON(b *testing.B) {
	benchmarkLines(b, fuzzJSONSpec, benchJSONLines)
}

func BenchmarkParseApacheStrftime(b *testing.B) {
	benchmarkLines(b, benchStrftimeSpec, benchStrftimeLines)
}
