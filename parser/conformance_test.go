package parser

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// Per-line conformance: lines written from the servers' documentation
// (nginx ngx_http_log_module's log_format, Apache mod_log_config's
// LogFormat, the IIS W3C extended field list) and what webalyze must read
// from each, one compact string per line:
//
//	client=10.0.0.1 time=2017-06-11T08:00:00Z method=GET path=/ query=a=1 status=200 sub=2 win32=5 bytes=741 agent="curl/8"
//
// Absent fields are left out. A request line that is not HTTP shows as
// request="..." nothhtp, with no method and no path.

// conform renders what the conformance table checks of a parse.
func conform(res Result, rec *Record) string {
	if res.Kind != Parsed {
		return fmt.Sprintf("%s %s", res.Kind, res.Reason)
	}
	var b strings.Builder
	str := func(k string, v []byte) {
		if len(v) > 0 {
			fmt.Fprintf(&b, " %s=%s", k, v)
		}
	}
	str("client", rec.Host)
	if len(rec.XForwardedFor) > 0 {
		fmt.Fprintf(&b, " xff=%q", rec.XForwardedFor)
	}
	if len(rec.User) > 0 {
		fmt.Fprintf(&b, " user=%q", rec.User)
	}
	if rec.HasTime {
		fmt.Fprintf(&b, " time=%s", time.Unix(rec.Time, int64(rec.Nanos)).UTC().Format(time.RFC3339Nano))
	}
	if rec.NotHTTP() {
		fmt.Fprintf(&b, " request=%q nothttp", rec.Request)
	}
	str("method", rec.Method)
	if len(rec.Path) > 0 {
		fmt.Fprintf(&b, " path=%q", rec.Path)
	}
	str("query", rec.Query)
	if rec.HasStatus {
		fmt.Fprintf(&b, " status=%03d", rec.Status)
	}
	if rec.HasSubStatus {
		fmt.Fprintf(&b, " sub=%d", rec.SubStatus)
	}
	if rec.HasWin32Status {
		fmt.Fprintf(&b, " win32=%d", rec.Win32Status)
	}
	if rec.HasBytes {
		fmt.Fprintf(&b, " bytes=%d", rec.Bytes)
	}
	if rec.HasRequestBytes {
		fmt.Fprintf(&b, " reqbytes=%d", rec.RequestBytes)
	}
	if rec.HasDuration {
		fmt.Fprintf(&b, " dur=%dus", rec.Duration)
	}
	if len(rec.UserAgent) > 0 {
		fmt.Fprintf(&b, " agent=%q", rec.UserAgent)
	}
	if len(rec.VHost) > 0 {
		fmt.Fprintf(&b, " vhost=%q", rec.VHost)
	}
	return strings.TrimSpace(b.String())
}

// The formats of the table. iis: is followed by a #Fields list.
const (
	docNginxXFF    = `nginx:$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $http_x_forwarded_for`
	docNginxProxy  = `nginx:$proxy_add_x_forwarded_for - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent"`
	docNginxBefore = `nginx:$http_x_forwarded_for $remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent`
	docApacheXFF   = `apache:%{X-Forwarded-For}i %h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i"`
	docIIS         = `iis:date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken`
)

