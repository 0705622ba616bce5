package geo

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// torGeoIPDir finds Tor's geoip files: $WEBALYZE_TOR_GEOIP_DIR (the
// directory holding geoip and geoip6, or a tree with
// usr/share/tor/ under it, as dpkg-deb -x leaves it), else /usr/share/tor.
func torGeoIPDir() string {
	var dirs []string
	if d := os.Getenv("WEBALYZE_TOR_GEOIP_DIR"); d != "" {
		dirs = append(dirs, d, filepath.Join(d, "usr", "share", "tor"))
	}
	dirs = append(dirs, "/usr/share/tor")
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "geoip")); err == nil {
			return d
		}
	}
	return ""
}

// TestBuildFromTorGeoIPReal converts the real tor-geoipdb data and checks
// well-known addresses.
func TestBuildFromTorGeoIPReal(t *testing.T) {
	dir := torGeoIPDir()
	if dir == "" {
		t.Skip("no Tor geoip files: set WEBALYZE_TOR_GEOIP_DIR to where `apt-get download tor-geoipdb && dpkg-deb -x tor-geoipdb_*.deb DIR` put them, or install tor-geoipdb")
	}
	if testing.Short() {
		t.Skip("converting the real data takes seconds")
	}
	out := filepath.Join(t.TempDir(), "tor-country.mmdb")
	if err := BuildFromTorGeoIP(filepath.Join(dir, "geoip"), filepath.Join(dir, "geoip6"), out); err != nil {
		t.Fatal(err)
	}
	db, err := Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if !db.HasCountry() || db.HasASN() || db.Type() != TorDatabaseType {
		t.Errorf("type %q, country %v, asn %v", db.Type(), db.HasCountry(), db.HasASN())
	}
	for _, want := range []string{"IPFire", "CC BY-SA 4.0", "location.ipfire.org"} {
		if !strings.Contains(db.Description(), want) {
			t.Errorf("description %q does not credit %q", db.Description(), want)
		}
	}
	l := NewSet(db).NewLocator(1024)
	for _, tt := range []struct{ addr, want string }{
		{"8.8.8.8", "found US United States"},
		{"193.0.6.139", "found NL Netherlands"},
		{"2001:4860:4860::8888", "found US United States"},
		{"::ffff:8.8.8.8", "found US United States"},
		{"10.1.2.3", "local"},
		{"2002:c100:68b::1", "found NL Netherlands"}, // 6to4 of 193.0.6.139
	} {
		if got := describe(l.Locate([]byte(tt.addr))); got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.addr, got, tt.want)
		}
	}
	locateRealClients(t, l)
	fi, _ := os.Stat(out)
	t.Logf("%s: %d bytes; %s", out, fi.Size(), db.Description())
}

