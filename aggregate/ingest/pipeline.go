package ingest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/webalyze/webalyze/parser"
)

// Sink receives what the pipeline reads: every line ends up in exactly one
// of Add (parsed and inside the window), AddMalformed, AddSkipped or
// AddFiltered; AddFileError and SetFormat are about a whole input.
// aggregate.State is one.
type Sink interface {
	Add(rec *parser.Record)
	AddMalformed(m Malformed)
	AddSkipped(reason parser.Reason, n uint64)
	AddFiltered(n uint64)
	AddFileError(file string, err string)
	SetFormat(file, format string)
}

// Positioner is an optional interface of a Sink that wants to know where
// each line is (`webalyze parse` prints it): a worker calls At with the
// input's name, the line's number and its byte offset before it
// classifies the line.
type Positioner interface {
	At(file string, line, offset int64)
}

// Malformed describes one malformed line for [Sink.AddMalformed].
type Malformed struct {
	Reason parser.Reason
	File   string
	Line   int64 // 1-based line number
	Offset int64 // byte offset of the line in the (decompressed) stream
	Column int   // 1-based byte column of the fault, 0 when unknown
	Field  string
	Detail string
	Text   []byte // the raw line, valid during the call only
}

// Worker is what one worker goroutine feeds: its Sink, and optionally the
// hooks a sink offers the pipeline (aggregate.State's sharding: workers
// forward each other additions between chunks).
type Worker struct {
	Sink Sink
	// Loop, when set, runs the worker: it must call process for every job
	// until jobs is closed, and may do other work between jobs.
	Loop func(jobs <-chan Job, process func(Job))
	// StartChunk and EndChunk, when set, are called around the lines of
	// each chunk: data (the chunk's bytes, which the records of the
	// chunk point into) is valid until EndChunk returns.
	StartChunk func(data []byte)
	EndChunk   func()
}

// Config configures [Run].
type Config struct {
	// MaxLine is the longest line read; 0 means parser.DefaultMaxLine.
	MaxLine int
	// Format, when set, is used for every input; otherwise each input's
	// format is detected among Candidates.
	Format     parser.Format
	Candidates []parser.Format
	// Window filters records by time (see [Window]).
	Window Window
	// ClientFrom, if set, picks each record's client from its
	// X-Forwarded-For chain (see parser.ClientFrom).
	ClientFrom *parser.ClientFrom
	// OnFormat, if set, is called when an input's format is chosen.
	OnFormat func(name string, f parser.Format, d parser.Detection)
	// OnProgress, if set, is called from the reading goroutine after each
	// block with the input's name, raw bytes consumed and its size (-1
	// when unknown).
	OnProgress func(name string, done, size int64)
	// Open opens an input by name; nil means parser.Open.
	Open func(name string) (*parser.Input, error)
	// Incremental makes the run resume each input where an earlier run left
	// it, as recorded in Marks (see [InputMark]), and hold back a last
	// line without LF for the next run. It reads once the data that several
	// of its inputs hold (a file and its copy); a run without it, a file and
	// its compressed copy only (see Result.SameData).
	Incremental bool
	Marks       []InputMark
	// Scribble makes the workers overwrite each chunk when they release
	// it, so that a test sees any use of its lines after that.
	Scribble bool
}

// Result is what [Run] returns.
type Result struct {
	// Unreadable lists inputs that could not be opened or read at all.
	Unreadable []error
	// Marks are, for an incremental run, the marks to save: one for each
	// input of this run, then the earlier ones no input matched.
	Marks []InputMark
	// Resumed maps an input to the offset it was resumed at, for inputs an
	// earlier run had read.
	Resumed map[string]int64
	// SameData lists the inputs that hold the data of one read before them
	// in this run (a rotated file and its compressed copy, side by side
	// while logrotate compresses; in an incremental run, any copy): each
	// was read on from where the run had read that data, not again from
	// its start.
	SameData []SameData
}

// SameData is an input whose data an earlier input of the run holds.
type SameData struct {
	Name, Of string
}

