package parser

import (
	"bytes"
	"errors"
	"io"
	"sync"
)

// DefaultMaxLine is the default longest line read (256 KiB). Longer lines
// are skipped to the next LF without being held in memory whole and counted
// as malformed (line_too_long).
const DefaultMaxLine = 256 << 10

// DefaultBlockSize is the size of the blocks the input is cut into: the
// smallest that newSplitter allows with the default line limit (two
// lines of DefaultMaxLine). A block is written by the reader's goroutine
// and parsed by a worker, most often on the other core, while the top
// lists compete for the same caches: a block that small stays in cache
// between the two, and was measured faster than 1 MiB.
const DefaultBlockSize = 512 << 10

// Chunk is a block of whole lines cut from an input stream, the unit of
// work of the parallel pipeline.
type Chunk struct {
	// Data holds whole lines, each ending with LF, except the stream's last
	// line when it has none.
	Data []byte
	// Line is the 1-based number of Data's first line in the stream, and
	// Offset the byte offset of Data[0] in the decompressed stream.
	Line   int64
	Offset int64
	// Directive is, for a stateful format (see [Stateful]), the last
	// directive line before Data (without its line end), or nil.
	Directive []byte
	// TruncatedTail is set when the stream ended in error (a truncated
	// gzip) and Data's last line has no LF: that line is incomplete.
	TruncatedTail bool

	pool *sync.Pool
	buf  *[]byte
}

// Release returns the chunk's memory for reuse; Data must not be used after.
func (c *Chunk) Release() {
	if c.pool != nil && c.buf != nil {
		c.pool.Put(c.buf)
		c.buf = nil
	}
}

// LongLine describes a line the [Splitter] skipped because it was longer
// than its limit.
type LongLine struct {
	Line   int64 // 1-based line number
	Offset int64 // byte offset of the line's start
	Length int64 // bytes in the line, without the LF
	AllNUL bool  // the line was nothing but NUL bytes (pre-allocated blocks after a crash)
}

// Splitter cuts a stream into [Chunk]s at line boundaries. It reads with
// large reads and never buffers a line longer than MaxLine: such a line is
// skipped to its LF and reported through OnLongLine.
type Splitter struct {
	r         io.Reader
	maxLine   int
	blockSize int
	prefix    []byte // directive prefix, for stateful formats
	pool      sync.Pool

	carry     []byte
	directive []byte
	line      int64 // number of the next line
	offset    int64 // offset of the next byte
	eof       bool
	err       error
	scratch   []byte
	nl        []byte

	// OnLongLine, if set, is called for each line skipped as too long.
	OnLongLine func(LongLine)

	// HoldPartial keeps a last line without LF back instead of returning
	// it: in incremental runs such a line may still be being written, and
	// it is read in full by the next run. [Splitter.Consumed] then ends
	// at the last LF.
	HoldPartial bool
	// HoldTruncated does the same for the last line of a stream that ended
	// early (a truncated compressed stream, see [IsTruncation]): an
	// incremental run reads it in full once the file is complete, rather
	// than count it as malformed now and again as parsed later.
	HoldTruncated bool
	held          int64
	heldText      []byte
}

// SetStart sets the line number and byte offset of the first byte the
// splitter will read, when reading resumes in the middle of a stream.
func (s *Splitter) SetStart(line, offset int64) {
	s.line, s.offset = line, offset
}

// Consumed returns the offset just past the last byte handed out or
// skipped, and the number of the next line: where a later run resumes.
func (s *Splitter) Consumed() (offset, nextLine int64) {
	return s.offset, s.line
}

// Directive returns the directive line in force after the data read so far
// (stateful formats), and SetDirective sets it when resuming.
func (s *Splitter) Directive() []byte { return s.directive }

// SetDirective sets the directive in force at the start, when resuming.
func (s *Splitter) SetDirective(d []byte) { s.directive = d }

// Held returns how many bytes of an unfinished last line were held back
// (see HoldPartial).
func (s *Splitter) Held() int64 { return s.held }

// HeldText returns the bytes of the line HoldTruncated held back (a copy),
// nil when none was: a run with no other copy of them counts that line.
func (s *Splitter) HeldText() []byte { return s.heldText }

// NewSplitter returns a Splitter reading r. maxLine <= 0 means
// DefaultMaxLine. directivePrefix is non-empty for stateful formats.
func NewSplitter(r io.Reader, maxLine int, directivePrefix string) *Splitter {
	return newSplitter(r, maxLine, DefaultBlockSize, directivePrefix)
}

func newSplitter(r io.Reader, maxLine, bs int, directivePrefix string) *Splitter {
	if maxLine <= 0 {
		maxLine = DefaultMaxLine
	}
	if bs < 2*maxLine {
		bs = 2 * maxLine
	}
	s := &Splitter{r: r, maxLine: maxLine, blockSize: bs, line: 1}
	if directivePrefix != "" {
		s.prefix = []byte(directivePrefix)
	}
	s.pool.New = func() any { b := make([]byte, 0, bs); return &b }
	return s
}

