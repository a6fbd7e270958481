package atomicfile_test

import (
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/bulkhead-dev/bulkhead/internal/atomicfile"
)

func entries(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		out = append(out, e.Name())
	}
	return out
}

// TestFailedWriteKeepsOld: a write that fails part way (a full disk) or a writer that
// returns an error leaves the old file byte-identical and no temporary file behind.
func TestFailedWriteKeepsOld(t *testing.T) {
	for _, tc := range []struct {
		name string
		fn   func(io.Writer) error
	}{
		{"writer error", func(w io.Writer) error {
			_, _ = w.Write([]byte("partial"))
			return errors.New("render failed")
		}},
		{"disk full after 4096 bytes", func(w io.Writer) error {
			atomicfile.Fault = func(n int64) error {
				if n >= 4096 {
					return syscall.ENOSPC
				}
				return nil
			}
			defer func() { atomicfile.Fault = nil }()
			for range 100 {
				if _, err := w.Write(bytes.Repeat([]byte("x"), 1024)); err != nil {
					return err
				}
			}
			return nil
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			p := filepath.Join(dir, "report.json")
			if err := os.WriteFile(p, []byte("old"), 0o640); err != nil {
				t.Fatal(err)
			}
			if err := atomicfile.Write(p, 0o644, tc.fn); err == nil {
				t.Fatal("no error")
			}
			if b, _ := os.ReadFile(p); string(b) != "old" {
				t.Errorf("old file changed: %q", b)
			}
			if es := entries(t, dir); len(es) != 1 {
				t.Errorf("left behind: %v", es)
			}
		})
	}
}

func TestModes(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "salt")
	if err := atomicfile.WriteFile(p, []byte("new"), 0o600); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(p); fi.Mode().Perm() != 0o600 {
		t.Errorf("new file mode %v, want 0600", fi.Mode())
	}
	q := filepath.Join(dir, "kept")
	if err := os.WriteFile(q, []byte("old"), 0o640); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(q, 0o640); err != nil {
		t.Fatal(err)
	}
	if err := atomicfile.WriteFile(q, []byte("new"), 0o644); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(q); fi.Mode().Perm() != 0o640 {
		t.Errorf("existing mode not kept: %v", fi.Mode())
	}
}

// TestSymlinkAndDevice: a link is written through (it stays a link); a device is written in
// place, never replaced.
func TestSymlinkAndDevice(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "real.svg")
	link := filepath.Join(dir, "link.svg")
	if err := os.WriteFile(real, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("real.svg", link); err != nil {
		t.Fatal(err)
	}
	if err := atomicfile.WriteFile(link, []byte("new"), 0o644); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Lstat(link); fi.Mode()&os.ModeSymlink == 0 {
		t.Error("the link was replaced by a file")
	}
	if b, _ := os.ReadFile(real); string(b) != "new" {
		t.Errorf("target: %q", b)
	}
	if err := atomicfile.WriteFile(os.DevNull, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(os.DevNull); err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		t.Fatalf("/dev/null is no longer a device: %v %v", fi, err)
	}
	if err := atomicfile.WriteFile(dir, []byte("x"), 0o644); err == nil || !strings.Contains(err.Error(), "directory") {
		t.Errorf("directory as target: %v", err)
	}
}

// TestFullDisk writes onto a real full file system (a 64 KiB tmpfs), when this process may
// mount one (root on Linux); the fault-injection case above covers the rest.
func TestFullDisk(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("mounting a tmpfs needs root")
	}
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs: %v %s", err, out)
	}
	defer exec.Command("umount", dir).Run()
	p := filepath.Join(dir, "baseline.json")
	if err := os.WriteFile(p, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := atomicfile.WriteFile(p, bytes.Repeat([]byte("x"), 1<<20), 0o644)
	if !errors.Is(err, syscall.ENOSPC) {
		t.Errorf("err = %v, want ENOSPC", err)
	}
	if strings.Contains(err.Error(), ".tmp-") {
		t.Errorf("error names the temporary file: %v", err)
	}
	if b, _ := os.ReadFile(p); string(b) != "old" {
		t.Errorf("old file changed: %d bytes", len(b))
	}
	if es := entries(t, dir); len(es) != 1 {
		t.Errorf("left behind: %v", es)
	}
}
