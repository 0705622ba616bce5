package parser

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"
	"unsafe"
)

// describe renders the fields of rec a test checks, in a fixed order,
// leaving out empty ones.
func describe(rec *Record) string {
	var b strings.Builder
	add := func(k string, v []byte) {
		if v != nil {
			fmt.Fprintf(&b, " %s=%q", k, v)
		}
	}
	add("host", rec.Host)
	add("user", rec.User)
	if rec.HasTime {
		fmt.Fprintf(&b, " time=%s", time.Unix(rec.Time, int64(rec.Nanos)).UTC().Format(time.RFC3339Nano))
	}
	add("method", rec.Method)
	add("path", rec.Path)
	add("query", rec.Query)
	add("proto", rec.Protocol)
	if rec.HasStatus {
		fmt.Fprintf(&b, " status=%03d", rec.Status)
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
	if rec.HasUpstream {
		fmt.Fprintf(&b, " up=%dus", rec.Upstream)
	}
	add("ref", rec.Referer)
	add("ua", rec.UserAgent)
	add("vhost", rec.VHost)
	add("port", rec.ServerPort)
	add("xff", rec.XForwardedFor)
	add("scheme", rec.Scheme)
	for _, f := range rec.Extra {
		add(f.Name, f.Value)
	}
	return strings.TrimSpace(b.String())
}

// outcome renders a parse result: the record when parsed, else the
// reason, column and field.
func outcome(res Result, rec *Record) string {
	switch res.Kind {
	case Parsed:
		return describe(rec)
	case Skipped:
		return "skipped " + string(res.Reason)
	}
	s := fmt.Sprintf("malformed %s col=%d", res.Reason, res.Column)
	if res.Field != "" {
		s += " field=" + res.Field
	}
	return s
}

const clfLine = `1.2.3.4 - bob [10/Oct/2000:13:55:36 -0700] "GET /a.html?x=1 HTTP/1.1" 200 2326`

// lineFormatTests are single lines parsed with a format spec, and the
// outcome (see outcome) each must give. The fuzz targets seed from them.
var lineFormatTests = []struct {
	name, spec, line, want string
}{
	{"common", "common", clfLine,
		`host="1.2.3.4" user="bob" time=2000-10-10T20:55:36Z method="GET" path="/a.html" query="x=1" proto="HTTP/1.1" status=200 bytes=2326`},
	{"combined", "combined", clfLine + ` "http://r.example/" "Mozilla/5.0 (X11)"`,
		`host="1.2.3.4" user="bob" time=2000-10-10T20:55:36Z method="GET" path="/a.html" query="x=1" proto="HTTP/1.1" status=200 bytes=2326 ref="http://r.example/" ua="Mozilla/5.0 (X11)"`},
	{"combined accepts a common line", "combined", clfLine,
		`host="1.2.3.4" user="bob" time=2000-10-10T20:55:36Z method="GET" path="/a.html" query="x=1" proto="HTTP/1.1" status=200 bytes=2326`},
	{"combined accepts a line without agent", "combined", clfLine + ` "-"`,
		`host="1.2.3.4" user="bob" time=2000-10-10T20:55:36Z method="GET" path="/a.html" query="x=1" proto="HTTP/1.1" status=200 bytes=2326`},
	{"dash bytes and dash request", "common", `::1 - - [10/Oct/2000:13:55:36 +0000] "-" 408 -`,
		`host="::1" time=2000-10-10T13:55:36Z status=408 bytes=0`},
	{"trailing spaces", "combined", clfLine + ` "-" "ua"  ` + "\t", `host="1.2.3.4" user="bob" time=2000-10-10T20:55:36Z method="GET" path="/a.html" query="x=1" proto="HTTP/1.1" status=200 bytes=2326 ua="ua"`},
	{"apache escapes", "combined", clfLine + ` "-" "say \"hi\" \\ \x41\t"`,
		`host="1.2.3.4" user="bob" time=2000-10-10T20:55:36Z method="GET" path="/a.html" query="x=1" proto="HTTP/1.1" status=200 bytes=2326 ua="say \"hi\" \\ A\t"`},
	{"raw quote inside a quoted field", "combined", clfLine + ` "a "quoted" ref" "ua"`,
		`host="1.2.3.4" user="bob" time=2000-10-10T20:55:36Z method="GET" path="/a.html" query="x=1" proto="HTTP/1.1" status=200 bytes=2326 ref="a \"quoted\" ref" ua="ua"`},
	{"raw quote inside the last field is not guessed", "combined", clfLine + ` "-" "a "quoted" agent"`, `malformed trailing_data col=88`},
	{"binary request", "common", `1.2.3.4 - - [10/Oct/2000:13:55:36 +0000] "\x16\x03\x01\x00" 400 226`,
		`host="1.2.3.4" time=2000-10-10T13:55:36Z status=400 bytes=226`},
	{"HTTP/0.9 and spaces in the target", "common", `h - - [10/Oct/2000:13:55:36 +0000] "GET /a b c HTTP/1.0" 200 1`,
		`host="h" time=2000-10-10T13:55:36Z method="GET" path="/a b c" proto="HTTP/1.0" status=200 bytes=1`},
	{"vcombined", "vcombined", `www.example.org:443 ` + clfLine + ` "-" "ua"`,
		`host="1.2.3.4" user="bob" time=2000-10-10T20:55:36Z method="GET" path="/a.html" query="x=1" proto="HTTP/1.1" status=200 bytes=2326 ua="ua" vhost="www.example.org" port="443"`},
	{"nginx default", "nginx", `1.2.3.4 - - [10/Oct/2000:13:55:36 +0000] "GET / HTTP/2.0" 499 0 "-" "x\x22y"`,
		`host="1.2.3.4" time=2000-10-10T13:55:36Z method="GET" path="/" proto="HTTP/2.0" status=499 bytes=0 ua="x\"y"`},

	// Apache directives.
	{"apache timing and headers", `apache:%h %l %u %t "%r" %>s %b %D %{ms}T "%{X-Forwarded-For}i" %{X-Request-Id}i %v`,
		`1.2.3.4 - - [10/Oct/2000:13:55:36 +0000] "GET / HTTP/1.1" 503 10 1500 2 "9.9.9.9, 8.8.8.8" abc-1 site`,
		`host="1.2.3.4" time=2000-10-10T13:55:36Z method="GET" path="/" proto="HTTP/1.1" status=503 bytes=10 dur=1500us vhost="site" xff="9.9.9.9, 8.8.8.8" %{ms}T="2" %{X-Request-Id}i="abc-1"`},
	{"apache %T seconds", `apache:%h %>s %T`, `h 200 3`, `host="h" status=200 dur=3000000us`},
	{"apache strftime time as in the manual", `apache:%h [%{%d/%b/%Y %T}t.%{msec_frac}t %{%z}t] %>s`,
		`h [10/Oct/2000 13:55:36.250 -0700] 200`, `host="h" time=2000-10-10T20:55:36.25Z status=200`},
	{"apache ISO strftime", `apache:%{%Y-%m-%dT%H:%M:%S%z}t %>s`, `2024-03-05T14:00:00+0100 404`, `time=2024-03-05T13:00:00Z status=404`},
	{"apache epoch msec", `apache:%{msec}t %>s`, `1709647200123 200`, `time=2024-03-05T14:00:00.123Z status=200`},
	{"apache LogFormat directive", `apache:LogFormat "%h \"%r\" %>s" short`, `h "GET /x HTTP/1.1" 302`,
		`host="h" method="GET" path="/x" proto="HTTP/1.1" status=302`},
	{"apache escaped quotes as in httpd.conf", `apache:%h \"%r\" %>s`, `h "GET /x HTTP/1.1" 302`,
		`host="h" method="GET" path="/x" proto="HTTP/1.1" status=302`},
	{"apache %s and %>s", `apache:%s %>s`, `302 200`, `status=200 %s="302"`},
	{"apache mod_ssl request log", `apache:%t %h %{SSL_PROTOCOL}x %{SSL_CIPHER}x "%r" %b`,
		`[10/Oct/2000:13:55:36 +0000] 1.2.3.4 TLSv1.2 ECDHE-RSA-AES128-GCM-SHA256 "GET / HTTP/1.1" -`,
		`host="1.2.3.4" time=2000-10-10T13:55:36Z method="GET" path="/" proto="HTTP/1.1" bytes=0 %{SSL_PROTOCOL}x="TLSv1.2" %{SSL_CIPHER}x="ECDHE-RSA-AES128-GCM-SHA256"`},
	{"apache two-letter directives", `apache:%h %>s %^FB %{Grpc-Status}^to`, `h 200 1520 0`, `host="h" status=200 %^FB="1520" %{Grpc-Status}^to="0"`},
	{"apache %m %U %q %H", `apache:%m %U%q %H %>s`, `GET /a?b=1 HTTP/1.1 200`, `method="GET" path="/a" query="b=1" proto="HTTP/1.1" status=200`},

	// nginx variables.
	{"nginx timed", `nginx:$remote_addr [$time_local] "$request" $status $body_bytes_sent $request_time $upstream_response_time $upstream_addr`,
		`1.2.3.4 [10/Oct/2000:13:55:36 +0000] "GET / HTTP/1.1" 502 0 1.250 0.500, 0.250 : 0.125 10.0.0.1:80`,
		`host="1.2.3.4" time=2000-10-10T13:55:36Z method="GET" path="/" proto="HTTP/1.1" status=502 bytes=0 dur=1250000us up=875000us upstream_addr="10.0.0.1:80"`},
	{"nginx no upstream", `nginx:$status $request_time $upstream_response_time`, `444 0.000 -`, `status=444 dur=0us`},
	{"nginx list field empty at the start of the line", `nginx:$upstream_addr $status`, ` 200`, `status=200 upstream_addr=""`},
	{"nginx iso and request_uri", `nginx:$time_iso8601 $request_method $request_uri $server_protocol $status $host`,
		`2024-03-05T14:00:00+01:00 POST /api?id=7 HTTP/2.0 201 shop.example`,
		`time=2024-03-05T13:00:00Z method="POST" path="/api" query="id=7" proto="HTTP/2.0" status=201 vhost="shop.example"`},
	{"nginx msec", `nginx:$msec $status`, `1709647200.123 200`, `time=2024-03-05T14:00:00.123Z status=200`},
	{"nginx json", `nginx:escape=json {"t":"$time_iso8601","s":$status,"u":"$request_uri","ua":"$http_user_agent","rt":$request_time}`,
		`{"t":"2024-03-05T14:00:00Z","s":200,"u":"/a","ua":"say \"hi\" \u00e9\\","rt":0.004}`,
		`time=2024-03-05T14:00:00Z path="/a" status=200 dur=4000us ua="say \"hi\" é\\"`},
	{"nginx json wrong shape", `nginx:escape=json {"t":"$time_iso8601","s":$status}`, `{"s":200,"t":"2024-03-05T14:00:00Z"}`,
		`malformed invalid_json col=3`},
	{"nginx json extra key", `nginx:escape=json {"u":"$request_uri","s":"$status"}`, `{"u":"/a","s":"200","r":"x"}`,
		`malformed invalid_json col=20 field=status`},
	{"nginx json raw quote in a value", `nginx:escape=json {"u":"$request_uri","s":"$status"}`, `{"u":"/a"b","s":"200"}`,
		`malformed invalid_json col=10 field=request_uri`},
	{"nginx json escaped quote and backslash before the closing quote", `nginx:escape=json {"ua":"$http_user_agent","s":$status}`, `{"ua":"a\"b\\","s":200}`,
		`status=200 ua="a\"b\\"`},
	{"nginx json unset upstream", `nginx:escape=json {"s":$status,"urt":"$upstream_response_time","rt":$request_time}`,
		`{"s":200,"urt":"","rt":0.001}`, `status=200 dur=1000us`},
	{"nginx json empty status", `nginx:escape=json {"s":"$status","urt":"$upstream_response_time"}`,
		`{"s":"","urt":"0.5"}`, `malformed invalid_status col=7 field=status`},
	{"nginx escape=none unset upstream", `nginx:escape=none $status [$upstream_response_time] $body_bytes_sent`,
		`200 [] 5`, `status=200 bytes=5`},
	{"nginx default escaping writes - not empty", `nginx:$status [$upstream_response_time]`,
		`200 []`, `malformed invalid_number col=6 field=upstream_response_time`},
	{"nginx log_format directive", `nginx:log_format main '$remote_addr "$request" '` + "\n" + `  '$status';`, `h "GET / HTTP/1.1" 200`,
		`host="h" method="GET" path="/" proto="HTTP/1.1" status=200`},

	// Malformed lines.
	{"bad status", "common", strings.Replace(clfLine, " 200 ", " 2e2 ", 1), `malformed invalid_status col=71 field=%>s`},
	{"status over three digits", "common", strings.Replace(clfLine, " 200 ", " 1000 ", 1), `malformed invalid_status col=71 field=%>s`},
	{"bad date", "common", strings.Replace(clfLine, "10/Oct", "31/Feb", 1), `malformed invalid_timestamp col=16 field=%t`},
	{"bad bytes", "common", strings.Replace(clfLine, "2326", "-5", 1), `malformed invalid_number col=75 field=%b`},
	{"line ends after status", "combined", `1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.1" 200`, `malformed missing_fields col=62 field=%>s`},
	{"line ends after time", "combined", `1.2.3.4 - - [10/Oct/2000:13:55:36 -0700]`, `malformed missing_fields col=41 field=%t`},
	{"unterminated request", "combined", `1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.1`, `malformed unterminated_quote col=42 field=%r`},
	{"trailing field", "combined", clfLine + ` "-" "ua" "extra"`, `malformed trailing_data col=88`},
	{"trailing field after a last number", "common", clfLine + ` "-" "ua"`, `malformed trailing_data col=79`},
	{"trailing field after a last duration", `nginx:$status $request_time`, `200 - 0.321`, `malformed trailing_data col=6`},
	{"trailing field after a last upstream list", `nginx:$status $upstream_response_time`, `502 0.001, 0.002 : 0.003 x`, `malformed trailing_data col=25`},
	{"a last upstream list", `nginx:$status $upstream_response_time`, `502 0.001, 0.002 : 0.003`, `status=502 up=6000us`},
	{"a bad last number is still a bad number", "common", strings.Replace(clfLine, "2326", "23x6", 1), `malformed invalid_number col=75 field=%b`},
	{"no bracket", "common", `1.2.3.4 - - 10/Oct/2000:13:55:36 -0700 "GET / HTTP/1.1" 200 1`, `malformed literal_mismatch col=13 field=%t`},
	{"blank", "common", "   ", `skipped blank`},
}

func TestLineFormats(t *testing.T) {
	for _, tt := range lineFormatTests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := ParseFormatSpec(tt.spec)
			if err != nil {
				t.Fatal(err)
			}
			var rec Record
			got := outcome(f.NewParser().Parse([]byte(tt.line), &rec), &rec)
			if got != tt.want {
				t.Errorf("line %q\n got %s\nwant %s", tt.line, got, tt.want)
			}
		})
	}
}

