package aggregate

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/webalyze/webalyze/aggregate/ingest"
	"github.com/webalyze/webalyze/parser"
)

// RunConfig configures [Run].
type RunConfig struct {
	// Workers is the number of parsing goroutines; 0 means one per CPU.
	Workers int
	// MaxLine is the longest line read; 0 means parser.DefaultMaxLine.
	MaxLine int
	// Format, when set, is used for every input; otherwise each input's
	// format is detected among Candidates.
	Format     parser.Format
	Candidates []parser.Format
	// Since and Until bound the time window [Since, Until) in Unix seconds
	// when HasSince / HasUntil are set. Records outside it, and records
	// without a time when a window is set, are counted as filtered.
	Since, Until       int64
	HasSince, HasUntil bool
	// Options configure the State.
	Options Options
	// ClientFrom, if set, picks each record's client from its
	// X-Forwarded-For chain (see parser.ClientFrom).
	ClientFrom *parser.ClientFrom
	// OnFormat, if set, is called when an input's format is chosen.
	OnFormat func(name string, f parser.Format, d parser.Detection)
	// OnProgress, if set, is called from the reading goroutine after each
	// block with the input's name, raw bytes consumed and its size (-1
	// when unknown).
	OnProgress func(name string, done, size int64)
	// BeforeMerge, if set, is called once every worker is done and before
	// their States are folded into one: where a program that cares about
	// its peak memory can make the collector stricter for what follows
	// (the fold, and the report a caller builds next, allocate on top of
	// the whole State).
	BeforeMerge func()
	// Open opens an input by name; nil means parser.Open.
	Open func(name string) (*parser.Input, error)

	// Incremental makes the run resume each input where an earlier run left
	// it, as recorded in Marks (see [InputMark]), and hold back a last
	// line without LF for the next run.
	Incremental bool
	Marks       []InputMark

	// scribble makes the workers overwrite each chunk when they release
	// it, so that a test sees any use of its lines after that.
	scribble bool
}

// RunResult is what [Run] returns besides the State.
type RunResult struct {
	// Unreadable lists inputs that could not be opened or read at all.
	Unreadable []error
	// Marks are, for an incremental run, the marks to save: one for each
	// input of this run, then the earlier ones no input matched.
	Marks []InputMark
	// Resumed maps an input to the offset it was resumed at, for inputs an
	// earlier run had read.
	Resumed map[string]int64
	// Lines counts the lines of this run alone, for an exit status that
	// reflects this run once its State is folded into an earlier one.
	Lines Lines
}

// headSize is how much of each input is read for format detection.
const headSize = 64 << 10

type job struct {
	chunk  *parser.Chunk
	file   *fileRun
	filter ingest.Window
	client *parser.ClientFrom
}

type fileRun struct {
	name     string
	format   parser.Format
	stateful bool
	noFormat bool
	// noFields is set once a data line before any #Fields directive has
	// been reported as a file error, so that it is reported once per file.
	noFields atomic.Bool
}

