package render

import (
	"os"
	"path/filepath"
	"testing"
)

// TestPrivateDir: only a real directory of this user, closed to group and others, may
// hold compiled Graphviz code.
func TestPrivateDir(t *testing.T) {
	base := t.TempDir()
	mk := func(name string, mode os.FileMode) string {
		p := filepath.Join(base, name)
		if err := os.Mkdir(p, mode); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(p, mode); err != nil {
			t.Fatal(err)
		}
		return p
	}
	if d := mk("ok", 0o700); !privateDir(d) {
		t.Errorf("%s (0700, mine) refused", d)
	}
	for _, mode := range []os.FileMode{0o755, 0o770, 0o777, 0o701} {
		if d := mk("open"+mode.String(), mode); privateDir(d) {
			t.Errorf("%s (%v) accepted", d, mode)
		}
	}
	link := filepath.Join(base, "link")
	if err := os.Symlink(filepath.Join(base, "ok"), link); err != nil {
		t.Fatal(err)
	}
	if privateDir(link) {
		t.Error("a symlink accepted")
	}
	if os.Geteuid() == 0 { // root can hand a directory to another user
		d := mk("theirs", 0o700)
		if err := os.Chown(d, 65534, 65534); err != nil {
			t.Fatal(err)
		}
		if privateDir(d) {
			t.Error("a directory owned by another user accepted")
		}
	}
	// graphvizCacheDir creates its directories 0700 and refuses a parent others can write.
	t.Setenv("XDG_CACHE_HOME", filepath.Join(base, "cache"))
	t.Setenv("HOME", base)
	if d := graphvizCacheDir(); d == "" || !privateDir(d) {
		t.Errorf("graphvizCacheDir = %q", d)
	}
	if err := os.Chmod(filepath.Join(base, "cache", "bulkhead"), 0o777); err != nil {
		t.Fatal(err)
	}
	if d := graphvizCacheDir(); d != "" {
		t.Errorf("graphvizCacheDir = %q under a parent others can write", d)
	}
}