func TestFormatNames(t *testing.T) {
	tests := []struct{ spec, want string }{
		{"combined", "combined"},
		{`nginx:$remote_addr $status`, `nginx:$remote_addr $status`},
		{`nginx:escape=default $remote_addr $status`, `nginx:$remote_addr $status`},
		{`nginx:escape=json {"s":$status}`, `nginx:escape=json {"s":$status}`},
		{`nginx:log_format j escape=none '$status';`, `nginx:escape=none $status`},
		{`apache:%h \"%r\" %>s`, `apache:%h "%r" %>s`},
	}
	for _, tt := range tests {
		f, err := ParseFormatSpec(tt.spec)
		if err != nil {
			t.Fatal(err)
		}
		if f.Name() != tt.want {
			t.Errorf("ParseFormatSpec(%q).Name() = %q, want %q", tt.spec, f.Name(), tt.want)
		}
		// The name compiles the same format.
		again, err := ParseFormatSpec(f.Name())
		if err != nil || again.Name() != f.Name() {
			t.Errorf("ParseFormatSpec(%q) = %v, %v; want the format %q", f.Name(), again, err, f.Name())
		}
	}
}

func TestUnknownFormat(t *testing.T) {
	tests := []struct{ spec, want string }{
		{"bogus", "unknown format"},
		{"xml:$a", "unknown format kind"},
	}
	for _, tt := range tests {
		_, err := ParseFormatSpec(tt.spec)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParseFormatSpec(%q) = %v, want an error with %q", tt.spec, err, tt.want)
		}
	}
}

