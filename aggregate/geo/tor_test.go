package geo

import (
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
	} {
		if got := describe(l.Locate([]byte(tt.addr))); got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.addr, got, tt.want)
		}
	}
	fi, _ := os.Stat(out)
	t.Logf("%s: %d bytes; %s", out, fi.Size(), db.Description())
}
