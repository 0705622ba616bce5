package geo

import (
	"net/netip"
	"strings"
	"testing"
)

// FuzzParseClient checks ParseClient against netip.ParseAddr: an address
// netip reads (zone aside) is read the same, and nothing panics.
func FuzzParseClient(f *testing.F) {
	for _, s := range []string{"192.0.2.1", "::ffff:192.0.2.7", "[2001:db8::1]:443", "fe80::1%eth0",
		"192.0.2.1:80", "01.2.3.4", "1.2.3.4.5", "256.1.1.1", "unknown", "-", "", "::", "1::2::3", "[::1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := ParseClient([]byte(s))
		if ok && !got.IsValid() {
			t.Fatalf("ParseClient(%q) ok with an invalid address", s)
		}
		if ok && (got.Zone() != "" || got.Is4In6()) {
			t.Fatalf("ParseClient(%q) = %v: zone or mapped address kept", s, got)
		}
		trimmed := strings.TrimSpace(s)
		if strings.ContainsAny(trimmed, "%[]") || len(trimmed) > 64 {
			return
		}
		want, err := netip.ParseAddr(trimmed)
		if err == nil && (!ok || got != want.Unmap()) {
			t.Fatalf("ParseClient(%q) = %v, %v; netip says %v", s, got, ok, want)
		}
		if err != nil && ok && strings.Count(trimmed, ":") != 1 {
			t.Fatalf("ParseClient(%q) = %v, netip refuses it: %v", s, got, err)
		}
	})
}

// FuzzSection decodes arbitrary bytes as a geo section: an error or a
// section whose figures can be read and merged, never a panic. Seeded
// with real sections.
func FuzzSection(f *testing.F) {
	mm, _, _ := testSets(f)
	for seed := range uint64(3) {
		a := newTestAgg(f, mm, Options{ASNCapacity: 4})
		for _, h := range randHits(seed, 200) {
			a.Add(h)
		}
		b, err := a.MarshalBinary()
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		a := NewEmpty().(*Aggregator)
		if a.UnmarshalBinary(b) != nil {
			return
		}
		a.Check(0)
		a.Countries()
		a.Networks(5)
		o := NewEmpty().(*Aggregator)
		if o.UnmarshalBinary(b) == nil {
			a.Merge(o)
		}
		again, err := a.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		if err := NewEmpty().UnmarshalBinary(again); err != nil {
			t.Fatalf("re-encoded section does not decode: %v", err)
		}
	})
}
