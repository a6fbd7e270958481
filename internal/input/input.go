// Package input opens the files bulkhead reads, with a bound on how much it reads from each.
//
// Every input has a limit fit for its kind (see docs/reliability.md): small files read whole
// (configuration, baselines, PR comments) are refused past a few MiB; large inputs read as
// streams (states, snapshots) have a large bound on the whole and a bound on a single value,
// enforced by their readers. A path that is not a regular file (a device such as /dev/zero,
// a FIFO, a socket, a directory) is refused before it is opened, since opening a FIFO
// blocks and reading a device never ends; standard input is read only when named "-".
package input

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"syscall"
)

// Limits by kind of input, in bytes.
const (
	Config   int64 = 4 << 20  // bulkhead.hcl
	Comment  int64 = 4 << 20  // check --previous-comment (a PR comment is at most 64 KiB on GitHub)
	Baseline int64 = 32 << 20 // --baseline (about 250 bytes a finding)
	TFFile   int64 = 16 << 20 // one .tf file
	Stream   int64 = 8 << 30  // --snapshot, --tfstate, diff: read as streams
)

// ErrTooLarge is wrapped by the error of a read past the limit.
var ErrTooLarge = errors.New("input too large")

// ErrNotRegular is wrapped by the error for a path that is not a regular file.
var ErrNotRegular = errors.New("not a regular file")

// File is an input being read. It counts what is read and fails the read past the limit.
// For a regular file it can Seek (the snapshot reader rewinds); standard input cannot.
type File struct {
	Name  string // the path as given ("-" for standard input)
	limit int64
	n     int64
	r     io.Reader
	f     *os.File // nil for standard input
	over  bool
}

// Stdin is what Open("-") reads (the command's standard input; tests replace it).
var Stdin io.Reader = os.Stdin

