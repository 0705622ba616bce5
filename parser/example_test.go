package parser_test

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/webalyze/webalyze/parser"
)

// Parse a combined line: the request line is split, "-" is an absent
// value, the time is in UTC.
func Example() {
	f, err := parser.ParseFormatSpec("combined")
	if err != nil {
		panic(err)
	}
	p := f.NewParser()
	var rec parser.Record
	line := `203.0.113.7 - - [05/Mar/2024:14:00:01 +0100] "GET /search?q=logs HTTP/1.1" 200 18233 "-" "curl/8.5.0"`
	r := p.Parse([]byte(line), &rec)
	fmt.Println(r.Kind)
	fmt.Printf("host %s, user %q\n", rec.Host, rec.User)
	fmt.Println(time.Unix(rec.Time, 0).UTC().Format(time.RFC3339))
	fmt.Printf("%s %s ? %s %s\n", rec.Method, rec.Path, rec.Query, rec.Protocol)
	fmt.Println(rec.Status, rec.Bytes)
	fmt.Printf("referer %q, agent %q\n", rec.Referer, rec.UserAgent)
	// Output:
	// parsed
	// host 203.0.113.7, user ""
	// 2024-03-05T13:00:01Z
	// GET /search ? q=logs HTTP/1.1
	// 200 18233
	// referer "", agent "curl/8.5.0"
}

// Compile a log_format directive as written in nginx.conf and parse a
// line it wrote. Variables without a place in Record go to Extra.
func ExampleCompileNginx() {
	f, err := parser.CompileNginx("timed", `log_format timed '$remote_addr [$time_local] "$request" '
	                   '$status $body_bytes_sent $request_time $upstream_response_time $ssl_protocol';`)
	if err != nil {
		panic(err)
	}
	p := f.NewParser()
	var rec parser.Record
	line := `10.0.0.1 [05/Mar/2024:14:00:01 +0000] "POST /api HTTP/2.0" 502 157 0.250 0.120, 0.125 TLSv1.3`
	r := p.Parse([]byte(line), &rec)
	fmt.Printf("%s %s %s %d\n", r.Kind, rec.Method, rec.Path, rec.Status)
	fmt.Println("duration", time.Duration(rec.Duration)*time.Microsecond)
	fmt.Println("upstream", time.Duration(rec.Upstream)*time.Microsecond)
	for _, x := range rec.Extra {
		fmt.Printf("%s=%s\n", x.Name, x.Value)
	}
	// Output:
	// parsed POST /api 502
	// duration 250ms
	// upstream 245ms
	// ssl_protocol=TLSv1.3
}

// An IIS log: directives are skipped, #Fields names the columns (again
// after a restart), and the sub-status is kept beside the status.
func ExampleNewW3C() {
	log := `#Software: Microsoft Internet Information Services 10.0
#Fields: date time cs-method cs-uri-stem c-ip sc-status sc-substatus sc-win32-status time-taken
2024-03-05 14:00:01 GET /app/x.aspx 10.0.0.1 404 2 1260 15
#Fields: date time cs-uri-stem sc-status sc-substatus
2024-03-05 14:05:00 /login 401 1
2024-03-05 14:05:01 /login 401`
	p := parser.NewW3C(nil).NewParser()
	var rec parser.Record
	for line := range strings.Lines(log) {
		r := p.Parse([]byte(strings.TrimSuffix(line, "\n")), &rec)
		switch {
		case r.Kind != parser.Parsed && r.Detail != "":
			fmt.Printf("%s %s: %s\n", r.Kind, r.Reason, r.Detail)
		case r.Kind != parser.Parsed:
			fmt.Println(r.Kind, r.Reason)
		case rec.HasWin32Status:
			fmt.Printf("%s %d.%d win32=%d %dms\n", rec.Path, rec.Status, rec.SubStatus, rec.Win32Status, rec.Duration/1000)
		default:
			fmt.Printf("%s %d.%d\n", rec.Path, rec.Status, rec.SubStatus)
		}
	}
	// Output:
	// skipped directive
	// skipped directive
	// /app/x.aspx 404.2 win32=1260 15ms
	// skipped directive
	// /login 401.1
	// malformed field_count: expected 5 fields, got 4
}

// Detect the format of a file from its first lines.
func ExampleDetect() {
	head := []byte(`vhost.example:443 203.0.113.7 - - [05/Mar/2024:14:00:01 +0100] "GET / HTTP/1.1" 200 512 "-" "curl/8.5.0"
vhost.example:443 203.0.113.8 - - [05/Mar/2024:14:00:02 +0100] "GET /a HTTP/1.1" 304 0 "https://vhost.example/" "Mozilla/5.0"
`)
	d := parser.Detect(head, parser.AutoCandidates(nil))
	fmt.Println(d.Format.Name(), d.Parsed, "of", d.Tried)

	// Two fields more than combined: a format is derived.
	head = []byte(`1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.1" 200 2326 "-" "curl/8.5" "-" 0.057
1.2.3.5 - - [10/Oct/2000:13:55:37 -0700] "GET /b HTTP/1.1" 200 12 "-" "curl/8.5" "10.0.0.1, 10.0.0.2" 0.003
`)
	d = parser.Detect(head, parser.AutoCandidates(nil))
	fmt.Println(d.Derived)
	fmt.Println(d.Format.Name())
	// Output:
	// vcombined 2 of 2
	// combined + 2 trailing fields
	// apache:%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i" "%{X-Forwarded-For}i" %{extra2}e
}

// A format that does not compile says where and why; errors.Is tells
// the kind of fault.
func ExampleFormatError() {
	spec := `apache:%h %l %u %t "%r" %>s %b %{Referer}i%{User-Agent}i`
	_, err := parser.ParseFormatSpec(spec)
	var fe *parser.FormatError
	if errors.As(err, &fe) {
		fmt.Println(err)
		fmt.Println(fe.Format)
		fmt.Println(strings.Repeat(" ", fe.Offset) + "^")
	}
	fmt.Println(errors.Is(err, parser.ErrAdjacentFields))
	// Output:
	// apache format: two fields with nothing between them (%{Referer}i%{User-Agent}i) at offset 42
	// apache:%h %l %u %t "%r" %>s %b %{Referer}i%{User-Agent}i
	//                                           ^
	// true
}
