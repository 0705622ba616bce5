package aggregate

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/webalyze/webalyze/aggregate/dim"
	"github.com/webalyze/webalyze/aggregate/geo"
	"github.com/webalyze/webalyze/aggregate/ingest"
	"github.com/webalyze/webalyze/aggregate/refsites"
	"github.com/webalyze/webalyze/aggregate/search"
	"github.com/webalyze/webalyze/aggregate/sketch"
	"github.com/webalyze/webalyze/aggregate/status"
	"github.com/webalyze/webalyze/aggregate/timing"
	"github.com/webalyze/webalyze/aggregate/visits"
	"github.com/webalyze/webalyze/aggregate/win32"
	"github.com/webalyze/webalyze/parser"
)

// Defaults of [Options].
const (
	DefaultTopCapacity      = 100_000
	DefaultDrillCapacity    = 1_000
	DefaultDistinctCapacity = 100_000
	// DefaultSamples is how many malformed lines are kept per reason.
	DefaultSamples = 5
	// SampleTextMax is how many bytes of a malformed line a sample keeps.
	SampleTextMax = 512
)

// DefaultPageExtensions are the extensions of Webalizer "pages"; "" stands
// for a path whose last segment has no extension ("/", "/about").
var DefaultPageExtensions = []string{"htm", "html", "php", "asp", "aspx", "jsp", "cgi", "pl", "shtml", ""}

// Options configure a [State]. The zero value gives the defaults.
type Options struct {
	// TopCapacity is the exact capacity of each top list (URLs, clients,
	// agents...); default DefaultTopCapacity. Above it a list keeps its
	// TopCapacity heaviest keys with a stated error.
	TopCapacity int
	// DrillCapacity is the capacity of the per-status-code lists of URLs
	// and clients; default DefaultDrillCapacity.
	DrillCapacity int
	// DistinctCapacity is how many values a unique counter (clients,
	// visitors of a day) counts exactly before it switches to
	// HyperLogLog; default DefaultDistinctCapacity.
	DistinctCapacity int
	// PageExtensions lists, in lower case and without the dot, the
	// extensions of requests counted as pages; "" means no extension.
	// Default (nil): DefaultPageExtensions.
	PageExtensions []string
	// Location is the zone of day and hour buckets and of the day in a
	// visitor's identity; default (nil) UTC. It must be the same in States
	// that are merged.
	Location *time.Location
	// Samples is how many malformed lines are kept per reason; default
	// DefaultSamples.
	Samples int
	// DrillAllCodes keeps drill-down lists for every status code, success
	// and redirect codes included; by default only error codes have them
	// (see [HasDrill]), which saves a third of the aggregation time.
	DrillAllCodes bool
	// SiteHosts are the site's own host names (--site), compared without
	// port and case: a referrer on one of them is internal, also for
	// records that have no virtual host. See [State.Referrers].
	SiteHosts []string
	// Dimensions are the State's dimension aggregators (user agents,
	// countries, visits...): prototypes, of which every State made with
	// these Options gets its own [dim.Dimension.New], in this order. Each
	// is fed every parsed record, merged, checked and saved as its own
	// section of the state file. Section names must differ.
	Dimensions []dim.Dimension
	// Filter, when set, leaves records out of every figure
	// (--exclude-bots): they are counted as filtered, by the filter's
	// reason (see [State.FilteredReasons]). Every State gets its own
	// [dim.Filter.New].
	Filter dim.Filter
}

// NotHTTPMethod is the key under which Methods counts requests whose
// request line is not HTTP (see parser.Record.NotHTTP): junk, TLS
// handshakes on a plain port. It holds a space, so no method is spelled
// like it.
const NotHTTPMethod = "not HTTP"

var notHTTP = []byte(NotHTTPMethod)

// Settings are the Options as a State records them (Location by name), so
// that a decoded State knows what it was built with.
type Settings struct {
	TopCapacity, DrillCapacity, DistinctCapacity, Samples int
	DrillAllCodes                                         bool
	PageExtensions                                        []string
	Zone                                                  string // Location.String()
	// SiteHosts are Options.SiteHosts, in lower case without port.
	SiteHosts []string
}

