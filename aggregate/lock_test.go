package aggregate

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func TestLockState(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.state")
	l, err := LockState(path, 0)
	if err != nil {
		t.Fatal(err)
	}
	// A second lock, on another open file of the same lock file, is
	// refused and names this process.
	_, err = LockState(path, 0)
	if !errors.Is(err, ErrStateInUse) || !strings.Contains(err.Error(), "PID "+strconv.Itoa(os.Getpid())) {
		t.Fatalf("second lock: %v; want ErrStateInUse naming PID %d", err, os.Getpid())
	}
	if err := l.Unlock(); err != nil {
		t.Fatal(err)
	}
	l2, err := LockState(path, 0)
	if err != nil {
		t.Fatalf("after unlock: %v", err)
	}
	l2.Unlock()
	var none *StateLock
	if err := none.Unlock(); err != nil {
		t.Errorf("nil Unlock: %v", err)
	}
}

func TestRetireFileErrors(t *testing.T) {
	s := New(Options{})
	s.AddFileError("a.log", "gone")
	s.DateFileErrors(100)
	s.RetireFileErrors()
	if len(s.FileErrors) != 0 || len(s.EarlierErrors) != 1 || s.EarlierErrors[0].At != 100 {
		t.Fatalf("retired: %+v / %+v", s.FileErrors, s.EarlierErrors)
	}
	o := New(Options{})
	for i := range MaxEarlierErrors + 5 {
		o.AddFileError("b.log", "x")
		o.DateFileErrors(int64(200 + i))
		o.RetireFileErrors()
	}
	if err := s.Merge(o); err != nil {
		t.Fatal(err)
	}
	if n := len(s.EarlierErrors); n != MaxEarlierErrors {
		t.Fatalf("%d earlier errors, want %d", n, MaxEarlierErrors)
	}
	if first, last := s.EarlierErrors[0].At, s.EarlierErrors[MaxEarlierErrors-1].At; first != 205 || last != 200+MaxEarlierErrors+4 {
		t.Errorf("kept %d..%d, want the newest (205..%d)", first, last, 200+MaxEarlierErrors+4)
	}
}