func TestAutoPicksNarrowest(t *testing.T) {
	tests := []struct{ lines, want string }{
		{clfLine + "\n" + clfLine + "\n", "common"},
		{clfLine + ` "-" "ua"` + "\n" + clfLine + "\n", "combined"},
		{`v:80 ` + clfLine + ` "-" "ua"` + "\n", "vcombined"},
		{"#Fields: date time sc-status\n2024-03-05 14:00:00 200\n", "iis"},
		{"#Software: IIS\n#Fields: date time sc-status\n", "iis"},
	}
	for _, tt := range tests {
		d := Detect([]byte(tt.lines), AutoCandidates(nil))
		got := "none"
		if d.Format != nil {
			got = d.Format.Name()
		}
		if got != tt.want {
			t.Errorf("Detect(%q) = %s, want %s", tt.lines, got, tt.want)
		}
	}
}

// within reports whether inner lies inside outer's backing array (up to
// its capacity). An empty inner is within anything.
func within(inner, outer []byte) bool {
	if len(inner) == 0 {
		return true
	}
	if cap(outer) == 0 {
		return false
	}
	lo := uintptr(unsafe.Pointer(unsafe.SliceData(outer)))
	hi := lo + uintptr(cap(outer))
	p := uintptr(unsafe.Pointer(unsafe.SliceData(inner)))
	return p >= lo && p+uintptr(len(inner)) <= hi
}

