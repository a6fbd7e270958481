package graph

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"github.com/bulkhead-dev/bulkhead/graph/internal/store"
)

// TestGraphOnEitherStore builds the same random graph (resources added out of ID order,
// duplicate and multi-kind edges, notes, actions) on the compact store and on the
// library's default store, and compares what the Graph and its Index answer.
func TestGraphOnEitherStore(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	const n = 60
	ids := make([]string, n)
	for i, j := range rng.Perm(n) {
		ids[i] = fmt.Sprintf("r%02d", j)
	}
	var es []Edge
	kinds := []EdgeKind{Contains, DeletesWith, BacksUp, ScopedTo, StoredIn}
	for i := 0; i < 400; i++ {
		e := Edge{From: ids[rng.IntN(n)], To: ids[rng.IntN(n)], Kind: kinds[rng.IntN(len(kinds))]}
		if e.From == e.To {
			continue
		}
		if rng.IntN(3) == 0 {
			e.Note = fmt.Sprintf("note %d", rng.IntN(5))
		}
		if e.Kind == ScopedTo {
			e.Actions = []Action{[]Action{Read, Write, Delete}[rng.IntN(3)]}
		}
		es = append(es, e)
	}
	build := func(def bool, ids []string, es []Edge) *Graph {
		g := New()
		if def {
			g = newOn(store.NewOnDefaultStore(resourceID))
		}
		for _, id := range ids {
			g.MustAdd(&Resource{ID: id, Kind: Volume})
		}
		for _, e := range es {
			g.MustConnect(e)
		}
		return g
	}
	a, b := build(false, ids, es), build(true, ids, es)
	if !reflect.DeepEqual(a.Edges(), b.Edges()) || a.EdgeCount() != b.EdgeCount() {
		t.Fatalf("edges differ:\n%v\n%v", a.Edges(), b.Edges())
	}
	if a.EdgeCount() < 200 {
		t.Fatalf("only %d edges: too few to compare", a.EdgeCount())
	}
	// The same graph made in order (resources by ID, edges by from, to, kind), as tfmap
	// and snapshots make theirs: the index keeps no forward list and no rank then.
	var sorted []Edge
	for _, e := range a.Edges() {
		sorted = append(sorted, *e)
	}
	c := build(false, slices.Sorted(slices.Values(ids)), sorted)
	if xc := c.Index(); xc.out != nil || xc.rank != nil || a.Index().out == nil || a.Index().rank == nil {
		t.Fatal("the graphs do not take both paths of the index")
	}
	for _, g := range []*Graph{b, c} {
		compareIndexes(t, a, g)
	}
}

func compareIndexes(t *testing.T, a, b *Graph) {
	t.Helper()
	xa, xb := a.Index(), b.Index()
	for _, r := range a.Resources() {
		rb, _ := b.Resource(r.ID)
		for _, pair := range [][2]any{
			{xa.Out(r), xb.Out(rb)}, {xa.In(r), xb.In(rb)},
			{xa.Out(r, Contains, DeletesWith), xb.Out(rb, Contains, DeletesWith)},
			{idsOf(xa.Destroys(r)), idsOf(xb.Destroys(rb))},
			{idsOf(xa.Successors(r, StoredIn)), idsOf(xb.Successors(rb, StoredIn))},
		} {
			if !reflect.DeepEqual(pair[0], pair[1]) {
				t.Fatalf("%s: compact store %v, default store %v", r.ID, pair[0], pair[1])
			}
		}
		// The number forms give what the resource forms give, on both stores' indexes.
		for _, x := range []*Index{xa, xb} {
			n := x.Num(r)
			for _, kinds := range [][]EdgeKind{nil, {StoredIn}, {BacksUp, Contains}} {
				if got, want := numsIDs(x, x.AppendSuccessorNums([]int32{}, n, kinds...)), idsOf(x.Successors(x.At(n), kinds...)); !slices.Equal(got, want) {
					t.Fatalf("%s: AppendSuccessorNums %v, Successors %v", r.ID, got, want)
				}
				if got, want := numsIDs(x, x.AppendPredecessorNums(nil, n, kinds...)), idsOf(x.Predecessors(x.At(n), kinds...)); !slices.Equal(got, want) {
					t.Fatalf("%s: AppendPredecessorNums %v, Predecessors %v", r.ID, got, want)
				}
			}
		}
		for _, d := range xa.Destroys(r) {
			db, _ := b.Resource(d.ID)
			if ca, cb := xa.Chain(r, d), xb.Chain(rb, db); !reflect.DeepEqual(ca, cb) {
				t.Fatalf("Chain(%s, %s): %v, %v", r.ID, d.ID, ca, cb)
			}
		}
	}
}

func numsIDs(x *Index, ns []int32) []string {
	var s []string
	for _, n := range ns {
		s = append(s, x.At(n).ID)
	}
	return s
}

func idsOf(rs []*Resource) []string {
	var s []string
	for _, r := range rs {
		s = append(s, r.ID)
	}
	return s
}
