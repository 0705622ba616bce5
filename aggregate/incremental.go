package aggregate

import (
	"bytes"
	"errors"

	"github.com/webalyze/webalyze/aggregate/ingest"
	"github.com/webalyze/webalyze/parser"
)

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
// ingest.FingerprintSize (the same first 4 KiB: a file and its copy) or the
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
		if len(short.head) == ingest.FingerprintSize || short.compressed {
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
