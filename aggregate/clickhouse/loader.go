package clickhouse

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/webalyze/webalyze/parser"
)

// DefaultBatchRows is the default number of rows a batch holds.
const DefaultBatchRows = 100_000

// LoaderOptions configure a [Loader].
type LoaderOptions struct {
	// Table is the table to load, "name" or "database.name"; default
	// "requests" in the URL's database. It is created if absent.
	Table string
	// BatchRows is how many rows are sent in one INSERT; default
	// DefaultBatchRows. A batch is also cut when its source changes.
	BatchRows int
	// OnCommit, when set, is called after each batch the server has
	// committed, in load order: the place to advance the input's
	// incremental mark to Batch.End.
	OnCommit func(Batch)
	// MutationTimeout bounds a fence's waits, for an earlier load's
	// inserts to end and for its DELETE to finish; default 10 minutes.
	MutationTimeout time.Duration
}

// Source is one input being loaded.
type Source struct {
	// Name is the input as the user gave it; stored in column file.
	Name string
	// ID identifies the input's content across runs, renames and
	// rotations (e.g. its device and inode, or a digest of its first
	// bytes); stored in column file_id. Two different inputs must never
	// share an ID, and an input must keep its ID between runs, or a rerun
	// cannot find what an interrupted run left.
	ID string
}

// Batch is one committed INSERT: the rows of Source whose lines start in
// [Start, End).
type Batch struct {
	Source     Source
	Start, End int64 // byte offsets: first byte of the first row's line, end of the last row's line
	Rows       int
}

// ID returns the batch's label, "file_id:start-end".
func (b Batch) ID() string { return fmt.Sprintf("%s:%d-%d", b.Source.ID, b.Start, b.End) }

// Loader inserts parsed records into a ClickHouse table in batches,
// exactly once per (Source.ID, line offset) across crashes and reruns
// (see the package documentation for the mechanism). Use it from one
// goroutine: [Loader.Begin] each input from where this run starts
// reading it, [Loader.Add] its records in file order, and [Loader.Close]
// at the end. After an error the Loader refuses further work: the batch
// that failed is not loaded, and nothing after it is.
type Loader struct {
	c     *Client
	table string
	opts  LoaderOptions
	ins   string // the INSERT statement

	src    Source
	name   []byte
	id     []byte
	qid    string // query_id prefix of this source's inserts
	begun  bool
	buf    []byte
	rows   int
	start  int64
	end    int64
	loaded uint64
	err    error
}

// NewLoader pings the server, creates the table if absent and returns a
// Loader for it.
func NewLoader(ctx context.Context, c *Client, opts LoaderOptions) (*Loader, error) {
	if opts.Table == "" {
		opts.Table = "requests"
	}
	if err := checkTable(opts.Table); err != nil {
		return nil, err
	}
	if opts.BatchRows <= 0 {
		opts.BatchRows = DefaultBatchRows
	}
	if opts.MutationTimeout <= 0 {
		opts.MutationTimeout = 10 * time.Minute
	}
	if err := c.Ping(ctx); err != nil {
		return nil, err
	}
	if err := CreateTable(ctx, c, opts.Table); err != nil {
		return nil, err
	}
	return &Loader{c: c, table: opts.Table, opts: opts, ins: insertSQL(opts.Table)}, nil
}

// CreateTable creates the MergeTree table of loaded requests if it does
// not exist.
func CreateTable(ctx context.Context, c *Client, table string) error {
	if err := checkTable(table); err != nil {
		return err
	}
	return c.Exec(ctx, "create table "+table, createTableSQL(table))
}

// Loaded returns the rows committed so far.
func (l *Loader) Loaded() uint64 { return l.loaded }

// Begin flushes the pending batch and starts loading src from byte
// offset from: where this run starts reading it (its incremental mark,
// or 0). It first fences the input: it waits for any insert of src
// still running on the server from a crashed load, and deletes every row of
// src.ID at or after from, which only an earlier, interrupted or
// unrecorded, load of the same lines can have left there.
func (l *Loader) Begin(ctx context.Context, src Source, from int64) error {
	if err := l.Flush(ctx); err != nil {
		return err
	}
	if src.ID == "" {
		return l.fail(fmt.Errorf("clickhouse: source %q has no ID", src.Name))
	}
	l.src, l.name, l.id = src, []byte(src.Name), []byte(src.ID)
	l.qid = loaderQueryID(src.ID)
	l.begun = true
	l.start, l.end = from, from
	return l.fail(l.fence(ctx, from))
}

// loaderQueryID is the query_id prefix of the inserts of the input id:
// the fence finds a crashed load's inserts by it.
func loaderQueryID(id string) string {
	sum := sha256.Sum256([]byte(id))
	return "webalyze-load-" + hex.EncodeToString(sum[:12]) + "-"
}

