package aggregate

import (
	"bytes"
	"errors"
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

// inputIdentity is the identity of an opened input's file (see
// fileIdentity, one per system), or zeros for standard input and inputs
// that are not files.
func inputIdentity(name string, f *os.File) (dev, ino uint64) {
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

// markRun is what a run knows of one of its inputs besides its mark.
type markRun struct {
	head       []byte // the first FingerprintLen decompressed bytes
	compressed bool
	// group is the index of the first input of this run that holds the
	// same data (see sameData); its own index when none does.
	group int
}

// cutInput is an input of an incremental run whose compressed stream was
// truncated: a file error, unless another input of the run holds its data.
type cutInput struct {
	idx int
	err error
}

// sameData returns the index of an input read earlier in this run that
// holds the same data as input idx, or -1. Two inputs hold the same data
// when the shorter head is a prefix of the other and is either a whole
// FingerprintSize (the same first 4 KiB: a file and its copy) or the
// head of a compressed stream (a snapshot of the file it was made from,
// which cannot grow). Two short plain files with the same first bytes are
// not taken for one: the second may be a log rewritten after a
// copytruncate. The same file (device and inode), by whatever name or
// link, is always the same data.
func (r *reader) sameData(idx int) int {
	me, id := r.runs[idx], r.marks[idx]
	for j := range idx {
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

// truncated records that input idx's compressed stream ended early.
func (r *reader) truncated(idx int, err error) {
	r.cut = append(r.cut, cutInput{idx: idx, err: err})
}

// finishMarks ends an incremental run: a truncated compressed input whose
// data another input of the run has read (the copy gzip was writing when
// the run met it) is no error; the others are file errors of this run.
// Then every input of a group gets the furthest mark of the group, so
// that whichever of them a later run meets, it resumes there.
func (r *reader) finishMarks() {
	for _, c := range r.cut {
		reach := r.marks[c.idx].Offset
		var se *parser.StreamError
		if errors.As(c.err, &se) {
			reach = min(reach, se.Offset)
		}
		covered := false
		for j := range r.marks {
			if j != c.idx && r.runs[j].group == r.runs[c.idx].group && r.marks[j].Offset >= reach {
				covered = true
			}
		}
		if !covered {
			r.st.AddFileError(r.marks[c.idx].Name, fileErrorText(r.marks[c.idx].Name, c.err))
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

// tailKeeper keeps the last FingerprintSize bytes of the chunks an input
// hands out, for the mark's CheckSum.
type tailKeeper struct {
	buf []byte
	end int64 // stream offset just past buf
}

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