// TestUnescapedValuesInScratch checks that values decoded on one line all
// stay in the parser's scratch buffer, even when a later value needs more
// room than an earlier one left.
func TestUnescapedValuesInScratch(t *testing.T) {
	tests := []struct{ spec, line string }{
		{"combined", clfLine + ` "\"" "` + strings.Repeat(`Mozilla \x41 `, 50) + `"`},
		{"combined", clfLine + ` "` + strings.Repeat(`\"`, 100) + `" "\\"`},
		{`nginx:escape=json {"r":"$http_referer","u":"$http_user_agent","x":"$http_x_forwarded_for"}`,
			`{"r":"\/","u":"` + strings.Repeat(`\u00e9`, 40) + `","x":"\t"}`},
	}
	for _, tt := range tests {
		f, err := ParseFormatSpec(tt.spec)
		if err != nil {
			t.Fatal(err)
		}
		p := f.NewParser().(*lineParser)
		var rec Record
		if res := p.Parse([]byte(tt.line), &rec); res.Kind != Parsed {
			t.Fatalf("%q: %s", tt.line, outcome(res, &rec))
		}
		for _, v := range [][]byte{rec.Referer, rec.UserAgent, rec.XForwardedFor} {
			if len(v) > 0 && !within(v, p.scratch) {
				t.Errorf("%q: value %.20q... is not in the scratch buffer", tt.line, v)
			}
		}
	}
}

