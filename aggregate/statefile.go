package aggregate

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// LoadFile reads a state file. A missing file is not an error: it returns
// (nil, nil), the start of an incremental series.
func LoadFile(path string) (*State, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := Decode(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return st, nil
}

// beforeRename is called between writing the temporary file and renaming
// it over the state file; tests use it to simulate a crash there.
var beforeRename = func(tmp string) error { return nil }

// SaveFile writes st to path atomically (see [WriteFileAtomic]).
func SaveFile(path string, st *State) error {
	return WriteFileAtomic(path, 0o600, st.Encode)
}

// WriteFileAtomic writes a file through write: into a temporary file in
// the same directory, synced, then renamed over path (and the directory
// synced). A crash at any point leaves either the old file or the new one,
// never a mix, and a reader never sees half a file.
func WriteFileAtomic(path string, perm os.FileMode, write func(io.Writer) error) (err error) {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	bw := bufio.NewWriterSize(tmp, 1<<16)
	if err = write(bw); err != nil {
		return err
	}
	if err = bw.Flush(); err != nil {
		return err
	}
	if err = tmp.Chmod(perm); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	if err = beforeRename(tmp.Name()); err != nil {
		return err
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	if d, derr := os.Open(dir); derr == nil {
		d.Sync() // make the rename durable; best effort on file systems without directory sync
		d.Close()
	}
	return nil
}
