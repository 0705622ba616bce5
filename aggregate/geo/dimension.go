package geo

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/webalyze/webalyze/aggregate/dim"
	"github.com/webalyze/webalyze/aggregate/sketch"
)

// Section is the name of the geo section of a state file.
const Section = "geo"

// sectionVersion is the layout of the section (see Aggregator.MarshalBinary).
const sectionVersion = 1

// Defaults of [Options].
const (
	DefaultCache            = 1 << 16
	DefaultDistinctCapacity = 100000
	DefaultASNCapacity      = 10000
)

// MaxDatabases is how many database descriptions a section keeps: merged
// states made with successive releases of a database keep the newest.
const MaxDatabases = 16

// Options configure an [Aggregator]. Zero fields take their defaults.
type Options struct {
	// Cache is the number of client addresses each worker's Locator
	// caches (DefaultCache).
	Cache int
	// DistinctCapacity is the number of visitors a country counts exactly
	// before its count becomes a HyperLogLog estimate (about 0.8 %).
	DistinctCapacity int
	// ASNCapacity is the number of networks counted exactly; past it the
	// list keeps the heaviest with a stated error bound (sketch.TopK).
	ASNCapacity int
}

func (o Options) withDefaults() Options {
	if o.Cache <= 0 {
		o.Cache = DefaultCache
	}
	if o.DistinctCapacity <= 0 {
		o.DistinctCapacity = DefaultDistinctCapacity
	}
	if o.ASNCapacity <= 0 {
		o.ASNCapacity = DefaultASNCapacity
	}
	return o
}

// DBInfo describes a database a section was counted with: what the report
// credits. The file's path is not kept: the same database may sit
// elsewhere on another machine.
type DBInfo struct {
	Type        string // metadata database type: "GeoLite2-Country", TorDatabaseType
	Description string // English description (for TorDatabaseType, the IPFire credit)
	Built       int64  // build time, Unix seconds
	Country     bool   // gives countries
	ASN         bool   // gives ASNs
}

// IPFire reports whether the database was built by [BuildFromTorGeoIP]
// from the IPFire data, whose licence (CC BY-SA 4.0) asks for credit.
func (d DBInfo) IPFire() bool { return d.Type == TorDatabaseType }

// BuildTime is Built as a time.
func (d DBInfo) BuildTime() time.Time { return time.Unix(d.Built, 0).UTC() }

func compareDB(a, b DBInfo) int {
	return cmp.Or(-cmp.Compare(a.Built, b.Built), cmp.Compare(a.Type, b.Type),
		cmp.Compare(a.Description, b.Description), cmpBool(a.Country, b.Country), cmpBool(a.ASN, b.ASN))
}

func cmpBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

// Row is the traffic of one country, remainder or network: requests,
// response bytes (saturating), 4xx and 5xx responses, and visitors (the
// State's visitor-days: address and agent on one day).
type Row struct {
	Hits, Bytes, Err4xx, Err5xx uint64
	Visitors                    *sketch.Distinct
}

// add counts a record of visitor with bytes and status class (4 or 5 for
// an error response, else 0).
func (r *Row) add(visitor, bytes uint64, class uint8, capacity int) {
	r.addSeen(bytes, class)
	if r.Visitors == nil {
		r.Visitors = sketch.NewDistinct(capacity)
	}
	r.Visitors.Add(visitor)
}

// addSeen is add for a record whose visitor is already in r.Visitors.
func (r *Row) addSeen(bytes uint64, class uint8) {
	r.Hits++
	r.Bytes = sketch.AddSat(r.Bytes, bytes)
	switch class {
	case 4:
		r.Err4xx++
	case 5:
		r.Err5xx++
	}
}

// ErrClass is the status class that Row counts of a record: 4 or 5 for an
// error response, else 0 (AddClient's class).
func ErrClass(code uint16, hasCode bool) uint8 {
	if c := code / 100; hasCode && (c == 4 || c == 5) {
		return uint8(c)
	}
	return 0
}

func (r *Row) merge(o *Row, capacity int) {
	r.Hits += o.Hits
	r.Bytes = sketch.AddSat(r.Bytes, o.Bytes)
	r.Err4xx += o.Err4xx
	r.Err5xx += o.Err5xx
	if o.Visitors != nil {
		if r.Visitors == nil {
			r.Visitors = sketch.NewDistinct(capacity)
		}
		r.Visitors.Merge(o.Visitors)
	}
}

