package parser

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The Apache and nginx fuzz targets check properties of every Result:
// a valid Kind; a Reason unless parsed; a column within 1..len(line)+1
// when malformed; a status below 1000; every byte slice of the Record
// inside the line or the parser's scratch buffer; and the same outcome
// when the line is parsed again after another line (the scratch buffer is
// reused). They are seeded from lineFormatTests and, when the shared
// corpus is present, from the first and last lines of its Apache and
// nginx files.

// fuzzJSONSpec is the nginx escape=json template FuzzNginxJSON parses
// with: quoted and bare values, an ISO time, an upstream list.
const fuzzJSONSpec = `nginx:escape=json {"time":"$time_iso8601","ip":"$remote_addr","req":"$request","status":$status,` +
	`"bytes":$body_bytes_sent,"rt":$request_time,"urt":"$upstream_response_time","ref":"$http_referer","ua":"$http_user_agent"}`

// fuzzFormatLines are lines FuzzCompileApache and FuzzCompileNginx parse
// with each format that compiles.
var fuzzFormatLines = []string{
	clfLine,
	clfLine + ` "http://r.example/\"x\"" "Mozilla/5.0 \x41 \\"`,
	`www.example.org:443 ` + clfLine + ` "-" "ua"`,
	`1.2.3.4 [10/Oct/2000:13:55:36 +0000] "GET / HTTP/1.1" 502 0 1.250 0.500, 0.250 : 0.125 10.0.0.1:80`,
	`{"time":"2024-03-05T14:00:00Z","status":200,"ua":"say \"hi\" \u00e9\\","rt":0.004}`,
	`[10/Oct/2000 13:55:36.250 -0700] 1709647200123 h 200 - "" ""`,
	"",
	" ",
	`"`,
	`\`,
}

// fuzzRealLines returns up to n lines from the start and the end of each
// Apache and nginx file of the shared corpus whose name matches pattern,
// or nothing when the corpus is absent.
func fuzzRealLines(pattern string, n int) []string {
	dir := w3cRealDataDir()
	if dir == "" {
		return nil
	}
	var out []string
	for _, sub := range []string{"apache", "nginx"} {
		files, _ := filepath.Glob(filepath.Join(dir, sub, pattern))
		for _, name := range files {
			data, err := os.ReadFile(name)
			if err != nil || bytes.IndexByte(data, 0) >= 0 || strings.HasSuffix(name, ".gz") || strings.HasSuffix(name, ".bz2") {
				continue
			}
			lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
			if len(lines) > 2*n {
				lines = append(lines[:n], lines[len(lines)-n:]...)
			}
			for _, l := range lines {
				if len(l) <= 4096 {
					out = append(out, strings.TrimSuffix(l, "\r"))
				}
			}
		}
	}
	return out
}

// checkLine parses line with p and checks the properties above. It
// returns the outcome string.
func checkLine(t *testing.T, p LineParser, line []byte, rec *Record) string {
	t.Helper()
	r := p.Parse(line, rec)
	switch r.Kind {
	case Parsed:
		if r.Reason != "" {
			t.Fatalf("line %q: parsed with reason %q", line, r.Reason)
		}
		if rec.HasStatus && rec.Status >= 1000 {
			t.Fatalf("line %q: status %d", line, rec.Status)
		}
		if rec.Nanos < 0 || rec.Nanos >= 1e9 || rec.Duration < 0 || rec.Upstream < 0 {
			t.Fatalf("line %q: nanos %d, duration %d, upstream %d", line, rec.Nanos, rec.Duration, rec.Upstream)
		}
		var scratch []byte
		if lp, ok := p.(interface{ scratchBuf() []byte }); ok {
			scratch = lp.scratchBuf()
		}
		check := func(name string, v []byte) {
			if !within(v, line) && !within(v, scratch) {
				t.Fatalf("line %q: %s %q is neither in the line nor in the scratch buffer", line, name, v)
			}
		}
		check("host", rec.Host)
		check("ident", rec.Ident)
		check("user", rec.User)
		check("request", rec.Request)
		check("method", rec.Method)
		check("path", rec.Path)
		check("query", rec.Query)
		check("protocol", rec.Protocol)
		check("referer", rec.Referer)
		check("user agent", rec.UserAgent)
		check("vhost", rec.VHost)
		check("server address", rec.ServerAddr)
		check("server port", rec.ServerPort)
		check("x-forwarded-for", rec.XForwardedFor)
		check("scheme", rec.Scheme)
		for _, f := range rec.Extra {
			check(f.Name, f.Value)
		}
	case Skipped:
		if r.Reason != ReasonBlank {
			t.Fatalf("line %q: skipped with reason %q", line, r.Reason)
		}
	case Malformed:
		if r.Reason == "" || r.Detail == "" {
			t.Fatalf("line %q: malformed without reason or detail: %+v", line, r)
		}
		if r.Column < 1 || r.Column > len(line)+1 {
			t.Fatalf("line %q: column %d out of 1..%d (%s)", line, r.Column, len(line)+1, r.Reason)
		}
	default:
		t.Fatalf("line %q: kind %d", line, r.Kind)
	}
	return outcome(r, rec)
}

// fuzzFormat checks lines with a fresh parser of f, each parsed twice with
// another line in between; the outcomes must agree.
func fuzzFormat(t *testing.T, f Format, lines ...[]byte) {
	p := f.NewParser()
	var rec Record
	first := make([]string, len(lines))
	for i, line := range lines {
		first[i] = checkLine(t, p, line, &rec)
	}
	for i := len(lines) - 1; i >= 0; i-- {
		if again := checkLine(t, p, lines[i], &rec); again != first[i] {
			t.Fatalf("line %q parsed again after others:\n got %s\nwant %s", lines[i], again, first[i])
		}
	}
}

func mustFormat(f *testing.F, spec string) Format {
	format, err := ParseFormatSpec(spec)
	if err != nil {
		f.Fatal(err)
	}
	return format
}

// FuzzApacheCombined parses arbitrary lines with the combined format.
func FuzzApacheCombined(f *testing.F) {
	for _, tt := range lineFormatTests {
		f.Add(tt.line)
	}
	for _, tt := range conformanceTests {
		f.Add(tt.line)
	}
	for _, l := range fuzzRealLines("*", 3) {
		f.Add(l)
	}
	format := mustFormat(f, "combined")
	other := []byte(clfLine + ` "\x41\"" "\\ua"`)
	f.Fuzz(func(t *testing.T, line string) {
		fuzzFormat(t, format, []byte(line), other)
	})
}

// FuzzNginxJSON parses arbitrary lines with an nginx escape=json format.
func FuzzNginxJSON(f *testing.F) {
	for _, tt := range lineFormatTests {
		if strings.Contains(tt.spec, "escape=json") {
			f.Add(tt.line)
		}
	}
	for _, l := range fuzzRealLines("*json*", 3) {
		f.Add(l)
	}
	f.Add(`{"time":"2024-03-05T14:00:00+01:00","ip":"::1","req":"GET /a?b=\"c\" HTTP/1.1","status":200,"bytes":512,` +
		`"rt":0.004,"urt":"0.001, 0.002 : 0.003","ref":"-","ua":"say \"hi\" \u00e9\\ \n"}`)
	format := mustFormat(f, fuzzJSONSpec)
	other := []byte(`{"time":"2024-03-05T14:00:00Z","ip":"h","req":"\u0041 / HTTP/1.0","status":404,"bytes":0,` +
		`"rt":1,"urt":"-","ref":"\\\"","ua":"\t"}`)
	f.Fuzz(func(t *testing.T, line string) {
		fuzzFormat(t, format, []byte(line), other)
	})
}

// fuzzCompile compiles spec with compile; when it compiles, the seed lines
// and line must parse without breaking the properties above.
func fuzzCompile(t *testing.T, compile func(string, string) (Format, error), spec, line string) {
	f, err := compile("", spec)
	if err != nil {
		if f != nil {
			t.Fatalf("spec %q: both a format and an error (%v)", spec, err)
		}
		var fe *FormatError
		if !errors.As(err, &fe) || fe.Format != spec || fe.Offset < 0 || fe.Offset > len(spec) {
			t.Fatalf("spec %q: error %v is not a *FormatError of the spec with an offset inside it", spec, err)
		}
		return
	}
	lines := [][]byte{[]byte(line)}
	for _, l := range fuzzFormatLines {
		lines = append(lines, []byte(l))
	}
	fuzzFormat(t, f, lines...)
}

// FuzzCompileApache compiles arbitrary Apache LogFormat strings.
func FuzzCompileApache(f *testing.F) {
	for _, tt := range lineFormatTests {
		if text, ok := strings.CutPrefix(tt.spec, "apache:"); ok {
			f.Add(text, tt.line)
		}
	}
	for _, spec := range []string{CommonFormat, CombinedFormat, VCombinedFormat, lnavRegexpSpec, sslRequestSpec,
		traefikSpec, icecastSpec, gandiSpec, customDateSpec, matomoCompleteSpec} {
		f.Add(strings.TrimPrefix(spec, "apache:"), clfLine)
	}
	f.Add(`%h %{%d/%b/%Y:%H:%M:%S %z}t %{msec_frac}t %{usec}t "%r" %<s %>s %400,501{User-agent}i %!200{Referer}i %^FB %{c}a`, clfLine)
	f.Add(`LogFormat "%h \"%r\" %>s" short`, `h "GET / HTTP/1.1" 200`)
	f.Fuzz(func(t *testing.T, spec, line string) {
		fuzzCompile(t, CompileApache, spec, line)
	})
}

// FuzzCompileNginx compiles arbitrary nginx log_format strings.
func FuzzCompileNginx(f *testing.F) {
	for _, tt := range lineFormatTests {
		if text, ok := strings.CutPrefix(tt.spec, "nginx:"); ok {
			f.Add(text, tt.line)
		}
	}
	for _, spec := range []string{NginxFormat, alpCombinedSpec, alpJSONSpec, gonxSpec, ingressSpec, xffSpec, otusSpec,
		npmProxySpec, flamedancerSpec, matomoJSONSpec, fuzzJSONSpec} {
		f.Add(strings.TrimPrefix(spec, "nginx:"), clfLine)
	}
	f.Add(`log_format t escape=none '${remote_addr}x $msec $time_iso8601 "$request_uri" $status';`, `1.2.3.4x 1.5 2024-03-05T14:00:00Z "/a?b" 200`)
	f.Fuzz(func(t *testing.T, spec, line string) {
		fuzzCompile(t, CompileNginx, spec, line)
	})
}
