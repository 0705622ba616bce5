package parser

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// clfHeadSize is how much of a file Detect sees, as the pipeline reads it.
const clfHeadSize = 64 << 10

// clfSummary parses the file at path with f, reading it as the pipeline
// does ([Open], a [Splitter], [Chunk.Lines]), and sums up the results in
// one string:
//
//	lines=6 parsed=4 skipped=blank:1 malformed=literal_mismatch:1 codes=200:3,403:1 time=2013-02-05T07:01:26Z..2013-10-28T23:48:46Z bad=5:16:literal_mismatch
//
// lines counts every line read; codes counts the status of parsed lines
// ("-" when a line has none); time is the range of the parsed lines'
// times (UTC); bad lists the first five malformed lines as
// line:column:reason.
func clfSummary(path string, f Format) (string, error) {
	in, err := Open(path)
	if err != nil {
		return "", err
	}
	defer in.Close()
	skipped := map[string]int{}
	malformed := map[string]int{}
	codes := map[string]int{}
	var bad []string
	lines, parsed := 0, 0
	var first, last time.Time
	p := f.NewParser()
	var rec Record
	sp := NewSplitter(in, 0, "")
	sp.OnLongLine = func(ll LongLine) {
		lines++
		malformed[string(ReasonLineTooLong)]++
	}
	for {
		c, err := sp.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return "", err
		}
		it := c.Lines()
		for line, ok := it.Next(); ok; line, ok = it.Next() {
			lines++
			r := p.Parse(line, &rec)
			switch r.Kind {
			case Skipped:
				skipped[string(r.Reason)]++
			case Malformed:
				malformed[string(r.Reason)]++
				if len(bad) < 5 {
					bad = append(bad, fmt.Sprintf("%d:%d:%s", it.Line, r.Column, r.Reason))
				}
			case Parsed:
				parsed++
				code := "-"
				if rec.HasStatus {
					code = fmt.Sprintf("%03d", rec.Status)
				}
				codes[code]++
				if rec.HasTime {
					t := time.Unix(rec.Time, int64(rec.Nanos)).UTC()
					if first.IsZero() || t.Before(first) {
						first = t
					}
					if t.After(last) {
						last = t
					}
				}
			}
		}
		c.Release()
	}
	if err := sp.Err(); err != nil {
		return "", err
	}
	times := ""
	if !first.IsZero() {
		times = first.Format(time.RFC3339Nano) + ".." + last.Format(time.RFC3339Nano)
	}
	return fmt.Sprintf("lines=%d parsed=%d skipped=%s malformed=%s codes=%s time=%s bad=%s",
		lines, parsed, w3cCountList(skipped), w3cCountList(malformed), w3cCountList(codes), times, strings.Join(bad, ",")), nil
}

// clfDetect runs [Detect] with [AutoCandidates] on the head of the file at
// path, as the pipeline does for --log-format auto.
func clfDetect(path string) (Detection, error) {
	in, err := Open(path)
	if err != nil {
		return Detection{}, err
	}
	defer in.Close()
	head := make([]byte, clfHeadSize)
	n, err := io.ReadFull(in, head)
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		return Detection{}, err
	}
	return Detect(head[:n], AutoCandidates(nil)), nil
}

