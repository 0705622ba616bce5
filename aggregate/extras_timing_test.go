package aggregate

import (
	"fmt"
	"testing"

	"github.com/webalyze/webalyze/aggregate/content"
	"github.com/webalyze/webalyze/aggregate/dim"
	"github.com/webalyze/webalyze/aggregate/refsites"
	"github.com/webalyze/webalyze/aggregate/search"
	"github.com/webalyze/webalyze/aggregate/users"
	"github.com/webalyze/webalyze/aggregate/vhosts"
)

// extraDims are the dimensions cmd adds to every run (cmd/webalyze/extras.go).
func extraDims() []dim.Dimension { return extraDimsFor([]string{"www.example.org"}) }

// extraDimsFor is extraDims with referring sites that leave out sites.
func extraDimsFor(sites []string) []dim.Dimension {
	return []dim.Dimension{refsites.New(0, sites), search.New(0), content.New(0), users.New(0), vhosts.New(0)}
}

// BenchmarkStateAddExtras is BenchmarkStateAdd without and with the
// extra dimensions, over the same records given a virtual host (one of
// three), a user on one in twenty and a site-search query on one in ten:
//
//	go test -run '^$' -bench StateAddExtras -count 6 ./aggregate | benchstat -col /dims -
//
// On Linux it also reports the thread's CPU time per record (cpu-ns/op),
// steadier than the wall time on a busy machine.
func BenchmarkStateAddExtras(b *testing.B) {
	for _, n := range []int{1 << 14, 1 << 10} {
		recs := benchRecords(n)
		for i, r := range recs {
			r.VHost = []byte([]string{"www.example.org", "shop.example.org", "api.example.org"}[i%3])
			if i%20 == 0 {
				r.User = fmt.Appendf(nil, "user%d", i%50)
			}
			if i%10 == 0 {
				r.Query = fmt.Appendf(nil, "q=term+%d", i%30)
			}
		}
		for _, dims := range []string{"none", "extras"} {
			b.Run(fmt.Sprintf("records=%d/dims=%s", n, dims), func(b *testing.B) {
				opts := Options{SiteHosts: []string{"www.example.org"}}
				if dims == "extras" {
					opts.Dimensions = extraDims()
				}
				benchSteadyAdd(b, New(opts), recs)
			})
		}
	}
}