func (r *Row) check(what string) error {
	if r.Err4xx+r.Err5xx > r.Hits || r.Err4xx > r.Hits {
		return fmt.Errorf("%s: more errors (%d 4xx, %d 5xx) than requests (%d)", what, r.Err4xx, r.Err5xx, r.Hits)
	}
	if (r.Visitors == nil) != (r.Hits == 0) {
		return fmt.Errorf("%s: visitors without requests or requests without visitors", what)
	}
	return nil
}

// numCodes is the number of country codes: two ASCII letters.
const numCodes = 26 * 26

// codeIndex maps a two-letter code to its row, ok false for anything else.
func codeIndex(code string) (int, bool) {
	if len(code) != 2 || code[0] < 'A' || code[0] > 'Z' || code[1] < 'A' || code[1] > 'Z' {
		return 0, false
	}
	return int(code[0]-'A')*26 + int(code[1]-'A'), true
}

func indexCode(i int) string { return string([]byte{byte('A' + i/26), byte('A' + i%26)}) }

// Aggregator is the geo dimension of a State: requests, bytes, visitors
// and 4xx/5xx responses per country (with rows for local addresses,
// client fields that are not addresses, and addresses no database knows,
// so that the rows sum to the requests), and per network (AS number and
// organisation) when a database gives ASNs.
//
// Countries are rows of a table indexed by the code, two letters A–Z, so
// they take at most 676 rows whatever a database says (a code that is not
// two letters counts as not found); their counts are exact, visitors
// within [sketch.Distinct]'s bound past Options.DistinctCapacity. Networks
// are a [sketch.TopK]: exact up to Options.ASNCapacity, then the heaviest
// with a stated error bound; their 4xx and 5xx counts are two more such
// lists of the error responses, so their shares are estimates when the
// lists are.
//
// A State counts its records through AddClient, from its client list:
// each client field is looked up once while it stays in the list, its
// place kept in the client's entry, and the worker that owns the client
// counts its records (so that each worker looks up only its share of the
// clients). Add, which a State without a client list uses, keeps the
// place by the State's 64-bit hash of the field (dim.Hit.Client) in an
// open-addressing table of up to Options.Cache fields instead. Either
// way a field looked up again goes through the Locator, a cache of
// addresses, and a record of a known client does not allocate.
//
// The databases themselves are not part of the section, only their
// descriptions (DBInfo), which a report needs to credit them. Merging
// states made with other releases of the databases keeps the figures and
// lists every database (the newest MaxDatabases); merging a state with
// countries into one without (or with networks into one without) is
// refused, since one side's panel would count nothing.
type Aggregator struct {
	set  *Set
	loc  *Locator
	opts Options

	dbs               []DBInfo
	hasCountry, hasAS bool

	countries [numCodes]*Row
	names     [numCodes]Name // the database's name of each code
	local     Row            // loopback, private, link-local, multicast
	notIP     Row            // a client field that is not an address
	notFound  Row            // an address no database gives a country for

	asns, asn4xx, asn5xx *sketch.TopK
	orgs                 map[uint32]Name
	noASN                Row // requests with no AS number
	keybuf               [10]byte

	// clients caches client fields' rows and networks by the field's
	// hash: an open-addressing table (linear probing) that grows to twice
	// Options.Cache slots and is emptied when half full, so that a hit is
	// one probe of one cache line and updates its slot in place.
	clients  []client
	nclients int
	last     *client // the slot of the previous record's client, or nil

	pend    [32]pending // the batch Add fills (see flush)
	npend   int
	touched uint64 // keeps flush's loads

	// located are the places AddClient has found, each once: the word a
	// client's entry keeps (sketch.TopEntry.Aux) is its index + 1.
	located   []client
	locatedAt map[locatedKey]uint32
	// lastRow and lastVisitor are the row AddClient counted the previous
	// record in, and its visitor.
	lastRow     *Row
	lastVisitor uint64
	spare       client // a place not kept (see maxLocated)
}

