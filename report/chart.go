package report

import (
	"bytes"
	"fmt"
	"html"
	"html/template"
	"image/color"
	"math"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"
)

// classColors are the chart colours per class index ("0xx" …
// "non-standard", as [ClassNames]). Each has a contrast ratio of at least
// 4.5:1 against white. The same colours are used by the page's CSS legend
// (--c0 … --c6 in templates/report.css).
var classColors = [len(ClassNames)]color.RGBA{
	{0x61, 0x61, 0x61, 0xff}, // 0xx (000, no response): grey
	{0x6a, 0x1b, 0x9a, 0xff}, // 1xx: purple
	{0x2e, 0x7d, 0x32, 0xff}, // 2xx: green
	{0x15, 0x65, 0xc0, 0xff}, // 3xx: blue
	{0xb3, 0x4d, 0x00, 0xff}, // 4xx: orange
	{0xc6, 0x28, 0x28, 0xff}, // 5xx: red
	{0x00, 0x69, 0x5c, 0xff}, // non-standard: teal (6.6:1)
}

// noStatusColor is the chart colour of requests without a status (brown,
// 7.6:1 against white; --cn in templates/report.css).
var noStatusColor = color.RGBA{0x6d, 0x4c, 0x41, 0xff}

// series is one layer of a stacked bar chart.
type series struct {
	name   string
	color  color.Color
	values []float64
}

// chartSpec describes a bar chart. Labels name the bars; an empty label
// draws no tick text, which keeps long series readable.
type chartSpec struct {
	id     string // unique on the page, [a-z0-9-]
	title  string // our own text, never log data
	desc   string
	labels []string
	series []series // stacked bottom to top
	width  vg.Length
	height vg.Length
}

// classSeries returns one stacked layer per class that has any count.
// When every count is zero it returns a single all-zero layer, so the
// chart still shows its (empty) axes.
func classSeries(buckets []Bucket) []series {
	var out []series
	for ci := range ClassNames {
		var any bool
		vals := make([]float64, len(buckets))
		for i, b := range buckets {
			n := b.Classes.At(ci)
			vals[i] = float64(n)
			any = any || n != 0
		}
		if any {
			out = append(out, series{ClassNames[ci], classColors[ci], vals})
		}
	}
	var none bool
	vals := make([]float64, len(buckets))
	for i, b := range buckets {
		vals[i] = float64(b.NoStatus)
		none = none || b.NoStatus != 0
	}
	if none {
		out = append(out, series{"no status", noStatusColor, vals})
	}
	if out == nil {
		out = append(out, series{"2xx", classColors[2], make([]float64, len(buckets))})
	}
	return out
}

// classChart renders buckets as bars stacked by status class. It returns
// "" for an empty series: the template then says "no data".
func classChart(id, title string, buckets []Bucket, labelEvery int) (template.HTML, error) {
	if len(buckets) == 0 {
		return "", nil
	}
	var total ClassCounts
	var none int64
	for _, b := range buckets {
		for ci := range ClassNames {
			total.Add(ci, b.Classes.At(ci))
		}
		none += b.NoStatus
	}
	sum := classSummary(total)
	if none != 0 {
		sum = strings.TrimSuffix(sum, "no requests")
		if sum != "" {
			sum += ", "
		}
		sum += fmt.Sprintf("no status %d", none)
	}
	desc := fmt.Sprintf("%s from %s to %s; totals: %s.", plural(len(buckets), "bar"),
		buckets[0].Label, buckets[len(buckets)-1].Label, sum)
	return barChart(chartSpec{
		id: id, title: title, desc: desc,
		labels: sparseLabels(buckets, labelEvery),
		series: classSeries(buckets),
	})
}

// hitsChart renders one value per bucket in a single colour.
func hitsChart(id, title string, buckets []Bucket, value func(Bucket) int64, c color.Color, labelEvery int) (template.HTML, error) {
	if len(buckets) == 0 {
		return "", nil
	}
	vals := make([]float64, len(buckets))
	var sum int64
	for i, b := range buckets {
		n := value(b)
		vals[i] = float64(n)
		sum += n
	}
	desc := fmt.Sprintf("%s from %s to %s; total %d.", plural(len(buckets), "bar"),
		buckets[0].Label, buckets[len(buckets)-1].Label, sum)
	return barChart(chartSpec{
		id: id, title: title, desc: desc,
		labels: sparseLabels(buckets, labelEvery),
		series: []series{{"hits", c, vals}},
	})
}

func classSummary(c ClassCounts) string {
	var parts []string
	for ci, name := range ClassNames {
		if n := c.At(ci); n != 0 {
			parts = append(parts, fmt.Sprintf("%s %d", name, n))
		}
	}
	if parts == nil {
		return "no requests"
	}
	return strings.Join(parts, ", ")
}

// sparseLabels returns the bucket labels, keeping only every n-th one.
// When n <= 0 it picks n so that the labels, at about 5.5 points per
// character on a 660-point axis, do not overlap.
func sparseLabels(buckets []Bucket, n int) []string {
	if n <= 0 {
		longest := 1
		for _, b := range buckets {
			longest = max(longest, len(b.Label))
		}
		fit := max(1, int(660/(5.5*float64(longest)+12)))
		n = (len(buckets) + fit - 1) / fit
	}
	out := make([]string, len(buckets))
	for i, b := range buckets {
		if i%n == 0 {
			out[i] = b.Label
		}
	}
	return out
}

