// Package store is where package graph keeps its resources and ordered pairs: the one
// place that uses github.com/dominikbraun/graph.
//
// The library is the store's contract and its checks: a vertex ID is unique, an edge's
// ends exist, an ordered pair has one edge (whose data package graph sets to its typed
// edges), in one directed graph behind one type, Graph. Its default store keeps every edge
// value twice in per-vertex maps, so Graph gives it Compact (compact.go), a dgraph.Store
// in flat slices, instead. Traversals do not run on the library: package graph's Index
// holds the adjacency in compressed sparse row form, since the library's own traversals
// copy its adjacency maps on every call (docs/bench-graph-analysis.md).
package store

import (
	"errors"

	dgraph "github.com/dominikbraun/graph"
)

// The library's errors, as Graph returns them.
var (
	ErrVertexExists   = dgraph.ErrVertexAlreadyExists
	ErrVertexNotFound = dgraph.ErrVertexNotFound
	ErrEdgeExists     = dgraph.ErrEdgeAlreadyExists
)

// Graph is a directed graph of vertices of type T keyed by a string ID, with one datum per
// ordered pair. It is not safe for concurrent writes (the edge data is passed to the
// library through one field).
type Graph[T any] struct {
	g  dgraph.Graph[string, T]
	cs *Compact[string, T] // nil on the library's default store (a benchmark and a test compare them)

	// Without cs, insertion positions are kept here.
	order []string
	posOf map[string]int32

	// edgeOpts is the one option AddEdge and SetEdge pass to the library: it sets the edge
	// data to pending and no attribute map. Made once, so that an edge allocates no
	// closure and no option slice.
	edgeOpts []func(*dgraph.EdgeProperties)
	pending  any
}

// vertexOpts: no attribute map per vertex (the library would make an empty one for each).
var vertexOpts = []func(*dgraph.VertexProperties){dgraph.VertexAttributes(nil)}

// New returns an empty graph on the compact store.
func New[T any](id func(T) string) *Graph[T] {
	cs := NewCompact[string, T]()
	return newGraph(dgraph.NewWithStore(id, cs, dgraph.Directed()), cs)
}

// NewOnDefaultStore returns an empty graph on the library's default store, for comparing
// the two.
func NewOnDefaultStore[T any](id func(T) string) *Graph[T] {
	return newGraph(dgraph.New(id, dgraph.Directed()), nil)
}

func newGraph[T any](dg dgraph.Graph[string, T], cs *Compact[string, T]) *Graph[T] {
	g := &Graph[T]{g: dg, cs: cs}
	g.edgeOpts = []func(*dgraph.EdgeProperties){func(p *dgraph.EdgeProperties) {
		p.Data = g.pending
		p.Attributes = nil
	}}
	return g
}

// AddVertex adds v under id (the ID function's value for v). A second vertex with the
// same ID is ErrVertexExists.
func (g *Graph[T]) AddVertex(id string, v T) error {
	if err := g.g.AddVertex(v, vertexOpts...); err != nil {
		return err
	}
	if g.cs == nil {
		if g.posOf == nil {
			g.posOf = map[string]int32{}
		}
		g.posOf[id] = int32(len(g.order))
		g.order = append(g.order, id)
	}
	return nil
}

// Vertex returns the vertex with the given ID.
func (g *Graph[T]) Vertex(id string) (T, bool) {
	v, err := g.g.Vertex(id)
	return v, err == nil
}

// Position returns the insertion position of the vertex with the given ID (0, 1, 2, ...).
// It takes no lock; see Compact.Lookup.
func (g *Graph[T]) Position(id string) (int32, bool) {
	if g.cs != nil {
		return g.cs.Lookup(id)
	}
	p, ok := g.posOf[id]
	return p, ok
}

// IDAt returns the ID of the vertex at an insertion position.
func (g *Graph[T]) IDAt(p int32) string {
	if g.cs != nil {
		return g.cs.HashAt(p)
	}
	return g.order[p]
}

// AddEdge adds the edge from -> to with its datum and returns the ends' positions. An
// existing pair is ErrEdgeExists, a missing end ErrVertexNotFound.
func (g *Graph[T]) AddEdge(from, to string, data any) (src, dst int32, err error) {
	g.pending = data
	err = g.g.AddEdge(from, to, g.edgeOpts...)
	g.pending = nil
	if err != nil {
		return 0, 0, err
	}
	if g.cs != nil {
		src, dst = g.cs.Added()
		return src, dst, nil
	}
	return g.posOf[from], g.posOf[to], nil
}

// EdgeData returns the datum of the edge from -> to.
func (g *Graph[T]) EdgeData(from, to string) (any, error) {
	e, err := g.g.Edge(from, to)
	if err != nil {
		return nil, err
	}
	return e.Properties.Data, nil
}

// SetEdgeData replaces the datum of the existing edge from -> to.
func (g *Graph[T]) SetEdgeData(from, to string, data any) error {
	g.pending = data
	err := g.g.UpdateEdge(from, to, g.edgeOpts...)
	g.pending = nil
	return err
}

// ErrNoBatch is Batch's answer on the library's default store.
var ErrNoBatch = errors.New("store: no batch on the default store")

// Batch calls fn with the compact store locked for writing (see Compact.Batch), or returns
// ErrNoBatch on the default store.
func (g *Graph[T]) Batch(fn func(Batch[string, T])) error {
	if g.cs == nil {
		return ErrNoBatch
	}
	g.cs.Batch(fn)
	return nil
}

// CanBatch reports whether Batch is available (the compact store).
func (g *Graph[T]) CanBatch() bool { return g.cs != nil }
