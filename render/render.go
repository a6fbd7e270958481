// Package render writes reports and graphs in every output format bulkhead offers. It
// renders what the engine decided and decides nothing itself. Each format lives in its own
// file; Lookup finds one by name.
package render

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/bulkhead-dev/bulkhead/analyze"
)

// Options are the presentation settings every renderer receives. Colour is decided once
// by the caller (TTY, NO_COLOR, --color), never here.
type Options struct {
	Color bool
	Width int
	// FailOn is the --fail-on threshold (0: none), so a summary can say why it fails.
	FailOn analyze.Severity
	// SARIF places results in files for code scanning (sarif.go); the zero value writes
	// paths as the report has them.
	SARIF SARIFOptions
}

// Renderer writes a report in one format.
type Renderer interface {
	Render(w io.Writer, rep *analyze.Report, opts Options) error
}

// RendererFunc adapts a function to a Renderer.
type RendererFunc func(w io.Writer, rep *analyze.Report, opts Options) error

// Render implements Renderer.
func (f RendererFunc) Render(w io.Writer, rep *analyze.Report, opts Options) error {
	return f(w, rep, opts)
}

var registry = map[string]Renderer{
	"text": RendererFunc(Text),
	"json": RendererFunc(JSON),
}

// Register adds a format. It is meant for init functions of this package's format files.
func Register(name string, r Renderer) { registry[name] = r }

// Formats lists the registered format names, sorted.
func Formats() []string {
	var out []string
	for k := range registry {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Lookup finds a renderer by name; the error lists the valid names.
func Lookup(name string) (Renderer, error) {
	if r, ok := registry[name]; ok {
		return r, nil
	}
	return nil, fmt.Errorf("unknown format %q (valid: %s)", name, strings.Join(Formats(), ", "))
}
