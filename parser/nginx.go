package parser

import (
	"strings"
	"unicode"
)

// CompileNginx compiles an nginx log_format into a [Format] named name
// (when name is empty, "nginx:" and the format text, preceded by its
// escape= parameter unless that is the default, so that the name given
// back to [ParseFormatSpec] compiles the same format). spec is a format or
// a whole log_format directive; the package doc lists the variables and
// where their values go. A format it cannot compile gives a [*FormatError]
// whose Offset points into spec.
func CompileNginx(name, spec string) (Format, error) {
	text, pos, escape, err := nginxFormatText(spec)
	if err != nil {
		return nil, err
	}
	if name == "" {
		name = "nginx:" + text
		switch escape {
		case escapeJSON:
			name = "nginx:escape=json " + text
		case escapeNone:
			name = "nginx:escape=none " + text
		}
	}
	fail := func(at int, sentinel error, detail string) (Format, error) {
		return nil, formatError(spec, pos[at], "nginx format", sentinel, detail)
	}
	f := &lineFormat{name: name, escape: escape}
	var lits [][]byte
	var vars []string
	var varAt []int // index in text of each variable's '$'
	var lit []byte
	for i := 0; i < len(text); i++ {
		c := text[i]
		if c != '$' {
			lit = append(lit, c)
			continue
		}
		j := i + 1
		var v string
		if j < len(text) && text[j] == '{' {
			end := strings.IndexByte(text[j:], '}')
			if end < 0 {
				return fail(i, ErrUnterminated, "${ (no closing })")
			}
			v = text[j+1 : j+end]
			j += end + 1
		} else {
			for j < len(text) && isVarByte(text[j]) {
				j++
			}
			v = text[i+1 : j]
		}
		if v == "" {
			lit = append(lit, c) // a lone $ is a literal
			continue
		}
		lits = append(lits, lit)
		lit = nil
		vars = append(vars, v)
		varAt = append(varAt, i)
		i = j - 1
	}
	lits = append(lits, lit)
	if len(vars) == 0 {
		return fail(0, ErrNoFields, "(no $variable)")
	}
	has := map[string]bool{}
	for _, v := range vars {
		has[v] = true
	}
	f.lead = lits[0]
	for i, v := range vars {
		fl := logField{name: v, after: lits[i+1], kind: nginxKind(v, has)}
		switch {
		case strings.HasPrefix(v, "upstream_"):
			fl.list = listUpstream
		case strings.HasPrefix(v, "http_") || v == "proxy_add_x_forwarded_for":
			fl.list = listComma
		}
		// $proxy_add_x_forwarded_for is X-Forwarded-For with $remote_addr
		// appended: without $remote_addr, its last item is the client.
		fl.hostFromLast = v == "proxy_add_x_forwarded_for" && fl.kind == kXFF && !has["remote_addr"]
		if i < len(vars)-1 && len(fl.after) == 0 {
			return fail(varAt[i+1], ErrAdjacentFields, "($"+v+"$"+vars[i+1]+")")
		}
		fl.quoted = len(lits[i]) > 0 && lits[i][len(lits[i])-1] == '"' && len(fl.after) > 0 && fl.after[0] == '"'
		f.fields = append(f.fields, fl)
	}
	dedupeFields(f.fields)
	f.finish()
	return f, nil
}

func isVarByte(c byte) bool {
	return c-'a' < 26 || c-'A' < 26 || c-'0' < 10 || c == '_'
}

// nginxKind maps a variable to a Record field.
func nginxKind(v string, has map[string]bool) fieldKind {
	switch v {
	case "remote_addr":
		return kHost
	case "remote_user":
		return kUser
	case "time_local":
		return kTimeCLF
	case "time_iso8601":
		return kTimeISO
	case "msec":
		return kTimeEpoch
	case "request":
		return kRequest
	case "request_method":
		return kMethod
	case "server_protocol":
		return kProtocol
	case "request_uri":
		return kURI
	case "uri", "document_uri":
		if !has["request_uri"] {
			return kPath
		}
	case "args", "query_string":
		if !has["request_uri"] {
			return kQuery
		}
	case "status":
		return kStatus
	case "body_bytes_sent":
		return kBytes
	case "bytes_sent":
		if !has["body_bytes_sent"] {
			return kBytes
		}
	case "request_length":
		return kRequestBytes
	case "request_time":
		return kDurationSeconds
	case "upstream_response_time":
		return kUpstream
	case "http_referer":
		return kReferer
	case "http_user_agent":
		return kUserAgent
	case "http_x_forwarded_for":
		return kXFF
	case "proxy_add_x_forwarded_for":
		if !has["http_x_forwarded_for"] {
			return kXFF
		}
	case "host", "server_name", "http_host":
		return kVHost
	case "server_addr":
		return kServerAddr
	case "server_port":
		return kServerPort
	case "scheme":
		return kScheme
	}
	return kExtra
}