// barChart draws spec with gonum plot and returns inline SVG: no XML
// prolog, no fixed size (the CSS scales it), presentation attributes
// instead of style attributes (so a strict CSP needs no 'unsafe-inline'),
// and a <title> and <desc> for assistive technology.
func barChart(spec chartSpec) (out template.HTML, err error) {
	defer func() {
		// gonum plot panics on some degenerate input; never let a chart
		// take the report down.
		if r := recover(); r != nil {
			out, err = "", fmt.Errorf("chart %s: %v", spec.id, r)
		}
	}()
	if spec.width == 0 {
		spec.width = 720
	}
	if spec.height == 0 {
		spec.height = 220
	}
	n := len(spec.labels)
	if n == 0 {
		return "", nil
	}
	p := plot.New()
	sans := font.Font{Typeface: "Liberation", Variant: "Sans"}
	p.Title.TextStyle.Font = font.From(sans, 11)
	p.X.Tick.Label.Font = font.From(sans, 9)
	p.Y.Tick.Label.Font = font.From(sans, 9)
	p.X.Tick.Label.Rotation = 0
	p.Y.Tick.Marker = countTicks{}
	p.Y.Min = 0

	barW := (spec.width - 60) / vg.Length(n) * 0.8
	barW = max(0.5, min(barW, 36))
	var below *plotter.BarChart
	var ymax float64
	for _, s := range spec.series {
		vals := make(plotter.Values, len(s.values))
		for i, v := range s.values {
			if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
				v = 0
			}
			vals[i] = v
		}
		bars, err := plotter.NewBarChart(vals, barW)
		if err != nil {
			return "", fmt.Errorf("chart %s: %w", spec.id, err)
		}
		bars.Color = s.color
		bars.LineStyle.Width = 0
		if below != nil {
			bars.StackOn(below)
		}
		p.Add(bars)
		below = bars
	}
	for i := range n {
		ymax = math.Max(ymax, below.BarHeight(i))
	}
	if ymax == 0 {
		p.Y.Max = 1
	}
	p.NominalX(spec.labels...)
	// Half a slot on each side, so the first and last labels fit.
	p.X.Min, p.X.Max = -0.5, float64(n)-0.5

	c := vgsvg.New(spec.width, spec.height)
	p.Draw(draw.New(c))
	var buf bytes.Buffer
	if _, err := c.WriteTo(&buf); err != nil {
		return "", err
	}
	return template.HTML(cleanSVG(buf.String(), spec)), nil
}

// cleanSVG turns vgsvg output into an element fit for inlining.
func cleanSVG(s string, spec chartSpec) string {
	if i := strings.Index(s, "<svg"); i >= 0 {
		s = s[i:]
	}
	end := strings.Index(s, ">")
	head := fmt.Sprintf(`<svg class="chart" viewBox="0 0 %g %g" xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="%s-t %s-d">`+
		`<title id="%s-t">%s</title><desc id="%s-d">%s</desc>`,
		float64(spec.width), float64(spec.height), spec.id, spec.id,
		spec.id, html.EscapeString(spec.title), spec.id, html.EscapeString(spec.desc))
	return head + strings.TrimSpace(styleToAttrs(s[end+1:]))
}

// styleToAttrs replaces each style="k: v; ..." attribute, with the white
// space before it, by presentation attributes ` k="v"`: the page's
// Content-Security-Policy allows no inline style. It is the regular
// expression \s*style="([^"]*)" written out (a fifth of the time of
// writing a report went to the expression).
func styleToAttrs(s string) string {
	const attr = `style="`
	var b strings.Builder
	b.Grow(len(s))
	for {
		i := strings.Index(s, attr)
		j := -1
		if i >= 0 {
			j = strings.IndexByte(s[i+len(attr):], '"')
		}
		if j < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(strings.TrimRight(s[:i], " \t\n\f\r"))
		for _, decl := range strings.Split(s[i+len(attr):i+len(attr)+j], ";") {
			k, v, ok := strings.Cut(decl, ":")
			if !ok {
				continue
			}
			b.WriteString(` ` + strings.TrimSpace(k) + `="` + strings.TrimSpace(v) + `"`)
		}
		s = s[i+len(attr)+j+1:]
	}
}

// countTicks is plot.DefaultTicks with labels such as "1.5k" and "2M"
// instead of "1500" and "2e+06", and no fractional ticks for counts.
type countTicks struct{}

func (countTicks) Ticks(min, max float64) []plot.Tick {
	ticks := plot.DefaultTicks{}.Ticks(min, max)
	out := ticks[:0]
	for _, t := range ticks {
		if t.Value != math.Trunc(t.Value) {
			continue
		}
		if t.Label != "" {
			t.Label = shortCount(int64(t.Value))
		}
		out = append(out, t)
	}
	return out
}

// shortCount formats n with a k/M/G suffix when it is large.
func shortCount(n int64) string {
	f := float64(n)
	switch a := math.Abs(f); {
	case a >= 1e9:
		return trimZero(f/1e9) + "G"
	case a >= 1e6:
		return trimZero(f/1e6) + "M"
	case a >= 1e4:
		return trimZero(f/1e3) + "k"
	}
	return fmt.Sprint(n)
}

func trimZero(f float64) string {
	s := fmt.Sprintf("%.1f", f)
	return strings.TrimSuffix(s, ".0")
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
