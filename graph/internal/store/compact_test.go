package store

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"sync"
	"testing"

	dgraph "github.com/dominikbraun/graph"
)

// TestCompactStoreContract drives the store directly through the dgraph.Store contract.
func TestCompactStoreContract(t *testing.T) {
	type step struct {
		op      string // addv, v, rmv, adde, e, upde, rme
		a, b    string
		data    any
		weight  int
		wantErr error
	}
	steps := []step{
		{op: "v", a: "a", wantErr: dgraph.ErrVertexNotFound},
		{op: "addv", a: "a"},
		{op: "addv", a: "b"},
		{op: "addv", a: "c"},
		{op: "addv", a: "a", wantErr: dgraph.ErrVertexAlreadyExists},
		{op: "v", a: "a"},
		{op: "adde", a: "a", b: "b", data: 1},
		{op: "adde", a: "a", b: "b", data: 2, wantErr: dgraph.ErrEdgeAlreadyExists},
		{op: "adde", a: "b", b: "a", data: 3}, // the reverse pair is another edge
		{op: "adde", a: "a", b: "x", wantErr: dgraph.ErrVertexNotFound},
		{op: "adde", a: "x", b: "a", wantErr: dgraph.ErrVertexNotFound},
		{op: "adde", a: "c", b: "c", data: 4}, // self-loop
		{op: "adde", a: "c", b: "c", data: 4}, // added again: replaced (see AddEdge)
		{op: "e", a: "a", b: "b", data: 1},
		{op: "e", a: "b", b: "a", data: 3},
		{op: "e", a: "a", b: "c", wantErr: dgraph.ErrEdgeNotFound},
		{op: "e", a: "x", b: "a", wantErr: dgraph.ErrEdgeNotFound},
		{op: "upde", a: "a", b: "b", data: 5, weight: 7},
		{op: "e", a: "a", b: "b", data: 5, weight: 7},
		{op: "upde", a: "a", b: "c", wantErr: dgraph.ErrEdgeNotFound},
		{op: "rmv", a: "a", wantErr: dgraph.ErrVertexHasEdges},
		{op: "rmv", a: "c", wantErr: dgraph.ErrVertexHasEdges}, // its self-loop
		{op: "rmv", a: "x", wantErr: dgraph.ErrVertexNotFound},
		{op: "rme", a: "a", b: "b"},
		{op: "rme", a: "a", b: "b"}, // missing edge: no error, as the default store
		{op: "rme", a: "x", b: "y"},
		{op: "e", a: "a", b: "b", wantErr: dgraph.ErrEdgeNotFound},
		{op: "e", a: "b", b: "a", data: 3}, // untouched by the removal of a -> b
		{op: "rmv", a: "a", wantErr: dgraph.ErrVertexHasEdges},
		{op: "rme", a: "b", b: "a"},
		{op: "rmv", a: "a"},
		{op: "v", a: "a", wantErr: dgraph.ErrVertexNotFound},
		{op: "addv", a: "a"}, // a removed hash can come back
		{op: "adde", a: "a", b: "c", data: 6},
		{op: "e", a: "a", b: "c", data: 6},
		{op: "e", a: "c", b: "c", data: 4},
	}
	s := NewCompact[string, int]()
	for i, st := range steps {
		var err error
		switch st.op {
		case "addv":
			err = s.AddVertex(st.a, len(st.a), dgraph.VertexProperties{Weight: i})
		case "v":
			var v int
			var p dgraph.VertexProperties
			v, p, err = s.Vertex(st.a)
			if err == nil && (v != len(st.a) || p.Weight == 0) {
				t.Errorf("step %d: Vertex(%s) = %d, %+v", i, st.a, v, p)
			}
		case "rmv":
			err = s.RemoveVertex(st.a)
		case "adde":
			err = s.AddEdge(st.a, st.b, dgraph.Edge[string]{Source: st.a, Target: st.b, Properties: dgraph.EdgeProperties{Data: st.data}})
		case "upde":
			err = s.UpdateEdge(st.a, st.b, dgraph.Edge[string]{Source: st.a, Target: st.b, Properties: dgraph.EdgeProperties{Data: st.data, Weight: st.weight}})
		case "rme":
			err = s.RemoveEdge(st.a, st.b)
		case "e":
			var e dgraph.Edge[string]
			e, err = s.Edge(st.a, st.b)
			want := dgraph.Edge[string]{Source: st.a, Target: st.b, Properties: dgraph.EdgeProperties{Data: st.data, Weight: st.weight}}
			if err == nil && !reflect.DeepEqual(e, want) {
				t.Errorf("step %d: Edge(%s, %s) = %+v, want %+v", i, st.a, st.b, e, want)
			}
		}
		if !errors.Is(err, st.wantErr) || (err != nil) != (st.wantErr != nil) {
			t.Fatalf("step %d %s(%s, %s): error %v, want %v", i, st.op, st.a, st.b, err, st.wantErr)
		}
	}
	vs, _ := s.ListVertices()
	if want := []string{"b", "c", "a"}; !slices.Equal(vs, want) { // insertion order, removed skipped
		t.Errorf("ListVertices = %v, want %v", vs, want)
	}
	if n, _ := s.VertexCount(); n != 3 {
		t.Errorf("VertexCount = %d, want 3", n)
	}
	es, _ := s.ListEdges()
	if len(es) != 2 {
		t.Errorf("ListEdges = %+v, want 2 edges", es)
	}
}

