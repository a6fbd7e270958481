package render

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"sync"

	"github.com/goccy/go-graphviz"
)

// Graphviz runs in one global WebAssembly instance (github.com/goccy/go-graphviz), which
// fails on concurrent use and cannot cancel a layout: every call is serialised here, and
// callers bound the work before layout with the node budget (see DOT).
var (
	gvMu   sync.Mutex
	gvOnce sync.Once
	gv     *graphviz.Graphviz
	gvErr  error
)

// ImageFormats are the formats Graph can lay out and draw.
var ImageFormats = []string{"dot", "svg", "png"}

// LayoutDOT lays out DOT text with Graphviz's dot and writes it as svg or png ("dot"
// copies the text unchanged, for `dot` or another tool to lay out).
func LayoutDOT(ctx context.Context, w io.Writer, dot []byte, format string) error {
	switch format {
	case "dot":
		_, err := w.Write(dot)
		return err
	case "svg", "png":
	default:
		return fmt.Errorf("unknown image format %q (valid: dot, svg, png)", format)
	}
	gvMu.Lock()
	defer gvMu.Unlock()
	gvOnce.Do(func() { gv, gvErr = graphviz.New(context.Background()) })
	if gvErr != nil {
		return fmt.Errorf("graphviz: start: %w", gvErr)
	}
	g, err := graphviz.ParseBytes(dot)
	if err != nil {
		return fmt.Errorf("graphviz: parse DOT: %w", err)
	}
	defer g.Close()
	var buf bytes.Buffer
	if err := gv.Render(ctx, g, graphviz.Format(format), &buf); err != nil {
		return fmt.Errorf("graphviz: render %s: %w", format, err)
	}
	_, err = w.Write(buf.Bytes())
	return err
}

// Graph writes a view of the graph as DOT, SVG or PNG. It is DOT followed by LayoutDOT.
func Graph(ctx context.Context, w io.Writer, format string, dot func(io.Writer) (*Layout, error)) (*Layout, error) {
	var buf bytes.Buffer
	lay, err := dot(&buf)
	if err != nil {
		return nil, err
	}
	return lay, LayoutDOT(ctx, w, buf.Bytes(), format)
}
