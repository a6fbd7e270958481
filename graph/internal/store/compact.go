package store

import (
	"fmt"
	"hash/maphash"
	"maps"
	"slices"
	"sync"

	dgraph "github.com/dominikbraun/graph"
)

// Compact is a dgraph.Store that keeps a graph in a few flat slices instead of the
// library's default store, which keeps every edge value twice in per-vertex maps
// (map[K]map[K]Edge[K] for out- and in-edges: about 680 bytes per edge at 100k resources).
//
// Vertices live in a slice, numbered by insertion, with one hash table from hash to
// position (vtab: 8 bytes a slot, where a map[string]int32 costs about 30 an entry);
// vertex weights and attribute maps, which bulkhead does not use, are kept aside for the
// few vertices that have them.
// Edges are one map from the pair of positions (source<<32 | target) to the edge data:
// about 36 bytes an edge, where records in a slice plus a map from pair to record cost 50.
// Edge weights and attribute maps, which bulkhead does not use, are kept aside for the few
// edges that have them, so the library's behaviour is unchanged for any caller. It honours
// the dgraph.Store contract, including RemoveVertex and RemoveEdge, and is safe for
// concurrent use, as the default store is.
//
// The store returns exactly what it was given: the same vertex value, the same attribute
// maps (nil stays nil), the same edge data. ListVertices is in insertion order, ListEdges
// by source, then target, in that order. It does not implement the default store's
// CreatesCycle fast path: a graph with PreventCycles (bulkhead's is not) falls back to the
// library's generic check.
type Compact[K comparable, T any] struct {
	mu sync.RWMutex

	pos    vtab // live vertex hash -> position in verts
	seed   maphash.Seed
	verts  []vertex[K, T]
	vprops map[int32]dgraph.VertexProperties // vertices with a weight or a non-nil attribute map
	dead   int                               // removed vertex slots in verts, reclaimed by compact

	edges map[uint64]any       // pairKey(source, target) -> edge data
	extra map[uint64]edgeExtra // edges with a weight or a non-nil attribute map
	added uint64               // pairKey of the edge added last (Graph reads its ends)
}

type vertex[K comparable, T any] struct {
	hash  K
	value T
	deg   int32 // incident edges (in + out); RemoveVertex refuses while > 0
	live  bool
}

type edgeExtra struct {
	attrs  map[string]string
	weight int
}

func NewCompact[K comparable, T any]() *Compact[K, T] {
	return &Compact[K, T]{
		seed:   maphash.MakeSeed(),
		vprops: map[int32]dgraph.VertexProperties{},
		edges:  map[uint64]any{},
		extra:  map[uint64]edgeExtra{},
	}
}

// Lookup returns the position of the vertex with the given hash: positions count
// insertions from 0 and never change while no vertex is removed. Lookup and HashAt take
// no lock (they are on the path of every traversal): they are for a caller that does not
// change the store while it reads, as package graph's Index does not.
func (s *Compact[K, T]) Lookup(hash K) (int32, bool) { return s.lookup(hash) }

// HashAt returns the hash of the vertex at a position; see Lookup.
func (s *Compact[K, T]) HashAt(p int32) K { return s.verts[p].hash }

// Added returns the ends of the edge added last, as positions. Like Lookup it takes no
// lock: it is for the one writer, right after its AddEdge.
func (s *Compact[K, T]) Added() (src, dst int32) { return pairEnds(s.added) }

// Batch is the store under its write lock, for many edges at once by position (see
// Compact.Batch).
type Batch[K comparable, T any] struct{ s *Compact[K, T] }

// Batch calls fn with the store locked for writing: a caller that has looked its vertices
// up once sets many edges by position, without a lookup of the ends per edge.
func (s *Compact[K, T]) Batch(fn func(Batch[K, T])) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fn(Batch[K, T]{s})
}

// Lookup is Compact.Lookup.
func (b Batch[K, T]) Lookup(hash K) (int32, bool) { return b.s.lookup(hash) }