// TestCompactStoreKeepsProperties: the store returns what it was given, nil maps included,
// and an attribute map set through the library stays the same map.
func TestCompactStoreKeepsProperties(t *testing.T) {
	g := dgraph.NewWithStore(dgraph.StringHash, NewCompact[string, string](), dgraph.Directed())
	_ = g.AddVertex("a", dgraph.VertexAttribute("colour", "red"), dgraph.VertexWeight(3))
	_ = g.AddVertex("b", dgraph.VertexAttributes(nil))
	if _, p, _ := g.VertexWithProperties("a"); p.Weight != 3 || p.Attributes["colour"] != "red" {
		t.Errorf("a: %+v", p)
	}
	if _, p, _ := g.VertexWithProperties("b"); p.Attributes != nil {
		t.Errorf("b: attributes %v, want nil", p.Attributes)
	}
	_ = g.AddEdge("a", "b", dgraph.EdgeAttributes(nil), dgraph.EdgeData("x"))
	if e, _ := g.Edge("a", "b"); e.Properties.Attributes != nil || e.Properties.Data != "x" {
		t.Errorf("a->b: %+v", e.Properties)
	}
	_ = g.AddEdge("b", "a") // the library's default: an empty attribute map
	_ = g.UpdateEdge("b", "a", dgraph.EdgeAttribute("k", "v"), dgraph.EdgeWeight(2))
	if e, _ := g.Edge("b", "a"); e.Properties.Attributes["k"] != "v" || e.Properties.Weight != 2 {
		t.Errorf("b->a: %+v", e.Properties)
	}
}

type op struct {
	kind string
	a, b int
}

// TestCompactStoreMatchesLibrary applies the same random operations through the library
// to a graph on the default store and one on the compact store, directed and undirected,
// and compares every answer: errors, Order, Size, AdjacencyMap, PredecessorMap, Edges,
// vertex properties, and a BFS on top.
func TestCompactStoreMatchesLibrary(t *testing.T) {
	defer func(n int) { compactMin = n }(compactMin)
	compactMin = 2 // reclaim vertex slots often, so renumbering is compared too
	for _, directed := range []bool{true, false} {
		t.Run(fmt.Sprintf("directed=%v", directed), func(t *testing.T) {
			traits := []func(*dgraph.Traits){}
			if directed {
				traits = append(traits, dgraph.Directed())
			}
			ref := dgraph.New(dgraph.IntHash, traits...)
			got := dgraph.NewWithStore(dgraph.IntHash, NewCompact[int, int](), traits...)
			rng := rand.New(rand.NewPCG(1, 2))
			const n = 40
			for i := 0; i < 3000; i++ {
				o := op{a: rng.IntN(n), b: rng.IntN(n)}
				switch r := rng.IntN(10); {
				case r < 2:
					o.kind = "addv"
				case r < 6:
					o.kind = "adde"
				case r < 7:
					o.kind = "upde"
				case r < 9:
					o.kind = "rme"
				default:
					o.kind = "rmv"
				}
				e1, e2 := apply(ref, o, i), apply(got, o, i)
				if !sameErr(e1, e2) {
					t.Fatalf("op %d %+v: default store %v, compact store %v", i, o, e1, e2)
				}
				if i%50 == 0 || i > 2980 {
					compareGraphs(t, i, ref, got)
				}
			}
			order, _ := got.Order()
			size, _ := got.Size()
			if order < 10 || size < 20 {
				t.Fatalf("the random walk left too small a graph to compare: %d vertices, %d edges", order, size)
			}
		})
	}
}

func apply(g dgraph.Graph[int, int], o op, i int) error {
	switch o.kind {
	case "addv":
		return g.AddVertex(o.a, dgraph.VertexWeight(o.a+1))
	case "adde":
		opts := []func(*dgraph.EdgeProperties){dgraph.EdgeData(i)}
		if i%3 == 0 {
			opts = append(opts, dgraph.EdgeWeight(i), dgraph.EdgeAttribute("i", fmt.Sprint(i)))
		}
		return g.AddEdge(o.a, o.b, opts...)
	case "upde":
		return g.UpdateEdge(o.a, o.b, dgraph.EdgeData(-i))
	case "rme":
		return g.RemoveEdge(o.a, o.b)
	case "rmv":
		return g.RemoveVertex(o.a)
	}
	panic(o.kind)
}

