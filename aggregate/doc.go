// Package aggregate turns parsed log records into a [State]: the counts,
// time series, top lists and sketches a report is built from.
//
// Feed a State from one goroutine with [State.Add] (one parsed record: the
// hot path, allocation-free once its keys are known) and with
// [State.AddMalformed], [State.AddSkipped], [State.AddFiltered],
// [State.AddFileError] and [State.SetFormat]. Every line read is exactly
// one of parsed, malformed, skipped or filtered, and [State.Check] verifies
// that the counts add up. Build one State per worker and fold them
// together with [State.Merge]; merging is associative and commutative, so
// the result does not depend on how the input was split. [State.Encode]
// and [Decode] save and load a State as a versioned, compressed file, so
// that incremental runs and shards from several machines can be merged.
//
// # The core and the dimensions
//
// A State is a core and a list of dimensions. The core holds what the
// accounting and the time series are made of, and what is tied to them:
// the lines and their reasons, the requests, bytes, pages and files, the
// status codes and IIS sub-statuses (counted per minute too, for windowed
// checks), the minute buckets, the visitors per day, the top lists and
// the per-code drill-downs.
//
// A dimension (package [dim]) is an aggregator of its own with Add, Merge,
// Check and a versioned section of the state file. [State.Add] computes
// the keys once per record (the hashes of the client, path and agent, the
// visitor, the day, the status, whether it is a page) and hands them to
// every dimension as a [dim.Hit]. Every State has the core's own
// dimensions, which Add calls directly with what it computed: the
// response times (package [timing], [State.Times]) and the IIS
// sc-win32-status counts (package [win32], [State.Win32]). Options add
// others (user agents, countries, visits...): see
// [Options.Dimensions]; [State.Dimension] returns any of them by section.
//
// The top lists with tens of thousands of keys (URLs, URLs with query,
// clients, external referrers) stay in the core: in a run with several
// workers each key belongs to one worker, which counts it for the others
// (see shard.go), so that two workers do not both hold and miss the cache
// on every URL. Sharding stays a capability the State offers the
// pipeline, so the hot path does not slow down; a dimension is whole in
// every worker and is merged at the end.
//
// What is exact and what is estimated is always stated:
//
//   - counters (lines, requests, bytes, status codes, IIS sub-status and
//     win32 status, minute buckets) are exact; byte sums saturate instead
//     of wrapping;
//   - top lists, unique counters and request-time quantiles are the
//     structures of package [sketch], each with its stated bound.
//
// Status codes are classed and looked up by package [status]; the
// structures that count keys, uniques and latencies are package [sketch];
// state files are written with package [atomicfile].
//
// [Run] reads logs into States through package [ingest]: one State per
// worker (the big top lists sharded among them by key hash), folded into
// one at the end. The state files' locks are [LockState].
package aggregate
