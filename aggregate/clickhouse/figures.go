package clickhouse

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"math/bits"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/webalyze/webalyze/aggregate"
	"github.com/webalyze/webalyze/aggregate/geo"
	"github.com/webalyze/webalyze/aggregate/sketch"
	"github.com/webalyze/webalyze/aggregate/status"
)

// QueryOptions configure [Query].
type QueryOptions struct {
	// Table is the table (or Distributed table) to read; default "requests".
	Table string
	// Since and Until bound the time window [Since, Until) in Unix seconds
	// when HasSince / HasUntil are set; rows without a time are then left
	// out, as a local run filters them.
	Since, Until       int64
	HasSince, HasUntil bool
	// Location is the zone of the days that visitors are counted in; default
	// UTC. Its name must be one ClickHouse knows ("Europe/Paris").
	Location *time.Location
	// TopN is the number of rows of each top list; default 25.
	TopN int
	// DrillRows is the number of rows of each per-code drill-down list;
	// default aggregate.DefaultDrillCapacity.
	DrillRows int
	// DrillAllCodes gives every code drill-down lists, not only error codes.
	DrillAllCodes bool
	// PageExtensions are the extensions of pages, as aggregate.Options has
	// them; default aggregate.DefaultPageExtensions.
	PageExtensions []string
	// CountsOnly computes the counts only: totals, codes, sub-statuses,
	// win32 statuses and the per-minute series (what thresholds and
	// timelines read), not the visitors, top lists, drill-downs and
	// latencies, which are then empty.
	CountsOnly bool
	// ExactLatency computes exact quantiles (the value of rank
	// floor(q·(n-1)), by sorting every duration of a scope: memory grows
	// with the rows) instead of estimates within 1 %.
	ExactLatency bool
	// AgentRows is how many distinct user-agent strings the agent panels
	// classify (the busiest); default DefaultAgentRows. NoAgentPanels
	// leaves the panels out (Figures.AgentPanels nil).
	AgentRows     int
	NoAgentPanels bool
	// FoldRows is how many distinct raw values each extra panel's list
	// reads (see FoldedList); default DefaultFoldRows. NoExtras leaves the
	// extra panels out (Figures.Extras nil).
	FoldRows int
	NoExtras bool
	// Geo are the databases of the Countries and Networks panels
	// (--geoip-db); nil: none (Figures.Geo nil). GeoRows is how many
	// distinct client fields are looked up; default DefaultGeoRows.
	Geo     *geo.Set
	GeoRows int
	// ExcludeBots leaves the requests of crawlers out of every figure, as
	// --exclude-bots (agents.BotFilter) does: every distinct user agent of
	// the window is classified (at most MaxBotAgents of them, default
	// DefaultMaxBotAgents, else Query fails) and the bots' strings are left
	// out by a NOT IN of their literals. Figures.Bots counts their rows.
	ExcludeBots  bool
	MaxBotAgents int
	// VisitTimeout is the longest gap between two page requests of one
	// visit (whole seconds); default visits.DefaultTimeout. NoVisits
	// leaves the visits out (Figures.Visits nil).
	VisitTimeout time.Duration
	NoVisits     bool
}

// DefaultMaxBotAgents is how many distinct user agents ExcludeBots
// classifies at most.
const DefaultMaxBotAgents = 200000

