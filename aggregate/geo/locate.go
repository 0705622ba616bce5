package geo

import (
	"bytes"
	"net/netip"
	"strconv"
	"strings"
	"unsafe"
)

// Class says what became of a client address.
type Class uint8

// The classes. Unknown and Local are decided without a lookup.
const (
	ClassUnknown  Class = iota // not an IP address: a host name, "unknown", "-"
	ClassLocal                 // loopback, private, link-local, unspecified or multicast
	ClassNotFound              // an address no database knows
	ClassFound                 // a database gave a country or an ASN
)

var classNames = [...]string{"unknown", "local", "not found", "found"}

func (c Class) String() string {
	if int(c) < len(classNames) {
		return classNames[c]
	}
	return "unknown"
}

// Location is what the databases say about one client address: a small
// comparable value, cheap to count in a map.
type Location struct {
	Country     Name   // ISO 3166-1 alpha-2 code: "US"; zero when none
	CountryName Name   // English name: "United States"
	Org         Name   // the AS organisation: "GOOGLE"
	ASN         uint32 // autonomous system number; 0 when none
	Class       Class
}

// ParseClient reads a client address as logs write it: an IPv4 or IPv6
// address, optionally in brackets, with a port or a zone ("fe80::1%eth0",
// the zone dropped); IPv4-mapped IPv6 addresses become IPv4. ok is false
// for anything else (host names, "unknown", "-"). It does not allocate.
func ParseClient(b []byte) (addr netip.Addr, ok bool) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || len(b) > 64 {
		return netip.Addr{}, false
	}
	if b[0] == '[' { // [v6] or [v6]:port
		end := bytes.IndexByte(b, ']')
		if end < 0 {
			return netip.Addr{}, false
		}
		b = b[1:end]
	} else if i := bytes.IndexByte(b, ':'); i >= 0 && bytes.IndexByte(b[i+1:], ':') < 0 {
		b = b[:i] // v4:port: a single colon
	}
	if i := bytes.IndexByte(b, '%'); i >= 0 {
		b = b[:i]
	}
	v4 := true
	for _, c := range b {
		switch {
		case c >= '0' && c <= '9' || c == '.':
		case c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' || c == ':':
			v4 = false
		default:
			return netip.Addr{}, false // a name, "unknown", "-": no parse, no error value
		}
	}
	if v4 {
		return parseIPv4(b)
	}
	addr, err := netip.ParseAddr(view(b))
	if err != nil {
		return netip.Addr{}, false
	}
	return addr.Unmap(), true
}

// parseIPv4 reads dotted-quad IPv4 as netip does (no leading zeros).
func parseIPv4(b []byte) (netip.Addr, bool) {
	var ip [4]byte
	field, digits, val := 0, 0, 0
	for i := 0; i <= len(b); i++ {
		if i == len(b) || b[i] == '.' {
			if digits == 0 || field == 4 {
				return netip.Addr{}, false
			}
			ip[field] = byte(val)
			field, digits, val = field+1, 0, 0
			continue
		}
		if digits > 0 && val == 0 { // leading zero
			return netip.Addr{}, false
		}
		val = val*10 + int(b[i]-'0')
		if digits++; val > 255 {
			return netip.Addr{}, false
		}
	}
	if field != 4 {
		return netip.Addr{}, false
	}
	return netip.AddrFrom4(ip), true
}