var conformanceTests = []struct {
	name, spec, line, want string
}{
	// nginx: the built-in "combined" format (log_format docs).
	{"nginx combined", "nginx",
		`192.0.2.1 - - [11/Jun/2017:08:00:00 +0000] "GET /index.html?a=1 HTTP/1.1" 200 741 "-" "curl/8.5.0"`,
		`client=192.0.2.1 time=2017-06-11T08:00:00Z method=GET path="/index.html" query=a=1 status=200 bytes=741 agent="curl/8.5.0"`},
	// Cause 1: lists of addresses in unquoted fields.
	{"nginx unquoted $http_x_forwarded_for list, last field", docNginxXFF,
		`192.0.2.1 - - [11/Jun/2017:08:00:00 +0000] "GET / HTTP/1.1" 200 741 "-" "curl/8" 203.0.113.9, 10.0.0.1, 127.0.0.1`,
		`client=192.0.2.1 xff="203.0.113.9, 10.0.0.1, 127.0.0.1" time=2017-06-11T08:00:00Z method=GET path="/" status=200 bytes=741 agent="curl/8"`},
	{"nginx $proxy_add_x_forwarded_for in place of $remote_addr", docNginxProxy,
		`10.0.0.2, 10.0.0.1, 127.0.0.1 - - [07/Dec/2016:11:05:07 +0100] "GET /ocelot HTTP/1.1" 200 571 "-" "Mozilla/5.0"`,
		`client=127.0.0.1 xff="10.0.0.2, 10.0.0.1, 127.0.0.1" time=2016-12-07T10:05:07Z method=GET path="/ocelot" status=200 bytes=571 agent="Mozilla/5.0"`},
	{"nginx $proxy_add_x_forwarded_for, one address", docNginxProxy,
		`192.0.2.7 - - [07/Dec/2016:11:05:07 +0100] "GET / HTTP/1.1" 200 5 "-" "-"`,
		`client=192.0.2.7 xff="192.0.2.7" time=2016-12-07T10:05:07Z method=GET path="/" status=200 bytes=5`},
	{"nginx list before $remote_addr: IPv6, unknown, no spaces", docNginxBefore,
		`2001:db8::7, unknown,10.0.0.1 10.2.2.121 - - [30/Dec/2016:06:47:09 +0000] "GET /test.html HTTP/1.1" 404 8571`,
		`client=10.2.2.121 xff="2001:db8::7, unknown,10.0.0.1" time=2016-12-30T06:47:09Z method=GET path="/test.html" status=404 bytes=8571`},
	{"nginx list before $remote_addr: '-'", docNginxBefore,
		`- 10.2.2.121 - - [30/Dec/2016:06:47:09 +0000] "GET / HTTP/1.1" 200 1`,
		`client=10.2.2.121 time=2016-12-30T06:47:09Z method=GET path="/" status=200 bytes=1`},
	{"apache %{X-Forwarded-For}i before %h", docApacheXFF,
		`203.0.113.9, 198.51.100.2 10.0.0.1 - - [11/Jun/2017:08:00:00 +0000] "GET /a HTTP/1.1" 200 10 "-" "ua"`,
		`client=10.0.0.1 xff="203.0.113.9, 198.51.100.2" time=2017-06-11T08:00:00Z method=GET path="/a" status=200 bytes=10 agent="ua"`},
	// Cause 2: a user name with a space.
	{"common: user with a space", "common",
		`10.0.0.11 - Songmu Yaxing [11/Jun/2017:05:56:04 +0900] "GET / HTTP/1.1" 200 741`,
		`client=10.0.0.11 user="Songmu Yaxing" time=2017-06-10T20:56:04Z method=GET path="/" status=200 bytes=741`},
	{"combined: user with a space", "combined",
		`10.0.0.11 - Songmu Yaxing [11/Jun/2017:05:56:04 +0900] "GET / HTTP/1.1" 200 741 "-" "ua"`,
		`client=10.0.0.11 user="Songmu Yaxing" time=2017-06-10T20:56:04Z method=GET path="/" status=200 bytes=741 agent="ua"`},
	{"nginx: $remote_user with a space", "nginx",
		`10.0.0.11 - Songmu Yaxing [11/Jun/2017:05:56:04 +0900] "GET / HTTP/1.1" 200 741 "-" "ua"`,
		`client=10.0.0.11 user="Songmu Yaxing" time=2017-06-10T20:56:04Z method=GET path="/" status=200 bytes=741 agent="ua"`},
	{"combined: '- bob' is not a user", "combined",
		`www.example.org 1.2.3.4 - bob [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.1" 200 1 "-" "ua"`,
		`malformed literal_mismatch`},
	// Cause 3: request lines that are not HTTP.
	{"junk with a token first word", "nginx",
		`1.2.3.4 - - [29/Jul/2023:10:26:06 -0700] "145.ll|'|'|SGFjS2VkX0Q0OTkwNjI3|'|'|Win 7 Professional SP1 x64|'|'|No" 400 157 "-" "-"`,
		`client=1.2.3.4 time=2023-07-29T17:26:06Z request="145.ll|'|'|SGFjS2VkX0Q0OTkwNjI3|'|'|Win 7 Professional SP1 x64|'|'|No" nothttp status=400 bytes=157`},
	{"TLS handshake on a plain port, \\xNN escapes (nginx)", "nginx",
		`1.2.3.4 - - [29/Jul/2023:10:26:06 -0700] "\x16\x03\x01\x00\xA5\x01\x00" 400 157 "-" "-"`,
		`client=1.2.3.4 time=2023-07-29T17:26:06Z request="\x16\x03\x01\x00\xa5\x01\x00" nothttp status=400 bytes=157`},
	{"GET with a relative target", "combined",
		`1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET index.html HTTP/1.0" 400 0 "-" "-"`,
		`client=1.2.3.4 time=2000-10-10T20:55:36Z request="GET index.html HTTP/1.0" nothttp status=400 bytes=0`},
	{"OPTIONS *", "combined",
		`1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "OPTIONS * HTTP/1.1" 200 0 "-" "-"`,
		`client=1.2.3.4 time=2000-10-10T20:55:36Z method=OPTIONS path="*" status=200 bytes=0`},
	{"absolute-form", "combined",
		`1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET http://example.com/a?b HTTP/1.1" 200 0 "-" "-"`,
		`client=1.2.3.4 time=2000-10-10T20:55:36Z method=GET path="http://example.com/a" query=b status=200 bytes=0`},
	{"CONNECT authority-form", "combined",
		`1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "CONNECT example.com:443 HTTP/1.1" 405 0 "-" "-"`,
		`client=1.2.3.4 time=2000-10-10T20:55:36Z method=CONNECT path="example.com:443" status=405 bytes=0`},
	{"GET with an authority is not HTTP", "combined",
		`1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET example.com:443 HTTP/1.1" 400 0 "-" "-"`,
		`client=1.2.3.4 time=2000-10-10T20:55:36Z request="GET example.com:443 HTTP/1.1" nothttp status=400 bytes=0`},
	{"no request (\"-\"), 408", "combined",
		`::1 - - [26/Dec/2016:16:16:48 +0200] "-" 408 - "-" "-"`,
		`client=::1 time=2016-12-26T14:16:48Z status=408 bytes=0`},
	// Apache mod_log_config: escapes and absent values.
	{"apache \\xNN and \\\" in the user agent", "combined",
		`127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326 "http://www.example.com/start.html" "Mozilla/4.08 \"x\" \xe2\x82\xac"`,
		`client=127.0.0.1 user="frank" time=2000-10-10T20:55:36Z method=GET path="/apache_pb.gif" status=200 bytes=2326 agent="Mozilla/4.08 \"x\" €"`},
	{"IPv6 client with a zone id", "combined",
		`fe80::1%eth0 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.1" 200 1 "-" "-"`,
		`client=fe80::1%eth0 time=2000-10-10T20:55:36Z method=GET path="/" status=200 bytes=1`},
	{"status '-' (no status)", "combined",
		`172.17.1.1 - - [28/Sep/2022:13:38:04 +0000] "GET /mobileadmin/home.cs HTTP/1.1" - - "-" "Nikto"`,
		`client=172.17.1.1 time=2022-09-28T13:38:04Z method=GET path="/mobileadmin/home.cs" bytes=0 agent="Nikto"`},
	{"status 000 (ELB, no response)", "common",
		`1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.1" 000 -`,
		`client=1.2.3.4 time=2000-10-10T20:55:36Z method=GET path="/" status=000 bytes=0`},
	{"status of two digits", "common",
		`1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.1" 20 -`,
		`malformed invalid_status`},
	// IIS: the W3C extended fields with sub-status and win32 status.
	{"iis 404.2 with win32 1260", docIIS,
		`2024-03-05 14:00:01 10.0.0.5 GET /cgi-bin/x.exe a=1 80 - 2001:db8::1%4 Mozilla/5.0+(Windows+NT+10.0) - 404 2 1260 15`,
		`client=2001:db8::1%4 time=2024-03-05T14:00:01Z method=GET path="/cgi-bin/x.exe" query=a=1 status=404 sub=2 win32=1260 dur=15000us agent="Mozilla/5.0 (Windows NT 10.0)"`},
	{"iis 401.1 with a user", docIIS,
		`2024-03-05 14:00:02 10.0.0.5 POST /login - 443 DOMAIN\alice 203.0.113.9 curl/8 https://r/ 401 1 1326 3`,
		`client=203.0.113.9 user="DOMAIN\\alice" time=2024-03-05T14:00:02Z method=POST path="/login" status=401 sub=1 win32=1326 dur=3000us agent="curl/8"`},
	{"iis status '-' (FTP control channel)", docIIS,
		`2024-03-05 14:00:03 10.0.0.5 - - - 21 - 203.0.113.9 - - - - - 0`,
		`client=203.0.113.9 time=2024-03-05T14:00:03Z dur=0us`},
	{"iis 500.19 with win32 13", docIIS,
		`2024-03-05 14:00:04 10.0.0.5 GET /app/ - 80 - 10.0.0.9 - - 500 19 13 0`,
		`client=10.0.0.9 time=2024-03-05T14:00:04Z method=GET path="/app/" status=500 sub=19 win32=13 dur=0us`},
}

