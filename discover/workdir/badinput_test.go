package workdir_test

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"testing/fstest"
	"time"

	"github.com/bulkhead-dev/bulkhead/discover/workdir"
	"github.com/bulkhead-dev/bulkhead/graph"
)

const badToken = "c0ffee00-9999-4a9a-8b9b-0000000bad99"

func write(t *testing.T, dir, rel, content string) string {
	t.Helper()
	p := filepath.Join(dir, rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func scan(t *testing.T, src *workdir.Source) (*graph.Graph, string) {
	t.Helper()
	var logs bytes.Buffer
	src.Log = newLogger(&logs)
	if src.Salt == nil {
		src.Salt = testSalt
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	g, err := src.Discover(ctx)
	if err != nil {
		t.Fatalf("Discover: %v", err)
	}
	return g, logs.String()
}

func tokenCount(g *graph.Graph) int { return len(g.ByKind(graph.Token)) }

// TestBadInput: every kind of bad input is reported and skipped; the good file next to it
// is still found; nothing is fatal and nothing hangs. What could hold a credential and was
// not read (a huge file, a binary one, a FIFO) is a gap; links to nothing are warnings.
func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "good/.env", "RAILWAY_API_TOKEN="+badToken+"\n")

	// A binary file with a credential name.
	write(t, dir, "bin/.env", "RAILWAY_API_TOKEN="+badToken+"\x00\x01\x02\n")
	// A 1 GB .env (sparse: instant to make, never read).
	big, err := os.Create(filepath.Join(dir, "big.env"))
	if err != nil {
		t.Fatal(err)
	}
	if err := big.Truncate(1 << 30); err != nil {
		t.Fatal(err)
	}
	big.Close()
	// Symlink loops: a directory linking to its parent, two links to each other.
	if err := os.MkdirAll(filepath.Join(dir, "loop"), 0o755); err != nil {
		t.Fatal(err)
	}
	must(t, os.Symlink("..", filepath.Join(dir, "loop", "up")))
	must(t, os.Symlink("b", filepath.Join(dir, "a.env")))
	must(t, os.Symlink("a.env", filepath.Join(dir, "b")))
	// A broken link, a link to a file (read), a FIFO named like a credential file (never
	// opened: opening it would block).
	must(t, os.Symlink("nowhere", filepath.Join(dir, "broken.env")))
	must(t, os.Symlink("good/.env", filepath.Join(dir, "linked.env")))
	must(t, syscall.Mkfifo(filepath.Join(dir, "pipe.env"), 0o600))
	// Odd bytes in names: invalid UTF-8, a newline, an escape.
	write(t, dir, "odd\xff\xfe/.env", "RAILWAY_API_TOKEN="+badToken+"\n")
	write(t, dir, "new\nline/.env.staging", "OTHER=1\n")
	write(t, dir, "esc\x1b[31m/.env", "OTHER=1\n")

	g, logs := scan(t, &workdir.Source{Root: dir, MaxFileBytes: 1 << 20})

	if n := tokenCount(g); n != 1 {
		t.Errorf("want the one credential (same value in three files), got %d tokens", n)
	}
	var places []string
	for _, e := range g.Edges() {
		if e.Kind == graph.ExposedIn {
			places = append(places, strings.TrimPrefix(e.To, "workdir:file:"+filepath.ToSlash(dir)+"/"))
		}
	}
	wantPlaces := []string{"good/.env", "linked.env", `odd\xff\xfe/.env`}
	if strings.Join(places, "|") != strings.Join(wantPlaces, "|") {
		t.Errorf("exposures: got %q, want %q", places, wantPlaces)
	}
	counts := g.Sources[0].Counts
	for k, want := range map[string]int{"binary": 1, "too_large": 1, "symlink_loops": 1, "broken_symlinks": 3, "special_files": 1, "odd_paths": 3} {
		if counts[k] != want {
			t.Errorf("count %s = %d, want %d (counts %v)", k, counts[k], want, counts)
		}
	}
	// The 1 GB file, the binary one and the FIFO are gaps (each could hold a credential);
	// the rest are warnings.
	gaps := map[string]string{}
	for _, gp := range g.Gaps {
		gaps[strings.TrimPrefix(gp.What, filepath.ToSlash(dir)+"/")] = gp.Reason
	}
	for what, reason := range map[string]string{"big.env": "1 MiB limit", "bin/.env": "binary content", "pipe.env": "not a regular file"} {
		if !strings.Contains(gaps[what], reason) {
			t.Errorf("gap %s: %q, want %q (gaps %+v)", what, gaps[what], reason, g.Gaps)
		}
	}
	if len(g.Gaps) != 3 {
		t.Errorf("gaps: %+v", g.Gaps)
	}
	for _, w := range []string{"symbolic link", `odd\xff\xfe`, "too many levels", "no such file"} {
		if !strings.Contains(logs, w) {
			t.Errorf("logs lack %q:\n%s", w, logs)
		}
	}
	if strings.Contains(logs, "\x1b") || strings.Contains(logs, "\xff") {
		t.Errorf("raw odd bytes reached the log:\n%q", logs)
	}
	if strings.Contains(logs, badToken) {
		t.Error("a value reached the log")
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// errFS fails to open one file with EACCES, as an unreadable file does for a user who
// is not root (tests run as root in CI, where chmod 000 does not stop a read).
type errFS struct {
	fs.FS
	deny string
}

func (e errFS) Open(name string) (fs.File, error) {
	if name == e.deny {
		return nil, &fs.PathError{Op: "open", Path: name, Err: syscall.EACCES}
	}
	return e.FS.Open(name)
}

// TestUnreadable: a credential file that cannot be read is a gap (fail closed), the
// scan goes on, and the reason says why.
func TestUnreadable(t *testing.T) {
	fsys := errFS{FS: fstest.MapFS{
		".env":          {Data: []byte("RAILWAY_API_TOKEN=" + badToken + "\n")},
		"secret/.env":   {Data: []byte("RAILWAY_TOKEN=" + badToken + "\n")},
		"secret/readme": {Data: []byte("hello")},
	}, deny: "secret/.env"}
	g, _ := scan(t, &workdir.Source{Root: "w", FS: fsys})
	if tokenCount(g) != 1 {
		t.Errorf("tokens: %d", tokenCount(g))
	}
	if len(g.Gaps) != 1 || g.Gaps[0].What != "w/secret/.env" || !strings.Contains(g.Gaps[0].Reason, "permission denied") {
		t.Errorf("gaps: %+v", g.Gaps)
	}
}

// TestUnreadableOS is the same on the real file system, when not running as root.
func TestUnreadableOS(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root reads files whatever their mode; TestUnreadable covers the path")
	}
	dir := t.TempDir()
	p := write(t, dir, ".env", "RAILWAY_API_TOKEN="+badToken+"\n")
	must(t, os.Chmod(p, 0))
	g, _ := scan(t, &workdir.Source{Root: dir})
	if len(g.Gaps) != 1 {
		t.Errorf("gaps: %+v", g.Gaps)
	}
}

// TestCancel: a cancelled context stops the scan with its error.
func TestCancel(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, ".env", "RAILWAY_API_TOKEN="+badToken+"\n")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := (&workdir.Source{Root: dir, Salt: testSalt}).Discover(ctx)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v", err)
	}
}

