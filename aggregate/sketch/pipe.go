package sketch

// Pipe queues additions to one TopK and makes them in batches, in the
// order they were queued, so that the list counts exactly what the same
// AddHashed calls would. A batch overlaps the cache misses of its
// additions: each starts the load of its index slot when queued, and
// the batch asks for each addition's entry and key a few additions before
// making it (the stages of State.applyOps). A list of thousands of keys
// fed by every record (referring sites, search phrases) is mostly out of
// the processor's caches, and one addition at a time waits on a chain of
// misses: slot, entry, key, visitor register.
//
// The zero Pipe is empty and ready. The list must not be read or changed
// while the pipe holds additions for it: Flush them first.
type Pipe struct {
	ops  []pipeOp
	keys []byte // the queued keys, one after the other (a run's once)
	last int    // where the last key starts in keys
}

type pipeOp struct {
	h, bytes, visitor uint64
	e                 *TopEntry // from PrefetchEntry, once asked for
	end               int       // the key is keys[previous end:end], or the previous op's when same
	same              bool
}

// PipeBatch is how many additions a Pipe queues before making them: few
// enough that what was asked for is still cached when they are made.
const PipeBatch = 16

// Add queues the addition of key (copied) to t, and makes the queued
// additions once there are PipeBatch of them. t must be the list of every
// call until Flush.
//
// The stages of the prefetch are one addition apart: the records
// between two additions give each stage's loads the time to arrive. A key
// equal to the one queued before (a run: the referrer of a visitor's
// pages) takes its hash, and asks for nothing: the addition before it
// reads the same.
func (p *Pipe) Add(t *TopK, key []byte, bytes, visitor uint64) {
	n := len(p.ops)
	if n > 0 && string(p.keys[p.last:]) == string(key) {
		// The key before again: its bytes and hash are queued already.
		prev := &p.ops[n-1]
		p.ops = append(p.ops, pipeOp{h: prev.h, bytes: bytes, visitor: visitor, end: prev.end, same: true})
		if len(p.ops) >= PipeBatch {
			p.Flush(t)
		}
		return
	}
	h := HashKey(key)
	t.PrefetchSlot(h)
	if n > 0 {
		o := &p.ops[n-1]
		o.e = t.PrefetchEntry(o.h)
		if n > 1 {
			o := &p.ops[n-2]
			PrefetchKey(o.e, o.visitor)
		}
	}
	p.last = len(p.keys)
	p.keys = append(p.keys, key...)
	p.ops = append(p.ops, pipeOp{h: h, bytes: bytes, visitor: visitor, end: len(p.keys)})
	if len(p.ops) >= PipeBatch {
		p.Flush(t)
	}
}

// Len returns the number of additions queued.
func (p *Pipe) Len() int { return len(p.ops) }

// Flush makes the queued additions to t, in order.
func (p *Pipe) Flush(t *TopK) {
	n := len(p.ops)
	if n == 0 {
		return
	}
	ops := p.ops
	t.EnsureIndex()
	// The last two were not asked for in full: the first additions
	// give them the time.
	o := &ops[n-1]
	o.e = t.PrefetchEntry(o.h)
	if n > 1 {
		PrefetchKey(ops[n-2].e, ops[n-2].visitor)
	}
	start, end := 0, 0 // the key of the op before
	for i := range ops {
		if i == 1 {
			PrefetchKey(o.e, o.visitor)
		}
		op := &ops[i]
		if !op.same {
			start, end = end, op.end
		}
		t.AddHashed(p.keys[start:end], op.h, op.bytes, op.visitor)
		op.e = nil
	}
	p.ops, p.keys, p.last = p.ops[:0], p.keys[:0], 0
	if cap(p.keys) > 64<<10 {
		p.keys = nil // grown by long keys: let it go
	}
}