// locatedKey tells places apart: a row and an AS number.
type locatedKey struct {
	row *Row
	asn uint32
}

// maxLocated bounds Aggregator.located: the places of a database's
// addresses, which a country and an ASN database can make tens of
// thousands of (countries × networks), never more than the database
// holds. Past it a client's place is not kept in its entry: it is looked
// up for each of its records, through the Locator's cache.
const maxLocated = 1 << 18

// NewAggregator returns a prototype aggregator over set: the State makes
// one per worker with New, each with its own Locator. set must hold at
// least one database; it is not closed by the aggregator.
func NewAggregator(set *Set, opts Options) *Aggregator {
	a := newEmpty(opts)
	a.set = set
	a.hasCountry, a.hasAS = set.HasCountry(), set.HasASN()
	for _, db := range set.DBs() {
		a.dbs = append(a.dbs, DBInfo{Type: db.Type(), Description: db.Description(),
			Built: db.BuildTime().Unix(), Country: db.HasCountry(), ASN: db.HasASN()})
	}
	a.dbs = normDBs(a.dbs)
	return a
}

// NewEmpty returns an empty aggregator for a state file's section to be
// decoded into (see UnmarshalBinary).
func NewEmpty() dim.Dimension { return newEmpty(Options{}) }

func newEmpty(opts Options) *Aggregator {
	opts = opts.withDefaults()
	a := &Aggregator{opts: opts, orgs: map[uint32]Name{}}
	a.asns, a.asn4xx, a.asn5xx = sketch.NewTopK(opts.ASNCapacity), sketch.NewTopK(opts.ASNCapacity), sketch.NewTopK(opts.ASNCapacity)
	a.asn4xx.NoVisitors, a.asn5xx.NoVisitors = true, true
	return a
}

func normDBs(dbs []DBInfo) []DBInfo {
	slices.SortFunc(dbs, compareDB)
	dbs = slices.CompactFunc(dbs, func(a, b DBInfo) bool { return a == b })
	if len(dbs) > MaxDatabases {
		dbs = dbs[:MaxDatabases]
	}
	return dbs
}

// Section implements dim.Dimension.
func (a *Aggregator) Section() string { return Section }

// Version implements dim.Dimension.
func (a *Aggregator) Version() uint32 { return sectionVersion }

// New returns an empty aggregator over the same databases, with its own
// Locator.
func (a *Aggregator) New() dim.Dimension {
	n := newEmpty(a.opts)
	n.set, n.hasCountry, n.hasAS = a.set, a.hasCountry, a.hasAS
	n.dbs = slices.Clone(a.dbs)
	return n
}

// Add counts one record by its client address (h.Rec.Host). An aggregator
// decoded from a state file has no databases: what it is given counts as
// not found.
//
// Records are counted in batches: Add copies what it needs (the client
// field up to 64 bytes, longer ones are not addresses) and every batch
// first touches the client table's slots of all its records, so that
// their cache misses overlap instead of following one another. Every
// method that reads or merges the figures counts the batch first.
func (a *Aggregator) Add(h *dim.Hit) {
	p := &a.pend[a.npend]
	p.client, p.visitor, p.code, p.hasCode = h.Client, h.Visitor, h.Code, h.HasCode
	p.bytes = 0
	if h.Rec.HasBytes {
		p.bytes = h.Rec.Bytes
	}
	p.hostLen = uint8(copy(p.host[:], lookedUp(h.Rec.Host)))
	if a.npend++; a.npend == len(a.pend) {
		a.flush()
	}
}

// maxHost is the longest client field kept for a lookup: ParseClient
// reads no address from a longer one.
const maxHost = 64

// longHost stands for a longer field: it is not an address either.
var longHost = []byte("not an address: longer than the longest address a log writes")

// pending is a record waiting in a batch.
type pending struct {
	client, visitor, bytes uint64
	code                   uint16
	hasCode                bool
	hostLen                uint8
	host                   [maxHost]byte
}

