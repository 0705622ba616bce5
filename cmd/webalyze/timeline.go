package main

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/webalyze/webalyze/report"
)

// TimelineCmd prints requests per time step, for post-mortems.
type TimelineCmd struct {
	InputFlags
	WindowFlags
	StateFlags
	ClickHouseSource
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
	// Incident is the rank (1 the largest) of the incident the step
	// overlaps, 0 for none: the incidents of the HTML report and its JSON
	// (report.FindIncidentsIn).
	Incident int `json:"incident"`
}

// timelineIncident is one incident of the timeline's period.
type timelineIncident struct {
	Start      string  `json:"start"`
	End        string  `json:"end"`
	Errors     int64   `json:"errors"`
	Hits       int64   `json:"hits"`
	Rate       float64 `json:"rate"`
	Baseline   float64 `json:"baseline"`
	Excess     float64 `json:"excess"`
	Peak       string  `json:"peak"`
	PeakErrors int64   `json:"peak_errors"`
	PeakHits   int64   `json:"peak_hits"`
	PValue     float64 `json:"p_value"`
}

type codeN struct {
	Code string `json:"code"`
	N    uint64 `json:"n"`
}

// timelineDoc is the JSON document of "timeline --json". Schema 2: a
// step's "jump" (a local heuristic) became "incident", and "incidents"
// lists them, ranked by excess 5xx.
type timelineDoc struct {
	Schema    int                `json:"schema"`
	Step      string             `json:"step"`
	Zone      string             `json:"zone"`
	Undated   uint64             `json:"undated"`
	Steps     []timelineStep     `json:"steps"`
	Incidents []timelineIncident `json:"incidents"`
}

// maxTimelineIncidents bounds the incidents listed by a timeline.
const maxTimelineIncidents = 100

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
	if c.Top < 0 {
		return usageError(fmt.Errorf("--top %d: want 0 (no codes) or more", c.Top))
	}
	j := &job{in: &c.InputFlags, win: &c.WindowFlags, state: &c.StateFlags, ch: &c.ClickHouseSource, top: 1, countsOnly: true}
	col, err := j.collect(g)
	if err != nil {
		return err
	}
	// The timeline reads the report's Input, as every output does; the
	// zone is the run's (the State's).
	loc := col.location()
	in := col.input(report.BuildOptions{Location: loc})
	incs := report.FindIncidentsIn(in.Minutes, report.IncidentOptions{Max: maxTimelineIncidents}, loc)
	doc := timelineDoc{Schema: 2, Step: c.Step, Zone: loc.String(), Undated: uint64(in.Undated),
		Steps: timeline(in.Minutes, loc, step, c.Top, incs), Incidents: []timelineIncident{}}
	for _, inc := range incs {
		doc.Incidents = append(doc.Incidents, timelineIncident{Start: inc.Start, End: inc.End, Errors: inc.Errors, Hits: inc.Hits,
			Rate: inc.Rate, Baseline: inc.Baseline, Excess: inc.Excess, Peak: inc.Peak, PeakErrors: inc.PeakErrors, PeakHits: inc.PeakHits, PValue: inc.PValue})
	}
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
	return outcome(g, &c.InputFlags, col.st, col.res)
}

// timeline builds the rows, with empty steps filled in between busy ones,
// each marked with the incident it overlaps.
func timeline(minutes []report.Minute, loc *time.Location, step time.Duration, top int, incs []report.Incident) []timelineStep {
	type span struct{ from, to time.Time }
	var spans []span
	for _, inc := range incs {
		from, err1 := time.Parse(time.RFC3339, inc.Start)
		to, err2 := time.Parse(time.RFC3339, inc.End)
		if err1 == nil && err2 == nil {
			spans = append(spans, span{from, to})
		}
	}
	buckets := report.StepSeries(minutes, step, loc)
	if n := len(buckets); n > 1 {
		span := buckets[n-1].Start.Sub(buckets[0].Start) / step
		if span < maxFilledSteps {
			filled := make([]report.Step, 0, span+1)
			for _, b := range buckets {
				for len(filled) > 0 && filled[len(filled)-1].Start.Add(step).Before(b.Start) {
					filled = append(filled, report.Step{Start: filled[len(filled)-1].Start.Add(step)})
				}
				filled = append(filled, b)
			}
			buckets = filled
		}
	}
	rows := make([]timelineStep, len(buckets))
	for i, b := range buckets {
		requests := uint64(b.Hits)
		r := timelineStep{Start: b.Start.Format(time.RFC3339), Requests: requests, Classes: map[string]uint64{}}
		for ci, name := range report.ClassNames {
			if n := b.Classes.At(ci); n > 0 {
				r.Classes[name] = uint64(n)
			}
		}
		codes := slices.Collect(maps.Keys(b.Codes)) // "502": three digits, ordered as numbers
		slices.SortFunc(codes, func(x, y string) int {
			if nx, ny := b.Codes[x], b.Codes[y]; nx != ny {
				return cmp.Compare(ny, nx)
			}
			return cmp.Compare(x, y)
		})
		for k, code := range codes {
			if k < top {
				r.TopCodes = append(r.TopCodes, codeN{code, uint64(b.Codes[code])})
			}
		}
		r.Rate499 = share(uint64(b.Codes["499"]), requests)
		r.Rate5xx = share(uint64(b.Classes.X5), requests)
		for k, sp := range spans {
			if b.Start.Before(sp.to) && sp.from.Before(b.Start.Add(step)) {
				r.Incident = k + 1
				break
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
		if r.Incident > 0 {
			mark = fmt.Sprintf("<< incident %d", r.Incident)
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%.1f\t%.1f\t%s\t%s\t\n", r.Start, r.Requests,
			r.Classes["2xx"], r.Classes["3xx"], r.Classes["4xx"], r.Classes["5xx"],
			100*r.Rate5xx, 100*r.Rate499, strings.Join(codes, " "), mark)
	}
	if doc.Undated > 0 {
		fmt.Fprintf(tw, "undated\t%d\t\t\t\t\t\t\t\t\t\n", doc.Undated)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for k, inc := range doc.Incidents {
		fmt.Fprintf(w, "incident %d: %s to %s: %d 5xx of %d requests (%.1f%%), %.0f over the %.2f%% baseline; peak %s (%d of %d)\n",
			k+1, inc.Start, inc.End, inc.Errors, inc.Hits, 100*inc.Rate, inc.Excess, 100*inc.Baseline, inc.Peak, inc.PeakErrors, inc.PeakHits)
	}
	return nil
}
