package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestNonStandardClass runs a log with 000, 099, 600, 999 and 200 through
// every output: 000 is class 0xx on its own, 099, 600 and 999 are
// "non-standard", and each output says so.
func TestNonStandardClass(t *testing.T) {
	dir := t.TempDir()
	log := filepath.Join(dir, "access.log")
	var b strings.Builder
	for m, status := range []int{0, 99, 600, 999, 200} {
		// logLine does not pad the status: 000 and 099 need it.
		line := strings.Replace(logLine(m, 200), `" 200 `, fmt.Sprintf(`" %03d `, status), 1)
		b.WriteString(line + "\n")
	}
	if err := os.WriteFile(log, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	want := map[string]int64{"0xx": 1, "non-standard": 3, "2xx": 1}

	// outputs maps each output to its class counts.
	tests := []struct {
		name    string
		args    []string
		classes func(t *testing.T, out string) map[string]int64
	}{
		{"json", []string{"summary", "--json"}, func(t *testing.T, out string) map[string]int64 {
			var doc struct {
				Status struct {
					Classes map[string]int64 `json:"classes"`
				} `json:"status"`
				Classes []struct {
					Class string `json:"class"`
					Hits  int64  `json:"requests"`
				} `json:"classes"`
				Months []struct {
					Days []struct {
						Hits    int64            `json:"requests"`
						Classes map[string]int64 `json:"classes"`
					} `json:"days"`
				} `json:"months"`
				Codes []struct{ Code, Class string } `json:"codes"`
				Drill []struct{ Code string }        `json:"drill_down"`
			}
			if err := json.Unmarshal([]byte(out), &doc); err != nil {
				t.Fatal(err)
			}
			// The class rows and the one day's buckets agree with the
			// status contract.
			rows := map[string]int64{}
			for _, c := range doc.Classes {
				rows[c.Class] = c.Hits
			}
			if !equalCounts(rows, doc.Status.Classes) {
				t.Errorf("class rows %v != status.classes %v", rows, doc.Status.Classes)
			}
			if len(doc.Months) != 1 || len(doc.Months[0].Days) != 1 {
				t.Fatalf("months = %+v, want one day", doc.Months)
			}
			day := doc.Months[0].Days[0]
			if !equalCounts(day.Classes, doc.Status.Classes) || day.Hits != 5 {
				t.Errorf("day: %d hits, classes %v; want 5 and %v", day.Hits, day.Classes, doc.Status.Classes)
			}
			var codes, drill []string
			for _, c := range doc.Codes {
				codes = append(codes, c.Code+":"+c.Class)
			}
			for _, d := range doc.Drill {
				drill = append(drill, d.Code)
			}
			if got := strings.Join(codes, " "); got != "000:0xx 099:non-standard 200:2xx 600:non-standard 999:non-standard" {
				t.Errorf("codes = %s", got)
			}
			if got := strings.Join(drill, " "); got != "000 099 600 999" {
				t.Errorf("drill-downs = %s, want 000 099 600 999", got)
			}
			return doc.Status.Classes
		}},
		{"text", []string{"summary"}, func(t *testing.T, out string) map[string]int64 {
			// The class table: "Class  Requests  Share", then one line per class.
			got := map[string]int64{}
			_, table, ok := strings.Cut(out, "\nClass ")
			if !ok {
				t.Fatalf("no class table in:\n%s", out)
			}
			table, _, _ = strings.Cut(table, "\n\n")
			for _, line := range strings.Split(table, "\n")[1:] {
				f := strings.Fields(line)
				if len(f) != 3 {
					t.Fatalf("class line %q", line)
				}
				got[f[0]] = atoi(t, f[1])
			}
			return got
		}},
		{"csv", []string{"report", "-o", filepath.Join(dir, "r.csv")}, func(t *testing.T, _ string) map[string]int64 {
			recs := readCSV(t, filepath.Join(dir, "r.csv"))
			got := map[string]int64{}
			for _, r := range csvTable(recs, "classes") {
				got[r["class"]] = atoi(t, r["requests"])
			}
			// The day's columns: one per class, 0xx and non-standard apart.
			days := csvTable(recs, "days")
			if len(days) != 1 {
				t.Fatalf("days = %v", days)
			}
			dayClasses := map[string]int64{}
			for _, c := range []string{"0xx", "1xx", "2xx", "3xx", "4xx", "5xx", "non-standard"} {
				v, ok := days[0][c]
				if !ok {
					t.Fatalf("the days table has no %q column: %v", c, days[0])
				}
				if n := atoi(t, v); n != 0 {
					dayClasses[c] = n
				}
			}
			if !equalCounts(dayClasses, got) {
				t.Errorf("day columns %v != classes %v", dayClasses, got)
			}
			return got
		}},
		{"html", []string{"report", "-o", filepath.Join(dir, "r.html")}, func(t *testing.T, _ string) map[string]int64 {
			page, err := os.ReadFile(filepath.Join(dir, "r.html"))
			if err != nil {
				t.Fatal(err)
			}
			// Rows of the class table: <span class="cls cCLASS">CLASS</span></th><td class="n">N</td>
			row := regexp.MustCompile(`<th scope="row"><span class="cls c([a-z0-9-]+)">([a-z0-9-]+)</span></th><td class="n">([0-9,]+)</td>`)
			got := map[string]int64{}
			for _, m := range row.FindAllStringSubmatch(string(page), -1) {
				if m[1] != m[2] {
					t.Errorf("class %q has CSS class c%s", m[2], m[1])
				}
				got[m[2]] = atoi(t, strings.ReplaceAll(m[3], ",", ""))
			}
			for _, s := range []string{
				`<li class="cnon-standard">non-standard`,           // legend
				`<td><span class="cls cnon-standard">non-standard`, // code table
				`non-standard 3.</desc>`,                           // chart description
				`fill="#00695C"`,                                   // its chart layer
			} {
				if !strings.Contains(string(page), s) {
					t.Errorf("HTML lacks %s", s)
				}
			}
			return got
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errs := runCLI(t, append(tt.args, log)...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errs)
			}
			if got := tt.classes(t, out); !equalCounts(got, want) {
				t.Errorf("classes = %v, want %v", got, want)
			}
		})
	}

	// check: "0xx" is 000 alone; "non-standard" counts 099, 600 and 999,
	// over the run and per window.
	for _, tt := range []struct {
		args []string
		want int
	}{
		{[]string{"--max", "0xx=1"}, 0},
		{[]string{"--max", "0xx=0"}, 1},
		{[]string{"--max", "non-standard=3"}, 0},
		{[]string{"--max", "non-standard=2"}, 1},
		{[]string{"--max", "non-standard=50%", "--min-requests", "5"}, 1},
		{[]string{"--max", "non-standard=50%"}, 0}, // 5 requests: too few to judge a share
		{[]string{"--max", "non-standard=1", "--window", "1m"}, 0},
		{[]string{"--max", "non-standard=1", "--window", "2m"}, 1},
	} {
		code, out, errs := runCLI(t, append(append([]string{"check"}, tt.args...), log)...)
		if code != tt.want {
			t.Errorf("check %v: exit %d, want %d; %s%s", tt.args, code, tt.want, out, errs)
		}
	}
}

func equalCounts(a, b map[string]int64) bool {
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	for k, v := range b {
		if a[k] != v {
			return false
		}
	}
	return true
}

func atoi(t *testing.T, s string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatalf("%q: %v", s, err)
	}
	return n
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// csvTable returns the rows of table name in recs (as WriteCSV lays them
// out: "table,NAME", a header, rows, an empty record), keyed by column.
func csvTable(recs [][]string, name string) []map[string]string {
	var out []map[string]string
	for i, r := range recs {
		if len(r) != 2 || r[0] != "table" || r[1] != name || i+1 >= len(recs) {
			continue
		}
		head := recs[i+1]
		for _, row := range recs[i+2:] {
			if len(row) == 0 || (len(row) == 1 && row[0] == "") || row[0] == "table" {
				break
			}
			m := map[string]string{}
			for j, c := range head {
				if j < len(row) {
					m[c] = row[j]
				}
			}
			out = append(out, m)
		}
	}
	return out
}
