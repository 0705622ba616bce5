package parser

// Apache httpd LogFormat strings (mod_log_config).
//
// CompileApache takes a format string as it appears in httpd.conf, for
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
//	                 with an optional begin: or end: prefix. Several time
//	                 fields of one line are assembled into one instant; a
//	                 layout without %z is taken as UTC.
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
// An unquoted header (%{X-Forwarded-For}i before %h) may hold a list
// written with ", ": a space after a comma does not end it. An unquoted %u
// followed by %t runs to the "[" of the time, so a user name may hold
// spaces ("Songmu Yaxing").
//
// Conditions and modifiers (%400,501{User-agent}i, %!200{Referer}i, %<s)
// are accepted and ignored: the log holds "-" where they suppressed a value.

import (
	"errors"
	"fmt"
	"strings"
)

// CompileApache compiles an Apache LogFormat string into a [Format] named
// name (the format text itself when name is empty).
func CompileApache(name, spec string) (Format, error) {
	text, err := apacheFormatText(spec)
	if err != nil {
		return nil, err
	}
	if name == "" {
		name = "apache:" + text
	}
	f := &lineFormat{name: name, escape: escapeApache}
	var lit []byte
	type pending struct {
		dir  string // the letter(s): "h", ">s", "{Referer}i"
		arg  string
		conv byte
	}
	var dirs []pending
	var lits [][]byte // lits[i] precedes dirs[i]; the last one trails
	for i := 0; i < len(text); i++ {
		c := text[i]
		if c != '%' {
			lit = append(lit, c)
			continue
		}
		i++
		if i == len(text) {
			return nil, fmt.Errorf("apache format: %% at the end")
		}
		if text[i] == '%' {
			lit = append(lit, '%')
			continue
		}
		start := i
		// Modifiers: status conditions and < >.
		for i < len(text) && (text[i] == '!' || text[i] == ',' || text[i] == '<' || text[i] == '>' || text[i]-'0' < 10) {
			i++
		}
		final := strings.Contains(text[start:i], ">")
		arg := ""
		if i < len(text) && text[i] == '{' {
			end := strings.IndexByte(text[i:], '}')
			if end < 0 {
				return nil, fmt.Errorf("apache format: unclosed { at byte %d", i+1)
			}
			arg = text[i+1 : i+end]
			i += end + 1
		}
		if i == len(text) {
			return nil, fmt.Errorf("apache format: directive without a letter at byte %d", start)
		}
		conv := text[i]
		letters := string(conv)
		if conv == '^' {
			// Two-letter directives: %{VARNAME}^ti and ^to (trailers),
			// %^FB (mod_logio: microseconds to the first byte).
			if i+2 >= len(text) || (text[i+1:i+3] != "ti" && text[i+1:i+3] != "to" && text[i+1:i+3] != "FB") {
				return nil, fmt.Errorf("apache format: unknown directive %%%s at byte %d", text[start:min(i+3, len(text))], start)
			}
			letters = text[i : i+3]
			i += 2
		}
		dir := letters
		if final {
			dir = ">" + dir
		}
		if arg != "" {
			dir = "{" + arg + "}" + letters
		}
		lits = append(lits, lit)
		lit = nil
		dirs = append(dirs, pending{dir: "%" + dir, arg: arg, conv: conv})
	}
	lits = append(lits, lit)
	if len(dirs) == 0 {
		return nil, errors.New("apache format: no % directive")
	}
	has := map[string]bool{}
	for _, d := range dirs {
		has[d.dir] = true
	}
	f.lead = lits[0]
	for i, d := range dirs {
		fl := logField{name: d.dir, after: lits[i+1]}
		fl.beforeQuery = d.conv == 'U' && i < len(dirs)-1 && dirs[i+1].conv == 'q' && len(fl.after) == 0
		if i < len(dirs)-1 && len(fl.after) == 0 && !fl.beforeQuery {
			return nil, fmt.Errorf("apache format: %s and %s have nothing between them", d.dir, dirs[i+1].dir)
		}
		if err := apacheField(&fl, d.conv, d.arg, d.dir, has); err != nil {
			return nil, err
		}
		fl.quoted = len(lits[i]) > 0 && lits[i][len(lits[i])-1] == '"' && len(fl.after) > 0 && fl.after[0] == '"'
		f.fields = append(f.fields, fl)
	}
	// A value used twice (two %h) keeps the first; later ones go to Extra.
	dedupeFields(f.fields)
	f.finish()
	return f, nil
}

