package parser

import (
	"bytes"
	"net/netip"
)

// ClientFrom picks a record's client address from its X-Forwarded-For
// chain. The zero value applies the first-public-address rule.
//
// A proxy appends the address it got a request from to X-Forwarded-For,
// so behind proxies the header reads "client, proxy1, proxy2" and the
// connecting address (%h, $remote_addr) is the last proxy. Records keep
// the header whole in XForwardedFor; [ClientFrom] picks the client from
// it when the user asks (webalyze --client-from xff):
//
//   - without trusted proxies, the first (left-most) public address of
//     the chain: the first one that is not private (RFC 1918, fc00::/7),
//     shared (100.64.0.0/10), loopback, link-local, multicast or
//     unspecified. Items that are not addresses ("unknown", "-",
//     obfuscated names) are passed over. This is what the client said;
//     a client can forge it, so use it for reports, not for trust.
//   - with trusted proxies (--trusted-proxy CIDR,...), the right-most
//     address of the chain (the header's items, then the connecting
//     address) that is not in a trusted range: every hop to its right is
//     a proxy of yours, so it cannot be forged by the client. An item that
//     is not an address stops the walk and is taken as written.
//
// When the rule finds nothing (no header, or only private addresses), the
// connecting address stays the client. An item may carry a port
// ("203.0.113.7:5123", "[2001:db8::1]:443"), which is dropped.
type ClientFrom struct {
	// Trusted are the proxies' address ranges; when set, the client is
	// the right-most untrusted address of the chain.
	Trusted []netip.Prefix
}

// Apply sets rec.Host to the client the rule picks, a sub-slice of
// rec.XForwardedFor or rec.Host; it leaves rec alone when the record has
// no X-Forwarded-For or the rule finds no address in it.
func (c *ClientFrom) Apply(rec *Record) {
	xff := rec.XForwardedFor
	if len(xff) == 0 {
		return
	}
	if c.Trusted == nil {
		for item := range addrItems(xff) {
			if a, ok := parseAddr(item); ok && isPublic(a) {
				rec.Host = item
				return
			}
		}
		return
	}
	if a, ok := parseAddr(hostPart(rec.Host)); !ok || !c.trusted(a) {
		return // the connecting peer is not a proxy of ours
	}
	for rest := xff; len(rest) > 0; {
		var item []byte
		if k := bytes.LastIndexByte(rest, ','); k >= 0 {
			item, rest = rest[k+1:], rest[:k]
		} else {
			item, rest = rest, nil
		}
		item = hostPart(item)
		if len(item) == 0 {
			continue
		}
		a, ok := parseAddr(item)
		if !ok || !c.trusted(a) {
			rec.Host = item
			return
		}
	}
}

func (c *ClientFrom) trusted(a netip.Addr) bool {
	for _, p := range c.Trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// addrItems yields the items of a comma-separated address list, spaces
// and ports removed, empty items left out.
func addrItems(list []byte) func(func([]byte) bool) {
	return func(yield func([]byte) bool) {
		for len(list) > 0 {
			item := list
			if k := bytes.IndexByte(list, ','); k >= 0 {
				item, list = list[:k], list[k+1:]
			} else {
				list = nil
			}
			if item = hostPart(item); len(item) > 0 && !yield(item) {
				return
			}
		}
	}
}

// lastAddr returns the last item of an address list ("a, b, c" gives
// "c"), without spaces or port; nil for an empty list.
func lastAddr(list []byte) []byte {
	if k := bytes.LastIndexByte(list, ','); k >= 0 {
		list = list[k+1:]
	}
	if v := hostPart(list); len(v) > 0 {
		return v
	}
	return nil
}

// hostPart trims spaces and quotes from a list item and drops a port:
// "[2001:db8::1]:443" gives "2001:db8::1", "203.0.113.7:5123" gives
// "203.0.113.7"; an IPv6 address without brackets is left whole.
func hostPart(b []byte) []byte {
	b = bytes.Trim(b, " \t\"")
	if len(b) > 0 && b[0] == '[' {
		if k := bytes.IndexByte(b, ']'); k > 0 {
			return b[1:k]
		}
		return b
	}
	if k := bytes.IndexByte(b, ':'); k >= 0 && bytes.IndexByte(b[k+1:], ':') < 0 {
		return b[:k] // one colon: host:port
	}
	return b
}

// parseAddr parses an IPv4 or IPv6 address (with an optional zone).
func parseAddr(b []byte) (netip.Addr, bool) {
	if len(b) == 0 || len(b) > 64 {
		return netip.Addr{}, false
	}
	if bytes.IndexByte(b, ':') < 0 {
		return parseIPv4(b)
	}
	a, err := netip.ParseAddr(string(b))
	return a, err == nil
}

// parseIPv4 parses a dotted quad without leading zeros, allocation-free.
func parseIPv4(b []byte) (netip.Addr, bool) {
	var out [4]byte
	part, n, digits := 0, 0, 0
	for i := 0; i <= len(b); i++ {
		if i == len(b) || b[i] == '.' {
			if digits == 0 || part > 3 {
				return netip.Addr{}, false
			}
			out[part] = byte(n)
			part, n, digits = part+1, 0, 0
			continue
		}
		d := b[i] - '0'
		if d > 9 || digits > 0 && n == 0 {
			return netip.Addr{}, false // not a digit, or a leading zero
		}
		n = n*10 + int(d)
		digits++
		if n > 255 {
			return netip.Addr{}, false
		}
	}
	if part != 4 {
		return netip.Addr{}, false
	}
	return netip.AddrFrom4(out), true
}

// cgnat is the shared address space of carrier-grade NAT (RFC 6598).
var cgnat = netip.MustParsePrefix("100.64.0.0/10")

// isPublic reports whether a is a globally routable unicast address as
// far as a log can tell.
func isPublic(a netip.Addr) bool {
	a = a.Unmap()
	return a.IsValid() && !a.IsPrivate() && !a.IsLoopback() && !a.IsLinkLocalUnicast() &&
		!a.IsUnspecified() && !a.IsMulticast() && !a.IsLinkLocalMulticast() && !cgnat.Contains(a)
}