// Lines counts what became of every line read. Read = Parsed + Malformed +
// Skipped + Filtered always holds (see [State.Check]).
type Lines struct {
	Read, Parsed, Malformed, Skipped, Filtered uint64
}

// Malformed describes one malformed line for [State.AddMalformed].
type Malformed = ingest.Malformed

// Sample is a kept malformed line.
type Sample struct {
	File    string
	Line    int64
	Offset  int64
	Column  int
	Field   string
	Detail  string
	Text    string // raw bytes of the line, at most SampleTextMax; escape before showing
	TextLen int    // length of the whole line
}

// FileError is a file-level error (unreadable input, truncated stream...).
type FileError struct {
	File string
	Err  string
	// At is when the run that met the error started (Unix seconds): set
	// by [State.DateFileErrors] when an incremental run saves its state;
	// 0 when unknown (states written before it was recorded).
	At int64
}

// Drill is the drill-down of one status code: where it happened. Its lists
// do not count visitors (NoVisitors).
type Drill struct {
	URLs    *sketch.TopK
	Clients *sketch.TopK
}

// State is the whole aggregation of a run: every counter, series, list and
// sketch a report shows. Build one with [New], feed it with Add and the
// other Add* methods (one State per goroutine: a State is not safe for
// concurrent use), fold States together with [State.Merge], and save one
// with [State.Encode]. Its exported fields are the core; the rest are its
// dimensions (see the package doc): the core's own, [State.Times] and
// [State.Win32], and those of Options.Dimensions ([State.Dimension]).
//
// Invariants ([State.Check]): Lines.Read = Parsed + Malformed + Skipped +
// Filtered; Requests = Parsed; the sum of Codes plus NoStatus is Parsed,
// and so is the sum of the classes; the minute buckets' Requests plus
// Undated is Parsed; a minute's sub-status counts of a code sum to at most
// its count of the code, and a code.sub's minute counts plus its
// SubCodesUntimed to at most its SubCodes.
type State struct {
	Settings Settings

	Lines            Lines
	MalformedReasons map[parser.Reason]uint64
	// FilteredReasons counts the lines a filter (Options.Filter) left
	// out, by its reason; lines outside the --since/--until window are
	// the rest of Lines.Filtered. Nil when no filter left any out.
	FilteredReasons map[string]uint64
	SkippedReasons  map[parser.Reason]uint64
	// Samples keeps, per malformed reason, the Settings.Samples lines that
	// come first by (File, Line, Offset), whatever the merge order.
	Samples map[parser.Reason][]Sample
	// FileErrors are kept in the order they were added; Merge appends the
	// other State's errors.
	FileErrors []FileError
	// EarlierErrors are the file errors of earlier runs of an incremental
	// series (see [State.RetireFileErrors]), oldest first, at most
	// MaxEarlierErrors: history for a report, never a fault of this run.
	EarlierErrors []FileError
	// Formats maps each input to the name of its format.
	Formats map[string]string

	Requests uint64
	// Bytes is the sum of response sizes. It saturates at MaxUint64 rather
	// than wrap; BytesSaturated says that happened (here or in a minute).
	Bytes          uint64
	BytesSaturated bool
	// Pages counts requests whose path ends in a page extension
	// (Options.PageExtensions), whatever the status; Files counts requests
	// answered with a 2xx code (The Webalizer counts 200 only).
	Pages, Files uint64
	// NoBytes counts requests whose log gave no response size (an IIS
	// log without sc-bytes, a format without %b): Bytes covers the
	// others only. A state file written before it has 0.
	NoBytes uint64

	// Codes counts records per status code (000-999) and CodeBytes their
	// response bytes. NoStatus counts records without a status (formats
	// without one; a status over 999, which parsers never give, too).
	Codes     [1000]uint64
	CodeBytes [1000]uint64
	NoStatus  uint64
	// SubCodes counts IIS code.sub pairs, keyed by SubKey(code, sub); a
	// 404 with sc-substatus 2 is in Codes[404] and SubCodes[SubKey(404, 2)].
	SubCodes map[uint64]uint64

	// Minutes holds the finest time series, keyed by Unix minute (Unix
	// seconds / 60). Records without a time are in no bucket: they are
	// counted in Undated (and so is their status, in Codes).
	Minutes map[int64]*MinuteBucket
	Undated uint64
	// MinuteSubCodes says the minute buckets count sub-statuses
	// (MinuteBucket.SubCodes); New sets it. A state file written before
	// they did lacks it, and Decode moves that state's SubCodes into
	// SubCodesUntimed. SubCodesUntimed counts, by SubKey, the records of
	// SubCodes whose minute is unknown (nil when there are none): a
	// per-window count of such a code.sub would be too low.
	MinuteSubCodes  bool
	SubCodesUntimed map[uint64]uint64
	// Earliest and Latest are the first and last instants (Unix seconds)
	// of dated records; both are 0 when there are none (Requests ==
	// Undated).
	Earliest, Latest int64

	// Marks are where an incremental run (--state) left each input; they
	// are saved with the State and are not merged (see [State.Merge]).
	Marks []InputMark

	// Visitors counts unique visitors per day, keyed by day number (days
	// since 1970-01-01 in the State's location): a visitor is a client
	// address + user agent on one day, as GoAccess defines it.
	// UndatedVisitors counts them for records without a time.
	Visitors        map[int64]*sketch.Distinct
	UndatedVisitors *sketch.Distinct
	// ClientAddrs counts distinct client addresses.
	ClientAddrs *sketch.Distinct

	// Top lists. Every record counts in URLs (path without query),
	// Clients, Agents, Methods and Protocols, under the empty key when the
	// field is absent. URLsQuery counts the records that have a query
	// string, by path?query (the others are in URLs already, and counting
	// them twice would cost a quarter of the aggregation time). VHosts
	// counts records with a virtual host. Referrers counts external referrers only: a non-empty
	// referrer other than "-" whose host (between "://" and the next "/",
	// without user info and port, case-insensitive) is neither the
	// request's virtual host (without port) nor one of Settings.SiteHosts;
	// when the record has no virtual host and no site host is given,
	// every referrer is external.
	URLs, URLsQuery, Clients, Referrers, Agents, Methods, Protocols, VHosts *sketch.TopK
	// Drills holds, for each error status code seen (see [HasDrill]: 4xx,
	// 5xx, 000 and non-standard codes), its top URLs and clients. Success
	// and redirect codes have none unless Options.DrillAllCodes is set:
	// their lists churn the most and cost more than all others together.
	Drills map[uint16]*Drill

	// Not encoded: derived when a State is built or decoded.
	loc       *time.Location
	zone      zoneCache
	pageExt   map[string]struct{}
	pageExt8  []uint64 // the page extensions of up to 7 bytes, packed (see packExt)
	curMinute int64
	curBucket *MinuteBucket
	curDay    int64
	curDayD   *sketch.Distinct
	drill     [1000]*Drill
	scratch   []byte
	shard     *shardOut // set while the State is a worker's in a sharded Run
	batch     *batching // while it batches (see batchLocal)
	latIdx    sketch.LatencyIndexes
	sink      uint64        // see Add: keeps the index peeks from being optimised away
	times     *timing.Times // the core's dimensions (see coredims.go), also in dims
	win32     *win32.Counts
	dims      []dim.Dimension // every dimension: the core's own first, then Options.Dimensions
	ext       []dim.Dimension // Options.Dimensions: fed through a dim.Hit
	fed       []dim.Dimension // those of ext handed every Hit (see wireExt)
	visits    *visits.Visits  // the visits dimension of ext, fed by route
	geo       *geo.Aggregator // the countries of ext, fed by the client list (see apply)
	refsites  *refsites.Sites // the referring sites of ext, fed by the referrer list (see apply)
	search    *search.Search  // the search of ext, its phrases fed by the referrer list (see apply)
	// refHostFed: a dimension of fed reads dim.Hit.RefHost of every
	// external referrer (see wireExt).
	refHostFed bool
	// refMemos are the memos of the dimensions fed by the referrer list,
	// by the index of the referrer's entry (see referrerMemo).
	refMemos []dim.ReferrerMemo
	filter   dim.Filter
	hit      dim.Hit // handed to the dimensions (see addDims)
}

