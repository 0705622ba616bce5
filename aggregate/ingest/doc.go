// Package ingest is the one pipeline that reads logs: it opens each input
// (decompressing by magic), reads its head and detects its format, splits
// it into chunks of lines on the reading goroutine, and hands them to a
// pool of workers that classify every line (leading NUL runs, lines over
// --max-line, a truncated last line, blank lines, no format) and parse
// the rest. What the lines become goes to a [Sink]: aggregate.State is
// one, and any other consumer of records (`webalyze parse`, the ClickHouse
// loader) can be. A [Worker] may offer the pipeline a loop of its own
// (aggregate's workers apply the additions other workers forward between
// chunks) and hooks around each chunk.
//
// It also holds the --since/--until [Window], and the marks that let an
// incremental run resume each input where an earlier one stopped
// ([InputMark], recognised by a fingerprint of their first bytes and by
// file identity across renames, compression and truncation).
//
// It imports parser only, never aggregate.
package ingest
