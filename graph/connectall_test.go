package graph_test

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/bulkhead-dev/bulkhead/graph"
)

// TestConnectAllIsConnectInOrder: ConnectAll gives the graph that a Connect per edge, in
// (From, To, Kind) order with ties in input order, gives: the same edges, the same merged
// actions, the same first note of duplicates, byte for byte in the snapshot. Random edges
// with many duplicates and several kinds per pair; resources added in ID order, as the
// Terraform builder does.
func TestConnectAllIsConnectInOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	kinds := graph.EdgeKinds
	acts := []graph.Action{graph.Read, graph.Write, graph.Delete}
	for round := 0; round < 50; round++ {
		n := 2 + rng.IntN(30)
		var ids []string
		for i := 0; i < n; i++ {
			ids = append(ids, fmt.Sprintf("r%03d", rng.IntN(1000)))
		}
		slices.Sort(ids)
		ids = slices.Compact(ids)
		if len(ids) < 2 {
			continue
		}
		var edges []*graph.Edge
		for i := 0; i < rng.IntN(200); i++ {
			from, to := ids[rng.IntN(len(ids))], ids[rng.IntN(len(ids))]
			if from == to {
				continue
			}
			e := &graph.Edge{From: from, To: to, Kind: kinds[rng.IntN(3)], Note: []string{"", "a", "b"}[rng.IntN(3)]}
			for _, a := range acts {
				if rng.IntN(3) == 0 {
					e.Actions = append(e.Actions, a)
				}
			}
			edges = append(edges, e)
		}
		build := func() *graph.Graph {
			g := graph.New()
			for _, id := range ids {
				g.MustAdd(res(id, graph.Volume))
			}
			return g
		}
		want := build()
		sorted := slices.Clone(edges)
		slices.SortStableFunc(sorted, func(a, b *graph.Edge) int {
			return strings.Compare(a.From+"\x00"+a.To+"\x00"+string(a.Kind), b.From+"\x00"+b.To+"\x00"+string(b.Kind))
		})
		for _, e := range sorted {
			want.MustConnect(*e)
		}
		got := build()
		if round%2 == 1 && len(edges) > 1 {
			// Into a store that has edges already (another path of ConnectAll): the first
			// half by one call, then the rest, each sorted as Connect in order would see them.
			half := len(edges) / 2
			if err := got.ConnectAll(edges[:half]); err != nil {
				t.Fatal(err)
			}
			if err := got.ConnectAll(edges[half:]); err != nil {
				t.Fatal(err)
			}
			want = build()
			for _, part := range [][]*graph.Edge{edges[:half], edges[half:]} {
				sorted := slices.Clone(part)
				slices.SortStableFunc(sorted, func(a, b *graph.Edge) int {
					return strings.Compare(a.From+"\x00"+a.To+"\x00"+string(a.Kind), b.From+"\x00"+b.To+"\x00"+string(b.Kind))
				})
				for _, e := range sorted {
					want.MustConnect(*e)
				}
			}
		} else if err := got.ConnectAll(edges); err != nil {
			t.Fatal(err)
		}
		var wb, gb bytes.Buffer
		if err := graph.WriteSnapshot(&wb, want); err != nil {
			t.Fatal(err)
		}
		if err := graph.WriteSnapshot(&gb, got); err != nil {
			t.Fatal(err)
		}
		if wb.String() != gb.String() || want.EdgeCount() != got.EdgeCount() {
			t.Fatalf("round %d: ConnectAll differs from Connect in order:\n%s\nwant:\n%s", round, gb.String(), wb.String())
		}
		// Traversals agree too (the index is built from the store's edge data).
		for _, id := range ids {
			wr, _ := want.Resource(id)
			gr, _ := got.Resource(id)
			if w, g := fmt.Sprint(edgeList(want.Index().Out(wr))), fmt.Sprint(edgeList(got.Index().Out(gr))); w != g {
				t.Fatalf("round %d: Out(%s) = %s, want %s", round, id, g, w)
			}
		}
	}
}

func edgeList(es []*graph.Edge) []graph.Edge {
	var out []graph.Edge
	for _, e := range es {
		out = append(out, *e)
	}
	return out
}

// TestConnectAllRefusesAsConnect: an edge Connect would refuse fails the call with
// Connect's error.
func TestConnectAllRefusesAsConnect(t *testing.T) {
	g := graph.New()
	g.MustAdd(res("a", graph.Token))
	g.MustAdd(res("b", graph.Volume))
	err := g.ConnectAll([]*graph.Edge{{From: "a", To: "b", Kind: graph.ScopedTo}, {From: "a", To: "nope", Kind: graph.ScopedTo}})
	if !errors.Is(err, graph.ErrDanglingEdge) || !strings.Contains(err.Error(), "no resource nope") {
		t.Fatalf("dangling edge: %v", err)
	}
	g = graph.New()
	g.MustAdd(res("a", graph.Token))
	if err := g.ConnectAll([]*graph.Edge{{From: "a", To: "a", Kind: graph.ScopedTo}}); !errors.Is(err, graph.ErrInvalid) {
		t.Fatalf("self edge: %v", err)
	}
}
