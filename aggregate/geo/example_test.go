package geo_test

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"

	"github.com/maxmind/mmdbwriter"
	"github.com/maxmind/mmdbwriter/mmdbtype"

	"github.com/webalyze/webalyze/aggregate/geo"
)

// exampleDB writes a one-network country database, as GeoLite2 lays it out.
func exampleDB(dir string) string {
	w, _ := mmdbwriter.New(mmdbwriter.Options{DatabaseType: "GeoLite2-Country", IncludeReservedNetworks: true})
	_, n, _ := net.ParseCIDR("198.51.100.0/24")
	w.Insert(n, mmdbtype.Map{"country": mmdbtype.Map{
		"iso_code": mmdbtype.String("NL"),
		"names":    mmdbtype.Map{"en": mmdbtype.String("Netherlands")},
	}})
	path := filepath.Join(dir, "country.mmdb")
	f, _ := os.Create(path)
	w.WriteTo(f)
	f.Close()
	return path
}

func Example() {
	dir, _ := os.MkdirTemp("", "geo")
	defer os.RemoveAll(dir)

	set, err := geo.OpenAll(exampleDB(dir))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer set.Close()
	l := set.NewLocator(4096) // one per worker
	for _, client := range []string{"198.51.100.7", "[::ffff:198.51.100.7]:443", "192.0.2.1", "10.0.0.1", "unknown"} {
		loc := l.Locate([]byte(client))
		if loc.Class == geo.ClassFound {
			fmt.Println(client, "->", loc.Country, loc.CountryName)
		} else {
			fmt.Println(client, "->", loc.Class)
		}
	}
	// Output:
	// 198.51.100.7 -> NL Netherlands
	// [::ffff:198.51.100.7]:443 -> NL Netherlands
	// 192.0.2.1 -> not found
	// 10.0.0.1 -> local
	// unknown -> unknown
}

func ExampleOpen_errors() {
	_, err := geo.Open("/nonexistent/GeoLite2-Country.mmdb")
	fmt.Println(err)
	fmt.Println(errors.Is(err, fs.ErrNotExist))
	// Output:
	// geoip database /nonexistent/GeoLite2-Country.mmdb: no such file or directory
	// true
}
