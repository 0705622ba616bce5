package parser

// Record is one parsed log line.
//
// Byte-slice fields are sub-slices of the line given to [LineParser.Parse], or
// of the parser's own scratch buffer when a field had to be unescaped (`\"`,
// `\xNN`, IIS `+` for space). They are valid until the next call to Parse on
// the same parser; copy what must outlive that. An absent field ("-" in the
// log, or not in the format) is a nil or empty slice.
//
// Numeric fields have a Has* flag where zero is a meaningful value.
type Record struct {
	Host  []byte // client address as written (%h, %a, $remote_addr, c-ip): an opaque string
	Ident []byte // RFC 1413 identity (%l); rarely anything but empty
	User  []byte // authenticated user (%u, $remote_user, cs-username)

	// Time is the request time in seconds since the Unix epoch, UTC; Nanos is
	// the sub-second part. HasTime is false when the format has no time field.
	Time    int64
	Nanos   int32
	HasTime bool

	// Request is the raw request line (%r, $request), empty when the format
	// has none (IIS) or the client sent none ("-"). A request line that is
	// not HTTP keeps only Request (see NotHTTP). Method, Path, Query and
	// Protocol are filled from it or from their own fields (%m %U %q %H,
	// cs-method cs-uri-stem cs-uri-query). Query has no leading '?'.
	Request  []byte
	Method   []byte
	Path     []byte
	Query    []byte
	Protocol []byte

	// Status is the HTTP status, 0..999 ("000" is 0); HasStatus is false
	// when the format has no status field.
	Status    uint16
	HasStatus bool
	// SubStatus is IIS sc-substatus; HasSubStatus is false when absent.
	SubStatus    uint32
	HasSubStatus bool
	// Win32Status is IIS sc-win32-status; HasWin32Status is false when absent.
	Win32Status    uint32
	HasWin32Status bool

	// Bytes is the response size (%b, %B, %O, $body_bytes_sent, $bytes_sent,
	// sc-bytes); "-" is 0. RequestBytes is the request size (%I,
	// $request_length, cs-bytes).
	Bytes           uint64
	HasBytes        bool
	RequestBytes    uint64
	HasRequestBytes bool

	// Duration is the time taken to serve the request in microseconds (%D,
	// %T, $request_time, time-taken). Upstream is $upstream_response_time
	// (the sum when nginx logs a list).
	Duration    int64
	HasDuration bool
	Upstream    int64
	HasUpstream bool

	Referer       []byte // %{Referer}i, $http_referer, cs(Referer)
	UserAgent     []byte // %{User-Agent}i, $http_user_agent, cs(User-Agent)
	VHost         []byte // %v, %V, $host, $server_name, cs-host
	ServerAddr    []byte // %A, s-ip, $server_addr
	ServerPort    []byte // %p, s-port, $server_port
	XForwardedFor []byte // $http_x_forwarded_for, %{X-Forwarded-For}i
	Scheme        []byte // $scheme

	// Extra holds fields the format declares but Record has no place for
	// (unknown nginx $vars, Apache %{VAR}e, other headers), in format order.
	Extra []Field
}

// Field is a named extra field of a [Record].
type Field struct {
	Name  string // as written in the format: "ssl_protocol", "%{X-Request-Id}i"
	Value []byte
}

// NotHTTP reports whether the record's request line is not an HTTP request
// line (see splitRequest in logformat.go): the log holds request text, and
// no method or URL could be read from it.
func (r *Record) NotHTTP() bool {
	return len(r.Request) > 0 && r.Method == nil && r.Path == nil
}

// Reset clears r for reuse, keeping the capacity of Extra.
func (r *Record) Reset() {
	extra := r.Extra[:0]
	*r = Record{}
	r.Extra = extra
}
