package discover

import (
	"context"
	"testing"

	"github.com/bulkhead-dev/bulkhead/graph"
)

func src(name string, g *graph.Graph) Source {
	return Func{N: name, F: func(context.Context) (*graph.Graph, error) { return g, nil }}
}

// TestAllOneSource: a lone source's graph comes back as is, not copied by Merge.
func TestAllOneSource(t *testing.T) {
	g := graph.New()
	g.MustAdd(&graph.Resource{ID: "x:db:1", Kind: graph.Database})
	out, err := All(context.Background(), []Source{src("a", g)})
	if err != nil {
		t.Fatal(err)
	}
	if out != g {
		t.Error("one source: got a copy of its graph")
	}
}

// TestAllMerges: several sources still merge by identity (an alias of one is the ID of
// the other).
func TestAllMerges(t *testing.T) {
	a, b := graph.New(), graph.New()
	a.MustAdd(&graph.Resource{ID: "x:db:1", Kind: graph.Database, Aliases: []string{"arn:1"}})
	b.MustAdd(&graph.Resource{ID: "arn:1", Kind: graph.Database, Name: "main"})
	b.MustAdd(&graph.Resource{ID: "x:backup:1", Kind: graph.Backup})
	b.MustConnect(graph.Edge{From: "x:backup:1", To: "arn:1", Kind: graph.BacksUp})
	out, err := All(context.Background(), []Source{src("a", a), src("b", b)})
	if err != nil {
		t.Fatal(err)
	}
	if out == a || out == b || out.Len() != 2 || out.EdgeCount() != 1 {
		t.Fatalf("merged: %d resources, %d edges", out.Len(), out.EdgeCount())
	}
	if r, ok := out.Resource("x:db:1"); !ok || r.Name != "main" || out.Edges()[0].To != "x:db:1" {
		t.Errorf("not merged by alias: %+v", out.Edges()[0])
	}
}

// TestAllOneSourceSharedAlias: one source whose resources share an alias is merged as
// with several sources.
func TestAllOneSourceSharedAlias(t *testing.T) {
	g := graph.New()
	g.MustAdd(&graph.Resource{ID: "x:vpc:1", Kind: graph.Other, Aliases: []string{"arn:vpc"}})
	g.MustAdd(&graph.Resource{ID: "x:vpc:1#module.a", Kind: graph.Other, Aliases: []string{"arn:vpc"}})
	out, err := All(context.Background(), []Source{src("a", g)})
	if err != nil {
		t.Fatal(err)
	}
	if out == g || out.Len() != 1 {
		t.Errorf("shared alias: %d resources, want 1 (merged)", out.Len())
	}
}
