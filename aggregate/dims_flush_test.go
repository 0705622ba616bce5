package aggregate

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/webalyze/webalyze/aggregate/refsites"
	"github.com/webalyze/webalyze/aggregate/search"
	"github.com/webalyze/webalyze/parser"
)

// TestDimensionFlushes: the dimensions that count in batches (referring
// sites, search) have counted every record added when read through
// State.Dimension, however few, and a state saved and decoded keeps them.
func TestDimensionFlushes(t *testing.T) {
	for _, n := range []int{1, 5, 17, 100} {
		s := New(Options{SiteHosts: []string{"www.example.org"}, Dimensions: extraDims()})
		for i := range n {
			s.Add(&parser.Record{Host: []byte("192.0.2.1"), Method: []byte("GET"), Path: []byte("/"),
				Query:   fmt.Appendf(nil, "q=term%d", i%3),
				Referer: fmt.Appendf(nil, "https://www.google.com/search?q=phrase+%d", i%4), Status: 200, HasStatus: true})
		}
		check := func(st *State, what string) {
			sites := st.Dimension(refsites.Section).(*refsites.Sites)
			srch := st.Dimension(search.Section).(*search.Search)
			if got := []uint64{sites.List.Total, srch.Terms.Total, srch.Phrases.Total}; got[0] != uint64(n) || got[1] != uint64(n) || got[2] != uint64(n) {
				t.Errorf("%d records, %s: sites, terms, phrases count %v", n, what, got)
			}
		}
		check(s, "added")
		var buf bytes.Buffer
		if err := s.Encode(&buf); err != nil {
			t.Fatal(err)
		}
		d, err := Decode(&buf)
		if err != nil {
			t.Fatal(err)
		}
		check(d, "decoded")
	}
}
