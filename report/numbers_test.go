package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/webalyze/webalyze/aggregate"
	"github.com/webalyze/webalyze/parser"
)

// numRec is a record for the tests of figures: one GET at base+sec.
func numRec(sec int64, status uint16, path, client, agent string) *parser.Record {
	return &parser.Record{Host: []byte(client), Method: []byte("GET"), Path: []byte(path), Protocol: []byte("HTTP/1.1"),
		HasTime: true, Time: at("2026-05-04T10:00:00Z").Unix() + sec, HasStatus: true, Status: status,
		Bytes: 100, HasBytes: true, UserAgent: []byte(agent)}
}

func render(t *testing.T, m *Model) (html, text, js string) {
	t.Helper()
	var h, x, j bytes.Buffer
	if err := WriteHTML(&h, m); err != nil {
		t.Fatal(err)
	}
	if err := WriteText(&x, m); err != nil {
		t.Fatal(err)
	}
	if err := WriteJSON(&j, m); err != nil {
		t.Fatal(err)
	}
	return h.String(), x.String(), j.String()
}

// Hours and hours of the day do not count visitors: their visitors are
// null in the JSON and have no column in the HTML, where days have both.
func TestVisitorsNotCountedAreNull(t *testing.T) {
	st := aggregate.New(aggregate.Options{})
	for i := range int64(30) {
		st.Add(numRec(i*600, 200, "/", fmt.Sprintf("10.0.0.%d", i%3), "a"))
	}
	m := Build(st, BuildOptions{})
	html, _, js := render(t, m)
	var doc struct {
		HourOfDay []struct {
			Visitors *int64 `json:"visitors"`
		} `json:"hour_of_day"`
		Months []struct {
			Days []struct {
				Visitors *int64 `json:"visitors"`
			} `json:"days"`
		} `json:"months"`
	}
	if err := json.Unmarshal([]byte(js), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.HourOfDay) != 24 {
		t.Fatalf("%d hours of the day", len(doc.HourOfDay))
	}
	for h, b := range doc.HourOfDay {
		if b.Visitors != nil {
			t.Errorf("hour %d: visitors %d, want null", h, *b.Visitors)
		}
	}
	if d := doc.Months[0].Days[0]; d.Visitors == nil || *d.Visitors != 3 {
		t.Errorf("day visitors = %v, want 3", d.Visitors)
	}
	i := strings.Index(html, "Requests per hour of the day")
	j := strings.Index(html[i:], "</thead>")
	if head := html[i : i+j]; strings.Contains(head, "Visitors") {
		t.Errorf("hour-of-day table has a Visitors column: %s", head)
	}
}

// A key's visitors are exact up to aggregate.SmallExact and marked as
// estimates past it, and never exceed the report's visitors.
func TestTopVisitorsEstimated(t *testing.T) {
	st := aggregate.New(aggregate.Options{})
	for i := range 40 {
		st.Add(numRec(int64(i), 200, "/many", fmt.Sprintf("10.0.1.%d", i), "a"))
	}
	for i := range 3 {
		st.Add(numRec(int64(i), 200, "/few", fmt.Sprintf("10.0.1.%d", i), "a"))
	}
	m := Build(st, BuildOptions{})
	rows := map[string]TopRow{}
	for _, r := range m.TopURLs.Rows {
		rows[r.Key] = r
	}
	if r := rows["/few"]; r.Visitors != 3 || !r.VisitorsExact {
		t.Errorf("/few: %+v, want 3 exact visitors", r)
	}
	if r := rows["/many"]; r.VisitorsExact || r.Visitors == 0 || r.Visitors > m.Visitors.N {
		t.Errorf("/many: %+v, want an estimate of at most %d", r, m.Visitors.N)
	}
	html, _, _ := render(t, m)
	if !strings.Contains(html, "visitors marked ≈ are estimates") || !strings.Contains(html, `<td class="n">≈`) {
		t.Error("HTML does not mark the estimated visitors")
	}

	// A part is never larger than the whole.
	in := &Input{Visitors: Count{N: 10, Exact: true}, Codes: []CodeCount{{Code: 200, Hits: 100}},
		Protocols: TopList{Exact: true, Total: 100, Rows: []TopRow{{Key: "HTTP/1.1", Hits: 100, Visitors: 12}}}}
	if r := BuildFrom(in, BuildOptions{}).Protocols.Rows[0]; r.Visitors != 10 {
		t.Errorf("HTTP/1.1 visitors = %d, more than the report's 10", r.Visitors)
	}
}

