package aggregate

import (
	"maps"
	"slices"
	"sync"
	"unsafe"

	"github.com/webalyze/webalyze/aggregate/dim"
	"github.com/webalyze/webalyze/aggregate/sketch"
	"github.com/webalyze/webalyze/aggregate/status"
)

// Sharding the big top lists across the workers of a [Run].
//
// Without it every worker would hold every URL, client and referrer it
// meets: with two workers, two copies of the lists (the bulk of the
// memory), each touched at random by every record, so that both workers
// miss the cache on tables twice the size they need. With it, each key of
// the sharded lists (URLs, URLs with query, clients, external referrers:
// the lists with tens of thousands of keys) belongs to one worker, chosen
// by its hash; a worker that parses a record whose key another worker owns
// forwards the addition to it in batches. The worker States' sharded lists
// then hold disjoint keys, and folding them is a concatenation
// ([TopK.MergeDisjoint]) rather than a merge.
//
// The small lists (agents, methods, protocols, virtual hosts, drill-downs)
// are not sharded: they fit in the cache, and forwarding would cost more
// than it saves.
//
// The visits dimension is sharded too, by visitor identity, and applied
// in the order of the lines (see "Ordering the visits" below).

// shardList names a sharded list in a forwarded addition.
type shardList uint8

const (
	shardURLs shardList = iota
	shardURLsQuery
	shardClients
	shardReferrers
	// shardVisits is a page request for the visits dimension, sharded by
	// visitor identity: every request of an identity reaches the worker
	// that owns it, so that its visits are whole in one aggregator, and
	// the workers' aggregators merge as disjoint (visits.MergeDisjoint).
	shardVisits
)

// shardOp is one addition to a sharded list, counted by the worker that
// owns its key (see State.route) or forwarded to it.
type shardOp struct {
	h, bytes, visitor uint64
	latency           int64 // request time, when hasLatency
	// For shardVisits: h is the identity, time and day the request's,
	// pathHash the hash of the path (the key).
	time, day    int64
	pathHash     uint64
	latencyIndex int32
	// The key is batch.keys[keyStart:keyEnd], or, for an addition of a
	// batching State's own with inChunk set, the chunk's lines
	// [keyStart:keyEnd] (see State.startChunk).
	keyStart, keyEnd uint32
	list             shardList
	hasLatency       bool
	inChunk          bool
	// For shardClients, what the countries need (see State.geo): the
	// request's status class when it is 4 or 5 (4xx, 5xx), else 0, with
	// geoSeen when the parsing State had counted its visitor-day before
	// (dim.Hit.SeenVisitor). One byte: an op stays 72 bytes.
	geo uint8
}

// geoSeen is the flag of shardOp.geo.
const geoSeen = 0x80

// shardBatch is a run of additions for one worker; keys holds their keys
// back to back.
type shardBatch struct {
	ops  []shardOp
	keys []byte
	// A batch of visits holds the shardVisits additions of one job (seq)
	// for one owner (see shardOut.queueVisit).
	visits bool
	seq    uint64
}

// A batch is sent when it holds shardBatchOps additions or
// shardBatchBytes of keys: large enough that a channel send is rare, small
// enough to stay in cache, and bounded however long hostile keys are (a
// line may be 256 KiB).
const (
	shardBatchOps   = 2048
	shardBatchBytes = 256 << 10
)

var shardBatchPool = sync.Pool{New: func() any {
	return &shardBatch{ops: make([]shardOp, 0, shardBatchOps), keys: make([]byte, 0, shardBatchBytes)}
}}

// shardRouter connects the workers of one run.
type shardRouter struct {
	inbox []chan *shardBatch
	gate  *jobGate
	// sending counts the workers that may still send; when it reaches
	// zero the inboxes are closed.
	sending sync.WaitGroup
}

func newShardRouter(workers int) *shardRouter {
	r := &shardRouter{inbox: make([]chan *shardBatch, workers), gate: newJobGate(2 * workers)}
	for i := range r.inbox {
		r.inbox[i] = make(chan *shardBatch, 16)
	}
	r.sending.Add(workers)
	go func() {
		r.sending.Wait()
		for _, c := range r.inbox {
			close(c)
		}
	}()
	return r
}

