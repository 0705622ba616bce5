package parser

import (
	"fmt"
	"strings"
	"unicode"
)

// NamedFormat is a format known by name.
type NamedFormat struct {
	Name       string
	Syntax     string // "apache", "nginx" or "w3c"
	Definition string
}

// The named formats' definitions.
const (
	CommonFormat    = `%h %l %u %t "%r" %>s %b`
	CombinedFormat  = `%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i"`
	VCombinedFormat = `%v:%p %h %l %u %t "%r" %>s %O "%{Referer}i" "%{User-Agent}i"`
	VHostFormat     = `%v %h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i"`
	NginxFormat     = `$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent"`
)

// NamedFormats lists the formats --log-format accepts by name.
func NamedFormats() []NamedFormat {
	out := []NamedFormat{
		{"common", "apache", CommonFormat},
		{"combined", "apache", CombinedFormat},
		{"vcombined", "apache", VCombinedFormat + "  (Apache vhost_combined)"},
		{"vhost", "apache", VHostFormat + "  (virtual host without port first)"},
		{"nginx", "nginx", NginxFormat + "  (nginx's combined)"},
		{"iis", "w3c", "W3C extended: columns named by each #Fields: directive (alias w3c)"},
	}
	return append(out, serverNamed...)
}

// Named returns the named format, or false. defaultFields is the IIS
// column list for data lines before any #Fields directive (nil for none).
func Named(name string, defaultFields []string) (Format, bool) {
	var f Format
	var err error
	switch name {
	case "common":
		f, err = CompileApache("common", CommonFormat)
	case "combined":
		f, err = CompileApache("combined", CombinedFormat)
	case "vcombined", "vhost_combined":
		f, err = CompileApache("vcombined", VCombinedFormat)
	case "vhost":
		f, err = CompileApache("vhost", VHostFormat)
	case "nginx":
		f, err = CompileNginx("nginx", NginxFormat)
	case "iis", "w3c":
		f = NewW3C(defaultFields)
	default:
		build, ok := serverFormats[name]
		if !ok {
			return nil, false
		}
		return build(), true
	}
	if err != nil {
		panic("parser: built-in format does not compile: " + err.Error())
	}
	return f, true
}

// ParseFormatSpec resolves a --log-format value other than "auto": a name
// from [NamedFormats], apache:'<LogFormat string>' or nginx:'<log_format
// string>'. The text after the colon may be wrapped in single quotes. A
// format string that does not compile gives a [*FormatError] whose Format
// is spec and whose Offset counts from the start of spec.
func ParseFormatSpec(spec string) (Format, error) {
	if f, ok := Named(spec, nil); ok {
		return f, nil
	}
	kind, text, ok := strings.Cut(spec, ":")
	if !ok {
		var names []string
		for _, nf := range NamedFormats() {
			names = append(names, nf.Name)
		}
		return nil, fmt.Errorf("unknown format %q: want auto, %s, apache:'...' or nginx:'...'", spec, strings.Join(names, ", "))
	}
	at := len(kind) + 1 + len(text) - len(strings.TrimLeftFunc(text, unicode.IsSpace)) // offset of text in spec
	text = strings.TrimSpace(text)
	if len(text) >= 2 && text[0] == '\'' && text[len(text)-1] == '\'' {
		text = text[1 : len(text)-1]
		at++
	}
	var f Format
	var err error
	switch kind {
	case "apache":
		f, err = CompileApache("", text)
	case "nginx":
		f, err = CompileNginx("", text)
	default:
		return nil, fmt.Errorf("unknown format kind %q: want apache:'...' or nginx:'...'", kind)
	}
	if fe, ok := err.(*FormatError); ok {
		return nil, &FormatError{Format: spec, Offset: at + fe.Offset, Err: fe.Err}
	}
	return f, err
}

// autoNames returns the names of the formats "auto" tries, in order (see
// AutoCandidates).
func autoNames() []string {
	return []string{"common", "combined", "vcombined", "vhost", "iis",
		"traefik", "ingress-nginx", "elb", "alb", "cloudfront", "haproxy", "envoy", "caddy", "traefik-json"}
}

// AutoCandidates are the formats "auto" tries on each file, narrowest
// first so that ties go to the narrower one: common before combined (a
// combined parser also reads common lines), vcombined (host:port first)
// before vhost (host first). An nginx default log reads as
// "combined", which it is. The other servers' formats follow; none of
// them reads the lines of another in full. When none fits, [Detect]
// derives formats from common, combined, vcombined and vhost followed by
// trailing fields.
func AutoCandidates(defaultFields []string) []Format {
	var out []Format
	for _, name := range autoNames() {
		f, _ := Named(name, defaultFields)
		out = append(out, f)
	}
	return out
}
