package workdir_test

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/bulkhead-dev/bulkhead/discover/workdir"
	"github.com/bulkhead-dev/bulkhead/internal/atomicfile"
)

// TestSaltFailedWrite: a salt that cannot be written in full (a full disk) leaves no file
// behind, so that the next run makes a whole one, rather than a 0-byte file that every
// later run replaces with a salt of its own (changing every fingerprint each time).
func TestSaltFailedWrite(t *testing.T) {
	home := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", home)
	t.Setenv("HOME", home)
	path := filepath.Join(home, "bulkhead", "fingerprint-salt")
	atomicfile.Fault = func(int64) error { return syscall.ENOSPC }
	_, _, err := workdir.MachineSalt()
	atomicfile.Fault = nil
	if !errors.Is(err, syscall.ENOSPC) || errors.Is(err, workdir.ErrBadSalt) {
		t.Fatalf("err = %v, want ENOSPC", err)
	}
	if _, err := os.Lstat(path); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a salt file was left behind: %v", err)
	}
	if es, _ := os.ReadDir(filepath.Dir(path)); len(es) != 0 {
		t.Errorf("left behind: %v", es)
	}
	a, _, err := workdir.MachineSalt()
	if err != nil {
		t.Fatal(err)
	}
	b, _, err := workdir.MachineSalt()
	if err != nil || string(a) != string(b) || len(a) != workdir.SaltSize {
		t.Errorf("salt not stable: %x %x %v", a, b, err)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("salt mode %v, want 0600", fi.Mode())
	}
}

// TestSaltInvalid: an empty or short salt file, a directory or a FIFO in its place is an
// error (ErrBadSalt), and the file is left as it was.
func TestSaltInvalid(t *testing.T) {
	for name, mk := range map[string]func(p string) error{
		"empty": func(p string) error { return os.WriteFile(p, nil, 0o600) },
		"short": func(p string) error { return os.WriteFile(p, []byte("0123456789"), 0o600) },
		"huge":  func(p string) error { return os.WriteFile(p, make([]byte, 1<<20), 0o600) },
		"dir":   func(p string) error { return os.Mkdir(p, 0o700) },
		"fifo":  func(p string) error { return syscall.Mkfifo(p, 0o600) },
	} {
		t.Run(name, func(t *testing.T) {
			home := t.TempDir()
			t.Setenv("XDG_CONFIG_HOME", home)
			path := filepath.Join(home, "bulkhead", "fingerprint-salt")
			must(t, os.MkdirAll(filepath.Dir(path), 0o700))
			must(t, mk(path))
			before, _ := os.Lstat(path)
			_, _, err := workdir.MachineSalt()
			if !errors.Is(err, workdir.ErrBadSalt) {
				t.Fatalf("err = %v, want ErrBadSalt", err)
			}
			after, _ := os.Lstat(path)
			if after == nil || after.Size() != before.Size() || after.Mode() != before.Mode() || !after.ModTime().Equal(before.ModTime()) {
				t.Errorf("salt file changed: %v -> %v", before, after)
			}
		})
	}
}