func TestParseAllocs(t *testing.T) {
	f, _ := ParseFormatSpec("combined")
	p := f.NewParser()
	line := []byte(clfLine + ` "http://r/\"x\"" "Mozilla \x41"`)
	var rec Record
	p.Parse(line, &rec)
	if n := testing.AllocsPerRun(100, func() { p.Parse(line, &rec) }); n != 0 {
		t.Errorf("Parse allocates %.1f times per line, want 0", n)
	}
}

// splitRequestRef is splitRequest as first written (a byte loop from the
// end for the protocol, a chain of comparisons for token bytes): the
// faster one must split every request the same.
func splitRequestRef(rec *Record) {
	r := rec.Request
	sp := bytes.IndexByte(r, ' ')
	isTok := func(b []byte) bool {
		for _, c := range b {
			if !(c-'A' < 26 || c-'a' < 26 || c-'0' < 10 || c == '-' || c == '_' || c == '.' || c == '!' || c == '~' || c == '*' || c == '+' || c == '\'' || c == '#' || c == '$' || c == '%' || c == '&' || c == '^' || c == '`' || c == '|') {
				return false
			}
		}
		return len(b) > 0
	}
	if sp <= 0 || !isTok(r[:sp]) {
		return
	}
	method, target := r[:sp], r[sp+1:]
	if last := bytes.LastIndexByte(target, ' '); last >= 0 && bytes.HasPrefix(target[last+1:], []byte("HTTP/")) {
		rec.Protocol = target[last+1:]
		target = target[:last]
	}
	for len(target) > 0 && target[len(target)-1] == ' ' {
		target = target[:len(target)-1]
	}
	ok := targetRef.Match(target) || string(method) == "CONNECT" && authorityRef.Match(target)
	if !ok {
		rec.Protocol = nil
		return
	}
	rec.Method = method
	if q := bytes.IndexByte(target, '?'); q >= 0 {
		rec.Path, rec.Query = target[:q], target[q+1:]
	} else {
		rec.Path = target
	}
}