// view returns b's bytes as a string without copying, for a parse that
// keeps nothing of it: netip.ParseAddr retains its input only in an
// error value (dropped) or a zone (cut off before).
func view(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

func isLocal(a netip.Addr) bool {
	return a.IsLoopback() || a.IsPrivate() || a.IsLinkLocalUnicast() || a.IsUnspecified() ||
		a.IsMulticast() || a.IsLinkLocalMulticast() || a.IsInterfaceLocalMulticast()
}

// Locator looks client addresses up in a [Set] with a bounded cache by
// address. It is not safe for concurrent use: give each worker its own.
//
// The cache holds at most the capacity given to [Set.NewLocator], in two
// generations (when the newer is half full it becomes the older and the
// older is dropped; a hit in the older moves the entry up). Databases
// share a record among many networks, so decoded records are cached too,
// by their offset in the database, within the same bound.
type Locator struct {
	set      *Set
	cur, old map[netip.Addr]Location
	half     int
	records  []map[uintptr]record // per database, by data offset
	stats    Stats
}

// Stats counts what a [Locator] did.
type Stats struct {
	Hits    uint64 // addresses answered from the cache
	Misses  uint64 // addresses looked up in the databases
	NotIP   uint64 // client strings that are not addresses (no lookup)
	Decodes uint64 // database records decoded
	Errors  uint64 // lookups or decodes the database failed (counted not found)
	Rotated uint64 // times the older cache generation was dropped
}

// HitRate is Hits/(Hits+Misses), 0 before any lookup.
func (s Stats) HitRate() float64 {
	if n := s.Hits + s.Misses; n > 0 {
		return float64(s.Hits) / float64(n)
	}
	return 0
}

// NewLocator returns a Locator whose cache holds at most capacity
// addresses (and as many decoded records per database); 0 disables it.
func (s *Set) NewLocator(capacity int) *Locator {
	l := &Locator{set: s, half: max(capacity/2, 0), records: make([]map[uintptr]record, len(s.dbs))}
	if l.half > 0 {
		l.cur = make(map[netip.Addr]Location, min(l.half, 1024))
	}
	for i := range l.records {
		l.records[i] = map[uintptr]record{}
	}
	return l
}

// Locate classifies and looks up one client field. It does not retain
// client, and does not allocate on a cache hit.
func (l *Locator) Locate(client []byte) Location {
	addr, ok := ParseClient(client)
	if !ok {
		l.stats.NotIP++
		return Location{Class: ClassUnknown}
	}
	return l.LocateAddr(addr)
}

// LocateAddr looks up an address already parsed.
func (l *Locator) LocateAddr(addr netip.Addr) Location {
	addr = addr.Unmap().WithZone("")
	if isLocal(addr) {
		return Location{Class: ClassLocal}
	}
	if loc, ok := l.cur[addr]; ok {
		l.stats.Hits++
		return loc
	}
	if loc, ok := l.old[addr]; ok {
		l.stats.Hits++
		delete(l.old, addr)
		l.put(addr, loc)
		return loc
	}
	l.stats.Misses++
	loc := l.lookup(addr)
	if l.half > 0 {
		l.put(addr, loc)
	}
	return loc
}

func (l *Locator) put(addr netip.Addr, loc Location) {
	if len(l.cur) >= l.half {
		// The older generation's map is emptied and reused: no allocation.
		if l.old == nil {
			l.old = make(map[netip.Addr]Location, min(l.half, 1024))
		}
		clear(l.old)
		l.old, l.cur = l.cur, l.old
		l.stats.Rotated++
	}
	l.cur[addr] = loc
}

// lookup asks each database in turn until both a country and an ASN are
// known.
func (l *Locator) lookup(addr netip.Addr) Location {
	loc := Location{Class: ClassNotFound}
	for i, db := range l.set.dbs {
		if !loc.Country.IsZero() && !db.hasASN || loc.ASN != 0 && !db.hasCountry {
			continue
		}
		res := db.r.Lookup(addr)
		if err := res.Err(); err != nil {
			l.stats.Errors++
			continue
		}
		if !res.Found() {
			continue
		}
		rec, ok := l.records[i][res.Offset()]
		if !ok {
			var err error
			rec, err = decode(db, res)
			l.stats.Decodes++
			if err != nil {
				l.stats.Errors++
				continue
			}
			if l.half > 0 {
				if len(l.records[i]) >= l.half {
					clear(l.records[i])
				}
				l.records[i][res.Offset()] = rec
			}
		}
		if loc.Country.IsZero() && !rec.country.IsZero() {
			loc.Country, loc.CountryName = rec.country, rec.countryName
		}
		if loc.ASN == 0 && rec.asn != 0 {
			loc.ASN, loc.Org = rec.asn, rec.org
		}
		if !rec.country.IsZero() || rec.asn != 0 {
			loc.Class = ClassFound
		}
		if !loc.Country.IsZero() && loc.ASN != 0 {
			break
		}
	}
	return loc
}

// record is one decoded database record, names interned.
type record struct {
	country, countryName, org Name
	asn                       uint32
}

type mmCountry struct {
	ISOCode string `maxminddb:"iso_code"`
	Names   struct {
		EN string `maxminddb:"en"`
	} `maxminddb:"names"`
}

type mmRecord struct {
	Country           mmCountry `maxminddb:"country"`
	RegisteredCountry mmCountry `maxminddb:"registered_country"`
	ASN               uint32    `maxminddb:"autonomous_system_number"`
	Org               string    `maxminddb:"autonomous_system_organization"`
}

type ipinfoRecord struct {
	CountryCode string `maxminddb:"country_code"`
	Country     string `maxminddb:"country"`
	CountryName string `maxminddb:"country_name"`
	ASN         string `maxminddb:"asn"`
	ASName      string `maxminddb:"as_name"`
}

// maxText bounds a name taken from a database.
const maxText = 128

func decode(db *DB, res interface{ Decode(any) error }) (record, error) {
	var code, name, org string
	var asn uint32
	switch db.layout {
	case layoutIPinfo:
		var r ipinfoRecord
		if err := res.Decode(&r); err != nil {
			return record{}, err
		}
		code, name = r.CountryCode, r.Country
		if code == "" && len(r.Country) == 2 { // the older layout: country is the code
			code, name = r.Country, r.CountryName
		}
		if n, err := strconv.ParseUint(strings.TrimPrefix(strings.ToUpper(r.ASN), "AS"), 10, 32); err == nil {
			asn = uint32(n)
		}
		org = r.ASName
	default:
		var r mmRecord
		if err := res.Decode(&r); err != nil {
			return record{}, err
		}
		c := r.Country
		if c.ISOCode == "" { // anycast and satellite networks: where registered
			c = r.RegisteredCountry
		}
		code, name, asn, org = c.ISOCode, c.Names.EN, r.ASN, r.Org
	}
	code = strings.ToUpper(strings.TrimSpace(code))
	if _, ok := codeIndex(code); !ok { // two letters A–Z, or none: a database's odd code is not a country
		code, name = "", ""
	} else if name == "" {
		name = CountryName(code)
	}
	return record{
		country:     makeName(code),
		countryName: makeName(cut(name)),
		org:         makeName(cut(org)),
		asn:         asn,
	}, nil
}

func cut(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > maxText {
		s = strings.ToValidUTF8(s[:maxText], "")
	}
	return s
}

// Stats returns the counts so far.
func (l *Locator) Stats() Stats { return l.stats }

// Len is the number of addresses cached.
func (l *Locator) Len() int { return len(l.cur) + len(l.old) }
