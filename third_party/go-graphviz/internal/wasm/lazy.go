package wasm

// bulkhead patch: the WebAssembly module is compiled and instantiated on first use (Load),
// not in a package init, and its compilation cache is a directory the caller chose
// (SetCacheDir), not $TMPDIR/go-graphviz shared by every user.

import (
	"fmt"
	"sync"
)

var (
	loadOnce sync.Once
	loadErr  error
	cacheDir string
)

// SetCacheDir sets the directory for wazero's compilation cache; "" (the default) keeps
// compiled code in memory only. It has effect only before the first Load.
func SetCacheDir(dir string) { cacheDir = dir }

// Load compiles and instantiates the module once. Every other function of this package
// needs it to have succeeded.
func Load() error {
	loadOnce.Do(func() {
		defer func() {
			if r := recover(); r != nil {
				loadErr = fmt.Errorf("graphviz: load WebAssembly module: %v", r)
			}
		}()
		load()
	})
	return loadErr
}
