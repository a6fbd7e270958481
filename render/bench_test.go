package render_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/bulkhead-dev/bulkhead/analyze"
	"github.com/bulkhead-dev/bulkhead/discover/terraform"
	"github.com/bulkhead-dev/bulkhead/discover/terraform/tfgen"
	"github.com/bulkhead-dev/bulkhead/fixtures/estate"
	"github.com/bulkhead-dev/bulkhead/render"
)

// BenchmarkRender measures a graph render of generated estates (fixtures/estate): DOT
// text (selection, aggregation) and the embedded Graphviz layout to SVG, with the
// estate already loaded and analysed (those have their own benchmarks). With
// BULKHEAD_BENCH_DOT=DIR it also writes each DOT text there, for timing native `dot` on
// the same input (see docs/bench-reports.md).
func BenchmarkRender(b *testing.B) {
	for _, n := range []int{1000, 10000, 100000} {
		g := estate.Generate(n)
		rep, err := analyze.Run(g, analyze.Options{Now: estate.Now})
		if err != nil {
			b.Fatal(err)
		}
		for _, view := range []string{render.ViewFindings, render.ViewAll} {
			name := fmt.Sprintf("%s/%dk", view, n/1000)
			b.Run(name+"/dot", func(b *testing.B) {
				var buf bytes.Buffer
				for b.Loop() {
					buf.Reset()
					lay, err := render.DOT(&buf, g, rep, render.GraphOptions{View: view})
					if err != nil {
						b.Fatal(err)
					}
					b.ReportMetric(float64(lay.Nodes), "nodes")
				}
				if dir := os.Getenv("BULKHEAD_BENCH_DOT"); dir != "" {
					_ = os.WriteFile(filepath.Join(dir, fmt.Sprintf("%s-%dk.dot", view, n/1000)), buf.Bytes(), 0o644)
				}
			})
			b.Run(name+"/svg", func(b *testing.B) {
				for b.Loop() {
					_, err := render.Graph(context.Background(), io.Discard, "svg", func(w io.Writer) (*render.Layout, error) {
						return render.DOT(w, g, rep, render.GraphOptions{View: view})
					})
					if err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkRenderTerraform renders the findings view of a generated Terraform state
// (discover/terraform/tfgen), whose broad keys reach an account node that contains every
// deletion target: each finding's path runs through that hub, which a render must not
// pay for by the hub's edge count (it took 104 s at 100k before Index.Between).
func BenchmarkRenderTerraform(b *testing.B) {
	for _, n := range []int{10000} {
		path := filepath.Join(b.TempDir(), "state.tfstate")
		f, err := os.Create(path)
		if err != nil {
			b.Fatal(err)
		}
		if err := tfgen.Write(f, n, 1); err != nil {
			b.Fatal(err)
		}
		f.Close()
		g, err := terraform.LoadState(context.Background(), path, "")
		if err != nil {
			b.Fatal(err)
		}
		rep, err := analyze.Run(g, analyze.Options{Now: estate.Now})
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("findings/%dk/dot", n/1000), func(b *testing.B) {
			for b.Loop() {
				if _, err := render.DOT(io.Discard, g, rep, render.GraphOptions{View: render.ViewFindings}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(rep.Findings)), "findings")
		})
	}
}