// The request-target forms of RFC 9112 §3.2, as splitRequestRef checks
// them: origin-form, "*", absolute-form; authority-form for CONNECT.
var (
	targetRef    = regexp.MustCompile(`(?s)^(/.*|\*|[A-Za-z][A-Za-z0-9+.-]*://.+)$`)
	authorityRef = regexp.MustCompile(`(?s)^[^ :][^ ]*:[^ ]*$`)
)

func TestSplitRequestMatchesReference(t *testing.T) {
	fixed := []string{"GET / HTTP/1.1", "GET /a?b HTTP/2.0", "POST /x HTTP/1.0 ", "GET /a b HTTP/1.1", "GET /a HTTP/ .1",
		"GET /a  HTTP/1.1", "GET HTTP/1.1", "GET", "-", "", " GET / HTTP/1.1", "G\x80T / HTTP/1.1", "GET /a HTTP/2",
		"GET /a HTTPS/1.1", "\x16\x03\x01 / HTTP/1.1", "M-SEARCH * HTTP/1.1", "GET /?q=1 x HTTP/1.1",
		"GET http://a/ HTTP/1.1", "GET http:// HTTP/1.1", "GET 1http://a HTTP/1.1", "CONNECT a.example:443 HTTP/1.1",
		"CONNECT :443 HTTP/1.1", "GET a.example:443 HTTP/1.1", "145.ll|'|'|x|'|'|Win 7 Professional SP1 x64|'|'|No", "GET * HTTP/1.1"}
	rng := rand.New(rand.NewPCG(9, 10))
	parts := []string{"GET", "POST", "CONNECT", "http://", "a:1", "*", "M\x00", "G\xffT", " ", " ", "/", "/a", "?", "q=1", "HTTP/", "1.1", "HTTP/1.1", "2", "x", "\t", "é"}
	for range 50_000 {
		var b []byte
		for range rng.IntN(8) {
			b = append(b, parts[rng.IntN(len(parts))]...)
		}
		fixed = append(fixed, string(b))
	}
	for _, r := range fixed {
		a, b := Record{Request: []byte(r)}, Record{Request: []byte(r)}
		splitRequest(&a)
		splitRequestRef(&b)
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("%q:\n got %+v\nwant %+v", r, a, b)
		}
	}
	for c := range 256 {
		ref := Record{Request: []byte{byte(c), ' ', '/'}}
		got := ref
		splitRequest(&got)
		splitRequestRef(&ref)
		if !reflect.DeepEqual(got, ref) {
			t.Fatalf("method byte %#x: got %+v, want %+v", c, got, ref)
		}
	}
}
