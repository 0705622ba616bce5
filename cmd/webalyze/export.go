package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/webalyze/webalyze/aggregate/ingest"
	"github.com/webalyze/webalyze/aggregate/parquet"
	"github.com/webalyze/webalyze/parser"
	"github.com/webalyze/webalyze/report"
)

// ExportCmd writes one Parquet row per parsed request.
type ExportCmd struct {
	FileFlags
	Since        string `placeholder:"TIME" help:"Only requests at or after TIME (RFC 3339, YYYY-MM-DD, 'YYYY-MM-DD HH:MM', or relative to now such as -2h); others count as filtered."`
	Until        string `placeholder:"TIME" help:"Only requests before TIME (same forms as --since)."`
	TZ           string `name:"tz" default:"UTC" placeholder:"ZONE" help:"Time zone of --since/--until without an offset."`
	MaxMalformed string `default:"1%" placeholder:"N|P%" help:"Exit with status 3 when more lines than this are malformed: a count, or a share of lines read such as 1%."`
	Output       string `short:"o" required:"" placeholder:"FILE" help:"Parquet file to write (replaced atomically; a device, FIFO or /dev/fd/N is written in place)."`
}

// rowFlags are what export and load share besides the inputs: the time
// window and --max-malformed.
type rowFlags struct {
	since, until, tz, maxMalformed string
}

// window resolves --since/--until (relative forms count back from now).
func (f rowFlags) window() (ingest.Window, error) {
	w := WindowFlags{Since: f.since, Until: f.until, TZ: f.tz}
	loc, err := w.location()
	if err != nil {
		return ingest.Window{}, err
	}
	since, until, hasSince, hasUntil, err := w.bounds(time.Now(), loc)
	if err != nil {
		return ingest.Window{}, err
	}
	return ingest.Window{Since: since.Unix(), Until: until.Unix(), HasSince: hasSince, HasUntil: hasUntil}, nil
}

// rowCounts is the accounting of a run that writes rows: Read = Parsed +
// Malformed + Skipped + Filtered; Rows of the Parsed were written.
type rowCounts struct {
	Read, Parsed, Malformed, Skipped, Filtered, Rows uint64
}

func (c rowCounts) text(verb, where string) string {
	return fmt.Sprintf("read %d lines: %d parsed, %d malformed, %d skipped, %d filtered\n%s %d rows %s\n",
		c.Read, c.Parsed, c.Malformed, c.Skipped, c.Filtered, verb, c.Rows, where)
}

// rowSink is the ingest Sink of export and load: each parsed record goes
// to add with its input's name and identity and its position, in file
// order (one worker). A record add refuses with errRefused is counted as
// malformed; another error stops the run.
type rowSink struct {
	mu      sync.Mutex
	counts  rowCounts
	file    string // the input of the current line
	id      string // its identity (inputID)
	line    int64
	offset  int64
	started map[string]bool
	// begin is called at the first line of each input with its identity
	// and the line's offset: where this run starts reading it.
	begin      func(file, id string, offset int64) error
	add        func(rec *parser.Record, file, id string, line, offset int64) error
	refused    func(error) bool // add's error counts the record as malformed
	fileErrors []string
	err        error
	stop       func()
}

func (s *rowSink) fail(err error) {
	if s.err == nil {
		s.err = err
		s.stop()
	}
}

func (s *rowSink) At(file string, line, offset int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.file, s.line, s.offset = file, line, offset
	if s.started[file] || s.err != nil {
		return
	}
	s.started[file] = true
	id, err := inputID(file)
	if err != nil {
		s.fail(fmt.Errorf("%s: %w", report.Visible(file), err))
		return
	}
	s.id = id
	if s.begin != nil {
		if err := s.begin(file, id, offset); err != nil {
			s.fail(err)
		}
	}
}

func (s *rowSink) Add(rec *parser.Record) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.counts.Read++
	if s.err != nil {
		s.counts.Parsed++
		return
	}
	if err := s.add(rec, s.file, s.id, s.line, s.offset); err != nil {
		if s.refused != nil && s.refused(err) {
			s.counts.Malformed++
			return
		}
		s.fail(err)
	} else {
		s.counts.Rows++
	}
	s.counts.Parsed++
}

func (s *rowSink) AddMalformed(ingest.Malformed) {
	s.mu.Lock()
	s.counts.Read++
	s.counts.Malformed++
	s.mu.Unlock()
}

func (s *rowSink) AddSkipped(_ parser.Reason, n uint64) {
	s.mu.Lock()
	s.counts.Read += n
	s.counts.Skipped += n
	s.mu.Unlock()
}

func (s *rowSink) AddFiltered(n uint64) {
	s.mu.Lock()
	s.counts.Read += n
	s.counts.Filtered += n
	s.mu.Unlock()
}

func (s *rowSink) AddFileError(file, err string) {
	s.mu.Lock()
	s.fileErrors = append(s.fileErrors, report.Visible(file)+": "+report.Visible(err))
	s.mu.Unlock()
}

func (s *rowSink) SetFormat(string, string) {}

