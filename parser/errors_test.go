package parser

import (
	"errors"
	"strings"
	"testing"
)

// formatErrorTests holds every way a format string fails to compile. In
// in, "∑" marks the offset the error must give (it is removed before
// compiling); want is a part of the message.
var formatErrorTests = []struct {
	compile string // "spec" (ParseFormatSpec), "apache", "nginx" or "w3c"
	in      string
	err     error
	want    string
}{
	// Apache: the '%' of the faulty directive.
	{"apache", "%h ∑%", ErrIncompleteDirective, "% at the end"},
	{"apache", "%h ∑%>", ErrIncompleteDirective, "no directive letter"},
	{"apache", "%h ∑%400,501{Referer}", ErrIncompleteDirective, "no directive letter"},
	{"apache", "%h ∑%{Referer", ErrUnterminated, "%{"},
	{"apache", "%h ∑%Z", ErrUnknownDirective, "%Z"},
	{"apache", "%h ∑%!200Z", ErrUnknownDirective, "%Z"},
	{"apache", "%h ∑%^FX", ErrUnknownDirective, "%^FX"},
	{"apache", "%h ∑%^t", ErrUnknownDirective, "%^t"},
	{"apache", "%h ∑%^", ErrUnknownDirective, "%^"},
	{"apache", "%h ∑%{X}^tx", ErrUnknownDirective, "%{X}^tx"},
	{"apache", "∑%{xs}T", ErrUnknownArgument, `"xs" of %{xs}T`},
	{"apache", "%h∑%l", ErrAdjacentFields, "(%h%l)"},
	{"apache", "%h %>s∑%{Referer}i", ErrAdjacentFields, "(%>s%{Referer}i)"},
	{"apache", "∑plain text", ErrNoFields, "no % directive"},
	{"apache", "∑100%% sure", ErrNoFields, "no % directive"},
	{"apache", "∑", ErrNoFields, "no % directive"},
	// Strftime layouts: the '%' of the conversion inside the argument.
	{"apache", "%h %{%d/%b/%Y ∑%Q}t", ErrTimeLayout, `"%Q" is not supported`},
	{"apache", "%h %{begin:%d ∑%Q}t", ErrTimeLayout, `"%Q"`},
	{"apache", "%h %{end:%d∑%}t", ErrTimeLayout, "ends with %"},
	{"apache", "%{%T ∑%é}t", ErrTimeLayout, `"%é"`},
	// Offsets count in the string as given: escapes, leading spaces.
	{"apache", `%h \"%r\" ∑%Z`, ErrUnknownDirective, "%Z"},
	{"apache", `\t\"%h∑%u\"`, ErrAdjacentFields, "(%h%u)"},
	{"apache", "  %h ∑%Z  ", ErrUnknownDirective, "%Z"},
	{"apache", `LogFormat "%h \"%r\" ∑%Z" combined`, ErrUnknownDirective, "%Z"},
	{"apache", `  LogFormat "%h∑%l"`, ErrAdjacentFields, "(%h%l)"},
	{"apache", `LogFormat ∑%h combined`, ErrBadDirective, "without a quoted format string"},
	{"apache", `LogFormat∑`, ErrBadDirective, "without a quoted format string"},
	{"apache", `LogFormat ∑"%h %u`, ErrUnterminated, "format string of LogFormat"},
	{"apache", `LogFormat ∑"%h \"`, ErrUnterminated, "format string of LogFormat"},

	// nginx: the '$' of the faulty variable.
	{"nginx", "$a ∑${b", ErrUnterminated, "${"},
	{"nginx", "$a∑$b", ErrAdjacentFields, "($a$b)"},
	{"nginx", "${a}∑$b", ErrAdjacentFields, "($a$b)"},
	{"nginx", "$ $a∑${b}", ErrAdjacentFields, "($a$b)"},
	{"nginx", "∑no variables $", ErrNoFields, "no $variable"},
	{"nginx", "∑", ErrNoFields, "no $variable"},
	{"nginx", "∑escape=xml $a", ErrUnknownEscape, "escape=xml"},
	{"nginx", "  escape=json ∑${x", ErrUnterminated, "${"},
	{"nginx", "escape=none ∑just text", ErrNoFields, "no $variable"},
	{"nginx", "log_format main ∑'$a", ErrUnterminated, "quoted string"},
	{"nginx", `log_format main '$a' ∑"$b \"`, ErrUnterminated, "quoted string"},
	{"nginx", "log_format main∑", ErrBadDirective, "needs a name and a format"},
	{"nginx", "log_format main∑;", ErrBadDirective, "needs a name and a format"},
	{"nginx", "log_format main ∑escape=bogus '$a';", ErrUnknownEscape, "escape=bogus"},
	{"nginx", "log_format main escape=json '∑text';", ErrNoFields, "no $variable"},
	{"nginx", "log_format main '$a \\'' \"$b∑$c\";", ErrAdjacentFields, "($b$c)"},
	{"nginx", "log_format main '$a '\n\t'$b' ∑${c;", ErrUnterminated, "${"},
	{"nginx", "log_format main \"\\\"$a\"∑$b;", ErrAdjacentFields, "($a$b)"},
	{"nginx", "log_format \v main '$a∑$b';", ErrAdjacentFields, "($a$b)"},

	// Through ParseFormatSpec, offsets count from the start of the spec.
	{"spec", "apache:%h ∑%Z", ErrUnknownDirective, "%Z"},
	{"spec", "apache: '%h∑%l'", ErrAdjacentFields, "(%h%l)"},
	{"spec", "apache:∑", ErrNoFields, "no % directive"},
	{"spec", "apache:'∑'", ErrNoFields, "no % directive"},
	{"spec", "nginx:'$a ∑${b'", ErrUnterminated, "${"},
	{"spec", "nginx:log_format x '$remote_addr∑$status';", ErrAdjacentFields, "($remote_addr$status)"},

	// W3C field lists: the offending character, or the second name.
	{"w3c", "date time ∑DATE", ErrDuplicateField, `"DATE"`},
	{"w3c", "  #Fields: date,time\t∑date", ErrDuplicateField, `"date"`},
	{"w3c", `date cs(∑"x")`, ErrFieldName, `"cs(\"x\")"`},
	{"w3c", "date ∑#x", ErrFieldName, `'#'`},
	{"w3c", "date c∑\x01ip", ErrFieldName, `'\x01'`},
	{"w3c", "date cs-uri ∑é", ErrFieldName, `"é"`},
}

