//go:build windows

package ingest

import (
	"os"
	"syscall"
)

// fileIdentity returns, on Windows, the volume serial number and the file
// index of an open file (GetFileInformationByHandle): like a Unix device
// and inode, they stay the same when the file is renamed. Zeros when
// unknown; marks then rely on the fingerprint alone.
func fileIdentity(f *os.File) (dev, ino uint64) {
	var d syscall.ByHandleFileInformation
	if err := syscall.GetFileInformationByHandle(syscall.Handle(f.Fd()), &d); err != nil {
		return 0, 0
	}
	return uint64(d.VolumeSerialNumber), uint64(d.FileIndexHigh)<<32 | uint64(d.FileIndexLow)
}
