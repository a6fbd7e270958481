package graph

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	dgraph "github.com/dominikbraun/graph"
)

// Sentinel errors; wrap with %w, test with errors.Is.
var (
	ErrDuplicateID  = errors.New("duplicate resource id")
	ErrDanglingEdge = errors.New("edge points at a resource that does not exist")
	ErrInvalid      = errors.New("invalid resource or edge")
)

// Graph is a set of resources and typed edges. The store of record is a
// github.com/dominikbraun/graph directed graph keyed by canonical ID; since that library
// keeps one edge per ordered pair, the edge data of a pair is its typed edge (*Edge), or
// the list of its typed edges (*pair) when it has several. The library keeps them in a
// compactStore (store.go) given through dgraph.NewWithStore, not in its default store.
// The typed edges themselves live by value in an edgeArena (the store's edge data points
// into it), so that an edge costs no allocation of its own; Edges() lists them sorted.
// Traversals run on a compact index built on first use (see index.go), because the
// library's own traversals copy its adjacency maps on every call.
type Graph struct {
	store     dgraph.Graph[string, *Resource]
	cs        *compactStore[string, *Resource] // the store behind store (nil only in a benchmark of the default store)
	resources []*Resource                      // insertion order; Resources() sorts
	sorted    bool

	arena edgeArena // every typed edge, in the order Connect added them
	edges []*Edge   // Edges(): the arena's edges sorted, built on demand; nil when stale

	Sources []SourceInfo
	Gaps    []Gap

	idx *Index

	// edgeOpts is the one option Connect passes to the store's AddEdge and UpdateEdge: it
	// sets the edge data to pending and no attribute map. Made once per graph, so that a
	// Connect allocates no closures and no option slice.
	edgeOpts []func(*dgraph.EdgeProperties)
	pending  any
}

// edgeArena keeps edges by value in fixed-size chunks, numbered in the order they were
// added: appending never moves an edge, so *Edge pointers into it stay valid, and a
// chunk of edgeChunk edges is one allocation (88 bytes an edge instead of a 96-byte
// object each).
type edgeArena struct {
	chunks [][]Edge
	n      int32
}

const edgeChunkBits = 10 // 1,024 edges, 90,112 bytes: exactly 11 pages

func (a *edgeArena) add(e Edge) *Edge {
	if a.n&(1<<edgeChunkBits-1) == 0 {
		a.chunks = append(a.chunks, make([]Edge, 1<<edgeChunkBits))
	}
	p := a.at(a.n)
	*p = e
	a.n++
	return p
}

// drop removes the edge added last.
func (a *edgeArena) drop() {
	a.n--
	*a.at(a.n) = Edge{}
}

func (a *edgeArena) at(i int32) *Edge { return &a.chunks[i>>edgeChunkBits][i&(1<<edgeChunkBits-1)] }

// vertexOpts: no attribute map per vertex (the library would make an empty one for each).
var vertexOpts = []func(*dgraph.VertexProperties){dgraph.VertexAttributes(nil)}

type pair struct{ edges []*Edge }

func resourceID(r *Resource) string { return r.ID }

// New returns an empty graph, stored in a compactStore (store.go).
func New() *Graph {
	cs := newCompactStore[string, *Resource]()
	g := &Graph{store: dgraph.NewWithStore(resourceID, cs, dgraph.Directed()), cs: cs}
	g.edgeOpts = []func(*dgraph.EdgeProperties){func(p *dgraph.EdgeProperties) {
		p.Data = g.pending
		p.Attributes = nil
	}}
	return g
}

// Len is the number of resources.
func (g *Graph) Len() int { return len(g.resources) }

// EdgeCount is the number of typed edges.
func (g *Graph) EdgeCount() int { return int(g.arena.n) }

// Add inserts a resource. Its ID must be new, its kind and tier valid.
func (g *Graph) Add(r *Resource) error {
	if err := validateResource(r); err != nil {
		return err
	}
	if err := g.store.AddVertex(r, vertexOpts...); err != nil {
		if errors.Is(err, dgraph.ErrVertexAlreadyExists) {
			return fmt.Errorf("%w: %s", ErrDuplicateID, r.ID)
		}
		return fmt.Errorf("add %s: %w", r.ID, err)
	}
	g.resources = append(g.resources, r)
	g.sorted = false
	g.idx = nil
	return nil
}

func validateResource(r *Resource) error {
	switch {
	case r == nil:
		return fmt.Errorf("%w: nil resource", ErrInvalid)
	case r.ID == "":
		return fmt.Errorf("%w: resource %q has an empty id", ErrInvalid, r.Name)
	case !r.Kind.Valid():
		return fmt.Errorf("%w: resource %s has unknown kind %q (valid: %s)", ErrInvalid, r.ID, r.Kind, joinKinds())
	case !r.Tier.Valid():
		return fmt.Errorf("%w: resource %s has unknown tier %q", ErrInvalid, r.ID, r.Tier)
	}
	return nil
}

func joinKinds() string {
	s := make([]string, len(Kinds))
	for i, k := range Kinds {
		s[i] = string(k)
	}
	return strings.Join(s, ", ")
}

