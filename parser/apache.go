package parser

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
)

// CompileApache compiles an Apache LogFormat string, or a whole LogFormat
// directive, into a [Format] named name ("apache:" and the format text
// when name is empty). The package doc lists the directives and where
// their values go. A format it cannot compile gives a [*FormatError]
// whose Offset points into spec.
func CompileApache(name, spec string) (Format, error) {
	text, pos, err := apacheFormatText(spec)
	if err != nil {
		return nil, err
	}
	if name == "" {
		name = "apache:" + text
	}
	fail := func(at int, sentinel error, detail string) (Format, error) {
		return nil, formatError(spec, pos[at], "apache format", sentinel, detail)
	}
	f := &lineFormat{name: name, escape: escapeApache}
	var lit []byte
	type pending struct {
		dir   string // the letter(s): "h", ">s", "{Referer}i"
		arg   string
		conv  byte
		at    int // index in text of the directive's '%'
		argAt int // index in text of arg
	}
	var dirs []pending
	var lits [][]byte // lits[i] precedes dirs[i]; the last one trails
	for i := 0; i < len(text); i++ {
		c := text[i]
		if c != '%' {
			lit = append(lit, c)
			continue
		}
		at := i
		i++
		if i == len(text) {
			return fail(at, ErrIncompleteDirective, "% at the end")
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
		arg, argAt := "", 0
		if i < len(text) && text[i] == '{' {
			end := strings.IndexByte(text[i:], '}')
			if end < 0 {
				return fail(at, ErrUnterminated, "%{ (no closing })")
			}
			arg, argAt = text[i+1:i+end], i+1
			i += end + 1
		}
		if i == len(text) {
			return fail(at, ErrIncompleteDirective, strconv.Quote(text[at:])+" (no directive letter)")
		}
		conv := text[i]
		letters := string(conv)
		if conv == '^' {
			// Two-letter directives: %{VARNAME}^ti and ^to (trailers),
			// %^FB (mod_logio: microseconds to the first byte).
			if i+2 >= len(text) || (text[i+1:i+3] != "ti" && text[i+1:i+3] != "to" && text[i+1:i+3] != "FB") {
				return fail(at, ErrUnknownDirective, text[at:min(i+3, len(text))])
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
		dirs = append(dirs, pending{dir: "%" + dir, arg: arg, conv: conv, at: at, argAt: argAt})
	}
	lits = append(lits, lit)
	if len(dirs) == 0 {
		return fail(0, ErrNoFields, "(no % directive)")
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
			return fail(dirs[i+1].at, ErrAdjacentFields, "("+d.dir+dirs[i+1].dir+")")
		}
		if fe := apacheField(&fl, d.conv, d.arg, d.dir, has); fe != nil {
			if fe.off < 0 {
				return fail(d.at, fe.err, fe.detail)
			}
			return fail(d.argAt+fe.off, fe.err, fe.detail)
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
// unescapes a bare format string. pos[i] is the offset in spec of text[i]
// (of the backslash of an escape), pos[len(text)] that of the format's end.
func apacheFormatText(spec string) (text string, pos []int, err error) {
	lead := len(spec) - len(strings.TrimLeftFunc(spec, unicode.IsSpace))
	s := strings.TrimSpace(spec)
	if rest, ok := strings.CutPrefix(s, "LogFormat"); ok && (rest == "" || rest[0] == ' ' || rest[0] == '\t') {
		at := lead + len("LogFormat") + len(rest) - len(strings.TrimLeftFunc(rest, unicode.IsSpace))
		rest = strings.TrimSpace(rest)
		if rest == "" || rest[0] != '"' {
			return "", nil, formatError(spec, at, "apache format", ErrBadDirective, "(LogFormat without a quoted format string)")
		}
		text, pos, ok := unescapeConfigText(rest[1:], at+1, '"')
		if !ok {
			return "", nil, formatError(spec, at, "apache format", ErrUnterminated, "format string of LogFormat")
		}
		return text, pos, nil
	}
	text, pos, _ = unescapeConfigText(s, lead, 0)
	return text, pos, nil
}

// unescapeConfigText decodes the backslash escapes of s, up to the first
// unescaped quote when quote is not 0 (ok is false when there is none).
// pos maps the result to offsets in s plus base, as apacheFormatText says.
func unescapeConfigText(s string, base int, quote byte) (text string, pos []int, ok bool) {
	b := make([]byte, 0, len(s))
	pos = make([]int, 0, len(s)+1)
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '\\' && i+1 < len(s):
			pos = append(pos, base+i)
			i++
			b = append(b, unescapeConfig(s[i]))
			continue
		case quote != 0 && s[i] == quote:
			return string(b), append(pos, base+i), true
		}
		pos = append(pos, base+i)
		b = append(b, s[i])
	}
	return string(b), append(pos, base+len(s)), quote == 0
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

// fieldFault is a fault found in one directive: err a sentinel, off the
// offset in the directive's argument of the fault, -1 for the directive
// as a whole.
type fieldFault struct {
	err    error
	detail string
	off    int
}

// apacheField sets the kind of the field for directive conv with argument
// arg.
func apacheField(fl *logField, conv byte, arg, dir string, has map[string]bool) *fieldFault {
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
			return &fieldFault{ErrUnknownArgument, fmt.Sprintf("%q of %s (a unit: s, ms or us)", arg, dir), -1}
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
		return &fieldFault{ErrUnknownDirective, dir, -1}
	}
	return nil
}

// apacheTime sets up a %t or %{...}t field.
func apacheTime(fl *logField, arg string) *fieldFault {
	full := len(arg)
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
		l, off, detail := compileTimeLayout(arg)
		if l == nil {
			return &fieldFault{ErrTimeLayout, detail, full - len(arg) + off}
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
