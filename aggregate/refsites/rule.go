package refsites

import (
	"bytes"
	"strings"
)

// IsExternal reports whether a referrer counts as external: a non-empty
// referrer other than "-" whose host (between "://" and the next "/", "?"
// or "#", without user info and port, compared without case) is neither
// vhost (without its port) nor one of sites; when vhost is empty and no
// site is given, every referrer is external. sites must be in lower case
// without port, as [SiteHost] makes them.
func IsExternal(ref, vhost []byte, sites []string) bool {
	if len(ref) == 0 || (len(ref) == 1 && ref[0] == '-') {
		return false
	}
	if len(sites) == 0 {
		return len(vhost) == 0 || !bytes.EqualFold(HostOf(ref), StripPort(vhost))
	}
	return externalToSites(ref, vhost, sites)
}

// ExternalHost is IsExternal that also returns the referrer's host,
// HostOf(ref), when ref is neither empty nor "-" (nil otherwise): the
// State works it out once for the dimensions (dim.Hit.RefHost).
func ExternalHost(ref, vhost []byte, sites []string) (host []byte, external bool) {
	if len(ref) == 0 || (len(ref) == 1 && ref[0] == '-') {
		return nil, false
	}
	host = HostOf(ref)
	return host, externalHost(host, vhost, sites)
}

// externalHost is the rule of IsExternal for a present referrer of host h.
func externalHost(h, vhost []byte, sites []string) bool {
	if len(vhost) > 0 && bytes.EqualFold(h, StripPort(vhost)) {
		return false
	}
	for _, site := range sites {
		if len(h) == len(site) && bytes.EqualFold(h, []byte(site)) {
			return false
		}
	}
	return true
}

// externalToSites is IsExternal with site hosts.
func externalToSites(ref, vhost []byte, sites []string) bool {
	return externalHost(HostOf(ref), vhost, sites)
}

// SiteHost normalises a --site host name: lower case, without scheme,
// path or port.
func SiteHost(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.Index(s, "://"); i >= 0 {
		s = s[i+3:]
	}
	if i := strings.IndexAny(s, "/?#"); i >= 0 {
		s = s[:i]
	}
	return strings.ToLower(string(StripPort([]byte(s))))
}

// HostOf returns the host of an absolute URL (without user info and
// port, case kept), or nil when u has no "://".
func HostOf(u []byte) []byte {
	i := schemeEnd(u)
	if i < 0 {
		return nil
	}
	h := u[i+3:]
	// One pass for the end of the host and its last '@' (a loop: the
	// generic IndexAny builds a set on every call).
	at := -1
	for j, c := range h {
		if k := hostByte[c]; k == hostEnd {
			h = h[:j]
			break
		} else if k == hostAt {
			at = j
		}
	}
	if at >= 0 {
		h = h[at+1:]
	}
	return StripPort(h)
}

// schemeEnd returns the index of the first "://" in u, or -1. Referrers
// start with "http://" or "https://": those are looked at first.
func schemeEnd(u []byte) int {
	if len(u) >= 8 {
		if u[4] == ':' && u[5] == '/' && u[6] == '/' && bytes.IndexByte(u[:4], ':') < 0 {
			return 4
		}
		if u[5] == ':' && u[6] == '/' && u[7] == '/' && bytes.IndexByte(u[:5], ':') < 0 {
			return 5
		}
	}
	return bytes.Index(u, []byte("://"))
}

// hostByte marks the bytes that end a URL's host, and '@': one table
// look-up per byte instead of four comparisons.
var hostByte = [256]uint8{'/': hostEnd, '?': hostEnd, '#': hostEnd, '@': hostAt}

const (
	hostEnd = 1 + iota
	hostAt
)

// StripPort removes a ":port" suffix (not inside an IPv6 literal).
func StripPort(h []byte) []byte {
	if i := bytes.LastIndexByte(h, ':'); i >= 0 && bytes.IndexByte(h[i:], ']') < 0 {
		return h[:i]
	}
	return h
}

// MaxHostLen is the most bytes of a host a referring site keeps (the
// longest DNS name is 253).
const MaxHostLen = 255

// Host appends the referring site of ref to dst: HostOf(ref) in ASCII
// lower case, cut to MaxHostLen bytes; nothing when ref has no host.
func Host(dst, ref []byte) []byte { return lowerHost(dst, HostOf(ref)) }

func lowerHost(dst, h []byte) []byte {
	if len(h) > MaxHostLen {
		h = h[:MaxHostLen]
	}
	for _, c := range h {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst
}
