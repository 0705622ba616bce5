package geo

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"net"
	"net/netip"
	"os"
	"strconv"
	"strings"

	"github.com/maxmind/mmdbwriter"
	"github.com/maxmind/mmdbwriter/mmdbtype"
)

// TorDatabaseType is the database type of the files [BuildFromTorGeoIP]
// writes; their records have the GeoLite2-Country layout.
const TorDatabaseType = "webalyze-Country-IPFire"

// BuildFromTorGeoIP converts Tor's geoip files, as Debian's tor-geoipdb
// package installs them (/usr/share/tor/geoip and geoip6), into a country
// database at out. Their lines are "from,to,CC": IPv4 addresses as
// integers, IPv6 as addresses; "??" ranges are left out. Either input may
// be "" to leave that family out.
//
// The data is the IPFire Location database, CC BY-SA 4.0: the database's
// description credits it, with the vendor, licence and generation date
// read from the files' header, so that a report built on it can.
func BuildFromTorGeoIP(v4file, v6file, out string) error {
	var header torHeader
	for _, p := range []string{v4file, v6file} {
		if p == "" {
			continue
		}
		h, err := readTorHeader(p)
		if err != nil {
			return err
		}
		header.merge(h)
	}
	w, err := mmdbwriter.New(mmdbwriter.Options{
		DatabaseType:            TorDatabaseType,
		Description:             map[string]string{"en": header.description()},
		Languages:               []string{"en"},
		IPVersion:               6,
		RecordSize:              24,
		IncludeReservedNetworks: true,
		KeyGenerator:            countryKey{},
	})
	if err != nil {
		return err
	}
	values := map[string]mmdbtype.Map{}
	for _, f := range []struct {
		path string
		v4   bool
	}{{v4file, true}, {v6file, false}} {
		if f.path == "" {
			continue
		}
		if err := insertTorFile(w, f.path, f.v4, values); err != nil {
			return err
		}
	}
	if len(values) == 0 {
		return fmt.Errorf("%s %s: no country ranges", v4file, v6file)
	}
	tmp := out + ".tmp"
	fh, err := os.Create(tmp)
	if err != nil {
		return err
	}
	if _, err := w.WriteTo(fh); err != nil {
		fh.Close()
		os.Remove(tmp)
		return fmt.Errorf("%s: %w", out, err)
	}
	if err := fh.Close(); err != nil {
		os.Remove(tmp)
		return err
	}
	return os.Rename(tmp, out)
}

// readTorHeader reads the comment lines at the top of a Tor geoip file.
func readTorHeader(path string) (torHeader, error) {
	var h torHeader
	f, err := os.Open(path)
	if err != nil {
		return h, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line != "" && line[0] != '#' {
			break
		}
		k, v, _ := strings.Cut(strings.TrimPrefix(line, "#"), ":")
		switch strings.TrimSpace(k) {
		case "Generated":
			h.generated = strings.TrimSpace(v)
		case "Vendor":
			h.vendor = strings.TrimSpace(v)
		case "License":
			h.license = strings.TrimSpace(v)
		}
	}
	if err := sc.Err(); err != nil {
		return h, fmt.Errorf("%s: %w", path, err)
	}
	return h, nil
}

// torHeader is what the files' comment header says about the data.
type torHeader struct{ generated, vendor, license string }

func (h *torHeader) merge(o torHeader) {
	if h.generated == "" {
		h.generated = o.generated
	}
	if h.vendor == "" {
		h.vendor = o.vendor
	}
	if h.license == "" {
		h.license = o.license
	}
}

func (h torHeader) description() string {
	vendor, license := h.vendor, h.license
	if vendor == "" {
		vendor = "IPFire Project"
	}
	if license == "" {
		license = "CC BY-SA 4.0"
	}
	d := "Country data from the IPFire Location database (https://location.ipfire.org/), by the " +
		vendor + ", licensed " + license + " (https://creativecommons.org/licenses/by-sa/4.0/)"
	if h.generated != "" {
		d += ", generated " + h.generated
	}
	return d + "; converted from Tor's geoip files by webalyze."
}

