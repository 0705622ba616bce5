// Package sketch holds the data structures a log summary is counted in:
// top lists, unique counters and a latency sketch, with the hash they
// share. Each one is mergeable (two halves of a log, merged, give what the
// whole log gives, within stated bounds), encodable with encoding/gob, and
// bounded in memory by its capacity, whatever the input. The package
// imports nothing of the project, so that every dimension package
// (aggregate, and the per-dimension packages under it) can build on it.
//
// What is exact and what is estimated is always stated:
//
//   - a top list ([TopK]) is exact up to its capacity, then a Space-Saving
//     summary with a per-entry and a list-wide error bound;
//   - a unique counter ([Distinct], and [SmallDistinct] inside each top
//     list entry) is exact up to its capacity, then a HyperLogLog with a
//     relative standard error of about 0.8 % (6.5 % for SmallDistinct);
//   - request-time quantiles ([Latency]) are within [LatencyAccuracy] of a
//     true value; count, sum, min and max are exact.
//
// Keys are hashed once with [HashKey] (a fixed, seedless function: hashes
// are saved in state files and merged across machines) and the hash is
// given to the structures that need it ([TopK.AddHashed], [Distinct.Add]).
// [VisitorHash] and [VisitorDay] make the visitor identity the lists
// count.
//
// The hot path of a caller adding one record to several lists can overlap
// their cache misses: [TopK.Peek], [TopK.PrefetchSlot],
// [TopK.PrefetchEntry] and [PrefetchKey] touch or prefetch what an
// addition will read (a few instructions of assembly on amd64 and arm64,
// nothing elsewhere).
package sketch
