package parser

import (
	"bytes"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
)

// w3cHeader is a typical IIS 10 header block.
const w3cHeader = "#Software: Microsoft Internet Information Services 10.0\n" +
	"#Version: 1.0\n" +
	"#Date: 2024-03-05 14:00:00\n" +
	"#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken\n"

// w3cTests feed their lines, in order, to one parser; want has one compact
// result per line (see formatW3C). def is the --w3c-fields default.
var w3cTests = []struct {
	name string
	def  string
	in   string
	want string
}{{
	name: "typical",
	in: w3cHeader +
		"2024-03-05 14:00:01 10.0.0.2 GET /x a=1 80 - 192.0.2.7 Mozilla/5.0+(Windows) - 404 2 2 15",
	want: "skipped directive\nskipped directive\nskipped directive\nskipped directive\n" +
		"time=2024-03-05T14:00:01Z method=GET path=/x query=a=1 status=404.2 win32=2 host=192.0.2.7 saddr=10.0.0.2 sport=80 ua=Mozilla/5.0 (Windows) taken=15ms",
}, {
	name: "unusual order and subset",
	in: "#Fields: sc-status time-taken cs-uri-stem time date sc-win32-status\n" +
		"500 1234 /api/v1 23:59:59.5 2024-02-29 64",
	want: "skipped directive\n" +
		"time=2024-02-29T23:59:59.5Z path=/api/v1 status=500 win32=64 taken=1.234s",
}, {
	name: "all known fields",
	in: "#Fields: date time s-sitename s-computername s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs-version cs(User-Agent) cs(Cookie) cs(Referer) cs-host sc-status sc-substatus sc-win32-status sc-bytes cs-bytes time-taken X-Forwarded-For\n" +
		"2012-04-01 00:00:13 W3SVC1 WEB1 5.6.7.8 POST /foo q=1 443 bob 1.2.3.4 HTTP/1.1 curl/8.0 a=b;+c=d http://r/?x=1+2 example.com 200 654 456 27028 214 1687 10.0.0.1,10.0.0.2",
	want: "skipped directive\n" +
		"time=2012-04-01T00:00:13Z method=POST path=/foo query=q=1 proto=HTTP/1.1 status=200.654 win32=456 host=1.2.3.4 user=bob saddr=5.6.7.8 sport=443 vhost=example.com ua=curl/8.0 ref=http://r/?x=1+2 xff=10.0.0.1,10.0.0.2 bytes=27028 reqbytes=214 taken=1.687s s-sitename=W3SVC1 s-computername=WEB1 cs(Cookie)=a=b;+c=d",
}, {
	name: "dash values are empty",
	in: "#Fields: date time cs-method cs-uri-stem cs-uri-query c-ip cs-username cs(User-Agent) sc-status sc-substatus sc-win32-status sc-bytes time-taken x-session\n" +
		"2016-02-06 18:01:57 ControlChannelOpened - - ::1 - - - - - - - -",
	want: "skipped directive\n" +
		"time=2016-02-06T18:01:57Z method=ControlChannelOpened host=::1 x-session=",
}, {
	name: "fields change mid-stream",
	in: "#Fields: date time sc-status\n" +
		"2024-01-01 00:00:00 200\n" +
		"#Software: Microsoft Internet Information Services 10.0\n" +
		"#Fields: c-ip sc-status sc-substatus cs-uri-stem\n" +
		"10.1.1.1 401 1 /secure\n" +
		"2024-01-01 00:00:01 200\n" +
		"#Fields: date time sc-status\n" +
		"2024-01-01 00:00:02 302",
	want: "skipped directive\n" +
		"time=2024-01-01T00:00:00Z status=200\n" +
		"skipped directive\nskipped directive\n" +
		"path=/secure status=401.1 host=10.1.1.1\n" +
		"malformed field_count col=1 expected 4 fields, got 3\n" +
		"skipped directive\n" +
		"time=2024-01-01T00:00:02Z status=302",
}, {
	name: "quoted values",
	in: "#Fields:   date-local time-local   cs-uri-stem c-ip cs(User-Agent) cs(Host) sc-status sc-substatus TimeTakenMS\n" +
		`2012-08-15 17:00:00.363 /p "70.95.0.0" "Mozilla/5.0 (Linux; a+b)" "x.example.com" 200 0 109` + "\n" +
		`2012-08-15 17:00:00.363 "/say ""hi""" - "" - 200 "7" 0` + "\n" +
		`2012-08-15 17:00:00.675 /w - "UA" - 404 " ""garbage"" w/ spaces " 359` + "\n" +
		`2012-08-15 17:00:00.675 /w - "UA - 404 0 359` + "\n" +
		`2012-08-15 17:00:00.675 /w - "UA"x - 404 0 359`,
	want: "skipped directive\n" +
		"time=2012-08-15T17:00:00.363Z path=/p status=200.0 host=70.95.0.0 vhost=x.example.com ua=Mozilla/5.0 (Linux; a+b) taken=109ms\n" +
		`time=2012-08-15T17:00:00.363Z path=/say "hi" status=200.7 taken=0s` + "\n" +
		"malformed invalid_number col=41 sc-substatus: not a 32-bit unsigned number\n" +
		"malformed unterminated_quote col=30 unterminated quote\n" +
		"malformed literal_mismatch col=34 closing quote not followed by a space",
}, {
	name: "blank and trailing spaces",
	in: "#Fields: date time sc-status\n" +
		"\n" +
		"   \n" +
		"2024-01-01 00:00:00 200   \n" +
		"  2024-01-01 00:00:00  204",
	want: "skipped directive\nskipped blank\nskipped blank\n" +
		"time=2024-01-01T00:00:00Z status=200\n" +
		"time=2024-01-01T00:00:00Z status=204",
}, {
	name: "field count",
	in: w3cHeader +
		"2024-03-05 14:00:01 10.0.0.2 GET /x a=1 80 - 192.0.2.7 Mozilla/5.0 - 404 2 2\n" +
		"2024-03-05 14:00:01 10.0.0.2 GET /x a=1 80 - 192.0.2.7 Mozilla/5.0 - 404 2 2 15 16",
	want: "skipped directive\nskipped directive\nskipped directive\nskipped directive\n" +
		"malformed field_count col=1 expected 15 fields, got 14\n" +
		"malformed field_count col=1 expected 15 fields, got 16",
}, {
	name: "garbage in numeric fields",
	in: "#Fields: date time sc-status sc-substatus sc-win32-status sc-bytes cs-bytes time-taken\n" +
		"2024-01-01 00:00:00 200 0 0 10 20 30\n" +
		"2024-01-01 00:00:00 2000 0 0 10 20 30\n" +
		"2024-01-01 00:00:00 +20 0 0 10 20 30\n" +
		"2024-01-01 00:00:00 200 x 0 10 20 30\n" +
		"2024-01-01 00:00:00 200 0 4294967296 10 20 30\n" +
		"2024-01-01 00:00:00 200 0 0 -1 20 30\n" +
		"2024-01-01 00:00:00 200 0 0 10 2e3 30\n" +
		"2024-01-01 00:00:00 200 0 0 10 20 1.5\n" +
		"2024-01-01 00:00:00 200 0 0 10 20 99999999999999999\n" +
		"2024-01-01 00:00:00 200 0 0 18446744073709551615 20 30",
	want: "skipped directive\n" +
		"time=2024-01-01T00:00:00Z status=200.0 win32=0 bytes=10 reqbytes=20 taken=30ms\n" +
		"malformed invalid_status col=21 sc-status: status is not three digits\n" +
		"malformed invalid_status col=21 sc-status: status is not three digits\n" +
		"malformed invalid_number col=25 sc-substatus: not a 32-bit unsigned number\n" +
		"malformed invalid_number col=27 sc-win32-status: not a 32-bit unsigned number\n" +
		"malformed invalid_number col=29 sc-bytes: not an unsigned number\n" +
		"malformed invalid_number col=32 cs-bytes: not an unsigned number\n" +
		"malformed invalid_number col=35 time-taken: not a duration in milliseconds\n" +
		"malformed invalid_number col=35 time-taken: not a duration in milliseconds\n" +
		"time=2024-01-01T00:00:00Z status=200.0 win32=0 bytes=18446744073709551615 reqbytes=20 taken=30ms",
}, {
	name: "bad timestamps",
	in: "#Fields: c-ip date time sc-status\n" +
		"h 2023-02-29 00:00:00 200\n" +
		"h 2024-02-29 24:00:00 200\n" +
		"h 2024-2-29 10:00:00 200\n" +
		"h - 10:00:00 200\n" +
		"h - - 200\n" +
		"#Fields: time c-ip\n" +
		"16:44:49 1.1.1.1\n" +
		"16:61:49 1.1.1.1\n" +
		"#Fields: date c-ip\n" +
		"2003-11-18 1.1.1.1\n" +
		"2003-13-18 1.1.1.1",
	want: "skipped directive\n" +
		"malformed invalid_timestamp col=3 date: invalid date\n" +
		"malformed invalid_timestamp col=14 time: invalid time\n" +
		"malformed invalid_timestamp col=3 date: invalid date\n" +
		"malformed invalid_timestamp col=3 date: invalid date\n" +
		"status=200 host=h\n" +
		"skipped directive\n" +
		"host=1.1.1.1\n" +
		"malformed invalid_timestamp col=1 time: invalid time\n" +
		"skipped directive\n" +
		"host=1.1.1.1\n" +
		"malformed invalid_timestamp col=1 date: invalid date",
}, {
	name: "data before fields",
	in: "#Software: Microsoft Internet Information Services 10.0\n" +
		"2024-01-01 00:00:00 200\n" +
		"#Fields: date time sc-status\n" +
		"2024-01-01 00:00:00 200",
	want: "skipped directive\n" +
		"malformed missing_fields_directive col=1 data line before any #Fields directive\n" +
		"skipped directive\n" +
		"time=2024-01-01T00:00:00Z status=200",
}, {
	name: "default fields",
	def:  "date time cs-uri-stem sc-status",
	in: "2024-01-01 00:00:00 /a 200\n" +
		"#Fields: sc-status cs-uri-stem\n" +
		"301 /b",
	want: "time=2024-01-01T00:00:00Z path=/a status=200\n" +
		"skipped directive\n" +
		"path=/b status=301",
}, {
	name: "cs-uri and empty fields directive",
	in: "#Fields: cs-uri sc-status\n" +
		"/a?b=c 200\n" +
		"/a 200\n" +
		"#Fields:\n" +
		"x",
	want: "skipped directive\n" +
		"path=/a query=b=c status=200\n" +
		"path=/a status=200\n" +
		"skipped directive\n" +
		"malformed field_count col=1 expected 0 fields, got 1",
}}

