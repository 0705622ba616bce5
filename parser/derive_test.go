package parser

import (
	"strings"
	"testing"
)

// clfCombined is a combined line; clfFields is what describe gives for
// its fields up to the size, which deriveTests write as "…".
const (
	clfCombined = clfLine + ` "http://r/" "ua"`
	clfFields   = `host="1.2.3.4" user="bob" time=2000-10-10T20:55:36Z method="GET" path="/a.html" query="x=1" proto="HTTP/1.1" status=200 bytes=2326`
)

// repeat returns n copies of line.
func repeat(n int, line string) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = line
	}
	return out
}

// deriveTests are samples given to Detect with AutoCandidates: the format
// it must pick ("none" for none), what it says of a format it derived, and
// the outcome (see outcome) of each line read with the format, with
// clfFields written as "…". FuzzDetect seeds from them.
var deriveTests = []struct {
	name    string
	lines   []string
	format  string
	derived string
	want    []string
}{
	{
		name:    "X-Forwarded-For and a time",
		lines:   []string{clfCombined + ` "203.0.113.7" 0.057`, clfCombined + ` "-" 0.100`, clfCombined + ` "203.0.113.7, 2001:db8::1" -`},
		format:  `apache:%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i" "%{X-Forwarded-For}i" %{extra2}e`,
		derived: "combined + 2 trailing fields",
		want: []string{
			`… ref="http://r/" ua="ua" xff="203.0.113.7" %{extra2}e="0.057"`,
			`… ref="http://r/" ua="ua" %{extra2}e="0.100"`,
			`… ref="http://r/" ua="ua" xff="203.0.113.7, 2001:db8::1"`,
		},
	},
	{
		name:    `a quoted field that is always "-" is not known to be X-Forwarded-For`,
		lines:   repeat(3, clfCombined+` "-"`),
		format:  `apache:%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i" "%{extra1}e"`,
		derived: "combined + 1 trailing field",
		want:    repeat(3, `… ref="http://r/" ua="ua"`),
	},
	{
		name:    "a quoted field of addresses with ports is not X-Forwarded-For",
		lines:   repeat(2, clfCombined+` "10.0.0.1:8080"`),
		format:  `apache:%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i" "%{extra1}e"`,
		derived: "combined + 1 trailing field",
		want:    repeat(2, `… ref="http://r/" ua="ua" %{extra1}e="10.0.0.1:8080"`),
	},
	{
		name:    "a line may drop its X-Forwarded-For, as it may drop its agent",
		lines:   append(repeat(3, clfCombined+` "198.51.100.1"`), clfCombined, clfLine),
		format:  `apache:%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i" "%{X-Forwarded-For}i"`,
		derived: "combined + 1 trailing field",
		want: append(repeat(3, `… ref="http://r/" ua="ua" xff="198.51.100.1"`),
			`… ref="http://r/" ua="ua"`, `…`),
	},
	{
		name:    "Icecast: combined and the seconds connected",
		lines:   []string{clfCombined + ` 1807`, clfCombined + ` 0`},
		format:  `apache:%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i" %{extra1}e`,
		derived: "combined + 1 trailing field",
		want:    []string{`… ref="http://r/" ua="ua" %{extra1}e="1807"`, `… ref="http://r/" ua="ua" %{extra1}e="0"`},
	},
	{
		name:    "a line with fewer trailing fields is malformed",
		lines:   append(repeat(4, clfCombined+` 1807`), clfCombined, clfCombined+` "x"`),
		format:  `apache:%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i" %{extra1}e`,
		derived: "combined + 1 trailing field",
		want: append(repeat(4, `… ref="http://r/" ua="ua" %{extra1}e="1807"`),
			`malformed missing_fields col=96 field=%{User-Agent}i`, `… ref="http://r/" ua="ua" %{extra1}e="\"x\""`),
	},
	{
		name:    "a line with more fields after a last quoted one is trailing_data",
		lines:   append(repeat(3, clfCombined+` "a" "b"`), clfCombined+` "a" "b" "c"`),
		format:  `apache:%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i" "%{extra1}e" "%{extra2}e"`,
		derived: "combined + 2 trailing fields",
		want:    append(repeat(3, `… ref="http://r/" ua="ua" %{extra1}e="a" %{extra2}e="b"`), `malformed trailing_data col=104`),
	},
	{
		name:    "a last token takes the words a line has more",
		lines:   append(repeat(3, clfCombined+` 0.057`), clfCombined+` - 0.321`),
		format:  `apache:%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i" %{extra1}e`,
		derived: "combined + 1 trailing field",
		want:    append(repeat(3, `… ref="http://r/" ua="ua" %{extra1}e="0.057"`), `… ref="http://r/" ua="ua" %{extra1}e="- 0.321"`),
	},
	{
		name: "labelled fields, the first glued to the agent (nginx's upstream_time example)",
		lines: []string{clfCombined + `rt=0.000 uct="-" uht="-" urt="-"`,
			clfCombined + `rt=0.200 uct="0.000" uht="0.200" urt="0.200, 0.100"`},
		format:  `apache:%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i"rt=%{rt}e uct="%{uct}e" uht="%{uht}e" urt="%{urt}e"`,
		derived: "combined + 4 trailing fields",
		want: []string{`… ref="http://r/" ua="ua" %{rt}e="0.000"`,
			`… ref="http://r/" ua="ua" %{rt}e="0.200" %{uct}e="0.000" %{uht}e="0.200" %{urt}e="0.200, 0.100"`},
	},
	{
		name:    "a label used twice names the second field by its position",
		lines:   repeat(2, clfCombined+` t=1 t=2`),
		format:  `apache:%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i" t=%{t}e t=%{extra2}e`,
		derived: "combined + 2 trailing fields",
		want:    repeat(2, `… ref="http://r/" ua="ua" %{t}e="1" %{extra2}e="2"`),
	},
	{
		name:    "vcombined and a duration",
		lines:   repeat(2, `www.example.org:443 `+clfCombined+` 116075`),
		format:  `apache:%v:%p %h %l %u %t "%r" %>s %O "%{Referer}i" "%{User-Agent}i" %{extra1}e`,
		derived: "vcombined + 1 trailing field",
		want:    repeat(2, `… ref="http://r/" ua="ua" vhost="www.example.org" port="443" %{extra1}e="116075"`),
	},
	{
		name:    "vhost and a duration",
		lines:   repeat(2, `www.example.org `+clfCombined+` 116075`),
		format:  `apache:%v %h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i" %{extra1}e`,
		derived: "vhost + 1 trailing field",
		want:    repeat(2, `… ref="http://r/" ua="ua" vhost="www.example.org" %{extra1}e="116075"`),
	},
	{
		name:    "common and a duration",
		lines:   repeat(2, clfLine+` 1500`),
		format:  `apache:%h %l %u %t "%r" %>s %b %{extra1}e`,
		derived: "common + 1 trailing field",
		want:    repeat(2, `… %{extra1}e="1500"`),
	},
	{
		name:    "the widest named format is extended: combined + 2, not common + 4",
		lines:   repeat(2, clfCombined+` "x" "y"`),
		format:  `apache:%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i" "%{extra1}e" "%{extra2}e"`,
		derived: "combined + 2 trailing fields",
		want:    repeat(2, `… ref="http://r/" ua="ua" %{extra1}e="x" %{extra2}e="y"`),
	},
	{
		name:    "a line of another shape does not stop the derivation",
		lines:   append(repeat(3, clfCombined+` 12`), `[Wed Oct 11 14:32:52 2000] [error] [client 127.0.0.1] client denied`),
		format:  `apache:%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i" %{extra1}e`,
		derived: "combined + 1 trailing field",
		want:    append(repeat(3, `… ref="http://r/" ua="ua" %{extra1}e="12"`), `malformed literal_mismatch col=13 field=%t`),
	},

	// When the named formats win.
	{
		name:   "mostly combined: the named format stays",
		lines:  append(repeat(10, clfCombined), clfCombined+` "-"`, clfCombined+` "-"`),
		format: "combined",
		want:   append(repeat(10, `… ref="http://r/" ua="ua"`), `malformed trailing_data col=96`, `malformed trailing_data col=96`),
	},
	{
		name:   "half and half: the named format stays",
		lines:  []string{clfCombined, clfCombined, clfCombined + ` 7`, clfCombined + ` 7`},
		format: "combined",
		want:   []string{`… ref="http://r/" ua="ua"`, `… ref="http://r/" ua="ua"`, `malformed trailing_data col=96`, `malformed trailing_data col=96`},
	},
	{
		name:    "one line in twenty more wins",
		lines:   append(repeat(19, clfCombined), clfCombined+` "198.51.100.1"`),
		format:  `apache:%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i" "%{X-Forwarded-For}i"`,
		derived: "combined + 1 trailing field",
		want:    append(repeat(19, `… ref="http://r/" ua="ua"`), `… ref="http://r/" ua="ua" xff="198.51.100.1"`),
	},
	{
		name:   "one line in forty more does not",
		lines:  append(repeat(39, clfCombined), clfCombined+` "198.51.100.1"`),
		format: "combined",
		want:   append(repeat(39, `… ref="http://r/" ua="ua"`), `malformed trailing_data col=96`),
	},

	// No shape.
	{
		name:   "no shape for most lines",
		lines:  []string{clfCombined + ` a=1`, clfCombined + ` b=2`, clfCombined + ` c=3`},
		format: "none",
	},
	{
		name:   "a stray quote in the agent is not a trailing field",
		lines:  repeat(3, clfLine+` "-" "a "quoted" agent"`),
		format: "none",
	},
	{
		name:   "two spaces before a field",
		lines:  repeat(2, clfCombined+`  0.057`),
		format: "none",
	},
	{
		name:   "a tab before a field",
		lines:  repeat(2, clfCombined+"\t0.057 x"),
		format: "none",
	},
	{
		name:   "an unlabelled field glued to the agent",
		lines:  repeat(2, clfCombined+`0.057`),
		format: "none",
	},
	{
		name:   "an unterminated quoted field",
		lines:  repeat(2, clfCombined+` "abc`),
		format: "none",
	},
}

