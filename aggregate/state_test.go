package aggregate

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // Europe/Paris for the daylight-saving test, on any machine

	"github.com/webalyze/webalyze/aggregate/sketch"
	"github.com/webalyze/webalyze/aggregate/status"
	"github.com/webalyze/webalyze/parser"
)

// event is one call on a State: a record, or a malformed, skipped or
// filtered line, a file error or a format.
type event struct {
	rec      *parser.Record
	mal      *Malformed
	skip     parser.Reason
	filtered uint64
	fileErr  [2]string
	format   [2]string
}

func (e event) apply(s *State) {
	switch {
	case e.rec != nil:
		s.Add(e.rec)
	case e.mal != nil:
		s.AddMalformed(*e.mal)
	case e.skip != "":
		s.AddSkipped(e.skip, 1)
	case e.filtered > 0:
		s.AddFiltered(e.filtered)
	case e.fileErr[0] != "":
		s.AddFileError(e.fileErr[0], e.fileErr[1])
	default:
		s.SetFormat(e.format[0], e.format[1])
	}
}

var (
	testCodes = []uint16{200, 200, 200, 200, 200, 304, 301, 206, 404, 404, 500, 502, 503, 499, 444, 0, 1, 99, 600, 999, 451, 101, 204}
	testExts  = []string{"", ".html", ".PHP", ".css", ".js", ".png", ".jpg", ".aspx", "/"}
	testUAs   = []string{"Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0", "curl/8.5.0", "Googlebot/2.1", "", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Safari/604.1"}
)

// randRecord returns a random record; base is the Unix time around which
// records fall.
func randRecord(r *rand.Rand, base int64) *parser.Record {
	rec := &parser.Record{
		Host:      fmt.Appendf(nil, "10.0.%d.%d", r.IntN(4), r.IntN(40)),
		Method:    []byte([]string{"GET", "GET", "GET", "POST", "HEAD", ""}[r.IntN(6)]),
		Protocol:  []byte([]string{"HTTP/1.1", "HTTP/2.0", "HTTP/1.0"}[r.IntN(3)]),
		Path:      fmt.Appendf(nil, "/p%d%s", r.IntN(60), testExts[r.IntN(len(testExts))]),
		UserAgent: []byte(testUAs[r.IntN(len(testUAs))]),
		HasStatus: r.IntN(50) != 0,
		Status:    testCodes[r.IntN(len(testCodes))],
		Bytes:     uint64(r.IntN(100_000)),
		HasBytes:  true,
	}
	if r.IntN(4) == 0 {
		rec.Query = fmt.Appendf(nil, "q=%d", r.IntN(5))
	}
	if r.IntN(10) != 0 {
		rec.HasTime = true
		rec.Time = base + int64(r.IntN(3*86400))
	}
	if r.IntN(3) == 0 {
		rec.VHost = []byte([]string{"example.com", "www.example.com:443", "EXAMPLE.com"}[r.IntN(3)])
	}
	switch r.IntN(5) {
	case 0:
		rec.Referer = []byte("-")
	case 1:
		rec.Referer = []byte("https://example.com/from")
	case 2:
		rec.Referer = fmt.Appendf(nil, "https://search%d.test/?q=x", r.IntN(3))
	}
	if r.IntN(5) == 0 {
		rec.HasSubStatus, rec.SubStatus = true, uint32(r.IntN(3))
		rec.HasWin32Status, rec.Win32Status = true, uint32(r.IntN(2)*64)
	}
	if r.IntN(2) == 0 {
		rec.HasDuration, rec.Duration = true, int64(r.ExpFloat64()*20_000)
	}
	if r.IntN(4) == 0 {
		rec.HasUpstream, rec.Upstream = true, int64(r.ExpFloat64()*10_000)
	}
	return rec
}

func randEvents(seed uint64, n int) []event {
	r := rand.New(rand.NewPCG(seed, 17))
	base := time.Date(2026, 3, 28, 0, 0, 0, 0, time.UTC).Unix()
	evs := make([]event, n)
	for i := range evs {
		file := "f" + strconv.Itoa(r.IntN(3)) + ".log"
		switch k := r.IntN(100); {
		case k < 85:
			evs[i].rec = randRecord(r, base)
		case k < 92:
			evs[i].mal = &Malformed{Reason: []parser.Reason{parser.ReasonInvalidStatus, parser.ReasonMissingFields, parser.ReasonLineTooLong}[r.IntN(3)],
				File: file, Line: int64(i + 1), Offset: int64(i * 100), Column: r.IntN(30), Detail: "bad",
				Text: bytes.Repeat([]byte{'x'}, r.IntN(2*SampleTextMax))}
		case k < 95:
			evs[i].skip = []parser.Reason{parser.ReasonBlank, parser.ReasonDirective}[r.IntN(2)]
		case k < 98:
			evs[i].filtered = uint64(1 + r.IntN(3))
		case k < 99:
			evs[i].fileErr = [2]string{file, "unexpected EOF " + strconv.Itoa(i)}
		default:
			evs[i].format = [2]string{file, "combined"}
		}
	}
	return evs
}

var testOpts = Options{TopCapacity: 10_000, DrillCapacity: 10_000, DistinctCapacity: 100_000, Samples: 3}

// normalize puts s in a canonical form for comparison: unexported caches
// cleared, list entries sorted by key, minute codes by code, file errors
// sorted (their order is the merge order), exact hash sets sorted.
func normalize(s *State) *State {
	s.loc, s.zone, s.curBucket, s.curDayD, s.curMinute, s.curDay, s.scratch, s.sink = nil, zoneCache{}, nil, nil, 0, 0, nil, 0
	s.latIdx = sketch.LatencyIndexes{}
	lists := []*sketch.TopK{s.URLs, s.URLsQuery, s.Clients, s.Referrers, s.Agents, s.Methods, s.Protocols, s.VHosts}
	for _, d := range s.Drills {
		lists = append(lists, d.URLs, d.Clients)
	}
	for _, t := range lists {
		t.Canonical()
	}
	for _, d := range s.Visitors {
		d.Canonical()
	}
	s.UndatedVisitors.Canonical()
	s.ClientAddrs.Canonical()
	for _, m := range s.Minutes {
		slices.SortFunc(m.Codes, func(a, b CodeCount) int { return cmp.Compare(a.Code, b.Code) })
		slices.SortFunc(m.SubCodes, func(a, b SubCode) int { return cmp.Compare(status.SubKey(a.Code, a.Sub), status.SubKey(b.Code, b.Sub)) })
	}
	slices.SortFunc(s.FileErrors, func(a, b FileError) int { return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Err, b.Err)) })
	return s
}