// flush counts the records of the batch.
func (a *Aggregator) flush() {
	n := a.npend
	a.npend = 0
	if len(a.clients) > 0 {
		// Touch each record's slot: the loads are independent, so the
		// processor has them in flight together.
		mask := uint64(len(a.clients) - 1)
		var t uint64
		for i := range n {
			t += a.clients[a.pend[i].client&mask].hash
		}
		// Then the visitor set each will be added to, when its client
		// sits at its first slot (most do).
		for i := range n {
			p := &a.pend[i]
			if c := &a.clients[p.client&mask]; c.hash == p.client && c.row != nil && c.lastVisitor != p.visitor && c.row.Visitors != nil {
				t += c.row.Visitors.Peek(p.visitor)
			}
		}
		a.touched += t
	}
	for i := range n {
		a.count(&a.pend[i])
	}
}

// count counts one record of a batch.
func (a *Aggregator) count(p *pending) {
	c := a.last // logs come in bursts: a page and its assets, one client
	if c == nil || c.hash != p.client || c.row == nil {
		c = a.client(p.client)
		a.last = c
	}
	if c.row == nil {
		*c = a.resolve(p.host[:p.hostLen])
		c.hash, c.lastVisitor = p.client, ^p.visitor
	}
	class := ErrClass(p.code, p.hasCode)
	if c.lastVisitor == p.visitor {
		c.row.addSeen(p.bytes, class) // the visitor was just counted in this row
	} else {
		c.row.add(p.visitor, p.bytes, class, a.opts.DistinctCapacity)
		c.lastVisitor = p.visitor
	}
	a.countNetwork(c, p.visitor, p.bytes, class, false)
}

// countNetwork counts a record of client c in the network lists; seen:
// its visitor is in them already (see AddClient).
func (a *Aggregator) countNetwork(c *client, visitor, bytes uint64, class uint8, seen bool) {
	if !a.hasAS {
		return
	}
	if c.asn == 0 {
		if seen {
			a.noASN.addSeen(bytes, class)
		} else {
			a.noASN.add(visitor, bytes, class, a.opts.DistinctCapacity)
		}
		return
	}
	key := strconv.AppendUint(a.keybuf[:0], uint64(c.asn), 10)
	a.asns.AddHashedSeen(key, c.asnHash, bytes, visitor, seen)
	switch class {
	case 4:
		a.asn4xx.AddHashed(key, c.asnHash, 0, 0)
	case 5:
		a.asn5xx.AddHashed(key, c.asnHash, 0, 0)
	}
}

// AddClient counts one record by its client field host, whose entry in
// the State's client list is e, the list having just counted the record:
// visitor, bytes and class (4 or 5 for an error response, else 0) are the
// record's, and seen is its dim.Hit.SeenVisitor: the visitor is then in
// the row already (a client has one place). The State calls it instead of
// Add where that list counts records: in a run of several workers, the
// worker that owns the client.
//
// The client's place (row and network) is kept in the entry's auxiliary
// word (sketch.TopEntry.Aux), so that it is looked up once while the
// client stays in the list, and a record costs no lookup of its own: the
// entry is in the cache already. A client that left the list and came
// back is looked up again through the Locator, which caches addresses.
func (a *Aggregator) AddClient(e *sketch.TopEntry, host []byte, visitor, bytes uint64, class uint8, seen bool) {
	var c *client
	if i := e.Aux(); i != 0 && int(i) <= len(a.located) {
		c = &a.located[i-1]
	} else {
		c = a.place(e, host)
	}
	if seen || c.row == a.lastRow && visitor == a.lastVisitor {
		c.row.addSeen(bytes, class) // the visitor was counted in this row
	} else {
		c.row.add(visitor, bytes, class, a.opts.DistinctCapacity)
		a.lastRow, a.lastVisitor = c.row, visitor
	}
	a.countNetwork(c, visitor, bytes, class, seen)
}

// PrefetchClient asks for what AddClient will read for a record of
// visitor whose client has the entry e, once e is in the cache: the
// country's visitor set, a cache miss otherwise (see State.applyOps).
func (a *Aggregator) PrefetchClient(e *sketch.TopEntry, visitor uint64) {
	if i := e.Aux(); i != 0 && int(i) <= len(a.located) {
		if v := a.located[i-1].row.Visitors; v != nil {
			v.Prefetch(visitor)
		}
	}
}

