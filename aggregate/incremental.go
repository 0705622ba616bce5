package aggregate

import (
	"hash/fnv"
	"os"
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
//   - a truncated file (copytruncate) is shorter than Offset, or starts
//     with other bytes, and is read from the start.
type InputMark struct {
	Name        string // path as last seen, for messages
	Dev, Ino    uint64 // file identity as last seen (0 when unknown)
	Fingerprint uint64 // FNV-1a 64 of the first FingerprintLen decompressed bytes
	// FingerprintLen is FingerprintSize, or less for a file that was shorter.
	FingerprintLen int
	Offset         int64 // decompressed bytes consumed, through the last complete line
	NextLine       int64 // number of the line at Offset
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
