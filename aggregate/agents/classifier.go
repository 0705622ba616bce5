package agents

// Classifier classifies user-agent strings with a cache by the exact
// string (its first [MaxLen] bytes). It is not safe for concurrent use:
// give each worker its own, so the hot path takes no lock.
//
// The cache holds at most the capacity given to [NewClassifier], in two
// generations: when the newer one is half full it becomes the older one
// and the former older one is dropped; a hit in the older generation moves
// the entry to the newer. Agents seen again and again stay; the rest age
// out, and memory stays bounded whatever the input: at most capacity keys
// of at most MaxLen bytes each.
type Classifier struct {
	cur, old map[string]entry
	half     int
	stats    Stats
}

type entry struct {
	key   string // the map's own key, kept to move an entry without a copy
	agent Agent
}

// Stats counts what a [Classifier] did.
type Stats struct {
	Hits     uint64 // lookups answered from the cache
	Misses   uint64 // strings classified
	Detector uint64 // misses that asked the (slow) crawler detector
	Rotated  uint64 // times the older generation was dropped
	// Recovered counts strings on which a parsing library panicked; they
	// are classified unknown.
	Recovered uint64
}

// HitRate is Hits/(Hits+Misses), 0 before any lookup.
func (s Stats) HitRate() float64 {
	if n := s.Hits + s.Misses; n > 0 {
		return float64(s.Hits) / float64(n)
	}
	return 0
}

// NewClassifier returns a Classifier whose cache holds at most capacity
// strings; below 2 there is no cache.
func NewClassifier(capacity int) *Classifier {
	c := &Classifier{half: max(capacity/2, 0)}
	if c.half > 0 {
		c.cur = make(map[string]entry, min(c.half, 1024))
	}
	return c
}

// Classify classifies ua, the raw user-agent field of a log line (as the
// log writes it: "-" for none, '+' for spaces in IIS logs). ua is not
// retained. A cache hit does not allocate.
func (c *Classifier) Classify(ua []byte) Agent {
	a, _ := c.lookup(ua)
	return a
}

// lookup is Classify that also returns the cached key, the string of ua
// (cut to MaxLen), for a caller to keep without a copy of its own.
func (c *Classifier) lookup(ua []byte) (Agent, string) {
	if len(ua) > MaxLen {
		ua = ua[:MaxLen]
	}
	if e, ok := c.cur[string(ua)]; ok {
		c.stats.Hits++
		return e.agent, e.key
	}
	if e, ok := c.old[string(ua)]; ok {
		c.stats.Hits++
		delete(c.old, e.key)
		c.put(e)
		return e.agent, e.key
	}
	key := string(ua)
	a, detected, recovered := classify(key)
	c.stats.Misses++
	if detected {
		c.stats.Detector++
	}
	if recovered {
		c.stats.Recovered++
	}
	if c.half > 0 {
		c.put(entry{key, a})
	}
	return a, key
}

func (c *Classifier) put(e entry) {
	if len(c.cur) >= c.half {
		// The older generation's map is emptied and reused: no allocation.
		if c.old == nil {
			c.old = make(map[string]entry, min(c.half, 1024))
		}
		clear(c.old)
		c.old, c.cur = c.cur, c.old
		c.stats.Rotated++
	}
	c.cur[e.key] = e
}

// Stats returns the counts so far.
func (c *Classifier) Stats() Stats { return c.stats }

// Len is the number of strings cached.
func (c *Classifier) Len() int { return len(c.cur) + len(c.old) }
