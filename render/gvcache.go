package render

import (
	"context"
	"os"
	"path/filepath"

	"github.com/goccy/go-graphviz"
)

// graphvizCacheVersion names the cache of compiled Graphviz code; change it with the
// embedded Graphviz (third_party/go-graphviz).
const graphvizCacheVersion = "go-graphviz-0.2.10"

// startGraphviz compiles the embedded Graphviz (once per process, on first drawing), with
// its compiled code cached in a directory private to the user when one can be trusted, and
// in memory otherwise. Upstream go-graphviz cached it in $TMPDIR/go-graphviz, shared by
// every user: loading native code from a place others can write is code injection.
func startGraphviz() (*graphviz.Graphviz, error) {
	graphviz.SetCacheDir(graphvizCacheDir())
	return graphviz.New(context.Background())
}

// graphvizCacheDir is os.UserCacheDir()/bulkhead/<version>, created with mode 0700, or ""
// (no cache) unless both it and its bulkhead parent are real directories (not symlinks),
// owned by the effective user, and closed to group and others.
func graphvizCacheDir() string {
	base, err := os.UserCacheDir()
	if err != nil || base == "" || !filepath.IsAbs(base) {
		return ""
	}
	parent := filepath.Join(base, "bulkhead")
	dir := filepath.Join(parent, graphvizCacheVersion)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return ""
	}
	for _, d := range []string{parent, dir} {
		if !privateDir(d) {
			return ""
		}
	}
	return dir
}

// privateDir reports whether d is a directory, not a symlink, owned by this user and with
// no permission for group or others.
func privateDir(d string) bool {
	fi, err := os.Lstat(d)
	if err != nil || !fi.IsDir() || fi.Mode()&os.ModeSymlink != 0 {
		return false
	}
	return ownedByMe(fi) && fi.Mode().Perm()&0o077 == 0
}
