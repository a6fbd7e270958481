package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestHelperProcess is not a test: the tests below run the test binary again as bulkhead
// (BULKHEAD_HELPER_ARGS), so that package initialisation happens in a fresh process with
// the environment they chose.
func TestHelperProcess(t *testing.T) {
	args := os.Getenv("BULKHEAD_HELPER_ARGS")
	if args == "" {
		t.Skip("helper process only")
	}
	os.Exit(int(Main(strings.Split(args, "\x1f"), &IOStreams{In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr, ColorMode: "never", TermWidth: 100})))
}

// bulkheadProcess runs bulkhead in a new process with HOME, XDG_CACHE_HOME and TMPDIR
// under root.
func bulkheadProcess(t *testing.T, root string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$")
	cmd.Env = append(os.Environ(), "BULKHEAD_HELPER_ARGS="+strings.Join(args, "\x1f"),
		"HOME="+filepath.Join(root, "home"), "XDG_CACHE_HOME="+filepath.Join(root, "cache"), "TMPDIR="+filepath.Join(root, "tmp"))
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func graphvizRoot(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	for _, d := range []string{"home", "tmp"} {
		if err := os.Mkdir(filepath.Join(root, d), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func entries(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	_ = filepath.Walk(dir, func(p string, _ os.FileInfo, err error) error {
		if err == nil && p != dir {
			out = append(out, p)
		}
		return nil
	})
	return out
}

// TestVersionCompilesNoGraphviz: a command that draws nothing compiles no Graphviz and
// touches no cache: neither the shared $TMPDIR/go-graphviz nor the user's own.
func TestVersionCompilesNoGraphviz(t *testing.T) {
	root := graphvizRoot(t)
	if out, err := bulkheadProcess(t, root, "version"); err != nil {
		t.Fatalf("version: %v\n%s", err, out)
	}
	for _, d := range []string{filepath.Join(root, "tmp", "go-graphviz"), filepath.Join(root, "cache", "bulkhead")} {
		if _, err := os.Lstat(d); err == nil {
			t.Errorf("bulkhead version created %s", d)
		}
	}
}

// TestGraphvizCachePerUser: drawing caches compiled Graphviz only in the user's own cache
// directory (mode 0700), never in a pre-existing, world-writable $TMPDIR/go-graphviz, and
// not in a user cache directory others may write: then it compiles in memory.
func TestGraphvizCachePerUser(t *testing.T) {
	root := graphvizRoot(t)
	// A hostile shared cache, as another user would leave it: writable by all, with junk.
	shared := filepath.Join(root, "tmp", "go-graphviz")
	if err := os.MkdirAll(filepath.Join(shared, "wazero-v1.10.1-amd64-linux"), 0o777); err != nil {
		t.Fatal(err)
	}
	_ = os.Chmod(shared, 0o777)
	if err := os.WriteFile(filepath.Join(shared, "wazero-v1.10.1-amd64-linux", "junk"), []byte("not compiled code"), 0o666); err != nil {
		t.Fatal(err)
	}
	before := entries(t, shared)
	svg := filepath.Join(root, "out.svg")
	if out, err := bulkheadProcess(t, root, "render", "--demo", "-o", svg); err != nil {
		t.Fatalf("render: %v\n%s", err, out)
	}
	if b, err := os.ReadFile(svg); err != nil || !strings.Contains(string(b), "<svg") {
		t.Fatalf("no SVG drawn: %v", err)
	}
	if after := entries(t, shared); strings.Join(after, ",") != strings.Join(before, ",") {
		t.Errorf("the shared cache was used: %v", after)
	}
	own := filepath.Join(root, "cache", "bulkhead")
	for _, d := range []string{own, filepath.Join(own, "go-graphviz-0.2.10")} {
		fi, err := os.Lstat(d)
		if err != nil {
			t.Fatalf("no per-user cache: %v", err)
		}
		if fi.Mode().Perm() != 0o700 {
			t.Errorf("%s: mode %v, want 0700", d, fi.Mode().Perm())
		}
	}
	if len(entries(t, own)) < 2 {
		t.Errorf("nothing cached in %s", own)
	}
	// A second run loads from the cache and still draws.
	if out, err := bulkheadProcess(t, root, "render", "--demo", "-o", svg); err != nil {
		t.Fatalf("render from the cache: %v\n%s", err, out)
	}

	// A user cache directory that others may write is not used either: compiled in memory.
	root2 := graphvizRoot(t)
	open := filepath.Join(root2, "cache", "bulkhead")
	if err := os.MkdirAll(open, 0o777); err != nil {
		t.Fatal(err)
	}
	_ = os.Chmod(open, 0o777)
	if out, err := bulkheadProcess(t, root2, "render", "--demo", "-o", filepath.Join(root2, "out.svg")); err != nil {
		t.Fatalf("render: %v\n%s", err, out)
	}
	if got := entries(t, open); len(got) > 1 || (len(got) == 1 && !strings.HasSuffix(got[0], "go-graphviz-0.2.10")) {
		t.Errorf("a cache others can write was used: %v", got)
	}
	if fi, err := os.Lstat(filepath.Join(open, "go-graphviz-0.2.10")); err == nil && len(entries(t, filepath.Join(open, fi.Name()))) > 0 {
		t.Errorf("compiled code written under a directory others can write")
	}
}
