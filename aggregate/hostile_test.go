package aggregate

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/webalyze/webalyze/aggregate/agents"
	"github.com/webalyze/webalyze/aggregate/content"
	"github.com/webalyze/webalyze/aggregate/dim"
	"github.com/webalyze/webalyze/aggregate/geo"
	"github.com/webalyze/webalyze/aggregate/refsites"
	"github.com/webalyze/webalyze/aggregate/search"
	"github.com/webalyze/webalyze/aggregate/users"
	"github.com/webalyze/webalyze/aggregate/vhosts"
	"github.com/webalyze/webalyze/aggregate/visits"
	"github.com/webalyze/webalyze/parser"
)

// hostileCase is one row of testdata/hostile/cases.tsv.
type hostileCase struct {
	file, format                     string
	read, parsed, malformed, skipped uint64
	reasons                          map[string]uint64
	fileErrors                       int
	note                             string
}

func loadHostileCases(t *testing.T) []hostileCase {
	t.Helper()
	f, err := os.Open("../testdata/hostile/cases.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []hostileCase
	sc := bufio.NewScanner(f)
	for first := true; sc.Scan(); first = false {
		if first {
			continue
		}
		col := strings.Split(sc.Text(), "\t")
		if len(col) < 8 {
			t.Fatalf("cases.tsv: short row %q", sc.Text())
		}
		num := func(s string) uint64 {
			n, err := strconv.ParseUint(s, 10, 64)
			if err != nil {
				t.Fatalf("cases.tsv: %q: %v", sc.Text(), err)
			}
			return n
		}
		c := hostileCase{file: col[0], format: col[1], read: num(col[2]), parsed: num(col[3]),
			malformed: num(col[4]), skipped: num(col[5]), reasons: map[string]uint64{}, fileErrors: int(num(col[7]))}
		if len(col) > 8 {
			c.note = col[8]
		}
		if col[6] != "-" {
			for _, kv := range strings.Split(col[6], ",") {
				k, v, _ := strings.Cut(kv, "=")
				c.reasons[k] = num(v)
			}
		}
		out = append(out, c)
	}
	return out
}

// TestHostileCorpus runs every case of testdata/hostile (see gen.py there)
// through the whole pipeline, serial and parallel, with the named format
// and with detection, and checks the accounting of every line.
func TestHostileCorpus(t *testing.T) {
	for _, c := range loadHostileCases(t) {
		for _, mode := range []struct {
			name    string
			workers int
			auto    bool
		}{{"serial", 1, false}, {"parallel", 4, false}, {"auto", 2, true}} {
			if mode.auto && c.parsed == 0 && c.format != "iis" {
				continue // nothing parses: detection rightly finds no format (no_format)
			}
			t.Run(c.file+"/"+mode.name, func(t *testing.T) {
				cfg := RunConfig{Workers: mode.workers}
				if mode.auto {
					cfg.Candidates = parser.AutoCandidates(nil)
				} else {
					f, err := parser.ParseFormatSpec(c.format)
					if err != nil {
						t.Fatal(err)
					}
					cfg.Format = f
				}
				name := filepath.Join("..", "testdata", "hostile", c.file)
				st, res, err := Run(context.Background(), cfg, []string{name})
				if err != nil {
					t.Fatal(err)
				}
				if err := st.Check(); err != nil {
					t.Errorf("accounting: %v", err)
				}
				got := fmt.Sprintf("read=%d parsed=%d malformed=%d skipped=%d filtered=%d",
					st.Lines.Read, st.Lines.Parsed, st.Lines.Malformed, st.Lines.Skipped, st.Lines.Filtered)
				want := fmt.Sprintf("read=%d parsed=%d malformed=%d skipped=%d filtered=0",
					c.read, c.parsed, c.malformed, c.skipped)
				if got != want {
					t.Errorf("%s\n got %s\nwant %s", c.note, got, want)
				}
				gotReasons := map[string]uint64{}
				for r, n := range st.MalformedReasons {
					gotReasons[string(r)] = n
				}
				if !mapsEqual(gotReasons, c.reasons) {
					t.Errorf("reasons: got %v, want %v", gotReasons, c.reasons)
				}
				if len(st.FileErrors) != c.fileErrors {
					t.Errorf("file errors: got %d %v, want %d", len(st.FileErrors), st.FileErrors, c.fileErrors)
				}
				_ = res
				// Samples keep the file, line and offset of a malformed line.
				for r, list := range st.Samples {
					for _, s := range list {
						if s.File != name || s.Line < 1 || s.Offset < 0 {
							t.Errorf("%s sample without position: %+v", r, s)
						}
					}
				}
			})
		}
	}
}

func mapsEqual(a, b map[string]uint64) bool {
	if len(a) != len(b) {
		return false
	}
	keys := make([]string, 0, len(a))
	for k := range a {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if b[k] != a[k] {
			return false
		}
	}
	return true
}

// FuzzPipelineAccounting feeds arbitrary bytes, as a file, through the
// whole pipeline with format detection and a small line limit: whatever
// the input, every line is counted once (read = parsed + malformed +
// skipped + filtered) and class, code and time totals sum to parsed. With
// the flag 0x80 of the second argument the State counts every visitor
// panel too (countries from the demo database; the dimensions' own checks
// then run), and with 0x40 its lists hold 8 keys, so that clients,
// referrers, sites and phrases are evicted and their kept places and
// memos dropped.
func FuzzPipelineAccounting(f *testing.F) {
	for _, c := range []string{
		"1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] \"GET / HTTP/1.1\" 200 1 \"-\" \"ua\"\n",
		"#Fields: date time sc-status sc-substatus\n2024-03-05 14:00:00 404 2\n2024-03-05 14:00:00 - 2\n",
		"\x00\x00\x00\n\r\n\n  \nabc",
		"a\rb\rc",
		"\xef\xbb\xbf1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] \"GET / HTTP/1.1\" 999 -",
	} {
		f.Add([]byte(c), uint8(1))
	}
	for _, name := range []string{"nul-run.log", "time.log", "status.log", "iis-fields-change.log", "truncated.log.gz"} {
		if b, err := os.ReadFile(filepath.Join("..", "testdata", "hostile", name)); err == nil {
			f.Add(b, uint8(2))
			f.Add(b, uint8(0xc1))
		}
	}
	f.Add([]byte("site.test 1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] \"GET /a?q=x HTTP/1.1\" 404 1 \"https://www.google.com/search?q=a+b\" \"Mozilla/5.0 (compatible; GPTBot/1.2)\"\n"+
		"1.2.3.5 - - [10/Oct/2000:13:55:37 -0700] \"GET /b HTTP/1.1\" 200 1 \"https://t.co/x\" \"curl/8\"\n"), uint8(0x82))
	f.Fuzz(func(t *testing.T, data []byte, workers uint8) {
		cfg := RunConfig{Workers: int(workers%4) + 1, MaxLine: 256, Candidates: parser.AutoCandidates(nil),
			Open: func(name string) (*parser.Input, error) {
				return parser.NewInput(name, bytes.NewReader(data), int64(len(data)))
			}}
		if workers&0x40 != 0 {
			cfg.Options.TopCapacity = 8
		}
		if workers&0x80 != 0 {
			set, err := geo.OpenAll(filepath.Join("..", "testdata", "geo", "demo.mmdb"))
			if err != nil {
				t.Fatal(err)
			}
			defer set.Close()
			top := cfg.Options.TopCapacity
			cfg.Options.SiteHosts = []string{"site.test"}
			cfg.Options.Dimensions = []dim.Dimension{
				agents.NewAggregator(agents.Options{TopCapacity: top}), geo.NewAggregator(set, geo.Options{}),
				refsites.New(top, cfg.Options.SiteHosts), search.New(top), content.New(top), users.New(top), vhosts.New(top),
				visits.New(visits.Options{Capacity: 4, TopCapacity: top})}
		}
		st, _, err := Run(context.Background(), cfg, []string{"fuzz.log"})
		if err != nil {
			t.Fatal(err)
		}
		if err := st.Check(); err != nil {
			t.Fatal(err)
		}
	})
}