// Figures are the report's figures as ClickHouse computes them: plain
// data, in the units of aggregate.State (counts, bytes, Unix seconds and
// minutes, microseconds).
//
// Exact, and equal to a local State's for the same records: Requests,
// Bytes, Pages, Files, NoStatus, Undated, Earliest, Latest, Codes,
// SubCodes, Win32, Minutes, the visitors (uniqExact: the State is exact
// up to its DistinctCapacity), the top lists' totals, distinct keys and
// rows (ordered by hits, then key, as sketch.TopK.Top), the drill-down
// lists, latency counts, minima and maxima, the agent panels (below
// AgentRows strings, see AgentFigures), the extras (below FoldRows
// values, see FoldedList) and the visits (see VisitsFigures). Estimates: latency quantiles, within 1 %
// (Latency.RelErr), unless QueryOptions.ExactLatency.
type Figures struct {
	Requests uint64
	// Bytes saturates at MaxUint64 (BytesSaturated), as the State's does.
	Bytes          uint64
	BytesSaturated bool
	Pages, Files   uint64
	// PageExtensions are the extensions Pages was counted with.
	PageExtensions []string
	NoStatus       uint64 // rows without a status
	NoBytes        uint64 // rows whose log gave no response size
	Undated        uint64 // rows without a time
	// Earliest and Latest are the first and last times (Unix seconds) of
	// dated rows, 0 when there are none.
	Earliest, Latest int64

	Codes    []CodeCount // by code
	SubCodes []SubCode   // by code, then sub-status
	Win32    []Win32     // by status

	Minutes []Minute // by minute, dated rows only
	// SubMinutes count the IIS sub-statuses per minute (dated rows with a
	// sub-status), by minute, code and sub-status.
	SubMinutes []SubMinute

	// DayVisitors counts visitors (client address + user agent) per day,
	// keyed by days since 1970-01-01 in QueryOptions.Location;
	// UndatedVisitors those of rows without a time. Visitors is their sum.
	DayVisitors     map[int64]uint64
	UndatedVisitors uint64
	Visitors        uint64
	DistinctClients uint64

	URLs, URLsQuery, Clients, Referrers, Agents, Methods, Protocols, VHosts TopList
	// Drills holds the top URLs and clients of each code that has a
	// drill-down (status.HasDrill, or every code with DrillAllCodes).
	Drills map[uint16]Drill

	// Latency of request times: scope "all", each class ("5xx"), each code
	// ("503"), and "upstream".
	Latency []Latency

	// AgentPanels are the browsers, systems, devices and bots; nil with
	// CountsOnly or NoAgentPanels.
	AgentPanels *AgentFigures
	// Extras are the referring sites, search, content, remote users and
	// status by virtual host; nil with CountsOnly or NoExtras.
	Extras *ExtrasFigures
	// Geo are the Countries and Networks panels; nil without
	// QueryOptions.Geo, or with CountsOnly.
	Geo *GeoFigures
	// Visits are the visits; nil with CountsOnly or NoVisits.
	Visits *VisitsFigures
	// Bots counts the rows that ExcludeBots left out (not in Requests).
	Bots uint64
}

// CodeCount is the traffic of one status code.
type CodeCount struct {
	Code        uint16
	Hits, Bytes uint64
}

// SubCode counts one IIS code.sub pair.
type SubCode struct {
	Code uint16
	Sub  uint32
	Hits uint64
}

// Win32 counts one IIS sc-win32-status value.
type Win32 struct {
	Status uint32
	Hits   uint64
}

// Minute is one minute's traffic; Codes by code.
type Minute struct {
	Minute                           int64 // Unix seconds / 60
	Requests, Bytes, Pages, NoStatus uint64
	Codes                            []CodeN
}

// SubMinute counts one IIS code.sub pair in one minute.
type SubMinute struct {
	Minute int64 // Unix seconds / 60
	Code   uint16
	Sub    uint32
	N      uint64
}

// CodeN is a count of one code.
type CodeN struct {
	Code uint16
	N    uint64
}

// TopList is a ranked list: Total hits over every key, Distinct keys, and
// the heaviest rows.
type TopList struct {
	Total, Distinct uint64
	Rows            []TopRow
}

// TopRow is one key of a [TopList]. Visitors is 0 in drill-down lists (as
// in the State's). Latency is set for URLs with request times.
type TopRow struct {
	Key                   string
	Hits, Bytes, Visitors uint64
	Latency               *Latency
}

// Drill is the drill-down of one status code.
type Drill struct{ URLs, Clients TopList }

// Latency summarises durations in microseconds; negative ones count as 0,
// as in the State. Count, Min and Max are exact. Quantiles are P50, P90,
// P95 and P99 of rank floor(q·(Count-1)): exact when RelErr is 0, else
// within RelErr (sketch.LatencyAccuracy, 1 %) of a value of that rank,
// from the State's own sketch (sketch.Latency) built by the server as
// counts per logarithmic bucket.
type Latency struct {
	Scope     string
	Count     uint64
	Min, Max  int64
	Quantiles [4]int64
	RelErr    float64
}

// latencyLevels are the quantiles of Latency.Quantiles.
var latencyLevels = [4]float64{0.5, 0.9, 0.95, 0.99}