// Run reads the named inputs ("-" is standard input), parses them on
// cfg.Workers goroutines, each aggregating into its own State, and merges
// the States. Inputs are read one after another by a single reading
// goroutine that also decompresses, so decompression overlaps parsing.
// With several workers the big top lists are sharded among them by key
// (see shard.go). The result does not depend on the number of workers, as
// long as the top lists stay within their capacity; past it, only within
// their stated error bounds.
//
// Inputs that cannot be opened are reported in RunResult and recorded as
// file errors; the others are still read. Run returns early with ctx's
// error when ctx is cancelled.
func Run(ctx context.Context, cfg RunConfig, names []string) (*State, RunResult, error) {
	workers := cfg.Workers
	if workers <= 0 {
		workers = runtime.NumCPU()
	}
	open := cfg.Open
	if open == nil {
		open = parser.Open
	}
	win := ingest.Window{Since: cfg.Since, Until: cfg.Until, HasSince: cfg.HasSince, HasUntil: cfg.HasUntil}
	jobs := make(chan job, workers*2)
	states := make([]*State, workers)
	var router *shardRouter
	if workers > 1 {
		router = newShardRouter(workers)
	}
	var wg sync.WaitGroup
	for i := range workers {
		states[i] = New(cfg.Options)
		states[i].batchLocal()
		wg.Add(1)
		w := &worker{st: states[i], maxLine: maxLineOf(cfg.MaxLine), parsers: map[*fileRun]parser.LineParser{}, scribble: cfg.scribble}
		if router != nil {
			w.shard = router.worker(i, states[i])
		}
		go func() {
			defer wg.Done()
			w.run(jobs)
		}()
	}

	readerState := New(cfg.Options) // what the reading goroutine itself counts
	var res RunResult
	var runErr error
	r := &reader{cfg: cfg, open: open, win: win, jobs: jobs, st: readerState, used: map[int]bool{}, res: &res}
	for _, name := range names {
		if err := ctx.Err(); err != nil {
			runErr = err
			break
		}
		if err := r.readInput(ctx, name); err != nil {
			if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
				runErr = err
				break
			}
			res.Unreadable = append(res.Unreadable, err)
			readerState.AddFileError(name, fileErrorText(name, err))
		}
	}
	close(jobs)
	wg.Wait()
	if cfg.BeforeMerge != nil {
		cfg.BeforeMerge()
	}
	if cfg.Incremental {
		r.finishMarks()
		res.Marks = ingest.MergeMarks(r.marks, cfg.Marks, r.used)
	}
	// Fold everything into the first worker's State, the biggest, rather
	// than into a new one: at the peak one copy of the lists fewer is
	// alive. The reader's file errors (in input order) stay first.
	total := states[0]
	workerErrs := total.FileErrors
	total.FileErrors = nil
	if err := total.Merge(readerState); err != nil {
		return nil, res, err
	}
	total.FileErrors = append(total.FileErrors, workerErrs...)
	for i := 1; i < len(states); i++ {
		if err := total.mergeShard(states[i]); err != nil {
			return nil, res, err
		}
		states[i] = nil // let it go before the next merge
	}
	res.Lines = total.Lines
	return total, res, runErr
}

// fileErrorText is the text of a file error of input name, which the
// FileError names already: without the name that os and parser errors
// carry ("x.gz: x.gz: gzip stream truncated" otherwise).
func fileErrorText(name string, err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) && pe.Path == name {
		return pe.Err.Error()
	}
	return strings.TrimPrefix(err.Error(), name+": ")
}

func maxLineOf(n int) int {
	if n <= 0 {
		return parser.DefaultMaxLine
	}
	return n
}

// reader is the reading side of a run.
type reader struct {
	cfg   RunConfig
	open  func(string) (*parser.Input, error)
	win   ingest.Window
	jobs  chan<- job
	st    *State
	used  map[int]bool // earlier marks matched in this run
	marks []InputMark  // marks of this run's inputs
	runs  []markRun    // what else this run knows of each of marks
	// cut are the inputs of this run whose compressed stream was
	// truncated, by index in marks (incremental runs; see finishMarks).
	cut []cutInput
	res *RunResult
}

func (r *reader) resumed(name string, at int64) {
	if r.res.Resumed == nil {
		r.res.Resumed = map[string]int64{}
	}
	r.res.Resumed[name] = at
}