// SubKey is the key of [State.SubCodes] for code.sub.
func SubKey(code uint16, sub uint32) uint64 { return status.SubKey(code, sub) }

// New returns an empty State.
func New(opts Options) *State {
	set := Settings{
		TopCapacity:      cmp.Or(opts.TopCapacity, DefaultTopCapacity),
		DrillCapacity:    cmp.Or(opts.DrillCapacity, DefaultDrillCapacity),
		DistinctCapacity: cmp.Or(opts.DistinctCapacity, DefaultDistinctCapacity),
		Samples:          cmp.Or(opts.Samples, DefaultSamples),
		DrillAllCodes:    opts.DrillAllCodes,
		PageExtensions:   opts.PageExtensions,
		Zone:             "UTC",
	}
	if set.PageExtensions == nil {
		set.PageExtensions = DefaultPageExtensions
	}
	set.PageExtensions = slices.Clone(set.PageExtensions)
	for i, e := range set.PageExtensions {
		set.PageExtensions[i] = strings.ToLower(strings.TrimPrefix(e, "."))
	}
	slices.Sort(set.PageExtensions)
	set.PageExtensions = slices.Compact(set.PageExtensions)
	for _, h := range opts.SiteHosts {
		if h = SiteHost(h); h != "" && !slices.Contains(set.SiteHosts, h) {
			set.SiteHosts = append(set.SiteHosts, h)
		}
	}
	loc := time.UTC
	if opts.Location != nil {
		loc = opts.Location
		set.Zone = loc.String()
	}
	top := set.TopCapacity
	s := &State{
		Settings:         set,
		MinuteSubCodes:   true,
		MalformedReasons: map[parser.Reason]uint64{},
		SkippedReasons:   map[parser.Reason]uint64{},
		Samples:          map[parser.Reason][]Sample{},
		Formats:          map[string]string{},
		SubCodes:         map[uint64]uint64{},
		Minutes:          map[int64]*MinuteBucket{},
		Visitors:         map[int64]*sketch.Distinct{},
		UndatedVisitors:  sketch.NewDistinct(set.DistinctCapacity),
		ClientAddrs:      sketch.NewDistinct(set.DistinctCapacity),
		URLs:             sketch.NewTopK(top),
		URLsQuery:        sketch.NewTopK(top),
		Clients:          sketch.NewTopK(top),
		Referrers:        sketch.NewTopK(top),
		Agents:           sketch.NewTopK(top),
		Methods:          sketch.NewTopK(top),
		Protocols:        sketch.NewTopK(top),
		VHosts:           sketch.NewTopK(top),
		Drills:           map[uint16]*Drill{},
	}
	s.setup(loc)
	s.newDims(opts.Dimensions, opts.Filter)
	return s
}

