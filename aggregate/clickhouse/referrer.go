package clickhouse

import "bytes"

// IsExternalReferrer is the aggregate package's rule for the referrer
// list, restated (it is unexported there): a non-empty referrer other than
// "-" whose host (between "://" and the next "/", "?" or "#", without user
// info and port, compared with bytes.EqualFold) differs from the virtual host
// without its port; with no virtual host every referrer is external. The
// loader stores it per row (column referrer_external), so that the
// referrer list from SQL is the one a local run shows.
//
// When the reshape exports the rule (aggregate/status), use that instead.
func IsExternalReferrer(ref, vhost []byte) bool {
	if len(ref) == 0 || (len(ref) == 1 && ref[0] == '-') {
		return false
	}
	if len(vhost) == 0 {
		return true
	}
	return !bytes.EqualFold(hostOf(ref), stripPort(vhost))
}

// hostOf returns the host of an absolute URL, or nil.
func hostOf(u []byte) []byte {
	i := bytes.Index(u, []byte("://"))
	if i < 0 {
		return nil
	}
	h := u[i+3:]
	if j := bytes.IndexAny(h, "/?#"); j >= 0 {
		h = h[:j]
	}
	if j := bytes.LastIndexByte(h, '@'); j >= 0 {
		h = h[j+1:]
	}
	return stripPort(h)
}

// stripPort removes a ":port" suffix (not inside an IPv6 literal).
func stripPort(h []byte) []byte {
	if i := bytes.LastIndexByte(h, ':'); i >= 0 && bytes.IndexByte(h[i:], ']') < 0 {
		return h[:i]
	}
	return h
}