// readInput opens one input, picks its format and feeds its chunks to the
// workers. It returns an error only when the input cannot be read at all;
// faults after the first bytes are file errors in the State.
func (r *reader) readInput(ctx context.Context, name string) error {
	cfg, st := r.cfg, r.st
	in, err := r.open(name)
	if err != nil {
		return err
	}
	defer in.Close()

	head := make([]byte, headSize)
	n, rerr := io.ReadFull(in, head)
	head = head[:n]
	if rerr == io.ErrUnexpectedEOF || rerr == io.EOF {
		rerr = nil
	}
	if rerr != nil && n == 0 {
		var se *parser.StreamError
		if !errors.As(rerr, &se) {
			return rerr
		}
	}

	if cfg.Format == nil && rerr == nil && n == headSize && parser.DetectNeedsMore(head) {
		// The file starts with lines too long to sample: read on, so that
		// the lines after them decide the format.
		more := make([]byte, maxLineOf(cfg.MaxLine)+headSize)
		copy(more, head)
		m, err := io.ReadFull(in, more[n:])
		head = more[:n+m]
		if err != io.ErrUnexpectedEOF && err != io.EOF {
			rerr = err
		}
	}

	fr := &fileRun{name: name, format: cfg.Format}
	var det parser.Detection
	if fr.format == nil {
		det = parser.Detect(head, cfg.Candidates)
		fr.format = det.Format
	}
	switch {
	case fr.format != nil:
		st.SetFormat(name, fr.format.Name())
		_, fr.stateful = fr.format.NewParser().(parser.Stateful)
	case det.Tried == 0:
		// Nothing but blank lines at the start: they are skipped; any
		// later line has no format to be read with.
		fr.noFormat = true
		st.SetFormat(name, "empty")
	default:
		fr.noFormat = true
		st.SetFormat(name, "unknown")
		st.AddFileError(name, det.NoFormatMessage())
	}
	if cfg.OnFormat != nil {
		cfg.OnFormat(name, fr.format, det)
	}
	if len(head) > 0 && bytes.IndexByte(head, '\n') < 0 && bytes.IndexByte(head, '\r') >= 0 {
		st.AddFileError(name, "no LF in the first bytes but CR found: the file seems to use CR-only line ends (classic Mac OS); convert them with tr '\\r' '\\n'")
	}

	// Where to start: at the beginning, or where an earlier run stopped.
	var mark *InputMark
	start, startLine := int64(0), int64(1)
	var directive []byte
	idx := -1
	var prevCheck InputMark // the mark resumed from, for its CheckSum
	if cfg.Incremental {
		dev, ino := ingest.Identity(name, in.File())
		fpLen := min(len(head), ingest.FingerprintSize)
		idx = len(r.marks)
		r.marks = append(r.marks, InputMark{Name: name, Dev: dev, Ino: ino, Fingerprint: ingest.Fingerprint(head, fpLen), FingerprintLen: fpLen})
		r.runs = append(r.runs, markRun{head: bytes.Clone(head[:fpLen]), compressed: in.Compression != parser.Plain, group: idx})
		mark = &r.marks[idx]
		if j := r.sameData(idx); j >= 0 {
			// Another input of this run holds the same data (a rotated
			// file and its compressed copy, both present while gzip runs):
			// go on from where this run has read it.
			r.runs[idx].group = r.runs[j].group
			g := r.groupMark(idx)
			start, startLine = g.Offset, g.NextLine
			if g.Directive != "" {
				directive = []byte(g.Directive)
			}
			r.resumed(name, start)
		} else if i := ingest.FindMark(cfg.Marks, r.used, head, dev, ino); i >= 0 {
			r.used[i] = true
			m := cfg.Marks[i]
			// A plain file shorter than what was read, or with other bytes
			// just before where the read stopped, was truncated in place
			// (copytruncate): read it again from the start.
			if !(in.Compression == parser.Plain && in.Size >= 0 && in.Size < m.Offset) && ingest.TailMatches(in, head, m) {
				prevCheck = m
				start, startLine = m.Offset, m.NextLine
				if m.Directive != "" {
					directive = []byte(m.Directive)
				}
				r.resumed(name, start)
			}
		}
		// Until reading says otherwise, this input is read to where it
		// starts: a run that cannot go on must not make the next one read
		// it again from the beginning.
		mark.Offset, mark.NextLine, mark.Directive = start, startLine, string(directive)
		mark.CheckSum, mark.CheckLen = prevCheck.CheckSum, prevCheck.CheckLen
	}

	var body io.Reader = in
	if rerr != nil {
		body = &errReader{err: rerr}
	}
	if start <= int64(len(head)) {
		body = io.MultiReader(&byteReader{b: head[start:]}, body)
	} else if rerr == nil {
		skipped, err := in.Skip(start - int64(len(head)))
		if err != nil {
			if idx >= 0 && parser.IsTruncation(err) {
				// A compressed copy still being written: it ends before
				// what was read already.
				r.truncated(idx, err)
				return nil
			}
			st.AddFileError(name, fmt.Sprintf("cannot resume at byte %d: %v", start, err))
			return nil
		}
		if skipped < start-int64(len(head)) {
			// Shorter than what was read before (a compressed copy of a
			// truncated file): nothing new.
			return nil
		}
	} else {
		// The head already met the stream's end, before start.
		if idx >= 0 && parser.IsTruncation(rerr) {
			r.truncated(idx, rerr)
			return nil
		}
		st.AddFileError(name, fileErrorText(name, rerr))
		return nil
	}
	prefix := ""
	if fr.stateful {
		prefix = fr.format.NewParser().(parser.Stateful).DirectivePrefix()
	}
	sp := parser.NewSplitter(body, cfg.MaxLine, prefix)
	sp.SetStart(startLine, start)
	sp.SetDirective(directive)
	// An incremental run leaves a last line without LF of a plain file for
	// the next run: it may still be being written. A compressed file cannot
	// grow, so its last line is complete, unless the stream was cut short
	// (a copy gzip is still writing).
	sp.HoldPartial = cfg.Incremental && in.Compression == parser.Plain
	sp.HoldTruncated = cfg.Incremental
	sp.OnLongLine = func(ll parser.LongLine) {
		reason := parser.ReasonLineTooLong
		detail := fmt.Sprintf("line of %d bytes is over the limit of %d (--max-line)", ll.Length, maxLineOf(cfg.MaxLine))
		if ll.AllNUL {
			reason, detail = parser.ReasonNULRun, fmt.Sprintf("run of %d NUL bytes (pre-allocated file blocks after a crash?)", ll.Length)
		}
		st.AddMalformed(Malformed{Reason: reason, File: name, Line: ll.Line, Offset: ll.Offset, Detail: detail})
	}
	var tail ingest.TailKeeper
	var first []byte // the stream's first bytes, when the head missed some
	for {
		c, err := sp.Next()
		if err == io.EOF {
			break
		}
		if mark != nil {
			tail.Add(c.Data, c.Offset)
			if c.Offset == 0 && len(head) < ingest.FingerprintSize && len(c.Data) > len(head) {
				first = bytes.Clone(c.Data[:min(len(c.Data), ingest.FingerprintSize)])
			}
		}
		select {
		case r.jobs <- job{chunk: c, file: fr, filter: r.win, client: cfg.ClientFrom}:
		case <-ctx.Done():
			c.Release()
			return ctx.Err()
		}
		if cfg.OnProgress != nil {
			cfg.OnProgress(name, in.RawOffset(), in.Size)
		}
	}
	if mark != nil {
		mark.Offset, mark.NextLine = sp.Consumed()
		mark.Directive = string(sp.Directive())
		if first != nil {
			// The file grew while it was read: fingerprint what was read.
			mark.Fingerprint, mark.FingerprintLen = ingest.Fingerprint(first, len(first)), len(first)
			r.runs[idx].head = first
		}
		switch {
		case len(tail.Buf) > 0 && tail.End == mark.Offset:
			mark.CheckSum, mark.CheckLen = ingest.Fingerprint(tail.Buf, len(tail.Buf)), len(tail.Buf)
		case mark.Offset == prevCheck.Offset:
			mark.CheckSum, mark.CheckLen = prevCheck.CheckSum, prevCheck.CheckLen
		default: // a long line skipped at the end: its bytes were not kept
			mark.CheckSum, mark.CheckLen = 0, 0
		}
	}
	if err := sp.Err(); err != nil {
		if idx >= 0 && parser.IsTruncation(err) {
			r.truncated(idx, err)
		} else {
			st.AddFileError(name, fileErrorText(name, err))
		}
	}
	return nil
}

