package ingest

import (
	"hash/fnv"
	"io"
	"os"

	"github.com/webalyze/webalyze/parser"
)

// FingerprintSize is how many of an input's first (decompressed) bytes
// identify it across runs, renames and compression.
const FingerprintSize = 4096

// InputMark remembers how far an input was read, so that an incremental run
// (--state) reads only what is new:
//
//   - an appended file resumes at Offset;
//   - a rotated file (renamed to access.log.1, or compressed to
//     access.log.2.gz) has the same first bytes, so it is recognised by
//     Fingerprint and not read twice;
//   - a truncated file (copytruncate) is shorter than Offset, starts
//     with other bytes, or has other bytes just before Offset (see
//     CheckSum), and is read from the start.
//
// The fingerprint covers the first FingerprintSize bytes read, or all of
// them in a shorter file, including bytes that arrived while the file
// was being read.
type InputMark struct {
	Name        string // path as last seen, for messages
	Dev, Ino    uint64 // file identity as last seen (0 when unknown)
	Fingerprint uint64 // FNV-1a 64 of the first FingerprintLen decompressed bytes
	// FingerprintLen is FingerprintSize, or less for a file that was shorter.
	FingerprintLen int
	Offset         int64 // decompressed bytes consumed, through the last complete line
	NextLine       int64 // number of the line at Offset
	// CheckSum is the FNV-1a 64 of the CheckLen bytes just before Offset
	// (at most FingerprintSize; 0 when unknown). A run re-checks them
	// before it resumes a plain file: a file truncated in place and
	// written again with the same first bytes differs there, and is read
	// from the start instead of losing what comes before Offset.
	CheckSum uint64
	CheckLen int
	// Directive is, for IIS/W3C logs, the #Fields line in force at Offset.
	Directive string
}

func fingerprint(head []byte, n int) uint64 {
	h := fnv.New64a()
	h.Write(head[:n])
	return h.Sum64()
}

// identity is the identity of an opened input's file (see
// fileIdentity, one per system), or zeros for standard input and inputs
// that are not files.
func identity(name string, f *os.File) (dev, ino uint64) {
	if name == "-" || f == nil {
		return 0, 0
	}
	return fileIdentity(f)
}

// findMark returns the index of the mark whose fingerprint matches head,
// or -1. A mark with the same file identity wins; otherwise the one with the
// longest fingerprint, the most specific. Marks in used are taken by other
// inputs of this run.
func findMark(marks []InputMark, used map[int]bool, head []byte, dev, ino uint64) int {
	best := -1
	for i, m := range marks {
		if used[i] || m.FingerprintLen == 0 || m.FingerprintLen > len(head) || fingerprint(head, m.FingerprintLen) != m.Fingerprint {
			continue
		}
		if ino != 0 && m.Dev == dev && m.Ino == ino {
			return i
		}
		if best < 0 || m.FingerprintLen > marks[best].FingerprintLen {
			best = i
		}
	}
	return best
}

// maxMarks bounds how many inputs a state remembers; the oldest are
// dropped first.
const maxMarks = 4096

// mergeMarks returns the marks of this run followed by the earlier marks
// that no input of this run matched.
func mergeMarks(now []InputMark, earlier []InputMark, used map[int]bool) []InputMark {
	out := append([]InputMark(nil), now...)
	for i, m := range earlier {
		if !used[i] {
			out = append(out, m)
		}
	}
	if len(out) > maxMarks {
		out = out[:maxMarks]
	}
	return out
}

// tailKeeper keeps the last FingerprintSize bytes of the chunks an input
// hands out, for the mark's CheckSum.
type tailKeeper struct {
	buf []byte
	end int64 // stream offset just past buf
}

// add keeps the end of data, the chunk at stream offset offset.
func (t *tailKeeper) add(data []byte, offset int64) {
	if len(data) >= FingerprintSize {
		t.buf = append(t.buf[:0], data[len(data)-FingerprintSize:]...)
	} else {
		t.buf = append(t.buf, data...)
		if over := len(t.buf) - FingerprintSize; over > 0 {
			t.buf = t.buf[:copy(t.buf, t.buf[over:])]
		}
	}
	t.end = offset + int64(len(data))
}

// tailMatches re-checks, before input in resumes at m.Offset, that the
// bytes before it are those m read (CheckSum). head is in's first bytes.
// What cannot be checked without reading the stream through (a
// compressed input past its head, a pipe) is taken as matching: the head
// fingerprint already matched.
func tailMatches(in *parser.Input, head []byte, m InputMark) bool {
	if m.CheckLen <= 0 {
		return true
	}
	lo := m.Offset - int64(m.CheckLen)
	if lo < 0 {
		return false
	}
	if m.Offset <= int64(len(head)) {
		return fingerprint(head[lo:m.Offset], m.CheckLen) == m.CheckSum
	}
	f := in.File()
	if in.Compression != parser.Plain || f == nil {
		return true
	}
	b := make([]byte, m.CheckLen)
	n, err := f.ReadAt(b, lo)
	if n < len(b) {
		// Shorter than what was read: truncated. Another error: unknown.
		return err != io.EOF
	}
	return fingerprint(b, n) == m.CheckSum
}
