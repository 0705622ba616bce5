package aggregate

import (
	"sync"
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
// ([TopK.mergeDisjoint]) rather than a merge.
//
// The small lists (agents, methods, protocols, virtual hosts, drill-downs)
// are not sharded: they fit in the cache, and forwarding would cost more
// than it saves.

// shardList names a sharded list in a forwarded addition.
type shardList uint8

const (
	shardURLs shardList = iota
	shardURLsQuery
	shardClients
	shardReferrers
)

// shardOp is one addition to a sharded list, counted by the worker that
// owns its key (see State.route) or forwarded to it.
type shardOp struct {
	h, bytes, visitor uint64
	latency           int64 // request time, when hasLatency
	latencyIndex      int32
	keyEnd            uint32 // forwarded: the key is batch.keys[previous op's keyEnd:keyEnd]
	list              shardList
	hasLatency        bool
}

// shardBatch is a run of additions for one worker; keys holds their keys
// back to back.
type shardBatch struct {
	ops  []shardOp
	keys []byte
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
	// sending counts the workers that may still send; when it reaches
	// zero the inboxes are closed.
	sending sync.WaitGroup
}

func newShardRouter(workers int) *shardRouter {
	r := &shardRouter{inbox: make([]chan *shardBatch, workers)}
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
}

func (r *shardRouter) worker(me int, st *State) *shardOut {
	o := &shardOut{router: r, me: uint32(me), n: uint32(len(r.inbox)), out: make([]*shardBatch, len(r.inbox)), st: st}
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
// and forwards it to its owner otherwise.
func (s *State) route(op shardOp, key []byte) {
	if s.owns(op.h) {
		s.apply(&op, key)
	} else {
		s.shard.forward(op, key)
	}
}

// apply performs one addition on s's own lists.
func (s *State) apply(op *shardOp, key []byte) {
	switch op.list {
	case shardURLs:
		if e := s.URLs.AddHashed(key, op.h, op.bytes, op.visitor); op.hasLatency {
			e.addLatency(op.latency, op.latencyIndex)
		}
	case shardURLsQuery:
		s.URLsQuery.AddHashed(key, op.h, op.bytes, op.visitor)
	case shardClients:
		// The client is new to the list (or came back after an eviction):
		// only then can it be new to the distinct count, which spares a
		// set lookup per record.
		if e := s.Clients.AddHashed(key, op.h, op.bytes, op.visitor); e.Hits == e.HitsErr+1 {
			s.ClientAddrs.Add(op.h)
		}
	case shardReferrers:
		s.Referrers.AddHashed(key, op.h, op.bytes, op.visitor)
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
	b.keys = append(b.keys, key...)
	op.keyEnd = uint32(len(b.keys))
	b.ops = append(b.ops, op)
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
	o.flush()
	o.router.sending.Done()
	for in := range o.router.inbox[o.me] {
		o.st.applyBatch(in)
	}
	o.st.shard = nil
}

// applyBatch performs forwarded additions on s's own lists and recycles b.
func (s *State) applyBatch(b *shardBatch) {
	start := uint32(0)
	for i := range b.ops {
		op := &b.ops[i]
		s.apply(op, b.keys[start:op.keyEnd])
		start = op.keyEnd
	}
	if cap(b.keys) > 2*shardBatchBytes {
		return // grown by a very long key: let it go rather than keep it
	}
	b.ops, b.keys = b.ops[:0], b.keys[:0]
	shardBatchPool.Put(b)
}