// setup derives the unexported fields from the exported ones.
func (s *State) setup(loc *time.Location) {
	s.loc = loc
	s.zone = newZoneCache(loc)
	s.pageExt = map[string]struct{}{}
	s.pageExt8 = nil
	for _, e := range s.Settings.PageExtensions {
		s.pageExt[e] = struct{}{}
		if len(e) <= 7 {
			s.pageExt8 = append(s.pageExt8, packExt([]byte(e)))
		}
	}
	s.curBucket, s.curDayD = nil, nil
	s.drill = [1000]*Drill{}
	for c, d := range s.Drills {
		if c < 1000 {
			s.drill[c] = d
		}
	}
}

// Location returns the zone of the State's day and hour buckets.
func (s *State) Location() *time.Location { return s.loc }

// Add aggregates one parsed record. It keeps nothing that points into rec.
// In the steady state (keys already seen) it does not allocate.
func (s *State) Add(rec *parser.Record) {
	if s.filter != nil && s.excluded(rec) {
		return
	}
	s.Lines.Read++
	s.Lines.Parsed++
	s.Requests++
	s.addBytes(&s.Bytes, rec.Bytes)
	if !rec.HasBytes {
		s.NoBytes++
	}

	code := rec.Status
	hasCode := rec.HasStatus && code < 1000
	if hasCode {
		s.Codes[code]++
		s.addBytes(&s.CodeBytes[code], rec.Bytes)
		if rec.HasSubStatus {
			if b := s.batch; b != nil && rec.SubStatus == 0 {
				b.subZero[code]++
			} else {
				s.SubCodes[status.SubKey(code, rec.SubStatus)]++
			}
		}
		if code-200 < 100 {
			s.Files++
		}
	} else {
		s.NoStatus++
	}
	if rec.HasWin32Status {
		s.win32.Count(rec.Win32Status)
	}
	ext, page := s.extPage(rec.Path)
	if page {
		s.Pages++
	}

	// Hash every key once: the hashes index the lists below (a path for
	// the URL list and its drill-down), make the visitor identity and
	// pick the worker that owns a key.
	client := sketch.HashKey(rec.Host)
	hPath := sketch.HashKey(rec.Path)
	hAgent := sketch.HashKey(rec.UserAgent)
	// The dimensions are handed the referrer's host and the virtual
	// host's hash, which are worked out here once for all of them.
	dims := len(s.ext) > 0
	var refHost []byte
	var external bool
	var hVHost uint64
	if dims && len(rec.VHost) > 0 {
		hVHost = sketch.HashKey(rec.VHost)
	}
	if dims && (s.refHostFed || len(rec.VHost) > 0 || len(s.Settings.SiteHosts) > 0) {
		// The rule needs the host, or a dimension reads it (dim.Hit.RefHost).
		refHost, external = refsites.ExternalHost(rec.Referer, rec.VHost, s.Settings.SiteHosts)
	} else {
		external = isExternalReferrer(rec.Referer, rec.VHost, s.Settings.SiteHosts)
	}
	var hRef, hQuery uint64
	if external {
		hRef = sketch.HashKey(rec.Referer)
	}
	if len(rec.Query) > 0 {
		s.scratch = append(append(append(s.scratch[:0], rec.Path...), '?'), rec.Query...)
		hQuery = sketch.HashKey(s.scratch)
	}
	identity := sketch.VisitorHash(client, hAgent)
	visitor := identity
	var day int64
	if rec.HasTime {
		// A visitor is per day: the lists count visitor-days, as GoAccess
		// counts its visitors.
		day = floorDiv(rec.Time+s.zone.offset(rec.Time), 86400)
		visitor = sketch.VisitorDay(visitor, day)
	}
	var lat int64 // request time and its latency bucket
	var latIdx int32
	if rec.HasDuration {
		lat = max(rec.Duration, 0)
		latIdx = s.latIdx.Index(lat)
	}
	// Touch what each big list will read (for the keys this worker owns,
	// see shard.go) before updating any (see TopK.Peek): their cache
	// misses overlap instead of queueing. A batching State's sharded lists
	// are prefetched by applyOps instead, many records ahead.
	var sink uint64
	if !headroomNoLists {
		sink = s.Agents.Peek(hAgent, visitor)
		if s.batch == nil {
			if s.owns(hPath) {
				sink ^= s.URLs.Peek(hPath, visitor)
			}
			if s.owns(client) {
				sink ^= s.Clients.Peek(client, visitor)
			}
			if external && s.owns(hRef) {
				sink ^= s.Referrers.Peek(hRef, visitor)
			}
			if len(rec.Query) > 0 && s.owns(hQuery) {
				sink ^= s.URLsQuery.Peek(hQuery, visitor)
			}
		}
	}
	s.sink = sink
	var agentKey string // the Agents list's key of rec.UserAgent, for the dimensions

	// seen: this State counted the visitor-day before (see
	// dim.Hit.SeenVisitor).
	var seen bool
	if rec.HasTime {
		seen = !s.addTime(rec.Time, day, code, hasCode, rec.Bytes, visitor, page)
		if hasCode && rec.HasSubStatus {
			s.curBucket.addSub(code, rec.SubStatus, 1)
		}
	} else {
		s.Undated++
		seen = !s.UndatedVisitors.AddNew(visitor)
	}

	if !headroomNoLists {
		s.route(shardOp{list: shardURLs, h: hPath, bytes: rec.Bytes, visitor: visitor,
			hasLatency: rec.HasDuration, latency: lat, latencyIndex: latIdx}, rec.Path)
		if len(rec.Query) > 0 {
			s.route(shardOp{list: shardURLsQuery, h: hQuery, bytes: rec.Bytes, visitor: visitor}, s.scratch)
		}
		g := geo.ErrClass(code, hasCode) // shardOp.geo
		if seen {
			g |= geoSeen
		}
		s.route(shardOp{list: shardClients, h: client, bytes: rec.Bytes, visitor: visitor, geo: g}, rec.Host)
		agentKey = s.Agents.AddHashed(rec.UserAgent, hAgent, rec.Bytes, visitor).Key
		method := rec.Method
		if rec.NotHTTP() {
			method = notHTTP
		}
		s.Methods.Add(method, rec.Bytes, visitor)
		s.Protocols.Add(rec.Protocol, rec.Bytes, visitor)
		if hVHost != 0 {
			s.VHosts.AddHashed(rec.VHost, hVHost, rec.Bytes, visitor)
		} else if len(rec.VHost) > 0 {
			s.VHosts.Add(rec.VHost, rec.Bytes, visitor)
		}
		if external {
			s.route(shardOp{list: shardReferrers, h: hRef, bytes: rec.Bytes, visitor: visitor}, rec.Referer)
		}
		if hasCode && (status.HasDrill(code) || s.Settings.DrillAllCodes) {
			d := s.drillFor(code)
			d.URLs.AddHashed(rec.Path, hPath, rec.Bytes, visitor)
			d.Clients.AddHashed(rec.Host, client, rec.Bytes, visitor)
		}
	}

	if rec.HasDuration || rec.HasUpstream {
		s.times.AddTimed(rec, lat, latIdx, code, hasCode)
	}
	if dims {
		s.addDims(rec, client, hPath, hAgent, identity, visitor, day, code, hasCode, page, seen, external && !headroomNoLists, refHost, ext, hVHost, agentKey)
	}
}

