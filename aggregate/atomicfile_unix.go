//go:build unix

package aggregate

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// descriptorPath reports whether path names an open descriptor rather
// than a file of its own: /dev/stdin, /dev/stdout, /dev/stderr,
// /dev/fd/N or anything under /proc (/proc/self/fd/N).
func descriptorPath(path string) bool {
	p := filepath.Clean(path)
	switch p {
	case "/dev/stdin", "/dev/stdout", "/dev/stderr":
		return true
	}
	return strings.HasPrefix(p, "/dev/fd/") || strings.HasPrefix(p, "/proc/")
}

// keepOwner gives f the owner and group of the file it replaces, as far as
// the process may (best effort: an unprivileged user can only keep a
// group it belongs to).
func keepOwner(f *os.File, existing fs.FileInfo) {
	st, ok := existing.Sys().(*syscall.Stat_t)
	if !ok {
		return
	}
	if f.Chown(int(st.Uid), int(st.Gid)) != nil {
		f.Chown(-1, int(st.Gid))
	}
}