// Connect adds a typed edge. Both ends must exist. Adding an edge that already exists
// (same ends and kind) merges its actions and keeps the first note.
func (g *Graph) Connect(e Edge) error {
	if !e.Kind.Valid() {
		return fmt.Errorf("%w: edge %s -> %s has unknown kind %q", ErrInvalid, e.From, e.To, e.Kind)
	}
	if e.From == e.To {
		return fmt.Errorf("%w: edge %s -> itself (%s)", ErrInvalid, e.From, e.Kind)
	}
	for _, a := range e.Actions {
		if a != Read && a != Write && a != Delete {
			return fmt.Errorf("%w: edge %s -> %s has unknown action %q", ErrInvalid, e.From, e.To, a)
		}
	}
	e.Actions = normaliseActions(e.Actions)
	// The edge goes into the arena first, so that the store's data can point at it; it
	// is dropped again when it merges into an existing edge or fails.
	ne := g.arena.add(e)
	// Add first: a new pair (the common case) costs one lookup in the store, not two.
	// The edge data is the *Edge itself while the pair has one edge, a *pair once it has
	// several; no attribute map is kept (see edgeOpts).
	g.pending = ne
	err := g.store.AddEdge(e.From, e.To, g.edgeOpts...)
	g.pending = nil
	switch {
	case err == nil:
		if g.cs != nil {
			// The ends as the store keeps them: one copy of each ID string, however the
			// caller built its own (a snapshot decodes each edge's ends afresh).
			rec := &g.cs.edges[len(g.cs.edges)-1]
			ne.From, ne.To = g.cs.verts[rec.src].hash, g.cs.verts[rec.dst].hash
		}
	case errors.Is(err, dgraph.ErrEdgeAlreadyExists):
		g.arena.drop()
		de, err := g.store.Edge(e.From, e.To)
		if err != nil {
			return fmt.Errorf("connect %s -> %s: %w", e.From, e.To, err)
		}
		var p *pair
		switch d := de.Properties.Data.(type) {
		case *Edge:
			p = &pair{edges: []*Edge{d}}
		case *pair:
			p = d
		}
		for _, x := range p.edges {
			if x.Kind == e.Kind {
				x.Actions = normaliseActions(append(x.Actions, e.Actions...))
				if x.Note == "" {
					x.Note = e.Note
				}
				g.idx = nil
				return nil
			}
		}
		ne = g.arena.add(e)
		ne.From, ne.To = p.edges[0].From, p.edges[0].To
		p.edges = append(p.edges, ne)
		if len(p.edges) == 2 {
			g.pending = p
			err := g.store.UpdateEdge(e.From, e.To, g.edgeOpts...)
			g.pending = nil
			if err != nil {
				g.arena.drop()
				return fmt.Errorf("connect %s -> %s: %w", e.From, e.To, err)
			}
		}
	case errors.Is(err, dgraph.ErrVertexNotFound):
		g.arena.drop()
		missing := e.From
		if _, ok := g.Resource(e.From); ok {
			missing = e.To
		}
		return fmt.Errorf("%w: %s edge %s -> %s: no resource %s", ErrDanglingEdge, e.Kind, e.From, e.To, missing)
	default:
		g.arena.drop()
		return fmt.Errorf("connect %s -> %s: %w", e.From, e.To, err)
	}
	g.edges = nil
	g.idx = nil
	return nil
}

// MustConnect is Connect for code that builds graphs from trusted data (fixtures, tests).
func (g *Graph) MustConnect(e Edge) {
	if err := g.Connect(e); err != nil {
		panic(err)
	}
}

// MustAdd is Add for trusted data.
func (g *Graph) MustAdd(r *Resource) *Resource {
	if err := g.Add(r); err != nil {
		panic(err)
	}
	return r
}

// Resource looks a resource up by canonical ID.
func (g *Graph) Resource(id string) (*Resource, bool) {
	r, err := g.store.Vertex(id)
	return r, err == nil
}

func (g *Graph) sortAll() {
	if g.sorted {
		return
	}
	slices.SortFunc(g.resources, func(a, b *Resource) int { return strings.Compare(a.ID, b.ID) })
	g.sorted = true
}

// Resources returns every resource sorted by ID. The slice is shared; do not modify it.
func (g *Graph) Resources() []*Resource {
	g.sortAll()
	return g.resources
}

// Edges returns every edge sorted by (from, to, kind). The slice is shared; do not modify
// it. It is built on the first call after the graph changed: a graph only audited (through
// its Index) never needs it.
func (g *Graph) Edges() []*Edge {
	if g.edges != nil || g.arena.n == 0 {
		return g.edges
	}
	es := make([]*Edge, g.arena.n)
	for i := range es {
		es[i] = g.arena.at(int32(i))
	}
	cmp := func(a, b *Edge) int {
		if c := strings.Compare(a.From, b.From); c != 0 {
			return c
		}
		if c := strings.Compare(a.To, b.To); c != 0 {
			return c
		}
		return strings.Compare(string(a.Kind), string(b.Kind))
	}
	if !slices.IsSortedFunc(es, cmp) { // sources that connect in order (tfmap) skip the sort
		slices.SortFunc(es, cmp)
	}
	g.edges = es
	return es
}

// ByKind returns the resources of one kind, sorted by ID.
func (g *Graph) ByKind(k Kind) []*Resource {
	var out []*Resource
	for _, r := range g.Resources() {
		if r.Kind == k {
			out = append(out, r)
		}
	}
	return out
}

// AddGap records an unread part of the source.
func (g *Graph) AddGap(gap Gap) { g.Gaps = append(g.Gaps, gap) }

// Complete reports whether every source was read in full.
func (g *Graph) Complete() bool { return len(g.Gaps) == 0 }
