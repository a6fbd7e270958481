// Package atomicfile writes files so that a reader sees the old content or the whole new
// content, never a prefix: every file bulkhead writes (reports, images, snapshots,
// baselines, PR comments, the fingerprint salt) goes through it.
//
// The new content goes to a temporary file in the same directory, is synced, and is renamed
// over the target only once every byte is written. A full disk, a killed process or an
// error in the writer leaves the previous file untouched (and at most a stray temporary
// file named .NAME.tmp-XXXXXXXX, removed on every error path this process survives). The
// target keeps its mode when it exists; a new file gets the mode asked for, less the umask.
// A target that exists and is not a regular file (/dev/null, /dev/stdout, a FIFO) is written
// in place: there is no previous content to protect and nothing may replace the device.
package atomicfile

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// Fault, when set (by tests only), is called before every write to a temporary file with
// the bytes already written; the error it returns fails that write, as a full disk does.
var Fault func(written int64) error

// File is a file being written. Write to it, then Commit; Close without Commit discards
// what was written and leaves the target as it was.
type File struct {
	target  string
	tmp     string   // "" when writing in place
	f       *os.File // nil once closed
	written int64
	done    bool
	err     error // first write error: Commit fails with it
}

// Create starts writing path. perm is the mode of a new file (0644 for reports, 0600 for
// secrets); an existing file keeps its own mode.
func Create(path string, perm fs.FileMode) (*File, error) {
	target := path
	if real, err := filepath.EvalSymlinks(path); err == nil {
		target = real // write through a symbolic link, never replace the link
	}
	mode := perm
	if fi, err := os.Stat(target); err == nil {
		if !fi.Mode().IsRegular() {
			if fi.IsDir() {
				return nil, &fs.PathError{Op: "write", Path: path, Err: errors.New("is a directory")}
			}
			f, err := os.OpenFile(target, os.O_WRONLY|os.O_TRUNC, 0)
			if err != nil {
				return nil, err
			}
			return &File{target: target, f: f}, nil
		}
		mode = fi.Mode().Perm()
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	dir, base := filepath.Split(target)
	var f *os.File
	var tmp string
	for range 10 {
		var b [4]byte
		_, _ = rand.Read(b[:])
		tmp = filepath.Join(dir, "."+base+".tmp-"+hex.EncodeToString(b[:]))
		var err error
		f, err = os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
		if err == nil {
			break
		}
		if !errors.Is(err, fs.ErrExist) {
			return nil, &fs.PathError{Op: "create", Path: path, Err: unwrapPath(err)}
		}
	}
	if f == nil {
		return nil, &fs.PathError{Op: "create", Path: path, Err: fs.ErrExist}
	}
	// The umask applied at creation; an existing file's mode is kept exactly.
	if _, err := os.Stat(target); err == nil {
		if err := f.Chmod(mode); err != nil {
			f.Close()
			os.Remove(tmp)
			return nil, err
		}
	}
	return &File{target: target, tmp: tmp, f: f}, nil
}

// unwrapPath drops the path an os error carries (it may name the temporary file).
func unwrapPath(err error) error {
	var pe *fs.PathError
	var le *os.LinkError
	switch {
	case errors.As(err, &pe):
		return pe.Err
	case errors.As(err, &le):
		return le.Err
	}
	return err
}

// Write implements io.Writer.
func (a *File) Write(p []byte) (int, error) {
	if a.err != nil {
		return 0, a.err
	}
	if a.f == nil {
		return 0, fs.ErrClosed
	}
	if Fault != nil && a.tmp != "" {
		if err := Fault(a.written); err != nil {
			a.err = &fs.PathError{Op: "write", Path: a.target, Err: err}
			return 0, a.err
		}
	}
	n, err := a.f.Write(p)
	a.written += int64(n)
	if err != nil {
		a.err = &fs.PathError{Op: "write", Path: a.target, Err: unwrapPath(err)}
		return n, a.err
	}
	return n, nil
}

// Commit makes the new content the file's: sync, close, rename, sync the directory. After
// an error the target is as it was before Create.
func (a *File) Commit() error {
	if a.done {
		return a.err
	}
	a.done = true
	if a.f == nil {
		return fs.ErrClosed
	}
	f := a.f
	a.f = nil
	if a.tmp == "" { // in place: a device or FIFO
		if err := f.Close(); err != nil && a.err == nil {
			a.err = err
		}
		return a.err
	}
	err := a.err
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(a.tmp, a.target)
	}
	if err != nil {
		os.Remove(a.tmp)
		if a.err == nil {
			a.err = &fs.PathError{Op: "write", Path: a.target, Err: unwrapPath(err)}
		}
		return a.err
	}
	if d, err := os.Open(filepath.Dir(a.target)); err == nil {
		_ = d.Sync() // durability of the rename; not every file system supports it
		d.Close()
	}
	return nil
}

// Close discards the file unless it was committed; it is safe to call more than once and
// after Commit (defer it).
func (a *File) Close() error {
	if a.done {
		return nil
	}
	a.done = true
	if a.f != nil {
		a.f.Close()
		a.f = nil
	}
	if a.tmp != "" {
		os.Remove(a.tmp)
	}
	return nil
}

// WriteFile writes data to path atomically, like os.WriteFile.
func WriteFile(path string, data []byte, perm fs.FileMode) error {
	return Write(path, perm, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// Write writes path atomically with what fn writes; an error from fn leaves the file as it
// was.
func Write(path string, perm fs.FileMode, fn func(io.Writer) error) error {
	f, err := Create(path, perm)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := fn(f); err != nil {
		return err
	}
	return f.Commit()
}

// WriteNew writes data to path atomically only if path does not exist yet: the complete
// file appears at once (a hard link of the synced temporary file), or not at all. It
// returns an error wrapping fs.ErrExist when another process made path first.
func WriteNew(path string, data []byte, perm fs.FileMode) error {
	if _, err := os.Lstat(path); err == nil {
		return &fs.PathError{Op: "create", Path: path, Err: fs.ErrExist}
	}
	f, err := Create(path, perm)
	if err != nil {
		return err
	}
	defer f.Close()
	if _, err := f.Write(data); err != nil {
		return err
	}
	if err := f.f.Sync(); err != nil {
		return &fs.PathError{Op: "write", Path: path, Err: unwrapPath(err)}
	}
	if err := os.Link(f.tmp, path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return &fs.PathError{Op: "create", Path: path, Err: fs.ErrExist}
		}
		// A file system without hard links: rename, which may replace a file another
		// process made in the meantime (it then holds the same kind of content).
		return f.Commit()
	}
	return nil // Close removes the temporary name; the content stays at path
}