// Run reads the named inputs ("-" is standard input) one after another on
// the calling goroutine, which also decompresses, and hands their chunks
// to one goroutine per Worker, which parses them into its Sink; the
// reading side's own findings (formats, file errors, lines too long to
// hand out) go to readSink. Inputs that cannot be opened are in the
// Result and recorded as file errors; the others are still read. Run
// returns when every worker is done, early with ctx's error when ctx is
// cancelled.
func Run(ctx context.Context, cfg Config, names []string, readSink Sink, workers []Worker) (Result, error) {
	open := cfg.Open
	if open == nil {
		open = parser.Open
	}
	jobs := make(chan Job, len(workers)*2)
	var wg sync.WaitGroup
	for _, wk := range workers {
		wg.Add(1)
		w := newWorker(wk, cfg)
		go func() {
			defer wg.Done()
			w.run(jobs)
		}()
	}

	var res Result
	var runErr error
	r := &reader{cfg: cfg, open: open, win: cfg.Window, jobs: jobs, st: readSink, used: map[int]bool{}, res: &res}
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
			readSink.AddFileError(name, fileErrorText(name, err))
		}
	}
	close(jobs)
	wg.Wait()
	r.finishMarks()
	if cfg.Incremental {
		res.Marks = mergeMarks(r.marks, cfg.Marks, r.used)
	}
	return res, runErr
}

// headSize is how much of each input is read for format detection.
const headSize = 64 << 10

// Job is one chunk of an input on its way to a worker.
type Job struct {
	chunk  *parser.Chunk
	file   *fileRun
	filter Window
	client *parser.ClientFrom
	seq    uint64
}

// Seq returns the job's place in the run: the jobs of a run are numbered
// 0, 1, 2... in the order the reader hands them out (inputs in order,
// each from its start), which a Worker's Loop may use to keep the workers
// near one another.
func (j Job) Seq() uint64 { return j.seq }