// Query computes the Figures of the table's rows in the window.
func Query(ctx context.Context, c *Client, opts QueryOptions) (*Figures, error) {
	q, err := newQuerier(c, opts)
	if err != nil {
		return nil, err
	}
	f := &Figures{DayVisitors: map[int64]uint64{}, Drills: map[uint16]Drill{}, PageExtensions: q.exts}
	if q.opts.ExcludeBots {
		bots, n, err := q.botAgents(ctx, cmp.Or(q.opts.MaxBotAgents, DefaultMaxBotAgents))
		if err != nil {
			return nil, err
		}
		f.Bots = n
		if len(bots) > 0 {
			lits := make([]string, len(bots))
			for i, b := range bots {
				lits[i] = quote(b)
			}
			q.where = fmt.Sprintf("(%s) AND agent NOT IN (%s)", q.where, strings.Join(lits, ", "))
		}
	}
	steps := []func(context.Context, *Figures) error{
		q.totals, q.codes, q.subCodes, q.win32, q.minutes, q.subMinutes, q.visitors, q.tops, q.drills, q.latency,
	}
	if !opts.NoAgentPanels {
		steps = append(steps, q.agentPanels)
	}
	if !opts.NoExtras {
		steps = append(steps, q.extras)
	}
	if opts.Geo != nil {
		steps = append(steps, q.geo)
	}
	if !opts.NoVisits {
		steps = append(steps, q.visits)
	}
	if opts.CountsOnly {
		steps = steps[:6]
	}
	for _, step := range steps {
		if err := step(ctx, f); err != nil {
			return nil, err
		}
	}
	return f, nil
}

type querier struct {
	c     *Client
	opts  QueryOptions
	table string
	where string   // the window, always a valid condition
	tz    string   // quoted zone name
	page  string   // condition: path is a page
	exts  []string // page extensions: lower case, no dot, sorted, unique
	drill string   // condition: the row's code has a drill-down
	class string   // expression: class index of status
	ext   string   // expression: the path's extension, as logged
}

func newQuerier(c *Client, opts QueryOptions) (*querier, error) {
	if opts.Table == "" {
		opts.Table = "requests"
	}
	if err := checkTable(opts.Table); err != nil {
		return nil, err
	}
	opts.TopN = cmp.Or(opts.TopN, 25)
	opts.DrillRows = cmp.Or(opts.DrillRows, aggregate.DefaultDrillCapacity)
	opts.AgentRows = max(cmp.Or(opts.AgentRows, DefaultAgentRows), 1)
	opts.FoldRows = max(cmp.Or(opts.FoldRows, DefaultFoldRows), 1)
	opts.GeoRows = max(cmp.Or(opts.GeoRows, DefaultGeoRows), 1)
	if opts.Location == nil {
		opts.Location = time.UTC
	}
	zone := opts.Location.String()
	if zone == "Local" || zone == "" {
		return nil, fmt.Errorf("clickhouse: time zone %q: give a zone name such as Europe/Paris", zone)
	}
	if opts.PageExtensions == nil {
		opts.PageExtensions = aggregate.DefaultPageExtensions
	}
	q := &querier{c: c, opts: opts, table: opts.Table, where: "1", tz: quote(zone)}
	if opts.HasSince || opts.HasUntil {
		q.where = "has_time = 1"
		if opts.HasSince {
			q.where += fmt.Sprintf(" AND toUInt32(time) >= %d", min(max(opts.Since, 0), math.MaxUint32+1))
		}
		if opts.HasUntil {
			q.where += fmt.Sprintf(" AND toUInt32(time) < %d", min(max(opts.Until, 0), math.MaxUint32+1))
		}
	}
	// Lower case, without the dot, sorted and unique: the State's settings.
	for _, e := range opts.PageExtensions {
		q.exts = append(q.exts, strings.ToLower(strings.TrimPrefix(e, ".")))
	}
	slices.Sort(q.exts)
	q.exts = slices.Compact(q.exts)
	exts := make([]string, 0, len(q.exts))
	for _, e := range q.exts {
		exts = append(exts, quote(e))
	}
	// The extension is what follows the last dot of the last path segment
	// ("" without one), ASCII-lowered, at most 16 bytes: the State's rule.
	// Computed on the reversed path, byte by byte (no regular expression:
	// paths need not be UTF-8).
	rp := "reverse(path)"
	ext := fmt.Sprintf("if(position(%[1]s, '.') > 0 AND (position(%[1]s, '/') = 0 OR position(%[1]s, '.') < position(%[1]s, '/')), reverse(substring(%[1]s, 1, position(%[1]s, '.') - 1)), '')", rp)
	q.ext = ext
	q.page = fmt.Sprintf("(length(%[1]s) <= 16 AND lower(%[1]s) IN (%[2]s))", ext, strings.Join(exts, ", "))
	if len(exts) == 0 {
		q.page = "0"
	}
	var drill, class []string
	for code := range uint16(1000) {
		drill = append(drill, strconv.Itoa(int(flag(opts.DrillAllCodes || status.HasDrill(code)))))
		class = append(class, strconv.Itoa(status.ClassIndex(code)))
	}
	q.drill = "(has_status = 1 AND status < 1000 AND arrayElement([" + strings.Join(drill, ",") + "], status + 1) = 1)"
	q.class = "arrayElement([" + strings.Join(class, ",") + "], status + 1)"
	return q, nil
}

