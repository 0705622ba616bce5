package aggregate

import (
	"bufio"
	"errors"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// An output file is replaced in two steps, so that a run that fails or is
// interrupted leaves the previous file as it was:
//
//   - [Prepare] writes the new content into a temporary file next to the
//     target, named ".NAME.tmp-DIGITS", synced to disk;
//   - [Pending.Commit] renames it over the target (and syncs the
//     directory); [Pending.Abort] removes it.
//
// Only a regular file or a missing path is replaced that way. A character
// device, a FIFO, a socket or an open descriptor (/dev/stdout,
// /dev/fd/N, /proc/self/fd/N, also behind a symbolic link) is written in
// place, by Commit: there is no file to replace, and renaming over it
// would replace the device node or the link for every process. A symbolic
// link to a regular file is followed: the file it names is replaced and
// the link is kept. A new file is created with perm less the umask; a
// file being replaced keeps its permission bits, and its owner and group
// where the process may set them.
//
// A temporary file left by a run killed during its write (kill -9, a
// crash) is removed by the next Prepare of the same target once it is
// older than [StaleAge]: only files whose name is exactly
// ".NAME.tmp-" followed by digits, regular files, not modified for that
// long, so that a concurrent run's file is never touched.

// StaleAge is how old a leftover temporary file must be (by its
// modification time) before Prepare removes it.
const StaleAge = time.Hour

// Pending is an output prepared by [Prepare], put in place by Commit or
// dropped by Abort.
type Pending struct {
	path   string // as the caller gave it: errors name it
	target string // the regular file the rename replaces
	tmp    string // the temporary file; "" for a direct output or once done
	direct bool
	write  func(io.Writer) error // a direct output's content, written by Commit
	done   bool
}

// temporaries are the temporary files of this process not yet renamed or
// removed, for [RemoveTemporaries].
var temporaries struct {
	sync.Mutex
	names  map[string]bool
	closed bool
}

var errClosed = errors.New("the program is exiting")

// beforeRename is called between writing the temporary file and renaming
// it over the target; tests use it to simulate a crash there.
var beforeRename = func(tmp string) error { return nil }

// WriteFileAtomic writes path through write with [Prepare] and commits it
// at once: a crash at any point leaves either the old file or the new
// one, never a mix, and a reader never sees half a file.
func WriteFileAtomic(path string, perm os.FileMode, write func(io.Writer) error) error {
	p, err := Prepare(path, perm, write)
	if err != nil {
		return err
	}
	return p.Commit()
}

// Prepare makes the new content of path with write. For a regular file or
// a missing path it is written now into a temporary file beside it; for a
// device, FIFO or descriptor, write is called by Commit. Errors are
// *fs.PathError naming path, never the temporary file; an error of write
// itself is returned as is.
func Prepare(path string, perm os.FileMode, write func(io.Writer) error) (*Pending, error) {
	target, existing, direct, err := resolveOutput(path)
	if err != nil {
		return nil, err
	}
	p := &Pending{path: path, target: target, direct: direct, write: write}
	if direct {
		return p, nil
	}
	dir, base := filepath.Split(target)
	if dir == "" {
		dir = "."
	}
	removeStale(dir, base, time.Now().Add(-StaleAge))
	f, err := createTemp(dir, base, perm)
	if err != nil {
		return nil, pathError(path, err)
	}
	p.tmp = f.Name()
	fail := func(err error) (*Pending, error) {
		f.Close()
		p.Abort()
		return nil, err
	}
	if existing != nil {
		keepOwner(f, existing)
		if err := f.Chmod(existing.Mode().Perm()); err != nil {
			return fail(pathError(path, err))
		}
	}
	bw := bufio.NewWriterSize(&pathWriter{w: f, path: path}, 1<<16)
	if err := write(bw); err != nil {
		return fail(err)
	}
	if err := bw.Flush(); err != nil {
		return fail(err)
	}
	if err := f.Sync(); err != nil {
		return fail(pathError(path, err))
	}
	if err := f.Close(); err != nil {
		return fail(pathError(path, err))
	}
	return p, nil
}

// CheckOutput reports, before any work, the errors [Prepare] would meet
// on path that do not depend on its content: a directory, a missing or
// non-directory parent.
func CheckOutput(path string) error {
	target, _, direct, err := resolveOutput(path)
	if err != nil || direct {
		return err
	}
	dir := filepath.Dir(target)
	fi, err := os.Stat(dir)
	if err != nil {
		return pathError(path, err)
	}
	if !fi.IsDir() {
		return pathError(path, syscall.ENOTDIR)
	}
	return nil
}

// Direct reports whether the output is written in place by Commit (a
// device, FIFO or descriptor) rather than renamed.
func (p *Pending) Direct() bool { return p.direct }

// Commit puts the output in place: it renames the temporary file over the
// target, or writes a direct output. It may be called once.
func (p *Pending) Commit() error {
	if p.done {
		return pathError(p.path, errors.New("already committed or aborted"))
	}
	p.done = true
	if p.direct {
		return p.writeDirect()
	}
	if err := beforeRename(p.tmp); err != nil {
		p.remove()
		return err
	}
	temporaries.Lock()
	if temporaries.closed {
		temporaries.Unlock()
		return pathError(p.path, errClosed)
	}
	err := os.Rename(p.tmp, p.target)
	if err != nil {
		os.Remove(p.tmp)
	}
	delete(temporaries.names, p.tmp)
	temporaries.Unlock()
	if err != nil {
		return pathError(p.path, err)
	}
	if d, derr := os.Open(filepath.Dir(p.target)); derr == nil {
		d.Sync() // make the rename durable; best effort on file systems without directory sync
		d.Close()
	}
	return nil
}

// Abort drops a prepared output: the target is left as it was.
func (p *Pending) Abort() {
	if !p.done {
		p.done = true
		p.remove()
	}
}

func (p *Pending) remove() {
	if p.tmp == "" {
		return
	}
	temporaries.Lock()
	os.Remove(p.tmp)
	delete(temporaries.names, p.tmp)
	temporaries.Unlock()
	p.tmp = ""
}

// writeDirect writes a device, FIFO or descriptor in place.
func (p *Pending) writeDirect() error {
	flag := os.O_WRONLY
	if fi, err := os.Stat(p.path); err == nil && fi.Mode().IsRegular() {
		flag |= os.O_TRUNC // a regular file behind /dev/fd/N
	}
	f, err := os.OpenFile(p.path, flag, 0)
	if err != nil {
		return pathError(p.path, err)
	}
	bw := bufio.NewWriterSize(&pathWriter{w: f, path: p.path}, 1<<16)
	err = p.write(bw)
	if err == nil {
		err = bw.Flush()
	}
	if cerr := f.Close(); err == nil && cerr != nil {
		err = pathError(p.path, cerr)
	}
	return err
}

// RemoveTemporaries removes the temporary files of outputs prepared and
// not yet committed, and makes every later Prepare and Commit fail: a
// program calls it when it exits on a signal.
func RemoveTemporaries() {
	temporaries.Lock()
	defer temporaries.Unlock()
	temporaries.closed = true
	for name := range temporaries.names {
		os.Remove(name)
	}
	temporaries.names = nil
}

// createTemp creates ".BASE.tmp-DIGITS" in dir, with perm less the umask,
// and registers it.
func createTemp(dir, base string, perm os.FileMode) (*os.File, error) {
	temporaries.Lock()
	defer temporaries.Unlock()
	if temporaries.closed {
		return nil, errClosed
	}
	for range 1000 {
		name := filepath.Join(dir, tempPrefix(base)+strconv.FormatUint(uint64(rand.Uint32()), 10))
		f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if temporaries.names == nil {
			temporaries.names = map[string]bool{}
		}
		temporaries.names[name] = true
		return f, nil
	}
	return nil, errors.New("cannot find a free temporary file name")
}

func tempPrefix(base string) string { return "." + base + ".tmp-" }

// isTempName reports whether name is a temporary file of target base.
func isTempName(name, base string) bool {
	digits, ok := strings.CutPrefix(name, tempPrefix(base))
	if !ok || digits == "" || len(digits) > 20 {
		return false
	}
	for _, c := range []byte(digits) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// removeStale removes the temporary files of base in dir last modified
// before cutoff (see [StaleAge]). Failures are ignored: the files are only
// litter.
func removeStale(dir, base string, cutoff time.Time) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if !e.Type().IsRegular() || !isTempName(e.Name(), base) {
			continue
		}
		fi, err := e.Info()
		if err != nil || !fi.ModTime().Before(cutoff) {
			continue
		}
		name := filepath.Join(dir, e.Name())
		temporaries.Lock()
		if !temporaries.names[name] {
			os.Remove(name)
		}
		temporaries.Unlock()
	}
}