// shardOut is one worker's side of the router, held by its State.
type shardOut struct {
	router *shardRouter
	me     uint32
	n      uint32
	out    []*shardBatch // per owner; out[me] is unused
	st     *State

	// The visits additions are applied by their owner in job order, as
	// one worker would: seq is the job being processed, visits its
	// additions by owner (this worker's own included), pending the
	// batches of visits that came before those of earlier jobs, by job,
	// and next the job whose batch this worker applies next.
	seq     uint64
	visits  []*shardBatch
	pending map[uint64]*shardBatch
	next    uint64
	// spare are emptied batches of visits for the next jobs: a job's are
	// tens of kilobytes, not the size of the pool's, and each worker
	// applies about as many as it sends, so they go round.
	spare []*shardBatch
}

func (r *shardRouter) worker(me int, st *State) *shardOut {
	o := &shardOut{router: r, me: uint32(me), n: uint32(len(r.inbox)), out: make([]*shardBatch, len(r.inbox)), st: st,
		visits: make([]*shardBatch, len(r.inbox)), pending: map[uint64]*shardBatch{}}
	st.shard = o
	return o
}

// owner returns the worker that owns a key of hash h. It uses the low
// bits: the key index uses the high ones, and a shard must spread over
// all of its index.
func (o *shardOut) owner(h uint64) uint32 { return uint32(h) % o.n }

// owns reports whether the key of hash h is this State's to count: always
// unless the State is one worker's of a sharded Run.
func (s *State) owns(h uint64) bool { return s.shard == nil || s.shard.owner(h) == s.shard.me }

// route counts op, whose key is key, here when this State owns the key
// and forwards it to its owner otherwise. A State that batches (a worker's
// in a [Run], see [State.batchLocal]) queues its own additions too and
// applies them a batch at a time, with their cache misses overlapped.
func (s *State) route(op shardOp, key []byte) {
	if op.list == shardVisits && s.shard != nil {
		s.shard.queueVisit(op, key)
		return
	}
	if !s.owns(op.h) {
		s.shard.forward(op, key)
		return
	}
	if s.batch == nil {
		s.apply(&op, key)
		return
	}
	b := &s.batch.local
	if off, ok := offsetIn(key, s.batch.chunk); ok {
		// A key in the chunk being parsed stays there until the batch is
		// applied (see State.startChunk): no need to copy it.
		op.keyStart, op.keyEnd, op.inChunk = uint32(off), uint32(off+len(key)), true
		b.ops = append(b.ops, op)
	} else {
		b.add(op, key)
	}
	if len(b.ops) == localBatchOps || len(b.keys) >= shardBatchBytes {
		s.flushLocal()
	}
}

// offsetIn returns the offset of key in region when key is a part of it.
func offsetIn(key, region []byte) (int, bool) {
	if len(key) == 0 || len(region) == 0 {
		return 0, false
	}
	off := uintptr(unsafe.Pointer(unsafe.SliceData(key))) - uintptr(unsafe.Pointer(unsafe.SliceData(region)))
	if off >= uintptr(len(region)) || uintptr(len(key)) > uintptr(len(region))-off {
		return 0, false
	}
	return int(off), true
}

// add appends op, whose key is key, to the batch, with a copy of the key.
func (b *shardBatch) add(op shardOp, key []byte) {
	op.keyStart = uint32(len(b.keys))
	b.keys = append(b.keys, key...)
	op.keyEnd = uint32(len(b.keys))
	b.ops = append(b.ops, op)
}

// localBatchOps is how many of its own additions a batching State queues
// before it applies them: enough for the prefetch pipeline of applyOps to
// run at full depth most of the time, few enough that the batch stays in
// the first-level cache.
const localBatchOps = 256

// batching is what a State holds while it batches (see batchLocal).
type batching struct {
	local shardBatch // its own queued additions to the sharded lists
	chunk []byte     // the lines their keys may lie in (see startChunk)
	// The counts of sub-status 0 by status code, kept in plain counters
	// instead of the map: most IIS lines have it, and a map increment is
	// 60 instructions a line. (The win32 dimension counts status 0 so.)
	subZero [1000]uint64
}

// batchLocal makes s queue the additions to its own sharded lists (see
// route) and keep its commonest IIS counts aside (see batching);
// [State.stopBatching] must then be called before the lists or SubCodes
// are read. Run does both for its workers' States.
func (s *State) batchLocal() {
	s.batch = &batching{local: shardBatch{ops: make([]shardOp, 0, localBatchOps), keys: make([]byte, 0, 16<<10)}}
}