// diffStates returns the first exported field where a and b differ.
func diffStates(a, b *State) string {
	va, vb := reflect.ValueOf(a).Elem(), reflect.ValueOf(b).Elem()
	for i := range va.NumField() {
		f := va.Type().Field(i)
		if f.IsExported() && !reflect.DeepEqual(va.Field(i).Interface(), vb.Field(i).Interface()) {
			return f.Name
		}
	}
	if !reflect.DeepEqual(a.Times(), b.Times()) {
		return "Times"
	}
	if !reflect.DeepEqual(a, b) {
		return "(unexported fields)"
	}
	return ""
}

func roundTrip(t *testing.T, s *State) *State {
	t.Helper()
	var buf bytes.Buffer
	if err := s.Encode(&buf); err != nil {
		t.Fatal(err)
	}
	out, err := Decode(&buf)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func aggregateAll(evs []event, opts Options) *State {
	s := New(opts)
	for _, e := range evs {
		e.apply(s)
	}
	return s
}

// TestMergeProperty: aggregating random parts and merging them in any
// order, directly or through state files, gives the whole run's State.
func TestMergeProperty(t *testing.T) {
	for seed := range uint64(6) {
		t.Run(strconv.FormatUint(seed, 10), func(t *testing.T) {
			evs := randEvents(seed, 3000)
			whole := aggregateAll(evs, testOpts)
			if err := whole.Check(); err != nil {
				t.Fatal(err)
			}
			r := rand.New(rand.NewPCG(seed, 1))
			nparts := 1 + r.IntN(7)
			parts := make([][]event, nparts)
			for _, e := range evs {
				p := r.IntN(nparts)
				parts[p] = append(parts[p], e)
			}
			states := make([]*State, nparts)
			for i, p := range parts {
				states[i] = aggregateAll(p, testOpts)
				if seed%2 == 1 {
					states[i] = roundTrip(t, states[i]) // as shards saved on other machines
				}
			}
			// Merge in a random tree: repeatedly fold one random state into another.
			for len(states) > 1 {
				i, j := r.IntN(len(states)), r.IntN(len(states)-1)
				if j >= i {
					j++
				}
				if err := states[i].Merge(states[j]); err != nil {
					t.Fatal(err)
				}
				states = slices.Delete(states, j, j+1)
			}
			merged := states[0]
			if err := merged.Check(); err != nil {
				t.Fatal(err)
			}
			want := normalize(roundTrip(t, whole))
			if f := diffStates(normalize(roundTrip(t, merged)), want); f != "" {
				t.Fatalf("merged parts differ from the whole run in %s", f)
			}
			if f := diffStates(normalize(roundTrip(t, whole)), normalize(whole)); f != "" {
				t.Fatalf("Encode/Decode changes %s", f)
			}
		})
	}
}

func TestMergeDoesNotAlias(t *testing.T) {
	evs := randEvents(9, 500)
	a, b := aggregateAll(evs[:250], testOpts), aggregateAll(evs[250:], testOpts)
	before := normalize(roundTrip(t, b))
	if err := a.Merge(b); err != nil {
		t.Fatal(err)
	}
	for _, e := range evs[:100] {
		e.apply(a) // must not change b
	}
	if f := diffStates(normalize(roundTrip(t, b)), before); f != "" {
		t.Fatalf("merging changed the other State's %s", f)
	}
	if err := a.Merge(a); err == nil {
		t.Error("a State merged into itself")
	}
	paris, _ := time.LoadLocation("Europe/Paris")
	if err := a.Merge(New(Options{Location: paris})); err == nil || !strings.Contains(err.Error(), "Europe/Paris") {
		t.Errorf("merging different zones: %v", err)
	}
	if err := a.Merge(New(Options{PageExtensions: []string{"html"}})); err == nil {
		t.Error("merging different page extensions succeeded")
	}
}

func TestAccounting(t *testing.T) {
	s := aggregateAll(randEvents(3, 5000), testOpts)
	if err := s.Check(); err != nil {
		t.Fatal(err)
	}
	l := s.Lines
	if l.Parsed == 0 || l.Malformed == 0 || l.Skipped == 0 || l.Filtered == 0 || s.NoStatus == 0 || s.Undated == 0 {
		t.Fatalf("the random mix misses a kind of line: %+v nostatus %d undated %d", l, s.NoStatus, s.Undated)
	}
	var classes, hours, hourClasses, hourCodes, minutes uint64
	for _, n := range s.Classes() {
		classes += n
	}
	for _, b := range s.PerHour() {
		hours += b.Requests
		for _, n := range b.Classes {
			hourClasses += n
		}
		for _, c := range b.Codes {
			hourCodes += c.N
		}
	}
	from, to := time.Unix(0, 0), time.Unix(math.MaxInt32, 0)
	for _, b := range s.PerMinute(from, to) {
		minutes += b.Requests
	}
	dated := l.Parsed - s.Undated
	if classes+s.NoStatus != l.Parsed || hours != dated || minutes != dated {
		t.Errorf("parsed %d: classes %d (+%d without status), hours %d, minutes %d (+%d undated)", l.Parsed, classes, s.NoStatus, hours, minutes, s.Undated)
	}
	if hourClasses != hourCodes || hourClasses > dated {
		t.Errorf("hourly classes %d, codes %d, dated %d", hourClasses, hourCodes, dated)
	}
	for _, series := range [][]Bucket{s.PerDay(), s.PerMonth(), s.PerHourOfDay(), s.Series(5*time.Minute, nil)} {
		var n uint64
		for i, b := range series {
			n += b.Requests
			if i > 0 && !series[i-1].Start.Before(b.Start) {
				t.Errorf("series not in order at %v", b.Start)
			}
		}
		if n != dated {
			t.Errorf("series of %d buckets sums to %d, want %d", len(series), n, dated)
		}
	}
	if len(s.PerHourOfDay()) != 24 || len(s.PerDay()) != 3 || len(s.PerMonth()) != 1 {
		t.Errorf("hour of day %d, days %d, months %d", len(s.PerHourOfDay()), len(s.PerDay()), len(s.PerMonth()))
	}
	if s.ClientAborted() != s.Codes[499]+s.Codes[444] || s.ClientAborted() == 0 {
		t.Errorf("client aborted %d", s.ClientAborted())
	}
	for r, list := range s.Samples {
		if len(list) != 3 {
			t.Errorf("%s: %d samples, want 3", r, len(list))
		}
		for _, x := range list {
			if len(x.Text) > SampleTextMax || len(x.Text) != min(x.TextLen, SampleTextMax) {
				t.Errorf("sample text of %d bytes (line %d bytes)", len(x.Text), x.TextLen)
			}
		}
	}
}

func rec(host, path string, status uint16, sec int64) *parser.Record {
	return &parser.Record{Host: []byte(host), Path: []byte(path), Status: status, HasStatus: true, Time: sec, HasTime: true}
}

func TestStateFields(t *testing.T) {
	s := New(Options{})
	r := rec("1.2.3.4", "/a/index.HTML", 404, 1_700_000_000)
	r.HasSubStatus, r.SubStatus = true, 2
	r.HasWin32Status, r.Win32Status = true, 2
	r.Query = []byte("x=1")
	r.Bytes = 100
	r.Referer = []byte("https://user@Example.COM:8443/from")
	r.VHost = []byte("example.com:80")
	s.Add(r)
	r2 := rec("1.2.3.4", "/img/logo.png", 200, 1_700_000_001)
	r2.Referer = []byte("http://other.test/x")
	r2.Bytes = math.MaxUint64
	r2.HasDuration, r2.Duration = true, 1500
	s.Add(r2)
	s.Add(rec("5.6.7.8", "/", 0, 1_700_000_061))
	r4 := rec("5.6.7.8", "/", 204, 1_700_000_062)
	r4.HasBytes = true
	s.Add(r4)
	if err := s.Check(); err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		name      string
		got, want uint64
	}{
		{"404", s.Codes[404], 1},
		{"404.2", s.SubCodes[SubKey(404, 2)], 1},
		{"win32 2", s.Win32().Get(2), 1},
		{"000", s.Codes[0], 1},
		{"0xx", s.Classes()[status.Class0xx], 1},
		{"pages", s.Pages, 3},
		{"files (2xx)", s.Files, 2},
		{"no bytes", s.NoBytes, 3},
		{"bytes", s.Bytes, math.MaxUint64},
		{"referrers", s.Referrers.Total, 1},
		{"clients", s.ClientAddrs.Count(), 2},
		{"minutes", uint64(len(s.Minutes)), 2},
		{"latency", s.Times().All.Count, 1},
		{"2xx latency", s.Times().Class[status.Class2xx].Count, 1},
		{"200 latency", s.Times().Code[200].Count, 1},
		{"vhosts", s.VHosts.Total, 1},
		{"drill 404 urls", s.Drills[404].URLs.Get("/a/index.HTML").Hits, 1},
		{"visitors", s.Visitors[1_700_000_000/86400].Count(), 2},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %d, want %d", c.name, c.got, c.want)
		}
	}
	if !s.BytesSaturated {
		t.Error("BytesSaturated not set")
	}
	if e := s.URLsQuery.Get("/a/index.HTML?x=1"); e == nil {
		t.Error("URL with query missing")
	}
	if e := s.URLs.Get("/img/logo.png"); e == nil || e.Latency == nil || e.Latency.Max != 1500 {
		t.Error("URL latency missing")
	}
	if e := s.Referrers.Get("http://other.test/x"); e == nil {
		t.Error("external referrer missing")
	}
	if v, exact := s.TotalVisitors(); v != 2 || !exact {
		t.Errorf("TotalVisitors = %d, %v", v, exact)
	}
}

