package aggregate

import (
	"errors"
	"io/fs"
	"os"
	"syscall"
)

// LoadFile reads a state file. A missing file is not an error: it returns
// (nil, nil), the start of an incremental series. Errors are
// *fs.PathError naming path.
func LoadFile(path string) (*State, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.IsDir() {
		return nil, &fs.PathError{Op: "read", Path: path, Err: syscall.EISDIR}
	}
	st, err := Decode(f)
	if err != nil {
		return nil, &fs.PathError{Op: "read", Path: path, Err: err}
	}
	return st, nil
}

// SaveFile writes st to path atomically (see [WriteFileAtomic]).
func SaveFile(path string, st *State) error {
	return WriteFileAtomic(path, 0o600, st.Encode)
}
