package graphviz

// bulkhead patch: nothing is compiled at package init. Load (called by New, NewWithPlugins,
// ParseBytes and ParseFile) compiles the WebAssembly module once, with the compilation
// cache SetCacheDir chose, or in memory.

import (
	"context"

	"github.com/goccy/go-graphviz/cgraph"
	"github.com/goccy/go-graphviz/gvc"
	"github.com/goccy/go-graphviz/internal/wasm"
)

// SetCacheDir sets the directory for the compiled module's cache ("" or never called: no
// cache, compiled in memory). Call it before the first Load; the caller is responsible for
// the directory being private to the user.
func SetCacheDir(dir string) { wasm.SetCacheDir(dir) }

// Load compiles and instantiates the embedded Graphviz once.
func Load(ctx context.Context) error {
	if err := gvc.Load(ctx); err != nil {
		return err
	}
	Directed, StrictDirected, UnDirected, StrictUnDirected = cgraph.Directed, cgraph.StrictDirected, cgraph.UnDirected, cgraph.StrictUnDirected
	return nil
}

// ParseBytes parses DOT text.
func ParseBytes(b []byte) (*Graph, error) {
	if err := Load(context.Background()); err != nil {
		return nil, err
	}
	return cgraph.ParseBytes(b)
}

// ParseFile parses a DOT file.
func ParseFile(path string) (*Graph, error) {
	if err := Load(context.Background()); err != nil {
		return nil, err
	}
	return cgraph.ParseFile(path)
}
