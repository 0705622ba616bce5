package parser

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

func TestParseStatus(t *testing.T) {
	tests := []struct {
		in   string
		want uint16
		ok   bool
	}{
		{"200", 200, true}, {"000", 0, true}, {"499", 499, true}, {"999", 999, true}, {"042", 42, true},
		{"+200", 0, false}, {"2e2", 0, false}, {"0x0C8", 0, false}, {"-1", 0, false}, {"20", 0, false},
		{"1000", 0, false}, {"4294967496", 0, false}, {" 200", 0, false}, {"", 0, false}, {"-", 0, false},
	}
	for _, tt := range tests {
		got, ok := ParseStatus([]byte(tt.in))
		if got != tt.want || ok != tt.ok {
			t.Errorf("ParseStatus(%q) = %d %v, want %d %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestParseSize(t *testing.T) {
	tests := []struct {
		in   string
		want uint64
		ok   bool
	}{
		{"-", 0, true}, {"0", 0, true}, {"1234", 1234, true},
		{"18446744073709551615", 18446744073709551615, true},
		{"18446744073709551616", 0, false}, {"99999999999999999999", 0, false},
		{"9999999999999999999", 9999999999999999999, true}, {"0000000000000000001", 1, true}, {"00000000000000000001", 1, true},
		{"123456789012345678x", 0, false}, {"123456789012345678901", 0, false},
		{"-5", 0, false}, {"1.5", 0, false}, {"1e3", 0, false}, {"", 0, false}, {"+1", 0, false},
	}
	for _, tt := range tests {
		got, ok := parseSize([]byte(tt.in))
		if got != tt.want || ok != tt.ok {
			t.Errorf("parseSize(%q) = %d %v, want %d %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestParseDurations(t *testing.T) {
	frac := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"0.123", 123000, true}, {"12", 12000000, true}, {"1.5", 1500000, true}, {"0.0000019", 1, true},
		{"-0.1", 0, false}, {"1.", 0, false}, {".5", 0, false}, {"1e3", 0, false}, {"99999999999999", 0, false},
	}
	for _, tt := range frac {
		got, ok := parseSecondsFrac([]byte(tt.in))
		if got != tt.want || ok != tt.ok {
			t.Errorf("parseSecondsFrac(%q) = %d %v, want %d %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
	if got, ok := parseDurationUnit([]byte("250"), 1000); got != 250000 || !ok {
		t.Errorf("parseDurationUnit(250, ms) = %d %v", got, ok)
	}
	if _, ok := parseDurationUnit([]byte("9223372036854775807"), 1000); ok {
		t.Errorf("parseDurationUnit accepted an overflowing value")
	}
	up := []struct {
		in      string
		want    int64
		has, ok bool
	}{
		{"0.010", 10000, true, true},
		{"0.010, 0.020 : 0.005", 35000, true, true},
		{"-", 0, false, true},
		{"-, 0.002", 2000, true, true},
		{"0.01, x", 0, false, false},
	}
	for _, tt := range up {
		got, has, ok := parseUpstreamTimes([]byte(tt.in))
		if got != tt.want || has != tt.has || ok != tt.ok {
			t.Errorf("parseUpstreamTimes(%q) = %d %v %v, want %d %v %v", tt.in, got, has, ok, tt.want, tt.has, tt.ok)
		}
	}
}

// TestIndexByteNear checks indexByteNear against bytes.IndexByte for every
// length up to well past its short loop and every position of the byte.
func TestIndexByteNear(t *testing.T) {
	for n := range 40 {
		b := bytes.Repeat([]byte{'x'}, n)
		if got := indexByteNear(b, ' '); got != -1 {
			t.Fatalf("len %d, no space: %d", n, got)
		}
		for at := range n {
			c := bytes.Clone(b)
			c[at] = ' '
			if n-at > 2 {
				c[n-1] = ' ' // a later one must not be found first
			}
			if got, want := indexByteNear(c, ' '), bytes.IndexByte(c, ' '); got != want {
				t.Fatalf("len %d, space at %d: %d, want %d", n, at, got, want)
			}
		}
	}
}

// TestIndexByteNearRandom checks the word-at-a-time search against
// bytes.IndexByte on bytes next to the one sought (the borrows of the
// zero-byte trick), 0x00, 0x80 and 0xff, at every length to 40.
func TestIndexByteNearRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, c := range []byte{' ', '"', 0x00, 0x01, 0x80, 0xff} {
		alphabet := []byte{c, c - 1, c + 1, c ^ 0x80, 0x00, 0x01, 0x80, 0xff, 'a'}
		for range 20_000 {
			b := make([]byte, rng.IntN(41))
			for i := range b {
				b[i] = alphabet[rng.IntN(len(alphabet))]
			}
			if got, want := indexByteNear(b, c), bytes.IndexByte(b, c); got != want {
				t.Fatalf("indexByteNear(%q, %q) = %d, want %d", b, c, got, want)
			}
		}
	}
}
