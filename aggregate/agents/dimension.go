package agents

import (
	"bytes"
	"encoding/gob"
	"errors"
	"fmt"
	"strings"
	"unsafe"

	"github.com/webalyze/webalyze/aggregate/dim"
	"github.com/webalyze/webalyze/aggregate/dim/gobcheck"
	"github.com/webalyze/webalyze/aggregate/sketch"
	"github.com/webalyze/webalyze/aggregate/status"
	"github.com/webalyze/webalyze/parser"
)

// Section is the name of the agents dimension's section in a state file.
const Section = "agents"

// sectionVersion is the layout of the section (see Aggregator.MarshalBinary).
const sectionVersion = 1

// DefaultCacheCapacity is the number of distinct user-agent strings a
// worker's Classifier caches when Options.CacheCapacity is 0: at most
// 16384 × MaxLen bytes (8 MiB) per worker, whatever the input.
const DefaultCacheCapacity = 16384

// Labels of the Browsers and Operating systems rows that are not a family:
// the requests of the other kinds (Kinds), so that both panels add up to
// every request. A family name never starts with '('.
const (
	LabelBots    = "(bots)"
	LabelTools   = "(tools)"
	LabelEmpty   = "(no agent)"
	LabelUnknown = "(unknown)"
)

// NumKinds and NumDevices are the lengths of the per-kind and per-device
// arrays of an Aggregator (indexed by Kind and Device).
const (
	NumKinds   = int(KindEmpty) + 1
	NumDevices = int(DeviceTool) + 1
)

// Figures are the requests of one group (a kind, a device class, the AI
// crawlers): every figure exact but Visitors, which is exact up to the
// distinct capacity, then a HyperLogLog (about 0.8 %).
type Figures struct {
	Requests uint64
	Bytes    uint64 // saturating
	// Classes counts requests by status class (status.ClassIndex);
	// NoStatus those without a status (formats that log none).
	Classes  [status.NumClasses]uint64
	NoStatus uint64
	Visitors *sketch.Distinct // visitor-days (dim.Hit.Visitor)
}

func newFigures(distinct int) Figures { return Figures{Visitors: sketch.NewDistinct(distinct)} }

// add counts h; seen says its visitor is already in Visitors.
func (f *Figures) add(h *dim.Hit, bytes uint64, seen bool) {
	f.Requests++
	f.Bytes = sketch.AddSat(f.Bytes, bytes)
	if h.HasCode {
		f.Classes[status.ClassIndex(h.Code)]++
	} else {
		f.NoStatus++
	}
	if !seen {
		f.Visitors.Add(h.Visitor)
	}
}

func (f *Figures) merge(o *Figures) {
	f.Requests += o.Requests
	f.Bytes = sketch.AddSat(f.Bytes, o.Bytes)
	for i := range f.Classes {
		f.Classes[i] += o.Classes[i]
	}
	f.NoStatus += o.NoStatus
	f.Visitors.Merge(o.Visitors)
}

func (f *Figures) check(what string) error {
	if f.Visitors == nil {
		return fmt.Errorf("%s: no visitor counter", what)
	}
	n := f.NoStatus
	for _, c := range f.Classes {
		n += c
	}
	if n != f.Requests {
		return fmt.Errorf("%s: status classes add up to %d, not its %d requests", what, n, f.Requests)
	}
	return nil
}

// KindDistinct and DeviceDistinct are how many visitors a kind (and the
// AI crawlers) and a device class count exactly (at most the distinct
// capacity): past it, a HyperLogLog of 16 KiB (about 0.8 %). Both stay in
// the processor's cache, where exact sets of every visitor would not (the
// sets of the kinds cost a third of Add on a log of many visitors).
const (
	KindDistinct   = 4096
	DeviceDistinct = 1024
)

// Options are an Aggregator's settings. TopCapacity and DistinctCapacity
// have the meaning of the State's options of the same names and must be
// equal in aggregators that are merged; CacheCapacity is the Classifier's
// (default DefaultCacheCapacity) and changes no figure.
type Options struct {
	TopCapacity      int
	DistinctCapacity int
	CacheCapacity    int
	// ExcludeBots records that the State leaves bots out (BotFilter,
	// --exclude-bots): aggregators that differ in it count different
	// requests and are not merged.
	ExcludeBots bool
}

