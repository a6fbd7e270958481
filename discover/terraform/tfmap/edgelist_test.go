package tfmap

import (
	"reflect"
	"slices"
	"testing"

	"github.com/bulkhead-dev/bulkhead/graph"
)

// TestEdgeListRoundTrip: an edge kept packed comes back as it was made (its actions in
// graph's order, delete, read, write, without repeats), past a chunk's end; a kind or an
// action no mapping makes comes back as one graph.Connect refuses.
func TestEdgeListRoundTrip(t *testing.T) {
	var l edgeList
	in := []graph.Edge{
		{From: "a", To: "b", Kind: graph.Contains},
		{From: "a", To: "c", Kind: graph.ScopedTo, Note: "policy p", Actions: []graph.Action{graph.Delete}},
		{From: "c", To: "b", Kind: graph.ScopedTo, Actions: []graph.Action{graph.Write, graph.Read, graph.Delete, graph.Read}},
	}
	for _, k := range graph.EdgeKinds {
		in = append(in, graph.Edge{From: "x", To: "y", Kind: k})
	}
	for range edgeChunk { // past one chunk
		in = append(in, graph.Edge{From: "p", To: "q", Kind: graph.DependsOn})
	}
	for _, e := range in {
		l.add(e)
	}
	if l.n != len(in) {
		t.Fatalf("%d edges kept, want %d", l.n, len(in))
	}
	for i, want := range in {
		if len(want.Actions) > 0 {
			want.Actions = sortedActions(want.Actions)
		}
		var got graph.Edge
		l.at(i, &got)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("edge %d: %+v, want %+v", i, got, want)
		}
	}
	var odd edgeList
	odd.add(graph.Edge{From: "a", To: "b", Kind: "made_up"})
	odd.add(graph.Edge{From: "a", To: "b", Kind: graph.ScopedTo, Actions: []graph.Action{"purge"}})
	g := graph.New()
	g.MustAdd(&graph.Resource{ID: "a", Kind: graph.Token, Type: "t", Name: "a"})
	g.MustAdd(&graph.Resource{ID: "b", Kind: graph.Volume, Type: "t", Name: "b"})
	for i := range odd.n {
		var e graph.Edge
		odd.at(i, &e)
		if err := g.Connect(e); err == nil {
			t.Errorf("edge %d (%+v) was connected, want it refused", i, e)
		}
	}
}

// sortedActions is as in graph's order, without repeats.
func sortedActions(as []graph.Action) []graph.Action {
	var out []graph.Action
	for _, a := range []graph.Action{graph.Delete, graph.Read, graph.Write} {
		if slices.Contains(as, a) {
			out = append(out, a)
		}
	}
	return out
}