// place looks host up and keeps its place in e (see AddClient).
func (a *Aggregator) place(e *sketch.TopEntry, host []byte) *client {
	c := a.resolve(lookedUp(host))
	k := locatedKey{c.row, c.asn}
	i, ok := a.locatedAt[k]
	if !ok {
		if len(a.located) >= maxLocated {
			a.spare = c
			return &a.spare
		}
		if a.locatedAt == nil {
			a.locatedAt = map[locatedKey]uint32{}
		}
		a.located = append(a.located, c)
		i = uint32(len(a.located))
		a.locatedAt[k] = i
	}
	e.SetAux(i)
	return &a.located[i-1]
}

// lookedUp is the part of a client field that is looked up: without
// spaces around it, and longHost for a field too long to be an address.
func lookedUp(host []byte) []byte {
	host = bytes.TrimSpace(host)
	if len(host) > maxHost {
		return longHost
	}
	return host
}

// client is what Add keeps of a client field it has seen, by the State's
// hash of the field (dim.Hit.Client): its row, and its AS number with
// the hash of the number's key in the network lists.
type client struct {
	hash        uint64 // dim.Hit.Client
	row         *Row
	asnHash     uint64
	lastVisitor uint64 // the last visitor counted in row from this slot
	asn         uint32
}

// client returns the slot of a client hash: its own, or an empty one
// (row nil) for it to fill.
func (a *Aggregator) client(hash uint64) *client {
	mask := uint64(len(a.clients) - 1)
	for i := hash & mask; len(a.clients) > 0; i = (i + 1) & mask {
		c := &a.clients[i]
		if c.row == nil {
			break
		}
		if c.hash == hash {
			return c
		}
	}
	// A new client: make room first.
	if 2*(a.nclients+1) > len(a.clients) {
		if n := max(2*len(a.clients), 1024); n <= 2*max(a.opts.Cache, 512) {
			old := a.clients
			a.clients, a.last = make([]client, n), nil
			mask = uint64(n - 1)
			for _, c := range old {
				if c.row != nil {
					j := c.hash & mask
					for a.clients[j].row != nil {
						j = (j + 1) & mask
					}
					a.clients[j] = c
				}
			}
		} else {
			clear(a.clients) // full: start again, the clients are looked up again
			a.nclients, a.last = 0, nil
		}
	}
	i := hash & mask
	for a.clients[i].row != nil {
		i = (i + 1) & mask
	}
	a.nclients++
	return &a.clients[i]
}

// resolve looks a client field up and readies what counting it needs:
// its country (or remainder) row, and its network's name.
func (a *Aggregator) resolve(host []byte) client {
	var loc Location
	if a.set != nil {
		if a.loc == nil {
			a.loc = a.set.NewLocator(a.opts.Cache / 8) // behind the client table or list: for fields seen again after they left it
		}
		loc = a.loc.Locate(host)
	} else {
		loc.Class = ClassNotFound
	}
	c := client{row: &a.notFound}
	switch loc.Class {
	case ClassLocal:
		c.row = &a.local
	case ClassUnknown:
		c.row = &a.notIP
	default:
		if i, ok := codeIndex(loc.Country.String()); ok {
			if a.countries[i] == nil {
				a.countries[i] = &Row{}
				a.names[i] = loc.CountryName
			}
			c.row = a.countries[i]
		}
	}
	if a.hasAS && loc.ASN != 0 {
		c.asn = loc.ASN
		c.asnHash = sketch.HashKey(strconv.AppendUint(a.keybuf[:0], uint64(loc.ASN), 10))
		if _, ok := a.orgs[loc.ASN]; !ok {
			if len(a.orgs) >= 2*a.opts.ASNCapacity {
				a.pruneOrgs()
			}
			a.orgs[loc.ASN] = loc.Org
		}
	}
	return c
}

// pruneOrgs keeps the organisation names of the listed networks only, so
// that the names stay within the list's bound.
func (a *Aggregator) pruneOrgs() {
	keep := make(map[uint32]Name, a.asns.Len())
	for _, e := range a.asns.Entries {
		if n, err := strconv.ParseUint(e.Key, 10, 32); err == nil {
			if org, ok := a.orgs[uint32(n)]; ok {
				keep[uint32(n)] = org
			}
		}
	}
	a.orgs = keep
	clear(a.clients) // their networks' names are to be recorded again
	a.nclients, a.last = 0, nil
}