// Aggregator is the agents dimension of a State (a dim.Dimension): every
// request split by who sent it (Kinds), by device class (Devices), and the
// AI crawlers' share of them (AI), with top lists of browsers, operating
// systems and bots. Each worker's aggregator classifies with a Classifier
// of its own, so the figures depend on the agent strings only, never on
// which worker saw them.
//
// The lists are sketch.TopK of TopCapacity keys: exact while they hold
// every key, Space-Saving with a stated bound beyond.
//
//   - BrowserVersions: the requests of humans, keyed by browser family
//     ("Other" when not a known one) and major version (VersionKey, the
//     version "" when unknown). A family's figures are the sum of its
//     versions', its visitors their union (sketch.SmallDistinct.Merge):
//     a report derives the Browsers panel from them and from Kinds.
//   - SystemVersions: the same for operating systems ("Other" for a
//     human's agent that names none).
//   - Clients: the requests of bots and tools, keyed by ClientKey (kind,
//     AI flag, name); Clients4xx and Clients5xx count their 4xx and 5xx
//     responses under the same keys.
type Aggregator struct {
	opts   Options
	cls    *Classifier
	merged Stats // Stats of the aggregators merged into this one
	plans  map[Agent]*plan
	front  *[frontSlots]front
	// frontHits counts the lookups the front cache answered (they are
	// cache hits in Stats).
	frontHits   uint64
	lastVisitor uint64
	lastPlan    *plan

	Kinds   [NumKinds]Figures
	Devices [NumDevices]Figures
	AI      Figures

	BrowserVersions, SystemVersions *sketch.TopK
	Clients                         *sketch.TopK
	Clients4xx, Clients5xx          *sketch.TopK
}

// NewAggregator returns an empty Aggregator with the given settings; a
// capacity of 0 or less is 1 (top lists) or 0 (distinct counters: a
// HyperLogLog from the start), as in the sketch package.
func NewAggregator(o Options) *Aggregator {
	if o.CacheCapacity <= 0 {
		o.CacheCapacity = DefaultCacheCapacity
	}
	a := &Aggregator{opts: o, cls: NewClassifier(o.CacheCapacity)}
	for i := range a.Kinds {
		a.Kinds[i] = newFigures(min(o.DistinctCapacity, KindDistinct))
	}
	for i := range a.Devices {
		a.Devices[i] = newFigures(min(o.DistinctCapacity, DeviceDistinct))
	}
	a.AI = newFigures(min(o.DistinctCapacity, KindDistinct))
	for _, t := range a.lists() {
		*t = sketch.NewTopK(o.TopCapacity)
	}
	return a
}

func (a *Aggregator) lists() []**sketch.TopK {
	return []**sketch.TopK{&a.BrowserVersions, &a.SystemVersions,
		&a.Clients, &a.Clients4xx, &a.Clients5xx}
}

func (a *Aggregator) figures() []*Figures {
	out := make([]*Figures, 0, NumKinds+NumDevices+1)
	for i := range a.Kinds {
		out = append(out, &a.Kinds[i])
	}
	for i := range a.Devices {
		out = append(out, &a.Devices[i])
	}
	return append(out, &a.AI)
}

// Section implements dim.Dimension.
func (a *Aggregator) Section() string { return Section }

// Version implements dim.Dimension.
func (a *Aggregator) Version() uint32 { return sectionVersion }

// New returns an empty Aggregator with a's settings and a Classifier of its
// own.
func (a *Aggregator) New() dim.Dimension { return NewAggregator(a.opts) }

// Stats returns what the classifiers of this aggregator and of those merged
// into it did: cache hits and misses, detector calls.
func (a *Aggregator) Stats() Stats {
	s := a.merged
	if a.cls != nil {
		s = s.add(a.cls.Stats())
	}
	s.Hits += a.frontHits
	return s
}

func (s Stats) add(o Stats) Stats {
	return Stats{Hits: s.Hits + o.Hits, Misses: s.Misses + o.Misses, Detector: s.Detector + o.Detector,
		Rotated: s.Rotated + o.Rotated, Recovered: s.Recovered + o.Recovered}
}

// ClientKey is the key of a bot or tool in the Clients lists: one byte for
// its kind ('a' an AI crawler, 'b' another bot, 't' a tool), then its name.
func ClientKey(k Kind, ai bool, name string) string {
	return string(appendClientKey(nil, k, ai, name))
}

func appendClientKey(b []byte, k Kind, ai bool, name string) []byte {
	switch {
	case k == KindTool:
		b = append(b, 't')
	case ai:
		b = append(b, 'a')
	default:
		b = append(b, 'b')
	}
	return append(b, name...)
}