func (s *State) addBytes(dst *uint64, n uint64) {
	v := sketch.AddSat(*dst, n)
	if v == math.MaxUint64 && n != 0 {
		s.BytesSaturated = true
	}
	*dst = v
}

// addTime puts a record in its minute bucket and its visitor (already
// mixed with its day) in its day, and reports whether the visitor may be
// new to the day (sketch.Distinct.AddNew).
func (s *State) addTime(sec, day int64, code uint16, hasCode bool, n uint64, visitor uint64, page bool) bool {
	if s.Requests-s.Undated == 1 || sec < s.Earliest {
		s.Earliest = sec
	}
	if s.Requests-s.Undated == 1 || sec > s.Latest {
		s.Latest = sec
	}
	minute := floorDiv(sec, 60)
	b := s.curBucket
	if b == nil || minute != s.curMinute {
		b = s.Minutes[minute]
		if b == nil {
			b = &MinuteBucket{}
			s.Minutes[minute] = b
		}
		s.curMinute, s.curBucket = minute, b
	}
	b.Requests++
	if page {
		b.Pages++
	}
	s.addBytes(&b.Bytes, n)
	if hasCode {
		b.addCode(code, 1)
	}
	d := s.curDayD
	if d == nil || day != s.curDay {
		d = s.Visitors[day]
		if d == nil {
			d = sketch.NewDistinct(s.Settings.DistinctCapacity)
			s.Visitors[day] = d
		}
		s.curDay, s.curDayD = day, d
	}
	return d.AddNew(visitor)
}