// Merge folds other, a *Aggregator, into a.
func (a *Aggregator) Merge(other dim.Dimension) error {
	o, ok := other.(*Aggregator)
	if !ok {
		return fmt.Errorf("geo: cannot merge a %T", other)
	}
	if a == o {
		return errors.New("geo: cannot merge an aggregator into itself")
	}
	a.flush()
	o.flush()
	if a.hasCountry != o.hasCountry {
		return fmt.Errorf("geo: cannot merge a state counted with a country database and one without (databases: %s; and %s)", dbList(a), dbList(o))
	}
	if a.hasAS != o.hasAS {
		return fmt.Errorf("geo: cannot merge a state counted with an ASN database and one without (databases: %s; and %s)", dbList(a), dbList(o))
	}
	a.dbs = normDBs(append(a.dbs, o.dbs...))
	capacity := a.opts.DistinctCapacity
	for i, orow := range o.countries {
		if orow == nil {
			continue
		}
		r := a.countries[i]
		if r == nil {
			r = &Row{}
			a.countries[i] = r
		}
		r.merge(orow, capacity)
		if n := o.names[i]; a.names[i].IsZero() || !n.IsZero() && n.String() < a.names[i].String() {
			a.names[i] = n // either order gives the same name
		}
	}
	a.local.merge(&o.local, capacity)
	a.notIP.merge(&o.notIP, capacity)
	a.notFound.merge(&o.notFound, capacity)
	a.noASN.merge(&o.noASN, capacity)
	a.asns.Merge(o.asns)
	a.asn4xx.Merge(o.asn4xx)
	a.asn5xx.Merge(o.asn5xx)
	for asn, org := range o.orgs {
		if cur, ok := a.orgs[asn]; !ok || cur.IsZero() || !org.IsZero() && org.String() < cur.String() {
			a.orgs[asn] = org
		}
	}
	if len(a.orgs) > 2*a.opts.ASNCapacity {
		a.pruneOrgs()
	}
	return nil
}

// dbList names the databases of x for an error message.
func dbList(x *Aggregator) string {
	if len(x.dbs) == 0 {
		return "none"
	}
	var b bytes.Buffer
	for i, d := range x.dbs {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s built %s", d.Type, d.BuildTime().Format(time.DateOnly))
	}
	return b.String()
}

// Check verifies that the country rows, and the network rows when kept,
// each sum to the parsed records.
func (a *Aggregator) Check(parsed uint64) error {
	a.flush()
	var sum, e4, e5 uint64
	for i, r := range a.countries {
		if r == nil {
			continue
		}
		if err := r.check("geo: country " + indexCode(i)); err != nil {
			return err
		}
		sum, e4, e5 = sum+r.Hits, e4+r.Err4xx, e5+r.Err5xx
	}
	for _, r := range []struct {
		what string
		r    *Row
	}{{"local", &a.local}, {"not an address", &a.notIP}, {"not found", &a.notFound}, {"no ASN", &a.noASN}} {
		if err := r.r.check("geo: " + r.what); err != nil {
			return err
		}
	}
	sum += a.local.Hits + a.notIP.Hits + a.notFound.Hits
	e4 += a.local.Err4xx + a.notIP.Err4xx + a.notFound.Err4xx
	e5 += a.local.Err5xx + a.notIP.Err5xx + a.notFound.Err5xx
	if sum != parsed {
		return fmt.Errorf("geo: countries count %d requests, not the %d parsed", sum, parsed)
	}
	if !a.hasAS {
		if a.asns.Total != 0 || a.noASN.Hits != 0 {
			return errors.New("geo: networks counted without an ASN database")
		}
		return nil
	}
	if n := a.asns.Total + a.noASN.Hits; n != parsed {
		return fmt.Errorf("geo: networks count %d requests, not the %d parsed", n, parsed)
	}
	if a.asn4xx.Total+a.noASN.Err4xx != e4 || a.asn5xx.Total+a.noASN.Err5xx != e5 {
		return fmt.Errorf("geo: networks count %d 4xx and %d 5xx, countries %d and %d",
			a.asn4xx.Total+a.noASN.Err4xx, a.asn5xx.Total+a.noASN.Err5xx, e4, e5)
	}
	return nil
}
