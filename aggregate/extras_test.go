package aggregate

import (
	"bytes"
	"testing"

	"github.com/webalyze/webalyze/aggregate/dim/dimtest"
	"github.com/webalyze/webalyze/aggregate/refsites"
	"github.com/webalyze/webalyze/aggregate/search"
)

// TestExtrasInState: the extra dimensions are fed, merged, checked and
// saved by a State; a saved state decodes with the same figures.
func TestExtrasInState(t *testing.T) {
	recs := dimtest.Records(9, 2000)
	whole := New(Options{Dimensions: extraDims()})
	a, b := New(Options{Dimensions: extraDims()}), New(Options{Dimensions: extraDims()})
	for i := range recs {
		whole.Add(&recs[i])
		if i%3 == 0 {
			a.Add(&recs[i])
		} else {
			b.Add(&recs[i])
		}
	}
	if err := a.Merge(b); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := a.Encode(&buf); err != nil {
		t.Fatal(err)
	}
	back, err := Decode(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if err := back.Check(); err != nil {
		t.Fatal(err)
	}
	for _, name := range whole.DimensionNames() {
		if got, want := dimtest.Encode(t, back.Dimension(name)), dimtest.Encode(t, whole.Dimension(name)); !bytes.Equal(got, want) {
			t.Errorf("%s: merged and decoded differs from one State over all records", name)
		}
	}
	// The referring sites count what the referrer list counts.
	if n := whole.Dimension(refsites.Section).(*refsites.Sites).List.Total; n != whole.Referrers.Total || n == 0 {
		t.Errorf("referring sites count %d referrers, the referrer list %d", n, whole.Referrers.Total)
	}
	if whole.Dimension(search.Section).(*search.Search).Terms.Total == 0 {
		t.Error("no site-search term counted")
	}
}
