package render

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
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

// ErrNoPNG is returned for a PNG when no native Graphviz is installed.
var ErrNoPNG = errors.New("PNG needs a native Graphviz `dot` on PATH (apt-get install graphviz, brew install graphviz); " +
	"without it use --format svg (the same picture, from the embedded Graphviz) or `bulkhead report -o report.html`")

// ImageFormats are the formats Graph can lay out and draw.
var ImageFormats = []string{"dot", "svg", "png"}

// LayoutDOT lays out DOT text with Graphviz's dot and writes it as svg or png ("dot"
// copies the text unchanged, for `dot` or another tool to lay out). SVG comes from the
// embedded Graphviz, so it is the same on every machine. PNG needs a native `dot`: the
// embedded PNG renderer drew edges as filled blobs, and then nothing at all (an image of
// transparent pixels), so without one LayoutDOT returns ErrNoPNG rather than a wrong picture.
func LayoutDOT(ctx context.Context, w io.Writer, dot []byte, format string) (notice string, err error) {
	switch format {
	case "dot":
		_, err := w.Write(dot)
		return "", err
	case "svg":
	case "png":
		if path, err := exec.LookPath("dot"); err == nil {
			cmd := exec.CommandContext(ctx, path, "-Tpng")
			cmd.Stdin = bytes.NewReader(dot)
			var out, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &stderr
			if err := cmd.Run(); err != nil {
				return "", fmt.Errorf("graphviz: %s -Tpng: %w: %s", path, err, bytes.TrimSpace(stderr.Bytes()))
			}
			_, err := w.Write(out.Bytes())
			return "", err
		}
		return "", ErrNoPNG
	default:
		return "", fmt.Errorf("unknown image format %q (valid: dot, svg, png)", format)
	}
	return notice, layoutEmbedded(ctx, w, dot, format)
}

func layoutEmbedded(ctx context.Context, w io.Writer, dot []byte, format string) error {
	gvMu.Lock()
	defer gvMu.Unlock()
	gvOnce.Do(func() { gv, gvErr = startGraphviz() })
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
	lay.Notice, err = LayoutDOT(ctx, w, buf.Bytes(), format)
	return lay, err
}