func sameErr(a, b error) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	for _, s := range []error{dgraph.ErrVertexNotFound, dgraph.ErrVertexAlreadyExists, dgraph.ErrEdgeNotFound,
		dgraph.ErrEdgeAlreadyExists, dgraph.ErrVertexHasEdges} {
		if errors.Is(a, s) != errors.Is(b, s) {
			return false
		}
	}
	return true
}

func compareGraphs(t *testing.T, step int, ref, got dgraph.Graph[int, int]) {
	t.Helper()
	for _, f := range []func(dgraph.Graph[int, int]) (any, error){
		func(g dgraph.Graph[int, int]) (any, error) { return g.AdjacencyMap() },
		func(g dgraph.Graph[int, int]) (any, error) { return g.PredecessorMap() },
		func(g dgraph.Graph[int, int]) (any, error) { return g.Order() },
		func(g dgraph.Graph[int, int]) (any, error) { return g.Size() },
		func(g dgraph.Graph[int, int]) (any, error) {
			es, err := g.Edges()
			m := map[[2]int]dgraph.EdgeProperties{}
			for _, e := range es {
				k := [2]int{e.Source, e.Target}
				if !g.Traits().IsDirected && k[0] > k[1] { // either orientation may be listed
					k[0], k[1] = k[1], k[0]
				}
				m[k] = e.Properties
			}
			return m, err
		},
		func(g dgraph.Graph[int, int]) (any, error) {
			ws := map[int]int{}
			for v := 0; v < 40; v++ {
				if _, p, err := g.VertexWithProperties(v); err == nil {
					ws[v] = p.Weight
				}
			}
			return ws, nil
		},
		func(g dgraph.Graph[int, int]) (any, error) {
			var visited []int
			err := dgraph.BFS(g, firstVertex(g), func(v int) bool { visited = append(visited, v); return false })
			slices.Sort(visited)
			return visited, err
		},
	} {
		a, e1 := f(ref)
		b, e2 := f(got)
		if !sameErr(e1, e2) || !reflect.DeepEqual(a, b) {
			t.Fatalf("after op %d: default store %v (%v), compact store %v (%v)", step, a, e1, b, e2)
		}
	}
}

func firstVertex(g dgraph.Graph[int, int]) int {
	for v := 0; v < 40; v++ {
		if _, err := g.Vertex(v); err == nil {
			return v
		}
	}
	return -1
}

// TestCompactStoreCompacts removes most vertices so that their slots are reclaimed, and
// checks that the edges still join the right vertices afterwards.
func TestCompactStoreCompacts(t *testing.T) {
	s := NewCompact[int, int]()
	for i := 0; i < 1000; i++ {
		_ = s.AddVertex(i, i*10, dgraph.VertexProperties{})
	}
	for i := 900; i < 999; i++ {
		if err := s.AddEdge(i, i+1, dgraph.Edge[int]{Properties: dgraph.EdgeProperties{Data: i}}); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < 900; i++ {
		if err := s.RemoveVertex(i); err != nil {
			t.Fatal(err)
		}
	}
	if len(s.verts) >= 1000 || s.dead*2 >= len(s.verts) {
		t.Fatalf("not compacted: %d slots, %d free", len(s.verts), s.dead)
	}
	for i := 900; i < 999; i++ {
		e, err := s.Edge(i, i+1)
		if err != nil || e.Source != i || e.Target != i+1 || e.Properties.Data != i {
			t.Fatalf("edge %d: %+v, %v", i, e, err)
		}
		if v, _, err := s.Vertex(i); err != nil || v != i*10 {
			t.Fatalf("vertex %d: %d, %v", i, v, err)
		}
	}
	if _, err := s.Edge(950, 952); !errors.Is(err, dgraph.ErrEdgeNotFound) {
		t.Errorf("edge 950->952: %v, want not found", err)
	}
}

// TestCompactStoreConcurrent: concurrent readers and writers (run with -race).
func TestCompactStoreConcurrent(t *testing.T) {
	g := dgraph.NewWithStore(dgraph.IntHash, NewCompact[int, int](), dgraph.Directed())
	for i := 0; i < 100; i++ {
		_ = g.AddVertex(i)
	}
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 100; i++ {
				_ = g.AddEdge(i, (i*7+w)%100)
				_, _ = g.Edge(i, (i*7+w)%100)
				_, _ = g.AdjacencyMap()
				_ = g.RemoveEdge(i, (i*3+w)%100)
			}
		}()
	}
	wg.Wait()
	es, _ := g.Edges()
	for _, e := range es {
		if _, err := g.Edge(e.Source, e.Target); err != nil {
			t.Fatalf("listed edge %d->%d not found: %v", e.Source, e.Target, err)
		}
	}
}
