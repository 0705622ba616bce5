package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// keyHits renders a top list of the JSON model as "key:requests" pairs.
func keyHits(t *testing.T, out, list string) string {
	t.Helper()
	var doc map[string]json.RawMessage
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	var l struct {
		Rows []struct {
			Key  string `json:"key"`
			Hits int64  `json:"requests"`
		} `json:"rows"`
	}
	if err := json.Unmarshal(doc[list], &l); err != nil {
		t.Fatalf("%s: %v", list, err)
	}
	var parts []string
	for _, r := range l.Rows {
		parts = append(parts, r.Key+":"+itoa(int(r.Hits)))
	}
	return strings.Join(parts, " ")
}

// The client from X-Forwarded-For, and requests that are not HTTP in the
// methods list, end to end.
func TestClientFromAndNotHTTP(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "access.log")
	lines := `10.0.0.1 - - [11/Jun/2017:08:00:00 +0000] "GET / HTTP/1.1" 200 741 "-" "ua" 203.0.113.9, 10.0.0.2
10.0.0.1 - - [11/Jun/2017:08:00:01 +0000] "GET / HTTP/1.1" 200 741 "-" "ua" 192.168.1.4, 198.51.100.7, 10.0.0.2
10.0.0.1 - - [11/Jun/2017:08:00:02 +0000] "GET / HTTP/1.1" 200 741 "-" "ua" -
10.0.0.1 - - [11/Jun/2017:08:00:03 +0000] "145.ll|'|'|x|'|'|Win 7 Professional SP1 x64|'|'|No" 400 157 "-" "-" -
`
	if err := os.WriteFile(path, []byte(lines), 0o644); err != nil {
		t.Fatal(err)
	}
	format := `nginx:$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $http_x_forwarded_for`
	run := func(args ...string) string {
		t.Helper()
		code, out, errs := runCLI(t, append([]string{"summary", "--json", "--workers", "1", "-f", format}, append(args, path)...)...)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errs)
		}
		return out
	}
	out := run()
	if got, want := keyHits(t, out, "clients"), "10.0.0.1:4"; got != want {
		t.Errorf("peer clients: %s, want %s", got, want)
	}
	if got, want := keyHits(t, out, "methods"), "GET:3 not HTTP:1"; got != want {
		t.Errorf("methods: %s, want %s", got, want)
	}
	if got, want := keyHits(t, run("--client-from", "xff"), "clients"), "10.0.0.1:2 198.51.100.7:1 203.0.113.9:1"; got != want {
		t.Errorf("--client-from xff: %s, want %s", got, want)
	}
	if got, want := keyHits(t, run("--client-from", "xff", "--trusted-proxy", "10.0.0.0/8,198.51.100.7"), "clients"), "10.0.0.1:2 192.168.1.4:1 203.0.113.9:1"; got != want {
		t.Errorf("--trusted-proxy: %s, want %s", got, want)
	}
	if code, _, errs := runCLI(t, "summary", "--trusted-proxy", "10.0.0.0/8", path); code != exitUsage || !strings.Contains(errs, "--client-from xff") {
		t.Errorf("--trusted-proxy alone: exit %d, %s", code, errs)
	}
	if code, _, errs := runCLI(t, "summary", "--client-from", "xff", "--trusted-proxy", "10.0.0/8", path); code != exitUsage || !strings.Contains(errs, "10.0.0/8") {
		t.Errorf("bad --trusted-proxy: exit %d, %s", code, errs)
	}
}

// 'webalyze formats' lists the other servers' formats, and auto reads
// each of them (the samples are parser's, written from the servers'
// documentation).
func TestServerFormatsListedAndDetected(t *testing.T) {
	code, out, errs := runCLI(t, "formats")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, name := range []string{"elb", "alb", "cloudfront", "traefik", "traefik-json", "caddy", "haproxy", "envoy", "ingress-nginx"} {
		if !strings.Contains(out, "\n"+name+" ") {
			t.Errorf("formats does not list %s", name)
		}
		path := filepath.Join("..", "..", "parser", "testdata", "servers", name+".log")
		code, d, errs := summary(t, "--workers", "2", path)
		if code != 0 && code != 3 {
			t.Fatalf("%s: exit %d: %s", name, code, errs)
		}
		if got := d.Formats[path]; got != name {
			t.Errorf("%s: auto picked %q", name, got)
		}
		if d.Lines.Parsed == 0 {
			t.Errorf("%s: nothing parsed: %+v", name, d.Lines)
		}
	}
}

// IIS lines without a #Fields header: the file error names --w3c-fields;
// 'webalyze parse' marks a request line that is not HTTP.
func TestHintsAndParseNotHTTP(t *testing.T) {
	dir := t.TempDir()
	iis := filepath.Join(dir, "u_ex240305.log")
	data := "2024-03-05 14:00:01 10.0.0.5 GET /x - 80 - 10.0.0.9 curl/8 - 200 0 0 15\n" +
		"2024-03-05 14:00:02 10.0.0.5 GET /y - 80 - 10.0.0.9 curl/8 - 404 0 2 15\n"
	if err := os.WriteFile(iis, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	_, out, errs := runCLI(t, "summary", "--json", iis)
	if !strings.Contains(out+errs, "--w3c-fields") {
		t.Errorf("no --w3c-fields hint for header-less IIS lines:\n%s\n%s", out, errs)
	}
	junk := filepath.Join(dir, "junk.log")
	line := `1.2.3.4 - - [29/Jul/2023:10:26:06 -0700] "145.ll|'|'|x|'|'|Win 7 Professional SP1 x64" 400 157 "-" "-"` + "\n"
	if err := os.WriteFile(junk, []byte(line), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs := runCLI(t, "parse", "-f", "combined", junk)
	if code != 0 || !strings.Contains(out, `"not_http":true`) || strings.Contains(out, `"method"`) || strings.Contains(out, `"path"`) {
		t.Errorf("parse: exit %d\n%s\n%s", code, out, errs)
	}
}
