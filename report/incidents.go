package report

import (
	"cmp"
	"math"
	"slices"
	"time"
)

// Incident detection. An incident is a stretch of minutes whose 5xx
// responses are far more than the surrounding traffic predicts:
//
//  1. Baseline. The expected 5xx rate of a minute is the 5xx rate of the
//     minutes within an hour of it (before and after), leaving out the
//     minutes that are anomalous (as in 2) against the 5xx rate of the
//     calmer half of the period's requests (the minutes with the lowest
//     rates that hold half the requests; an outage may hold most of a
//     short period's requests), repeated over the minutes not yet left
//     out until no more are, shrunk
//     toward the rate of all non-anomalous minutes with a weight of
//     baselineWeight requests (so a quiet hour does not make its
//     baseline 0 or 100 %).
//  2. Anomalous minutes. A minute is anomalous when its 5xx count e,
//     against the n·b expected from its n requests at baseline b, has a
//     one-sided Poisson tail P(X ≥ e) below alpha/M, where M is the
//     number of minutes with traffic (a Bonferroni correction: the
//     chance that any minute of steady traffic is taken for an outage is
//     at most alpha). The Poisson tail is never smaller than the
//     binomial one, so the test errs toward calling nothing.
//  3. Stretches. Anomalous minutes at most bridgeGap minutes apart are
//     one stretch (a quiet minute inside an outage does not split it);
//     a stretch then takes in each adjacent minute that is itself
//     elevated at edgeAlpha, so that an outage that starts or ends
//     within a minute is covered from its first to its last minute.
//  4. Volume. A stretch is an incident when its excess (5xx minus
//     expected) is at least MinExcess requests and its own Poisson tail
//     is below alpha/M: a handful of failed requests at night is noise,
//     however large its share.
//
// Incidents are ranked by excess, the largest first. Work and memory are
// proportional to the minutes with traffic, whatever their span.

const (
	// DefaultIncidentAlpha is the family-wise false-alarm rate of the
	// incident test over a whole period of steady traffic.
	DefaultIncidentAlpha = 0.001
	// DefaultIncidentMinExcess is the least number of 5xx above the
	// baseline that make an incident.
	DefaultIncidentMinExcess = 10
	baselineRadius           = 60  // minutes either side
	baselineWeight           = 100 // requests of prior at the period's rate
	bridgeGap                = 3   // minutes between anomalous minutes of one stretch
	edgeAlpha                = 0.01
)

// IncidentOptions configure [FindIncidentsIn].
type IncidentOptions struct {
	// Pad is the number of minutes shown before and after each incident
	// (default 10).
	Pad int
	// Max is the number of incidents returned, the largest first
	// (default 3).
	Max int
	// MinExcess is the least number of 5xx responses above the baseline
	// that make an incident (default DefaultIncidentMinExcess).
	MinExcess float64
	// Alpha is the family-wise significance level (default
	// DefaultIncidentAlpha).
	Alpha float64
}

func (o *IncidentOptions) defaults() {
	if o.Pad <= 0 {
		o.Pad = 10
	}
	if o.Max == 0 {
		o.Max = 3
	}
	if o.MinExcess <= 0 {
		o.MinExcess = DefaultIncidentMinExcess
	}
	if o.Alpha <= 0 || o.Alpha >= 1 {
		o.Alpha = DefaultIncidentAlpha
	}
}

// FindIncidents is [FindIncidentsIn] in UTC.
func FindIncidents(minutes []Minute, o IncidentOptions) []Incident {
	return FindIncidentsIn(minutes, o, time.UTC)
}

// incMinute is one minute with traffic, for incident detection.
type incMinute struct {
	t        int64 // Unix minute
	n, e     int64 // requests, 5xx
	baseline float64
	hot      bool
	at       int // index of its first Minute in the sorted input
}

