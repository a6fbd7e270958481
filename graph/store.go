package graph

import (
	"fmt"
	"sync"

	dgraph "github.com/dominikbraun/graph"
)

// compactStore is a dgraph.Store that keeps a graph in a few flat slices instead of the
// library's default store, which keeps every edge value twice in per-vertex maps
// (map[K]map[K]Edge[K] for out- and in-edges: about 680 bytes per edge at 100k resources).
//
// Vertices live in a slice, numbered by insertion, with one map from hash to position;
// vertex weights and attribute maps, which bulkhead does not use, are kept aside for the
// few vertices that have them.
// Edges are records {source, target int32, data} in one slice, with one map from the pair
// (source<<32 | target) to the record's position. Edge weights and attribute maps, which
// bulkhead does not use, are kept aside for the few edges that have them, so the library's
// behaviour is unchanged for any caller. It honours the dgraph.Store contract, including
// RemoveVertex and RemoveEdge, and is safe for concurrent use, as the default store is.
//
// The store returns exactly what it was given: the same vertex value, the same attribute
// maps (nil stays nil), the same edge data. ListVertices is in insertion order, ListEdges too
// until an edge is removed (the last record moves into the hole). It does not implement the
// default store's CreatesCycle fast path: a graph with PreventCycles (bulkhead's is not) falls
// back to the library's generic check.
type compactStore[K comparable, T any] struct {
	mu sync.RWMutex

	pos    map[K]int32 // live vertex hash -> position in verts
	verts  []vertex[K, T]
	vprops map[int32]dgraph.VertexProperties // vertices with a weight or a non-nil attribute map
	dead   int                               // removed vertex slots in verts, reclaimed by compact

	edges []edgeRec
	pairs map[uint64]int32    // pairKey(source, target) -> position in edges
	extra map[int32]edgeExtra // edges with a weight or a non-nil attribute map
}

type vertex[K comparable, T any] struct {
	hash  K
	value T
	deg   int32 // incident edges (in + out); RemoveVertex refuses while > 0
	live  bool
}

type edgeRec struct {
	src, dst int32
	data     any
}

type edgeExtra struct {
	attrs  map[string]string
	weight int
}

func newCompactStore[K comparable, T any]() *compactStore[K, T] {
	return &compactStore[K, T]{
		pos:    map[K]int32{},
		vprops: map[int32]dgraph.VertexProperties{},
		pairs:  map[uint64]int32{},
		extra:  map[int32]edgeExtra{},
	}
}

func pairKey(src, dst int32) uint64 { return uint64(uint32(src))<<32 | uint64(uint32(dst)) }

// AddVertex implements dgraph.Store.
func (s *compactStore[K, T]) AddVertex(hash K, value T, props dgraph.VertexProperties) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.pos[hash]; ok {
		return dgraph.ErrVertexAlreadyExists
	}
	if len(s.verts) >= 1<<31-1 {
		return fmt.Errorf("graph store: more than %d vertices", 1<<31-1)
	}
	i := int32(len(s.verts))
	s.pos[hash] = i
	s.verts = append(s.verts, vertex[K, T]{hash: hash, value: value, live: true})
	if props.Attributes != nil || props.Weight != 0 {
		s.vprops[i] = props
	}
	return nil
}

// Vertex implements dgraph.Store.
func (s *compactStore[K, T]) Vertex(hash K) (T, dgraph.VertexProperties, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	i, ok := s.pos[hash]
	if !ok {
		var zero T
		return zero, dgraph.VertexProperties{}, dgraph.ErrVertexNotFound
	}
	return s.verts[i].value, s.vprops[i], nil
}

// RemoveVertex implements dgraph.Store. A vertex with edges is refused with
// ErrVertexHasEdges. The slot is freed; slots are reclaimed once half of them are free.
func (s *compactStore[K, T]) RemoveVertex(hash K) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	i, ok := s.pos[hash]
	if !ok {
		return dgraph.ErrVertexNotFound
	}
	if s.verts[i].deg > 0 {
		return dgraph.ErrVertexHasEdges
	}
	delete(s.pos, hash)
	s.verts[i] = vertex[K, T]{} // drop references
	delete(s.vprops, i)
	s.dead++
	if s.dead >= compactMin && s.dead*2 >= len(s.verts) {
		s.compact()
	}
	return nil
}

// compactMin is the number of free vertex slots below which compact is not worth it
// (a variable so that tests can make it small).
var compactMin = 64

// compact renumbers the live vertices densely and rewrites the edges' ends and pair keys.
func (s *compactStore[K, T]) compact() {
	renum := make([]int32, len(s.verts))
	props := make(map[int32]dgraph.VertexProperties, len(s.vprops))
	live := s.verts[:0]
	for i, v := range s.verts {
		if !v.live {
			renum[i] = -1
			continue
		}
		renum[i] = int32(len(live))
		s.pos[v.hash] = int32(len(live))
		if p, ok := s.vprops[int32(i)]; ok {
			props[int32(len(live))] = p
		}
		live = append(live, v)
	}
	clear(s.verts[len(live):])
	s.verts = live
	s.vprops = props
	s.dead = 0
	clear(s.pairs)
	for i := range s.edges {
		e := &s.edges[i]
		e.src, e.dst = renum[e.src], renum[e.dst]
		s.pairs[pairKey(e.src, e.dst)] = int32(i)
	}
}

