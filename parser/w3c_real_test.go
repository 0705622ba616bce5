package parser

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// w3cRealDataDir finds the shared corpus of real logs: ../../shared/testdata/real
// from the main checkout, one more level up from a worktree under /work/wt, or
// $WEBALYZE_REAL_DATA. It returns "" when none exists.
func w3cRealDataDir() string {
	cands := []string{os.Getenv("WEBALYZE_REAL_DATA"), "../../shared/testdata/real", "../../../shared/testdata/real"}
	for _, d := range cands {
		if d == "" {
			continue
		}
		if st, err := os.Stat(d); err == nil && st.IsDir() {
			return d
		}
	}
	return ""
}

// summarizeW3C parses data line by line (LF ends a line, a CR before it is
// stripped, as the reader does) and sums up the results in one string:
//
//	skipped=directive:4 parsed=4 malformed=field_count:1 codes=200:3,404:1 sub=404.4:1 win32=2:1
//
// codes counts sc-status per code ("-" when the line has none); sub counts
// code.substatus and win32 the sc-win32-status values, both when non-zero.
func summarizeW3C(p LineParser, data []byte) string {
	skipped := map[string]int{}
	malformed := map[string]int{}
	codes := map[string]int{}
	sub := map[string]int{}
	win32 := map[string]int{}
	parsed := 0
	var rec Record
	data = bytes.TrimSuffix(data, []byte("\n"))
	for line := range bytes.SplitSeq(data, []byte("\n")) {
		line = bytes.TrimSuffix(line, []byte("\r"))
		r := p.Parse(line, &rec)
		switch r.Kind {
		case Skipped:
			skipped[string(r.Reason)]++
		case Malformed:
			malformed[string(r.Reason)]++
		case Parsed:
			parsed++
			code := "-"
			if rec.HasStatus {
				code = fmt.Sprintf("%03d", rec.Status)
			}
			codes[code]++
			if rec.HasSubStatus && rec.SubStatus != 0 {
				sub[fmt.Sprintf("%s.%d", code, rec.SubStatus)]++
			}
			if rec.HasWin32Status && rec.Win32Status != 0 {
				win32[fmt.Sprint(rec.Win32Status)]++
			}
		}
	}
	return fmt.Sprintf("skipped=%s parsed=%d malformed=%s codes=%s sub=%s win32=%s",
		w3cCountList(skipped), parsed, w3cCountList(malformed), w3cCountList(codes), w3cCountList(sub), w3cCountList(win32))
}

func w3cCountList(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b []string
	for _, k := range keys {
		b = append(b, fmt.Sprintf("%s:%d", k, m[k]))
	}
	return strings.Join(b, ",")
}