// bytesSum is the sum of bytes as two partial sums, 32 bits each, so
// that a sum past 2^64 is seen and saturated (see addBytes).
const bytesSum = "sum(intDiv(bytes, 4294967296)), sum(bitAnd(bytes, 4294967295))"

// joinBytes combines the two sums of bytesSum, saturating.
func joinBytes(hi, lo uint64, saturated *bool) uint64 {
	h, l := bits.Mul64(hi, 1<<32)
	sum, carry := bits.Add64(l, lo, 0)
	if h != 0 || carry != 0 {
		*saturated = true
		return math.MaxUint64
	}
	if sum == math.MaxUint64 && (hi != 0 || lo != 0) {
		*saturated = true
	}
	return sum
}

// rows runs a query and hands each row to fn through a field reader.
func (q *querier) rows(ctx context.Context, op, sql string, fn func(r *fields) error) error {
	var r fields
	var params url.Values
	// Literal lists (the bots left out, the agents' hashes) can pass the
	// server's default max_query_size, 256 KiB.
	if len(sql) > 200<<10 {
		params = url.Values{"max_query_size": {strconv.Itoa(len(sql) + 64<<10)}}
	}
	return q.c.query(ctx, op, sql+" FORMAT TabSeparated", params, func(f [][]byte) error {
		r = fields{f: f}
		if err := fn(&r); err != nil {
			return err
		}
		if r.err != nil {
			return q.c.fail(op, 0, "unexpected answer: "+r.err.Error())
		}
		return nil
	})
}

// fields reads the fields of one answer row in order, remembering the
// first error.
type fields struct {
	f   [][]byte
	i   int
	err error
}

func (r *fields) next() []byte {
	if r.i >= len(r.f) {
		if r.err == nil {
			r.err = fmt.Errorf("row has %d fields, wanted more", len(r.f))
		}
		return nil
	}
	r.i++
	return r.f[r.i-1]
}

func (r *fields) u64() uint64 {
	b := r.next()
	n, err := strconv.ParseUint(string(b), 10, 64)
	if err != nil && r.err == nil {
		r.err = err
	}
	return n
}

func (r *fields) i64() int64 {
	b := r.next()
	n, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil && r.err == nil {
		r.err = err
	}
	return n
}

func (r *fields) str() string { return string(r.next()) }

// quantiles reads an array of numbers such as "[1,2.5,3]", rounding to
// the nearest integer.
func (r *fields) quantiles() (out [4]int64) {
	b := strings.Trim(string(r.next()), "[]")
	parts := strings.Split(b, ",")
	if len(parts) != len(out) {
		if r.err == nil {
			r.err = fmt.Errorf("quantiles %q", b)
		}
		return out
	}
	for i, p := range parts {
		v, err := strconv.ParseFloat(p, 64)
		if err != nil && r.err == nil {
			r.err = err
		}
		out[i] = int64(math.Round(v))
	}
	return out
}

