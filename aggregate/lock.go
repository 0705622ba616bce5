package aggregate

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// ErrStateInUse is returned (wrapped, with the holder's PID) by
// [LockState] when another process holds the state's lock past the wait.
var ErrStateInUse = errors.New("state in use")

// lockPoll is how often LockState tries again while it waits.
const lockPoll = 50 * time.Millisecond

// StateLock is the lock of a state file, held from before the state is
// loaded until after it is saved, so that two runs sharing a state never
// read the same old state and overwrite each other's counts.
type StateLock struct {
	f *os.File
}

// LockPath is the lock file of the state file path: the state itself is
// replaced by each save (a rename), so the lock lives beside it, in a file
// that is never removed (removing it would let two processes lock two
// different files).
func LockPath(path string) string { return path + ".lock" }

// LockState takes the exclusive lock of the state file path, waiting up to
// wait for another process to release it (0: do not wait). The lock is an
// advisory lock of the whole lock file (flock on Unix, LockFileEx on
// Windows), released by Unlock or when the process ends, however it ends.
// The holder writes its PID into the lock file, so that a process that
// cannot get the lock can say "state in use by PID n".
func LockState(path string, wait time.Duration) (*StateLock, error) {
	f, err := os.OpenFile(LockPath(path), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("locking state %s: %w", path, err)
	}
	deadline := time.Now().Add(wait)
	for {
		ok, err := tryLock(f)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("locking state %s: %w", path, err)
		}
		if ok {
			break
		}
		if !time.Now().Before(deadline) {
			holder := "another process"
			if pid := lockHolder(f); pid > 0 {
				holder = "PID " + strconv.Itoa(pid)
			}
			f.Close()
			waited := ""
			if wait > 0 {
				waited = fmt.Sprintf(" (waited %s, --state-wait)", wait)
			}
			return nil, fmt.Errorf("%w: %s is locked by %s%s", ErrStateInUse, path, holder, waited)
		}
		time.Sleep(min(lockPoll, time.Until(deadline)))
	}
	if err := f.Truncate(0); err == nil {
		f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0) // best effort: only for the message above
	}
	return &StateLock{f: f}, nil
}

// lockHolder reads the PID the holder wrote, or 0.
func lockHolder(f *os.File) int {
	b := make([]byte, 32)
	n, _ := f.ReadAt(b, 0)
	pid, err := strconv.Atoi(strings.TrimSpace(string(b[:n])))
	if err != nil {
		return 0
	}
	return pid
}

// Unlock releases the lock. It is safe on a nil lock.
func (l *StateLock) Unlock() error {
	if l == nil || l.f == nil {
		return nil
	}
	err := unlockFile(l.f)
	if cerr := l.f.Close(); err == nil {
		err = cerr
	}
	l.f = nil
	return err
}