func TestExternalReferrer(t *testing.T) {
	tests := []struct {
		ref, vhost string
		want       bool
		sites      []string
	}{
		{"https://example.com/x", "", false, []string{"example.com"}},
		{"https://Example.COM:8443/x", "", false, []string{"www.example.com", "example.com"}},
		{"https://www.example.com/x", "", true, []string{"example.com"}},
		{"https://other.test/x", "example.com", true, []string{"example.com"}},
		{"https://www.example.com/x", "example.com", false, []string{"www.example.com"}},
		{"", "", false, nil},
		{"-", "example.com", false, nil},
		{"https://example.com/x", "", true, nil},
		{"https://example.com/x", "example.com", false, nil},
		{"https://EXAMPLE.com:443/x", "example.com:8080", false, nil},
		{"https://u:p@example.com", "example.com", false, nil},
		{"https://www.example.com/", "example.com", true, nil},
		{"http://[::1]:80/", "[::1]", false, nil},
		{"android-app://com.google.android.gm/", "example.com", true, nil},
		{"not a url", "example.com", true, nil},
	}
	for _, tt := range tests {
		if got := isExternalReferrer([]byte(tt.ref), []byte(tt.vhost), tt.sites); got != tt.want {
			t.Errorf("isExternalReferrer(%q, %q, %q) = %v", tt.ref, tt.vhost, tt.sites, got)
		}
	}
}