// stopBatching applies what s has queued, adds the counts it kept aside
// to the maps, and makes it count its own additions at once again.
func (s *State) stopBatching() {
	b := s.batch
	if b == nil {
		return
	}
	s.flushLocal()
	for code, n := range b.subZero {
		if n > 0 {
			s.SubCodes[status.SubKey(uint16(code), 0)] += n
		}
	}
	s.batch = nil
}

// startChunk tells a batching State that the records it is given next
// have their keys in data (a chunk's lines): it queues those without
// copying them, and data must stay unchanged until [State.endChunk].
func (s *State) startChunk(data []byte) {
	if s.batch != nil {
		s.batch.chunk = data
	}
}

// endChunk applies what s has queued from the chunk of startChunk, which
// may then be reused.
func (s *State) endChunk() {
	if b := s.batch; b != nil && b.chunk != nil {
		s.flushLocal()
		b.chunk = nil
	}
	if s.shard != nil {
		s.shard.sendVisits()
	}
}

// flushLocal applies the queued additions of a batching State.
func (s *State) flushLocal() {
	if bt := s.batch; bt != nil && len(bt.local.ops) > 0 {
		b := &bt.local
		s.applyOps(b)
		if !b.reset() {
			b.keys = make([]byte, 0, 16<<10)
		}
	}
}

// reset empties b for reuse and reports whether its key buffer is worth
// keeping: false when a very long key grew it past twice the batch limit.
func (b *shardBatch) reset() bool {
	b.ops, b.keys = b.ops[:0], b.keys[:0]
	return cap(b.keys) <= 2*shardBatchBytes
}

// listOf returns the sharded list l.
func (s *State) listOf(l shardList) *sketch.TopK {
	switch l {
	case shardURLs:
		return s.URLs
	case shardURLsQuery:
		return s.URLsQuery
	case shardClients:
		return s.Clients
	default:
		return s.Referrers
	}
}

// apply performs one addition on s's own lists.
func (s *State) apply(op *shardOp, key []byte) {
	switch op.list {
	case shardURLs:
		if e := s.URLs.AddHashed(key, op.h, op.bytes, op.visitor); op.hasLatency {
			e.AddLatency(op.latency, op.latencyIndex)
		}
	case shardURLsQuery:
		s.URLsQuery.AddHashed(key, op.h, op.bytes, op.visitor)
	case shardClients:
		// The client is new to the list (or came back after an eviction):
		// only then can it be new to the distinct count, which spares a
		// set lookup per record.
		e := s.Clients.AddHashed(key, op.h, op.bytes, op.visitor)
		if e.Hits == e.HitsErr+1 {
			s.ClientAddrs.Add(op.h)
		}
		if s.geo != nil {
			s.geo.AddClient(e, key, op.visitor, op.bytes, op.geo&^geoSeen, op.geo&geoSeen != 0)
		}
	case shardReferrers:
		e := s.Referrers.AddHashed(key, op.h, op.bytes, op.visitor)
		if s.refsites != nil || s.search != nil {
			m := s.referrerMemo(e)
			if s.refsites != nil {
				s.refsites.AddReferrer(m, key, op.bytes, op.visitor)
			}
			if s.search != nil {
				s.search.AddReferrer(m, key, op.bytes, op.visitor)
			}
		}
	case shardVisits:
		s.visits.AddPage(op.h, op.time, op.day, key, op.pathHash)
	}
}

// referrerMemo returns the memo of the referrer whose entry in s.Referrers
// is e, which the list has just counted: the dimensions fed from the list
// keep there what they worked out of the referrer (dim.ReferrerMemo). It
// is the memo at the entry's index, emptied when the entry took another
// referrer: the entry's auxiliary word says it was handed out for the
// referrer the entry holds (it is 0 for a new key, and after a merge).
func (s *State) referrerMemo(e *sketch.TopEntry) *dim.ReferrerMemo {
	i := int(s.Referrers.Index(e))
	if i >= len(s.refMemos) {
		s.refMemos = append(s.refMemos, make([]dim.ReferrerMemo, len(s.Referrers.Entries)-len(s.refMemos))...)
	}
	m := &s.refMemos[i]
	if e.Aux() == 0 {
		*m = dim.ReferrerMemo{}
		e.SetAux(1)
	}
	return m
}

