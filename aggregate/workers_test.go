package aggregate_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/klauspost/compress/zstd"
	"github.com/webalyze/webalyze/aggregate"
	"github.com/webalyze/webalyze/parser"
	"github.com/webalyze/webalyze/report"
)

// writeMixedInputs writes, into dir, a combined log, its gzip and zstd
// copies under other names, and an IIS log whose #Fields change mid-file,
// each big enough to span many blocks; it returns their names and the
// status counts to expect, computed as the lines are written, not by any
// parser.
func writeMixedInputs(t *testing.T, dir string) ([]string, map[string]int64) {
	t.Helper()
	want := map[string]int64{}
	var clf bytes.Buffer
	codes := []int{200, 200, 200, 304, 404, 499, 502, 0, 561}
	for i := range 30000 {
		code := codes[i%len(codes)]
		fmt.Fprintf(&clf, "10.0.%d.%d - - [05/Mar/2024:%02d:%02d:%02d +0100] \"GET /p/%d?x=%d HTTP/1.1\" %03d %d \"https://r%d.example/\" \"agent %d\"\n",
			i%7, i%251, 10+i/3600%10, i/60%60, i%60, i%997, i%13, code, i%5000, i%17, i%31)
		want[fmt.Sprintf("%03d", code)] += 3 // read three times: plain, gzip, zstd
	}
	var iis bytes.Buffer
	fields := []string{"#Fields: date time c-ip cs-method cs-uri-stem sc-status sc-substatus sc-win32-status time-taken",
		"#Fields: time date sc-status sc-substatus c-ip cs-uri-stem cs-method time-taken sc-win32-status"}
	for i := range 20000 {
		if i%5000 == 0 {
			iis.WriteString("#Software: Microsoft Internet Information Services 10.0\n" + fields[i/5000%2] + "\n")
		}
		code, sub := []int{200, 404, 401, 500}[i%4], i%3
		d, tm := "2024-03-05", fmt.Sprintf("%02d:%02d:%02d", 8+i/3600, i/60%60, i%60)
		if i/5000%2 == 0 {
			fmt.Fprintf(&iis, "%s %s 10.1.0.%d GET /w/%d %d %d 0 %d\n", d, tm, i%200, i%300, code, sub, i%900)
		} else {
			fmt.Fprintf(&iis, "%s %s %d %d 10.1.0.%d /w/%d GET %d 0\n", tm, d, code, sub, i%200, i%300, i%900)
		}
		want[fmt.Sprintf("%03d", code)]++
		want[fmt.Sprintf("%03d.%d", code, sub)]++
	}
	var gz, zs bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(clf.Bytes())
	zw.Close()
	enc, _ := zstd.NewWriter(&zs)
	enc.Write(clf.Bytes())
	enc.Close()
	files := map[string][]byte{"a.log": clf.Bytes(), "b.log.gz": gz.Bytes(), "c.zst": zs.Bytes(), "u_ex1.log": iis.Bytes()}
	var names []string
	for _, n := range []string{"a.log", "b.log.gz", "c.zst", "u_ex1.log"} {
		p := filepath.Join(dir, n)
		if err := os.WriteFile(p, files[n], 0o644); err != nil {
			t.Fatal(err)
		}
		names = append(names, p)
	}
	return names, want
}

// TestWorkersAgree runs the same inputs (plain, gzip, zstd and an IIS log
// with changing #Fields, all spanning many 64 KiB blocks) with 1 and 4
// workers and checks that the models are identical and that the status
// counts match the ones written.
func TestWorkersAgree(t *testing.T) {
	dir := t.TempDir()
	names, written := writeMixedInputs(t, dir)
	var models []string
	for _, w := range []int{1, 4} {
		st, res, err := aggregate.Run(context.Background(), aggregate.RunConfig{Workers: w, Candidates: parser.AutoCandidates(nil),
			// Capacities above the key counts: exact lists must agree
			// exactly (approximate ones only agree within their bounds).
			Options: aggregate.Options{DrillCapacity: 10_000}}, names)
		if err != nil || len(res.Unreadable) > 0 {
			t.Fatal(err, res.Unreadable)
		}
		if err := st.Check(); err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := report.WriteJSON(&b, report.Build(st, report.BuildOptions{TopN: 50})); err != nil {
			t.Fatal(err)
		}
		models = append(models, b.String())
		if st.Lines.Malformed != 0 || st.Lines.Parsed != 3*30000+20000 {
			t.Errorf("workers=%d: lines %+v, want %d parsed and none malformed", w, st.Lines, 3*30000+20000)
		}
		for key, n := range written {
			var got uint64
			if code, sub, ok := strings.Cut(key, "."); ok {
				var c, s int
				fmt.Sscanf(code, "%d", &c)
				fmt.Sscanf(sub, "%d", &s)
				got = st.SubCodes[aggregate.SubKey(uint16(c), uint32(s))]
			} else {
				var c int
				fmt.Sscanf(key, "%d", &c)
				got = st.Codes[c]
			}
			if got != uint64(n) {
				t.Errorf("workers=%d: %s counted %d, written %d", w, key, got, n)
			}
		}
	}
	if models[0] != models[1] {
		a, b := strings.Split(models[0], "\n"), strings.Split(models[1], "\n")
		for i := range min(len(a), len(b)) {
			if a[i] != b[i] {
				t.Errorf("1 and 4 workers give different models; first difference at line %d:\n%s\n%s", i+1, strings.Join(a[max(0, i-12):i+8], "\n"), strings.Join(b[max(0, i-12):i+8], "\n"))
				break
			}
		}
	}
}