// FindIncidentsIn returns the incidents of minutes (see the package's
// incident detection above), at most o.Max, the largest excess first,
// each with a per-minute timeline from o.Pad minutes before it to o.Pad
// minutes after (minutes without traffic filled in). Times and labels are
// on loc's wall clock (nil: UTC).
func FindIncidentsIn(minutes []Minute, o IncidentOptions, loc *time.Location) []Incident {
	o.defaults()
	if len(minutes) == 0 || o.Max < 0 {
		return nil
	}
	if loc == nil {
		loc = time.UTC
	}
	ms := inTimeOrder(minutes)
	var im []incMinute
	var totN, totE int64
	for i, mi := range ms {
		t := floorDiv64(mi.Start.Unix(), 60)
		if len(im) == 0 || im[len(im)-1].t != t {
			im = append(im, incMinute{t: t, at: i})
		}
		x := &im[len(im)-1]
		x.n += mi.Hits
		x.e += mi.Classes.X5
		totN += mi.Hits
		totE += mi.Classes.X5
	}
	if totE == 0 || totN == 0 {
		return nil
	}
	logAlpha := math.Log(o.Alpha / float64(len(im)))

	// Pass 1: minutes anomalous against the rate of the calmer half of
	// the traffic (an outage may hold most of a short period's requests
	// and errors), left out of the baselines.

	// Repeated while it leaves out more: each round's rate is that of
	// the minutes not yet left out.
	var restN, restE int64
	byRate := make([]int, len(im)) // minutes by 5xx rate, lowest first
	for i := range byRate {
		byRate[i] = i
	}
	rates := make([]float64, len(im))
	for i, x := range im {
		rates[i] = float64(x.e) / float64(max(x.n, 1))
	}
	slices.SortFunc(byRate, func(a, b int) int { return cmp.Compare(rates[a], rates[b]) })
	for range 20 {
		p := calmRate(im, byRate)
		changed := false
		restN, restE = 0, 0
		for i := range im {
			x := &im[i]
			hot := x.hot || (x.e > 0 && logPoissonTail(x.e, float64(x.n)*p) < logAlpha)
			changed = changed || hot != x.hot
			x.hot = hot
			if !x.hot {
				restN += x.n
				restE += x.e
			}
		}
		if !changed {
			break
		}
	}
	g := (float64(restE) + 0.5) / (float64(restN) + 1)

	// Local baselines: sums over the non-anomalous minutes within
	// baselineRadius, with two pointers.
	var wn, we int64
	lo, hi := 0, 0
	for i := range im {
		for hi < len(im) && im[hi].t <= im[i].t+baselineRadius {
			if !im[hi].hot {
				wn += im[hi].n
				we += im[hi].e
			}
			hi++
		}
		for im[lo].t < im[i].t-baselineRadius {
			if !im[lo].hot {
				wn -= im[lo].n
				we -= im[lo].e
			}
			lo++
		}
		im[i].baseline = (float64(we) + baselineWeight*g) / (float64(wn) + baselineWeight)
	}
	// Pass 2: anomalous minutes against their local baseline.
	for i := range im {
		x := &im[i]
		x.hot = x.e > 0 && logPoissonTail(x.e, float64(x.n)*x.baseline) < logAlpha
	}

	var out []Incident
	for i := 0; i < len(im); i++ {
		if !im[i].hot {
			continue
		}
		a, b := i, i // first and last index of the stretch
		for j := i + 1; j < len(im) && im[j].t-im[b].t <= bridgeGap; j++ {
			if im[j].hot {
				b = j
			}
		}
		elevated := func(x incMinute) bool {
			return x.e > 0 && logPoissonTail(x.e, float64(x.n)*x.baseline) < math.Log(edgeAlpha)
		}
		for a > 0 && im[a-1].t == im[a].t-1 && elevated(im[a-1]) {
			a--
		}
		for b+1 < len(im) && im[b+1].t == im[b].t+1 && elevated(im[b+1]) {
			b++
		}
		i = b
		inc := Incident{What: "5xx"}
		var expected float64
		peak := a
		for k := a; k <= b; k++ {
			x := im[k]
			inc.Errors += x.e
			inc.Hits += x.n
			expected += float64(x.n) * x.baseline
			if x.e > im[peak].e {
				peak = k
			}
		}
		inc.Expected = expected
		inc.Excess = float64(inc.Errors) - expected
		lp := logPoissonTail(inc.Errors, expected)
		if inc.Excess < o.MinExcess || lp >= logAlpha {
			continue
		}
		inc.PValue = math.Exp(lp)
		inc.Rate = share(inc.Errors, inc.Hits)
		inc.Baseline = share64(expected, inc.Hits)
		inc.Start = minuteTime(im[a].t).In(loc).Format(rfc3339)
		inc.End = minuteTime(im[b].t + 1).In(loc).Format(rfc3339)
		inc.Peak = minuteTime(im[peak].t).In(loc).Format(rfc3339)
		inc.PeakErrors, inc.PeakHits = im[peak].e, im[peak].n
		inc.Minutes = incidentMinutes(ms, im, a, b, o.Pad, loc)
		out = append(out, inc)
	}
	slices.SortStableFunc(out, func(x, y Incident) int {
		if c := cmp.Compare(y.Excess, x.Excess); c != 0 {
			return c
		}
		return cmp.Compare(x.Start, y.Start)
	})
	if len(out) > o.Max {
		out = out[:o.Max]
	}
	return out
}

