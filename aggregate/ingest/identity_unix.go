//go:build unix

package ingest

import (
	"os"
	"syscall"
)

// fileIdentity returns the device and inode of an open file: they stay the
// same when the file is renamed (rotation) or truncated in place
// (copytruncate). Zeros when unknown.
func fileIdentity(f *os.File) (dev, ino uint64) {
	fi, err := f.Stat()
	if err != nil {
		return 0, 0
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return uint64(st.Dev), uint64(st.Ino)
	}
	return 0, 0
}