func TestSiteHost(t *testing.T) {
	for in, want := range map[string]string{
		"Example.COM": "example.com", "https://www.example.com:8443/path": "www.example.com",
		"example.com:80": "example.com", " [::1]:8080 ": "[::1]", "": "",
	} {
		if got := SiteHost(in); got != want {
			t.Errorf("SiteHost(%q) = %q, want %q", in, got, want)
		}
	}
	s := New(Options{SiteHosts: []string{"Example.com", "example.com:443", "www.example.com"}})
	if got := s.Settings.SiteHosts; len(got) != 2 || got[0] != "example.com" || got[1] != "www.example.com" {
		t.Errorf("Settings.SiteHosts = %q", got)
	}
}

func TestPages(t *testing.T) {
	s := New(Options{})
	for path, want := range map[string]bool{
		"/": true, "/about": true, "/a.html": true, "/A.PHP": true, "/x.css": false, "/d.v/file": true,
		"/img.png": false, "": true, "/x.verylongextension1234": false, "/a.shtml": true, "/a.": true,
		"index.php": true, "x": true, "/a.b.css": false, "/dir.css/": true, "/x.tar.gz": false, "/.htaccess": false,
		"/a.css/b": true, "/a/b.c/d.htm": true, ".": true, "//": true,
	} {
		if got := s.isPage([]byte(path)); got != want {
			t.Errorf("isPage(%q) = %v", path, got)
		}
	}
	// The extension is what follows the last dot of the last segment.
	ref := func(path string) bool {
		seg := path[strings.LastIndexByte(path, '/')+1:]
		ext := ""
		if dot := strings.LastIndexByte(seg, '.'); dot >= 0 {
			ext = strings.ToLower(seg[dot+1:])
		}
		return slices.Contains(DefaultPageExtensions, ext)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20_000 {
		b := make([]byte, rng.IntN(12))
		for i := range b {
			b[i] = "/.aHhtml"[rng.IntN(8)]
		}
		if got, want := s.isPage(b), ref(string(b)); got != want {
			t.Fatalf("isPage(%q) = %v, want %v", b, got, want)
		}
	}
	s2 := New(Options{PageExtensions: []string{".CSS"}})
	if !s2.isPage([]byte("/x.css")) || s2.isPage([]byte("/")) {
		t.Error("custom page extensions not honoured")
	}
	// Up to 7 bytes an extension is matched packed in a word, past it by
	// the map: both ways, and no prefix of one matches.
	s3 := New(Options{PageExtensions: []string{"markdown", "phtml", "a"}})
	for path, want := range map[string]bool{"/x.markdown": true, "/x.MarkDown": true, "/x.markdow": false,
		"/x.phtml": true, "/x.phtm": false, "/x.a": true, "/x.aa": false, "/x": false, "/x.a\x00": false} {
		if got := s3.isPage([]byte(path)); got != want {
			t.Errorf("isPage(%q) with markdown, phtml, a = %v", path, got)
		}
	}
}

func TestDaylightSaving(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	s := New(Options{Location: paris})
	// Summer time starts 2026-03-29 at 01:00 UTC (02:00 CET → 03:00 CEST).
	times := []string{
		"2026-03-28T22:59:00Z", // 23:59 CET, the 28th
		"2026-03-28T23:00:00Z", // 00:00 CET, the 29th
		"2026-03-29T00:59:59Z", // 01:59:59 CET
		"2026-03-29T01:00:00Z", // 03:00 CEST
		"2026-03-29T21:59:59Z", // 23:59:59 CEST, still the 29th
		"2026-03-29T22:00:00Z", // 00:00 CEST, the 30th
	}
	for _, ts := range times {
		tm, _ := time.Parse(time.RFC3339, ts)
		s.Add(rec("h", "/", 200, tm.Unix()))
	}
	var got []string
	for _, b := range s.PerDay() {
		got = append(got, fmt.Sprintf("%s=%d", b.Start.Format("2006-01-02T15:04-07:00"), b.Requests))
	}
	want := []string{"2026-03-28T00:00+01:00=1", "2026-03-29T00:00+01:00=4", "2026-03-30T00:00+02:00=1"}
	if !slices.Equal(got, want) {
		t.Errorf("PerDay = %v, want %v", got, want)
	}
	got = got[:0]
	for _, b := range s.PerHour() {
		got = append(got, fmt.Sprintf("%s=%d", b.Start.Format("02T15:04-07"), b.Requests))
	}
	want = []string{"28T23:00+01=1", "29T00:00+01=1", "29T01:00+01=1", "29T03:00+02=1", "29T23:00+02=1", "30T00:00+02=1"}
	if !slices.Equal(got, want) {
		t.Errorf("PerHour = %v, want %v", got, want)
	}
	day := func(y, m, d int) int64 { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC).Unix() / 86400 }
	if len(s.Visitors) != 3 || s.Visitors[day(2026, 3, 29)].Count() != 1 || s.Visitors[day(2026, 3, 30)] == nil {
		t.Errorf("visitor days: %v", slices.Sorted(func(yield func(int64) bool) {
			for d := range s.Visitors {
				if !yield(d) {
					return
				}
			}
		}))
	}
	s2 := roundTrip(t, s)
	if s2.Location().String() != "Europe/Paris" || len(s2.PerDay()) != 3 {
		t.Errorf("decoded zone %v", s2.Location())
	}
}