// prefetchMemo asks the dimensions fed from the referrer list for what
// they will read for the referrer whose entry in s.Referrers is e: their
// entries, or with registers, once those are in the cache, their
// registers of visitor (see applyOps). It takes the memo at the index of
// e without reading e (which may not be in the cache yet), so possibly a
// memo emptied for another referrer, which only makes the prefetches
// useless (e itself may be stale).
func (s *State) prefetchMemo(e *sketch.TopEntry, visitor uint64, registers bool) {
	i := int(s.Referrers.Index(e))
	if i < 0 || i >= len(s.refMemos) {
		return
	}
	m := &s.refMemos[i]
	if s.refsites != nil {
		if registers {
			s.refsites.PrefetchVisitor(m, visitor)
		} else {
			s.refsites.PrefetchReferrer(m)
		}
	}
	if s.search != nil {
		if registers {
			s.search.PrefetchVisitor(m, visitor)
		} else {
			s.search.PrefetchReferrer(m)
		}
	}
}

// forward queues op, whose key is key, for the owner of its key, and
// sends the owner's batch when it is full.
func (o *shardOut) forward(op shardOp, key []byte) {
	owner := o.owner(op.h)
	b := o.out[owner]
	if b == nil {
		b = shardBatchPool.Get().(*shardBatch)
		o.out[owner] = b
	}
	b.add(op, key)
	if len(b.ops) == shardBatchOps || len(b.keys) >= shardBatchBytes {
		o.out[owner] = nil
		o.send(owner, b)
	}
}

// send hands b to its owner. While the owner's inbox is full it applies
// what others sent to this worker, so that two workers sending to each
// other never wait on each other.
func (o *shardOut) send(owner uint32, b *shardBatch) {
	inbox, mine := o.router.inbox[owner], o.router.inbox[o.me]
	for {
		select {
		case inbox <- b:
			return
		case in := <-mine:
			o.st.applyBatch(in)
		}
	}
}

// flush sends every pending batch.
func (o *shardOut) flush() {
	for owner, b := range o.out {
		if b != nil {
			o.out[owner] = nil
			o.send(uint32(owner), b)
		}
	}
}

// finish sends what is pending, declares that this worker sends no more,
// and applies everything sent to it until every worker has done the same.
func (o *shardOut) finish() {
	o.st.stopBatching()
	o.flush()
	o.router.sending.Done()
	for in := range o.router.inbox[o.me] {
		o.st.applyBatch(in)
	}
	o.applyPending()
	o.st.shard = nil
}

// applyBatch performs forwarded additions on s's own lists and recycles b;
// a batch of visits waits for those of earlier jobs (see receiveVisits).
func (s *State) applyBatch(b *shardBatch) {
	if b.visits {
		s.shard.receiveVisits(b)
		return
	}
	s.applyOps(b)
	if b.reset() {
		shardBatchPool.Put(b) // one grown by a very long key is let go
	}
}

// Ordering the visits. A visit is folded into the counts once it ended
// long enough before the latest request of its aggregator (see
// visits.Visits): a request that comes later than that splits it. Were
// the visits additions forwarded as the others are, applied as they
// arrive, a worker that stalls would hand its requests to the others
// chunks after their own later ones, as late as it stalled, and the
// visits of an identity would depend on the workers' timing. Instead
// every job sends each owner one batch of its visits additions, empty or
// not, at its end, and each owner applies them in job order: its
// aggregator sees its identities' requests in the order of the inputs'
// lines, as with one worker, and lines out of order in the logs are the
// only late ones. The batches of later jobs wait until those of earlier
// ones come, at most the jobs in flight (see jobGate).

// queueVisit queues a visits addition of the current job for the owner of
// its identity, with a copy of its key (the job's chunk is released
// before the owner applies it).
func (o *shardOut) queueVisit(op shardOp, key []byte) {
	owner := o.owner(op.h)
	b := o.visits[owner]
	if b == nil {
		b = o.visitBatch()
		o.visits[owner] = b
	}
	b.add(op, key)
}