// Err returns the stream error that ended reading, if any (not io.EOF).
func (s *Splitter) Err() error { return s.err }

// Lines returns the number of lines consumed so far.
func (s *Splitter) Lines() int64 { return s.line - 1 }

// Next returns the next chunk, or io.EOF when the stream is done. A stream
// error ends the stream: the chunk with the data before it is returned
// first, and [Splitter.Err] reports the error.
func (s *Splitter) Next() (*Chunk, error) {
	for {
		if s.eof && len(s.carry) == 0 {
			return nil, io.EOF
		}
		bp := s.pool.Get().(*[]byte)
		b := append((*bp)[:0], s.carry...)
		s.carry = s.carry[:0]
		for len(b) < s.blockSize && !s.eof {
			n, err := s.r.Read(b[len(b):s.blockSize])
			b = b[:len(b)+n]
			if err != nil {
				s.setErr(err)
			}
		}
		var data []byte
		switch last := bytes.LastIndexByte(b, '\n'); {
		case s.eof && (s.HoldPartial && s.err == nil || s.HoldTruncated && IsTruncation(s.err)):
			data = b[:last+1]
			s.held = int64(len(b) - (last + 1))
			if s.held > 0 && s.err != nil {
				s.heldText = bytes.Clone(b[last+1:])
			}
		case s.eof:
			data = b
		case last >= 0:
			data = b[:last+1]
			s.carry = append(s.carry, b[last+1:]...)
		default:
			// A full buffer without LF: the line is over the limit.
			s.carry = append(s.carry, b...)
		}
		*bp = b
		var c *Chunk
		if len(data) > 0 {
			c = &Chunk{Data: data, Line: s.line, Offset: s.offset, Directive: s.directive, pool: &s.pool, buf: bp}
			n := int64(bytes.Count(data, newline))
			if data[len(data)-1] != '\n' {
				n++
				c.TruncatedTail = s.err != nil
			}
			s.line += n
			s.offset += int64(len(data))
			if s.prefix != nil {
				s.trackDirective(data)
			}
		} else {
			s.pool.Put(bp)
		}
		if len(s.carry) > s.maxLine {
			s.skipLongLine()
		}
		if c != nil {
			return c, nil
		}
	}
}

func (s *Splitter) setErr(err error) {
	s.eof = true
	if err != io.EOF {
		s.err = err
	}
}

var newline = []byte{'\n'}

// skipLongLine drops the carried partial line, which is over the limit,
// reads on to its LF, and reports it.
func (s *Splitter) skipLongLine() {
	ll := LongLine{Line: s.line, Offset: s.offset, Length: int64(len(s.carry)), AllNUL: allNUL(s.carry)}
	s.carry = s.carry[:0]
	if s.scratch == nil {
		s.scratch = make([]byte, 64<<10)
	}
	consumed := ll.Length
	for !s.eof {
		n, err := s.r.Read(s.scratch)
		part := s.scratch[:n]
		if i := bytes.IndexByte(part, '\n'); i >= 0 {
			ll.Length += int64(i)
			ll.AllNUL = ll.AllNUL && allNUL(part[:i])
			consumed = ll.Length + 1
			s.carry = append(s.carry, part[i+1:]...)
			if err != nil {
				s.setErr(err)
			}
			break
		}
		ll.Length += int64(n)
		consumed = ll.Length
		ll.AllNUL = ll.AllNUL && allNUL(part)
		if err != nil {
			s.setErr(err)
		}
	}
	s.line++
	s.offset += consumed
	if s.OnLongLine != nil {
		s.OnLongLine(ll)
	}
}

// trackDirective remembers the last directive line in data, so that the
// next chunk can be parsed as if the lines before it had been read.
func (s *Splitter) trackDirective(data []byte) {
	last := -1
	if bytes.HasPrefix(data, s.prefix) {
		last = 0
	}
	for i := 0; ; {
		j := bytes.Index(data[i:], s.needle())
		if j < 0 {
			break
		}
		last = i + j + 1
		i += j + 1
	}
	if last < 0 {
		return
	}
	line := data[last:]
	if k := bytes.IndexByte(line, '\n'); k >= 0 {
		line = line[:k]
	}
	line = bytes.TrimSuffix(line, []byte{'\r'})
	s.directive = append([]byte(nil), line...) // chunks keep the old slice; never overwrite it
}

func (s *Splitter) needle() []byte {
	if s.nl == nil {
		s.nl = append([]byte{'\n'}, s.prefix...)
	}
	return s.nl
}

func allNUL(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

// IsTruncation reports whether err says a compressed stream ended early.
func IsTruncation(err error) bool {
	var se *StreamError
	return errors.As(err, &se) && se.Truncated
}
