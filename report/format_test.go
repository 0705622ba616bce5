package report

import "testing"

func TestFormat(t *testing.T) {
	tests := []struct{ got, want string }{
		{fmtInt(0), "0"},
		{fmtInt(999), "999"},
		{fmtInt(1000), "1,000"},
		{fmtInt(1234567), "1,234,567"},
		{fmtInt(-1234567), "-1,234,567"},
		{fmtInt(-123), "-123"},
		{fmtInt(9223372036854775807), "9,223,372,036,854,775,807"},
		{fmtPct(0), "0%"},
		{fmtPct(0.0001), "<0.1%"},
		{fmtPct(0.123), "12.3%"},
		{fmtPct(0.99999), ">99.9%"},
		{fmtPct(1), "100.0%"},
		{fmtBytes(0), "0 B"},
		{fmtBytes(1023), "1023 B"},
		{fmtBytes(1536), "1.5 KiB"},
		{fmtBytes(5 << 30), "5.0 GiB"},
		{fmtBytes(1 << 62), "4096.0 PiB"},
		{fmtMs(1.234), "1.23 ms"},
		{fmtMs(12.34), "12.3 ms"},
		{fmtMs(123.4), "123 ms"},
		{fmtMs(12345), "12.3 s"},
		{fmtMs(3000), "3.00 s"},
		{fmtCount(Count{N: 1234, Exact: true}), "1,234"},
		{fmtCount(Count{N: 1234, RelErr: 0.01}), "≈1,234 (±1%)"},
	}
	for i, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%d: got %q, want %q", i, tt.got, tt.want)
		}
	}
}

func TestVisible(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"/index.html?a=b", "/index.html?a=b"},
		{"héllo wörld ✓", "héllo wörld ✓"},
		{"\x1b[31mred\x1b[0m", `\x1b[31mred\x1b[0m`},
		{"a\tb\r\nc\a", `a\tb\r\nc\x07`},
		{"evil\u202etxt.exe", `evil\u202etxt.exe`},
		{"\u2066x\u2069\u200f", `\u2066x\u2069\u200f`},
		{"bad\xff\xfe", `bad\xff\xfe`},
		{"c1\u0085\u009b", `c1\u0085\u009b`},
		{"del\x7f", `del\x7f`},
		{`already \x22 escaped`, `already \x22 escaped`},
	}
	for _, tt := range tests {
		if got := Visible(tt.in); got != tt.want {
			t.Errorf("Visible(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
