package geo

import (
	"bytes"
	"flag"
	"net"
	"os"
	"path/filepath"
	"testing"

	"github.com/maxmind/mmdbwriter"
	"github.com/maxmind/mmdbwriter/mmdbtype"
)

var update = flag.Bool("update", false, "rewrite testdata/geo/demo.mmdb")

// demoDB is the path of the demo database, from this package.
var demoDB = filepath.Join("..", "..", "testdata", "geo", "demo.mmdb")

// demoNetworks are the demo database's networks, less specific first (a
// later insert overrides the part it covers). They are documentation
// ranges (RFC 5737, RFC 3849) and documentation AS numbers (RFC 5398),
// given countries arbitrarily. The bundled sample logs use 2001:db8::x
// addresses (x < 0x10000), so that range is split among countries.
var demoNetworks = []struct {
	cidr, code string
	asn        uint32
	org        string
}{
	{"192.0.2.0/24", "US", 64496, "Demo Transit A"},
	{"198.51.100.0/24", "NL", 64497, "Demo Hosting B"},
	{"203.0.113.0/24", "JP", 64498, "Demo Mobile C"},
	{"2001:db8::/32", "DE", 64499, "Demo Cable D"},
	{"2001:db8::/113", "FR", 64500, "Demo Telecom E"},
	{"2001:db8::8000/114", "BR", 64501, "Demo Fibre F"},
	{"2001:db8::c000/115", "IN", 64502, "Demo Wireless G"},
}

// buildDemoDB returns the demo database: countries and networks in one
// file (GeoLite2-City layout with ASN fields), fixed build date.
func buildDemoDB(t testing.TB) []byte {
	w, err := mmdbwriter.New(mmdbwriter.Options{
		DatabaseType: "webalyze-Demo-Country-ASN",
		Description: map[string]string{"en": "Fake demo data for webalyze (make demo): documentation address ranges " +
			"(RFC 5737, RFC 3849) and AS numbers (RFC 5398) given countries arbitrarily; not real geolocation."},
		Languages:               []string{"en"},
		IncludeReservedNetworks: true,
		BuildEpoch:              1764806400, // 2025-12-04
		RecordSize:              24,
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range demoNetworks {
		_, ipnet, err := net.ParseCIDR(n.cidr)
		if err != nil {
			t.Fatal(err)
		}
		rec := mmdbtype.Map{
			"country": mmdbtype.Map{"iso_code": mmdbtype.String(n.code),
				"names": mmdbtype.Map{"en": mmdbtype.String(CountryName(n.code))}},
			"autonomous_system_number":       mmdbtype.Uint32(n.asn),
			"autonomous_system_organization": mmdbtype.String(n.org),
		}
		if err := w.Insert(ipnet, rec); err != nil {
			t.Fatal(err)
		}
	}
	var b bytes.Buffer
	if _, err := w.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestDemoDB: testdata/geo/demo.mmdb is what buildDemoDB makes (go test
// -run TestDemoDB -update rewrites it), and answers as it should.
func TestDemoDB(t *testing.T) {
	want := buildDemoDB(t)
	if *update {
		if err := os.WriteFile(demoDB, want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(demoDB)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s differs from what buildDemoDB makes: run go test -run TestDemoDB -update", demoDB)
	}
	s, err := OpenAll(demoDB)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	l := s.NewLocator(16)
	for client, want := range map[string]string{
		"192.0.2.7":        "found US United States AS64496 Demo Transit A",
		"2001:db8::770":    "found FR France AS64500 Demo Telecom E",
		"2001:db8::9000":   "found BR Brazil AS64501 Demo Fibre F",
		"2001:db8::c7b4":   "found IN India AS64502 Demo Wireless G",
		"2001:db8::f4bf":   "found DE Germany AS64499 Demo Cable D",
		"2001:db8:1::1":    "found DE Germany AS64499 Demo Cable D",
		"93.2.196.201":     "not found",
		"10.117.90.141":    "local",
		"www.example.org":  "unknown",
		"203.0.113.1:8443": "found JP Japan AS64498 Demo Mobile C",
	} {
		if got := describe(l.Locate([]byte(client))); got != want {
			t.Errorf("%s: %s, want %s", client, got, want)
		}
	}
}
