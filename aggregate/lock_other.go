//go:build !(linux || darwin || freebsd || openbsd || netbsd || dragonfly || windows)

package aggregate

import (
	"errors"
	"os"
)

// tryLock: this system has no file lock webalyze knows; --state refuses to
// run rather than risk two runs losing each other's counts.
func tryLock(*os.File) (bool, error) {
	return false, errors.New("state files cannot be locked on this system")
}

func unlockFile(*os.File) error { return nil }