func (s *State) drillFor(code uint16) *Drill {
	d := s.drill[code]
	if d == nil {
		d = &Drill{URLs: sketch.NewTopK(s.Settings.DrillCapacity), Clients: sketch.NewTopK(s.Settings.DrillCapacity)}
		d.URLs.NoVisitors, d.Clients.NoVisitors = true, true
		s.drill[code] = d
		s.Drills[code] = d
	}
	return d
}

// isPage reports whether path's last segment has a page extension.
func (s *State) isPage(path []byte) bool {
	_, page := s.extPage(path)
	return page
}

// extPage returns the extension of path's last segment (after its last
// dot, a sub-slice of path, empty when there is none) and whether it is a
// page extension.
func (s *State) extPage(path []byte) (ext []byte, page bool) {
	// The extension follows the last dot of the last segment: scanning
	// back from the end, a dot before any slash. One short scan instead
	// of two searches of the segment (the generic LastIndexByte is a byte
	// loop: 150 instructions per record).
	for i := len(path) - 1; i >= 0; i-- {
		if c := path[i]; c == '.' {
			ext = path[i+1:]
			break
		} else if c == '/' {
			break
		}
	}
	var buf [16]byte
	if len(ext) > len(buf) {
		return ext, false
	}
	for i, c := range ext {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	if len(ext) <= 7 {
		// A short list of packed words is searched faster than a map.
		return ext, slices.Contains(s.pageExt8, packExt(buf[:len(ext)]))
	}
	_, ok := s.pageExt[string(buf[:len(ext)])]
	return ext, ok
}

// packExt packs an extension of up to 7 bytes and its length into a word.
func packExt(e []byte) uint64 {
	v := uint64(len(e))
	for i, c := range e {
		v |= uint64(c) << (8 * (i + 1))
	}
	return v
}

// isExternalReferrer applies the rule documented on [State.Referrers]
// (refsites.IsExternal, which the referring sites count by too); sites
// are in lower case without port.
func isExternalReferrer(ref, vhost []byte, sites []string) bool {
	return refsites.IsExternal(ref, vhost, sites)
}

// SiteHost normalises a --site host name as Settings.SiteHosts holds it:
// lower case, without scheme, path or port.
func SiteHost(s string) string { return refsites.SiteHost(s) }

// AddMalformed counts one malformed line and keeps it as a sample when it
// is among the first Settings.Samples of its reason by (File, Line,
// Offset). m.Text is copied.
func (s *State) AddMalformed(m Malformed) {
	s.Lines.Read++
	s.Lines.Malformed++
	s.MalformedReasons[m.Reason]++
	text := m.Text
	if len(text) > SampleTextMax {
		text = text[:SampleTextMax]
	}
	s.addSample(m.Reason, Sample{File: m.File, Line: m.Line, Offset: m.Offset, Column: m.Column,
		Field: m.Field, Detail: m.Detail, Text: string(text), TextLen: len(m.Text)})
}

func compareSamples(a, b Sample) int {
	return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line), cmp.Compare(a.Offset, b.Offset),
		cmp.Compare(a.Column, b.Column), cmp.Compare(a.Detail, b.Detail), cmp.Compare(a.Text, b.Text))
}

