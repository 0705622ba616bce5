package sketch

import (
	"math"
	"slices"
)

// LatencyAccuracy is the relative accuracy of [Latency] quantiles: a
// reported quantile is within 1 % of a value that has exactly that rank.
const LatencyAccuracy = 0.01

var (
	latGamma       = (1 + LatencyAccuracy) / (1 - LatencyAccuracy)
	latInvLogGamma = 1 / math.Log(latGamma)
)

// Latency is a quantile sketch of request times in microseconds, in the
// manner of DDSketch: value v ≥ 1 falls in bucket ceil(log_γ v) with
// γ = 1.01/0.99, and 0 (or less, counted as 0) in a bucket of its own, so
// every quantile has a relative error of at most [LatencyAccuracy]. Count,
// Sum, Min and Max are exact. Merging adds bucket counts, which is exact,
// associative and commutative. The zero value is empty and ready.
//
// Memory is 8 bytes per bucket between the smallest and largest value
// seen: about 116 buckets per factor of 10 in spread.
type Latency struct {
	Count    uint64
	Sum      uint64 // saturates at MaxUint64
	Min, Max int64
	Zero     uint64   // values ≤ 0
	Offset   int32    // bucket index of Counts[0]
	Counts   []uint64 // dense buckets; both ends non-zero when not empty
	// Shift coarsens the buckets: bucket k holds what the fine buckets
	// 2^Shift·(k-1)+1 .. 2^Shift·k would, so the sketch is 2^Shift times
	// smaller and its accuracy that of γ^(2^Shift) (see [Latency.Accuracy]).
	// Per-URL sketches use [EntryLatencyShift]. Sketches of different
	// Shift are never merged.
	Shift uint8
}

// EntryLatencyShift is the Shift of per-key (per-URL) latency sketches:
// about 8 % accuracy for an eighth of the memory, since a busy site has
// tens of thousands of URLs with request times and each sketch spans
// several decades.
const EntryLatencyShift = 3

// Accuracy returns the relative accuracy of l's quantiles.
func (l *Latency) Accuracy() float64 {
	if l.Shift == 0 {
		return LatencyAccuracy
	}
	g := l.gamma()
	return math.Round((g-1)/(g+1)*1e4) / 1e4 // 0.0798, not 0.07983241894211292
}

func (l *Latency) gamma() float64 {
	if l.Shift == 0 {
		return latGamma
	}
	return math.Pow(latGamma, float64(int(1)<<l.Shift))
}

// latencyIndex returns v's bucket, or -1 for v ≤ 0. It is computed once per
// record and given to every Latency the record goes into (see
// LatencyIndexes for the cache State.Add reads it through).
func latencyIndex(v int64) int32 {
	if v <= 0 {
		return -1
	}
	return int32(math.Ceil(math.Log(float64(v)) * latInvLogGamma))
}

// LatencyIndexes remembers latencyIndex of recent values. Request times
// repeat: IIS writes milliseconds, nginx $request_time too, and most
// requests take a few of them, while the logarithm is some 70 instructions.
// A slot holds v+1 and its index; 0 is empty (v ≥ 0 here).
type LatencyIndexes [256]struct {
	v1 int64
	i  int32
}

// Index returns latencyIndex(v) for v ≥ 0.
func (c *LatencyIndexes) Index(v int64) int32 {
	// Milliseconds in microseconds are multiples of 1000 (its three low
	// bits are zero): the slot comes from the high bits of a product.
	e := &c[uint64(v)*0x9e3779b97f4a7c15>>56]
	if e.v1 != v+1 {
		e.v1, e.i = v+1, latencyIndex(v)
	}
	return e.i
}

// Add adds one value in microseconds; negative values count as 0.
func (l *Latency) Add(v int64) { l.AddIndex(max(v, 0), latencyIndex(v)) }

func (l *Latency) AddIndex(v int64, i int32) {
	if l.Count == 0 || v < l.Min {
		l.Min = v
	}
	if l.Count == 0 || v > l.Max {
		l.Max = v
	}
	l.Count++
	l.Sum = AddSat(l.Sum, uint64(v))
	if i < 0 {
		l.Zero++
		return
	}
	if l.Shift > 0 {
		i = (i + 1<<l.Shift - 1) >> l.Shift // ceil(i / 2^Shift)
	}
	l.bucket(i, 1)
}