// Format specs of the corpus files that auto-detection cannot read.
const (
	// matomo's "common_complete" and "common_vhost": a vhost without a port.
	matomoCompleteSpec = `apache:%v %h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i"`
	matomoVhostSpec    = `apache:%v %h %l %u %t "%r" %>s %b`
	// Apache's default ssl.conf: CustomLog logs/ssl_request_log "...".
	sslRequestSpec = `apache:%t %h %{SSL_PROTOCOL}x %{SSL_CIPHER}x \"%r\" %b`
	// tkuchiki/alp's nginx example config.
	alpCombinedSpec = `nginx:$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" "$http_x_forwarded_for" $request_time`
	alpJSONSpec     = `nginx:log_format json escape=json '{"time":"$time_iso8601","method":"$request_method","uri":"$request_uri",'
                                    '"status":$status,"body_bytes":$body_bytes_sent,"response_time":$request_time,"ua":"$http_user_agent"}';`
	// satyrius/gonx example/reduce/reduce.go.
	gonxSpec = `nginx:$remote_addr [$time_local] "$request" $status $request_length $body_bytes_sent $request_time "$t_size" $read_time $gen_time`
	// ingress-nginx's default log-format-upstream ("upstreaminfo").
	ingressSpec = `nginx:$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" ` +
		`$request_length $request_time [$proxy_upstream_name] [$proxy_alternative_upstream_name] $upstream_addr $upstream_response_length ` +
		`$upstream_response_time $upstream_status $req_id`
	// nginx combined + X-Forwarded-For (lnav's shop log).
	xffSpec = `nginx:$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" "$http_x_forwarded_for"`
	// nginx's combined with the X-Forwarded-For chain in place of the client.
	beatsProxySpec = `nginx:$proxy_add_x_forwarded_for - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent"`
	// The OTUS course sample: no space before rt=.
	otusSpec = `nginx:$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent"` +
		`rt=$request_time uct="$upstream_connect_time" uht="$upstream_header_time" urt="$upstream_response_time"`
	// Nginx Proxy Manager's "proxy" format (its proxy hosts).
	npmProxySpec = `nginx:[$time_local] $upstream_cache_status $upstream_status $status - $request_method $scheme $host "$request_uri" ` +
		`[Client $remote_addr] [Length $body_bytes_sent] [Gzip $gzip_ratio] [Sent-to $server] "$http_user_agent" "$http_referer"`
	// flamedancer/draft's nginx JSON, as its keys and quoting show.
	flamedancerSpec = `nginx:escape=json {"@timestamp":"$time_iso8601","host":"$server_addr","clientip":"$remote_addr","size":$body_bytes_sent,` +
		`"responsetime":$request_time,"upstreamtime":"$upstream_response_time","upstreamhost":"$upstream_addr","http_host":"$host",` +
		`"url":"$uri","referer":"$http_referer","agent":"$http_user_agent","cookie":"$http_cookie","method":"$request_method","status":"$status"}`
	// matomo's nginx JSON test log: a space after most colons.
	matomoJSONSpec = `nginx:escape=json {"idsite":1,"ip": "$remote_addr","host": "$host","path": "$request_uri","status": "$status",` +
		`"referrer": "$http_referer","user_agent": "$http_user_agent","length": $bytes_sent,"generation_time_milli": $request_time,"date": "$time_iso8601"}`
	// The lnav regexp fixture: vhost:port client session user.
	lnavRegexpSpec = `apache:%v:%p %h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i" %D`
	// Traefik's CLF: combined + requests "router" "server URL" <ms>ms.
	traefikSpec = `apache:%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i" %{requests}e "%{router}e" "%{server}e" %{ms}Tms`
	// Icecast2: combined + seconds connected.
	icecastSpec = `apache:%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i" %T`
	// Gandi: vhost_combined without port, with "(%T s)" after the time.
	gandiSpec = `apache:%v %h %l %u %t (%T s) "%r" %>s %b "%{Referer}i" "%{User-Agent}i"`
	// matomo's custom-date test line: [February - 10, 2012:16:42:07], no zone.
	customDateSpec = `apache:%h %l %u [%{%B - %d, %Y:%H:%M:%S}t] "%r" %>s %b`
)