// TestNotADirectory and a missing salt are input errors, not panics.
func TestInputErrors(t *testing.T) {
	f := write(t, t.TempDir(), "file", "x")
	if _, err := (&workdir.Source{Root: f, Salt: testSalt}).Discover(context.Background()); err == nil || !strings.Contains(err.Error(), "not a directory") {
		t.Errorf("file as root: %v", err)
	}
	if _, err := (&workdir.Source{Root: "/does/not/exist", Salt: testSalt}).Discover(context.Background()); err == nil {
		t.Error("missing root: no error")
	}
	if _, err := (&workdir.Source{Root: "."}).Discover(context.Background()); !errors.Is(err, workdir.ErrNoSalt) {
		t.Errorf("no salt: %v", err)
	}
}

// TestSilentSkipsAreGaps: every way the walk can leave something that could hold a
// credential unread makes the scan incomplete (a gap), with the reason: a directory deeper
// than the walk goes, a symbolic link that cannot be followed for lack of permission, a
// credential file that is not a regular file. Before, each was a warning and the scan was
// complete.
func TestSilentSkipsAreGaps(t *testing.T) {
	deep := strings.Repeat("d/", 70) + ".env"
	fsys := statErrFS{FS: fstest.MapFS{
		".env":        {Data: []byte("RAILWAY_API_TOKEN=" + badToken + "\n")},
		deep:          {Data: []byte("RAILWAY_TOKEN=" + badToken + "\n")},
		"locked.env":  {Mode: fs.ModeSymlink},
		"sock/.netrc": {Mode: fs.ModeSocket},
	}, deny: "locked.env"}
	g, _ := scan(t, &workdir.Source{Root: "w", FS: fsys})
	reasons := map[string]string{}
	for _, gp := range g.Gaps {
		reasons[gp.What] = gp.Reason
	}
	for what, want := range map[string]string{
		"w/" + strings.Repeat("d/", 65)[:len(strings.Repeat("d/", 65))-1]: "deeper than 64 directories",
		"w/locked.env":  "permission denied",
		"w/sock/.netrc": "not a regular file",
	} {
		if !strings.Contains(reasons[what], want) {
			t.Errorf("gap %s = %q, want %q; gaps %+v", what, reasons[what], want, g.Gaps)
		}
	}
	if g.Complete() {
		t.Error("scan with skipped files is complete")
	}
}

