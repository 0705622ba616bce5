// Package geo tells where client addresses are: country and network (ASN
// and organisation), from MaxMind-format databases (.mmdb) the user gives.
// It makes no network lookups and no reverse DNS.
//
// [Open] reads one database with github.com/oschwald/maxminddb-golang/v2
// and learns from its first records what it holds and how it names it:
//
//   - GeoLite2 / GeoIP2 Country and City, DB-IP Lite Country: country
//     {iso_code, names {en}}; registered_country when country is absent
//     (anycast and satellite networks);
//   - GeoLite2 ASN, DB-IP Lite ASN: autonomous_system_number,
//     autonomous_system_organization;
//   - IPinfo Lite: country_code, country (the name), asn ("AS15169"),
//     as_name; IPinfo's older free layout, with country the code and
//     country_name the name.
//
// A file that is missing, unreadable, not an .mmdb, or holds neither
// countries nor ASNs is an [*OpenError] naming it (errors.Is with
// fs.ErrNotExist, [ErrFormat], [ErrNoData]). A [Set] is the databases of a
// run, a country and an ASN database say: each answer comes from the first
// database that has it. A database that gives codes only is given English
// names from the Unicode CLDR ([CountryName]).
//
// Client fields are read by [ParseClient] without allocating: IPv4, IPv6,
// in brackets, with a port, with a zone (dropped); IPv4-mapped IPv6
// addresses are looked up as IPv4. A field that is not an address (a host
// name, "unknown", "-") is [ClassUnknown], and loopback, private,
// link-local and multicast addresses are [ClassLocal], both without a
// lookup.
//
// A [Locator] (one per worker, no lock) caches answers by address, and
// decoded records by their place in the database, both bounded; its
// [Stats] count hits and misses. A cache hit does not allocate. The result,
// a [Location], is a small comparable value with interned names.
//
// [BuildFromTorGeoIP] turns the country ranges that Debian's tor-geoipdb
// package ships (the IPFire Location database, CC BY-SA 4.0) into a
// country .mmdb whose description credits the data, so that a Debian user
// has countries without an account anywhere.
package geo