func (q *querier) totals(ctx context.Context, f *Figures) error {
	sql := fmt.Sprintf(`SELECT count(), %s, countIf(has_time = 0), countIf(has_status = 0 OR status > 999),
 countIf(%s), countIf(has_status = 1 AND status >= 200 AND status <= 299),
 toUInt32(minIf(time, has_time = 1)), toUInt32(maxIf(time, has_time = 1)), uniqExact(client), countIf(has_bytes = 0)
 FROM %s WHERE %s`, bytesSum, q.page, q.table, q.where)
	return q.rows(ctx, "totals of "+q.table, sql, func(r *fields) error {
		f.Requests = r.u64()
		f.Bytes = joinBytes(r.u64(), r.u64(), &f.BytesSaturated)
		f.Undated, f.NoStatus, f.Pages, f.Files = r.u64(), r.u64(), r.u64(), r.u64()
		f.Earliest, f.Latest = r.i64(), r.i64()
		if f.Requests == f.Undated {
			f.Earliest, f.Latest = 0, 0
		}
		f.DistinctClients = r.u64()
		f.NoBytes = r.u64()
		return nil
	})
}

func (q *querier) codes(ctx context.Context, f *Figures) error {
	sql := fmt.Sprintf("SELECT status, count(), %s FROM %s WHERE %s AND has_status = 1 AND status < 1000 GROUP BY status ORDER BY status",
		bytesSum, q.table, q.where)
	return q.rows(ctx, "status codes of "+q.table, sql, func(r *fields) error {
		c := CodeCount{Code: uint16(r.u64()), Hits: r.u64()}
		c.Bytes = joinBytes(r.u64(), r.u64(), &f.BytesSaturated)
		f.Codes = append(f.Codes, c)
		return nil
	})
}

func (q *querier) subCodes(ctx context.Context, f *Figures) error {
	sql := fmt.Sprintf(`SELECT status, sub_status, count() FROM %s
 WHERE %s AND has_status = 1 AND status < 1000 AND has_sub_status = 1
 GROUP BY status, sub_status ORDER BY status, sub_status`, q.table, q.where)
	return q.rows(ctx, "sub-status codes of "+q.table, sql, func(r *fields) error {
		f.SubCodes = append(f.SubCodes, SubCode{Code: uint16(r.u64()), Sub: uint32(r.u64()), Hits: r.u64()})
		return nil
	})
}

func (q *querier) win32(ctx context.Context, f *Figures) error {
	sql := fmt.Sprintf("SELECT win32_status, count() FROM %s WHERE %s AND has_win32_status = 1 GROUP BY win32_status ORDER BY win32_status",
		q.table, q.where)
	return q.rows(ctx, "win32 status of "+q.table, sql, func(r *fields) error {
		f.Win32 = append(f.Win32, Win32{Status: uint32(r.u64()), Hits: r.u64()})
		return nil
	})
}

func (q *querier) minutes(ctx context.Context, f *Figures) error {
	sql := fmt.Sprintf(`SELECT intDiv(toUInt32(time), 60) AS m, has_status = 1 AND status < 1000 AS coded, status,
 count(), %s, countIf(%s)
 FROM %s WHERE %s AND has_time = 1 GROUP BY m, coded, status ORDER BY m, coded, status`, bytesSum, q.page, q.table, q.where)
	return q.rows(ctx, "minutes of "+q.table, sql, func(r *fields) error {
		m, coded, code, n := r.i64(), r.u64(), uint16(r.u64()), r.u64()
		var sat bool
		b := joinBytes(r.u64(), r.u64(), &sat)
		pages := r.u64()
		if len(f.Minutes) == 0 || f.Minutes[len(f.Minutes)-1].Minute != m {
			f.Minutes = append(f.Minutes, Minute{Minute: m})
		}
		mi := &f.Minutes[len(f.Minutes)-1]
		mi.Requests += n
		mi.Pages += pages
		mi.Bytes = addSat(mi.Bytes, b, &f.BytesSaturated)
		if sat {
			f.BytesSaturated = true
		}
		if coded == 1 {
			mi.Codes = append(mi.Codes, CodeN{Code: code, N: n})
		} else {
			mi.NoStatus += n
		}
		return nil
	})
}

func (q *querier) subMinutes(ctx context.Context, f *Figures) error {
	sql := fmt.Sprintf(`SELECT intDiv(toUInt32(time), 60) AS m, status, sub_status, count() FROM %s
 WHERE %s AND has_time = 1 AND has_status = 1 AND status < 1000 AND has_sub_status = 1
 GROUP BY m, status, sub_status ORDER BY m, status, sub_status`, q.table, q.where)
	return q.rows(ctx, "sub-status minutes of "+q.table, sql, func(r *fields) error {
		f.SubMinutes = append(f.SubMinutes, SubMinute{Minute: r.i64(), Code: uint16(r.u64()), Sub: uint32(r.u64()), N: r.u64()})
		return nil
	})
}