// shortOutcome is outcome with clfFields written as "…".
func shortOutcome(res Result, rec *Record) string {
	return strings.Replace(outcome(res, rec), clfFields, "…", 1)
}

func TestDeriveFormats(t *testing.T) {
	for _, tt := range deriveTests {
		t.Run(tt.name, func(t *testing.T) {
			d := Detect([]byte(strings.Join(tt.lines, "\n")+"\n"), AutoCandidates(nil))
			got := "none"
			if d.Format != nil {
				got = d.Format.Name()
			}
			if got != tt.format || d.Derived != tt.derived {
				t.Fatalf("Detect picked\n %s (derived %q), want\n %s (derived %q)", got, d.Derived, tt.format, tt.derived)
			}
			if d.Tried != len(tt.lines) {
				t.Errorf("Tried = %d, want %d", d.Tried, len(tt.lines))
			}
			if d.Format == nil {
				return
			}
			// The name is a --log-format value for the same format.
			again, err := ParseFormatSpec(got)
			if err != nil || again.Name() != got {
				t.Fatalf("ParseFormatSpec(%q) = %v, %v", got, again, err)
			}
			p, q := d.Format.NewParser(), again.NewParser()
			var rec Record
			parsed := 0
			for i, line := range tt.lines {
				res := p.Parse([]byte(line), &rec)
				out := shortOutcome(res, &rec)
				if res.Kind == Parsed {
					parsed++
				}
				if i >= len(tt.want) || out != tt.want[i] {
					want := "(none)"
					if i < len(tt.want) {
						want = tt.want[i]
					}
					t.Errorf("line %d:\n got %s\nwant %s", i+1, out, want)
				}
				if res2 := q.Parse([]byte(line), &rec); shortOutcome(res2, &rec) != out {
					t.Errorf("line %d with -f %q: %s, want %s", i+1, got, shortOutcome(res2, &rec), out)
				}
			}
			if len(tt.want) != len(tt.lines) {
				t.Errorf("%d outcomes for %d lines", len(tt.want), len(tt.lines))
			}
			if parsed != d.Parsed {
				t.Errorf("Parsed = %d, but %d lines parse", d.Parsed, parsed)
			}
		})
	}
}

// TestDeriveOnlyWhenNoNamedFormatFits checks that a sample every line of
// which a named format reads is never derived from, even when another
// base would leave trailing fields: common lines are common, not
// "common + 0".
func TestDeriveOnlyWhenNoNamedFormatFits(t *testing.T) {
	for _, tt := range []struct{ lines, want string }{
		{clfLine + "\n" + clfLine + "\n", "common"},
		{clfCombined + "\n" + clfLine + "\n", "combined"},
		{"www.example.org " + clfCombined + "\n", "vhost"},
	} {
		d := Detect([]byte(tt.lines), AutoCandidates(nil))
		if d.Format == nil || d.Format.Name() != tt.want || d.Derived != "" {
			t.Errorf("Detect(%q) = %v (derived %q), want %s", tt.lines, d.Format, d.Derived, tt.want)
		}
	}
}