// compileForTest compiles in with the function compile names.
func compileForTest(compile, in string) error {
	var err error
	switch compile {
	case "spec":
		_, err = ParseFormatSpec(in)
	case "apache":
		_, err = CompileApache("", in)
	case "nginx":
		_, err = CompileNginx("", in)
	case "w3c":
		_, err = ParseW3CFieldsList(in)
	default:
		panic("unknown compile " + compile)
	}
	return err
}

func TestFormatErrors(t *testing.T) {
	for _, tt := range formatErrorTests {
		offset := strings.Index(tt.in, "∑")
		if offset < 0 {
			t.Fatalf("%q: no ∑ marker", tt.in)
		}
		in := strings.Replace(tt.in, "∑", "", 1)
		err := compileForTest(tt.compile, in)
		var fe *FormatError
		if !errors.As(err, &fe) {
			t.Errorf("%s %q: error %v, want a *FormatError", tt.compile, in, err)
			continue
		}
		if fe.Format != in || fe.Offset != offset || !errors.Is(err, tt.err) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s %q:\n got format %q offset %d: %v\nwant format %q offset %d: %v with %q",
				tt.compile, in, fe.Format, fe.Offset, err, in, offset, tt.err, tt.want)
		}
	}
}

// TestFormatErrorMessage pins the whole text of one error of each syntax.
func TestFormatErrorMessage(t *testing.T) {
	tests := []struct{ compile, in, want string }{
		{"spec", "apache:%h %Z", "apache format: unknown directive %Z at offset 10"},
		{"spec", "nginx:$a$b", "nginx format: two fields with nothing between them ($a$b) at offset 8"},
		{"w3c", "date DATE", `w3c fields: field named twice ("DATE") at offset 5`},
		{"apache", "%{%d %Q}t", `apache format: unsupported time layout ("%Q" is not supported) at offset 5`},
	}
	for _, tt := range tests {
		if err := compileForTest(tt.compile, tt.in); err == nil || err.Error() != tt.want {
			t.Errorf("%s %q: %v, want %s", tt.compile, tt.in, err, tt.want)
		}
	}
}

// FuzzFormatError holds every compile error of arbitrary format strings
// to a *FormatError of the string given, with an offset inside it.
func FuzzFormatError(f *testing.F) {
	for _, tt := range formatErrorTests {
		f.Add(tt.compile, strings.Replace(tt.in, "∑", "", 1))
	}
	for _, tt := range lineFormatTests {
		f.Add("spec", tt.spec)
	}
	f.Fuzz(func(t *testing.T, compile, in string) {
		switch compile {
		case "spec", "apache", "nginx", "w3c":
		default:
			return
		}
		err := compileForTest(compile, in)
		if err == nil {
			return
		}
		var fe *FormatError
		if !errors.As(err, &fe) {
			if compile == "spec" && strings.Contains(err.Error(), "unknown format") {
				return
			}
			t.Fatalf("%s %q: %v is not a *FormatError", compile, in, err)
		}
		if fe.Format != in || fe.Offset < 0 || fe.Offset > len(in) {
			t.Fatalf("%s %q: format %q, offset %d outside 0..%d", compile, in, fe.Format, fe.Offset, len(in))
		}
		kinds := []error{ErrUnknownDirective, ErrIncompleteDirective, ErrUnknownArgument, ErrTimeLayout, ErrUnterminated,
			ErrAdjacentFields, ErrNoFields, ErrUnknownEscape, ErrBadDirective, ErrFieldName, ErrDuplicateField}
		n := 0
		for _, k := range kinds {
			if errors.Is(err, k) {
				n++
			}
		}
		if n != 1 {
			t.Fatalf("%s %q: %v is of %d kinds, want 1", compile, in, err, n)
		}
	})
}
