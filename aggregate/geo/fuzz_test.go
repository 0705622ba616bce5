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
