package main

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/webalyze/webalyze/aggregate"
)

// TimelineCmd prints requests per time step, for post-mortems.
type TimelineCmd struct {
	InputFlags
	WindowFlags
	StateFlags
	Step string `default:"1m" placeholder:"SPAN" help:"Width of a step: 1m, 5m, 1h..."`
	Top  int    `default:"3" help:"Status codes listed per step, the most frequent first."`
	JSON bool   `help:"Print JSON instead of a table."`
}

// timelineStep is one row of the timeline.
type timelineStep struct {
	Start    string            `json:"start"`
	Requests uint64            `json:"requests"`
	Classes  map[string]uint64 `json:"classes"`
	TopCodes []codeN           `json:"top_codes"`
	Rate5xx  float64           `json:"rate_5xx"`
	Rate499  float64           `json:"rate_499"`
	// Jump marks a step whose error rate (5xx + 499 + 444) jumped: at least
	// three times the median of the steps before it, at least 5 points
	// above it, and at least 3 errors.
	Jump bool `json:"jump"`
}

type codeN struct {
	Code string `json:"code"`
	N    uint64 `json:"n"`
}

// timelineDoc is the JSON document of "timeline --json".
type timelineDoc struct {
	Schema  int            `json:"schema"`
	Step    string         `json:"step"`
	Zone    string         `json:"zone"`
	Undated uint64         `json:"undated"`
	Steps   []timelineStep `json:"steps"`
}

// maxFilledSteps bounds how many empty steps are inserted between busy
// ones (a gap in traffic is information: an outage); beyond it, only busy
// steps are listed.
const maxFilledSteps = 100_000

// Run prints the timeline.
func (c *TimelineCmd) Run(g *Globals) error {
	step, err := parseSpan(c.Step)
	if err != nil || step < time.Minute || step%time.Minute != 0 {
		return usageError(fmt.Errorf("--step %q: want a whole number of minutes, such as 1m, 5m or 1h", c.Step))
	}
	j := &job{in: &c.InputFlags, win: &c.WindowFlags, state: &c.StateFlags}
	col, err := j.collect(g)
	if err != nil {
		return err
	}
	st := col.st
	doc := timelineDoc{Schema: 1, Step: c.Step, Zone: st.Location().String(), Undated: st.Undated, Steps: timeline(st, step, c.Top)}
	e := newEnding(g)
	e.print(func(w io.Writer) error {
		if c.JSON {
			enc := json.NewEncoder(w)
			enc.SetIndent("", "  ")
			return enc.Encode(doc)
		}
		return writeTimeline(w, doc)
	})
	if err := col.saveState(e); err != nil {
		return err
	}
	if err := e.commit(); err != nil {
		return err
	}
	return outcome(g, &c.InputFlags, st, col.res)
}

// timeline builds the rows, with empty steps filled in between busy ones.
func timeline(st *aggregate.State, step time.Duration, top int) []timelineStep {
	buckets := st.Series(step, nil)
	if n := len(buckets); n > 1 {
		span := buckets[n-1].Start.Sub(buckets[0].Start) / step
		if span < maxFilledSteps {
			filled := make([]aggregate.Bucket, 0, span+1)
			for _, b := range buckets {
				for len(filled) > 0 && filled[len(filled)-1].Start.Add(step).Before(b.Start) {
					filled = append(filled, aggregate.Bucket{Start: filled[len(filled)-1].Start.Add(step)})
				}
				filled = append(filled, b)
			}
			buckets = filled
		}
	}
	rows := make([]timelineStep, len(buckets))
	var rates []float64
	for i, b := range buckets {
		r := timelineStep{Start: b.Start.Format(time.RFC3339), Requests: b.Requests, Classes: map[string]uint64{}}
		for ci, n := range b.Classes {
			if n > 0 {
				r.Classes[aggregate.ClassNames[ci]] = n
			}
		}
		codes := slices.Clone(b.Codes)
		slices.SortStableFunc(codes, func(x, y aggregate.CodeCount) int {
			if x.N != y.N {
				return cmp.Compare(y.N, x.N)
			}
			return cmp.Compare(x.Code, y.Code)
		})
		var aborted uint64
		for k, cc := range codes {
			if k < top {
				r.TopCodes = append(r.TopCodes, codeN{fmt.Sprintf("%03d", cc.Code), cc.N})
			}
			if cc.Code == 499 {
				r.Rate499 = share(cc.N, b.Requests)
			}
			if cc.Code == 499 || cc.Code == 444 {
				aborted += cc.N
			}
		}
		r.Rate5xx = share(b.Classes[5], b.Requests)
		errs := b.Classes[5] + aborted
		rate := share(errs, b.Requests)
		if len(rates) > 0 {
			base := median(rates)
			r.Jump = errs >= 3 && rate >= 3*base && rate >= base+0.05
		}
		if b.Requests > 0 {
			rates = append(rates, rate)
			if len(rates) > 10 {
				rates = rates[1:]
			}
		}
		rows[i] = r
	}
	return rows
}

func share(n, total uint64) float64 {
	if total == 0 {
		return 0
	}
	return float64(n) / float64(total)
}

func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// writeTimeline prints the timeline as a table.
func writeTimeline(w io.Writer, doc timelineDoc) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "%s\trequests\t2xx\t3xx\t4xx\t5xx\t5xx%%\t499%%\ttop codes\t\t\n", "start ("+doc.Zone+")")
	for _, r := range doc.Steps {
		var codes []string
		for _, c := range r.TopCodes {
			codes = append(codes, fmt.Sprintf("%s:%d", c.Code, c.N))
		}
		mark := ""
		if r.Jump {
			mark = "<< error rate jump"
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%.1f\t%.1f\t%s\t%s\t\n", r.Start, r.Requests,
			r.Classes["2xx"], r.Classes["3xx"], r.Classes["4xx"], r.Classes["5xx"],
			100*r.Rate5xx, 100*r.Rate499, strings.Join(codes, " "), mark)
	}
	if doc.Undated > 0 {
		fmt.Fprintf(tw, "undated\t%d\t\t\t\t\t\t\t\t\t\n", doc.Undated)
	}
	return tw.Flush()
}