// errUnreadable ends a run that met an input it could not read: nothing
// is written.
var errUnreadable = errors.New("nothing was written: an input could not be read")

// runRows reads names through the ingest pipeline into s, on one worker
// so that each input's records come in file order. It reports unreadable
// inputs on stderr and returns errUnreadable for them.
func runRows(g *Globals, f *FileFlags, cfg ingest.Config, names []string, s *rowSink) (ingest.Result, error) {
	format, candidates, err := f.formatConfig()
	if err != nil {
		return ingest.Result{}, err
	}
	if cfg.ClientFrom, err = f.clientFrom(); err != nil {
		return ingest.Result{}, err
	}
	if f.MaxLine <= 0 {
		return ingest.Result{}, usageError(fmt.Errorf("--max-line %d: want a positive number of bytes", f.MaxLine))
	}
	cfg.MaxLine, cfg.Format, cfg.Candidates = f.MaxLine, format, candidates
	if g.Verbose {
		cfg.OnFormat = func(name string, pf parser.Format, d parser.Detection) {
			fmt.Fprintln(g.stderr, formatNote(name, pf, d))
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s.stop, s.started = cancel, map[string]bool{}
	res, _ := ingest.Run(ctx, cfg, names, s, []ingest.Worker{{Sink: s}})
	if s.err != nil {
		return res, s.err
	}
	if len(res.Unreadable) > 0 {
		for _, err := range res.Unreadable {
			fmt.Fprintln(g.stderr, "webalyze:", report.Visible(inputError(err)))
		}
		return res, errUnreadable
	}
	warnSameData(g, res.SameData)
	return res, nil
}

// rowOutcome is the exit status after the output is written: file errors
// or too many malformed lines → 3.
func rowOutcome(g *Globals, s *rowSink, maxMalformed string) error {
	bad := false
	for _, fe := range s.fileErrors {
		fmt.Fprintln(g.stderr, "webalyze:", fe)
		bad = true
	}
	f := InputFlags{MaxMalformed: maxMalformed}
	count, share, isShare, _ := f.maxMalformed()
	mal, read := s.counts.Malformed, s.counts.Read
	if isShare {
		if read > 0 && float64(mal) > share*float64(read) {
			fmt.Fprintf(g.stderr, "webalyze: %d of %d lines malformed (%.2f%%), over --max-malformed %s\n", mal, read, 100*float64(mal)/float64(read), maxMalformed)
			bad = true
		}
	} else if mal > count {
		fmt.Fprintf(g.stderr, "webalyze: %d lines malformed, over --max-malformed %s\n", mal, maxMalformed)
		bad = true
	}
	if bad {
		return &exitError{code: exitDataError}
	}
	return nil
}

// inputID identifies an input's content across runs, renames, rotation
// and compression: a digest of its first bytes (decompressed), up to
// ingest.FingerprintSize and cut after the last line end among them, so
// that it does not change while a file grows past its first lines. "-"
// (standard input) cannot be read twice and is "-".
func inputID(name string) (string, error) {
	if name == "-" {
		return "-", nil
	}
	in, err := parser.Open(name)
	if err != nil {
		return "", err
	}
	defer in.Close()
	head := make([]byte, ingest.FingerprintSize)
	n, err := io.ReadFull(in, head)
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		return "", err
	}
	head = head[:n]
	for i := len(head) - 1; i >= 0; i-- {
		if head[i] == '\n' {
			head = head[:i+1]
			break
		}
	}
	sum := sha256.Sum256(head)
	return hex.EncodeToString(sum[:16]), nil
}

// Run reads the inputs and writes the Parquet file.
func (c *ExportCmd) Run(g *Globals) error {
	flags := rowFlags{since: c.Since, until: c.Until, tz: c.TZ, maxMalformed: c.MaxMalformed}
	if _, _, _, err := (&InputFlags{MaxMalformed: c.MaxMalformed}).maxMalformed(); err != nil {
		return err
	}
	win, err := flags.window()
	if err != nil {
		return err
	}
	names := c.expandNames(g)
	pw := (*parquet.Writer)(nil)
	s := &rowSink{add: func(rec *parser.Record, file, id string, line, offset int64) error {
		return pw.Add(rec, file, id, parquet.Position{Line: line, Offset: offset})
	}}
	var runErr error
	e := newEnding(g)
	// A regular file is written now, a device or FIFO by commit.
	err = e.file("-o", c.Output, 0o644, func(w io.Writer) error {
		pw = parquet.NewWriter(w)
		if _, runErr = runRows(g, &c.FileFlags, ingest.Config{Window: win}, names, s); runErr != nil {
			return runErr
		}
		return pw.Close()
	})
	if err == nil {
		err = e.commit()
	}
	if runErr != nil {
		e.abort()
		if errors.Is(runErr, errUnreadable) {
			return &exitError{code: exitUsage, err: runErr}
		}
		return runErr
	}
	if err != nil {
		return err
	}
	out := g.stdout
	if c.Output == "-" {
		out = g.stderr
	}
	fmt.Fprint(out, s.counts.text("wrote", "to "+report.Visible(c.Output)))
	return rowOutcome(g, s, c.MaxMalformed)
}