// apacheFormatText extracts the format from a LogFormat directive, or
// unescapes a bare format string.
func apacheFormatText(spec string) (string, error) {
	s := strings.TrimSpace(spec)
	if rest, ok := strings.CutPrefix(s, "LogFormat"); ok && (rest == "" || rest[0] == ' ' || rest[0] == '\t') {
		rest = strings.TrimSpace(rest)
		if rest == "" || rest[0] != '"' {
			return "", errors.New("apache format: LogFormat without a quoted format string")
		}
		var b strings.Builder
		for i := 1; i < len(rest); i++ {
			switch rest[i] {
			case '\\':
				if i+1 < len(rest) {
					i++
					b.WriteByte(unescapeConfig(rest[i]))
					continue
				}
			case '"':
				return b.String(), nil
			}
			b.WriteByte(rest[i])
		}
		return "", errors.New("apache format: unterminated format string")
	}
	if !strings.Contains(s, `\`) {
		return s, nil
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
			b.WriteByte(unescapeConfig(s[i]))
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String(), nil
}

func unescapeConfig(c byte) byte {
	switch c {
	case 'n':
		return '\n'
	case 't':
		return '\t'
	}
	return c
}

// apacheField sets the kind of the field for directive conv with argument
// arg.
func apacheField(fl *logField, conv byte, arg, dir string, has map[string]bool) error {
	switch conv {
	case 'h':
		fl.kind = kHost
	case 'a':
		if arg == "" && !has["%h"] {
			fl.kind = kHost
		}
	case 'A':
		fl.kind = kServerAddr
	case 'l':
		fl.kind = kIdent
	case 'u':
		fl.kind = kUser
	case 't':
		return apacheTime(fl, arg)
	case 'r':
		fl.kind = kRequest
	case 'm':
		fl.kind = kMethod
	case 'U':
		fl.kind = kPath
	case 'q':
		fl.kind = kQuery
	case 'H':
		fl.kind = kProtocol
	case 's':
		if dir == "%>s" || !has["%>s"] {
			fl.kind = kStatus
		}
	case 'b', 'B':
		fl.kind = kBytes
	case 'O':
		if !has["%b"] && !has["%B"] {
			fl.kind = kBytes
		}
	case 'I':
		fl.kind = kRequestBytes
	case 'D':
		fl.kind, fl.unit = kDuration, 1
	case 'T':
		switch arg {
		case "", "s":
			fl.kind = kDurationSeconds
		case "ms":
			fl.kind, fl.unit = kDuration, 1000
		case "us":
			fl.kind, fl.unit = kDuration, 1
		default:
			return fmt.Errorf("apache format: %s: unknown unit %q", dir, arg)
		}
	case 'v', 'V':
		fl.kind = kVHost
	case 'p':
		if arg == "" || arg == "canonical" {
			fl.kind = kServerPort
		}
	case 'i':
		// A header may hold a list ("10.0.0.2, 10.0.0.1"); unquoted, a
		// space after a comma does not end it.
		fl.list = listComma
		switch strings.ToLower(arg) {
		case "referer", "referrer":
			fl.kind = kReferer
		case "user-agent":
			fl.kind = kUserAgent
		case "x-forwarded-for":
			fl.kind = kXFF
		case "host":
			if !has["%v"] && !has["%V"] {
				fl.kind = kVHost
			}
		}
	case 'e', 'o', 'n', 'C', 'X', 'k', 'L', 'P', 'R', 'f', 'S', '^', 'x', 'c':
		// Extra.
	default:
		return fmt.Errorf("apache format: unknown directive %s", dir)
	}
	return nil
}

// apacheTime sets up a %t or %{...}t field.
func apacheTime(fl *logField, arg string) error {
	arg = strings.TrimPrefix(strings.TrimPrefix(arg, "begin:"), "end:")
	switch arg {
	case "":
		fl.kind, fl.bracket = kTimeCLF, true
	case "sec":
		fl.kind = kTimeEpoch
	case "msec":
		fl.kind = kTimeMilli
	case "usec":
		fl.kind = kTimeMicro
	case "msec_frac":
		fl.kind, fl.fracLen = kTimeFrac, 3
	case "usec_frac":
		fl.kind, fl.fracLen = kTimeFrac, 6
	default:
		l, err := compileTimeLayout(arg)
		if err != nil {
			return fmt.Errorf("apache format: %w", err)
		}
		fl.kind, fl.layout = kTimeLayout, l
	}
	return nil
}

// dedupeFields sends to Extra every field after the first one that fills
// the same Record field (two %h, %v and %V). Time fields, which combine,
// are left alone.
func dedupeFields(fields []logField) {
	seen := map[fieldKind]bool{}
	for i := range fields {
		k := fields[i].kind
		switch k {
		case kExtra, kTimeCLF, kTimeISO, kTimeEpoch, kTimeMilli, kTimeMicro, kTimeFrac, kTimeLayout:
			continue
		}
		if seen[k] {
			fields[i].kind = kExtra
		}
		seen[k] = true
	}
}