// LatestTime is the latest time (Unix seconds) of the table's dated
// rows; ok is false when it holds none. It anchors a window relative to
// the end of the data.
func LatestTime(ctx context.Context, c *Client, table string) (latest int64, ok bool, err error) {
	if table == "" {
		table = "requests"
	}
	if err := checkTable(table); err != nil {
		return 0, false, err
	}
	sql := fmt.Sprintf("SELECT countIf(has_time = 1), toUInt32(maxIf(time, has_time = 1)) FROM %s FORMAT TabSeparated", table)
	op := "latest time of " + table
	err = c.Query(ctx, op, sql, func(fs [][]byte) error {
		r := fields{f: fs}
		n, t := r.u64(), r.i64()
		if r.err != nil {
			return c.fail(op, 0, "unexpected answer: "+r.err.Error())
		}
		latest, ok = t, n > 0
		return nil
	})
	return latest, ok, err
}

func addSat(a, b uint64, saturated *bool) uint64 {
	s, carry := bits.Add64(a, b, 0)
	if carry != 0 {
		*saturated = true
		return math.MaxUint64
	}
	return s
}

// visitorKey is the identity of a visitor-day: client address, user agent
// and day (the State mixes the day into its visitor hash). The address and
// agent are hashed to 64 bits first, as the State does, which makes the
// uniqExact of every top list cheaper than over the two strings.
func (q *querier) visitorKey() string {
	return fmt.Sprintf("cityHash64(client, agent), has_time, toUInt16(toDate(time, %s))", q.tz)
}

func (q *querier) visitors(ctx context.Context, f *Figures) error {
	sql := fmt.Sprintf(`SELECT has_time, toUInt16(toDate(time, %s)) AS day, uniqExact(client, agent)
 FROM %s WHERE %s GROUP BY has_time, day ORDER BY has_time, day`, q.tz, q.table, q.where)
	return q.rows(ctx, "visitors of "+q.table, sql, func(r *fields) error {
		dated, day, n := r.u64(), r.i64(), r.u64()
		if dated == 1 {
			f.DayVisitors[day] += n
		} else {
			f.UndatedVisitors += n
		}
		f.Visitors += n
		return nil
	})
}

// topSpec is one top list: the key expression and which rows count.
type topSpec struct {
	name, key, filter string
	dst               *TopList
	latency           bool
}

func (q *querier) tops(ctx context.Context, f *Figures) error {
	specs := []topSpec{
		{"URLs", "path", "1", &f.URLs, true},
		{"URLs with query", "concat(path, '?', query)", "query != ''", &f.URLsQuery, false},
		{"clients", "client", "1", &f.Clients, false},
		{"referrers", "referrer", "referrer_external = 1", &f.Referrers, false},
		{"agents", "agent", "1", &f.Agents, false},
		{"methods", "method", "1", &f.Methods, false},
		{"protocols", "protocol", "1", &f.Protocols, false},
		{"virtual hosts", "vhost", "vhost != ''", &f.VHosts, false},
	}
	for _, s := range specs {
		if err := q.top(ctx, s); err != nil {
			return err
		}
	}
	return nil
}

