package parser

import "bytes"

// Definitions as the servers document them (shown by 'webalyze formats').
const (
	ELBFormat          = `timestamp elb client:port backend:port request_processing_time backend_processing_time response_processing_time elb_status_code backend_status_code received_bytes sent_bytes "request" "user_agent" ssl_cipher ssl_protocol`
	ALBFormat          = `type time elb client:port target:port request_processing_time target_processing_time response_processing_time elb_status_code target_status_code received_bytes sent_bytes "request" "user_agent" ssl_cipher ssl_protocol target_group_arn "trace_id" "domain_name" ...`
	TraefikFormat      = `%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i" %{requests}e "%{router}e" "%{server_url}e" %{ms}Tms`
	EnvoyFormat        = `[%START_TIME%] "%REQ(:METHOD)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% %PROTOCOL%" %RESPONSE_CODE% %RESPONSE_FLAGS% %BYTES_RECEIVED% %BYTES_SENT% %DURATION% %RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)% "%REQ(X-FORWARDED-FOR)%" "%REQ(USER-AGENT)%" "%REQ(X-REQUEST-ID)%" "%REQ(:AUTHORITY)%" "%UPSTREAM_HOST%"`
	IngressNginxFormat = `$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_length $request_time [$proxy_upstream_name] [$proxy_alternative_upstream_name] $upstream_addr $upstream_response_length $upstream_response_time $upstream_status $req_id`
	HAProxyFormat      = `%ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %CC %CS %tsc %ac/%fc/%bc/%sc/%rc %sq/%bq %hr %hs %{+Q}r`
)

// kindOverride is the kind a named format gives a variable of its
// template.
type kindOverride struct {
	kind         fieldKind
	unit         int64
	hostFromLast bool
}

// The templates: nginx syntax, with the overrides below.
const (
	elbTemplate   = `$time_iso8601 $elb $client $backend $request_processing_time $backend_processing_time $response_processing_time $status $backend_status_code $request_length $bytes_sent "$request" "$http_user_agent" $ssl_cipher $ssl_protocol`
	albTemplate   = `$type $time_iso8601 $elb $client $target $request_processing_time $target_processing_time $response_processing_time $status $target_status_code $request_length $bytes_sent "$request" "$http_user_agent" $ssl_cipher $ssl_protocol $target_group_arn "$trace_id" "$domain_name" $rest`
	envoyTemplate = `[$start_time] "$request" $response_code $response_flags $bytes_received $bytes_sent $duration $upstream_service_time "$http_x_forwarded_for" "$http_user_agent" "$request_id" "$authority" "$upstream_host"`
)

var awsOverrides = map[string]kindOverride{
	"client":                   {kind: kHostPort},
	"request_processing_time":  {kind: kDurationSum},
	"backend_processing_time":  {kind: kDurationSum},
	"target_processing_time":   {kind: kDurationSum},
	"response_processing_time": {kind: kDurationSum},
	"domain_name":              {kind: kVHost},
	"rest":                     {kind: kRest},
}

var envoyOverrides = map[string]kindOverride{
	"start_time":     {kind: kTimeISO},
	"response_code":  {kind: kStatusZero},
	"bytes_received": {kind: kRequestBytes},
	"bytes_sent":     {kind: kBytes},
	"duration":       {kind: kDuration, unit: 1000},
	"authority":      {kind: kVHost},
	// The default format has no peer address: Envoy appends it to
	// X-Forwarded-For (use_remote_address), so the last item is the peer.
	"http_x_forwarded_for": {kind: kXFF, hostFromLast: true},
}

// compileTemplate compiles an nginx-syntax template named name and gives
// its variables the kinds of overrides. The line formats of other servers
// (elb, alb, envoy) are built so, by the Apache/nginx engine; the JSON ones
// are read by the JSON-object extractor (json.go), HAProxy by its own
// parser, CloudFront by the W3C parser.
func compileTemplate(name, template string, overrides map[string]kindOverride) Format {
	f, err := CompileNginx(name, template)
	if err != nil {
		panic("parser: built-in format does not compile: " + err.Error())
	}
	lf := f.(*lineFormat)
	for i := range lf.fields {
		fl := &lf.fields[i]
		if o, ok := overrides[fl.name]; ok {
			fl.kind, fl.unit, fl.hostFromLast = o.kind, o.unit, o.hostFromLast
		}
	}
	lf.finish()
	return lf
}

