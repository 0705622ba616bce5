package visits_test

import (
	"fmt"
	"time"

	"github.com/webalyze/webalyze/aggregate/dim"
	"github.com/webalyze/webalyze/aggregate/sketch"
	"github.com/webalyze/webalyze/aggregate/visits"
	"github.com/webalyze/webalyze/parser"
)

// One visitor reads two pages, comes back an hour later for one more;
// another reads one page. A State hands its dimensions such hits.
func Example() {
	v := visits.New(visits.Options{Timeout: 30 * time.Minute})
	t0 := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC).Unix()
	for _, r := range []struct {
		who  uint64
		at   int64
		path string
	}{{1, 0, "/"}, {1, 120, "/pricing"}, {2, 300, "/blog/"}, {1, 3900, "/docs"}} {
		rec := &parser.Record{Path: []byte(r.path), Time: t0 + r.at, HasTime: true, Status: 200, HasStatus: true}
		v.Add(&dim.Hit{Rec: rec, Path: sketch.HashKey(rec.Path), Identity: r.who,
			Day: (t0 + r.at) / 86400, Page: true, Code: 200, HasCode: true})
	}
	f := v.Figures()
	fmt.Printf("%d visits, %d pages, %d bounces, %d s in all\n", f.Visits, f.Pages, f.Bounces, f.Seconds)
	for _, e := range f.Entry.Top(3) {
		fmt.Printf("entry %s %d\n", e.Key, e.Hits)
	}
	// Output:
	// 3 visits, 4 pages, 2 bounces, 120 s in all
	// entry / 1
	// entry /blog/ 1
	// entry /docs 1
}