// formatW3C renders a Result and, when parsed, its Record as one compact
// string. Empty fields are left out; extras are always shown.
func formatW3C(r Result, rec *Record) string {
	if r.Kind != Parsed {
		s := r.Kind.String() + " " + string(r.Reason)
		if r.Kind == Malformed {
			s += " col=" + strconv.Itoa(r.Column) + " "
			if r.Field != "" {
				s += r.Field + ": "
			}
			s += r.Detail
		}
		return s
	}
	var b []string
	add := func(k string, v []byte) {
		if len(v) > 0 {
			b = append(b, k+"="+string(v))
		}
	}
	if rec.HasTime {
		b = append(b, "time="+time.Unix(rec.Time, int64(rec.Nanos)).UTC().Format(time.RFC3339Nano))
	}
	add("method", rec.Method)
	add("path", rec.Path)
	add("query", rec.Query)
	add("proto", rec.Protocol)
	if rec.HasStatus {
		s := "status=" + strconv.Itoa(int(rec.Status))
		if rec.HasSubStatus {
			s += "." + strconv.FormatUint(uint64(rec.SubStatus), 10)
		}
		b = append(b, s)
	} else if rec.HasSubStatus {
		b = append(b, "sub="+strconv.FormatUint(uint64(rec.SubStatus), 10))
	}
	if rec.HasWin32Status {
		b = append(b, "win32="+strconv.FormatUint(uint64(rec.Win32Status), 10))
	}
	add("host", rec.Host)
	add("user", rec.User)
	add("saddr", rec.ServerAddr)
	add("sport", rec.ServerPort)
	add("vhost", rec.VHost)
	add("ua", rec.UserAgent)
	add("ref", rec.Referer)
	add("xff", rec.XForwardedFor)
	if rec.HasBytes {
		b = append(b, "bytes="+strconv.FormatUint(rec.Bytes, 10))
	}
	if rec.HasRequestBytes {
		b = append(b, "reqbytes="+strconv.FormatUint(rec.RequestBytes, 10))
	}
	if rec.HasDuration {
		b = append(b, "taken="+(time.Duration(rec.Duration)*time.Microsecond).String())
	}
	for _, f := range rec.Extra {
		b = append(b, f.Name+"="+string(f.Value))
	}
	return strings.Join(b, " ")
}