// SplitClientKey returns what ClientKey made a key of; ok is false for a
// key it did not make.
func SplitClientKey(key string) (k Kind, ai bool, name string, ok bool) {
	if key == "" {
		return 0, false, "", false
	}
	switch key[0] {
	case 'a':
		return KindBot, true, key[1:], true
	case 'b':
		return KindBot, false, key[1:], true
	case 't':
		return KindTool, false, key[1:], true
	}
	return 0, false, "", false
}

// VersionKey is the key of a family's version in the BrowserVersions and
// SystemVersions lists: the family, a 0 byte, the version ("" unknown).
func VersionKey(family, version string) string { return family + "\x00" + version }

// SplitVersionKey returns the family and version of a VersionKey.
func SplitVersionKey(key string) (family, version string) {
	if i := strings.IndexByte(key, 0); i >= 0 {
		return key[:i], key[i+1:]
	}
	return key, ""
}

// KindLabel is the Browsers and Operating systems row of the requests of a
// kind other than human.
func KindLabel(k Kind) string {
	switch k {
	case KindBot:
		return LabelBots
	case KindTool:
		return LabelTools
	case KindEmpty:
		return LabelEmpty
	}
	return LabelUnknown
}

// plan is what Add does for the records of one Agent: the keys of its
// lists, with their hashes, computed once.
type plan struct {
	kind                  Kind
	device                Device
	ai                    bool
	browserVer, systemVer key // humans only
	client                key // bots and tools only
	// The kept indexes of the keys' entries in BrowserVersions,
	// SystemVersions and Clients (sketch.TopK.KeptIndex; see addAt).
	browserAt, systemAt, clientAt int32
}

// addAt adds a record of key k to list t: at the entry its kept index at
// names (no look-up, no comparison of the key), else looked up, its index
// kept.
func addAt(t *sketch.TopK, k *key, at *int32, bytes, visitor uint64, seen bool) {
	if !t.HitKept(*at, bytes, visitor, seen) {
		*at = t.KeptIndex(t.AddHashedSeen(k.b, k.h, bytes, visitor, seen))
	}
}

type key struct {
	b []byte
	h uint64
}

func makeKey(b []byte) key { return key{b, sketch.HashKey(b)} }

// maxPlans bounds an aggregator's plans: past it they are dropped and
// made again (a plan is a function of the Agent alone).
const maxPlans = 4096

func newPlan(ag Agent) *plan {
	s := SplitOf(ag)
	p := &plan{kind: s.Kind, device: s.Device, ai: s.AI}
	if s.Kind == KindHuman {
		p.browserVer = makeKey([]byte(s.BrowserVersion))
		p.systemVer = makeKey([]byte(s.SystemVersion))
	}
	if s.Kind == KindBot || s.Kind == KindTool {
		p.client = makeKey([]byte(s.Client))
	}
	return p
}

// frontSlots is the size of an aggregator's front cache of plans, by the
// agent's hash.
const frontSlots = 2048

type front struct {
	hash uint64
	ua   string
	plan *plan
}

// planOf returns the plan of h's agent: from the front cache, a table
// indexed by the agent's hash (the State computed it) that holds the
// string to compare, or else from the classifier and the plans.
//
// The front cache keeps the State's string of the agent (dim.Hit.AgentKey)
// when there is one: a record that comes with that very string (same
// address and length: the same immutable bytes, which the slot keeps
// alive) has that agent without comparing 100 bytes or more.
func (a *Aggregator) planOf(h *dim.Hit) *plan {
	ua := h.Rec.UserAgent
	if len(ua) > MaxLen {
		ua = ua[:MaxLen]
	}
	if a.front == nil {
		a.front = new([frontSlots]front)
	}
	// The State's string stands for ua when it is all of the agent.
	key := h.AgentKey
	if len(key) != len(ua) {
		key = ""
	}
	f := &a.front[h.Agent%frontSlots]
	if f.plan != nil && f.hash == h.Agent {
		if key != "" && unsafe.StringData(f.ua) == unsafe.StringData(key) && len(f.ua) == len(key) {
			a.frontHits++
			return f.plan
		}
		if f.ua == string(ua) {
			if key != "" {
				f.ua = key // the next record with it needs no comparison
			}
			a.frontHits++
			return f.plan
		}
	}
	if a.cls == nil { // decoded from a state file
		a.cls = NewClassifier(max(a.opts.CacheCapacity, DefaultCacheCapacity))
	}
	ag, clsKey := a.cls.lookup(ua)
	p := a.plans[ag]
	if p == nil {
		if a.plans == nil || len(a.plans) >= maxPlans {
			a.plans = make(map[Agent]*plan)
		}
		p = newPlan(ag)
		a.plans[ag] = p
	}
	if key == "" {
		key = clsKey // the classifier's string: no copy
	}
	*f = front{hash: h.Agent, ua: key, plan: p}
	return p
}