func TestDecodeErrors(t *testing.T) {
	var buf bytes.Buffer
	if err := New(Options{}).Encode(&buf); err != nil {
		t.Fatal(err)
	}
	good := buf.Bytes()
	future := slices.Clone(good)
	binary.BigEndian.PutUint32(future[8:], SchemaVersion+1)
	_, err := Decode(bytes.NewReader(future))
	if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("version %d", SchemaVersion+1)) || !strings.Contains(err.Error(), fmt.Sprintf("version %d", SchemaVersion)) {
		t.Errorf("future schema: %v", err)
	}
	if _, err := Decode(strings.NewReader("hello world, not a state")); err != ErrNotState {
		t.Errorf("not a state: %v", err)
	}
	if _, err := Decode(bytes.NewReader(good[:len(good)-5])); err == nil {
		t.Error("truncated state decoded")
	}
	if _, err := Decode(bytes.NewReader(good)); err != nil {
		t.Errorf("good state: %v", err)
	}
}

func TestAddAllocs(t *testing.T) {
	recs := benchRecords(256)
	s := New(Options{})
	for _, r := range recs {
		s.Add(r)
	}
	if n := testing.AllocsPerRun(20, func() {
		for _, r := range recs {
			s.Add(r)
		}
	}); n != 0 {
		t.Errorf("Add allocates %v times per %d known records", n, len(recs))
	}
}