// visitBatch returns an empty batch of visits.
func (o *shardOut) visitBatch() *shardBatch {
	if n := len(o.spare); n > 0 {
		b := o.spare[n-1]
		o.spare = o.spare[:n-1]
		return b
	}
	return &shardBatch{visits: true}
}

// recycleVisits keeps b, an applied batch of visits, for a next job,
// unless enough are kept or a very long key grew it.
func (o *shardOut) recycleVisits(b *shardBatch) {
	if b.reset() && len(o.spare) < 4*int(o.n) {
		o.spare = append(o.spare, b)
	}
}

// sendVisits hands every owner, this worker included, the current job's
// batch of visits additions.
func (o *shardOut) sendVisits() {
	for owner, b := range o.visits {
		if b == nil {
			b = o.visitBatch()
		}
		o.visits[owner] = nil
		b.visits, b.seq = true, o.seq
		if uint32(owner) == o.me {
			o.receiveVisits(b)
		} else {
			o.send(uint32(owner), b)
		}
	}
}

// receiveVisits applies b, a batch of visits, and those that waited for
// it, in job order.
func (o *shardOut) receiveVisits(b *shardBatch) {
	o.pending[b.seq] = b
	for {
		b, ok := o.pending[o.next]
		if !ok {
			return
		}
		delete(o.pending, o.next)
		o.next++
		o.st.applyOps(b)
		o.recycleVisits(b)
	}
}

// applyPending applies the batches of visits still waiting, in job order:
// none once every job's have come, some when the run stopped early.
func (o *shardOut) applyPending() {
	seqs := slices.Sorted(maps.Keys(o.pending))
	for _, q := range seqs {
		b := o.pending[q]
		delete(o.pending, q)
		o.st.applyOps(b)
		o.recycleVisits(b)
	}
}

// pipeDistance is how many additions ahead of the one being applied each
// prefetch stage of applyOps works.
const pipeDistance = 4

// applyOps performs the additions of b in order. A lookup in a big list is
// a chain of three dependent cache misses (index slot, entry, key bytes
// and visitor register), each a trip to memory once the lists outgrow the
// caches; one record at a time, the processor can overlap only the chains
// of that record's few lists. Here the additions are known in advance, so
// the chains of the next additions are started with prefetches, one link
// per stage: while addition i is applied, addition i+3d has its slot
// fetched, i+2d its entry (the slot is in cache by then) and i+d its key
// and register, so that by the time each is applied everything it reads
// is in cache. The counts are exactly those of applying the additions one
// after another, since prefetching changes nothing.
func (s *State) applyOps(b *shardBatch) {
	const d = pipeDistance
	ops := b.ops
	var lists [4]*sketch.TopK // by shardList
	// The entries found by the second stage, for the third: d additions
	// later, in a ring of more than d.
	var entries [2 * d]*sketch.TopEntry
	for l := range lists {
		lists[l] = s.listOf(shardList(l))
		lists[l].EnsureIndex()
	}
	for i := range ops {
		if j := i + 3*d; j < len(ops) {
			if op := &ops[j]; op.list == shardVisits {
				s.visits.Prefetch(op.h) // a table slot: one link only
			} else {
				lists[op.list&3].PrefetchSlot(op.h)
			}
		}
		if j := i + 2*d; j < len(ops) {
			var e *sketch.TopEntry
			if op := &ops[j]; op.list != shardVisits {
				e = lists[op.list&3].PrefetchEntry(op.h)
				// The memo is at the entry's index, in a small array:
				// the site's and phrase's entries can be asked for now.
				if e != nil && op.list == shardReferrers {
					s.prefetchMemo(e, 0, false)
				}
			}
			entries[j%len(entries)] = e
		}
		if j := i + d; j < len(ops) {
			e := entries[j%len(entries)]
			sketch.PrefetchKey(e, ops[j].visitor)
			if e != nil {
				switch {
				case ops[j].list == shardClients && s.geo != nil:
					s.geo.PrefetchClient(e, ops[j].visitor)
				case ops[j].list == shardReferrers:
					s.prefetchMemo(e, ops[j].visitor, true)
				}
			}
		}
		op := &ops[i]
		keys := b.keys
		if op.inChunk {
			keys = s.batch.chunk // set: only a batching State queues these
		}
		s.apply(op, keys[op.keyStart:op.keyEnd])
	}
}