// bucket adds n to bucket i, growing Counts as needed.
func (l *Latency) bucket(i int32, n uint64) {
	switch {
	case len(l.Counts) == 0:
		l.Offset = i
		l.Counts = append(l.Counts[:0], n)
		return
	case i < l.Offset:
		grow := int(l.Offset - i)
		c := make([]uint64, len(l.Counts)+grow, len(l.Counts)+grow+8)
		copy(c[grow:], l.Counts)
		l.Counts, l.Offset = c, i
	case int(i-l.Offset) >= len(l.Counts):
		l.Counts = append(l.Counts, make([]uint64, int(i-l.Offset)-len(l.Counts)+1)...)
	}
	l.Counts[i-l.Offset] += n
}

// Merge folds o into l; o is unchanged.
func (l *Latency) Merge(o *Latency) {
	if o == nil || o.Count == 0 {
		return
	}
	if l.Count == 0 && len(l.Counts) == 0 {
		l.Shift = o.Shift
	}
	if o.Shift != l.Shift {
		// Fold the finer sketch into the coarser one's buckets.
		if o.Shift > l.Shift {
			l.coarsen(o.Shift)
		} else {
			c := o.Clone()
			c.coarsen(l.Shift)
			o = c
		}
	}
	if l.Count == 0 || o.Min < l.Min {
		l.Min = o.Min
	}
	if l.Count == 0 || o.Max > l.Max {
		l.Max = o.Max
	}
	l.Count += o.Count
	l.Sum = AddSat(l.Sum, o.Sum)
	l.Zero += o.Zero
	for k, n := range o.Counts {
		if n != 0 {
			l.bucket(o.Offset+int32(k), n)
		}
	}
}

// Quantile returns the q-quantile (0 ≤ q ≤ 1) in microseconds, within
// [LatencyAccuracy] of the value of rank floor(q·(Count-1)); 0 when empty.
// Quantile(0) is Min and Quantile(1) is Max exactly.
func (l *Latency) Quantile(q float64) int64 {
	if l.Count == 0 {
		return 0
	}
	q = min(max(q, 0), 1)
	if q == 0 {
		return l.Min
	}
	if q == 1 {
		return l.Max
	}
	rank := uint64(q * float64(l.Count-1))
	seen := l.Zero
	if seen > rank {
		return 0
	}
	for k, n := range l.Counts {
		seen += n
		if seen > rank {
			i := float64(l.Offset + int32(k))
			g := l.gamma()
			v := int64(math.Round(2 * math.Pow(g, i) / (g + 1)))
			return min(max(v, l.Min), l.Max)
		}
	}
	return l.Max
}

// Mean returns Sum/Count in microseconds, 0 when empty.
func (l *Latency) Mean() float64 {
	if l.Count == 0 {
		return 0
	}
	return float64(l.Sum) / float64(l.Count)
}

// P50, P90 and P99 are shorthands for Quantile.
func (l *Latency) P50() int64 { return l.Quantile(0.50) }

// P90 returns the 90th percentile; see [Latency.Quantile].
func (l *Latency) P90() int64 { return l.Quantile(0.90) }

// P99 returns the 99th percentile; see [Latency.Quantile].
func (l *Latency) P99() int64 { return l.Quantile(0.99) }

// coarsen re-buckets l with a larger Shift.
func (l *Latency) coarsen(shift uint8) {
	if shift <= l.Shift {
		return
	}
	old, off, d := l.Counts, l.Offset, shift-l.Shift
	l.Counts, l.Offset, l.Shift = nil, 0, shift
	for k, n := range old {
		if n != 0 {
			i := off + int32(k)
			l.bucket((i+1<<d-1)>>d, n)
		}
	}
}

// Clone returns a deep copy of l.
func (l *Latency) Clone() *Latency {
	c := *l
	c.Counts = slices.Clone(l.Counts)
	return &c
}

// AddSat adds with saturation at MaxUint64 instead of wrapping.
func AddSat(a, b uint64) uint64 {
	if s := a + b; s >= a {
		return s
	}
	return math.MaxUint64
}
