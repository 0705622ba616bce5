package main

import (
	"fmt"
	"strconv"
	"testing"
	"time"
)

func TestParseThreshold(t *testing.T) {
	tests := []struct {
		in   string
		want string // "key class code sub share limit" or "error"
	}{
		{"5xx=1%", "5xx class=5 share=0.01"},
		{"499=5%", "499 code=499 share=0.05"},
		{"404=500", "404 code=404 count=500"},
		{"404.2=10", "404.2 code=404.2 count=10"},
		{"0xx=0", "0xx class=0 count=0"},
		{"non-standard=0", "non-standard class=6 count=0"},
		{"Non-Standard=1%", "non-standard class=6 share=0.01"},
		{"nonstandard=0", "error"},
		{"6xx=0", "error"},
		{"6xx=1", "error"},
		{"42=1", "error"},
		{"404=1.5", "error"},
		{"404=101%", "error"},
		{"404.x=1", "error"},
		{"5xx", "error"},
		{"=3", "error"},
	}
	for _, tt := range tests {
		th, err := parseThreshold(tt.in)
		got := "error"
		if err == nil {
			got = th.key + " "
			switch {
			case th.class >= 0:
				got += "class=" + string(rune('0'+th.class))
			case th.hasSub:
				got += fmt.Sprintf("code=%d.%d", th.code, th.sub)
			default:
				got += fmt.Sprintf("code=%d", th.code)
			}
			if th.isShare {
				got += " share=" + strconv.FormatFloat(th.limit, 'f', -1, 64)
			} else {
				got += fmt.Sprintf(" count=%.0f", th.limit)
			}
		}
		if got != tt.want {
			t.Errorf("parseThreshold(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func mins(spec ...[3]uint64) []minute {
	// each spec: {minute index, requests, 5xx count}
	var out []minute
	for _, s := range spec {
		m := minute{start: int64(s[0]) * 60}
		m.requests = s[1]
		m.classes[5] = s[2]
		m.classes[2] = s[1] - s[2]
		out = append(out, m)
	}
	return out
}

// flat gives the breaches of checkWindows' results in one list.
func flat(rs []windowResult) []breach {
	var out []breach
	for _, r := range rs {
		out = append(out, r.breaches...)
	}
	return out
}

func TestCheckWindows(t *testing.T) {
	share, _ := parseThreshold("5xx=10%")
	count, _ := parseThreshold("5xx=5")
	data := mins([3]uint64{0, 100, 1}, [3]uint64{1, 100, 2}, [3]uint64{10, 10, 4}, [3]uint64{11, 10, 4}, [3]uint64{20, 100, 0})
	got := flat(checkWindows([]threshold{share, count}, data, 2*time.Minute, 0, nil))
	if len(got) != 2 {
		t.Fatalf("got %d breaches, want 2: %v", len(got), got)
	}
	// Worst 2-minute window for the share: minutes 10-11, 8 of 20 = 40 %;
	// the stretch goes on to the window from minute 11.
	if got[0].from.Unix() != 600 || got[0].n != 8 || got[0].total != 20 || got[0].stretchTo.Unix() != 780 || got[0].stretchN != 8 {
		t.Errorf("share breach = %+v", got[0])
	}
	if got[1].from.Unix() != 600 || got[1].n != 8 {
		t.Errorf("count breach = %+v", got[1])
	}
	// Window boundary: a 1-minute window never joins minutes 0 and 1.
	one := flat(checkWindows([]threshold{mustThreshold(t, "5xx=2")}, data, time.Minute, 0, nil))
	if len(one) != 1 || one[0].n != 4 || one[0].stretchN != 8 {
		t.Errorf("1-minute windows: %v", one)
	}
	// Nothing breached.
	if b := flat(checkWindows([]threshold{mustThreshold(t, "5xx=50%")}, data, 5*time.Minute, 0, nil)); len(b) != 0 {
		t.Errorf("unexpected breach %v", b)
	}
	// Too few requests to judge a share: the 40 % of 20 requests is not
	// judged with --min-requests 21; a count still is.
	if b := flat(checkWindows([]threshold{share, count}, data, 2*time.Minute, 21, nil)); len(b) != 1 || b[0].t.isShare {
		t.Errorf("min requests: %v", b)
	}
}

// TestCheckWindowsStretches: every breaching stretch is reported, each by
// its worst window, with the stretch's own counts.
func TestCheckWindowsStretches(t *testing.T) {
	var spec [][3]uint64
	for m := range 120 {
		n, e := uint64(40), uint64(0)
		switch {
		case m >= 10 && m < 16: // an outage
			e = 30 - uint64(m%3)
		case m == 60: // a smaller one
			e = 25
		case m == 90: // a blip in a quiet minute
			n, e = 3, 3
		}
		if m > 85 && m < 95 {
			n = min(n, 3)
		}
		spec = append(spec, [3]uint64{uint64(m), n, e})
	}
	data := mins(spec...)
	rs := checkWindows([]threshold{mustThreshold(t, "5xx=10%")}, data, 5*time.Minute, 20, nil)
	var got []string
	for _, b := range rs[0].breaches {
		got = append(got, fmt.Sprintf("worst %d-%d %d/%d stretch %d-%d %d/%d", b.from.Unix()/60, b.to.Unix()/60, b.n, b.total,
			b.stretchFrom.Unix()/60, b.stretchTo.Unix()/60, b.stretchN, b.stretchTotal))
	}
	want := []string{
		"worst 11-16 145/200 stretch 6-20 174/560",
		"worst 56-61 25/200 stretch 56-65 25/360",
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	if w := rs[0].worst; w != 145.0/200 {
		t.Errorf("worst value %v", w)
	}
}

func mustThreshold(t *testing.T, s string) threshold {
	t.Helper()
	th, err := parseThreshold(s)
	if err != nil {
		t.Fatal(err)
	}
	return th
}

// subMins builds minutes from {minute index, requests, 404.2 count}; the
// 404.2 requests are also in 404 and 4xx, the rest are 200.
func subMins(spec ...[3]uint64) []minute {
	var out []minute
	for _, s := range spec {
		m := minute{start: int64(s[0]) * 60}
		m.requests = s[1]
		m.classes[4], m.classes[2] = s[2], s[1]-s[2]
		m.codes = map[uint16]uint64{404: s[2], 200: s[1] - s[2]}
		if s[2] > 0 {
			m.subcodes = map[[2]uint32]uint64{{404, 2}: s[2]}
		}
		out = append(out, m)
	}
	return out
}

func TestCheckWindowsSubCodes(t *testing.T) {
	// 10 requests a minute for 30 minutes; 404.2: 3 a minute in minutes
	// 20-24, 1 in minutes 2, 9 and 16.
	var data []minute
	for m := range uint64(30) {
		var n uint64
		switch {
		case m >= 20 && m < 25:
			n = 3
		case m == 2 || m == 9 || m == 16:
			n = 1
		}
		data = append(data, subMins([3]uint64{m, 10, n})...)
	}
	tests := []struct {
		max, window string
		want        string // "from=MINUTE n=N total=T" or "none"
	}{
		{"404.2=10", "5m", "from=20 n=15 total=50"},
		{"404.2=15", "5m", "none"},
		{"404.2=14", "5m", "from=20 n=15 total=50"},
		{"404.2=25%", "5m", "from=20 n=15 total=50"},
		{"404.2=30%", "5m", "none"},
		{"404.2=2", "1m", "from=20 n=3 total=10"},
		{"404.2=3", "1m", "none"},
		{"404.2=15", "10m", "from=15 n=16 total=100"}, // minutes 15-24 and 16-25 tie: the first wins
		{"404.0=0", "5m", "none"},                     // another sub-status of the same code
		{"401.2=0", "5m", "none"},
		{"404=14", "5m", "from=20 n=15 total=50"}, // the code counts the same records
	}
	for _, tt := range tests {
		w, err := parseSpan(tt.window)
		if err != nil {
			t.Fatal(err)
		}
		got := "none"
		if b := flat(checkWindows([]threshold{mustThreshold(t, tt.max)}, data, w, 0, nil)); len(b) == 1 {
			got = fmt.Sprintf("from=%d n=%d total=%d", b[0].from.Unix()/60, b[0].n, b[0].total)
		} else if len(b) > 1 {
			got = fmt.Sprint(b)
		}
		if got != tt.want {
			t.Errorf("--max %s --window %s: %s, want %s", tt.max, tt.window, got, tt.want)
		}
	}
}

func TestBreachStringSubCode(t *testing.T) {
	from := time.Date(2024, 3, 4, 10, 20, 0, 0, time.UTC)
	tests := []struct {
		max  string
		n    uint64
		want string
	}{
		{"404.2=10", 15, "404.2: 15 requests in 2024-03-04 10:20 – 10:25 UTC, limit 10, over by 5"},
		{"404.2=25%", 15, "404.2: 30.00% (15 of 50 requests) in 2024-03-04 10:20 – 10:25 UTC, limit 25%, over by 5.00 points"},
	}
	for _, tt := range tests {
		b := breach{t: mustThreshold(t, tt.max), from: from, to: from.Add(5 * time.Minute), n: tt.n, total: 50, valueShare: float64(tt.n) / 50}
		if got := b.String(); got != tt.want {
			t.Errorf("%s:\n got %s\nwant %s", tt.max, got, tt.want)
		}
	}
}
