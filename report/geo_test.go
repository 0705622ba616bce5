package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/webalyze/webalyze/aggregate"
	"github.com/webalyze/webalyze/aggregate/dim"
	"github.com/webalyze/webalyze/aggregate/geo"
	"github.com/webalyze/webalyze/parser"
)

// demoGeo is the geo dimension over testdata/geo/demo.mmdb (documentation
// ranges; see aggregate/geo TestDemoDB), opened once for the package.
var demoGeo = sync.OnceValue(func() dim.Dimension {
	s, err := geo.OpenAll(filepath.Join("..", "testdata", "geo", "demo.mmdb"))
	if err != nil {
		panic(err)
	}
	return geo.NewAggregator(s, geo.Options{})
})

func init() { browserDimensions = append(browserDimensions, demoGeo()) }

// geoOptions are State options with the demo geo dimension.
func geoOptions() aggregate.Options {
	return aggregate.Options{Dimensions: []dim.Dimension{demoGeo()}}
}

// geoState is a State with the demo geo dimension and clients in each of
// its countries, local ones, hostile non-addresses and unknown ones.
func geoState(t testing.TB) *aggregate.State {
	st := aggregate.New(geoOptions())
	base := at("2026-05-04T10:00:00Z").Unix()
	n := 0
	add := func(client string, status uint16, times int) {
		for i := range times {
			n++
			st.Add(&parser.Record{Host: []byte(client), Method: []byte("GET"), Path: []byte("/"),
				HasTime: true, Time: base + int64(n), HasStatus: true, Status: status,
				Bytes: 1000, HasBytes: true, UserAgent: fmt.Appendf(nil, "agent %d", i%3)})
		}
	}
	add("192.0.2.10", 200, 40)
	add("192.0.2.11", 404, 10)
	add("198.51.100.1", 200, 20)
	add("198.51.100.1", 503, 5)
	add("203.0.113.5:443", 200, 12)
	add("[2001:db8::770]:80", 200, 9)
	add("2001:db8::9999", 500, 3)
	add("2001:db8::c7b4", 200, 2)
	add("2001:db8:5::1", 200, 1)
	add("10.0.0.1", 200, 6)
	add(hostileHost, 404, 2)
	add("93.2.196.201", 200, 4)
	if err := st.Check(); err != nil {
		t.Fatal(err)
	}
	return st
}

// geoSection cuts the geo section out of an HTML page.
func geoSection(page string) string {
	i := strings.Index(page, `<section id="countries"`)
	if i < 0 {
		return ""
	}
	j := strings.Index(page[i:], "</section>")
	return page[i : i+j+len("</section>")]
}