// resolveOutput decides how path is written: the regular file a rename
// replaces (existing is its FileInfo, nil when it is missing), or direct.
func resolveOutput(path string) (target string, existing fs.FileInfo, direct bool, err error) {
	fi, err := os.Stat(path)
	switch {
	case err == nil && fi.IsDir():
		return "", nil, false, pathError(path, syscall.EISDIR)
	case err == nil && !fi.Mode().IsRegular():
		return "", nil, true, nil
	case err == nil:
		if descriptorPath(path) {
			return "", nil, true, nil
		}
		real, err := filepath.EvalSymlinks(path)
		if err != nil || descriptorPath(real) {
			// A file reached through a descriptor link (/dev/fd/3
			// opened by the shell): write it in place.
			return "", nil, true, nil
		}
		return real, fi, false, nil
	case errors.Is(err, fs.ErrNotExist):
		// Missing, or a dangling symbolic link: create the file it names.
		target = path
		for range 40 {
			lfi, lerr := os.Lstat(target)
			if lerr != nil || lfi.Mode()&fs.ModeSymlink == 0 {
				break
			}
			link, lerr := os.Readlink(target)
			if lerr != nil {
				break
			}
			if !filepath.IsAbs(link) {
				link = filepath.Join(filepath.Dir(target), link)
			}
			target = link
		}
		if descriptorPath(target) {
			return "", nil, false, pathError(path, fs.ErrNotExist)
		}
		return target, nil, false, nil
	default:
		return "", nil, false, pathError(path, err)
	}
}

// pathWriter names path in its write errors (never the temporary file).
type pathWriter struct {
	w    io.Writer
	path string
}

func (w *pathWriter) Write(b []byte) (int, error) {
	n, err := w.w.Write(b)
	if err != nil {
		err = pathError(w.path, err)
	}
	return n, err
}

// pathError is a write error on path, with the cause stripped of the
// temporary file's name.
func pathError(path string, err error) error {
	var pe *fs.PathError
	var le *os.LinkError
	switch {
	case errors.As(err, &pe):
		err = pe.Err
	case errors.As(err, &le):
		err = le.Err
	}
	return &fs.PathError{Op: "write", Path: path, Err: err}
}