// ListVertices implements dgraph.Store: the hashes in insertion order.
func (s *compactStore[K, T]) ListVertices() ([]K, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]K, 0, len(s.pos))
	for _, v := range s.verts {
		if v.live {
			out = append(out, v.hash)
		}
	}
	return out, nil
}

// VertexCount implements dgraph.Store.
func (s *compactStore[K, T]) VertexCount() (int, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.pos), nil
}

// AddEdge implements dgraph.Store. The edge's Source and Target are the given hashes.
func (s *compactStore[K, T]) AddEdge(sourceHash, targetHash K, edge dgraph.Edge[K]) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	src, ok := s.pos[sourceHash]
	if !ok {
		return fmt.Errorf("source vertex %v: %w", sourceHash, dgraph.ErrVertexNotFound)
	}
	dst, ok := s.pos[targetHash]
	if !ok {
		return fmt.Errorf("target vertex %v: %w", targetHash, dgraph.ErrVertexNotFound)
	}
	k := pairKey(src, dst)
	if i, ok := s.pairs[k]; ok {
		if src == dst {
			// The library's undirected graph stores a self-loop by adding it twice, (a, a)
			// and its "reverse" (a, a), and relies on the default store overwriting.
			s.edges[i].data = edge.Properties.Data
			s.setExtra(i, edge.Properties)
			return nil
		}
		return dgraph.ErrEdgeAlreadyExists
	}
	if len(s.edges) >= 1<<31-1 {
		return fmt.Errorf("graph store: more than %d edges", 1<<31-1)
	}
	i := int32(len(s.edges))
	s.edges = append(s.edges, edgeRec{src: src, dst: dst, data: edge.Properties.Data})
	s.pairs[k] = i
	s.setExtra(i, edge.Properties)
	s.verts[src].deg++
	s.verts[dst].deg++
	return nil
}

func (s *compactStore[K, T]) setExtra(i int32, p dgraph.EdgeProperties) {
	if p.Attributes == nil && p.Weight == 0 {
		delete(s.extra, i)
		return
	}
	s.extra[i] = edgeExtra{attrs: p.Attributes, weight: p.Weight}
}

// find returns the position of the edge source -> target, or -1. Callers hold the lock.
func (s *compactStore[K, T]) find(sourceHash, targetHash K) int32 {
	src, ok := s.pos[sourceHash]
	if !ok {
		return -1
	}
	dst, ok := s.pos[targetHash]
	if !ok {
		return -1
	}
	i, ok := s.pairs[pairKey(src, dst)]
	if !ok {
		return -1
	}
	return i
}

func (s *compactStore[K, T]) edgeAt(i int32) dgraph.Edge[K] {
	e := &s.edges[i]
	x := s.extra[i]
	return dgraph.Edge[K]{
		Source: s.verts[e.src].hash,
		Target: s.verts[e.dst].hash,
		Properties: dgraph.EdgeProperties{
			Attributes: x.attrs,
			Weight:     x.weight,
			Data:       e.data,
		},
	}
}

// UpdateEdge implements dgraph.Store: it replaces the edge's properties.
func (s *compactStore[K, T]) UpdateEdge(sourceHash, targetHash K, edge dgraph.Edge[K]) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	i := s.find(sourceHash, targetHash)
	if i < 0 {
		return dgraph.ErrEdgeNotFound
	}
	s.edges[i].data = edge.Properties.Data
	s.setExtra(i, edge.Properties)
	return nil
}

// RemoveEdge implements dgraph.Store. Missing vertices or edges are not an error, as in
// the default store. The last record moves into the freed position.
func (s *compactStore[K, T]) RemoveEdge(sourceHash, targetHash K) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	i := s.find(sourceHash, targetHash)
	if i < 0 {
		return nil
	}
	e := s.edges[i]
	delete(s.pairs, pairKey(e.src, e.dst))
	s.verts[e.src].deg--
	s.verts[e.dst].deg--
	last := int32(len(s.edges) - 1)
	if i != last {
		m := s.edges[last]
		s.edges[i] = m
		s.pairs[pairKey(m.src, m.dst)] = i
		if x, ok := s.extra[last]; ok {
			s.extra[i] = x
		} else {
			delete(s.extra, i)
		}
	}
	delete(s.extra, last)
	s.edges[last] = edgeRec{}
	s.edges = s.edges[:last]
	return nil
}

// Edge implements dgraph.Store.
func (s *compactStore[K, T]) Edge(sourceHash, targetHash K) (dgraph.Edge[K], error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	i := s.find(sourceHash, targetHash)
	if i < 0 {
		return dgraph.Edge[K]{}, dgraph.ErrEdgeNotFound
	}
	return s.edgeAt(i), nil
}

// ListEdges implements dgraph.Store.
func (s *compactStore[K, T]) ListEdges() ([]dgraph.Edge[K], error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]dgraph.Edge[K], len(s.edges))
	for i := range s.edges {
		out[i] = s.edgeAt(int32(i))
	}
	return out, nil
}

var _ dgraph.Store[string, *Resource] = (*compactStore[string, *Resource])(nil)