func conformanceFormat(tb testing.TB, spec string) Format {
	tb.Helper()
	if fields, ok := strings.CutPrefix(spec, "iis:"); ok {
		return NewW3C(strings.Fields(fields))
	}
	f, err := ParseFormatSpec(spec)
	if err != nil {
		tb.Fatalf("%s: %v", spec, err)
	}
	return f
}

func TestConformance(t *testing.T) {
	for _, tt := range conformanceTests {
		t.Run(tt.name, func(t *testing.T) {
			p := conformanceFormat(t, tt.spec).NewParser()
			var rec Record
			got := conform(p.Parse([]byte(tt.line), &rec), &rec)
			if got != tt.want {
				t.Errorf("%s\n got %s\nwant %s", tt.line, got, tt.want)
			}
		})
	}
}

func TestDetectHints(t *testing.T) {
	// An AWS classic ELB log with one '#' comment line: the W3C parser
	// skips the line, but one comment line is not a W3C header.
	elb := "# a comment\n" +
		"2015-05-13T23:39:43.945958Z my-loadbalancer 1.2.3.4:2817 10.0.0.1:80 0.000086 0.001048 0.001337 200 200 0 57 \"GET https://www.example.com:443/p HTTP/1.1\" \"curl/7.38.0\" DHE-RSA-AES128-SHA TLSv1.2\n"
	d := Detect([]byte(elb), []Format{NewW3C(nil)})
	if d.Format != nil {
		t.Errorf("a '#' comment line made the file %s", d.Format.Name())
	}
	if d.HeaderlessW3C {
		t.Errorf("an ELB log taken for header-less IIS lines")
	}
	// IIS lines without a header: the hint names --w3c-fields.
	iis := "2024-03-05 14:00:01 10.0.0.5 GET /x - 80 - 10.0.0.9 curl/8 - 200 0 0 15\n" +
		"2024-03-05 14:00:02 10.0.0.5 GET /y - 80 - 10.0.0.9 curl/8 - 404 0 2 15\n"
	d = Detect([]byte(iis), AutoCandidates(nil))
	if d.Format != nil || !d.HeaderlessW3C || !strings.Contains(d.NoFormatMessage(), "--w3c-fields") {
		t.Errorf("header-less IIS: format %v, hint %v, message %q", d.Format, d.HeaderlessW3C, d.NoFormatMessage())
	}
	d = Detect([]byte("hello world\nthis is not a log\n"), AutoCandidates(nil))
	if d.Format != nil || d.HeaderlessW3C || strings.Contains(d.NoFormatMessage(), "--w3c-fields") {
		t.Errorf("text: format %v, message %q", d.Format, d.NoFormatMessage())
	}
	// A real IIS header still wins with directive lines only.
	d = Detect([]byte("#Software: Microsoft Internet Information Services 10.0\n#Version: 1.0\n"), AutoCandidates(nil))
	if d.Format == nil || d.Format.Name() != "iis" {
		t.Errorf("IIS header only: format %v", d.Format)
	}
}