// TestGeoGolden: the geo parts of every output, for a State with the
// demo database: JSON "geo", the text line, the CSV tables and the HTML
// section.
func TestGeoGolden(t *testing.T) {
	m := Build(geoState(t), BuildOptions{Title: "geo"})
	var out bytes.Buffer
	js, err := json.MarshalIndent(m.Geo, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(&out, "== json geo\n%s\n", js)
	var txt bytes.Buffer
	if err := WriteText(&txt, m); err != nil {
		t.Fatal(err)
	}
	for line := range strings.Lines(txt.String()) {
		if strings.HasPrefix(line, "Countries") || strings.HasPrefix(line, "Networks") {
			fmt.Fprintf(&out, "== text\n%s", line)
		}
	}
	var csv bytes.Buffer
	if err := WriteCSV(&csv, m); err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(&out, "== csv\n%s", csv.String()[strings.Index(csv.String(), "table,countries"):])
	var page bytes.Buffer
	if err := WriteHTML(&page, m); err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(&out, "== html\n%s\n", geoSection(page.String()))
	checkGolden(t, "geo.golden", out.Bytes())

	// Every request is in one country row or the remainder.
	c := m.Geo.Countries
	sum := c.Local.Hits + c.NotIP.Hits + c.NotFound.Hits
	for _, r := range c.Rows {
		sum += r.Hits
	}
	if sum != m.Requests {
		t.Errorf("country rows sum to %d, requests %d", sum, m.Requests)
	}
	if !strings.Contains(page.String(), `href="#countries"`) {
		t.Error("no navigation link to the countries")
	}
}

// TestGeoHint: without a database the report says how to enable the
// panel (HTML and text), and JSON has "geo": null; a source that is not a
// State (ClickHouse) gets neither panel nor hint.
func TestGeoHint(t *testing.T) {
	st := aggregate.New(aggregate.Options{})
	st.Add(&parser.Record{Host: []byte("192.0.2.1"), HasStatus: true, Status: 200})
	for _, tc := range []struct {
		name string
		m    *Model
		hint bool
	}{
		{"state", Build(st, BuildOptions{}), true},
		{"clickhouse", BuildFrom(&Input{Codes: []CodeCount{{Code: 200, Hits: 1}}}, BuildOptions{}), false},
	} {
		var page, txt, js bytes.Buffer
		if err := WriteHTML(&page, tc.m); err != nil {
			t.Fatal(err)
		}
		if err := WriteText(&txt, tc.m); err != nil {
			t.Fatal(err)
		}
		if err := WriteJSON(&js, tc.m); err != nil {
			t.Fatal(err)
		}
		if got := strings.Contains(page.String(), `id="geo-hint"`) && strings.Contains(page.String(), "--geoip-db"); got != tc.hint {
			t.Errorf("%s: HTML hint %v, want %v", tc.name, got, tc.hint)
		}
		if got := strings.Contains(txt.String(), GeoHint); got != tc.hint {
			t.Errorf("%s: text hint %v, want %v", tc.name, got, tc.hint)
		}
		if strings.Contains(page.String(), `id="countries"`) || !strings.Contains(js.String(), `"geo": null`) {
			t.Errorf("%s: a countries panel without a database", tc.name)
		}
	}
}

// TestGeoStateRoundTrip: a State with a geo section saved and loaded
// reports the same panels, and states merged report what one run does.
func TestGeoStateRoundTrip(t *testing.T) {
	st := geoState(t)
	var buf bytes.Buffer
	if err := st.Encode(&buf); err != nil {
		t.Fatal(err)
	}
	back, err := aggregate.Decode(&buf)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := json.Marshal(Build(st, BuildOptions{}).Geo)
	got, _ := json.Marshal(Build(back, BuildOptions{}).Geo)
	if !bytes.Equal(got, want) {
		t.Errorf("after a round trip:\n%s\nwant\n%s", got, want)
	}
	double := geoState(t)
	if err := double.Merge(back); err != nil {
		t.Fatal(err)
	}
	if err := double.Check(); err != nil {
		t.Fatal(err)
	}
	if g := Build(double, BuildOptions{}).Geo; g.Countries.Rows[0].Hits != 2*Build(st, BuildOptions{}).Geo.Countries.Rows[0].Hits {
		t.Errorf("merged: %+v", g.Countries.Rows[0])
	}
	plain := aggregate.New(aggregate.Options{})
	if err := plain.Merge(st); err == nil || !strings.Contains(err.Error(), "--geoip-db") {
		t.Errorf("merging a state with a geo section into one without: %v", err)
	}
}

// TestGeoCredit: a database built from Tor's files (IPFire data, CC
// BY-SA 4.0) is credited in the report; another is named by type and
// build date.
func TestGeoCredit(t *testing.T) {
	dir := t.TempDir()
	v4 := filepath.Join(dir, "geoip")
	if err := os.WriteFile(v4, []byte("# Vendor: IPFire Project\n# License: CC BY-SA 4.0\n3221225984,3221226239,US\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "countries.mmdb")
	if err := geo.BuildFromTorGeoIP(v4, "", db); err != nil {
		t.Fatal(err)
	}
	s, err := geo.OpenAll(db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	st := aggregate.New(aggregate.Options{Dimensions: []dim.Dimension{geo.NewAggregator(s, geo.Options{})}})
	st.Add(&parser.Record{Host: []byte("192.0.2.1"), HasStatus: true, Status: 200})
	var page bytes.Buffer
	if err := WriteHTML(&page, Build(st, BuildOptions{})); err != nil {
		t.Fatal(err)
	}
	sec := geoSection(page.String())
	for _, want := range []string{"IPFire Location database", "CC BY-SA 4.0", "United States", `id="geo-credit"`} {
		if !strings.Contains(sec, want) {
			t.Errorf("geo section lacks %q:\n%s", want, sec)
		}
	}
	if strings.Contains(sec, "Networks") {
		t.Error("a networks panel from a country database")
	}
	var demo bytes.Buffer
	if err := WriteHTML(&demo, Build(geoState(t), BuildOptions{})); err != nil {
		t.Fatal(err)
	}
	if sec := geoSection(demo.String()); !strings.Contains(sec, "Database webalyze-Demo-Country-ASN, built 2025-12-04") {
		t.Errorf("demo database not named with its build date:\n%s", sec)
	}
}

// TestGeoNetworksOnly: with an ASN database alone the panel is "Networks
// (ASN)", the text line lists networks, and JSON countries is null.
func TestGeoNetworksOnly(t *testing.T) {
	in := &Input{Codes: []CodeCount{{Code: 200, Hits: 10}},
		Geo: &GeoInput{HasNetworks: true, NetworksTotal: 7, NetworksDistinct: 1, NetworksExact: true,
			Networks: []GeoRow{{ASN: 64496, Org: "<Org>", Hits: 7, Visitors: 2, VisitorsExact: true}},
			NoASN:    GeoRow{Hits: 3}}}
	m := BuildFrom(in, BuildOptions{})
	var txt, page, js bytes.Buffer
	WriteText(&txt, m)
	WriteHTML(&page, m)
	WriteJSON(&js, m)
	if !strings.Contains(txt.String(), "Networks  AS64496 70.0%, no AS number 30.0%") {
		t.Errorf("text:\n%s", txt.String())
	}
	sec := geoSection(page.String())
	if !strings.Contains(sec, `<h2 id="h-countries">Networks (ASN)</h2>`) || !strings.Contains(sec, "&lt;Org&gt;") || strings.Contains(sec, "geo-countries") {
		t.Errorf("HTML:\n%s", sec)
	}
	if !strings.Contains(js.String(), `"countries": null`) {
		t.Error("JSON countries is not null")
	}
}

// TestGeoFolded: past 12 countries the rest are folded under <details>,
// and the remainder rows stay in view.
func TestGeoFolded(t *testing.T) {
	gi := &GeoInput{HasCountry: true, Local: GeoRow{Hits: 1}}
	var n int64 = 1
	for i := range 20 {
		gi.Countries = append(gi.Countries, GeoRow{Code: string([]byte{'A' + byte(i), 'A'}), Name: fmt.Sprint("Country ", i), Hits: int64(100 - i)})
		n += int64(100 - i)
	}
	m := BuildFrom(&Input{Codes: []CodeCount{{Code: 200, Hits: n}}, Geo: gi}, BuildOptions{})
	var page bytes.Buffer
	if err := WriteHTML(&page, m); err != nil {
		t.Fatal(err)
	}
	sec := geoSection(page.String())
	first, rest, ok := strings.Cut(sec, `<details class="more" id="geo-countries-more"><summary>8 more countries</summary>`)
	if !ok || strings.Count(first, "Country ") != 12 || strings.Count(rest, "Country ") != 8 || !strings.Contains(first, "Local addresses") {
		t.Errorf("folding:\n%s", sec)
	}
}