func (l *Loader) fence(ctx context.Context, from int64) error {
	op := "fence " + l.table + " for " + l.src.Name
	deadline := time.Now().Add(l.opts.MutationTimeout)
	if err := l.waitFor(ctx, op, deadline, "inserts of an earlier load still running", func() (uint64, error) {
		return l.countSQL(ctx, runningLoadsSQL(l.qid))
	}); err != nil {
		return err
	}
	tail := func() (uint64, error) { return l.countSQL(ctx, countTailSQL(l.table, l.src.ID, from)) }
	n, err := tail()
	if err != nil || n == 0 {
		return err
	}
	if err := l.c.Exec(ctx, op, deleteTailSQL(l.table, l.src.ID, from)); err != nil {
		return err
	}
	// ALTER … DELETE is a mutation: asynchronous on every release (18.16
	// has no mutations_sync), so wait until the rows are gone.
	return l.waitFor(ctx, op, deadline, "rows still there (see system.mutations)", tail)
}

// waitFor polls count until it is 0, with a growing pause, until deadline.
func (l *Loader) waitFor(ctx context.Context, op string, deadline time.Time, what string, count func() (uint64, error)) error {
	wait := 10 * time.Millisecond
	for {
		n, err := count()
		if err != nil || n == 0 {
			return err
		}
		if time.Now().After(deadline) {
			return l.c.fail(op, 0, fmt.Sprintf("%d %s after %v", n, what, l.opts.MutationTimeout))
		}
		select {
		case <-ctx.Done():
			return l.c.fail(op, 0, ctx.Err().Error())
		case <-time.After(wait):
		}
		wait = min(2*wait, time.Second)
	}
}

// countSQL runs a query that answers one count.
func (l *Loader) countSQL(ctx context.Context, sql string) (uint64, error) {
	var n uint64
	err := l.c.Query(ctx, "count "+l.table+" rows of "+l.src.Name, sql, func(f [][]byte) error {
		var err error
		n, err = strconv.ParseUint(string(f[0]), 10, 64)
		return err
	})
	return n, err
}

// Add appends rec, read at pos of the current source, to the batch, and
// sends the batch when it is full. rec is not kept. A record whose time
// ClickHouse cannot hold is refused with an error wrapping
// [ErrTimeRange] that leaves the Loader usable.
func (l *Loader) Add(ctx context.Context, rec *parser.Record, pos Position) error {
	if l.err != nil {
		return l.err
	}
	if !l.begun {
		return l.fail(errors.New("clickhouse: Add before Begin"))
	}
	if pos.Offset < l.end {
		return l.fail(fmt.Errorf("clickhouse: %s:%d: offset %d before the batch's end %d: records must come in file order",
			l.src.Name, pos.Line, pos.Offset, l.end))
	}
	if l.rows == 0 {
		l.start = pos.Offset
	}
	n := len(l.buf)
	buf, err := appendRow(l.buf, rec, l.name, l.id, pos, uint64(l.start))
	if err != nil {
		l.buf = buf[:n]
		return fmt.Errorf("%s:%d: offset %d: %w", l.src.Name, pos.Line, pos.Offset, err)
	}
	l.buf = buf
	l.rows++
	l.end = max(pos.End, pos.Offset+1)
	if l.rows >= l.opts.BatchRows {
		return l.Flush(ctx)
	}
	return nil
}

// Flush sends the pending batch, if any, in one INSERT.
func (l *Loader) Flush(ctx context.Context) error {
	if l.err != nil {
		return l.err
	}
	if l.rows == 0 {
		return nil
	}
	b := Batch{Source: l.src, Start: l.start, End: l.end, Rows: l.rows}
	params := url.Values{
		// One block per batch, so that the server writes it in one part
		// per month it spans.
		"max_insert_block_size": {strconv.Itoa(l.rows + 1)},
		"query_id":              {l.qid + strconv.FormatInt(b.Start, 10)},
	}
	op := fmt.Sprintf("insert %d rows of %s (offsets %d-%d) into %s", b.Rows, b.Source.Name, b.Start, b.End, l.table)
	if err := l.c.Insert(ctx, op, l.ins, bytes.NewReader(l.buf), params); err != nil {
		return l.fail(err)
	}
	l.loaded += uint64(b.Rows)
	l.buf, l.rows = l.buf[:0], 0
	l.start = l.end
	if l.opts.OnCommit != nil {
		l.opts.OnCommit(b)
	}
	return nil
}

// Close flushes the pending batch. The Loader holds no connection.
func (l *Loader) Close(ctx context.Context) error { return l.Flush(ctx) }

func (l *Loader) fail(err error) error {
	if err != nil && l.err == nil {
		l.err = err
		l.buf, l.rows = l.buf[:0], 0
	}
	return err
}

// CreateDistributed creates, if absent, a Distributed table over the
// tables local of database on every shard of cluster (a <remote_servers>
// entry of the server's config), sharded by input identity. Load each
// shard's local table with its own Loader (ALTER … DELETE, which the
// fence needs, does not go through a Distributed table) and query the
// Distributed one.
func CreateDistributed(ctx context.Context, c *Client, table, cluster, database, local string) error {
	for _, name := range []string{table, cluster, database, local} {
		if err := checkTable(name); err != nil {
			return err
		}
	}
	return c.Exec(ctx, "create table "+table, distributedSQL(table, cluster, database, local))
}