// nginxFormatText extracts the format and escaping from a log_format
// directive or a bare format. pos[i] is the offset in spec of text[i],
// pos[len(text)] that of the format's end.
func nginxFormatText(spec string) (text string, pos []int, escape escapeMode, err error) {
	lead := len(spec) - len(strings.TrimLeftFunc(spec, unicode.IsSpace))
	s := strings.TrimSpace(spec)
	escape = escapeNginx
	fail := func(at int, sentinel error, detail string) (string, []int, escapeMode, error) {
		return "", nil, 0, formatError(spec, at, "nginx format", sentinel, detail)
	}
	// cutEscape takes an escape= parameter off the start of s (at offset
	// at in spec) and returns how many bytes it and the space after it
	// take.
	cutEscape := func(s string, at int) (int, error) {
		for _, m := range []struct {
			p string
			e escapeMode
		}{{"escape=json", escapeJSON}, {"escape=default", escapeNginx}, {"escape=none", escapeNone}} {
			if rest, ok := strings.CutPrefix(s, m.p); ok && (rest == "" || rest[0] == ' ' || rest[0] == '\t') {
				escape = m.e
				return len(s) - len(strings.TrimLeft(rest, " \t\r\n")), nil
			}
		}
		if strings.HasPrefix(s, "escape=") {
			return 0, formatError(spec, at, "nginx format", ErrUnknownEscape, "("+strings.Fields(s)[0]+"; want default, json or none)")
		}
		return 0, nil
	}
	rest, ok := strings.CutPrefix(s, "log_format")
	if !ok || (rest != "" && rest[0] != ' ' && rest[0] != '\t' && rest[0] != '\n') {
		n, err := cutEscape(s, lead)
		if err != nil {
			return "", nil, 0, err
		}
		pos = make([]int, 0, len(s)-n+1)
		for i := n; i <= len(s); i++ {
			pos = append(pos, lead+i)
		}
		return s[n:], pos, escape, nil
	}
	// A directive: log_format name [escape=...] 'part' "part" bare ... ;
	// Each word is kept with the offset in spec of each of its bytes.
	type word struct {
		b   []byte
		pos []int
	}
	var words []word
	var w word
	inWord := false
	base := lead + len("log_format")
	end := len(rest)
	if t := strings.TrimRightFunc(rest, unicode.IsSpace); strings.HasSuffix(t, ";") {
		end = len(t) - 1
	}
	for i := len(rest) - len(strings.TrimLeftFunc(rest, unicode.IsSpace)); i < end; i++ {
		c := rest[i]
		switch {
		case c == '\'' || c == '"':
			j := i + 1
			for ; j < end && rest[j] != c; j++ {
				at := j
				if rest[j] == '\\' && j+1 < end {
					j++
					if rest[j] != c && rest[j] != '\\' {
						w.b = append(w.b, '\\')
						w.pos = append(w.pos, base+at)
					}
				}
				w.b = append(w.b, rest[j])
				w.pos = append(w.pos, base+at)
			}
			if j >= end {
				return fail(base+i, ErrUnterminated, "quoted string in log_format")
			}
			i = j
			inWord = true
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			if inWord {
				w.pos = append(w.pos, base+i)
				words = append(words, w)
				w = word{}
				inWord = false
			}
		default:
			w.b = append(w.b, c)
			w.pos = append(w.pos, base+i)
			inWord = true
		}
	}
	if inWord {
		w.pos = append(w.pos, base+end)
		words = append(words, w)
	}
	if len(words) < 2 {
		return fail(base+end, ErrBadDirective, "(log_format needs a name and a format)")
	}
	words = words[1:] // the name
	if strings.HasPrefix(string(words[0].b), "escape=") {
		if _, err := cutEscape(string(words[0].b), words[0].pos[0]); err != nil {
			return "", nil, 0, err
		}
		words = words[1:]
	}
	var b []byte
	for k, w := range words {
		b = append(b, w.b...)
		n := len(w.pos) - 1 // without the word's end
		if k == len(words)-1 {
			n++
		}
		pos = append(pos, w.pos[:n]...)
	}
	if len(words) == 0 {
		pos = []int{base + end}
	}
	return string(b), pos, escape, nil
}
