package render_test

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/bulkhead-dev/bulkhead/render"
)

// Without a native Graphviz, a PNG is refused with a message saying what to do: the
// embedded PNG renderer drew an image of transparent pixels.
func TestPNGNeedsNativeDot(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	var out bytes.Buffer
	_, err := render.LayoutDOT(context.Background(), &out, []byte("digraph { a -> b }"), "png")
	if !errors.Is(err, render.ErrNoPNG) {
		t.Fatalf("got %v, want ErrNoPNG", err)
	}
	if out.Len() != 0 {
		t.Errorf("wrote %d bytes", out.Len())
	}
	// SVG still comes from the embedded Graphviz.
	if _, err := render.LayoutDOT(context.Background(), &out, []byte("digraph { a -> b }"), "svg"); err != nil || !bytes.Contains(out.Bytes(), []byte("<svg")) {
		t.Fatalf("svg: %v", err)
	}
}