// latencies computes the Latency of v (a duration expression) over the
// rows where cond holds, for each value of group (an expression), keyed
// by that value as text. Exact quantiles sort every value of a group;
// estimates count the values per bucket of the State's sketch
// (sketch.Latency: bucket ceil(log_γ v), and one for v ≤ 0), which
// the server does for any number of rows in a few hundred buckets per
// group, and take the quantiles from that sketch.
func (q *querier) latencies(ctx context.Context, op, v, cond, group string) (map[string]Latency, error) {
	out := map[string]Latency{}
	where := fmt.Sprintf("(%s) AND (%s)", q.where, cond)
	if q.opts.ExactLatency {
		var parts []string
		for _, l := range latencyLevels {
			// Rank floor(q·(n-1)), 1-based in arrayElement.
			parts = append(parts, fmt.Sprintf("arrayElement(s, toUInt64(floor(%v * (length(s) - 1))) + 1)", l))
		}
		sql := fmt.Sprintf(`SELECT toString(%[1]s) AS g, count(), min(%[2]s), max(%[2]s),
 arrayMap(s -> [%[3]s], [arraySort(groupArray(%[2]s))])[1]
 FROM %[4]s WHERE %[5]s GROUP BY g`, group, v, strings.Join(parts, ", "), q.table, where)
		err := q.rows(ctx, op, sql, func(r *fields) error {
			g := r.str()
			// A constant group gives one row even over no rows.
			if l := (Latency{Count: r.u64(), Min: r.i64(), Max: r.i64(), Quantiles: r.quantiles()}); l.Count > 0 {
				out[g] = l
			}
			return nil
		})
		return out, err
	}
	sketches := map[string]*sketch.Latency{}
	bucket := fmt.Sprintf("if(%[1]s <= 0, toInt32(-1), toInt32(ceil(log(%[1]s) * %.17g)))", v, 1/math.Log((1+sketch.LatencyAccuracy)/(1-sketch.LatencyAccuracy)))
	sql := fmt.Sprintf(`SELECT toString(%[1]s) AS g, %[2]s AS b, count(), min(%[3]s), max(%[3]s)
 FROM %[4]s WHERE %[5]s GROUP BY g, b ORDER BY g, b`, group, bucket, v, q.table, where)
	err := q.rows(ctx, op, sql, func(r *fields) error {
		g, b, n, lo, hi := r.str(), r.i64(), r.u64(), r.i64(), r.i64()
		l := sketches[g]
		if l == nil {
			l = &sketch.Latency{Min: lo, Max: hi}
			sketches[g] = l
		}
		l.Count += n
		l.Min, l.Max = min(l.Min, lo), max(l.Max, hi)
		switch {
		case b < 0:
			l.Zero += n
		case len(l.Counts) == 0:
			l.Offset, l.Counts = int32(b), []uint64{n}
		default:
			// Buckets come in order: fill the gap up to b.
			for int64(l.Offset)+int64(len(l.Counts)) < b {
				l.Counts = append(l.Counts, 0)
			}
			l.Counts = append(l.Counts, n)
		}
		return nil
	})
	for g, l := range sketches {
		out[g] = Latency{Count: l.Count, Min: l.Min, Max: l.Max, RelErr: l.Accuracy(),
			Quantiles: [4]int64{l.P50(), l.P90(), l.Quantile(0.95), l.P99()}}
	}
	return out, err
}

const durationExpr = "greatest(duration_us, toInt64(0))"

func (q *querier) top(ctx context.Context, s topSpec) error {
	where := fmt.Sprintf("(%s) AND (%s)", q.where, s.filter)
	sql := fmt.Sprintf("SELECT count(), uniqExact(%s) FROM %s WHERE %s", s.key, q.table, where)
	if err := q.rows(ctx, "top "+s.name+" of "+q.table, sql, func(r *fields) error {
		s.dst.Total, s.dst.Distinct = r.u64(), r.u64()
		return nil
	}); err != nil {
		return err
	}
	// The heaviest keys first (ties by key, bytewise, as TopK.Top orders
	// them), then their figures: the visitors are counted for those keys
	// only, so memory does not grow with the distinct keys. GLOBAL IN runs
	// the subquery once, on the server asked, when the table is
	// Distributed (a plain IN would run it on every shard, over the
	// Distributed table again); on a local table it is a plain IN.
	topKeys := fmt.Sprintf("SELECT %[1]s AS k FROM %[2]s WHERE %[3]s GROUP BY k ORDER BY count() DESC, k LIMIT %[4]d",
		s.key, q.table, where, q.opts.TopN)
	sql = fmt.Sprintf(`SELECT %[1]s AS k, count() AS hits, %[2]s, uniqExact(%[3]s)
 FROM %[4]s WHERE %[5]s AND k GLOBAL IN (%[6]s)
 GROUP BY k ORDER BY hits DESC, k`, s.key, bytesSum, q.visitorKey(), q.table, where, topKeys)
	var sat bool
	if err := q.rows(ctx, "top "+s.name+" of "+q.table, sql, func(r *fields) error {
		row := TopRow{Key: r.str(), Hits: r.u64()}
		row.Bytes = joinBytes(r.u64(), r.u64(), &sat)
		row.Visitors = r.u64()
		s.dst.Rows = append(s.dst.Rows, row)
		return nil
	}); err != nil || !s.latency || len(s.dst.Rows) == 0 {
		return err
	}
	// The keys again by subquery: as literals, long URLs would pass the
	// server's max_query_size.
	cond := fmt.Sprintf("has_duration = 1 AND (%s) AND %s GLOBAL IN (%s)", s.filter, s.key, topKeys)
	lat, err := q.latencies(ctx, "latency of top "+s.name+" of "+q.table, durationExpr, cond, s.key)
	for i := range s.dst.Rows {
		if l, ok := lat[s.dst.Rows[i].Key]; ok {
			s.dst.Rows[i].Latency = &l
		}
	}
	return err
}

