package parser

import (
	"testing"
	"time"
)

func TestParseCLFTime(t *testing.T) {
	tests := []struct {
		in   string
		want string // RFC 3339 in UTC, or "" for invalid
	}{
		{"10/Oct/2000:13:55:36 -0700", "2000-10-10T20:55:36Z"},
		{"01/Jan/1970:00:00:00 +0000", "1970-01-01T00:00:00Z"},
		{"29/Feb/2024:23:59:59 +0000", "2024-02-29T23:59:59Z"},
		{"31/Dec/2023:23:59:60 +0000", "2024-01-01T00:00:00Z"}, // leap second
		{"05/Mar/2024:14:00:00 +0545", "2024-03-05T08:15:00Z"},
		{"05/Mar/2024:14:00:00 +1400", "2024-03-05T00:00:00Z"},
		{"05/Mar/2024:14:00:00 -1200", "2024-03-06T02:00:00Z"},
		{"29/Feb/2023:00:00:00 +0000", ""}, // not a leap year
		{"30/Feb/2024:00:00:00 +0000", ""},
		{"00/Jan/2024:00:00:00 +0000", ""},
		{"31/Apr/2024:00:00:00 +0000", ""},
		{"10/Oct/2000:24:00:00 +0000", ""},
		{"10/Oct/2000:13:60:00 +0000", ""},
		{"10/Oct/2000:13:55:61 +0000", ""},
		{"10/Oct/2000:13:55:36 +0060", ""},
		{"10/Oct/2000:13:55:36 +2500", ""},
		{"10/Oct/2000:13:55:36 +1401", ""},
		{"10/Oct/2000:13:55:36", ""},        // missing zone
		{"10/Okt/2000:13:55:36 +0000", ""},  // localised month
		{"10/oct/2000:13:55:36 +0000", ""},  // lower case
		{"10/Oct/2000:13:55:36 0000", ""},   // zone without sign
		{"1/Oct/2000:13:55:36 -0700", ""},   // one-digit day
		{"10/Oct/2000 13:55:36 -0700", ""},  // wrong separator
		{"10/Oct/2000:13:55:36 -0700x", ""}, // trailing
		{"", ""},
	}
	for _, tt := range tests {
		sec, _, ok := parseCLFTime([]byte(tt.in))
		got := ""
		if ok {
			got = time.Unix(sec, 0).UTC().Format(time.RFC3339)
		}
		if got != tt.want {
			t.Errorf("parseCLFTime(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestParseISO8601(t *testing.T) {
	tests := []struct {
		in       string
		want     string
		wantNsec int32
	}{
		{"2024-03-05T14:00:00+01:00", "2024-03-05T13:00:00Z", 0},
		{"2024-03-05T14:00:00Z", "2024-03-05T14:00:00Z", 0},
		{"2024-03-05 14:00:00+0000", "2024-03-05T14:00:00Z", 0},
		{"2024-03-05T14:00:00.123456Z", "2024-03-05T14:00:00Z", 123456000},
		{"2024-03-05T14:00:00.5-05:30", "2024-03-05T19:30:00Z", 500000000},
		{"2024-03-05T14:00:00", "", 0}, // no zone
		{"2024-02-30T14:00:00Z", "", 0},
		{"2024-03-05T14:00:00+25:00", "", 0},
		{"2024-03-05T14:00:00.Z", "", 0},
		{"2024-03-05X14:00:00Z", "", 0},
	}
	for _, tt := range tests {
		sec, nsec, ok := parseISO8601([]byte(tt.in))
		got := ""
		if ok {
			got = time.Unix(sec, 0).UTC().Format(time.RFC3339)
		}
		if got != tt.want || (ok && nsec != tt.wantNsec) {
			t.Errorf("parseISO8601(%q) = %q %d, want %q %d", tt.in, got, nsec, tt.want, tt.wantNsec)
		}
	}
}

func TestParseW3CDateTime(t *testing.T) {
	tests := []struct{ date, clock, want string }{
		{"2024-03-05", "14:00:00", "2024-03-05T14:00:00Z"},
		{"2024-03-05", "14:00:00.250", "2024-03-05T14:00:00Z"},
		{"2024-13-05", "14:00:00", ""},
		{"2024-03-05", "14:00", ""},
		{"2024-03-05", "14:00:00Z", ""},
		{"24-03-05", "14:00:00", ""},
	}
	for _, tt := range tests {
		sec, _, ok := parseW3CDateTime([]byte(tt.date), []byte(tt.clock))
		got := ""
		if ok {
			got = time.Unix(sec, 0).UTC().Format(time.RFC3339)
		}
		if got != tt.want {
			t.Errorf("parseW3CDateTime(%q, %q) = %q, want %q", tt.date, tt.clock, got, tt.want)
		}
	}
}

func TestParseEpoch(t *testing.T) {
	tests := []struct {
		in   string
		sec  int64
		nsec int32
		ok   bool
	}{
		{"1700000000.123", 1700000000, 123000000, true},
		{"1700000000", 1700000000, 0, true},
		{"1700000000.", 0, 0, false},
		{"-1", 0, 0, false},
		{"17e8", 0, 0, false},
	}
	for _, tt := range tests {
		sec, nsec, ok := parseEpoch([]byte(tt.in))
		if sec != tt.sec || nsec != tt.nsec || ok != tt.ok {
			t.Errorf("parseEpoch(%q) = %d %d %v, want %d %d %v", tt.in, sec, nsec, ok, tt.sec, tt.nsec, tt.ok)
		}
	}
}

// FuzzParseCLFTime checks the fast path against time.Parse: whenever both
// accept a string they agree on the instant, and the fast path accepts
// nothing time.Parse rejects except a leap second.
func FuzzParseCLFTime(f *testing.F) {
	for _, s := range []string{"10/Oct/2000:13:55:36 -0700", "29/Feb/2024:23:59:59 +0000", "31/Dec/2023:23:59:60 +0000", "30/Feb/2024:00:00:00 +0000"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		sec, _, ok := parseCLFTime([]byte(s))
		ref, err := time.Parse("02/Jan/2006:15:04:05 -0700", s)
		if ok && err == nil && ref.Unix() != sec {
			t.Fatalf("%q: fast %d, time.Parse %d", s, sec, ref.Unix())
		}
		if ok && err != nil && s[18:20] != "60" {
			t.Fatalf("%q accepted, time.Parse says %v", s, err)
		}
	})
}

func BenchmarkParseCLFTime(b *testing.B) {
	in := []byte("10/Oct/2000:13:55:36 -0700")
	b.ReportAllocs()
	b.SetBytes(int64(len(in)))
	var sink int64
	for b.Loop() {
		s, _, _ := parseCLFTime(in)
		sink += s
	}
	_ = sink
}

// TestCLFTimeCache runs sequences of times through one cache: every
// result must be parseCLFTime's, whatever came before.
func TestCLFTimeCache(t *testing.T) {
	seqs := [][]string{
		{"05/Mar/2024:14:00:01 +0100", "05/Mar/2024:14:00:02 +0100", "05/Mar/2024:23:59:60 +0100", "05/Mar/2024:00:00:00 +0100"},
		{"05/Mar/2024:14:00:01 +0100", "05/Mar/2024:24:00:00 +0100", "05/Mar/2024:14:60:00 +0100", "05/Mar/2024:14:00:61 +0100"},
		{"05/Mar/2024:14:00:01 +0100", "05/Mar/2024:14-00:01 +0100", "05/Mar/2024:14:00-01 +0100", "05/Mar/2024:1a:00:01 +0100"},
		{"05/Mar/2024:14:00:01 +0100", "05/Mar/2024:14:00:01 +0200", "05/Mar/2024:14:00:01 +0100", "06/Mar/2024:14:00:01 +0100"},
		{"05/Mar/2024:14:00:01 +0100", "05/Mar/2024:14:00:01 +0100 ", "05/Mar/2024:14:00:0 +0100", ""},
		{"30/Feb/2024:00:00:00 +0000", "30/Feb/2024:00:00:01 +0000", "29/Feb/2024:00:00:00 +0000", "29/Feb/2024:13:14:15 +0000"},
		{"29/Feb/2024:23:59:59 -1400", "29/Feb/2024:23:59:59 -1401", "29/Feb/2024:00:00:00 -1400"},
		// Every byte of the date and zone is compared: the year's last
		// digit, the colon after it, the zone's sign and last digit.
		{"05/Mar/2024:14:00:01 +0100", "05/Mar/2025:14:00:01 +0100", "05/Mar/2024;14:00:01 +0100", "05/Mar/2024:14:00:01 -0100", "05/Mar/2024:14:00:01 +0101"},
		{"05/Dec/2021:23:59:59 +0000", "06/Dec/2021:00:00:01 +0000", "07/Dec/2021:00:00:01 +0000"},
		{"05/Mar/2024:14:00:01 +0100", "05/Mar/2024:14:00:01x+0100", "05/Mar/2024:14:00:01 +0100", "15/Mar/2024:14:00:01 +0100"},
		// The clock: every digit and colon checked, the limits.
		{"05/Mar/2024:14:00:01 +0100", "05/Mar/2024:1a:00:01 +0100", "05/Mar/2024:14.00:01 +0100", "05/Mar/2024:14:00/01 +0100", "05/Mar/2024:14:00:0: +0100"},
		{"05/Mar/2024:14:00:01 +0100", "05/Mar/2024:23:59:60 +0100", "05/Mar/2024:24:00:00 +0100", "05/Mar/2024:00:60:00 +0100", "05/Mar/2024:00:00:61 +0100", "05/Mar/2024:\xff0:00:00 +0100"},
	}
	for _, seq := range seqs {
		var c clfTimeCache
		for _, s := range seq {
			sec, nsec, ok := c.parse([]byte(s))
			wsec, wnsec, wok := parseCLFTime([]byte(s))
			if sec != wsec || nsec != wnsec || ok != wok {
				t.Errorf("after %q: parse(%q) = %d, %d, %v; parseCLFTime: %d, %d, %v", seq[0], s, sec, nsec, ok, wsec, wnsec, wok)
			}
		}
	}
}

// FuzzCLFTimeCache checks the cache against parseCLFTime on a time that
// follows another.
func FuzzCLFTimeCache(f *testing.F) {
	f.Add("05/Mar/2024:14:00:01 +0100", "05/Mar/2024:14:00:02 +0100")
	f.Add("29/Feb/2024:23:59:59 +0000", "29/Feb/2024:24:00:00 +0000")
	f.Fuzz(func(t *testing.T, first, second string) {
		var c clfTimeCache
		c.parse([]byte(first))
		sec, nsec, ok := c.parse([]byte(second))
		wsec, wnsec, wok := parseCLFTime([]byte(second))
		if sec != wsec || nsec != wnsec || ok != wok {
			t.Fatalf("after %q: parse(%q) = %d, %d, %v; parseCLFTime: %d, %d, %v", first, second, sec, nsec, ok, wsec, wnsec, wok)
		}
	})
}