// Add counts one record. With the agent's string in the cache it does not
// allocate.
func (a *Aggregator) Add(h *dim.Hit) {
	p := a.planOf(h)
	bytes, v := h.Rec.Bytes, h.Visitor
	// A visitor's requests come in runs (a page, then its assets): the
	// kind's and device's visitor sets already hold a repeated one. So do
	// they, and the entries of the visitor's browser, system or bot, when
	// the State counted the visitor-day before (the agent, thus every key
	// below, is the identity's).
	same := v == a.lastVisitor && p == a.lastPlan || h.SeenVisitor
	a.lastVisitor, a.lastPlan = v, p
	a.Kinds[p.kind].add(h, bytes, same)
	a.Devices[p.device].add(h, bytes, same)
	switch p.kind {
	case KindHuman:
		addAt(a.BrowserVersions, &p.browserVer, &p.browserAt, bytes, v, h.SeenVisitor)
		addAt(a.SystemVersions, &p.systemVer, &p.systemAt, bytes, v, h.SeenVisitor)
	case KindBot, KindTool:
		if p.ai {
			a.AI.add(h, bytes, same)
		}
		c := &p.client
		addAt(a.Clients, c, &p.clientAt, bytes, v, h.SeenVisitor)
		if h.HasCode {
			switch status.ClassIndex(h.Code) {
			case status.Class4xx:
				a.Clients4xx.AddHashed(c.b, c.h, bytes, v)
			case status.Class5xx:
				a.Clients5xx.AddHashed(c.b, c.h, bytes, v)
			}
		}
	}
}

func appendUint(b []byte, v uint16) []byte {
	var d [5]byte
	i := len(d)
	for {
		i--
		d[i] = byte('0' + v%10)
		v /= 10
		if v == 0 {
			break
		}
	}
	return append(b, d[i:]...)
}

// Merge folds o, another *Aggregator, into a. Aggregators whose top or
// distinct capacities differ are refused: their lists would not merge
// within the stated bounds.
func (a *Aggregator) Merge(other dim.Dimension) error {
	o, ok := other.(*Aggregator)
	if !ok {
		return fmt.Errorf("cannot merge %T into the agents dimension", other)
	}
	if a.opts.TopCapacity != o.opts.TopCapacity {
		return fmt.Errorf("top capacities differ (%d and %d): use the same --top-capacity", a.opts.TopCapacity, o.opts.TopCapacity)
	}
	if a.opts.ExcludeBots != o.opts.ExcludeBots {
		return errors.New("one was made with --exclude-bots and the other without: they count different requests")
	}
	if a.opts.DistinctCapacity != o.opts.DistinctCapacity {
		return fmt.Errorf("distinct capacities differ (%d and %d): use the same --distinct-capacity", a.opts.DistinctCapacity, o.opts.DistinctCapacity)
	}
	af, of := a.figures(), o.figures()
	for i := range af {
		af[i].merge(of[i])
	}
	al, ol := a.lists(), o.lists()
	for i := range al {
		(*al[i]).Merge(*ol[i])
	}
	a.merged = a.merged.add(o.Stats())
	return nil
}

// Check verifies that every record was counted once in each split: kinds,
// devices, the version lists (the humans), the Clients lists (bots and tools, their 4xx and
// 5xx).
func (a *Aggregator) Check(parsed uint64) error {
	for i, f := range a.figures() {
		what := "AI crawlers"
		switch {
		case i < NumKinds:
			what = "kind " + Kind(i).String()
		case i < NumKinds+NumDevices:
			what = "device " + Device(i-NumKinds).String()
		}
		if err := f.check(what); err != nil {
			return err
		}
	}
	var kinds, devices uint64
	for i := range a.Kinds {
		kinds += a.Kinds[i].Requests
	}
	for i := range a.Devices {
		devices += a.Devices[i].Requests
	}
	bots, tools, human := &a.Kinds[KindBot], &a.Kinds[KindTool], a.Kinds[KindHuman].Requests
	for _, c := range []struct {
		what      string
		got, want uint64
	}{
		{"kinds", kinds, parsed},
		{"devices", devices, parsed},
		{"browser versions", a.BrowserVersions.Total, human},
		{"operating system versions", a.SystemVersions.Total, human},
		{"bots and tools", a.Clients.Total, bots.Requests + tools.Requests},
		{"bots' and tools' 4xx", a.Clients4xx.Total, bots.Classes[status.Class4xx] + tools.Classes[status.Class4xx]},
		{"bots' and tools' 5xx", a.Clients5xx.Total, bots.Classes[status.Class5xx] + tools.Classes[status.Class5xx]},
	} {
		if c.got != c.want {
			return fmt.Errorf("%s add up to %d requests, want %d", c.what, c.got, c.want)
		}
	}
	if a.AI.Requests > bots.Requests {
		return fmt.Errorf("%d requests by AI crawlers, more than the %d by bots", a.AI.Requests, bots.Requests)
	}
	return nil
}

