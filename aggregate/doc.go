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