// Empty reports whether the store has no edge.
func (b Batch[K, T]) Empty() bool { return len(b.s.edges) == 0 }

// Grow makes room for n edges in a store that has none yet, so that a batch of n new
// edges does not rehash the table as it grows.
func (b Batch[K, T]) Grow(n int) {
	if len(b.s.edges) == 0 {
		b.s.edges = make(map[uint64]any, n)
	}
}

// SetNew adds the edge src -> dst, which the caller knows is not in the store (see Set).
func (b Batch[K, T]) SetNew(src, dst int32, data any) {
	s, k := b.s, pairKey(src, dst)
	s.verts[src].deg++
	s.verts[dst].deg++
	s.added = k
	s.edges[k] = data
}

// Data returns the data of the edge src -> dst, if there is one.
func (b Batch[K, T]) Data(src, dst int32) (any, bool) {
	d, ok := b.s.edges[pairKey(src, dst)]
	return d, ok
}

// Set sets the data of the edge src -> dst, adding the edge if it is new. The ends are
// positions of live vertices; src != dst.
func (b Batch[K, T]) Set(src, dst int32, data any) {
	s, k := b.s, pairKey(src, dst)
	if _, ok := s.edges[k]; !ok {
		s.verts[src].deg++
		s.verts[dst].deg++
		s.added = k
	}
	s.edges[k] = data
}

func pairKey(src, dst int32) uint64 { return uint64(uint32(src))<<32 | uint64(uint32(dst)) }

// pairEnds are the positions of a pairKey.
func pairEnds(k uint64) (src, dst int32) { return int32(k >> 32), int32(uint32(k)) }

// AddVertex implements dgraph.Store.
func (s *Compact[K, T]) AddVertex(hash K, value T, props dgraph.VertexProperties) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.lookup(hash); ok {
		return dgraph.ErrVertexAlreadyExists
	}
	if len(s.verts) >= 1<<31-1 {
		return fmt.Errorf("graph store: more than %d vertices", 1<<31-1)
	}
	i := int32(len(s.verts))
	s.verts = append(s.verts, vertex[K, T]{hash: hash, value: value, live: true})
	s.insert(hash, i)
	if props.Attributes != nil || props.Weight != 0 {
		s.vprops[i] = props
	}
	return nil
}

// Vertex implements dgraph.Store.
func (s *Compact[K, T]) Vertex(hash K) (T, dgraph.VertexProperties, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	i, ok := s.lookup(hash)
	if !ok {
		var zero T
		return zero, dgraph.VertexProperties{}, dgraph.ErrVertexNotFound
	}
	return s.verts[i].value, s.vprops[i], nil
}

// RemoveVertex implements dgraph.Store. A vertex with edges is refused with
// ErrVertexHasEdges. The slot is freed; slots are reclaimed once half of them are free.
func (s *Compact[K, T]) RemoveVertex(hash K) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	i, ok := s.lookup(hash)
	if !ok {
		return dgraph.ErrVertexNotFound
	}
	if s.verts[i].deg > 0 {
		return dgraph.ErrVertexHasEdges
	}
	s.remove(hash)
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
func (s *Compact[K, T]) compact() {
	renum := make([]int32, len(s.verts))
	props := make(map[int32]dgraph.VertexProperties, len(s.vprops))
	live := s.verts[:0]
	for i, v := range s.verts {
		if !v.live {
			renum[i] = -1
			continue
		}
		renum[i] = int32(len(live))
		if p, ok := s.vprops[int32(i)]; ok {
			props[int32(len(live))] = p
		}
		live = append(live, v)
	}
	clear(s.verts[len(live):])
	s.verts = live
	s.vprops = props
	s.pos.renumber(renum)
	s.dead = 0
	edges := make(map[uint64]any, len(s.edges))
	for k, d := range s.edges {
		src, dst := pairEnds(k)
		edges[pairKey(renum[src], renum[dst])] = d
	}
	extra := make(map[uint64]edgeExtra, len(s.extra))
	for k, x := range s.extra {
		src, dst := pairEnds(k)
		extra[pairKey(renum[src], renum[dst])] = x
	}
	s.edges, s.extra = edges, extra
}

