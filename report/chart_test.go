package report

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
)

func bucketsOf(counts ...ClassCounts) []Bucket {
	out := make([]Bucket, len(counts))
	for i, c := range counts {
		out[i] = Bucket{Label: string(rune('a' + i%26)), Hits: c.Total(), Classes: c}
	}
	return out
}

func TestClassChart(t *testing.T) {
	tests := []struct {
		name    string
		buckets []Bucket
		empty   bool     // expect no chart at all
		want    []string // substrings of the SVG
		notWant []string
	}{
		{name: "empty", buckets: nil, empty: true},
		{name: "one point", buckets: bucketsOf(ClassCounts{X2: 5}),
			want: []string{`fill="#2E7D32"`, "1 bar from a to a; totals: 2xx 5."}},
		{name: "all zero", buckets: bucketsOf(ClassCounts{}, ClassCounts{}, ClassCounts{}),
			want: []string{"totals: no requests."}},
		{name: "large counts", buckets: bucketsOf(
			ClassCounts{X2: 9_000_000_000_000, X5: 3},
			ClassCounts{X4: 1 << 62},
			ClassCounts{X0: 1, X1: 1, X3: 1, NonStandard: 1}),
			want:    []string{`fill="#2E7D32"`, `fill="#B34D00"`, `fill="#C62828"`, `fill="#616161"`, `fill="#6A1B9A"`, `fill="#1565C0"`, `fill="#00695C"`, "G</text>"},
			notWant: []string{"e+"}},
		{name: "many buckets", buckets: bucketsOf(make([]ClassCounts, 1500)...)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			svg, err := classChart("c-x", "Requests per day", tt.buckets, 0)
			if err != nil {
				t.Fatal(err)
			}
			s := string(svg)
			if tt.empty {
				if s != "" {
					t.Fatalf("got a chart for empty input: %.200s", s)
				}
				return
			}
			if !strings.HasPrefix(s, `<svg class="chart" viewBox="0 0 720 220"`) || !strings.HasSuffix(s, "</svg>") {
				t.Errorf("not a bare svg element: %.120s ... %s", s, s[max(0, len(s)-40):])
			}
			for _, bad := range []string{"<?xml", "<!DOCTYPE", "<!--", ` style="`, "NaN", "Inf", `width="720pt"`} {
				if strings.Contains(s, bad) {
					t.Errorf("svg contains %q", bad)
				}
			}
			for _, w := range append([]string{`<title id="c-x-t">Requests per day</title>`, `<desc id="c-x-d">`}, tt.want...) {
				if !strings.Contains(s, w) {
					t.Errorf("svg lacks %q", w)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(s, w) {
					t.Errorf("svg contains %q", w)
				}
			}
			again, err := classChart("c-x", "Requests per day", tt.buckets, 0)
			if err != nil || again != svg {
				t.Errorf("chart is not deterministic (err %v)", err)
			}
		})
	}
}

func TestShortCount(t *testing.T) {
	for _, tt := range []struct {
		n    int64
		want string
	}{{0, "0"}, {9999, "9999"}, {15000, "15k"}, {2_500_000, "2.5M"}, {3_000_000_000, "3G"}} {
		if got := shortCount(tt.n); got != tt.want {
			t.Errorf("shortCount(%d) = %q, want %q", tt.n, got, tt.want)
		}
	}
}

func TestSparseLabels(t *testing.T) {
	mk := func(n int, label string) []Bucket {
		b := make([]Bucket, n)
		for i := range b {
			b[i].Label = label
		}
		return b
	}
	count := func(ls []string) (n int) {
		for _, l := range ls {
			if l != "" {
				n++
			}
		}
		return n
	}
	for _, tt := range []struct {
		n     int
		label string
		every int
		want  int
	}{
		{1, "2026-01-01", 0, 1},
		{31, "2026-01-01", 0, 8},
		{48, "03-01 00h", 0, 10},
		{24, "00", 0, 24},
		{24, "00", 2, 12},
		{1440, "14:03", 0, 16},
	} {
		if got := count(sparseLabels(mk(tt.n, tt.label), tt.every)); got != tt.want {
			t.Errorf("%d × %q every %d: %d labels, want %d", tt.n, tt.label, tt.every, got, tt.want)
		}
	}
}

// TestStyleToAttrs holds styleToAttrs to the regular expression it
// replaces, on vgsvg-like output and odd cases.
func TestStyleToAttrs(t *testing.T) {
	re := regexp.MustCompile(`\s*style="([^"]*)"`)
	want := func(s string) string {
		return re.ReplaceAllStringFunc(s, func(m string) string {
			var b strings.Builder
			for _, decl := range strings.Split(re.FindStringSubmatch(m)[1], ";") {
				if k, v, ok := strings.Cut(decl, ":"); ok {
					fmt.Fprintf(&b, ` %s="%s"`, strings.TrimSpace(k), strings.TrimSpace(v))
				}
			}
			return b.String()
		})
	}
	for _, in := range []string{
		``, `<g>`, `<path d="M0 0" style="fill:#000000;stroke:none"/>`,
		"<text x=\"1\"\n\t style=\"font-family:sans; font-size:10px\" >a</text>",
		`<g style="">`, `<g style=";;k">`, `<g style="a:b:c">`, `<g font-style="italic">`,
		`<g style="a:1"><g style="b:2"/></g>`, `<g style="unterminated>`, `style="x:1"`, `  style="x:1"  `,
	} {
		if got, w := styleToAttrs(in), want(in); got != w {
			t.Errorf("styleToAttrs(%q) = %q, want %q", in, got, w)
		}
	}
}