// TestW3CRealLogs parses the real IIS logs of the shared corpus with
// NewW3C(nil) and checks the counts against the figures measured with awk
// in ../../shared/testdata/real/SOURCES.md (section "iis/"): directives are
// its `directives` (plus `blank` lines), field_count malformed lines its
// `field_count_mismatch`, codes its `codes`, sub its `nonzero_substatus`,
// win32 its `nonzero_win32`. Where our figures differ on purpose the case
// says why.
func TestW3CRealLogs(t *testing.T) {
	dir := w3cRealDataDir()
	if dir == "" {
		t.Skip("real log corpus not found (../../shared/testdata/real or $WEBALYZE_REAL_DATA); skipping")
	}
	tests := []struct {
		file string
		def  string // --w3c-fields default, when the file has no header
		want string
	}{
		// SOURCES.md: directives=4 data_lines=4 mismatch=0; codes: 200=3 404=1; 404.4=1; w2=1.
		{file: "beats_iis_test-iis-7.5.log",
			want: "skipped=directive:4 parsed=4 malformed= codes=200:3,404:1 sub=404.4:1 win32=2:1"},
		// directives=4 data_lines=1; codes: 200=1.
		{file: "beats_iis_test-ipv6zone.log",
			want: "skipped=directive:4 parsed=1 malformed= codes=200:1 sub= win32="},
		// directives=12 data_lines=5 field_count_mismatch=2 (lines 16-17); codes: 200=3.
		{file: "beats_iis_test.log",
			want: "skipped=directive:12 parsed=3 malformed=field_count:2 codes=200:3 sub= win32="},
		// IIS *native* format (comma separated, no header), not W3C: both
		// lines are data before any #Fields.
		{file: "brianary-scripts_ex010320.log",
			want: "skipped= parsed=0 malformed=missing_fields_directive:2 codes= sub= win32="},
		// directives=4 data_lines=4 field_count_mismatch=1; no sc-status
		// (so the parsed lines have code "-").
		{file: "brianary-scripts_ex031118.log",
			want: "skipped=directive:4 parsed=3 malformed=field_count:1 codes=-:3 sub= win32="},
		// directives=1 data_lines=5; codes: 200=5.
		{file: "brianary-scripts_ex960101.log",
			want: "skipped=directive:1 parsed=5 malformed= codes=200:5 sub= win32="},
		// Windows event-log XML, not W3C text: one line, data before any #Fields.
		{file: "crowdsec_iis-xml-logs.log",
			want: "skipped= parsed=0 malformed=missing_fields_directive:1 codes= sub= win32="},
		// No header: every line is data before any #Fields...
		{file: "integrations_iis_test-iis-8_noheader.log",
			want: "skipped= parsed=0 malformed=missing_fields_directive:6 codes= sub= win32="},
		// ...but with the 22 fields SOURCES.md gives as default, it parses:
		// 200.4/w5=1 403.4/w5=5.
		{file: "integrations_iis_test-iis-8_noheader.log",
			def:  "date time s-sitename s-computername s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs-version cs(User-Agent) cs(Cookie) cs(Referer) cs-host sc-status sc-substatus sc-win32-status sc-bytes cs-bytes time-taken",
			want: "skipped= parsed=6 malformed= codes=200:1,403:5 sub=200.4:1,403.4:5 win32=5:6"},
		// No header, and the lines have differing field counts, so no
		// single default fits: all 8 lines are data before any #Fields.
		{file: "integrations_iis_test-iis10-access_noheader.log",
			want: "skipped= parsed=0 malformed=missing_fields_directive:8 codes= sub= win32="},
		// directives=4 data_lines=1; codes: 200=1.
		{file: "lnav_logfile_w3c.0.log",
			want: "skipped=directive:4 parsed=1 malformed= codes=200:1 sub= win32="},
		// directives=8 data_lines=14; codes: 226=8 230=3 331=3 (FTP, time only).
		{file: "lnav_logfile_w3c.2.log",
			want: "skipped=directive:8 parsed=14 malformed= codes=226:8,230:3,331:3 sub= win32="},
		// directives=4 blank=3 data_lines=3; codes: 200=1 301=1 404=1 with
		// the 404's sc-substatus `" ""garbage"" w/ spaces "`: awk counted it
		// as a sub-status, we call it invalid_number, so 404 is not parsed.
		{file: "lnav_logfile_w3c.3.log",
			want: "skipped=blank:3,directive:4 parsed=2 malformed=invalid_number:1 codes=200:1,301:1 sub= win32="},
		// directives=1 data_lines=1 field_count_mismatch=1.
		{file: "lnav_logfile_w3c.5.log",
			want: "skipped=directive:1 parsed=0 malformed=field_count:1 codes= sub= win32="},
		// directives=4 data_lines=1; codes: 404=1; w2=1.
		{file: "lnav_logfile_w3c.6.log",
			want: "skipped=directive:4 parsed=1 malformed= codes=404:1 sub= win32=2:1"},
		// directives=44 data_lines=210; codes: 200=8 404=202; w64=1 w2=200.
		{file: "lnav_logfile_w3c_big.0.log",
			want: "skipped=directive:44 parsed=210 malformed= codes=200:8,404:202 sub= win32=2:200,64:1"},
		// directives=4 data_lines=1; codes: 200=1; 200.654=1; w456=1.
		{file: "matomo_iis.log",
			want: "skipped=directive:4 parsed=1 malformed= codes=200:1 sub=200.654:1 win32=456:1"},
		// As lnav_logfile_w3c.3: blank=3 (whitespace-only), and the 404's
		// sc-substatus `" garbage w/ spaces "` is invalid_number.
		{file: "matomo_iis_custom.log",
			want: "skipped=blank:3,directive:4 parsed=2 malformed=invalid_number:1 codes=200:1,301:1 sub= win32="},
		// directives=60 data_lines=352; codes: 200=124 404=228; w64=5 w2=224 w995=1.
		{file: "waikolai_W3SVC20_u_ex091107.log",
			want: "skipped=directive:60 parsed=352 malformed= codes=200:124,404:228 sub= win32=2:224,64:5,995:1"},
		// directives=52 data_lines=40; codes: 200=9 206=14 304=3 404=10 406=4; w2=10.
		{file: "waikolai_W3SVC20_u_ex100602.log",
			want: "skipped=directive:52 parsed=40 malformed= codes=200:9,206:14,304:3,404:10,406:4 sub= win32=2:10"},
		// directives=40 data_lines=16; codes: 200=7 304=3 404=6; w64=2 w2=5.
		{file: "waikolai_W3SVC20_u_ex100815.log",
			want: "skipped=directive:40 parsed=16 malformed= codes=200:7,304:3,404:6 sub= win32=2:5,64:2"},
		// directives=48 data_lines=260; codes: 200=123 304=4 404=133; w64=90 w2=74 w995=6.
		{file: "waikolai_W3SVC20_u_ex100830.log",
			want: "skipped=directive:48 parsed=260 malformed= codes=200:123,304:4,404:133 sub= win32=2:74,64:90,995:6"},
		// directives=28 data_lines=10; codes: 200=5 304=1 404=4; 404.11=1; w2=3.
		{file: "waikolai_W3SVC20_u_ex101219.log",
			want: "skipped=directive:28 parsed=10 malformed= codes=200:5,304:1,404:4 sub=404.11:1 win32=2:3"},
		// FTP: directives=8 data_lines=123; codes: 221=29 331=7 530=7 534=22 -=58;
		// 530.1=1 530.42=2 530.41=4 534.25=22; w5=27 w1326=2.
		{file: "webknowit_FTPSVC2_u_ex160206.log",
			want: "skipped=directive:8 parsed=123 malformed= codes=-:58,221:29,331:7,530:7,534:22 sub=530.1:1,530.41:4,530.42:2,534.25:22 win32=1326:2,5:27"},
		// directives=32 data_lines=140; codes: 200=28 206=1 304=25 403=41 404=40 405=5;
		// 403.14=41; w64=26 w2=40 w1=5.
		{file: "webknowit_W3SVC1_u_ex151017.log",
			want: "skipped=directive:32 parsed=140 malformed= codes=200:28,206:1,304:25,403:41,404:40,405:5 sub=403.14:41 win32=1:5,2:40,64:26"},
		// directives=84 data_lines=1257; codes: 200=808 304=443 404=6; w64=72 w2=6.
		{file: "webknowit_W3SVC1_u_ex160106.log",
			want: "skipped=directive:84 parsed=1257 malformed= codes=200:808,304:443,404:6 sub= win32=2:6,64:72"},
		// directives=100 data_lines=28; codes: 200=9 304=8 404=11; w64=2 w2=10.
		{file: "webknowit_W3SVC1_u_ex160110.log",
			want: "skipped=directive:100 parsed=28 malformed= codes=200:9,304:8,404:11 sub= win32=2:10,64:2"},
		// directives=52 data_lines=237; codes: 200=185 302=5 304=13 403=7 404=25 500=2;
		// 404.3=1 403.14=7; w64=2 w2=24 w50=1.
		{file: "webknowit_W3SVC1_u_ex160206.log",
			want: "skipped=directive:52 parsed=237 malformed= codes=200:185,302:5,304:13,403:7,404:25,500:2 sub=403.14:7,404.3:1 win32=2:24,50:1,64:2"},
		// directives=44 data_lines=36; codes: 200=23 404=8 405=5; 404.17=1; w2=7 w1=5 w50=1.
		{file: "webknowit_W3SVC1_u_ex160209.log",
			want: "skipped=directive:44 parsed=36 malformed= codes=200:23,404:8,405:5 sub=404.17:1 win32=1:5,2:7,50:1"},
		// directives=4 data_lines=140; codes: 200=139 302=1.
		{file: "webknowit_W3SVC2_u_ex160206.log",
			want: "skipped=directive:4 parsed=140 malformed= codes=200:139,302:1 sub= win32="},
	}
	seen := map[string]bool{}
	for _, tt := range tests {
		seen[tt.file] = true
		t.Run(tt.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(dir, "iis", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			got := summarizeW3C(NewW3C(mustW3CFields(t, tt.def)).NewParser(), data)
			if got != tt.want {
				t.Errorf("\n got: %s\nwant: %s", got, tt.want)
			}
			// The one-pass plain path agrees with the general loop on
			// every line (as Lines gives them: without CR).
			var lines [][]byte
			for line := range bytes.Lines(data) {
				lines = append(lines, bytes.TrimSuffix(bytes.TrimSuffix(line, []byte("\n")), []byte("\r")))
			}
			w3cPathsAgree(t, NewW3C(mustW3CFields(t, tt.def)), lines)
		})
	}
	// Every file of the folder is covered.
	files, _ := filepath.Glob(filepath.Join(dir, "iis", "*.log"))
	for _, f := range files {
		if !seen[filepath.Base(f)] {
			t.Errorf("%s has no case", filepath.Base(f))
		}
	}
}