// wire is the encoded section: the settings, then the figures and lists.
type wire struct {
	TopCapacity, DistinctCapacity int
	ExcludeBots                   bool
	Kinds                         [NumKinds]Figures
	Devices                       [NumDevices]Figures
	AI                            Figures
	Lists                         []*sketch.TopK // in the order of Aggregator.lists
}

// MarshalBinary encodes the figures and lists with encoding/gob (the
// classifier's cache is not kept).
func (a *Aggregator) MarshalBinary() ([]byte, error) {
	w := wire{TopCapacity: a.opts.TopCapacity, DistinctCapacity: a.opts.DistinctCapacity, ExcludeBots: a.opts.ExcludeBots,
		Kinds: a.Kinds, Devices: a.Devices, AI: a.AI}
	for _, t := range a.lists() {
		w.Lists = append(w.Lists, *t)
	}
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(&w); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// UnmarshalBinary restores what MarshalBinary wrote into a and validates
// the structures (not yet their sums: the State's Check does that).
func (a *Aggregator) UnmarshalBinary(b []byte) error {
	var w wire
	if err := gob.NewDecoder(gobcheck.NewReader(bytes.NewReader(b))).Decode(&w); err != nil {
		return err
	}
	lists := a.lists()
	if len(w.Lists) != len(lists) {
		return fmt.Errorf("%d lists, want %d", len(w.Lists), len(lists))
	}
	if w.TopCapacity < 0 || w.DistinctCapacity < 0 {
		return errors.New("negative capacity")
	}
	*a = Aggregator{opts: Options{TopCapacity: w.TopCapacity, DistinctCapacity: w.DistinctCapacity, CacheCapacity: DefaultCacheCapacity,
		ExcludeBots: w.ExcludeBots},
		Kinds: w.Kinds, Devices: w.Devices, AI: w.AI}
	for i, t := range a.lists() {
		l := w.Lists[i]
		if l == nil {
			return fmt.Errorf("list %d missing", i)
		}
		if err := l.Check(); err != nil {
			return fmt.Errorf("list %d: %w", i, err)
		}
		*t = l
	}
	for _, f := range a.figures() {
		if f.Visitors == nil {
			return errors.New("a visitor counter is missing")
		}
	}
	return nil
}

// Empty returns an empty Aggregator for a state file's section to be
// decoded into (see dim.Dimension.UnmarshalBinary).
func Empty() dim.Dimension { return &Aggregator{} }

// BotFilter is the dim.Filter of --exclude-bots: it leaves out the requests
// of crawlers (AI crawlers included), with the reason "bot". Tools (curl,
// python-requests...) and people stay. Each worker's filter has a
// Classifier of its own.
type BotFilter struct {
	cls      *Classifier
	capacity int
}

// FilterReason is the reason BotFilter gives for the lines it leaves out.
const FilterReason = "bot"

// NewBotFilter returns a BotFilter whose classifier caches cacheCapacity
// strings (0: DefaultCacheCapacity).
func NewBotFilter(cacheCapacity int) *BotFilter {
	if cacheCapacity <= 0 {
		cacheCapacity = DefaultCacheCapacity
	}
	return &BotFilter{cls: NewClassifier(cacheCapacity), capacity: cacheCapacity}
}

// Exclude implements dim.Filter.
func (f *BotFilter) Exclude(rec *parser.Record) (string, bool) {
	if f.cls.Classify(rec.UserAgent).Kind == KindBot {
		return FilterReason, true
	}
	return "", false
}

// New implements dim.Filter.
func (f *BotFilter) New() dim.Filter { return NewBotFilter(f.capacity) }