func (s *State) addSample(r parser.Reason, x Sample) {
	list := s.Samples[r]
	n := max(s.Settings.Samples, 0)
	if len(list) >= n && (n == 0 || compareSamples(x, list[len(list)-1]) >= 0) {
		return
	}
	i, _ := slices.BinarySearchFunc(list, x, compareSamples)
	list = slices.Insert(list, i, x)
	if len(list) > n {
		list = list[:n]
	}
	s.Samples[r] = list
}

// AddSkipped counts n lines skipped for reason (directives, blank lines).
func (s *State) AddSkipped(reason parser.Reason, n uint64) {
	s.Lines.Read += n
	s.Lines.Skipped += n
	s.SkippedReasons[reason] += n
}

// AddFiltered counts n lines left out by the time window or a filter.
func (s *State) AddFiltered(n uint64) {
	s.Lines.Read += n
	s.Lines.Filtered += n
}

// AddFileError records a file-level error, after the earlier ones.
func (s *State) AddFileError(file string, err string) {
	s.FileErrors = append(s.FileErrors, FileError{File: file, Err: err})
}

// MaxEarlierErrors bounds [State.EarlierErrors]; the oldest go first.
const MaxEarlierErrors = 100

// DateFileErrors stamps the file errors of this run that have no date with
// at (Unix seconds), before the State is saved.
func (s *State) DateFileErrors(at int64) {
	for i := range s.FileErrors {
		if s.FileErrors[i].At == 0 {
			s.FileErrors[i].At = at
		}
	}
}

