package parser

import "bytes"

// Lines iterates over the lines of a [Chunk].
//
//	it := chunk.Lines()
//	for line, ok := it.Next(); ok; line, ok = it.Next() {
//		// it.Line and it.Offset locate line in the stream
//	}
type Lines struct {
	data []byte
	pos  int
	base int64
	// Line is the 1-based line number of the line last returned by Next.
	Line int64
	// Offset is the byte offset of that line's first byte in the stream.
	Offset int64
	// Last is true when the line last returned is the chunk's final line
	// and has no LF (the stream ended without one).
	Last bool
}

// Lines returns an iterator over c's lines.
func (c *Chunk) Lines() Lines {
	return Lines{data: c.Data, base: c.Offset, Line: c.Line - 1}
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// Next returns the next line without its LF, without the CR before the LF,
// and without a UTF-8 byte order mark at its start. The slice aliases the
// chunk's data.
func (l *Lines) Next() ([]byte, bool) {
	if l.pos >= len(l.data) {
		return nil, false
	}
	rest := l.data[l.pos:]
	l.Offset = l.base + int64(l.pos)
	l.Line++
	var line []byte
	if i := bytes.IndexByte(rest, '\n'); i >= 0 {
		line = rest[:i]
		l.pos += i + 1
	} else {
		line = rest
		l.pos = len(l.data)
		l.Last = true
	}
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	if len(line) >= 3 && line[0] == 0xEF && line[1] == 0xBB && line[2] == 0xBF {
		line = line[3:]
	}
	return line, true
}

// LeadingNULs returns how many NUL bytes line starts with. A crash can
// leave a file's pre-allocated blocks as runs of NUL bytes, often with the
// next real line glued to the end of the run.
func LeadingNULs(line []byte) int {
	n := 0
	for n < len(line) && line[n] == 0 {
		n++
	}
	return n
}