// The period shows the first and last request times, not minute bounds.
func TestFirstLastRequest(t *testing.T) {
	st := aggregate.New(aggregate.Options{})
	st.Add(numRec(7, 200, "/", "10.0.0.1", "a"))
	st.Add(numRec(333, 200, "/", "10.0.0.1", "a"))
	m := Build(st, BuildOptions{})
	if m.Period.FirstRequest != "2026-05-04T10:00:07Z" || m.Period.LastRequest != "2026-05-04T10:05:33Z" {
		t.Errorf("period %+v", m.Period)
	}
	html, text, _ := render(t, m)
	if !strings.Contains(html, "First request <time datetime=\"2026-05-04T10:00:07Z\">") || !strings.Contains(html, "last request <time datetime=\"2026-05-04T10:05:33Z\">") {
		t.Error("HTML header lacks the first and last request")
	}
	if !strings.Contains(text, "first request 2026-05-04T10:00:07Z, last request 2026-05-04T10:05:33Z") {
		t.Errorf("text lacks the first and last request:\n%s", text)
	}
}

// A log without response sizes shows "not logged", never "0 B".
func TestBytesNotLogged(t *testing.T) {
	st := aggregate.New(aggregate.Options{})
	for i := range int64(5) {
		r := numRec(i, 200, "/", "10.0.0.1", "a")
		r.Bytes, r.HasBytes = 0, false
		st.Add(r)
	}
	m := Build(st, BuildOptions{})
	if m.NoBytes != 5 {
		t.Fatalf("no_bytes = %d", m.NoBytes)
	}
	html, text, _ := render(t, m)
	if !strings.Contains(html, `<dt>Bytes sent</dt><dd class="nodata">not logged</dd>`) {
		t.Error("HTML does not say bytes are not logged")
	}
	if strings.Contains(html, "0 B<") {
		t.Error("HTML shows 0 B")
	}
	if !strings.Contains(text, "bytes not logged") {
		t.Errorf("text does not say bytes are not logged:\n%s", text)
	}

	// Some with sizes, some without: the figure stands and says so.
	st.Add(numRec(9, 200, "/", "10.0.0.1", "a"))
	html, _, _ = render(t, Build(st, BuildOptions{}))
	if !strings.Contains(html, "5 requests had no response size in the log") || !strings.Contains(html, "100 B") {
		t.Error("HTML does not explain partly logged bytes")
	}
}

// Sub-status and win32 shares are of the requests that carry one (IIS),
// not of nginx or Apache requests with the same code; sub-status 0 and
// common win32 values have a meaning.
func TestIISSharesOverCarriers(t *testing.T) {
	st := aggregate.New(aggregate.Options{})
	for i := range int64(100) {
		r := numRec(i, 200, "/", "10.0.0.1", "a")
		if i < 10 { // the IIS part of a mixed run
			r.HasSubStatus, r.HasWin32Status = true, true
			if i < 2 {
				r.Win32Status = 12002
			}
		}
		st.Add(r)
	}
	m := Build(st, BuildOptions{})
	if len(m.SubCodes) != 1 || m.SubCodes[0].Code != "200.0" || m.SubCodes[0].Share != 1 {
		t.Fatalf("sub-codes %+v, want 200.0 at 100%%", m.SubCodes)
	}
	if m.SubCodes[0].Meaning != "OK (no sub-status)" {
		t.Errorf("200.0 meaning %q", m.SubCodes[0].Meaning)
	}
	w := map[int64]Win32Row{}
	for _, r := range m.Win32 {
		w[r.Status] = r
	}
	if w[12002].Share != 0.2 || w[0].Share != 0.8 {
		t.Errorf("win32 shares %+v, want 20%% and 80%% of the 10 IIS requests", m.Win32)
	}
	if w[12002].Meaning != "The operation timed out" {
		t.Errorf("win32 12002 meaning %q", w[12002].Meaning)
	}
}