// errReader returns err on every read: it stands in for an input whose
// error was met while reading its head.
type errReader struct{ err error }

func (r *errReader) Read([]byte) (int, error) { return 0, r.err }

// byteReader is bytes.Reader without the seeking machinery.
type byteReader struct{ b []byte }

func (r *byteReader) Read(p []byte) (int, error) {
	if len(r.b) == 0 {
		return 0, io.EOF
	}
	n := copy(p, r.b)
	r.b = r.b[n:]
	return n, nil
}

// worker parses chunks into its own State.
type worker struct {
	st      *State
	maxLine int
	parsers map[*fileRun]parser.LineParser
	rec     parser.Record
	shard   *shardOut // nil with one worker
	// scribble: see RunConfig.
	scribble bool
}

// run processes jobs until the channel closes; with sharding it applies
// the additions other workers forward between its own chunks, and at the
// end until every worker is done.
func (w *worker) run(jobs <-chan job) {
	if w.shard == nil {
		for j := range jobs {
			w.process(j)
		}
		w.st.stopBatching()
		return
	}
	mine := w.shard.router.inbox[w.shard.me] // closed only after this worker's finish
	for {
		select {
		case j, ok := <-jobs:
			if !ok {
				w.shard.finish()
				return
			}
			w.process(j)
		case in := <-mine:
			w.st.applyBatch(in)
		}
	}
}

