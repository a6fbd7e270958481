package workdir

import (
	"io/fs"
	"os"
	"path/filepath"
	"sort"
)

// osFS is the directory tree under root, like os.DirFS but without fs.ValidPath's
// refusal of names that are not UTF-8: such names are legal on Unix, an agent can read
// the files, and the walk only ever opens names it listed itself.
type osFS string

func (r osFS) path(name string) string {
	if name == "." {
		return string(r)
	}
	return filepath.Join(string(r), filepath.FromSlash(name))
}

// Open implements fs.FS.
func (r osFS) Open(name string) (fs.File, error) { return os.Open(r.path(name)) }

// Stat implements fs.StatFS (follows symbolic links).
func (r osFS) Stat(name string) (fs.FileInfo, error) { return os.Stat(r.path(name)) }

// ReadDir implements fs.ReadDirFS, sorted by name. A directory read in part returns
// what it read and the error.
func (r osFS) ReadDir(name string) ([]fs.DirEntry, error) {
	f, err := os.Open(r.path(name))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	es, err := f.ReadDir(-1)
	sort.Slice(es, func(i, j int) bool { return es[i].Name() < es[j].Name() })
	return es, err
}