// Top URLs show their response times in the HTML.
func TestURLLatencyInHTML(t *testing.T) {
	st := aggregate.New(aggregate.Options{})
	for i := range int64(20) {
		r := numRec(i, 200, "/slow", "10.0.0.1", "a")
		r.HasDuration, r.Duration = true, 250_000
		st.Add(r)
	}
	html, _, _ := render(t, Build(st, BuildOptions{}))
	i := strings.Index(html, `id="top-urls"`)
	if i < 0 {
		t.Fatal("no top URLs")
	}
	top := html[i : i+strings.Index(html[i:], "</table>")]
	if !strings.Contains(top, ">p50</th>") || !strings.Contains(top, ">p95</th>") || !strings.Contains(top, "ms</td>") {
		t.Errorf("top URLs lack response times:\n%s", top)
	}
}

// Empty keys show as "(empty)" in HTML and text, and stay "" in JSON.
func TestEmptyLabels(t *testing.T) {
	st := aggregate.New(aggregate.Options{})
	r := numRec(0, 400, "", "10.0.0.1", "a")
	r.Protocol, r.Method = nil, nil
	st.Add(r)
	st.Add(numRec(1, 400, "/x", "10.0.0.1", "a"))
	m := Build(st, BuildOptions{})
	html, text, js := render(t, m)
	for _, id := range []string{"top-urls", "top-protocols", "top-methods", "top-404"} {
		i := strings.Index(html, `id="`+id+`"`)
		if id == "top-404" {
			i = strings.Index(html, `id="drill-400-urls"`)
		}
		if i < 0 {
			t.Errorf("no %s", id)
			continue
		}
		if !strings.Contains(html[i:i+strings.Index(html[i:], "</table>")], `<span class="muted">(empty)</span>`) {
			t.Errorf("%s does not show (empty)", id)
		}
	}
	if !strings.Contains(text, ". (empty)") {
		t.Errorf("text does not show (empty):\n%s", text)
	}
	if !strings.Contains(js, `"key": ""`) {
		t.Error("JSON lost the empty key")
	}

	// A field no request has (common format: no user agent) is "not in
	// the log", not a list with one empty row.
	st = aggregate.New(aggregate.Options{})
	for i := range int64(3) {
		st.Add(numRec(i, 200, "/", "10.0.0.1", ""))
	}
	html, _, _ = render(t, Build(st, BuildOptions{}))
	if !strings.Contains(html, "Top user agents: not in the log") {
		t.Error("user agents of a log without them are not said to be missing")
	}
}

// Files are 2xx responses in the State and the report alike; pages and
// files are defined on the page.
func TestFilesArePagesDefined(t *testing.T) {
	st := aggregate.New(aggregate.Options{})
	for i, code := range []uint16{200, 204, 206, 304, 404} {
		st.Add(numRec(int64(i), code, "/x.css", "10.0.0.1", "a"))
	}
	m := Build(st, BuildOptions{})
	if st.Files != 3 || m.Files != 3 {
		t.Errorf("files: State %d, Model %d, want 3", st.Files, m.Files)
	}
	html, _, _ := render(t, m)
	for _, want := range []string{"<strong>Pages</strong> are requests for documents: a path whose last part has no extension or ends in .asp",
		"<strong>Files</strong> are requests answered with a 2xx code", "<code>--4xx-to-unique-count</code>"} {
		if !strings.Contains(html, want) {
			t.Errorf("HTML lacks %q", want)
		}
	}
}

// Referrers from the site's own hosts (--site) are not external, also
// without a virtual host; without either the page warns.
func TestReferrerSites(t *testing.T) {
	add := func(st *aggregate.State) {
		for i, ref := range []string{"https://www.example.org/a", "https://www.example.org/b", "https://search.example/"} {
			r := numRec(int64(i), 200, "/", "10.0.0.1", "a")
			r.Referer = []byte(ref)
			st.Add(r)
		}
	}
	st := aggregate.New(aggregate.Options{})
	add(st)
	html, _, _ := render(t, Build(st, BuildOptions{}))
	if !strings.Contains(html, "run with --site HOST") {
		t.Error("no warning that own pages may count as referrers")
	}
	st = aggregate.New(aggregate.Options{SiteHosts: []string{"www.example.org"}})
	add(st)
	m := Build(st, BuildOptions{})
	if len(m.Referrers.Rows) != 1 || m.Referrers.Rows[0].Key != "https://search.example/" {
		t.Errorf("referrers %+v, want only the external one", m.Referrers.Rows)
	}
	html, _, _ = render(t, m)
	if strings.Contains(html, "run with --site HOST") || !strings.Contains(html, "a --site host (www.example.org)") {
		t.Error("the referrer note does not name the --site host")
	}
}