func (w *worker) parserFor(j job) parser.LineParser {
	if j.file.stateful {
		// A stateful parser starts each chunk from the directive in force
		// at the chunk's start.
		p := j.file.format.NewParser()
		if j.chunk.Directive != nil {
			p.(parser.Stateful).Prime(j.chunk.Directive)
		}
		return p
	}
	p, ok := w.parsers[j.file]
	if !ok {
		p = j.file.format.NewParser()
		w.parsers[j.file] = p
	}
	return p
}

// release gives a chunk back once its lines have been counted.
func (w *worker) release(c *parser.Chunk) {
	if w.scribble {
		for i := range c.Data {
			c.Data[i] = '#'
		}
	}
	c.Release()
}

func (w *worker) process(j job) {
	defer w.release(j.chunk)
	w.st.startChunk(j.chunk.Data)
	defer w.st.endChunk() // before the release
	var p parser.LineParser
	if !j.file.noFormat {
		p = w.parserFor(j)
	}
	st, rec, name := w.st, &w.rec, j.file.name
	it := j.chunk.Lines()
	for line, ok := it.Next(); ok; line, ok = it.Next() {
		if n := parser.LeadingNULs(line); n > 0 {
			// The run of NULs is one record of its own; a line glued to its
			// end is read as the next record.
			st.AddMalformed(Malformed{Reason: parser.ReasonNULRun, File: name, Line: it.Line, Offset: it.Offset,
				Detail: fmt.Sprintf("run of %d NUL bytes (pre-allocated file blocks after a crash?)", n)})
			line = line[n:]
			if len(line) == 0 {
				continue
			}
		}
		if len(line) > w.maxLine {
			st.AddMalformed(Malformed{Reason: parser.ReasonLineTooLong, File: name, Line: it.Line, Offset: it.Offset,
				Detail: fmt.Sprintf("line of %d bytes is over the limit of %d (--max-line)", len(line), w.maxLine)})
			continue
		}
		if it.Last && j.chunk.TruncatedTail {
			st.AddMalformed(Malformed{Reason: parser.ReasonTruncated, File: name, Line: it.Line, Offset: it.Offset,
				Detail: "last line of a stream that ended early", Text: line})
			continue
		}
		if parser.IsBlank(line) {
			st.AddSkipped(parser.ReasonBlank, 1)
			continue
		}
		if p == nil {
			st.AddMalformed(Malformed{Reason: parser.ReasonNoFormat, File: name, Line: it.Line, Offset: it.Offset, Text: line})
			continue
		}
		res := p.Parse(line, rec)
		switch res.Kind {
		case parser.Parsed:
			if j.client != nil {
				j.client.Apply(rec)
			}
			if j.filter.Active() && j.filter.Excludes(rec) {
				st.AddFiltered(1)
				continue
			}
			st.Add(rec)
		case parser.Skipped:
			st.AddSkipped(res.Reason, 1)
		default:
			st.AddMalformed(Malformed{Reason: res.Reason, File: name, Line: it.Line, Offset: it.Offset,
				Column: res.Column, Field: res.Field, Detail: res.Detail, Text: line})
			if res.Reason == parser.ReasonMissingFieldsDir && !j.file.noFields.Swap(true) {
				st.AddFileError(name, "data lines before any #Fields directive (malformed: missing_fields_directive); give the field list with --w3c-fields")
			}
		}
	}
}
