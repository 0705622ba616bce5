// Package clickhouse loads parsed requests into ClickHouse and computes a
// report's figures from SQL aggregates: the store for logs past what one
// machine, or a few merged state files, can hold.
//
// It sits under aggregate because it is another sink of parsed records,
// beside the State (records in, rows out), and its figures are what a
// State holds, computed by the server; report.Input is filled from either.
// It talks to the HTTP interface with net/http only: the Go drivers fail
// with Debian's clickhouse-server 18.16, and the HTTP interface is the
// same on every release. Every SQL statement is in sql.go, figures.go,
// agents.go, extras.go and geo.go, and uses only SQL that 18.16 and
// current releases both accept.
//
// # Connecting
//
// [Open] takes a URL such as http://127.0.0.1:8123/?database=web. The user
// and password come from the URL (user info, or user= and password=
// parameters) or $WEBALYZE_CLICKHOUSE_PASSWORD; they are sent as HTTP
// basic authentication and never appear in an error: errors are [*Error]
// values that name the URL with the password replaced by "xxxxx".
//
// # The table
//
// [NewLoader] creates the table if absent (the database must exist): a
// MergeTree partitioned by toYYYYMM(time) and ordered by (time, file_id,
// line_offset), so that a time window reads only its months and granules.
// DateTime64 does not exist in 18.16: time is a DateTime (whole seconds,
// UTC) and nanos the sub-second part in nanoseconds. Absent values are 0
// or "" with a has_* flag (has_time, has_status, has_duration...). A
// record whose time a DateTime cannot hold (before 1970, after 2106) is
// refused with [ErrTimeRange]. Columns: time, nanos, has_time, status,
// has_status, sub_status, win32_status (IIS) and their flags, method,
// protocol, vhost, path, query, client, remote_user, referrer,
// referrer_external (the referrer-list rule, computed at load), agent,
// bytes, request_bytes, duration_us, upstream_us and their flags, file (as
// given), file_id (its identity), line, line_offset, and batch (the byte
// offset where the row's batch starts: (file_id, batch) names a batch).
// Rows are sent as RowBinary, encoded straight from the parser.Record
// into one reused buffer per batch.
//
// # Exactly once
//
// A row is identified by its input's identity and its line's byte
// offset, (file_id, line_offset). A [Loader] loads each input from an
// offset (its incremental mark, or 0) in order, in batches of BatchRows
// rows, one INSERT each, and reports every committed batch to OnCommit,
// where the caller advances the input's mark to Batch.End. Before the
// first batch of an input, [Loader.Begin] fences it:
//
//  1. it waits until no insert of this input is running on the server
//     (inserts are tagged with a query_id derived from file_id): a crashed
//     load's insert ends when the server sees its connection closed, and
//     KILL QUERY cannot end inserts on 18.16;
//  2. it counts the rows of file_id at or after the start offset, and if
//     there are any, deletes them (ALTER TABLE … DELETE, a mutation) and
//     waits until they are gone (18.16 has no mutations_sync).
//
// Those rows can only come from an earlier load of the same lines whose
// batches were not all recorded in the marks, so whatever the earlier
// run did is replaced: a kill before an INSERT, during one (the server
// may have committed some of its blocks: one block per month a batch
// spans, or per million rows), after its commit but before the mark was
// saved, or during the fence's own DELETE (the mutation persists, or is
// issued again), leaves every row exactly once after a rerun, whatever
// the batch sizes of either run; loading a file again from 0 replaces it.
// The contract: one Loader at a time per input, inputs keep their ID
// across runs, and no two inputs share one. The fence's count scans the
// file_id and line_offset columns (one query per input per run); the
// DELETE rewrites the parts holding the rows and runs only after a crash.
// A server that is down or refuses an insert is an [*Error] from Add,
// Flush or Close; the batch is not reported to OnCommit and the Loader
// refuses further work.
//
// # Figures
//
// [Query] returns [Figures], plain data equal to a local State's for the
// same records (see Figures for which are exact and which estimated);
// [Figures.Input] converts them into a report.Input. The agent panels and
// the extra panels (referring sites, search, content, remote users,
// status by virtual host) are grouped by the server on the raw column (or
// the part of it that decides the key) and the key is worked out in Go by
// the local dimension's own function (agents.Parse, refsites.Host,
// search.Param...); the visitors of each resulting group, which are not
// the sum of its raw values', are counted by the server in one more pass
// that maps each raw value to its groups by hash. Over several shards,
// load each shard's local table and query a Distributed table made by
// [CreateDistributed].
//
// # Visits
//
// 18.16 has no window functions; visits (aggregate/visits: runs of one
// identity's page requests with no gap over the timeout) are made with
// arrays instead. GROUP BY client, agent gathers each identity's (time,
// path) pairs with groupArray and sorts them; a visit starts at the first
// pair and wherever arrayDifference of the times passes the timeout, and
// ARRAY JOIN of the visits' first and last positions gives one row per
// visit (first and last time, pages, entry and exit path, day in the
// zone), which the server aggregates further: the totals, the pages and
// duration distributions, the visits per day (sumMap), the distinct entry
// and exit paths, and, in a second pass, the busiest TopN entry and exit
// paths. Paths are cut as visits.PagePath cuts them by the server itself,
// since the cut paths order a visit's same-second requests. Over a
// Distributed table each shard gathers its rows and the server asked
// merges each identity's arrays before sorting them, so the visits are
// those of all the shards' rows. The cost is memory: until the GROUP BY
// ends, the server holds every counted page request of the window, its
// time and path (up to visits.MaxPath bytes), grouped by identity; the
// whole is sessionised at once, so nothing is closed early and every
// figure is exact.
package clickhouse
