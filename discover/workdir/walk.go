package workdir

import (
	"errors"
	"io"
	"io/fs"
	"path"
	"strconv"
	"syscall"
	"unicode"
	"unicode/utf8"
)

// fileJob is one file the walk decided to read.
type fileJob struct {
	rel       string // slash-separated, relative to the root
	kind      FileKind
	gitignore bool
}

// problem is something the walk or a read could not do: a warning (counted and logged)
// or, when gap is set, a hole in what was scanned. Anything that could hold a credential
// and was not read is a gap (a directory too deep or unreadable, a credential file too
// large, unreadable, binary or not a regular file, a link that cannot be followed for a
// reason other than pointing nowhere); warnings are only for what holds nothing to read (a
// dangling link, a link loop, a directory already scanned through another path).
type problem struct {
	rel    string
	count  string // SourceInfo.Counts key
	reason string
	gap    bool
}

// maxDepth bounds directory depth where loops cannot be detected by inode (fs.FS without
// syscall.Stat_t), and in any case.
const maxDepth = 64

type walker struct {
	fsys     fs.FS
	jobs     []fileJob
	problems []problem
	counts   map[string]int
	visited  map[[2]uint64]bool
	ignores  []ignoreRule
}

func (w *walker) note(rel, count, reason string, gap bool) {
	w.counts[count]++
	w.problems = append(w.problems, problem{rel: rel, count: count, reason: reason, gap: gap})
}

// dirID is a directory's identity (device, inode) when the file system exposes it.
func dirID(fi fs.FileInfo) ([2]uint64, bool) {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return [2]uint64{uint64(st.Dev), uint64(st.Ino)}, true //nolint:unconvert // widths differ by platform
	}
	return [2]uint64{}, false
}

// walk visits dir (slash-separated, "." for the root) in name order.
func (w *walker) walk(dir string, depth int) {
	if depth > maxDepth {
		w.note(dir, "too_deep", "not scanned: deeper than "+strconv.Itoa(maxDepth)+" directories", true)
		return
	}
	entries, err := fs.ReadDir(w.fsys, dir)
	if err != nil && len(entries) == 0 {
		w.note(dir, "unreadable", "cannot list directory: "+errText(err), true)
		return
	}
	if err != nil {
		w.note(dir, "unreadable", "directory listed in part: "+errText(err), true)
	}
	// .gitignore first, so it applies to its own directory's entries.
	for _, e := range entries {
		if e.Name() == ".gitignore" && e.Type().IsRegular() {
			if b, err := readBounded(w.fsys, join(dir, ".gitignore"), 1<<20); err == nil {
				w.ignores = append(w.ignores, parseGitignore(dir, b)...)
			} else {
				// Only the "gitignored" note on findings depends on it: a warning.
				w.note(join(dir, ".gitignore"), "gitignore_unread", "not read (files it names are shown as not gitignored): "+errText(err), false)
			}
		}
	}
	for _, e := range entries {
		name := e.Name()
		rel := join(dir, name)
		if oddName(name) {
			w.note(rel, "odd_paths", "name has bytes that are not printable UTF-8 (shown escaped)", false)
		}
		mode := e.Type()
		isDir := e.IsDir()
		if mode&fs.ModeSymlink != 0 {
			fi, err := fs.Stat(w.fsys, rel)
			if err != nil {
				// A link to nothing, or a loop of links, holds nothing an agent can read;
				// any other failure (permission denied) may hide a directory or a file.
				dangling := errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ELOOP)
				w.note(rel, "broken_symlinks", "symbolic link does not resolve: "+errText(err), !dangling)
				continue
			}
			mode = fi.Mode().Type()
			isDir = fi.IsDir()
			if isDir {
				if id, ok := dirID(fi); ok {
					if w.visited[id] {
						w.note(rel, "symlink_loops", "symbolic link to a directory already scanned (loop or alias): not followed", false)
						continue
					}
				}
			}
		}
		switch {
		case isDir:
			if skipDir(name) {
				w.counts["dirs_skipped"]++
				if name == ".git" {
					w.consider(join(rel, "config"))
				}
				continue
			}
			if fi, err := fs.Stat(w.fsys, rel); err == nil {
				if id, ok := dirID(fi); ok {
					if w.visited[id] {
						w.note(rel, "symlink_loops", "directory already scanned (loop or alias): not followed", false)
						continue
					}
					w.visited[id] = true
				}
			}
			w.walk(rel, depth+1)
		case mode.IsRegular():
			w.counts["files_seen"]++
			w.consider(rel)
		default:
			w.counts["files_seen"]++
			if classify(rel) != KindNone {
				// A FIFO named .env is how some secret managers hand out credentials: an
				// agent can read it, bulkhead does not (opening it could block).
				w.note(rel, "special_files", "not read: not a regular file (device, pipe or socket)", true)
			}
		}
	}
}

// consider queues rel for reading if it is a kind the scanner reads.
func (w *walker) consider(rel string) {
	k := classify(rel)
	if k == KindNone {
		w.counts["files_not_read"]++
		return
	}
	w.jobs = append(w.jobs, fileJob{rel: rel, kind: k, gitignore: ignored(w.ignores, rel)})
}

func join(dir, name string) string {
	if dir == "." {
		return name
	}
	return path.Join(dir, name)
}

func oddName(s string) bool {
	if !utf8.ValidString(s) {
		return true
	}
	for _, r := range s {
		if !unicode.IsPrint(r) {
			return true
		}
	}
	return false
}

// display shows a path as text that is safe to print: unchanged when it is printable
// UTF-8, Go-escaped (\xff, \n) otherwise.
func display(p string) string {
	if !oddName(p) {
		return p
	}
	q := strconv.Quote(p)
	return q[1 : len(q)-1]
}

// errText is an error without the path prefix fs adds (the caller prints the path itself,
// escaped).
func errText(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Op + ": " + pe.Err.Error()
	}
	return err.Error()
}

// errTooLarge reports a file over the size limit.
var errTooLarge = errors.New("file too large")

// readBounded reads a regular file of at most limit bytes.
func readBounded(fsys fs.FS, rel string, limit int64) ([]byte, error) {
	f, err := fsys.Open(rel)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, errors.New("not a regular file")
	}
	if fi.Size() > limit {
		return nil, errTooLarge
	}
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, errTooLarge // grew while we read it
	}
	return b, nil
}