type fileRun struct {
	name     string
	format   parser.Format
	stateful bool
	noFormat bool
	// noFields is set once a data line before any #Fields directive has
	// been reported as a file error, so that it is reported once per file.
	noFields atomic.Bool
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
	cfg   Config
	open  func(string) (*parser.Input, error)
	win   Window
	jobs  chan<- Job
	seq   uint64 // the next job's
	st    Sink
	used  map[int]bool // earlier marks matched in this run
	marks []InputMark  // marks of this run's inputs
	runs  []markRun    // what else this run knows of each of marks
	// cut are the inputs of this run whose compressed stream was
	// truncated, by index in marks (see finishMarks).
	cut []cutInput
	res *Result
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
	// Every run marks its inputs, to read once the data several hold; an
	// incremental one also resumes from the marks of earlier runs.
	start, startLine := int64(0), int64(1)
	var directive []byte
	var prevCheck InputMark // the mark resumed from, for its CheckSum
	dev, ino := identity(name, in.File())
	fpLen := min(len(head), FingerprintSize)
	idx := len(r.marks)
	r.marks = append(r.marks, InputMark{Name: name, Dev: dev, Ino: ino, Fingerprint: fingerprint(head, fpLen), FingerprintLen: fpLen})
	r.runs = append(r.runs, markRun{head: bytes.Clone(head[:fpLen]), compressed: in.Compression != parser.Plain, group: idx})
	mark := &r.marks[idx]
	// An incremental run takes any copy for the data it holds; a run
	// without marks only a file beside its compressed copy (logrotate
	// compressing access.log.1 into access.log.1.gz): other copies
	// may have been given on purpose.
	same := func(j int) bool { return cfg.Incremental || compressedCopy(name, r.marks[j].Name) }
	if j := r.sameData(idx, same); j >= 0 {
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
		r.res.SameData = append(r.res.SameData, SameData{Name: name, Of: r.marks[j].Name})
	} else if i := findMark(cfg.Marks, r.used, head, dev, ino); cfg.Incremental && i >= 0 {
		r.used[i] = true
		m := cfg.Marks[i]
		// A plain file shorter than what was read, or with other bytes
		// just before where the read stopped, was truncated in place
		// (copytruncate): read it again from the start.
		if !(in.Compression == parser.Plain && in.Size >= 0 && in.Size < m.Offset) && tailMatches(in, head, m) {
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

	var body io.Reader = in
	if rerr != nil {
		body = &errReader{err: rerr}
	}
	if start <= int64(len(head)) {
		body = io.MultiReader(&byteReader{b: head[start:]}, body)
	} else if rerr == nil {
		skipped, err := in.Skip(start - int64(len(head)))
		if err != nil {
			if parser.IsTruncation(err) {
				// A compressed copy still being written: it ends before
				// what was read already.
				r.truncated(cutInput{idx: idx, err: err})
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
		if parser.IsTruncation(rerr) {
			r.truncated(cutInput{idx: idx, err: rerr})
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
	// (a copy gzip is still writing): that line is held back in any run,
	// for another input of the run may hold it whole (see finishMarks).
	sp.HoldPartial = cfg.Incremental && in.Compression == parser.Plain
	sp.HoldTruncated = true
	sp.OnLongLine = func(ll parser.LongLine) {
		reason := parser.ReasonLineTooLong
		detail := fmt.Sprintf("line of %d bytes is over the limit of %d (--max-line)", ll.Length, maxLineOf(cfg.MaxLine))
		if ll.AllNUL {
			reason, detail = parser.ReasonNULRun, fmt.Sprintf("run of %d NUL bytes (pre-allocated file blocks after a crash?)", ll.Length)
		}
		st.AddMalformed(Malformed{Reason: reason, File: name, Line: ll.Line, Offset: ll.Offset, Detail: detail})
	}
	var tail tailKeeper
	var first []byte // the stream's first bytes, when the head missed some
	for {
		c, err := sp.Next()
		if err == io.EOF {
			break
		}
		tail.add(c.Data, c.Offset)
		if c.Offset == 0 && len(head) < FingerprintSize && len(c.Data) > len(head) {
			first = bytes.Clone(c.Data[:min(len(c.Data), FingerprintSize)])
		}
		select {
		case r.jobs <- Job{chunk: c, file: fr, filter: r.win, client: cfg.ClientFrom, seq: r.seq}:
			r.seq++
		case <-ctx.Done():
			c.Release()
			return ctx.Err()
		}
		if cfg.OnProgress != nil {
			cfg.OnProgress(name, in.RawOffset(), in.Size)
		}
	}
	mark.Offset, mark.NextLine = sp.Consumed()
	mark.Directive = string(sp.Directive())
	if first != nil {
		// The file grew while it was read: fingerprint what was read.
		mark.Fingerprint, mark.FingerprintLen = fingerprint(first, len(first)), len(first)
		r.runs[idx].head = first
	}
	switch {
	case len(tail.buf) > 0 && tail.end == mark.Offset:
		mark.CheckSum, mark.CheckLen = fingerprint(tail.buf, len(tail.buf)), len(tail.buf)
	case mark.Offset == prevCheck.Offset:
		mark.CheckSum, mark.CheckLen = prevCheck.CheckSum, prevCheck.CheckLen
	default: // a long line skipped at the end: its bytes were not kept
		mark.CheckSum, mark.CheckLen = 0, 0
	}
	if err := sp.Err(); err != nil {
		if parser.IsTruncation(err) {
			r.truncated(cutInput{idx: idx, err: err, file: fr, held: sp.HeldText()})
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

// newWorker returns the worker that parses chunks into wk's Sink.
func newWorker(wk Worker, cfg Config) *worker {
	w := &worker{Worker: wk, maxLine: maxLineOf(cfg.MaxLine), parsers: map[*fileRun]parser.LineParser{}, scribble: cfg.Scribble}
	w.pos, _ = wk.Sink.(Positioner)
	return w
}

// worker parses chunks into its own Sink.
type worker struct {
	Worker
	maxLine int
	parsers map[*fileRun]parser.LineParser
	rec     parser.Record
	pos     Positioner // the Sink's, or nil
	// scribble: see Config.
	scribble bool
}

// run processes jobs until the channel closes, through the Worker's Loop
// when it has one.
func (w *worker) run(jobs <-chan Job) {
	if w.Loop != nil {
		w.Loop(jobs, w.process)
		return
	}
	for j := range jobs {
		w.process(j)
	}
}

func (w *worker) parserFor(j Job) parser.LineParser {
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

func (w *worker) process(j Job) {
	defer w.release(j.chunk)
	if w.StartChunk != nil {
		w.StartChunk(j.chunk.Data)
		defer w.EndChunk() // before the release
	}
	var p parser.LineParser
	if !j.file.noFormat {
		p = w.parserFor(j)
	}
	st, rec, name := w.Sink, &w.rec, j.file.name
	it := j.chunk.Lines()
	for line, ok := it.Next(); ok; line, ok = it.Next() {
		if w.pos != nil {
			w.pos.At(name, it.Line, it.Offset)
		}
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

// markRun is what a run knows of one of its inputs besides its mark.
type markRun struct {
	head       []byte // the first FingerprintLen decompressed bytes
	compressed bool
	// group is the index of the first input of this run that holds the
	// same data (see sameData); its own index when none does.
	group int
}

// cutInput is an input of a run whose compressed stream was
// truncated: a file error, unless another input of the run holds its data.
type cutInput struct {
	idx int
	err error
	// held is the incomplete last line the splitter held back (see
	// Splitter.HeldText): it starts where the input's mark says its read
	// stopped.
	held []byte
	file *fileRun
}

// sameData returns the index of an input read earlier in this run that
// holds the same data as input idx, or -1. Two inputs hold the same data
// when the shorter head is a prefix of the other and is either a whole
// FingerprintSize (the same first 4 KiB: a file and its copy) or the
// head of a compressed stream (a snapshot of the file it was made from,
// which cannot grow). Two short plain files with the same first bytes are
// not taken for one: the second may be a log rewritten after a
// copytruncate. The same file (device and inode), by whatever name or
// link, is always the same data. Only inputs j for which ok(j) are
// considered.
func (r *reader) sameData(idx int, ok func(j int) bool) int {
	me, id := r.runs[idx], r.marks[idx]
	for j := range idx {
		if !ok(j) {
			continue
		}
		if id.Ino != 0 && r.marks[j].Dev == id.Dev && r.marks[j].Ino == id.Ino {
			return j
		}
		o := r.runs[j]
		short, long := me, o
		if len(o.head) < len(me.head) {
			short, long = o, me
		}
		if len(short.head) == 0 || !bytes.HasPrefix(long.head, short.head) {
			continue
		}
		if len(short.head) == FingerprintSize || short.compressed {
			return j
		}
	}
	return -1
}

// groupMark returns the mark, among the inputs read so far in idx's group
// (idx excluded), that was read furthest.
func (r *reader) groupMark(idx int) InputMark {
	var best InputMark
	for j := range idx {
		if r.runs[j].group == r.runs[idx].group && r.marks[j].Offset >= best.Offset {
			best = r.marks[j]
		}
	}
	return best
}

// truncated records that an input's compressed stream ended early.
func (r *reader) truncated(c cutInput) {
	r.cut = append(r.cut, c)
}

// finishMarks ends a run: a truncated compressed input whose data another
// input of the run has read (the copy gzip was writing when the run met
// it) is no error; the others are file errors of this run. The incomplete
// last line such an input held back is counted as malformed (truncated),
// as a worker counts it, when no other input read past its start and no
// later run will (an incremental run leaves it for the next). Then every
// input of a group gets the furthest mark of the group, so that whichever
// of them a later run meets, it resumes there.
func (r *reader) finishMarks() {
	for _, c := range r.cut {
		m := r.marks[c.idx]
		reach := m.Offset
		var se *parser.StreamError
		if errors.As(c.err, &se) {
			reach = min(reach, se.Offset)
		}
		furthest := int64(-1) // the furthest another input of the group read
		for j := range r.marks {
			if j != c.idx && r.runs[j].group == r.runs[c.idx].group {
				furthest = max(furthest, r.marks[j].Offset)
			}
		}
		if furthest < reach {
			r.st.AddFileError(m.Name, fileErrorText(m.Name, c.err))
		}
		if !r.cfg.Incremental && len(c.held) > 0 && furthest <= m.Offset {
			// The line goes through a worker's checks, on the reading
			// side's sink, as it would have at the end of its chunk.
			newWorker(Worker{Sink: r.st}, r.cfg).process(Job{chunk: &parser.Chunk{Data: c.held, Line: m.NextLine, Offset: m.Offset, TruncatedTail: true},
				file: c.file, filter: r.win, client: r.cfg.ClientFrom})
		}
	}
	for i := range r.marks {
		g := r.runs[i].group
		for j := range r.marks {
			if r.runs[j].group == g && r.marks[j].Offset > r.marks[i].Offset {
				m := r.marks[j]
				r.marks[i].Offset, r.marks[i].NextLine, r.marks[i].Directive = m.Offset, m.NextLine, m.Directive
				r.marks[i].CheckSum, r.marks[i].CheckLen = m.CheckSum, m.CheckLen
			}
		}
	}
}

// compressedSuffixes are the endings logrotate and the compressors give a
// compressed copy of a file (compresscmd gzip, zstd, bzip2).
var compressedSuffixes = []string{".gz", ".zst", ".bz2"}

// compressedCopy reports whether one of the names a and b is the other
// with a compressed file's ending: access.log.1 and access.log.1.gz.
func compressedCopy(a, b string) bool {
	a, b = filepath.Clean(a), filepath.Clean(b)
	if len(a) > len(b) {
		a, b = b, a
	}
	for _, suf := range compressedSuffixes {
		if b == a+suf {
			return true
		}
	}
	return false
}