// serverFormats builds the named formats of this file by name.
var serverFormats = map[string]func() Format{
	"elb": func() Format { return compileTemplate("elb", elbTemplate, awsOverrides) },
	"alb": func() Format { return compileTemplate("alb", albTemplate, awsOverrides) },
	"traefik": func() Format {
		f, err := CompileApache("traefik", TraefikFormat)
		if err != nil {
			panic("parser: built-in format does not compile: " + err.Error())
		}
		return &criFormat{f}
	},
	"envoy": func() Format {
		return &criFormat{&eitherFormat{compileTemplate("envoy", envoyTemplate, envoyOverrides), envoyJSONFormat}}
	},
	"ingress-nginx": func() Format {
		f, err := CompileNginx("ingress-nginx", IngressNginxFormat)
		if err != nil {
			panic("parser: built-in format does not compile: " + err.Error())
		}
		return &criFormat{f}
	},
	"haproxy":      func() Format { return haproxyFormat{} },
	"caddy":        func() Format { return caddyFormat },
	"traefik-json": func() Format { return traefikJSONFormat },
	"cloudfront":   func() Format { return NewCloudFront(nil) },
}

// serverNamed lists the formats of this file for NamedFormats, in the
// order 'webalyze formats' shows them.
var serverNamed = []NamedFormat{
	{"elb", "aws", ELBFormat + "  (AWS Classic Load Balancer)"},
	{"alb", "aws", ALBFormat + "  (AWS Application Load Balancer)"},
	{"cloudfront", "w3c", "AWS CloudFront standard log: tab-separated W3C, columns from #Fields or CloudFront's documented 33"},
	{"traefik", "apache", TraefikFormat + "  (Traefik CLF)"},
	{"traefik-json", "json", "Traefik JSON access log: ClientHost, StartUTC, RequestMethod, RequestPath, DownstreamStatus, DownstreamContentSize, Duration..."},
	{"caddy", "json", "Caddy JSON access log: ts, request.{client_ip,method,uri,proto,host,headers}, status, size, duration..."},
	{"haproxy", "haproxy", HAProxyFormat + "  (HAProxy option httplog, syslog prefix allowed)"},
	{"envoy", "envoy", EnvoyFormat + "  (Envoy default; also Envoy Gateway's JSON lines)"},
	{"ingress-nginx", "nginx", IngressNginxFormat + "  (ingress-nginx upstreaminfo)"},
}

// eitherFormat reads lines that start with '{' with its JSON format and
// the others with its text format (Envoy writes either).
type eitherFormat struct{ text, json Format }

func (f *eitherFormat) Name() string { return f.text.Name() }

func (f *eitherFormat) NewParser() LineParser {
	return &eitherParser{text: f.text.NewParser(), json: f.json.NewParser()}
}

type eitherParser struct{ text, json, last LineParser }

func (p *eitherParser) scratchBuf() []byte {
	if s, ok := p.last.(interface{ scratchBuf() []byte }); ok {
		return s.scratchBuf()
	}
	return nil
}

func (p *eitherParser) Parse(line []byte, rec *Record) Result {
	if len(line) > 0 && line[0] == '{' {
		p.last = p.json
	} else {
		p.last = p.text
	}
	return p.last.Parse(line, rec)
}

// criFormat reads lines that may carry the Kubernetes CRI log prefix
// ("2025-12-31T19:00:00.310000000+01:00 stdout F "), which it passes over.
type criFormat struct{ Format }

func (f *criFormat) NewParser() LineParser { return &criParser{f.Format.NewParser()} }

type criParser struct{ p LineParser }

func (c *criParser) Parse(line []byte, rec *Record) Result {
	off := criPrefix(line)
	r := c.p.Parse(line[off:], rec)
	if r.Column > 0 {
		r.Column += off
	}
	return r
}

func (c *criParser) scratchBuf() []byte {
	if s, ok := c.p.(interface{ scratchBuf() []byte }); ok {
		return s.scratchBuf()
	}
	return nil
}

// criPrefix returns the length of a CRI log prefix at the start of line:
// an RFC 3339 time, "stdout" or "stderr", "F" or "P", each followed by a
// space; 0 when there is none.
func criPrefix(line []byte) int {
	if len(line) < 30 || line[0]-'0' > 9 || line[4] != '-' || line[10] != 'T' {
		return 0
	}
	sp := bytes.IndexByte(line[:min(len(line), 48)], ' ')
	if sp < 0 {
		return 0
	}
	if _, _, ok := parseISO8601(line[:sp]); !ok {
		return 0
	}
	rest := line[sp+1:]
	if len(rest) < 9 || (string(rest[:7]) != "stdout " && string(rest[:7]) != "stderr ") ||
		(rest[7] != 'F' && rest[7] != 'P') || rest[8] != ' ' {
		return 0
	}
	return sp + 1 + 9
}
