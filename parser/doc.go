// Package parser reads web server access logs: it opens a stream, cuts it
// into lines and parses each line with a compiled format into a [Record].
// It reads the logs of Apache httpd, nginx, IIS and other W3C extended
// logs, of AWS load balancers and CloudFront, Traefik, Caddy, HAProxy,
// Envoy and ingress-nginx, and it can tell a file's format from its first
// lines.
//
// A format is compiled once, from a name or from the format string of the
// server's configuration, and gives each goroutine its own parser:
//
//	f, err := parser.ParseFormatSpec("combined") // or CompileApache, CompileNginx, Named, NewW3C
//	p := f.NewParser()
//	var rec parser.Record
//	for _, line := range lines {
//		r := p.Parse(line, &rec) // r.Kind is Parsed, Skipped or Malformed
//	}
//
// No regular expression is involved: a format is a list of steps (a
// literal, a field up to a delimiter, a quoted field, a bracketed time)
// applied with byte scanning, and parsing a line allocates nothing in the
// steady state.
//
// # Records
//
// A [Record] holds one request: client, user, time (seconds since the Unix
// epoch, UTC, and nanoseconds), request line split into method, path,
// query and protocol, status, IIS sub-status and Win32 status, sizes,
// durations in microseconds, referrer, user agent, virtual host, server
// address and port, X-Forwarded-For, scheme, and the fields the format
// declares that have no place of their own in [Record.Extra], under their
// names as written in the format. Its byte slices point into the line or
// into the parser's scratch buffer and are valid until the next call to
// Parse. A "-" is an absent value: an empty slice, or a number whose Has
// flag is false (a size "-" is 0).
// Behind proxies, [ClientFrom] picks the client from the X-Forwarded-For
// chain.
//
// A request line is split only when it is an HTTP request line: a method
// token and a target in one of the forms of RFC 9112 §3.2 (origin-form
// "/...", "*", absolute-form "scheme://...", and for CONNECT
// authority-form "host:port"). Anything else (a TLS handshake sent to a
// plain port, binary junk) keeps only Request: see [Record.NotHTTP].
//
// A status is exactly three ASCII digits ("000" included); "+200", "2e2",
// "20" and "1000" are malformed (invalid_status), never wrapped or
// guessed. Sizes and counts are ASCII decimal digits only (no sign, no
// exponent) within 64 bits, IIS sub-status and Win32 status within 32
// bits. Times are strict: a date
// that does not exist (30 Feb, day 00, hour 24, zone minutes 60) is
// rejected, never normalised into another instant; second 60 (a leap
// second) counts as the first second of the next minute.
//
// # Input
//
// [Open] opens a file or standard input ("-") and finds its compression
// from its first bytes, never from its name: gzip (multi-member, as
// logrotate writes it), zstd, bzip2 or plain. A stream that starts with a
// UTF-16 byte order mark is refused with [ErrUTF16]. A stream that ends in
// error gives a [*StreamError] that names the compression and says whether
// the data ended early ([IsTruncation]); the lines read before the fault
// count.
//
// A [Splitter] cuts the stream into chunks of whole lines ([Chunk]), the
// unit of work of a parallel pipeline, with their line numbers and byte
// offsets; [Chunk.Lines] iterates over their lines. Only LF ends a line: a CR
// before it is stripped, and so is a UTF-8 byte order mark at the start
// of a line. A line longer than the limit (256 KiB by default) is never
// held in memory: it is skipped to its LF and reported to
// [Splitter.OnLongLine] as a [LongLine], to be counted as line_too_long.
// [LeadingNULs] finds the runs of NUL bytes a crash leaves in a file's
// pre-allocated blocks (nul_run).
//
// # Named formats
//
// [ParseFormatSpec] and [Named] know these formats by name; [NamedFormats]
// lists them with their definitions:
//
//	common         %h %l %u %t "%r" %>s %b
//	combined       %h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i"
//	vcombined      %v:%p %h %l %u %t "%r" %>s %O "%{Referer}i" "%{User-Agent}i"  (Apache vhost_combined)
//	vhost          %v %h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i"
//	nginx          nginx's combined, the same fields as combined
//	iis, w3c       W3C extended: columns named by each #Fields: directive
//	elb, alb, cloudfront, traefik, traefik-json, caddy, haproxy, envoy, ingress-nginx
//
// Any other format is given as the server's own format string, as
// apache:'<LogFormat string>' or nginx:'<log_format string>'.
//
// # Apache LogFormat
//
// [CompileApache] takes a format string as it appears in httpd.conf, for
// example the "combined" format:
//
//	%h %l %u %t \"%r\" %>s %b \"%{Referer}i\" \"%{User-Agent}i\"
//
// or a whole directive (LogFormat "..." nickname). Inside the format, \"
// stands for a quote, \\ for a backslash, \t and \n for tab and newline.
// Directives and where their values go in a [Record]:
//
//	%h %a            Host (%a goes to Extra when %h is also present)
//	%{c}a            Extra (the peer address behind a proxy)
//	%A               ServerAddr
//	%l %u            Ident, User
//	%t               Time, bracketed: [10/Oct/2000:13:55:36 -0700]
//	%{layout}t       Time in a strftime layout (%d/%b/%Y %T %z ...); also
//	                 %{sec}t %{msec}t %{usec}t %{msec_frac}t %{usec_frac}t,
//	                 with an optional begin: or end: prefix
//	%r               Request, split into Method, Path, Query, Protocol
//	%m %U %q %H      Method, Path, Query, Protocol
//	%s %>s %<s       Status (%>s, the final status, wins when both appear)
//	%b %B %O         Bytes ("-" is 0); %O only when %b and %B are absent
//	%I               RequestBytes
//	%D %T %{ms}T %{us}T %{s}T   Duration (µs, s, ms, µs, s)
//	%v %V            VHost (the first of the two; the other goes to Extra)
//	%p %{canonical}p ServerPort (%{local}p, %{remote}p go to Extra)
//	%{Referer}i %{User-Agent}i %{X-Forwarded-For}i %{Host}i
//	                 Referer, UserAgent, XForwardedFor, VHost (when no %v)
//	anything else    Extra under its name as written: %{X-Request-Id}i,
//	                 %{Set-Cookie}o, %{UNIQUE_ID}e, %X, %k, %L, %P, %R, %f,
//	                 %{VAR}^ti, %{VAR}^to, %^FB, mod_ssl's %{SSL_PROTOCOL}x
//	                 and %{errcode}c ...
//
// A value used twice (two %h) keeps the first; later ones go to Extra.
// Conditions and modifiers (%400,501{User-agent}i, %!200{Referer}i, %<s)
// are accepted and ignored: the log holds "-" where they suppressed a
// value.
//
// A strftime layout supports %Y %y %m %d %e %H %I %M %S %p %b %h %B %a %A
// %z %Z %T %F %D %R %s %j %n %t and %%. A line may split one instant over
// several time fields, as the Apache manual's own example does; they are
// assembled into one instant, and a layout without %z is taken as UTC:
//
//	[%{%d/%b/%Y %T}t.%{msec_frac}t %{%z}t]
//
// # nginx log_format
//
// [CompileNginx] takes the format as nginx sees it after joining the
// quoted parts of the directive, for example its built-in "combined":
//
//	$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent"
//
// or a whole directive as written in nginx.conf, with its name, an
// optional escape= parameter and several quoted parts:
//
//	log_format timed escape=json '{"t":"$time_iso8601","s":$status,'
//	                             '"rt":$request_time}';
//
// A bare format may also be preceded by "escape=json " (or default, none).
// A variable is $name or ${name}; a lone $ is a literal. Variables and
// where their values go in a [Record]:
//
//	$remote_addr                    Host
//	$remote_user                    User
//	$time_local $time_iso8601       Time (CLF or ISO 8601)
//	$msec                           Time (seconds.milliseconds)
//	$request                        Request, split into Method, Path, Query, Protocol
//	$request_method $server_protocol Method, Protocol
//	$request_uri                    Path and Query
//	$uri $document_uri $args $query_string  Path, Query (when no $request_uri)
//	$status                         Status
//	$body_bytes_sent                Bytes; $bytes_sent when it is absent
//	$request_length                 RequestBytes
//	$request_time                   Duration (seconds with milliseconds)
//	$upstream_response_time         Upstream: the sum of a "0.1, 0.2 : 0.3" list
//	$http_referer $http_user_agent  Referer, UserAgent
//	$http_x_forwarded_for           XForwardedFor, kept whole ("a, b, c")
//	$proxy_add_x_forwarded_for      XForwardedFor (when no $http_x_forwarded_for),
//	                                and Host, its last item, when no $remote_addr
//	$host $server_name $http_host   VHost (the first present)
//	$server_addr $server_port       ServerAddr, ServerPort
//	$scheme                         Scheme
//	any other variable              Extra under its name: "upstream_status", "ssl_protocol"
//
// With escape=default nginx writes '"', '\' and bytes outside 0x20-0x7E as
// \xNN; with escape=json as JSON string escapes; both are decoded. With
// escape=json or escape=none nginx writes an unset variable as nothing
// instead of "-": an empty number is absent too. With escape=json a line
// that does not fit the template is malformed as invalid_json.
//
// # How a line is matched
//
// Apache and nginx formats are matched left to right. An unquoted field
// runs to the first byte of the literal after it, or to the end of the
// line when it is last; a last numeric field (a status, a size, a time
// taken) ends at the first space or tab instead, so that a field the
// format does not declare is trailing data rather than a bad number. A
// quoted field (the literal before it ends with '"' and the one after it
// starts with '"') runs to the first quote not escaped by a backslash that
// is followed by the whole literal after it, so a stray raw quote inside a
// user agent does not break the line (with escape=json, where nginx
// escapes every quote, to the first unescaped quote); the last quoted
// field of a line ends at its first unescaped quote. Apache's %t runs from
// '[' to the first ']'.
//
// Escapes in values are decoded: Apache writes \" \\ \n \t \r \b \v \f and
// \xhh, nginx \xhh (escape=default) or JSON escapes (escape=json).
//
// Lists: an unquoted header (%{X-Forwarded-For}i before %h, $http_*,
// $proxy_add_x_forwarded_for) may hold a list written with ", ", and
// nginx's $upstream_* lists also " : "; a space next to such a separator
// does not end the value. An unquoted user (%u, $remote_user) just before
// the time runs to the " [" that opens it, so a user name may hold spaces
// ("10.0.0.11 - Songmu Yaxing [11/Jun/2017:..."), where that is
// unambiguous: the name holds no quote, bracket or backslash and no word
// "-".
//
// Lenience, deliberately narrow: trailing spaces and tabs are ignored, and
// a line may end before fields that are commonly dropped (referrer, user
// agent, X-Forwarded-For), so that a common line inside a combined log
// parses with no referrer and no agent. Everything else that does not fit
// is malformed, with a reason and the 1-based byte column of the fault.
//
// # W3C extended logs (IIS)
//
// A W3C log is a sequence of directive lines, which start with '#', and
// data lines. The "#Fields:" directive names the columns of the data lines
// after it, in order ([NewW3C]):
//
//	#Software: Microsoft Internet Information Services 10.0
//	#Version: 1.0
//	#Date: 2024-03-05 14:00:00
//	#Fields: date time cs-method cs-uri-stem cs-uri-query c-ip sc-status sc-substatus time-taken
//	2024-03-05 14:00:01 GET /x a=1 10.0.0.1 404 2 15
//
// A new header block (IIS writes one on every restart) may declare other
// columns; every "#Fields:" line is honoured from the next line on. A
// parallel pipeline primes each block's parser with the directive in
// force at its start (see [Stateful]). Directive lines are Skipped
// (directive); so are blank lines (blank). For logs without a header,
// [ParseW3CFieldsList] reads a column list given by the user.
//
// Values are separated by spaces (runs of spaces count as one; leading and
// trailing spaces are ignored). A value that starts with a double quote
// runs to the next lone double quote, and "" inside it stands for one
// quote, as the IIS Advanced Logging Module writes values with spaces. An
// unquoted "-" is an empty value. IIS writes a space inside
// cs(User-Agent) as '+'; an unquoted user agent has its '+' decoded.
// Field names are matched case-insensitively:
//
//	date time            Time (UTC); date-local/time-local (no zone, taken as UTC) when absent
//	cs-method            Method
//	cs-uri-stem          Path
//	cs-uri-query         Query
//	cs-uri               Path and Query, split at the first '?'
//	cs-version           Protocol
//	c-ip                 Host
//	cs-username          User
//	s-ip, s-port         ServerAddr, ServerPort
//	cs-host, cs(Host)    VHost
//	cs(User-Agent)       UserAgent
//	cs(Referer)          Referer
//	cs(X-Forwarded-For)  XForwardedFor (also a custom field named X-Forwarded-For)
//	sc-status            Status (exactly three digits)
//	sc-substatus         SubStatus
//	sc-win32-status      Win32Status
//	sc-bytes, cs-bytes   Bytes, RequestBytes
//	time-taken           Duration, given in milliseconds (TimeTakenMS likewise)
//	any other field      Extra under its name as written in #Fields:
//
// A log with a date but no time field, or a time but no date, has both
// validated but no known instant. A "-" in any field leaves it absent:
// sc-status "-" (IIS FTP control-channel events) gives a parsed line
// without a status. A data line is malformed when it comes before any
// "#Fields:" and no default field list was given
// (missing_fields_directive), when its value count differs from the field
// count (field_count), when a value does not parse (invalid_status,
// invalid_number, invalid_timestamp), when a quote is not closed
// (unterminated_quote) or a closing quote is not followed by a space or
// the end of the line (literal_mismatch).
//
// CloudFront ([NewCloudFront]) is W3C with one tab between values,
// time-taken in seconds, and #Fields optional: the 33 columns AWS
// documents by default.
//
// # Other servers
//
// Load balancers, proxies and ingress controllers, by name:
//
//	elb            AWS Classic Load Balancer
//	alb            AWS Application Load Balancer; fields after domain_name
//	               (AWS adds some every few years) are kept as Extra "rest"
//	cloudfront     AWS CloudFront standard log (above)
//	traefik        Traefik's CLF: combined + requests "router" "server" Nms
//	traefik-json   Traefik's JSON access log
//	caddy          Caddy's JSON access log (http.log.access)
//	haproxy        HAProxy's HTTP log (option httplog), after a syslog prefix
//	envoy          Envoy's default access log format, and Envoy Gateway's JSON
//	ingress-nginx  Kubernetes ingress-nginx's "upstreaminfo" format
//
// Statuses are kept by number, "000" and ELB's "460" or "561" included;
// Envoy and Caddy write "0" for "no response", read as 000. The ELB and
// ALB client is "ip:port", kept without the port; their processing times
// are added up, and "-1" in one leaves the duration absent. traefik,
// envoy and ingress-nginx lines may carry the Kubernetes CRI prefix
// ("2025-12-31T19:00:00.31+01:00 stdout F "), which is passed over.
//
// HAProxy's HTTP log (option httplog) is
//
//	%ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %CC %CS %tsc %ac/%fc/%bc/%sc/%rc %sq/%bq %hr %hs %{+Q}r
//	10.0.1.2:33317 [06/Feb/2009:12:14:14.655] http-in static/srv1 10/0/30/69/109 200 2750 - - ---- 1/1/1/1/0 0/0 {1wt.eu} {} "GET /index.html HTTP/1.1"
//
// usually after a syslog header ("Feb 25 16:19:49 lb1 haproxy[7]: "): the
// record starts at the client before the first "[dd/Mon/yyyy:" of the
// line, and the captured headers ({...}) are optional. %ci is Host (the
// port dropped); %tr the time, local without a zone, taken as UTC; %ft,
// %b/%s and %tsc are Extra "frontend", "backend", "termination_state";
// %Ta (%Tt), the last timer, is the Duration in milliseconds; %ST the
// status; %B the bytes; %{+Q}r the request. A -1 timer or status (aborted,
// no response) leaves it absent, and a leading '+' (option logasap) is
// ignored. Lines that are not HTTP log lines (start-up messages, TCP logs,
// "SSL handshake failure") are malformed: missing_fields when the time is
// found but not the HTTP fields, literal_mismatch when there is no time.
//
// JSON access logs have one object per line. Keys a format does not name
// are skipped, whatever they hold; a line that is not a JSON object is
// invalid_json, and an object without a status, or without a method or
// URI (a start-up message in the same stream), is missing_fields. Caddy:
//
//	ts                                  Time (epoch seconds, or ISO 8601)
//	request.client_ip, request.remote_ip Host (client_ip, else remote_ip)
//	request.method request.uri request.proto request.host
//	                                    Method, Path and Query, Protocol, VHost
//	request.headers.User-Agent / Referer / X-Forwarded-For
//	                                    UserAgent, Referer, XForwardedFor (first element)
//	status size bytes_read duration user_id
//	                                    Status (0 is 000), Bytes, RequestBytes,
//	                                    Duration (seconds), User
//
// Envoy Gateway's default JSON access log (read by "envoy" besides
// Envoy's text lines):
//
//	start_time downstream_remote_address method x-envoy-origin-path protocol
//	                                    Time, Host (without port), Method, Path and Query, Protocol
//	:authority response_code bytes_sent bytes_received duration user-agent x-forwarded-for
//	                                    VHost, Status (0 is 000), Bytes, RequestBytes,
//	                                    Duration (ms), UserAgent, XForwardedFor
//
// Traefik (accessLog format json):
//
//	ClientHost ClientUsername StartUTC  Host, User, Time
//	RequestMethod RequestPath RequestProtocol RequestHost RequestScheme
//	                                    Method, Path and Query, Protocol, VHost, Scheme
//	DownstreamStatus DownstreamContentSize RequestContentSize Duration
//	                                    Status, Bytes, RequestBytes, Duration (ns)
//	request_User-Agent request_Referer request_X-Forwarded-For
//	                                    UserAgent, Referer, XForwardedFor
//
// # Detection
//
// [Detect] picks, among candidate formats ([AutoCandidates] for "auto"),
// the one that parses the most of the first 200 non-blank lines of a
// file's head (usually its first [DetectHead] bytes; lines over 16 KiB are
// passed over). Ties go to the earlier candidate, narrowest first: common
// before combined (a combined parser also reads common lines), vcombined
// (host:port first) before vhost. Directive lines count as well as parsed
// ones, so an IIS file that starts with its header is recognised. An
// nginx default log reads as combined, which it is.
//
// When no candidate reads the whole sample, Detect also derives formats:
// one of common, combined, vcombined and vhost followed by the fields it
// left over as trailing data, as nginx's "main" format adds
// "$http_x_forwarded_for" and configurations add $request_time or %D:
//
//	1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.1" 200 2326 "-" "curl/8.5" "-" 0.057
//	→ apache:%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i" "%{extra1}e" %{extra2}e
//
// A derived format is an Apache LogFormat: its name is a --log-format
// value that compiles to the same format, and can be edited (a field
// renamed to %D) to read more of the line. Trailing fields are separated
// by one space and typed by their shape on the sample: a quoted field
// (with \" escapes and no raw quote) or an unquoted token (no space, no
// quote), either one optionally labelled (rt=0.003, uct="0.001": the label
// and "=" become a literal of the format and the label names the field; a
// labelled first field may follow the base's closing quote without a
// space). Each is an opaque extra, named extra1, extra2... by position or
// by its label, except a quoted first trailing field after the user agent
// whose sample values are all "-" or lists of IP addresses, at least one
// of them a list: that is %{X-Forwarded-For}i. A bare decimal such as
// 0.057 is not taken for a duration: nginx writes $request_time and the
// $upstream_* times alike. A derived format wins only when it parses at
// least three quarters of the sample and at least one line in twenty more
// than the best candidate. Lines with fewer trailing fields are
// missing_fields (unless only an X-Forwarded-For is missing), lines with
// more are trailing_data after a last quoted field.
//
// # Malformed and skipped lines
//
// [LineParser.Parse] returns a [Result]: Parsed, Skipped (a directive, a
// blank line) or Malformed, with a [Reason] such as invalid_status,
// invalid_timestamp, invalid_number, invalid_request, missing_fields,
// trailing_data, unterminated_quote, literal_mismatch, field_count,
// missing_fields_directive or invalid_json, the 1-based byte column of the
// fault and the name of the field, as the format wrote it. Reasons are
// stable identifiers; the pipeline adds line_too_long, truncated, nul_run
// and no_format.
//
// # Format errors
//
// A format string that does not compile gives a [*FormatError]: the
// format as given, the byte offset of the fault in it, and an error that
// wraps one of the sentinel errors ([ErrUnknownDirective],
// [ErrAdjacentFields], [ErrUnterminated], ...), for [errors.Is]. Two
// fields with nothing between them (%h%l, $a$b) are refused: nothing in a
// line would say where the first one ends.
package parser