func (q *querier) drills(ctx context.Context, f *Figures) error {
	where := q.where + " AND " + q.drill
	sql := fmt.Sprintf("SELECT status, count(), uniqExact(path), uniqExact(client) FROM %s WHERE %s GROUP BY status ORDER BY status",
		q.table, where)
	if err := q.rows(ctx, "drill-down of "+q.table, sql, func(r *fields) error {
		code, n := uint16(r.u64()), r.u64()
		f.Drills[code] = Drill{URLs: TopList{Total: n, Distinct: r.u64()}, Clients: TopList{Total: n, Distinct: r.u64()}}
		return nil
	}); err != nil {
		return err
	}
	for _, dim := range []string{"path", "client"} {
		sql := fmt.Sprintf(`SELECT status, %[1]s AS k, count() AS hits, %[2]s FROM %[3]s WHERE %[4]s
 GROUP BY status, k ORDER BY status, hits DESC, k LIMIT %[5]d BY status`, dim, bytesSum, q.table, where, q.opts.DrillRows)
		var sat bool
		if err := q.rows(ctx, "drill-down "+dim+" of "+q.table, sql, func(r *fields) error {
			code := uint16(r.u64())
			row := TopRow{Key: r.str(), Hits: r.u64()}
			row.Bytes = joinBytes(r.u64(), r.u64(), &sat)
			d := f.Drills[code]
			if dim == "path" {
				d.URLs.Rows = append(d.URLs.Rows, row)
			} else {
				d.Clients.Rows = append(d.Clients.Rows, row)
			}
			f.Drills[code] = d
			return nil
		}); err != nil {
			return err
		}
	}
	return nil
}

func (q *querier) latency(ctx context.Context, f *Figures) error {
	coded := "has_duration = 1 AND has_status = 1 AND status < 1000"
	scopes := []struct {
		what, v, cond, group string
		name                 func(g string) (string, int, bool)
	}{
		{"latency", durationExpr, "has_duration = 1", "''", func(string) (string, int, bool) { return "all", 0, true }},
		{"latency by class", durationExpr, coded, q.class, func(g string) (string, int, bool) {
			ci, err := strconv.Atoi(g)
			if err != nil || ci < 0 || ci >= len(status.ClassNames) {
				return "", 0, false
			}
			return status.ClassNames[ci], ci, true
		}},
		{"latency by code", durationExpr, coded, "status", func(g string) (string, int, bool) {
			code, err := strconv.Atoi(g)
			return fmt.Sprintf("%03d", code), code, err == nil
		}},
		{"upstream latency", "greatest(upstream_us, toInt64(0))", "has_upstream = 1", "''", func(string) (string, int, bool) { return "upstream", 0, true }},
	}
	for _, sc := range scopes {
		lat, err := q.latencies(ctx, sc.what+" of "+q.table, sc.v, sc.cond, sc.group)
		if err != nil {
			return err
		}
		type scoped struct {
			order int
			l     Latency
		}
		var list []scoped
		for g, l := range lat {
			name, order, ok := sc.name(g)
			if !ok {
				return q.c.fail(sc.what, 0, fmt.Sprintf("unexpected group %q", g))
			}
			l.Scope = name
			list = append(list, scoped{order, l})
		}
		slices.SortFunc(list, func(a, b scoped) int { return cmp.Compare(a.order, b.order) })
		for _, x := range list {
			f.Latency = append(f.Latency, x.l)
		}
	}
	return nil
}
