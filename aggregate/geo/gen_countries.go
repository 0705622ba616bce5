//go:build ignore

// gen_countries writes countries.tsv, the English names of the ISO 3166-1
// country codes, from the Unicode CLDR data in golang.org/x/text:
//
//	go run gen_countries.go > countries.tsv
package main

import (
	"fmt"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

func main() {
	names := display.English.Regions()
	for a := 'A'; a <= 'Z'; a++ {
		for b := 'A'; b <= 'Z'; b++ {
			code := string([]rune{a, b})
			r, err := language.ParseRegion(code)
			if err != nil || r.String() != code || !r.IsCountry() && code != "EU" {
				continue
			}
			if name := names.Name(r); name != "" {
				fmt.Printf("%s\t%s\n", code, name)
			}
		}
	}
}
