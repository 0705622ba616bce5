// Package dim defines what a dimension of a State is: an aggregator of its
// own (user agents, countries, visits...) that the State feeds with every
// parsed record, merges, checks and saves as its own versioned section of
// the state file.
//
// The State computes the keys every dimension needs once per record (the
// hashes of the client, the path, the user agent and the virtual host, the
// visitor identity, the day, the status code, whether the request is a
// page, the referrer's host, the path's extension) and hands them over as
// a [Hit]. A dimension package imports dim, sketch, status and
// parser, never aggregate: the State sits above its dimensions.
//
// Some dimensions are counted from the State's own top lists instead,
// where a list counts the record (in a run of several workers, by the
// worker that owns the list's key), with what they worked out of the key
// kept beside its entry: the countries from the client list (the client's
// place, in the entry's auxiliary word, sketch.TopEntry.Aux), the
// referring sites and the search phrases from the referrer list (a
// [ReferrerMemo] per referrer). The visits get the page requests of an
// identity at the worker that owns it. The others get every Hit.
//
// A State built with [aggregate.Options.Dimensions] makes one aggregator
// per worker with [Dimension.New] and folds them with [Dimension.Merge], so
// a dimension's figures must not depend on how records were split among
// workers, files or runs, except within the bounds it states.
//
// A [Filter] leaves records out of every figure (--exclude-bots): the State
// counts them as filtered with the filter's reason, so that read = parsed +
// malformed + skipped + filtered still holds.
package dim

import (
	"bytes"
	"encoding"
	"encoding/gob"
	"fmt"

	"github.com/webalyze/webalyze/aggregate/dim/gobcheck"
	"github.com/webalyze/webalyze/parser"
)

// Hit is one parsed record as the State hands it to its dimensions, with
// the keys the State computed once. Rec and its byte slices are valid only
// during the call: a dimension copies what it keeps.
type Hit struct {
	Rec *parser.Record
	// Client, Path and Agent are sketch.HashKey of Rec.Host, Rec.Path and
	// Rec.UserAgent.
	Client, Path, Agent uint64
	// Identity is sketch.VisitorHash(Client, Agent): the same client and
	// agent on any day. Visitor is Identity mixed with Day when the record
	// is dated (sketch.VisitorDay), as the State's visitor counts use it.
	Identity, Visitor uint64
	// Day is the record's day number (days since 1970-01-01 in the State's
	// zone); valid when Rec.HasTime.
	Day int64
	// Code is the status when HasCode (a status below 1000).
	Code    uint16
	HasCode bool
	// Page says the path ends in a page extension (State's settings).
	Page bool
	// SeenVisitor says the State counted Visitor before (in its visitor
	// count of the day, while that count is exact): every earlier record
	// of the visitor-day was handed over too. The visitor is then in every
	// set a dimension added it to whose key the visitor's identity fixes
	// (its agent's browser, kind and device), and the dimension may skip
	// adding it again; a set whose key varies among one visitor's records
	// (a referring site, a path's extension) must not. False when unsure.
	SeenVisitor bool
	// RefFromList says the State hands the record's referrer to the
	// dimensions it feeds from its referrer list (their AddReferrer, by the
	// worker that owns the referrer): their Add leaves the referrer out.
	RefFromList bool

	// Derived says the State filled RefHost, Ext and VHost below, which
	// it works out anyway. A Hit made without them (tests) has Derived
	// false: a dimension then works them out from Rec itself.
	Derived bool
	// RefHost is the referrer's host as refsites.HostOf finds it (without
	// user info and port, case kept): a sub-slice of Rec.Referer, nil when
	// the referrer is empty, "-" or has no "://". The State works it out
	// only where it is read: for the referrers that are not external, and
	// for all when a dimension that reads it (refsites, search) is handed
	// every Hit rather than fed from the referrer list; else it is nil.
	RefHost []byte
	// Ext is the path's extension as the State's page test reads it: the
	// bytes after the last dot of the last segment of Rec.Path (a
	// sub-slice of it, case kept, not cut), empty when there is none.
	Ext []byte
	// VHost is sketch.HashKey(Rec.VHost) when Rec.VHost is not empty.
	VHost uint64
	// AgentKey is the key of Rec.UserAgent in the State's own list of
	// user agents: a string equal to Rec.UserAgent, which (unlike Rec)
	// stays valid after the call. A dimension that keeps it can tell a
	// later record's agent is the same string by its address alone. Empty
	// when the State has none (tests, a build without the lists).
	AgentKey string
}

// Dimension is one aggregator of a State. It is used by one goroutine at a
// time.
type Dimension interface {
	// Section is the name of the dimension's section in the state file:
	// short, lower case, stable ("agents", "geo", "visits").
	Section() string
	// Version is the layout version of the section; bump it when the
	// encoding changes meaning. A state file whose section has another
	// version is refused, naming both.
	Version() uint32
	// New returns an empty aggregator with the same settings, for another
	// worker of the same run.
	New() Dimension
	// Add counts one record. In the steady state (keys already seen) it
	// should not allocate.
	Add(h *Hit)
	// Merge folds other, an aggregator of the same concrete type, into the
	// receiver. Aggregators with settings that count different things are
	// refused with an error saying which setting differs.
	Merge(other Dimension) error
	// Check verifies the dimension's invariants against the number of
	// parsed records the State counted (every parsed record was added).
	Check(parsed uint64) error
	// MarshalBinary encodes the section; UnmarshalBinary restores it into
	// an empty aggregator (see the State's section table) and validates it:
	// a corrupt section is an error, never a panic.
	encoding.BinaryMarshaler
	encoding.BinaryUnmarshaler
}

// Flusher is a Dimension that counts records in batches (to overlap
// their cache misses): it holds a few records it has copied what it needs
// of, not yet in its exported figures. Flush counts them. The dimension
// flushes itself in Merge, Check and MarshalBinary, and the State's
// Dimension method flushes it before handing it out, so that whoever
// reads its figures through the State reads them all.
type Flusher interface {
	Flush()
}

// Filter leaves records out of every figure of a State. Exclude reports
// whether rec is left out and why ("bot"); the reason is a short fixed
// string, never text from the log. Like a Dimension, a Filter is used by
// one goroutine at a time: New returns another one for another worker.
type Filter interface {
	Exclude(rec *parser.Record) (reason string, excluded bool)
	New() Filter
}

// EncodeGob returns the gob encoding of v: the bytes of a section whose
// aggregator is plain data.
func EncodeGob(v any) ([]byte, error) {
	var b bytes.Buffer
	err := gob.NewEncoder(&b).Encode(v)
	return b.Bytes(), err
}

// DecodeGob decodes a section written by EncodeGob into v, then runs
// check, the section's own validation (whose errors it returns as they
// are). A gob error, or a panic of either on hostile bytes, is an error
// "corrupt SECTION section: …": a corrupt section never crashes.
func DecodeGob(section string, data []byte, v any, check func() error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("corrupt %s section: %v", section, p)
		}
	}()
	if err := gob.NewDecoder(gobcheck.NewReader(bytes.NewReader(data))).Decode(v); err != nil {
		return fmt.Errorf("corrupt %s section: %w", section, err)
	}
	return check()
}

// ReferrerMemo is what the dimensions the State feeds from its referrer
// list (the referring sites, the search phrases) keep of one referrer
// while it stays in the list, so that its next records need no parsing
// or look-up: zero when the referrer enters the list, and each field is
// one dimension's.
type ReferrerMemo struct {
	Site   uint32 // refsites.Sites.AddReferrer's
	Search uint32 // search.Search.AddReferrer's
}
