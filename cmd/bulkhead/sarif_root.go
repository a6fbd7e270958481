package main

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"

	"github.com/bulkhead-dev/bulkhead/render"
)

// sarifRootHelp is the help of --sarif-root, on every command that writes SARIF.
const sarifRootHelp = "directory SARIF artifact URIs are relative to (default: the git top level, else the working directory)"

// sarifOptions resolves where a SARIF report's files are: URIs relative to root (default:
// the top level of the git work tree holding the working directory, else the working
// directory), results without a file of their own placed in the config file.
func sarifOptions(root, configPath string) (render.SARIFOptions, error) {
	wd, err := os.Getwd()
	if err != nil {
		return render.SARIFOptions{}, fmt.Errorf("sarif: %w", err)
	}
	if root == "" {
		root = gitTopLevel(wd)
	} else {
		if root, err = filepath.Abs(root); err != nil {
			return render.SARIFOptions{}, inputError(fmt.Errorf("--sarif-root: %w", err))
		}
		if fi, err := os.Stat(root); err != nil || !fi.IsDir() {
			return render.SARIFOptions{}, inputError(fmt.Errorf("--sarif-root %s: not a directory", root))
		}
	}
	if configPath == "" {
		configPath = "bulkhead.hcl"
	}
	return render.SARIFOptions{Root: root, Base: wd, Config: configPath, Version: version()}, nil
}

// gitTopLevel is the nearest directory at or above dir holding .git (a directory, or the
// file of a linked worktree), or dir itself when there is none.
func gitTopLevel(dir string) string {
	for d := dir; ; {
		if _, err := os.Stat(filepath.Join(d, ".git")); err == nil {
			return d
		}
		up := filepath.Dir(d)
		if up == d {
			return dir
		}
		d = up
	}
}

// version is bulkhead's version: -ldflags "-X main.Version=…" when set, else the module
// version the Go toolchain stamped into the binary (the tag for `go install …@v1.2.3`, a
// pseudo-version for a build from a git checkout), else "devel", with the commit when the
// build recorded one (devel+0123456789ab, -dirty for uncommitted changes).
func version() string {
	if Version != "" {
		return Version
	}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "devel"
	}
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	v, dirty := "devel", ""
	for _, s := range bi.Settings {
		switch {
		case s.Key == "vcs.revision" && len(s.Value) >= 12:
			v += "+" + s.Value[:12]
		case s.Key == "vcs.modified" && s.Value == "true":
			dirty = "-dirty"
		}
	}
	return v + dirty
}
