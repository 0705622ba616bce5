package parser

import (
	"bufio"
	"compress/bzip2"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// Compression is the encoding of an input stream, found from its first
// bytes (its magic number), never from its file name.
type Compression string

const (
	Plain Compression = "plain"
	Gzip  Compression = "gzip"
	Zstd  Compression = "zstd"
	Bzip2 Compression = "bzip2"
)

// ErrUTF16 is returned by [Open] for input that starts with a UTF-16 byte
// order mark: reading it as bytes would produce garbage lines.
var ErrUTF16 = errors.New("input is UTF-16 (byte order mark found); convert it to UTF-8 first, e.g. iconv -f UTF-16 -t UTF-8")

// Input is an opened log stream: a file or standard input, decompressed.
type Input struct {
	Name        string      // as given on the command line; "-" is standard input
	Compression Compression // found by sniffing
	Size        int64       // size on disk in bytes, -1 when unknown (stdin, pipes)

	r      io.Reader // decompressed bytes
	br     *bufio.Reader
	src    *countingReader
	closer io.Closer
	seeker io.Seeker // the file, when it is plain and seekable
	file   *os.File  // the file opened by Open (os.Stdin for "-")
	zstd   *zstd.Decoder
	gz     *gzip.Reader
	out    int64 // decompressed bytes delivered
	rawN   int64 // raw bytes consumed
}

// Open opens name ("-" for stdin) and sniffs its compression.
func Open(name string) (*Input, error) {
	var f *os.File
	size := int64(-1)
	if name == "-" {
		f = os.Stdin
	} else {
		var err error
		f, err = os.Open(name)
		if err != nil {
			return nil, err
		}
		if st, err := f.Stat(); err == nil {
			if st.IsDir() {
				f.Close()
				return nil, fmt.Errorf("%s: is a directory", name)
			}
			if st.Mode().IsRegular() {
				size = st.Size()
			}
		}
	}
	in, err := NewInput(name, f, size)
	if err != nil {
		if name != "-" {
			f.Close()
		}
		return nil, err
	}
	if name != "-" {
		in.closer = f
	}
	in.file = f
	return in, nil
}

// File returns the file an input opened with [Open] reads (os.Stdin for
// "-"), or nil for one built with [NewInput]: for its identity, never for
// reading.
func (in *Input) File() *os.File { return in.file }

// NewInput wraps r, sniffing its compression. size is the raw size when
// known, or -1.
func NewInput(name string, r io.Reader, size int64) (*Input, error) {
	in := &Input{Name: name, Size: size}
	counted := &countingReader{r: r, n: &in.rawN}
	br := bufio.NewReaderSize(counted, 64<<10)
	in.br, in.src = br, counted
	head, _ := br.Peek(4)
	switch {
	case len(head) >= 2 && head[0] == 0x1f && head[1] == 0x8b:
		in.Compression = Gzip
		gz, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err) // "gzip: invalid header"
		}
		gz.Multistream(true) // logrotate's delaycompress and cat'ed archives are multi-member
		in.gz = gz
		in.r = gz
	case len(head) >= 4 && head[0] == 0x28 && head[1] == 0xb5 && head[2] == 0x2f && head[3] == 0xfd:
		in.Compression = Zstd
		// Decompression runs in the reader goroutine, overlapping with the
		// parsing workers; one decoder goroutine keeps memory predictable.
		dec, err := zstd.NewReader(br, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxWindow(1<<27))
		if err != nil {
			return nil, fmt.Errorf("%s: zstd: %w", name, err)
		}
		in.zstd = dec
		in.r = dec
	case len(head) >= 4 && head[0] == 'B' && head[1] == 'Z' && head[2] == 'h' && head[3] >= '1' && head[3] <= '9':
		in.Compression = Bzip2
		in.r = bzip2.NewReader(br)
	case len(head) >= 2 && (head[0] == 0xff && head[1] == 0xfe || head[0] == 0xfe && head[1] == 0xff):
		return nil, fmt.Errorf("%s: %w", name, ErrUTF16)
	default:
		in.Compression = Plain
		in.r = br
		if s, ok := r.(io.Seeker); ok {
			if _, err := s.Seek(0, io.SeekCurrent); err == nil {
				in.seeker = s
			}
		}
	}
	return in, nil
}