// statErrFS fails Stat of one name with EACCES, as a link into a directory the user may not
// search does.
type statErrFS struct {
	fs.FS
	deny string
}

func (e statErrFS) Stat(name string) (fs.FileInfo, error) {
	if name == e.deny {
		return nil, &fs.PathError{Op: "stat", Path: name, Err: syscall.EACCES}
	}
	return fs.Stat(e.FS, name)
}

func (e statErrFS) ReadDir(name string) ([]fs.DirEntry, error) { return fs.ReadDir(e.FS, name) }

// TestDeepOS: the same for a real directory tree 70 levels deep (the CLI then exits 3).
func TestDeepOS(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, strings.Repeat("d/", 70)+".env", "RAILWAY_TOKEN="+badToken+"\n")
	g, _ := scan(t, &workdir.Source{Root: dir})
	if len(g.Gaps) != 1 || !strings.Contains(g.Gaps[0].Reason, "deeper than 64") {
		t.Errorf("gaps: %+v", g.Gaps)
	}
}

// TestUTF16: a .env saved as UTF-16 (with a byte-order mark, as Windows editors do) is read
// like UTF-8, not skipped as binary.
func TestUTF16(t *testing.T) {
	for name, bom := range map[string][]byte{"le": {0xFF, 0xFE}, "be": {0xFE, 0xFF}} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			b := append([]byte(nil), bom...)
			for _, r := range "RAILWAY_API_TOKEN=" + badToken + "\r\n" {
				if name == "le" {
					b = append(b, byte(r), 0)
				} else {
					b = append(b, 0, byte(r))
				}
			}
			write(t, dir, ".env", string(b))
			g, _ := scan(t, &workdir.Source{Root: dir})
			if tokenCount(g) != 1 || !g.Complete() {
				t.Errorf("tokens %d, gaps %+v", tokenCount(g), g.Gaps)
			}
		})
	}
}
