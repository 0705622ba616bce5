package parser

import (
	"net/netip"
	"testing"
)

func TestClientFrom(t *testing.T) {
	trusted := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("2001:db8:ffff::/48")}
	tests := []struct {
		host, xff string
		trusted   bool
		want      string
	}{
		// First public address, left to right.
		{"10.0.0.1", "203.0.113.9, 10.0.0.2", false, "203.0.113.9"},
		{"10.0.0.1", "192.168.1.5, 198.51.100.7:5123, 203.0.113.9", false, "198.51.100.7"},
		{"10.0.0.1", "unknown, -, [2001:db8::1]:443", false, "2001:db8::1"},
		{"10.0.0.1", "fe80::1%eth0, 100.64.1.1, 127.0.0.1", false, "10.0.0.1"}, // none public: the peer
		{"10.0.0.1", "", false, "10.0.0.1"},
		{"10.0.0.1", "01.2.3.4, 1.2.3.4", false, "1.2.3.4"}, // a leading zero is not an address
		// Right-most untrusted address of the chain.
		{"10.0.0.1", "203.0.113.9, 198.51.100.7, 10.0.0.2", true, "198.51.100.7"},
		{"10.0.0.1", "10.0.0.3,10.0.0.2", true, "10.0.0.1"},             // all trusted: the peer stays
		{"198.51.100.1", "203.0.113.9", true, "198.51.100.1"},           // the peer is not a proxy of ours
		{"10.0.0.1", "203.0.113.9, unknown, 10.0.0.2", true, "unknown"}, // not an address: stops the walk
		{"2001:db8:ffff::1", "2001:db8:1::5", true, "2001:db8:1::5"},
	}
	for _, tt := range tests {
		rec := Record{Host: []byte(tt.host), XForwardedFor: []byte(tt.xff)}
		c := ClientFrom{}
		if tt.trusted {
			c.Trusted = trusted
		}
		c.Apply(&rec)
		if string(rec.Host) != tt.want {
			t.Errorf("host %s xff %q trusted=%v: client %s, want %s", tt.host, tt.xff, tt.trusted, rec.Host, tt.want)
		}
	}
}

func TestLastAddr(t *testing.T) {
	for in, want := range map[string]string{"a, b, c": "c", "1.2.3.4": "1.2.3.4", "1.2.3.4:80": "1.2.3.4", "x, ": "", "": ""} {
		if got := string(lastAddr([]byte(in))); got != want {
			t.Errorf("lastAddr(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestClientFromAllocs(t *testing.T) {
	rec := Record{Host: []byte("10.0.0.1"), XForwardedFor: []byte("192.168.1.5, 198.51.100.7:5123, 10.0.0.2")}
	c := ClientFrom{Trusted: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}}
	var zero ClientFrom
	if n := testing.AllocsPerRun(100, func() {
		r := rec
		c.Apply(&r)
		zero.Apply(&r)
	}); n != 0 {
		t.Errorf("Apply allocates %.1f times for IPv4 chains, want 0", n)
	}
}

// FuzzClientFrom: the client picked is the peer or a part of the
// X-Forwarded-For value, never anything else.
func FuzzClientFrom(f *testing.F) {
	f.Add("10.0.0.1", "203.0.113.9, 10.0.0.2", true)
	f.Add("10.0.0.1", "unknown,[2001:db8::1]:443, 1.2.3.4:80", false)
	f.Add("", ",,,", true)
	trusted := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("::1/128")}
	f.Fuzz(func(t *testing.T, host, xff string, useTrusted bool) {
		peer := []byte(host)
		rec := Record{Host: peer, XForwardedFor: []byte(xff)}
		c := ClientFrom{}
		if useTrusted {
			c.Trusted = trusted
		}
		c.Apply(&rec)
		if !within(rec.Host, peer) && !within(rec.Host, rec.XForwardedFor) {
			t.Fatalf("host %q xff %q: client %q is in neither", host, xff, rec.Host)
		}
	})
}