func writeFile(t *testing.T, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestBuildFromTorGeoIP converts small files in Tor's layout.
func TestBuildFromTorGeoIP(t *testing.T) {
	dir := t.TempDir()
	// 192.0.2.0 = 3221225984; 198.51.100.0 = 3325256704; 203.0.113.0 = 3405803776.
	v4 := writeFile(t, dir, "geoip", `# This file has been converted from the IPFire Location database
#
# Generated: Thu, 25 Jun 2026 04:33:59 GMT
# Vendor:    IPFire Project
# License:   CC BY-SA 4.0
#
3221225984,3221226111,US
3221226112,3221226239,US
3325256704,3325256959,??
3405803776,3405804031,jp
`)
	v6 := writeFile(t, dir, "geoip6", `# header
2001:db8::,2001:db8:ffff:ffff:ffff:ffff:ffff:ffff,DE
2002::,2002:ffff:ffff:ffff:ffff:ffff:ffff:ffff,JP
`)
	out := filepath.Join(dir, "country.mmdb")
	if err := BuildFromTorGeoIP(v4, v6, out); err != nil {
		t.Fatal(err)
	}
	db, err := Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	want := "Country data from the IPFire Location database (https://location.ipfire.org/), by the IPFire Project, " +
		"licensed CC BY-SA 4.0 (https://creativecommons.org/licenses/by-sa/4.0/), generated Thu, 25 Jun 2026 04:33:59 GMT; " +
		"converted from Tor's geoip files by webalyze."
	if db.Description() != want {
		t.Errorf("description\n got %q\nwant %q", db.Description(), want)
	}
	l := NewSet(db).NewLocator(16)
	for _, tt := range []struct{ addr, want string }{
		{"192.0.2.0", "found US United States"},
		{"192.0.2.255", "found US United States"},
		{"192.0.3.0", "not found"},
		{"198.51.100.1", "not found"}, // "??"
		{"203.0.113.5", "found JP Japan"},
		{"2001:db8::5", "found DE Germany"},
		{"::ffff:203.0.113.5", "found JP Japan"},
		// 6to4 is answered from the IPv4 data, not the file's 2002::/16 line.
		{"2002:c000:0201::1", "found US United States"},
		{"2002:0808:0808::1", "not found"},
	} {
		if got := describe(l.Locate([]byte(tt.addr))); got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.addr, got, tt.want)
		}
	}
}

func TestBuildFromTorGeoIPErrors(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out.mmdb")
	for _, tt := range []struct{ v4, v6, want string }{
		{"1,2,US\n3,x,US\n", "", "geoip:2: bad IPv4 number"},
		{"1,2\n", "", "geoip:1: want from,to,CC"},
		{"5,1,US\n", "", "geoip:1: range ends before it starts"},
		{"1,2,USA\n", "", "geoip:1: bad country code"},
		{"4294967296,4294967297,US\n", "", "geoip:1: bad IPv4 number"},
		{"", "1.2.3.4,1.2.3.5,US\n", "geoip6:1: bad IPv6 address"},
		{"# only comments\n", "", "no country ranges"},
	} {
		v4, v6 := "", ""
		if tt.v4 != "" {
			v4 = writeFile(t, dir, "geoip", tt.v4)
		}
		if tt.v6 != "" {
			v6 = writeFile(t, dir, "geoip6", tt.v6)
		}
		err := BuildFromTorGeoIP(v4, v6, out)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q %q: got %v, want %q", tt.v4, tt.v6, err, tt.want)
		}
		if _, err := os.Stat(out); err == nil {
			t.Errorf("%q %q: an output file was left", tt.v4, tt.v6)
		}
	}
	if err := BuildFromTorGeoIP(filepath.Join(dir, "missing"), "", out); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing input: %v", err)
	}
}

// locateRealClients looks up the first field of every line of the shared
// corpus of real logs (the client of Apache and nginx formats; other
// fields elsewhere are counted unknown) and reports the classes.
func locateRealClients(t *testing.T, l *Locator) {
	const realDir = "../../../shared/testdata/real"
	if _, err := os.Stat(realDir); err != nil {
		t.Logf("no real corpus at %s", realDir)
		return
	}
	classes := map[Class]int{}
	countries := map[Name]int{}
	filepath.WalkDir(realDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(path, ".md") || strings.Contains(filepath.Base(path), ".log.") {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for line := range strings.Lines(string(data)) {
			if strings.HasPrefix(line, "#") {
				continue
			}
			first, _, _ := strings.Cut(strings.TrimSpace(line), " ")
			loc := l.Locate([]byte(first))
			classes[loc.Class]++
			countries[loc.Country]++
		}
		return nil
	})
	s := l.Stats()
	t.Logf("real corpus clients: found %d, not found %d, local %d, not an address %d; %d countries; cache hit rate %.3f, %d records decoded",
		classes[ClassFound], classes[ClassNotFound], classes[ClassLocal], classes[ClassUnknown], len(countries)-1, s.HitRate(), s.Decodes)
}