// calmRate returns the 5xx rate of the minutes with the lowest rates
// (byRate orders them) that hold half of the requests of the minutes not
// marked hot, smoothed so that it is never 0.
func calmRate(im []incMinute, byRate []int) float64 {
	var totN int64
	for i := range im {
		if !im[i].hot {
			totN += im[i].n
		}
	}
	var n, e int64
	for _, i := range byRate {
		if 2*n >= totN {
			break
		}
		if !im[i].hot {
			n += im[i].n
			e += im[i].e
		}
	}
	return (float64(e) + 0.5) / (float64(n) + 1)
}

// incidentMinutes returns the per-minute timeline of the stretch im[a..b]
// with pad minutes either side, minutes without traffic filled in.
func incidentMinutes(ms []Minute, im []incMinute, a, b, pad int, loc *time.Location) []Bucket {
	from, to := im[a].t-int64(pad), im[b].t+int64(pad)
	k, _ := slices.BinarySearchFunc(im, from, func(x incMinute, t int64) int { return cmp.Compare(x.t, t) })
	var out []Bucket
	for t := from; t <= to; t++ {
		var bk Bucket
		if k < len(im) && im[k].t == t {
			end := len(ms)
			if k+1 < len(im) {
				end = im[k+1].at
			}
			for _, mi := range ms[im[k].at:end] {
				mi.add(&bk)
			}
			k++
		}
		start := minuteTime(t).In(loc)
		bk.Start = start.Format(rfc3339)
		bk.Label = start.Format("15:04")
		out = append(out, bk)
	}
	return out
}

func minuteTime(m int64) time.Time { return time.Unix(m*60, 0) }

func share64(x float64, total int64) float64 {
	if total == 0 {
		return 0
	}
	return x / float64(total)
}

// logPoissonTail returns the natural log of P(X ≥ k) for X Poisson with
// mean lambda: 0 (probability 1) when k ≤ lambda, where no excess is to
// be judged. It is computed in logs, as tails of 1e-300 and below are
// common for an outage.
func logPoissonTail(k int64, lambda float64) float64 {
	if k <= 0 || float64(k) <= lambda {
		return 0
	}
	if lambda <= 0 {
		return math.Inf(-1)
	}
	// P(X ≥ k) = e^-λ λ^k / k! · Σ_{m≥0} λ^m k! / (k+m)!; the terms fall
	// since λ < k.
	lg, _ := math.Lgamma(float64(k) + 1)
	sum, term := 1.0, 1.0
	for m := int64(1); m < 100_000; m++ {
		term *= lambda / float64(k+m)
		sum += term
		if term < 1e-17*sum {
			break
		}
	}
	return -lambda + float64(k)*math.Log(lambda) - lg + math.Log(sum)
}