// Skip discards the next n decompressed bytes: a seek for a plain file, a
// read for anything else. It returns how many bytes were skipped, fewer
// than n when the stream ended first.
func (in *Input) Skip(n int64) (int64, error) {
	if n <= 0 {
		return 0, nil
	}
	if in.seeker != nil {
		if buffered := int64(in.br.Buffered()); buffered >= n {
			_, err := in.br.Discard(int(n))
			in.out += n
			return n, err
		}
		target := in.out + n
		end, err := in.seeker.Seek(0, io.SeekEnd)
		if err == nil {
			if target > end {
				target = end
			}
			_, err = in.seeker.Seek(target, io.SeekStart)
		}
		if err != nil {
			return 0, err
		}
		in.br.Reset(in.src)
		skipped := target - in.out
		in.out, in.rawN = target, target
		return skipped, nil
	}
	return io.CopyN(io.Discard, in, n)
}

// Offset is the number of decompressed bytes delivered or skipped so far.
func (in *Input) Offset() int64 { return in.out }

// Read reads decompressed bytes. Errors name the stream's compression and
// say whether the data ended early; see [StreamError].
func (in *Input) Read(p []byte) (int, error) {
	n, err := in.r.Read(p)
	in.out += int64(n)
	if err != nil && err != io.EOF {
		err = in.classify(err)
	}
	return n, err
}

func (in *Input) classify(err error) error {
	se := &StreamError{Name: in.Name, Compression: in.Compression, Offset: in.out, Err: err}
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF):
		se.Truncated = true
	case in.Compression == Gzip && errors.Is(err, gzip.ErrHeader) && in.out > 0:
		// A member ended cleanly and what follows is not another member.
		se.TrailingGarbage = true
	case errors.Is(err, gzip.ErrChecksum):
		se.Checksum = true
	}
	return se
}

// RawOffset is how many bytes of the underlying file have been consumed, for
// progress reports on compressed files.
func (in *Input) RawOffset() int64 { return in.rawN }

// Close releases the input.
func (in *Input) Close() error {
	if in.zstd != nil {
		in.zstd.Close()
	}
	if in.gz != nil {
		in.gz.Close()
	}
	if in.closer != nil {
		return in.closer.Close()
	}
	return nil
}

// StreamError is a fault in an input stream after it was opened: a
// truncated or corrupt compressed stream, or a read error. Lines read
// before the fault still count.
type StreamError struct {
	Name        string
	Compression Compression
	Offset      int64 // decompressed bytes delivered before the fault
	Err         error
	// Truncated: the stream ended in the middle of the data (a cut-off
	// download, a crash while compressing); the last partial line is
	// counted as malformed ("truncated").
	Truncated bool
	// TrailingGarbage: a gzip stream is followed by bytes that are not a
	// gzip member. Everything before them was read and checked.
	TrailingGarbage bool
	// Checksum: a gzip member's CRC or size did not match; its data was read
	// but may be corrupt.
	Checksum bool
}

func (e *StreamError) Error() string {
	what := "read error"
	switch {
	case e.Truncated:
		what = "stream truncated"
	case e.TrailingGarbage:
		what = "trailing garbage after compressed data"
	case e.Checksum:
		what = "checksum mismatch"
	}
	return fmt.Sprintf("%s: %s %s after %d bytes: %v", e.Name, e.Compression, what, e.Offset, e.Err)
}

func (e *StreamError) Unwrap() error { return e.Err }

type countingReader struct {
	r io.Reader
	n *int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	*c.n += int64(n)
	return n, err
}

// IsBlank reports whether line is empty or only spaces and tabs.
// It returns at the first other byte, the first of a log line: bytes.Trim
// built its set of two bytes on every call (1 % of a report's time).
func IsBlank(line []byte) bool {
	for _, c := range line {
		if c != ' ' && c != '\t' {
			return false
		}
	}
	return true
}