// RetireFileErrors moves s's file errors into EarlierErrors. An
// incremental run calls it on the state it loads: a file error belongs to
// the run that met it (a log missing on day 1 is no fault of day 2), and
// a state keeps what was read, not yesterday's errors.
func (s *State) RetireFileErrors() {
	s.addEarlier(s.FileErrors)
	s.FileErrors = nil
}

func (s *State) addEarlier(errs []FileError) {
	if len(errs) == 0 {
		return
	}
	s.EarlierErrors = append(s.EarlierErrors, errs...)
	slices.SortStableFunc(s.EarlierErrors, func(a, b FileError) int { return cmp.Compare(a.At, b.At) })
	if n := len(s.EarlierErrors) - MaxEarlierErrors; n > 0 {
		s.EarlierErrors = slices.Delete(s.EarlierErrors, 0, n)
	}
}

// SetFormat records the format used for file.
func (s *State) SetFormat(file, format string) { s.Formats[file] = format }

// Classes returns the records per class, by class index (see ClassNames),
// derived from Codes.
func (s *State) Classes() [status.NumClasses]uint64 {
	var c [status.NumClasses]uint64
	for code, n := range s.Codes {
		c[status.ClassIndex(uint16(code))] += n
	}
	return c
}

// ClientAborted returns the records of the client-aborted group (nginx
// 499 and 444).
func (s *State) ClientAborted() uint64 {
	var n uint64
	for _, code := range status.ClientAbortedCodes {
		n += s.Codes[code]
	}
	return n
}

// SubCode is a count of one IIS code.sub pair.
type SubCode struct {
	Code uint16
	Sub  uint32
	N    uint64
}

// SubCodeList returns SubCodes sorted by code, then sub-status.
func (s *State) SubCodeList() []SubCode {
	out := make([]SubCode, 0, len(s.SubCodes))
	for k, n := range s.SubCodes {
		out = append(out, SubCode{Code: uint16(k >> 32), Sub: uint32(k), N: n})
	}
	slices.SortFunc(out, func(a, b SubCode) int { return cmp.Compare(status.SubKey(a.Code, a.Sub), status.SubKey(b.Code, b.Sub)) })
	return out
}

// TotalVisitors returns the unique visitors of the whole run: the sum of
// the daily counts plus the undated ones (a visitor is per day), and
// whether that is exact.
func (s *State) TotalVisitors() (n uint64, exact bool) {
	exact = s.UndatedVisitors.Exact()
	n = s.UndatedVisitors.Count()
	for _, d := range s.Visitors {
		n += d.Count()
		exact = exact && d.Exact()
	}
	return n, exact
}

// Check verifies the State's accounting invariants (see [State]).
func (s *State) Check() error {
	l := s.Lines
	if l.Read != l.Parsed+l.Malformed+l.Skipped+l.Filtered {
		return fmt.Errorf("lines read %d != parsed %d + malformed %d + skipped %d + filtered %d",
			l.Read, l.Parsed, l.Malformed, l.Skipped, l.Filtered)
	}
	if s.Requests != l.Parsed {
		return fmt.Errorf("requests %d != parsed %d", s.Requests, l.Parsed)
	}
	var codes, classes, minutes uint64
	for _, n := range s.Codes {
		codes += n
	}
	for _, n := range s.Classes() {
		classes += n
	}
	for _, m := range s.Minutes {
		minutes += m.Requests
	}
	if codes+s.NoStatus != l.Parsed || classes+s.NoStatus != l.Parsed {
		return fmt.Errorf("codes %d / classes %d + no status %d != parsed %d", codes, classes, s.NoStatus, l.Parsed)
	}
	if minutes+s.Undated != l.Parsed {
		return fmt.Errorf("minute buckets %d + undated %d != parsed %d", minutes, s.Undated, l.Parsed)
	}
	if err := s.checkSubMinutes(); err != nil {
		return err
	}
	var mal uint64
	for _, n := range s.MalformedReasons {
		mal += n
	}
	if mal != l.Malformed {
		return fmt.Errorf("malformed reasons sum to %d, not %d", mal, l.Malformed)
	}
	return s.checkDims()
}

// InputMark is how far an input was read (see [ingest.InputMark]); the
// State keeps them for incremental runs.
type InputMark = ingest.InputMark