// TestCLFRealLogs parses the real Apache and nginx logs of the shared
// corpus (and the CLF-shaped ones of other/) and checks the counts against
// the figures measured with awk in ../../shared/testdata/real/SOURCES.md:
// its `records` are our lines, its `CLF-parsed` lines and `codes` our
// parsed lines and codes, its `unparsed_at` our malformed lines. Its
// CLF-parsed only looks for `] "request" status bytes`, so it counts lines
// that are not of the file's format (a vhost prefix, a trailing extra
// field, a missing ident): each case says where and why our figures
// differ.
//
// spec "auto" runs Detect with AutoCandidates on the file's head: format
// is the name it must pick ("none" when nothing fits), derived what it
// says of a format it derived, and want the summary of the file read with
// it; a derived format's name, given back to ParseFormatSpec as -f gives
// it, must read the file the same. Other specs go through ParseFormatSpec.
func TestCLFRealLogs(t *testing.T) {
	dir := w3cRealDataDir()
	if dir == "" {
		t.Skip("real log corpus not found (../../shared/testdata/real or $WEBALYZE_REAL_DATA); skipping")
	}
	tests := []struct {
		file    string // under the corpus folder
		spec    string // "auto" or a --log-format value
		format  string // auto: the format Detect picks, "none" for no format
		derived string // auto: Detection.Derived, when Detect derives the format
		want    string // clfSummary; empty when format is "none"
	}{
		// ---- apache/ ----

		// records=6 CLF-parsed=6; codes: 200=2 404=3 408=1; line 3 is `"-" 408 -`.
		{file: "apache/beats_apache_darwin-2.4.23_common.log", spec: "auto", format: "common",
			want: "lines=6 parsed=6 skipped= malformed= codes=200:2,404:3,408:1 time=2016-12-26T14:16:28Z..2016-12-26T16:23:45Z bad="},
		// mod_ssl request log, not an access log: no format fits; combined
		// takes the bracketed time for host and ident and finds no '['
		// after the client address...
		{file: "apache/beats_apache_ssl-request.log", spec: "auto", format: "none"},
		{file: "apache/beats_apache_ssl-request.log", spec: "combined",
			want: "lines=2 parsed=0 skipped= malformed=literal_mismatch:2 codes= time= bad=1:43:literal_mismatch,2:42:literal_mismatch"},
		// ...but its own format (ssl.conf's) reads both lines, with no
		// status (the log has none) and size "-" as 0.
		{file: "apache/beats_apache_ssl-request.log", spec: sslRequestSpec,
			want: "lines=2 parsed=2 skipped= malformed= codes=-:2 time=2018-08-10T07:45:56Z..2019-10-16T09:53:47Z bad="},
		// records=7 CLF-parsed=7; codes: 200=2 404=3 408=2. Lines 4 (404)
		// and 5 (200) have a third quoted field after the agent
		// (trailing_data); line 7 (200) has a vhost before the client, so
		// %t finds "-" where '[' should be. Combined + that field would
		// read only lines 4 and 5: auto does not derive it.
		{file: "apache/beats_apache_test.log", spec: "auto", format: "combined",
			want: "lines=7 parsed=4 skipped= malformed=literal_mismatch:1,trailing_data:2 codes=404:2,408:2 time=2016-12-26T14:16:29Z..2019-02-02T04:38:45Z bad=4:154:trailing_data,5:156:trailing_data,7:37:literal_mismatch"},
		// records=9 CLF-parsed=7 unparsed_at=8,9; codes: 200=1 403=1
		// 500=5. Lines 4 (500) and 7 (403) have a vhost prefix
		// (literal_mismatch); lines 8-9 are error-log lines.
		{file: "apache/crowdsec_apache2-logs.log", spec: "auto", format: "combined",
			want: "lines=9 parsed=5 skipped= malformed=literal_mismatch:4 codes=200:1,500:4 time=2020-06-08T06:49:01Z..2021-03-05T08:01:38Z bad=4:28:literal_mismatch,7:27:literal_mismatch,8:13:literal_mismatch,9:13:literal_mismatch"},
		// records=11 CLF-parsed=11; codes: 400=11; \xNN-escaped binary requests.
		{file: "apache/crowdsec_apache2-malformed.log", spec: "auto", format: "combined",
			want: "lines=11 parsed=11 skipped= malformed= codes=400:11 time=2023-10-16T18:57:49Z..2023-10-16T18:57:56Z bad="},
		// records=10000 CLF-parsed=10000; codes: 200=9126 206=45 301=164
		// 304=445 403=2 404=213 416=2 500=3. Line 8899 (a 200) is cut
		// inside the user agent: unterminated_quote at its opening quote.
		{file: "apache/elastic-examples_apache_logs.log", spec: "auto", format: "combined",
			want: "lines=10000 parsed=9999 skipped= malformed=unterminated_quote:1 codes=200:9125,206:45,301:164,304:445,403:2,404:213,416:2,500:3 time=2015-05-17T10:05:00Z..2015-05-20T21:05:59Z bad=8899:111:unterminated_quote"},
		// records=3 CLF-parsed=3; codes: 200=2 404=1.
		{file: "apache/lnav_logfile_access_log.0.log", spec: "auto", format: "combined",
			want: "lines=3 parsed=3 skipped= malformed= codes=200:2,404:1 time=2009-07-20T22:59:26Z..2009-07-20T22:59:29Z bad="},
		// records=1 CLF-parsed=1; codes: 400=1; request "-".
		{file: "apache/lnav_logfile_access_log.1.log", spec: "auto", format: "combined",
			want: "lines=1 parsed=1 skipped= malformed= codes=400:1 time=2013-02-15T06:00:31Z..2013-02-15T06:00:31Z bad="},
		// records=3 CLF-parsed=3; codes: 200=2 404=1. Line 2 (the 404)
		// lacks ident and user, as lnav's own test expects: %t finds '"'.
		{file: "apache/lnav_logfile_bad_access_log.0.log", spec: "auto", format: "combined",
			want: "lines=3 parsed=2 skipped= malformed=literal_mismatch:1 codes=200:2 time=2009-07-20T22:59:26Z..2009-07-20T22:59:29Z bad=2:46:literal_mismatch"},
		// records=2 CLF-parsed=2; codes: 200=2. vhost:port client session
		// user and a trailing duration: no named format fits, auto derives
		// vcombined + the duration as an opaque token (an integer could be
		// %D, %T, a size...)...
		{file: "apache/lnav_logfile_regexp_access_log.0.log", spec: "auto", derived: "vcombined + 1 trailing field",
			format: `apache:%v:%p %h %l %u %t "%r" %>s %O "%{Referer}i" "%{User-Agent}i" %{extra1}e`,
			want:   "lines=2 parsed=2 skipped= malformed= codes=200:2 time=2023-07-26T07:01:26Z..2023-07-26T07:02:12Z bad="},
		// ...and its own format reads the duration too.
		{file: "apache/lnav_logfile_regexp_access_log.0.log", spec: lnavRegexpSpec,
			want: "lines=2 parsed=2 skipped= malformed= codes=200:2 time=2023-07-26T07:01:26Z..2023-07-26T07:02:12Z bad="},
		// Apache error log (records=2000, CRLF, no final newline): no
		// format fits, and combined finds no line of its shape.
		{file: "apache/loghub_Apache_2k_error.log", spec: "auto", format: "none"},
		{file: "apache/loghub_Apache_2k_error.log", spec: "combined",
			want: "lines=2000 parsed=0 skipped= malformed=literal_mismatch:2000 codes= time= bad=1:13:literal_mismatch,2:13:literal_mismatch,3:13:literal_mismatch,4:13:literal_mismatch,5:13:literal_mismatch"},
		// records=1 CLF-parsed=1; codes: 301=1.
		{file: "apache/matomo_common.log", spec: "auto", format: "common",
			want: "lines=1 parsed=1 skipped= malformed= codes=301:1 time=2012-02-10T21:42:07Z..2012-02-10T21:42:07Z bad="},
		// Compressed copies (with other content): 1 line, codes: 200=1.
		{file: "apache/matomo_common.log.bz2", spec: "auto", format: "common",
			want: "lines=1 parsed=1 skipped= malformed= codes=200:1 time=2012-02-19T23:42:07Z..2012-02-19T23:42:07Z bad="},
		{file: "apache/matomo_common.log.gz", spec: "auto", format: "common",
			want: "lines=1 parsed=1 skipped= malformed= codes=200:1 time=2012-02-10T23:42:07Z..2012-02-10T23:42:07Z bad="},
		// records=1 CLF-parsed=1; codes: 301=1. A vhost without ":port"
		// before the client: detected as "vhost".
		{file: "apache/matomo_common_complete.log", spec: "auto", format: "vhost",
			want: "lines=1 parsed=1 skipped= malformed= codes=301:1 time=2012-02-10T21:42:07Z..2012-02-10T21:42:07Z bad="},
		{file: "apache/matomo_common_complete.log", spec: matomoCompleteSpec,
			want: "lines=1 parsed=1 skipped= malformed= codes=301:1 time=2012-02-10T21:42:07Z..2012-02-10T21:42:07Z bad="},
		// As above, with a Big5 (not UTF-8) path.
		{file: "apache/matomo_common_encoding_big5.log", spec: "auto", format: "vhost",
			want: "lines=1 parsed=1 skipped= malformed= codes=301:1 time=2012-02-10T21:42:07Z..2012-02-10T21:42:07Z bad="},
		{file: "apache/matomo_common_encoding_big5.log", spec: matomoCompleteSpec,
			want: "lines=1 parsed=1 skipped= malformed= codes=301:1 time=2012-02-10T21:42:07Z..2012-02-10T21:42:07Z bad="},
		// records=1 CLF-parsed=1; codes: 301=1; common with a vhost, no port.
		{file: "apache/matomo_common_vhost.log", spec: "auto", format: "vhost",
			want: "lines=1 parsed=1 skipped= malformed= codes=301:1 time=2012-02-10T21:42:07Z..2012-02-10T21:42:07Z bad="},
		{file: "apache/matomo_common_vhost.log", spec: matomoVhostSpec,
			want: "lines=1 parsed=1 skipped= malformed= codes=301:1 time=2012-02-10T21:42:07Z..2012-02-10T21:42:07Z bad="},
		// records=6 blank=1 CLF-parsed=4 unparsed_at=5; codes: 200=3
		// 403=1. Line 5 is a "# ..." comment: malformed, as any line of
		// another shape.
		{file: "apache/matomo_logs_to_tests.log", spec: "auto", format: "combined",
			want: "lines=6 parsed=4 skipped=blank:1 malformed=literal_mismatch:1 codes=200:3,403:1 time=2013-02-05T07:01:26Z..2013-10-28T23:48:46Z bad=5:16:literal_mismatch"},
		// records=1 CLF-parsed=1; codes: 301=1.
		{file: "apache/matomo_ncsa_extended.log", spec: "auto", format: "combined",
			want: "lines=1 parsed=1 skipped= malformed= codes=301:1 time=2012-02-10T21:42:07Z..2012-02-10T21:42:07Z bad="},
		// records=4 CLF-parsed=4; codes: 200=4; a vhost without port.
		{file: "apache/matomo_static_ignores.log", spec: "auto", format: "vhost",
			want: "lines=4 parsed=4 skipped= malformed= codes=200:4 time=2012-02-10T21:41:07Z..2012-02-10T21:44:07Z bad="},
		{file: "apache/matomo_static_ignores.log", spec: matomoCompleteSpec,
			want: "lines=4 parsed=4 skipped= malformed= codes=200:4 time=2012-02-10T21:41:07Z..2012-02-10T21:44:07Z bad="},
		// records=5 CLF-parsed=5; codes: 200=2 404=3.
		{file: "apache/rla_apache_combined.log", spec: "auto", format: "combined",
			want: "lines=5 parsed=5 skipped= malformed= codes=200:2,404:3 time=2009-09-02T01:33:46Z..2009-09-02T10:02:40Z bad="},
		// records=10 CLF-parsed=10; codes: 200=6 304=3 404=1.
		{file: "apache/rla_apache_common.log", spec: "auto", format: "common",
			want: "lines=10 parsed=10 skipped= malformed= codes=200:6,304:3,404:1 time=2009-09-08T11:54:05Z..2009-09-08T11:54:10Z bad="},
		// records=2301 CLF-parsed=2301; codes: 200=23 301=2185 400=83
		// 408=10; line 1808 has \" inside a binary request.
		{file: "apache/rsaxvc-apacheanalyzer_access_log-20211212_combined.log", spec: "auto", format: "combined",
			want: "lines=2301 parsed=2301 skipped= malformed= codes=200:23,301:2185,400:83,408:10 time=2021-12-05T02:05:57Z..2021-12-12T01:54:54Z bad="},
		// records=7654 CLF-parsed=7654; codes: 200=4872 206=5 301=4 304=18
		// 400=102 404=2448 408=205.
		{file: "apache/rsaxvc-apacheanalyzer_ssl_access_log-20211226_common.log", spec: "auto", format: "common",
			want: "lines=7654 parsed=7654 skipped= malformed= codes=200:4872,206:5,301:4,304:18,400:102,404:2448,408:205 time=2021-12-19T01:57:29Z..2021-12-26T01:56:52Z bad="},

		// ---- nginx/ ----

		// records=14 CLF-parsed=14; codes: 200=11 400=2 504=1. Combined
		// plus "$http_x_forwarded_for" $request_time: no named format fits,
		// auto derives combined + a quoted field (all "-": not known to be
		// X-Forwarded-For) + a token. Line 14 (a 200) has one token more,
		// "- 0.321", which the last token takes...
		{file: "nginx/alp_combined_xff_request_time.log", spec: "auto", derived: "combined + 2 trailing fields",
			format: `apache:%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i" "%{extra1}e" %{extra2}e`,
			want:   "lines=14 parsed=14 skipped= malformed= codes=200:11,400:2,504:1 time=2015-09-05T20:58:05Z..2015-09-05T21:00:43Z bad="},
		// ...while with its own format, where $request_time is a number,
		// line 14 is trailing_data.
		{file: "nginx/alp_combined_xff_request_time.log", spec: alpCombinedSpec,
			want: "lines=14 parsed=13 skipped= malformed=trailing_data:1 codes=200:10,400:2,504:1 time=2015-09-05T20:58:05Z..2015-09-05T21:00:43Z bad=14:94:trailing_data"},
		// JSON, valid_json_objects=14; statuses: 200=11 400=2 504=1. The
		// key order is fixed, but response_time is the string "-" on
		// lines 4 and 10 (both 400) where the template has a bare number
		// (invalid_number), and line 14 (a 200) has an extra key
		// (invalid_json).
		{file: "nginx/alp_json_access.log", spec: "auto", format: "none"},
		{file: "nginx/alp_json_access.log", spec: alpJSONSpec,
			want: "lines=14 parsed=11 skipped= malformed=invalid_json:1,invalid_number:2 codes=200:10,504:1 time=2015-09-05T20:58:05Z..2015-09-05T21:00:43Z bad=4:114:invalid_number,10:114:invalid_number,14:114:invalid_json"},
		// records=10 CLF-parsed=10; codes: 200=6 400=2 404=2. A $host
		// before client lists of varying length: vcombined reads the
		// three lines with host:port and one client (4, 7, 8); the others
		// have no port or several clients.
		{file: "nginx/beats_nginx_test-with-host.log", spec: "auto", format: "vcombined",
			want: "lines=10 parsed=3 skipped= malformed=literal_mismatch:7 codes=200:1,400:2 time=2016-12-07T10:05:07Z..2019-02-26T14:39:42Z bad=1:89:literal_mismatch,2:75:literal_mismatch,3:91:literal_mismatch,5:58:literal_mismatch,6:76:literal_mismatch"},
		// records=7 CLF-parsed=7; codes: 200=4 400=1 404=2.
		// X-Forwarded-For lists before the client on lines 1, 3, 5, 6
		// (literal_mismatch); line 2 (a 404) has a third quoted field, the
		// only line combined + that field would read.
		{file: "nginx/beats_nginx_test.log", spec: "auto", format: "combined",
			want: "lines=7 parsed=2 skipped= malformed=literal_mismatch:4,trailing_data:1 codes=200:1,400:1 time=2016-12-07T10:05:07Z..2018-04-12T07:48:40Z bad=1:31:literal_mismatch,2:154:trailing_data,3:34:literal_mismatch,5:41:literal_mismatch,6:64:literal_mismatch"},
		// With $proxy_add_x_forwarded_for where combined has
		// $remote_addr, the lists of lines 1 and 3 are read whole (and
		// lines 4 and 7, of one address); line 2 still has its extra
		// field, lines 5 and 6 a list and then the client (another
		// format).
		{file: "nginx/beats_nginx_test.log", spec: beatsProxySpec,
			want: "lines=7 parsed=4 skipped= malformed=literal_mismatch:2,trailing_data:1 codes=200:3,400:1 time=2016-12-07T10:05:07Z..2018-04-12T07:48:40Z bad=2:154:trailing_data,5:41:literal_mismatch,6:53:literal_mismatch"},
		// records=42 CLF-parsed=42; codes: 200=7 301=14 404=21. The last
		// line (a 301, no final newline) is cut inside the user agent.
		{file: "nginx/caltech-logagent_access.log", spec: "auto", format: "combined",
			want: "lines=42 parsed=41 skipped= malformed=unterminated_quote:1 codes=200:7,301:13,404:21 time=2025-01-23T23:16:25Z..2025-01-23T23:16:58Z bad=42:246:unterminated_quote"},
		// records=12 CLF-parsed=12; codes: 400=12; \xNN binary requests.
		{file: "nginx/crowdsec_nginx-http-malformed.log", spec: "auto", format: "combined",
			want: "lines=12 parsed=12 skipped= malformed= codes=400:12 time=2023-07-29T17:26:06Z..2023-07-29T17:26:07Z bad="},
		// records=14: Nginx Proxy Manager lines, 1 combined line (2, a
		// 404), 2 error-log lines (5, 6). Auto finds the combined line...
		{file: "nginx/crowdsec_nginx-proxy-manager-logs.log", spec: "auto", format: "combined",
			want: "lines=14 parsed=1 skipped= malformed=literal_mismatch:13 codes=404:1 time=2022-01-24T16:22:14Z..2022-01-24T16:22:14Z bad=1:32:literal_mismatch,3:34:literal_mismatch,4:32:literal_mismatch,5:29:literal_mismatch,6:29:literal_mismatch"},
		// ...NPM's "proxy" format the six proxy-host lines (1, 4, 7-10:
		// 404 304 200 404 500 302); lines 3 and 11-14 are its "standard"
		// format (no cache status, no [Sent-to]). SOURCES.md's
		// "status-like tokens" come from a looser extractor over every
		// line shape and do not compare line for line.
		{file: "nginx/crowdsec_nginx-proxy-manager-logs.log", spec: npmProxySpec,
			want: "lines=14 parsed=6 skipped= malformed=literal_mismatch:8 codes=200:1,302:1,304:1,404:2,500:1 time=2022-01-24T16:50:41Z..2025-10-01T14:32:18Z bad=2:1:literal_mismatch,3:40:literal_mismatch,5:1:literal_mismatch,6:1:literal_mismatch,11:40:literal_mismatch"},
		// records=12 CLF-parsed=12; codes: 400=12.
		{file: "nginx/crowdsec_nginx-proxy-manager-malformed.log", spec: "auto", format: "combined",
			want: "lines=12 parsed=12 skipped= malformed= codes=400:12 time=2023-07-29T17:26:06Z..2023-07-29T17:26:07Z bad="},
		// records=9 CLF-parsed=8 unparsed_at=9; codes: 200=2 301=1 404=1
		// 500=4. Lines 4-6 (500 500 301) have a vhost prefix, line 8 (a
		// 200) has no ident, line 9 is an error-log line.
		{file: "nginx/crowdsec_nginx_http-logs.log", spec: "auto", format: "combined",
			want: "lines=9 parsed=4 skipped= malformed=literal_mismatch:5 codes=200:1,404:1,500:2 time=2020-01-04T07:25:02Z..2020-06-08T08:04:43Z bad=4:32:literal_mismatch,5:34:literal_mismatch,6:37:literal_mismatch,8:37:literal_mismatch,9:29:literal_mismatch"},
		// records=14575 CLF-parsed=14575; codes: 200=1138 206=53 304=3746 403=16 404=9622.
		{file: "nginx/elastic-examples-nginx_logs_copy_airstans.log", spec: "auto", format: "combined",
			want: "lines=14575 parsed=14575 skipped= malformed= codes=200:1138,206:53,304:3746,403:16,404:9622 time=2015-05-17T08:05:00Z..2015-05-22T09:05:59Z bad="},
		// JSON, valid_json_objects=9; statuses: 200=1 500=8. The 200 (line
		// 9) has an extra "request" key after "status": invalid_json at
		// the comma before it.
		{file: "nginx/flamedancer-draft_nginx_json_upstreamtime.log", spec: "auto", format: "none"},
		{file: "nginx/flamedancer-draft_nginx_json_upstreamtime.log", spec: flamedancerSpec,
			want: "lines=9 parsed=8 skipped= malformed=invalid_json:1 codes=500:8 time=2017-11-16T02:00:00Z..2017-11-16T02:01:02Z bad=9:1212:invalid_json"},
		// records=1000 CLF-parsed=1000; codes: 200=901 404=99; the 99
		// lines ending `"-" - -` parse ($read_time, $gen_time are Extra).
		{file: "nginx/gonx_example_custom_format.log", spec: "auto", format: "none"},
		{file: "nginx/gonx_example_custom_format.log", spec: gonxSpec,
			want: "lines=1000 parsed=1000 skipped= malformed= codes=200:901,404:99 time=2015-09-10T17:57:59Z..2015-09-10T17:58:31Z bad="},
		// records=24 CLF-parsed=24; codes: 200=21 400=2 502=1; the last
		// line has two upstreams ("0.000, 1.000"). Auto finds the named
		// ingress-nginx format...
		{file: "nginx/integrations_ingress-nginx_upstreaminfo_test-ingest-raw.log", spec: "auto", format: "ingress-nginx",
			want: "lines=24 parsed=24 skipped= malformed= codes=200:21,400:2,502:1 time=2020-02-07T11:48:51Z..2022-08-24T21:04:17Z bad="},
		// ...which reads as the format written out.
		{file: "nginx/integrations_ingress-nginx_upstreaminfo_test-ingest-raw.log", spec: ingressSpec,
			want: "lines=24 parsed=24 skipped= malformed= codes=200:21,400:2,502:1 time=2020-02-07T11:48:51Z..2022-08-24T21:04:17Z bad="},
		// records=231 CLF-parsed=231; codes: 200=130 304=53 400=1 404=39 500=8.
		{file: "nginx/jinbaizhe-djangoproject_nginx_access.log", spec: "auto", format: "combined",
			want: "lines=231 parsed=231 skipped= malformed= codes=200:130,304:53,400:1,404:39,500:8 time=2018-02-23T04:10:40Z..2018-02-23T05:08:46Z bad="},
		// records=6558 CLF-parsed=6558; codes: 200=495 301=10 302=1259
		// 400=1 404=4739 499=7 500=2 502=44 504=1.
		{file: "nginx/leo7723-blog_nginx_access.log", spec: "auto", format: "combined",
			want: "lines=6558 parsed=6558 skipped= malformed= codes=200:495,301:10,302:1259,400:1,404:4739,499:7,500:2,502:44,504:1 time=2018-04-10T09:10:52Z..2018-06-04T05:25:22Z bad="},
		// records=1000 CLF-parsed=1000; codes: 200=938 301=11 302=20
		// 304=7 404=24. Combined + X-Forwarded-For: the extra field is
		// trailing data for combined; auto derives combined + a quoted
		// field, opaque because it is "-" on all of the first 200 lines
		// (the first address is on line 648)...
		{file: "nginx/lnav_logfile_shop_access_log.0.log", spec: "auto", derived: "combined + 1 trailing field",
			format: `apache:%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i" "%{extra1}e"`,
			want:   "lines=1000 parsed=1000 skipped= malformed= codes=200:938,301:11,302:20,304:7,404:24 time=2019-01-22T00:26:14Z..2019-01-22T00:29:11Z bad="},
		// ...and nginx's "main" format names it.
		{file: "nginx/lnav_logfile_shop_access_log.0.log", spec: xffSpec,
			want: "lines=1000 parsed=1000 skipped= malformed= codes=200:938,301:11,302:20,304:7,404:24 time=2019-01-22T00:26:14Z..2019-01-22T00:29:11Z bad="},
		// records=15 CLF-parsed=15; codes: 499=3 500=4 502=4 504=4.
		{file: "nginx/maoss1994-blog_nginx_access.log", spec: "auto", format: "combined",
			want: "lines=15 parsed=15 skipped= malformed= codes=499:3,500:4,502:4,504:4 time=2018-01-21T07:30:02Z..2018-01-21T08:41:59Z bad="},
		// JSON, valid_json_objects=2; statuses: 200=2; fixed key order.
		{file: "nginx/matomo_nginx_json.log", spec: "auto", format: "none"},
		{file: "nginx/matomo_nginx_json.log", spec: matomoJSONSpec,
			want: "lines=2 parsed=2 skipped= malformed= codes=200:2 time=2013-10-10T14:52:00Z..2013-10-10T14:52:00Z bad="},
		// records=671 CLF-parsed=671; codes: 200=499 301=95 304=1 400=18
		// 403=1 404=51 405=1 499=2 500=3. Lines 670-671 (both 200) are cut
		// inside the user agent. Auto derives combined + the four labelled
		// fields, the first glued to the agent's closing quote...
		{file: "nginx/otus_access-4560-644067_rt_uct_uht_urt.log", spec: "auto", derived: "combined + 4 trailing fields",
			format: `apache:%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i"rt=%{rt}e uct="%{uct}e" uht="%{uht}e" urt="%{urt}e"`,
			want:   "lines=671 parsed=669 skipped= malformed=unterminated_quote:2 codes=200:497,301:95,304:1,400:18,403:1,404:51,405:1,499:2,500:3 time=2019-08-14T01:12:10Z..2019-08-14T21:24:38Z bad=670:79:unterminated_quote,671:79:unterminated_quote"},
		// ...as the nginx format it was written with does.
		{file: "nginx/otus_access-4560-644067_rt_uct_uht_urt.log", spec: otusSpec,
			want: "lines=671 parsed=669 skipped= malformed=unterminated_quote:2 codes=200:497,301:95,304:1,400:18,403:1,404:51,405:1,499:2,500:3 time=2019-08-14T01:12:10Z..2019-08-14T21:24:38Z bad=670:79:unterminated_quote,671:79:unterminated_quote"},

		// ---- other/ (the CLF-shaped files) ----

		// records=9 blank=2 CLF-parsed=7; codes: 200=6 -=1. Traefik's CLF
		// has four fields after the agent; line 5's status and size are
		// "-". Auto finds the named traefik format...
		{file: "other/traefik-clf_crowdsec_traefik_clf.log", spec: "auto", format: "traefik",
			want: "lines=9 parsed=7 skipped=blank:2 malformed= codes=-:1,200:6 time=2021-12-08T09:16:05Z..2024-11-24T13:40:15Z bad="},
		// ...as the format written out does.
		{file: "other/traefik-clf_crowdsec_traefik_clf.log", spec: traefikSpec,
			want: "lines=9 parsed=7 skipped=blank:2 malformed= codes=-:1,200:6 time=2021-12-08T09:16:05Z..2024-11-24T13:40:15Z bad="},
		// records=1 CLF-parsed=1; codes: 301=1; combined + a duration,
		// derived as a token...
		{file: "other/matomo_icecast2.log", spec: "auto", derived: "combined + 1 trailing field",
			format: `apache:%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i" %{extra1}e`,
			want:   "lines=1 parsed=1 skipped= malformed= codes=301:1 time=2012-02-10T21:42:07Z..2012-02-10T21:42:07Z bad="},
		// ...which its format reads as seconds.
		{file: "other/matomo_icecast2.log", spec: icecastSpec,
			want: "lines=1 parsed=1 skipped= malformed= codes=301:1 time=2012-02-10T21:42:07Z..2012-02-10T21:42:07Z bad="},
		// records=1 CLF-parsed=1; codes: 301=1. The vhost sits where the
		// ident is, so combined reads it (as the ident).
		{file: "other/matomo_ovh.log", spec: "auto", format: "combined",
			want: "lines=1 parsed=1 skipped= malformed= codes=301:1 time=2012-02-10T21:42:07Z..2012-02-10T21:42:07Z bad="},
		// records=1 CLF-parsed=1; codes: 301=1. Not a CLF time...
		{file: "other/matomo_custom_regex_custom_date.log", spec: "auto", format: "none"},
		{file: "other/matomo_custom_regex_custom_date.log", spec: "common",
			want: "lines=1 parsed=0 skipped= malformed=invalid_timestamp:1 codes= time= bad=1:14:invalid_timestamp"},
		// ...but a strftime layout reads it (no zone: UTC).
		{file: "other/matomo_custom_regex_custom_date.log", spec: customDateSpec,
			want: "lines=1 parsed=1 skipped= malformed= codes=301:1 time=2012-02-10T16:42:07Z..2012-02-10T16:42:07Z bad="},
		// records=2 CLF-parsed=0 (not CLF-shaped: "(0 s)" after the time).
		{file: "other/matomo_gandi.log", spec: "auto", format: "none"},
		{file: "other/matomo_gandi.log", spec: gandiSpec,
			want: "lines=2 parsed=2 skipped= malformed= codes=200:1,301:1 time=2012-02-10T21:42:07Z..2012-02-10T21:42:07Z bad="},
		// records=5: syslog lines, two wrapping a time-less access line.
		{file: "other/syslog-with-access_lnav_logfile_syslog_with_access_log.0.log", spec: "auto", format: "none"},
		{file: "other/syslog-with-access_lnav_logfile_syslog_with_access_log.0.log", spec: "combined",
			want: "lines=5 parsed=0 skipped= malformed=literal_mismatch:5 codes= time= bad=1:8:literal_mismatch,2:17:literal_mismatch,3:17:literal_mismatch,4:17:literal_mismatch,5:17:literal_mismatch"},
	}
	seen := map[string]bool{}
	for _, tt := range tests {
		seen[tt.file] = true
		name := tt.file + " " + tt.spec
		if len(tt.spec) > 24 {
			name = tt.file + " custom"
		}
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(dir, filepath.FromSlash(tt.file))
			var f Format
			var err error
			if tt.spec == "auto" {
				d, err := clfDetect(path)
				if err != nil {
					t.Fatal(err)
				}
				f = d.Format
				got := "none"
				if f != nil {
					got = f.Name()
				}
				if got != tt.format || d.Derived != tt.derived {
					t.Fatalf("Detect picked %s (derived %q), want %s (derived %q)", got, d.Derived, tt.format, tt.derived)
				}
				if f == nil {
					return
				}
				if d.Derived != "" {
					again, err := ParseFormatSpec(f.Name())
					if err != nil {
						t.Fatalf("-f %q: %v", f.Name(), err)
					}
					if s, err := clfSummary(path, again); err != nil || s != tt.want {
						t.Errorf("-f with the derived name:\n got: %s (%v)\nwant: %s", s, err, tt.want)
					}
				}
			} else if f, err = ParseFormatSpec(tt.spec); err != nil {
				t.Fatal(err)
			}
			got, err := clfSummary(path, f)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("\n got: %s\nwant: %s", got, tt.want)
			}
		})
	}
	// Every Apache and nginx file has a case.
	for _, sub := range []string{"apache", "nginx"} {
		files, _ := filepath.Glob(filepath.Join(dir, sub, "*"))
		for _, f := range files {
			if name := sub + "/" + filepath.Base(f); !seen[name] {
				t.Errorf("%s has no case", name)
			}
		}
	}
}