func TestMinutePages(t *testing.T) {
	s := New(Options{})
	t0 := time.Date(2026, 1, 2, 3, 4, 0, 0, time.UTC).Unix()
	for i, path := range []string{"/", "/a.html", "/x.css", "/b.php"} {
		s.Add(&parser.Record{Path: []byte(path), HasTime: true, Time: t0 + int64(i*30), HasStatus: true, Status: 200})
	}
	s.Add(&parser.Record{Path: []byte("/undated.html"), HasStatus: true, Status: 200})
	o := New(Options{})
	o.Add(&parser.Record{Path: []byte("/c.html"), HasTime: true, Time: t0, HasStatus: true, Status: 200})
	if err := s.Merge(o); err != nil {
		t.Fatal(err)
	}
	var pages uint64
	for _, m := range s.Minutes {
		pages += m.Pages
	}
	// 4 dated pages (/, /a.html, /b.php, /c.html); the undated one is in
	// no minute.
	if pages != 4 || s.Pages != 5 || s.Minutes[t0/60].Pages != 3 {
		t.Errorf("minute pages %d (first minute %d), pages %d", pages, s.Minutes[t0/60].Pages, s.Pages)
	}
	if b := s.PerDay(); len(b) != 1 || b[0].Pages != 4 {
		t.Errorf("PerDay = %+v", b)
	}
}
