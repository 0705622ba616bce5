package geo

import (
	_ "embed"
	"strings"

	"github.com/webalyze/webalyze/aggregate/sketch"
)

// Name is an interned string ([sketch.Name]): a [Location] is cheap to
// count in a map.
type Name = sketch.Name

func makeName(s string) Name { return sketch.MakeName(s) }

// countriesTSV holds the English names of the ISO 3166-1 codes, from the
// Unicode CLDR (see gen_countries.go), for databases that give codes only.
//
//go:generate sh -c "go run gen_countries.go > countries.tsv"
//go:embed countries.tsv
var countriesTSV string

var countryNames = func() map[string]string {
	m := make(map[string]string, 300)
	for line := range strings.Lines(countriesTSV) {
		code, name, ok := strings.Cut(strings.TrimRight(line, "\n"), "\t")
		if ok {
			m[code] = name
		}
	}
	return m
}()

// CountryName returns the English name of an ISO 3166-1 alpha-2 code, or
// "" when the code is unknown.
func CountryName(code string) string { return countryNames[code] }
