package aggregate_test

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/webalyze/webalyze/aggregate"
	"github.com/webalyze/webalyze/aggregate/dim"
	"github.com/webalyze/webalyze/aggregate/visits"
	"github.com/webalyze/webalyze/parser"
)

// TestVisitsWorkersAgree runs a log that spans many blocks, whose visitors
// come back every few minutes, some lines logged up to 40 s late, with 1
// to 4 workers: every run
// must give the visits of sessionising all the requests at once (worked
// out here from the lines written), flagged exact. The blocks go to the
// workers in turn, so a visit that spans two blocks has requests on two
// workers: unless each identity's requests meet on one worker, the
// worker that folds its part of the visit (there are more visits than
// the capacity, so folding is needed) splits it.
func TestVisitsWorkersAgree(t *testing.T) {
	const (
		timeout    = 5 * time.Minute
		identities = 4000
		lines      = 120_000
	)
	rng := rand.New(rand.NewPCG(7, 19))
	start := time.Date(2024, 3, 5, 0, 0, 0, 0, time.UTC).Unix()
	var log bytes.Buffer
	byID := map[int][]int64{}
	t0 := start
	for range lines {
		if rng.IntN(8) == 0 {
			t0++ // 8 lines a second: a block is about 10 minutes
		}
		id, at := rng.IntN(identities), t0
		if rng.IntN(20) == 0 {
			at -= int64(rng.IntN(40)) // logged late, as servers do
		}
		fmt.Fprintf(&log, "10.%d.%d.%d - - [%s] \"GET /p/%d HTTP/1.1\" 200 %d \"-\" \"agent %d\"\n",
			id%3, id/250, id%250, time.Unix(at, 0).UTC().Format("02/Jan/2006:15:04:05 -0700"), rng.IntN(300), 100+rng.IntN(900), id%5)
		byID[id] = append(byID[id], at)
	}
	// Sessionise: a new visit where the gap to the previous request is
	// longer than the timeout.
	var wantVisits, wantBounces uint64
	for _, ts := range byID {
		slices.Sort(ts)
		pages := 0
		for i, x := range ts {
			if i > 0 && x-ts[i-1] > int64(timeout/time.Second) {
				wantVisits++
				if pages == 1 {
					wantBounces++
				}
				pages = 0
			}
			pages++
		}
		wantVisits++
		if pages == 1 {
			wantBounces++
		}
	}
	name := filepath.Join(t.TempDir(), "access.log")
	if err := os.WriteFile(name, log.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if log.Len() < 8*parser.DefaultBlockSize {
		t.Fatalf("log of %d bytes: too few blocks", log.Len())
	}
	var first *visits.Figures
	for _, w := range []int{1, 2, 3, 4} {
		proto := visits.New(visits.Options{Timeout: timeout, Capacity: 20_000})
		st, _, err := aggregate.Run(context.Background(), aggregate.RunConfig{Workers: w, Candidates: parser.AutoCandidates(nil),
			Options: aggregate.Options{Dimensions: []dim.Dimension{proto}}}, []string{name})
		if err != nil {
			t.Fatal(err)
		}
		if err := st.Check(); err != nil {
			t.Fatalf("workers=%d: %v", w, err)
		}
		f := st.Dimension(visits.Section).(*visits.Visits).Figures()
		if f.ClosedEarly != 0 || f.PossibleSplits != 0 {
			t.Errorf("workers=%d: %d closed early, %d possible splits: not exact", w, f.ClosedEarly, f.PossibleSplits)
		}
		if f.Visits != wantVisits || f.Bounces != wantBounces || f.Pages != lines {
			t.Errorf("workers=%d: %d visits, %d bounces, %d pages; sessionised: %d, %d, %d", w, f.Visits, f.Bounces, f.Pages, wantVisits, wantBounces, lines)
		}
		if first == nil {
			first = &f
		} else if f.Seconds != first.Seconds || !slices.Equal(f.DurHist, first.DurHist) || !slices.Equal(f.Days, first.Days) {
			t.Errorf("workers=%d: durations or days differ from 1 worker's", w)
		}
	}
}