func insertTorFile(w *mmdbwriter.Tree, path string, v4 bool, values map[string]mmdbtype.Map) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f) // lines are short; an over-long one is an error
	var runStart, runEnd netip.Addr
	runCC := ""
	flush := func() error {
		if runCC == "" {
			return nil
		}
		v, ok := values[runCC]
		if !ok {
			v = countryValue(runCC)
			values[runCC] = v
		}
		return w.InsertRange(net.IP(runStart.AsSlice()), net.IP(runEnd.AsSlice()), v)
	}
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		from, to, cc, err := parseTorLine(line, v4)
		if err != nil {
			return fmt.Errorf("%s:%d: %w", path, n, err)
		}
		if cc == "??" || aliased(from, to) {
			continue
		}
		if cc == runCC && runEnd.Next() == from {
			runEnd = to
			continue
		}
		if err := flush(); err != nil {
			return fmt.Errorf("%s:%d: %w", path, n, err)
		}
		runStart, runEnd, runCC = from, to, cc
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := flush(); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// aliasedNets are the IPv6 networks the writer answers from the IPv4 data
// (IPv4-mapped, Teredo, 6to4): a range given for them in the IPv6 file
// would hide the address they embed, so it is left out.
var aliasedNets = []netip.Prefix{
	netip.MustParsePrefix("::ffff:0:0/96"),
	netip.MustParsePrefix("2001::/32"),
	netip.MustParsePrefix("2002::/16"),
}

func aliased(from, to netip.Addr) bool {
	for _, p := range aliasedNets {
		if p.Contains(from) || p.Contains(to) {
			return true
		}
	}
	return false
}

func parseTorLine(line string, v4 bool) (from, to netip.Addr, cc string, err error) {
	a, rest, ok1 := strings.Cut(line, ",")
	b, cc, ok2 := strings.Cut(rest, ",")
	if !ok1 || !ok2 {
		return from, to, "", fmt.Errorf("want from,to,CC: %q", line)
	}
	if len(cc) != 2 {
		return from, to, "", fmt.Errorf("bad country code %q", cc)
	}
	parse := func(s string) (netip.Addr, error) {
		if v4 {
			n, err := strconv.ParseUint(s, 10, 32)
			if err != nil {
				return netip.Addr{}, fmt.Errorf("bad IPv4 number %q", s)
			}
			var b [4]byte
			binary.BigEndian.PutUint32(b[:], uint32(n))
			return netip.AddrFrom4(b), nil
		}
		a, err := netip.ParseAddr(s)
		if err != nil || !a.Is6() {
			return netip.Addr{}, fmt.Errorf("bad IPv6 address %q", s)
		}
		return a, nil
	}
	if from, err = parse(a); err != nil {
		return
	}
	if to, err = parse(b); err != nil {
		return
	}
	if to.Less(from) {
		return from, to, "", fmt.Errorf("range ends before it starts: %q", line)
	}
	return from, to, strings.ToUpper(cc), nil
}

// countryValue is the GeoLite2-Country record for a code.
func countryValue(cc string) mmdbtype.Map {
	c := mmdbtype.Map{"iso_code": mmdbtype.String(cc)}
	if name := CountryName(cc); name != "" {
		c["names"] = mmdbtype.Map{"en": mmdbtype.String(name)}
	}
	return mmdbtype.Map{"country": c}
}

// countryKey keys records by their country code: the writer's default
// hashes every inserted value.
type countryKey struct{}

func (countryKey) Key(v mmdbtype.DataType) ([]byte, error) {
	if m, ok := v.(mmdbtype.Map); ok {
		if c, ok := m["country"].(mmdbtype.Map); ok {
			if code, ok := c["iso_code"].(mmdbtype.String); ok {
				return []byte(code), nil
			}
		}
	}
	return nil, fmt.Errorf("unexpected record %v", v)
}