func mustW3CFields(t testing.TB, s string) []string {
	t.Helper()
	f, err := ParseW3CFieldsList(s)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestParseW3C(t *testing.T) {
	for _, tt := range w3cTests {
		t.Run(tt.name, func(t *testing.T) {
			p := NewW3C(mustW3CFields(t, tt.def)).NewParser()
			var rec Record
			lines := strings.Split(tt.in, "\n")
			want := strings.Split(tt.want, "\n")
			if len(lines) != len(want) {
				t.Fatalf("test has %d lines but %d results", len(lines), len(want))
			}
			for i, line := range lines {
				got := formatW3C(p.Parse([]byte(line), &rec), &rec)
				if got != want[i] {
					t.Errorf("line %d %q:\n got: %s\nwant: %s", i+1, line, got, want[i])
				}
			}
		})
	}
}

// TestW3CPrime checks that a parser primed with a #Fields line parses the
// data lines after it as one that read the whole input, and that Prime
// neither counts nor needs anything else.
func TestW3CPrime(t *testing.T) {
	f := NewW3C(nil)
	for _, tt := range w3cTests {
		if tt.def != "" {
			continue
		}
		t.Run(tt.name, func(t *testing.T) {
			lines := strings.Split(tt.in, "\n")
			// Cut the input after every line: the whole-input parser gives
			// the reference; the block parser is primed with the last
			// #Fields before the cut.
			for cut := 1; cut < len(lines); cut++ {
				ref := f.NewParser()
				var rrec, brec Record
				var lastFields string
				var want []string
				for i, line := range lines {
					r := ref.Parse([]byte(line), &rrec)
					if i < cut {
						if strings.HasPrefix(line, w3cFieldsPrefix) {
							lastFields = line
						}
						continue
					}
					want = append(want, formatW3C(r, &rrec))
				}
				bp := f.NewParser()
				st, ok := bp.(Stateful)
				if !ok {
					t.Fatal("W3C parser does not implement Stateful")
				}
				if st.DirectivePrefix() != "#Fields:" {
					t.Fatalf("DirectivePrefix = %q", st.DirectivePrefix())
				}
				if lastFields != "" {
					st.Prime([]byte(lastFields))
				}
				for i, line := range lines[cut:] {
					got := formatW3C(bp.Parse([]byte(line), &brec), &brec)
					if got != want[i] {
						t.Errorf("cut %d line %d:\n got: %s\nwant: %s", cut, cut+i+1, got, want[i])
					}
				}
			}
		})
	}
	// Prime ignores lines that are not #Fields.
	p := f.NewParser().(Stateful)
	p.Prime([]byte("#Software: x"))
	var rec Record
	if r := p.Parse([]byte("a b"), &rec); r.Reason != ReasonMissingFieldsDir {
		t.Errorf("after priming with #Software: %v %s", r.Kind, r.Reason)
	}
}

func TestParseW3CFieldsList(t *testing.T) {
	tests := []struct {
		in   string
		want []string
		err  string
	}{
		{"date time cs-method", []string{"date", "time", "cs-method"}, ""},
		{"  #Fields: date\ttime,sc-status  ", []string{"date", "time", "sc-status"}, ""},
		{"", nil, ""},
		{"   ", nil, ""},
		{"#Fields:", nil, ""},
		{"date time DATE", nil, `w3c fields: field named twice ("DATE") at offset 10`},
		{`date cs("x")`, nil, `w3c fields: invalid field name "cs(\"x\")" (character '"') at offset 8`},
		{"date #x", nil, `w3c fields: invalid field name "#x" (character '#') at offset 5`},
	}
	for _, tt := range tests {
		got, err := ParseW3CFieldsList(tt.in)
		gotErr := ""
		if err != nil {
			gotErr = err.Error()
		}
		if !reflect.DeepEqual(got, tt.want) || gotErr != tt.err {
			t.Errorf("ParseW3CFieldsList(%q) = %q, %q; want %q, %q", tt.in, got, gotErr, tt.want, tt.err)
		}
	}
}

func TestLooksLikeW3C(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"#Software: Microsoft Internet Information Services 8.5\n#Version: 1.0", true},
		{"#Fields: date time", true},
		{"\n#Version: 1.0", true},
		{"#Software: Microsoft HTTP Server API 2.0", false},
		{`127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" 200 2326`, false},
		{"# Fields: date", false},
		{"\xEF\xBB\xBF#Software: Microsoft Internet Information Services 10.0", true},
		{"", false},
	}
	for _, tt := range tests {
		var lines [][]byte
		for _, l := range strings.Split(tt.in, "\n") {
			lines = append(lines, []byte(l))
		}
		if got := looksLikeW3C(lines); got != tt.want {
			t.Errorf("looksLikeW3C(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestW3CFormatName(t *testing.T) {
	if n := NewW3C(nil).Name(); n != "iis" {
		t.Errorf("Name() = %q, want iis", n)
	}
}

// TestW3CNoAllocs checks that steady-state parsing, including '+' decoding,
// quoted values, extras and a repeated #Fields header, does not allocate.
func TestW3CNoAllocs(t *testing.T) {
	p := NewW3C(nil).NewParser()
	var rec Record
	fields := []byte("#Fields: date time s-sitename cs-uri-stem cs(User-Agent) cs(Cookie) sc-status sc-substatus time-taken")
	lines := [][]byte{
		fields,
		[]byte(`2024-01-01 00:00:00 W3SVC1 /a Mozilla/5.0+(X11;+Linux) "a=""b"" c" 200 0 15`),
		[]byte(`2024-01-01 00:00:00 W3SVC1 /b - - 404 2 1`),
	}
	for _, l := range lines {
		p.Parse(l, &rec)
	}
	allocs := testing.AllocsPerRun(100, func() {
		for _, l := range lines {
			p.Parse(l, &rec)
		}
	})
	if allocs != 0 {
		t.Errorf("%v allocations per run, want 0", allocs)
	}
}

var updateW3C = flag.Bool("update-w3c", false, "rewrite testdata/w3c/*.golden")

// TestW3CSamples parses each testdata/w3c/*.log (LF-separated, a CR before
// the LF stripped as the reader does) and compares one formatW3C line per
// input line, numbered, with the .golden file beside it. A .fields file
// beside a log holds its --w3c-fields default. Run with -update-w3c to
// rewrite the golden files after checking the differences by hand.
func TestW3CSamples(t *testing.T) {
	logs, err := filepath.Glob("testdata/w3c/*.log")
	if err != nil || len(logs) == 0 {
		t.Fatalf("no samples: %v", err)
	}
	for _, name := range logs {
		base := strings.TrimSuffix(name, ".log")
		t.Run(filepath.Base(base), func(t *testing.T) {
			data, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			var def []string
			if fl, err := os.ReadFile(base + ".fields"); err == nil {
				def = mustW3CFields(t, string(fl))
			}
			p := NewW3C(def).NewParser()
			var rec Record
			var out strings.Builder
			data = bytes.TrimSuffix(data, []byte("\n"))
			for i, line := range bytes.Split(data, []byte("\n")) {
				line = bytes.TrimSuffix(line, []byte("\r"))
				fmt.Fprintf(&out, "%d: %s\n", i+1, formatW3C(p.Parse(line, &rec), &rec))
			}
			golden := base + ".golden"
			if *updateW3C {
				if err := os.WriteFile(golden, []byte(out.String()), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if out.String() != string(want) {
				t.Errorf("%s differs from %s:\n%s", name, golden, out.String())
			}
		})
	}
}

// TestPlusToSpace checks the word-at-a-time '+' decoding against
// bytes.ReplaceAll at every length up to five words, with bytes that
// differ from '+' only in the high bit or the lowest ('*': a borrow from
// a '+' below would flag it), appended after earlier values.
func TestPlusToSpace(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var p w3cParser
	for range 20_000 {
		v := make([]byte, rng.IntN(41))
		for i := range v {
			v[i] = "++ a\xab\x0b*"[rng.IntN(7)]
		}
		p.scratch = append(p.scratch[:0], "earlier+value"[:rng.IntN(14)]...)
		before := string(p.scratch)
		got := p.plusToSpace(v)
		if want := bytes.ReplaceAll(v, []byte("+"), []byte(" ")); !bytes.Equal(got, want) {
			t.Fatalf("plusToSpace(%q) = %q, want %q", v, got, want)
		}
		if string(p.scratch[:len(before)]) != before {
			t.Fatalf("plusToSpace(%q) changed what the scratch held before: %q", v, p.scratch)
		}
	}
}

// TestW3CDateCache checks the date cache against parseW3CDateTime on
// sequences that keep, change or spoil the date and the clock.
func TestW3CDateCache(t *testing.T) {
	seqs := [][][2]string{
		{{"2024-03-05", "14:00:01"}, {"2024-03-05", "14:00:02.5"}, {"2024-03-05", "23:59:60"}, {"2024-03-06", "00:00:00"}},
		{{"2024-03-05", "14:00:01"}, {"2024-03-05", "24:00:00"}, {"2024-03-05", "14:60:00"}, {"2024-03-05", "14:00:61"}, {"2024-03-05", "14:00:0"}, {"2024-03-05", "14:00:00x"},
			{"2024-03-05", "27:00:00,1"}}, // a bad time with a fraction: 0, 0, false (the fuzzer's find)
		{{"2024-03-05", "14:00:01"}, {"2024-03-15", "14:00:01"}, {"2025-03-05", "14:00:01"}, {"2024-03-0", "14:00:01"}, {"2024-03-05x", "14:00:01"}},
		{{"2024-02-29", "01:00:00"}, {"2023-02-29", "01:00:00"}, {"2024-02-29", "01:00:00"}, {"2024-02-30", "01:00:00"}},
		{{"2024-03-05", "bad"}, {"2024-03-05", "14:00:01"}, {"2024-13-05", "14:00:01"}, {"2024-03-05", "14:00:01,25"}},
	}
	for _, seq := range seqs {
		var c w3cDateCache
		for _, dc := range seq {
			sec, nsec, ok := c.parse([]byte(dc[0]), []byte(dc[1]))
			wsec, wnsec, wok := parseW3CDateTime([]byte(dc[0]), []byte(dc[1]))
			if sec != wsec || nsec != wnsec || ok != wok {
				t.Errorf("after %v: parse(%s %s) = %d, %d, %v; parseW3CDateTime: %d, %d, %v", seq[0], dc[0], dc[1], sec, nsec, ok, wsec, wnsec, wok)
			}
		}
	}
}

// FuzzW3CDateCache checks the cache against parseW3CDateTime on a date and
// time that follow another.
func FuzzW3CDateCache(f *testing.F) {
	f.Add("2024-03-05", "14:00:01", "2024-03-05", "14:00:02.125")
	f.Add("2024-02-29", "23:59:59", "2024-02-29", "24:00:00")
	f.Fuzz(func(t *testing.T, d1, c1, d2, c2 string) {
		var c w3cDateCache
		c.parse([]byte(d1), []byte(c1))
		sec, nsec, ok := c.parse([]byte(d2), []byte(c2))
		wsec, wnsec, wok := parseW3CDateTime([]byte(d2), []byte(c2))
		if sec != wsec || nsec != wnsec || ok != wok {
			t.Fatalf("after %s %s: parse(%s %s) = %d, %d, %v; parseW3CDateTime: %d, %d, %v", d1, c1, d2, c2, sec, nsec, ok, wsec, wnsec, wok)
		}
	})
}

// TestW3CPlainPath holds parsePlain to the general loop on lines at its
// edges: quotes, runs of spaces, spaces at either end, too few and too many
// values, bad values before and after a quote, dashes, '+' in agents, and
// layouts with a date or a time alone.
func TestW3CPlainPath(t *testing.T) {
	const full = "#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken"
	lines := []string{
		full,
		"2024-03-01 00:00:04 10.0.0.5 GET /a.html - 443 - 1.2.3.4 Mozilla/5.0+(X11) https://e.com/ 200 0 0 12",
		"2024-03-01 00:00:04 10.0.0.5 GET /a.html - 443 - 1.2.3.4 \"Mozilla 5\" https://e.com/ 200 0 0 12",
		"2024-03-01 00:00:04 10.0.0.5 GET /a.html - 443 - 1.2.3.4 - - 200 0 0 12",
		"2024-03-01  00:00:04 10.0.0.5 GET /a.html - 443 - 1.2.3.4 - - 200 0 0 12",
		" 2024-03-01 00:00:04 10.0.0.5 GET /a.html - 443 - 1.2.3.4 - - 200 0 0 12",
		"2024-03-01 00:00:04 10.0.0.5 GET /a.html - 443 - 1.2.3.4 - - 200 0 0 12 ",
		"2024-03-01 00:00:04 10.0.0.5 GET /a.html - 443 - 1.2.3.4 - - 200 0 0",
		"2024-03-01 00:00:04 10.0.0.5 GET /a.html - 443 - 1.2.3.4 - - 200 0 0 12 13",
		"2024-03-01 00:00:04 10.0.0.5 GET /a.html - 443 - 1.2.3.4 - - 2x0 0 0 12",
		"2024-03-01 00:00:04 10.0.0.5 GET /a.html - 443 - 1.2.3.4 - - 2x0 0 0 \"12",
		"2024-03-01 00:00:04 10.0.0.5 GET /a.html - 443 - 1.2.3.4 - - 200 x 0 12",
		"2024-03-01 00:00:04 10.0.0.5 GET /a.html - 443 - 1.2.3.4 - - 200 0 99999999999 12",
		"2024-03-01 00:00:04 10.0.0.5 GET /a.html - 443 - 1.2.3.4 - - 200 0 0 -1",
		"2024-03-01 24:00:04 10.0.0.5 GET /a.html - 443 - 1.2.3.4 - - 200 0 0 12",
		"2024-02-30 00:00:04 10.0.0.5 GET /a.html - 443 - 1.2.3.4 - - 200 0 0 12",
		"- - - - - - - - - - - - - - -",
		"2024-03-01 - 10.0.0.5 GET /a.html - 443 - 1.2.3.4 - - 200 0 0 12",
		"2024-03-01 00:00:04 10.0.0.5 GET /a.html - 443 - 1.2.3.4 a\"b - 200 0 0 12",
		"",
		"   ",
		"#Fields: time sc-status",
		"00:00:01 200",
		"25:00:01 200",
		"00:00:01 200 x",
		"#Fields: date cs-uri sc-status x-custom",
		"2024-03-01 /p?q=1 404 v",
		"2024-13-01 /p?q=1 404 v",
		"2024-03-01 /p?q=1 404 \"v\"",
		"2024-03-01 /p?q=1 404 v w", // too many values, the last one text
		"2024-03-01 /p?q=1 404 v ",
	}
	var b [][]byte
	for _, l := range lines {
		b = append(b, []byte(l))
	}
	w3cPathsAgree(t, NewW3C(nil), b)
}