// Open opens path for reading at most limit bytes. "-" is standard input.
func Open(path string, limit int64) (*File, error) {
	if path == "-" {
		return &File{Name: path, limit: limit, r: Stdin}, nil
	}
	fi, err := os.Stat(path) // follows links: a link to a regular file is fine
	if err != nil {
		return nil, err
	}
	if err := regular(path, fi, limit); err != nil {
		return nil, err
	}
	// O_NONBLOCK: if the path was swapped for a FIFO since Stat, open must not block.
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	fi2, err := f.Stat()
	if err == nil {
		err = regular(path, fi2, limit)
	}
	if err == nil && !os.SameFile(fi, fi2) {
		err = fmt.Errorf("%s: changed while it was opened", path)
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return &File{Name: path, limit: limit, r: f, f: f}, nil
}

func regular(path string, fi fs.FileInfo, limit int64) error {
	m := fi.Mode()
	switch {
	case m.IsRegular():
		if fi.Size() > limit {
			return fmt.Errorf("%s: %w: %s, more than the %s this input may be", path, ErrTooLarge, Size(fi.Size()), Size(limit))
		}
		return nil
	case m.IsDir():
		return fmt.Errorf("%s: %w: it is a directory", path, ErrNotRegular)
	case m&fs.ModeNamedPipe != 0:
		return fmt.Errorf("%s: %w: it is a FIFO (to read a pipe, give - and pipe it to standard input)", path, ErrNotRegular)
	case m&fs.ModeSocket != 0:
		return fmt.Errorf("%s: %w: it is a socket", path, ErrNotRegular)
	case m&fs.ModeDevice != 0:
		return fmt.Errorf("%s: %w: it is a device", path, ErrNotRegular)
	}
	return fmt.Errorf("%s: %w (mode %v)", path, ErrNotRegular, m)
}

// Read implements io.Reader; past the limit it fails with ErrTooLarge.
func (f *File) Read(p []byte) (int, error) {
	if f.over {
		return 0, f.tooLarge()
	}
	if room := f.limit - f.n + 1; int64(len(p)) > room {
		p = p[:room] // read one byte past the limit to learn there is more
	}
	n, err := f.r.Read(p)
	f.n += int64(n)
	if f.n > f.limit {
		f.over = true
		n -= int(f.n - f.limit)
		return n, f.tooLarge()
	}
	return n, err
}

func (f *File) tooLarge() error {
	return fmt.Errorf("%s: %w: more than the %s this input may be", f.Name, ErrTooLarge, Size(f.limit))
}

// Seek implements io.Seeker for a regular file.
// Stat is the opened file's, so a reader can size its buffer; standard input has none.
func (f *File) Stat() (fs.FileInfo, error) {
	if f.f == nil {
		return nil, errors.New("not a file")
	}
	return f.f.Stat()
}

func (f *File) Seek(off int64, whence int) (int64, error) {
	if f.f == nil {
		return 0, errors.New("standard input cannot seek")
	}
	pos, err := f.f.Seek(off, whence)
	if err == nil {
		f.n, f.over = pos, false
	}
	return pos, err
}

// Close closes the file (standard input stays open).
func (f *File) Close() error {
	if f.f == nil {
		return nil
	}
	return f.f.Close()
}

// ReadAll reads a whole input of at most limit bytes.
func ReadAll(path string, limit int64) ([]byte, error) {
	f, err := Open(path, limit)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(f)
}

// Size prints a byte count in the unit people use for limits.
func Size(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<20:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// MaxJSONToken bounds one string, number or literal in a JSON input read as a stream: the
// largest value a real state holds (a file's content, a rendered template) is well under
// it, and a reader never holds more of one value than that.
const MaxJSONToken = 16 << 20

// ErrNotJSON is wrapped by a JSON guard's error for a byte that cannot occur in JSON.
var ErrNotJSON = errors.New("not JSON")

// JSONGuard wraps r, which holds one UTF-8 JSON document, and fails the read at the first
// string or literal longer than maxToken bytes, and at the first byte outside a string that
// JSON does not allow (such as the NUL bytes of /dev/zero), so that a stream decoder never
// buffers an unbounded token. It checks bytes, not grammar: the decoder still does that.
// When r can Seek, so can the guard (to the start, as the snapshot reader does).
func JSONGuard(r io.Reader, maxToken int64) io.ReadSeeker {
	return &jsonGuard{r: r, max: maxToken}
}

type jsonGuard struct {
	r          io.Reader
	max        int64
	off        int64
	inStr, esc bool
	tok        int64 // length of the current string or literal
	err        error
}

func (g *jsonGuard) Read(p []byte) (int, error) {
	if g.err != nil {
		return 0, g.err
	}
	n, err := g.r.Read(p)
	for i := 0; i < n; i++ {
		c := p[i]
		if g.inStr && !g.esc && c != '\\' && c != '"' {
			// The bulk of a state is string bytes: jump to the next quote or backslash
			// (bytes.IndexByte is vectorised) instead of a step per byte.
			rest := p[i:n]
			j := bytes.IndexByte(rest, '"')
			if j < 0 {
				j = len(rest)
			}
			if b := bytes.IndexByte(rest[:j], '\\'); b >= 0 {
				j = b
			}
			if g.tok+int64(j) > g.max {
				f := i + int(g.max-g.tok) // the byte that makes it too long, as a step per byte finds it
				return g.fail(f, fmt.Errorf("%w: a string longer than %s at byte %d", ErrTooLarge, Size(g.max), g.off+int64(f)))
			}
			g.tok += int64(j)
			i += j - 1
			continue
		}
		if g.inStr {
			switch {
			case g.esc:
				g.esc = false
			case c == '\\':
				g.esc = true
			case c == '"':
				g.inStr = false
				continue
			}
			if g.tok++; g.tok > g.max {
				return g.fail(i, fmt.Errorf("%w: a string longer than %s at byte %d", ErrTooLarge, Size(g.max), g.off+int64(i)))
			}
			continue
		}
		switch c {
		case '"':
			g.inStr, g.tok = true, 0
		case ' ', '\t', '\n', '\r', '{', '}', '[', ']', ',', ':':
			g.tok = 0
		case '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '-', '+', '.', 'e', 'E',
			't', 'r', 'u', 'f', 'a', 'l', 's', 'n':
			if g.tok++; g.tok > g.max {
				return g.fail(i, fmt.Errorf("%w: a value longer than %s at byte %d", ErrTooLarge, Size(g.max), g.off+int64(i)))
			}
		case 0xEF, 0xBB, 0xBF: // a UTF-8 byte-order mark, only at the start
			if g.off+int64(i) > 2 {
				return g.fail(i, fmt.Errorf("%w: byte %#02x at byte %d", ErrNotJSON, c, g.off+int64(i)))
			}
		default:
			return g.fail(i, fmt.Errorf("%w: byte %q at byte %d", ErrNotJSON, c, g.off+int64(i)))
		}
	}
	g.off += int64(n)
	return n, err
}

// fail hands out the bytes before the bad one with the error: the decoder then reports
// the error, not a syntax error of its own.
func (g *jsonGuard) fail(i int, err error) (int, error) {
	g.err = err
	g.off += int64(i)
	return i, err
}

func (g *jsonGuard) Seek(off int64, whence int) (int64, error) {
	s, ok := g.r.(io.Seeker)
	if !ok {
		return 0, errors.New("cannot seek")
	}
	pos, err := s.Seek(off, whence)
	if err != nil {
		return pos, err
	}
	if pos != g.off || whence != io.SeekCurrent {
		*g = jsonGuard{r: g.r, max: g.max, off: pos} // a new read from pos (the start)
	}
	return pos, nil
}