// ListVertices implements dgraph.Store: the hashes in insertion order.
func (s *Compact[K, T]) ListVertices() ([]K, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]K, 0, s.pos.n)
	for _, v := range s.verts {
		if v.live {
			out = append(out, v.hash)
		}
	}
	return out, nil
}

// VertexCount implements dgraph.Store.
func (s *Compact[K, T]) VertexCount() (int, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.pos.n, nil
}

// AddEdge implements dgraph.Store. The edge's Source and Target are the given hashes.
func (s *Compact[K, T]) AddEdge(sourceHash, targetHash K, edge dgraph.Edge[K]) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	src, ok := s.lookup(sourceHash)
	if !ok {
		return fmt.Errorf("source vertex %v: %w", sourceHash, dgraph.ErrVertexNotFound)
	}
	dst, ok := s.lookup(targetHash)
	if !ok {
		return fmt.Errorf("target vertex %v: %w", targetHash, dgraph.ErrVertexNotFound)
	}
	k := pairKey(src, dst)
	if _, ok := s.edges[k]; ok {
		if src == dst {
			// The library's undirected graph stores a self-loop by adding it twice, (a, a)
			// and its "reverse" (a, a), and relies on the default store overwriting.
			s.edges[k] = edge.Properties.Data
			s.setExtra(k, edge.Properties)
			return nil
		}
		return dgraph.ErrEdgeAlreadyExists
	}
	s.edges[k] = edge.Properties.Data
	s.setExtra(k, edge.Properties)
	s.verts[src].deg++
	s.verts[dst].deg++
	s.added = k
	return nil
}

func (s *Compact[K, T]) setExtra(k uint64, p dgraph.EdgeProperties) {
	if p.Attributes == nil && p.Weight == 0 {
		delete(s.extra, k)
		return
	}
	s.extra[k] = edgeExtra{attrs: p.Attributes, weight: p.Weight}
}

// find returns the pair key of the edge source -> target, if there is one. Callers hold
// the lock.
func (s *Compact[K, T]) find(sourceHash, targetHash K) (uint64, bool) {
	src, ok := s.lookup(sourceHash)
	if !ok {
		return 0, false
	}
	dst, ok := s.lookup(targetHash)
	if !ok {
		return 0, false
	}
	k := pairKey(src, dst)
	_, ok = s.edges[k]
	return k, ok
}

func (s *Compact[K, T]) edgeAt(k uint64) dgraph.Edge[K] {
	src, dst := pairEnds(k)
	x := s.extra[k]
	return dgraph.Edge[K]{
		Source: s.verts[src].hash,
		Target: s.verts[dst].hash,
		Properties: dgraph.EdgeProperties{
			Attributes: x.attrs,
			Weight:     x.weight,
			Data:       s.edges[k],
		},
	}
}

// UpdateEdge implements dgraph.Store: it replaces the edge's properties.
func (s *Compact[K, T]) UpdateEdge(sourceHash, targetHash K, edge dgraph.Edge[K]) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	k, ok := s.find(sourceHash, targetHash)
	if !ok {
		return dgraph.ErrEdgeNotFound
	}
	s.edges[k] = edge.Properties.Data
	s.setExtra(k, edge.Properties)
	return nil
}

// RemoveEdge implements dgraph.Store. Missing vertices or edges are not an error, as in
// the default store.
func (s *Compact[K, T]) RemoveEdge(sourceHash, targetHash K) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	k, ok := s.find(sourceHash, targetHash)
	if !ok {
		return nil
	}
	delete(s.edges, k)
	delete(s.extra, k)
	src, dst := pairEnds(k)
	s.verts[src].deg--
	s.verts[dst].deg--
	return nil
}

