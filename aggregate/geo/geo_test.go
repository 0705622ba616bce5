package geo

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/maxmind/mmdbwriter"
	"github.com/maxmind/mmdbwriter/mmdbtype"
)

// describe renders a Location as one compact line for table tests.
func describe(l Location) string {
	var b strings.Builder
	b.WriteString(l.Class.String())
	if !l.Country.IsZero() {
		fmt.Fprintf(&b, " %s %s", l.Country, l.CountryName)
	}
	if l.ASN != 0 {
		fmt.Fprintf(&b, " AS%d %s", l.ASN, l.Org)
	}
	return b.String()
}

// buildDB writes a small database for tests: each network gets its record.
func buildDB(t testing.TB, dbType string, records map[string]mmdbtype.Map) string {
	t.Helper()
	w, err := mmdbwriter.New(mmdbwriter.Options{
		DatabaseType:            dbType,
		Description:             map[string]string{"en": "test data from documentation ranges"},
		IncludeReservedNetworks: true, // the documentation ranges are reserved
	})
	if err != nil {
		t.Fatal(err)
	}
	for cidr, rec := range records {
		_, n, err := net.ParseCIDR(cidr)
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Insert(n, rec); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(t.TempDir(), dbType+".mmdb")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.WriteTo(f); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

func mmCountryRec(field, code, name string) mmdbtype.Map {
	return mmdbtype.Map{mmdbtype.String(field): mmdbtype.Map{
		"iso_code": mmdbtype.String(code),
		"names":    mmdbtype.Map{"en": mmdbtype.String(name), "de": mmdbtype.String("x")},
	}}
}

func asnRec(asn uint32, org string) mmdbtype.Map {
	return mmdbtype.Map{
		"autonomous_system_number":       mmdbtype.Uint32(asn),
		"autonomous_system_organization": mmdbtype.String(org),
	}
}

// testSets builds a GeoLite2-style country and ASN database, and IPinfo
// Lite and older IPinfo layouts.
func testSets(t testing.TB) (maxmind, ipinfo, ipinfoOld *Set) {
	country := buildDB(t, "GeoLite2-Country", map[string]mmdbtype.Map{
		"192.0.2.0/24":    mmCountryRec("country", "US", "United States"),
		"198.51.100.0/24": mmCountryRec("country", "NL", "Netherlands"),
		"203.0.113.0/24":  mmCountryRec("registered_country", "JP", "Japan"), // anycast: registered only
		"2001:db8::/32":   mmCountryRec("country", "DE", "Germany"),
	})
	asn := buildDB(t, "GeoLite2-ASN", map[string]mmdbtype.Map{
		"192.0.2.0/25":  asnRec(64496, "Example Org A"),
		"2001:db8::/48": asnRec(64497, "Example Org B"),
	})
	lite := buildDB(t, "ipinfo lite.mmdb", map[string]mmdbtype.Map{
		"198.51.100.0/24": {
			"country_code": mmdbtype.String("FR"), "country": mmdbtype.String("France"),
			"asn": mmdbtype.String("AS64498"), "as_name": mmdbtype.String("Example FR"),
			"continent": mmdbtype.String("Europe"),
		},
	})
	old := buildDB(t, "ipinfo country_asn.mmdb", map[string]mmdbtype.Map{
		"203.0.113.0/24": {
			"country": mmdbtype.String("BE"), "country_name": mmdbtype.String("Belgium"),
			"asn": mmdbtype.String("AS64499"), "as_name": mmdbtype.String("Example BE"),
		},
	})
	open := func(paths ...string) *Set {
		s, err := OpenAll(paths...)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
	return open(country, asn), open(lite), open(old)
}

func TestLocate(t *testing.T) {
	mm, lite, old := testSets(t)
	for _, tt := range []struct {
		set    *Set
		client string
		want   string
	}{
		{mm, "192.0.2.1", "found US United States AS64496 Example Org A"},
		{mm, "192.0.2.200", "found US United States"}, // the ASN database covers the lower half only
		{mm, "  192.0.2.1\t", "found US United States AS64496 Example Org A"},
		{mm, "192.0.2.1:8080", "found US United States AS64496 Example Org A"},
		{mm, "::ffff:192.0.2.7", "found US United States AS64496 Example Org A"},
		{mm, "[::ffff:192.0.2.7]:443", "found US United States AS64496 Example Org A"},
		{mm, "198.51.100.20", "found NL Netherlands"},
		{mm, "203.0.113.9", "found JP Japan"},
		{mm, "2001:db8::1", "found DE Germany AS64497 Example Org B"},
		{mm, "2001:DB8::1", "found DE Germany AS64497 Example Org B"},
		{mm, "[2001:db8::1]:443", "found DE Germany AS64497 Example Org B"},
		{mm, "[2001:db8::1]", "found DE Germany AS64497 Example Org B"},
		{mm, "2001:db8::1%eth0", "found DE Germany AS64497 Example Org B"},
		{mm, "2001:db8:1::1", "found DE Germany"},
		{mm, "8.8.8.8", "not found"},
		{mm, "2001:4860::1", "not found"},
		{mm, "10.1.2.3", "local"},
		{mm, "172.16.0.1", "local"},
		{mm, "192.168.1.1", "local"},
		{mm, "127.0.0.1", "local"},
		{mm, "::1", "local"},
		{mm, "fe80::1%eth0", "local"},
		{mm, "fd00::1", "local"},
		{mm, "0.0.0.0", "local"},
		{mm, "::", "local"},
		{mm, "224.0.0.1", "local"},
		{mm, "", "unknown"},
		{mm, "-", "unknown"},
		{mm, "unknown", "unknown"},
		{mm, "example.com", "unknown"},
		{mm, "example.com:80", "unknown"},
		{mm, "1.2.3", "unknown"},
		{mm, "999.1.1.1", "unknown"},
		{mm, "192.0.2.1, 10.0.0.1", "unknown"},
		{mm, "[2001:db8::1", "unknown"},
		{mm, "192.0.2.1%" + strings.Repeat("z", 100), "unknown"},
		{mm, strings.Repeat("1", 10000), "unknown"},
		{mm, "\x00\xff", "unknown"},
		{lite, "198.51.100.20", "found FR France AS64498 Example FR"},
		{lite, "192.0.2.1", "not found"},
		{old, "203.0.113.1", "found BE Belgium AS64499 Example BE"},
		{NewSet(), "192.0.2.1", "not found"},
	} {
		for _, capacity := range []int{0, 64} {
			l := tt.set.NewLocator(capacity)
			for range 2 { // cold, then warm
				if got := describe(l.Locate([]byte(tt.client))); got != tt.want {
					t.Errorf("Locate(%.40q), capacity %d: got %q, want %q", tt.client, capacity, got, tt.want)
				}
			}
		}
	}
}

func TestSetOrder(t *testing.T) {
	mm, lite, _ := testSets(t)
	// The country comes from the first database that has one, the ASN
	// from the first that has one.
	s := NewSet(append(append([]*DB{}, mm.DBs()...), lite.DBs()...)...)
	if got := describe(s.NewLocator(8).Locate([]byte("198.51.100.20"))); got != "found NL Netherlands AS64498 Example FR" {
		t.Errorf("got %q", got)
	}
	s = NewSet(append(append([]*DB{}, lite.DBs()...), mm.DBs()...)...)
	if got := describe(s.NewLocator(8).Locate([]byte("198.51.100.20"))); got != "found FR France AS64498 Example FR" {
		t.Errorf("got %q", got)
	}
	if !mm.HasCountry() || !mm.HasASN() || !lite.HasCountry() || !lite.HasASN() {
		t.Error("HasCountry/HasASN wrong")
	}
	c, a := mm.DBs()[0], mm.DBs()[1]
	if !c.HasCountry() || c.HasASN() || a.HasCountry() || !a.HasASN() {
		t.Errorf("country db: %v %v; asn db: %v %v", c.HasCountry(), c.HasASN(), a.HasCountry(), a.HasASN())
	}
	if c.Type() != "GeoLite2-Country" || c.Description() != "test data from documentation ranges" || c.BuildTime().IsZero() {
		t.Errorf("metadata: %q %q %v", c.Type(), c.Description(), c.BuildTime())
	}
}

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	notDB := filepath.Join(dir, "access.log")
	os.WriteFile(notDB, []byte("192.0.2.1 - - [01/Jan/2026:00:00:00 +0000] \"GET / HTTP/1.1\" 200 1\n"), 0o644)
	empty := filepath.Join(dir, "empty.mmdb")
	os.WriteFile(empty, nil, 0o644)
	anon := buildDB(t, "GeoIP2-Anonymous-IP", map[string]mmdbtype.Map{
		"192.0.2.0/24": {"is_anonymous": mmdbtype.Bool(true)},
	})
	good := buildDB(t, "GeoLite2-ASN", map[string]mmdbtype.Map{"192.0.2.0/24": asnRec(1, "x")})
	for _, tt := range []struct {
		path string
		is   error
	}{
		{filepath.Join(dir, "missing.mmdb"), fs.ErrNotExist},
		{notDB, ErrFormat},
		{empty, ErrFormat},
		{dir, nil}, // a directory: some read error naming the path
		{anon, ErrNoData},
	} {
		db, err := Open(tt.path)
		if err == nil {
			db.Close()
			t.Errorf("Open(%s) succeeded", tt.path)
			continue
		}
		var oe *OpenError
		if !errors.As(err, &oe) || oe.Path != tt.path {
			t.Errorf("Open(%s): %v is not an OpenError naming the file", tt.path, err)
		}
		if !strings.Contains(err.Error(), tt.path) {
			t.Errorf("Open(%s): %q does not name the file", tt.path, err)
		}
		if tt.is != nil && !errors.Is(err, tt.is) {
			t.Errorf("Open(%s): %v is not %v", tt.path, err, tt.is)
		}
		t.Logf("%v", err)
	}
	// OpenAll stops at the first bad file and closes what it opened.
	if _, err := OpenAll(good, notDB); !errors.Is(err, ErrFormat) {
		t.Errorf("OpenAll: %v", err)
	}
}

func TestLocatorBounded(t *testing.T) {
	mm, _, _ := testSets(t)
	const capacity = 50
	l := mm.NewLocator(capacity)
	for i := range 256 {
		l.Locate([]byte(fmt.Sprintf("192.0.2.%d", i)))
		l.Locate([]byte("2001:db8::1")) // hot
		if l.Len() > capacity {
			t.Fatalf("cache holds %d, capacity %d", l.Len(), capacity)
		}
	}
	l.Locate([]byte("unknown"))
	l.Locate([]byte("10.0.0.1"))
	s := l.Stats()
	if s.Misses != 257 || s.Hits != 255 || s.NotIP != 1 || s.Rotated == 0 {
		t.Errorf("stats %+v", s)
	}
	// Two databases, one record each in use (US, AS64496; DE, AS64497):
	// records are decoded once per worker, not once per address.
	if s.Decodes > 4 {
		t.Errorf("%d records decoded, want at most 4", s.Decodes)
	}
}

func TestLocateWarmDoesNotAllocate(t *testing.T) {
	mm, _, _ := testSets(t)
	l := mm.NewLocator(64)
	clients := [][]byte{[]byte("192.0.2.1"), []byte("2001:db8::1"), []byte("[2001:db8::2]:443"), []byte("unknown"), []byte("10.0.0.1")}
	for _, c := range clients {
		l.Locate(c)
	}
	allocs := testing.AllocsPerRun(100, func() {
		for _, c := range clients {
			sinkLocation = l.Locate(c)
		}
	})
	if allocs != 0 {
		t.Errorf("warm Locate allocates %.1f times per round", allocs)
	}
}

var sinkLocation Location

func TestOpenUnreadable(t *testing.T) {
	if os.Getuid() == 0 {
		t.Skip("root reads any file")
	}
	p := buildDB(t, "GeoLite2-ASN", map[string]mmdbtype.Map{"192.0.2.0/24": asnRec(1, "x")})
	if err := os.Chmod(p, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(p); !errors.Is(err, fs.ErrPermission) || !strings.Contains(err.Error(), p) {
		t.Errorf("got %v, want a permission error naming %s", err, p)
	}
}

// TestCorruptDatabase: a damaged search tree or data section is refused at
// Open as ErrFormat (the reader checks the tree, the probe decodes records).
func TestCorruptDatabase(t *testing.T) {
	p := buildDB(t, "GeoLite2-Country", map[string]mmdbtype.Map{
		"192.0.2.0/24":  mmCountryRec("country", "US", "United States"),
		"2001:db8::/32": mmCountryRec("country", "DE", "Germany"),
	})
	orig, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	meta := bytes.LastIndex(orig, []byte("\xab\xcd\xefMaxMind.com"))
	for _, span := range [][2]int{{0, meta / 2}, {meta / 2, meta}, {0, meta}, {meta - 40, meta}, {meta - 12, meta}} {
		b := bytes.Clone(orig)
		for i := span[0]; i < span[1]; i++ {
			b[i] = byte(i*131 + 7)
		}
		bad := filepath.Join(t.TempDir(), "bad.mmdb")
		os.WriteFile(bad, b, 0o644)
		db, err := Open(bad)
		if err == nil {
			l := NewSet(db).NewLocator(8)
			for _, c := range []string{"192.0.2.1", "2001:db8::1", "8.8.8.8", "2001:4860::1"} {
				l.Locate([]byte(c))
			}
			db.Close()
			t.Errorf("bytes %v damaged: opened; lookups %+v", span, l.Stats())
			continue
		}
		if !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), bad) {
			t.Errorf("bytes %v damaged: %v", span, err)
		}
	}
}

// TestLocatorsConcurrent runs one Locator per goroutine over one Set, as
// workers do; run with -race.
func TestLocatorsConcurrent(t *testing.T) {
	mm, _, _ := testSets(t)
	clients := []string{"192.0.2.1", "192.0.2.200", "2001:db8::1", "198.51.100.9", "203.0.113.1", "8.8.8.8", "unknown", "10.0.0.1"}
	want := make([]Location, len(clients))
	for i, c := range clients {
		want[i] = mm.NewLocator(0).Locate([]byte(c))
	}
	done := make(chan error, 4)
	for w := range 4 {
		go func() {
			l := mm.NewLocator(4)
			for i := range 200 {
				j := (i + w) % len(clients)
				if got := l.Locate([]byte(clients[j])); got != want[j] {
					done <- fmt.Errorf("worker %d: %s: %s, want %s", w, clients[j], describe(got), describe(want[j]))
					return
				}
			}
			done <- nil
		}()
	}
	for range 4 {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}

// TestDBIPCityLite: a DB-IP Lite city database, with the fields a country
// lookup does not read (city, location, subdivisions), gives the country.
func TestDBIPCityLite(t *testing.T) {
	rec := mmCountryRec("country", "CH", "Switzerland")
	rec["continent"] = mmdbtype.Map{"code": mmdbtype.String("EU"), "names": mmdbtype.Map{"en": mmdbtype.String("Europe")}}
	rec["city"] = mmdbtype.Map{"names": mmdbtype.Map{"en": mmdbtype.String("Zurich")}}
	rec["location"] = mmdbtype.Map{"latitude": mmdbtype.Float64(47.37), "longitude": mmdbtype.Float64(8.54)}
	rec["subdivisions"] = mmdbtype.Slice{mmdbtype.Map{"names": mmdbtype.Map{"en": mmdbtype.String("Zurich")}}}
	rec["country"].(mmdbtype.Map)["is_in_european_union"] = mmdbtype.Bool(false)
	s, err := OpenAll(buildDB(t, "DBIP-City-Lite", map[string]mmdbtype.Map{"198.51.100.0/24": rec}))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got := describe(s.NewLocator(4).Locate([]byte("198.51.100.1"))); got != "found CH Switzerland" {
		t.Errorf("got %q", got)
	}
}
