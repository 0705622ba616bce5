//go:build unix

package main

import (
	"os"
	"syscall"
	"time"
)

// rusage extracts CPU time and peak RSS (KiB on Linux) of a finished
// process.
func rusage(ps *os.ProcessState) (time.Duration, int64) {
	cpu := ps.UserTime() + ps.SystemTime()
	if ru, ok := ps.SysUsage().(*syscall.Rusage); ok {
		return cpu, int64(ru.Maxrss)
	}
	return cpu, 0
}