// Edge implements dgraph.Store.
func (s *Compact[K, T]) Edge(sourceHash, targetHash K) (dgraph.Edge[K], error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	k, ok := s.find(sourceHash, targetHash)
	if !ok {
		return dgraph.Edge[K]{}, dgraph.ErrEdgeNotFound
	}
	return s.edgeAt(k), nil
}

// ListEdges implements dgraph.Store: by source, then target, in insertion order.
func (s *Compact[K, T]) ListEdges() ([]dgraph.Edge[K], error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	keys := slices.Sorted(maps.Keys(s.edges))
	out := make([]dgraph.Edge[K], len(keys))
	for i, k := range keys {
		out[i] = s.edgeAt(k)
	}
	return out, nil
}

// vtab is an open-addressing hash table (linear probing, at most 4/5 full) from a vertex
// hash to its position. A slot holds the upper 32 bits of the key's hash, its tag, which
// also picks the home slot (its top bits), and the position+1 (0: an empty slot); a key
// is compared with the vertex only when the tags match.
type vtab struct {
	slots []uint64
	bits  uint // len(slots) == 1<<bits
	n     int
}

func (t *vtab) home(tag uint32) uint64 { return uint64(tag >> (32 - t.bits)) }

func (s *Compact[K, T]) tag(k K) uint32 { return uint32(maphash.Comparable(s.seed, k) >> 32) }

// lookup returns the position of the live vertex with hash k.
func (s *Compact[K, T]) lookup(k K) (int32, bool) {
	t := &s.pos
	if t.n == 0 {
		return 0, false
	}
	tag, mask := s.tag(k), uint64(len(t.slots)-1)
	for i := t.home(tag); ; i = (i + 1) & mask {
		v := t.slots[i]
		if v == 0 {
			return 0, false
		}
		if uint32(v>>32) == tag {
			if p := int32(uint32(v)) - 1; s.verts[p].hash == k {
				return p, true
			}
		}
	}
}

// insert adds k (not in the table) at position p.
func (s *Compact[K, T]) insert(k K, p int32) {
	t := &s.pos
	if (t.n+1)*5 > len(t.slots)*4 {
		t.grow()
	}
	t.put(uint64(s.tag(k))<<32 | uint64(p+1))
	t.n++
}

// put stores a slot value in the first free slot from its home.
func (t *vtab) put(v uint64) {
	mask := uint64(len(t.slots) - 1)
	i := t.home(uint32(v >> 32))
	for t.slots[i] != 0 {
		i = (i + 1) & mask
	}
	t.slots[i] = v
}

func (t *vtab) grow() {
	old := t.slots
	if t.bits == 0 {
		t.bits = 3
	} else {
		t.bits++
	}
	t.slots = make([]uint64, 1<<t.bits)
	for _, v := range old {
		if v != 0 {
			t.put(v)
		}
	}
}

// remove deletes k (in the table), shifting the entries after it back so that no probe
// sequence is broken.
func (s *Compact[K, T]) remove(k K) {
	t := &s.pos
	tag, mask := s.tag(k), uint64(len(t.slots)-1)
	i := t.home(tag)
	for {
		v := t.slots[i]
		if uint32(v>>32) == tag && s.verts[int32(uint32(v))-1].hash == k {
			break
		}
		i = (i + 1) & mask
	}
	for j := i; ; {
		j = (j + 1) & mask
		v := t.slots[j]
		if v == 0 {
			break
		}
		// The entry at j stays unless its home is cyclically outside (i, j].
		if h := t.home(uint32(v >> 32)); (i < j && (h <= i || h > j)) || (i > j && h <= i && h > j) {
			t.slots[i] = v
			i = j
		}
	}
	t.slots[i] = 0
	t.n--
}

// renumber rewrites the positions after compact (renum: old position -> new).
func (t *vtab) renumber(renum []int32) {
	for i, v := range t.slots {
		if v != 0 {
			t.slots[i] = v&^(1<<32-1) | uint64(renum[int32(uint32(v))-1]+1)
		}
	}
}

var _ dgraph.Store[string, int] = (*Compact[string, int])(nil)
