// Package ingest holds the parts of reading logs that do not depend on
// what the records feed: the --since/--until [Window], and the marks that
// let an incremental run resume each input where an earlier one stopped
// ([InputMark], recognised by [Fingerprint] of the first bytes and by
// file [Identity] across renames, compression and truncation). It imports
// parser only, never aggregate.
//
// It is the first part of the one ingest pipeline: the rest (opening,
// per-file detection, line classification, the worker pool) still lives
// in aggregate.Run and is to move here, feeding any sink (the State,
// `webalyze parse`, the ClickHouse loader).
package ingest
