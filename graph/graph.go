package graph

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/bulkhead-dev/bulkhead/graph/internal/arena"
	"github.com/bulkhead-dev/bulkhead/graph/internal/store"
)

// Sentinel errors; wrap with %w, test with errors.Is.
var (
	ErrDuplicateID  = errors.New("duplicate resource id")
	ErrDanglingEdge = errors.New("edge points at a resource that does not exist")
	ErrInvalid      = errors.New("invalid resource or edge")
)

// Graph is a set of resources and typed edges. Resources and ordered pairs are kept in
// package store (its one type over github.com/dominikbraun/graph); since the library
// keeps one edge per ordered pair, the datum of a pair is its typed edge (*link), or the
// list of its typed edges (*pair) when it has several.
//
// A typed edge is kept as a 16-byte link: its ends as the store's vertex positions, its
// kind and actions as small codes, its note interned. Edges(), Index.Out, Index.In and
// Index.Chain give them as *Edge values made on request. Traversals run on an Index, built
// on first use (index.go).
type Graph struct {
	st        *store.Graph[*Resource]
	resources []*Resource // insertion order; Resources() sorts
	sorted    bool

	links arena.Chunked[link] // every typed edge, in the order it was added
	notes []string            // interned notes of the links; notes[0] is ""
	noted map[string]int32    // note -> position in notes; dropped by Index, made again when needed

	Sources []SourceInfo
	Gaps    []Gap

	idx *Index
}

// link is a typed edge as the graph keeps it.
type link struct {
	from, to int32 // insertion positions of the ends (the store's vertex positions, which never change: a Graph removes no resource)
	note     int32 // position in Graph.notes
	kind     uint8 // position in EdgeKinds
	acts     uint8 // actions: actionBits
}

// Actions as bits of a link, in sorted order: an edge's actions come out sorted and without
// repeats.
var actionBit = []Action{Delete, Read, Write}

func actionBits(as []Action) uint8 {
	var b uint8
	for _, a := range as {
		for i, x := range actionBit {
			if a == x {
				b |= 1 << i
			}
		}
	}
	return b
}

func actionsOf(b uint8) []Action {
	if b == 0 {
		return nil
	}
	var out []Action
	for i, x := range actionBit {
		if b&(1<<i) != 0 {
			out = append(out, x)
		}
	}
	return out
}

// PackedEdge is an Edge in 56 bytes, where an Edge is 88 plus its actions' own slice: its
// kind as a position in EdgeKinds and its actions as bits, as the graph keeps them. It is
// for a source that holds many edges before it hands them over (ConnectFunc). A kind or an
// action the graph does not know survives as one that Connect refuses.
type PackedEdge struct {
	from, to, note string
	kind, acts     uint8
}

const (
	packedNoKind    = 255
	packedBadAction = 1 << 7
)

// actionSets are the action lists of each set of actionBit bits, shared and read only.
var actionSets = func() (sets [1 << 3][]Action) {
	for m := range sets {
		sets[m] = actionsOf(uint8(m))
	}
	return sets
}()

// Pack is e as a PackedEdge.
func (e *Edge) Pack() PackedEdge {
	p := PackedEdge{from: e.From, to: e.To, note: e.Note, kind: packedNoKind, acts: actionBits(e.Actions)}
	if code := kindCode(e.Kind); int(code) < len(EdgeKinds) {
		p.kind = code
	}
	if !validActions(e.Actions) {
		p.acts |= packedBadAction
	}
	return p
}

// Unpack writes the edge p stands for into e. Its actions are sorted, without repeats,
// and shared with other unpacked edges: e must not change them.
func (p *PackedEdge) Unpack(e *Edge) {
	*e = Edge{From: p.from, To: p.to, Note: p.note, Actions: actionSets[p.acts&^packedBadAction]}
	if int(p.kind) < len(EdgeKinds) {
		e.Kind = EdgeKinds[p.kind]
	}
	if p.acts&packedBadAction != 0 {
		e.Actions = append(slices.Clip(e.Actions), "?")
	}
}

// intern returns the position of note in g.notes, adding it if new.
func (g *Graph) intern(note string) int32 {
	if note == "" {
		return 0
	}
	if g.noted == nil { // dropped by Index: the graph was thought finished
		g.noted = make(map[string]int32, len(g.notes))
		for i, n := range g.notes[1:] {
			g.noted[n] = int32(i + 1)
		}
	}
	if i, ok := g.noted[note]; ok {
		return i
	}
	i := int32(len(g.notes))
	g.notes = append(g.notes, note)
	g.noted[note] = i
	return i
}

// idAt is the ID of the resource at an insertion position.
func (g *Graph) idAt(p int32) string { return g.st.IDAt(p) }

// position is the insertion position of the resource with the given ID.
func (g *Graph) position(id string) (int32, bool) { return g.st.Position(id) }

// edge makes the Edge of a link into e.
func (g *Graph) edge(l *link, e *Edge) {
	*e = Edge{From: g.idAt(l.from), To: g.idAt(l.to), Kind: EdgeKinds[l.kind], Note: g.notes[l.note], Actions: actionsOf(l.acts)}
}

type pair struct{ links []*link }

func resourceID(r *Resource) string { return r.ID }

// New returns an empty graph.
func New() *Graph { return newOn(store.New(resourceID)) }

func newOn(st *store.Graph[*Resource]) *Graph {
	return &Graph{st: st, notes: []string{""}, noted: map[string]int32{}}
}

// Len is the number of resources.
func (g *Graph) Len() int { return len(g.resources) }

// EdgeCount is the number of typed edges.
func (g *Graph) EdgeCount() int { return int(g.links.Len()) }

// Add inserts a resource. Its ID must be new, its kind and tier valid.
func (g *Graph) Add(r *Resource) error {
	if err := validateResource(r); err != nil {
		return err
	}
	if err := g.st.AddVertex(r.ID, r); err != nil {
		if errors.Is(err, store.ErrVertexExists) {
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
	code, acts := kindCode(e.Kind), actionBits(e.Actions)
	// The link goes into the arena first, so that the store's data can point at it; it
	// is dropped again when it merges into an existing edge or fails.
	l := g.links.Add(link{kind: code, acts: acts})
	// Add first: a new pair (the common case) costs one lookup in the store, not two.
	// The edge data is the *link itself while the pair has one edge, a *pair once it has
	// several.
	from, to, err := g.st.AddEdge(e.From, e.To, l)
	switch {
	case err == nil:
		l.from, l.to = from, to
		l.note = g.intern(e.Note)
	case errors.Is(err, store.ErrEdgeExists):
		g.links.Drop()
		data, err := g.st.EdgeData(e.From, e.To)
		if err != nil {
			return fmt.Errorf("connect %s -> %s: %w", e.From, e.To, err)
		}
		var p *pair
		switch d := data.(type) {
		case *link:
			p = &pair{links: []*link{d}}
		case *pair:
			p = d
		}
		for _, x := range p.links {
			if x.kind == code {
				x.acts |= acts
				if x.note == 0 {
					x.note = g.intern(e.Note)
				}
				g.idx = nil
				return nil
			}
		}
		l = g.links.Add(link{from: p.links[0].from, to: p.links[0].to, kind: code, acts: acts})
		p.links = append(p.links, l)
		if len(p.links) == 2 {
			if err := g.st.SetEdgeData(e.From, e.To, p); err != nil {
				g.links.Drop()
				return fmt.Errorf("connect %s -> %s: %w", e.From, e.To, err)
			}
		}
		l.note = g.intern(e.Note)
	case errors.Is(err, store.ErrVertexNotFound):
		g.links.Drop()
		missing := e.From
		if _, ok := g.Resource(e.From); ok {
			missing = e.To
		}
		return fmt.Errorf("%w: %s edge %s -> %s: no resource %s", ErrDanglingEdge, e.Kind, e.From, e.To, missing)
	default:
		g.links.Drop()
		return fmt.Errorf("connect %s -> %s: %w", e.From, e.To, err)
	}
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
	return g.st.Vertex(id)
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

// Edges returns every edge sorted by (from, to, kind), made afresh on each call (the
// graph keeps edges as links, see Graph): changing them does not change the graph.
func (g *Graph) Edges() []*Edge {
	n := g.links.Len()
	if n == 0 {
		return nil
	}
	vals := make([]Edge, n)
	es := make([]*Edge, n)
	for i := range es {
		g.edge(g.links.At(int32(i)), &vals[i])
		es[i] = &vals[i]
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

// ConnectAll connects edges as Connect would, each in turn, in the order of their ends'
// insertion positions, then kind, then their order in edges: a source that adds its
// resources sorted by ID and hands its edges over at the end gets, in one call, what a
// Connect per edge sorted by (From, To, Kind) would give, without a string comparison per
// step of the sort. Each end is looked up once; the library's AddEdge (three lookups of
// the ends and an existence check per edge) is bypassed for the store's own insert, which
// is a third of the cost of loading a large state. An edge that Connect would refuse
// sends the whole call through Connect, so the error is the one Connect reports first.
func (g *Graph) ConnectAll(edges []*Edge) error {
	return g.ConnectFunc(len(edges), func(i int, e *Edge) { *e = *edges[i] })
}

// ConnectFunc is ConnectAll over n edges that at writes on demand (at(i, e) sets *e to the
// i-th; e is not kept): a source that holds its edges in a compact form of its own hands
// them over without a graph.Edge per edge alive at once.
func (g *Graph) ConnectFunc(n int, at func(i int, e *Edge)) error {
	refs := make([]connRef, 0, n)
	ok := g.st.CanBatch() && n < 1<<31
	var e Edge
	for i := range n {
		if !ok {
			break
		}
		at(i, &e)
		var r connRef
		r, ok = g.refOf(&e, i)
		refs = append(refs, r)
	}
	if !ok {
		sorted := make([]*Edge, n)
		for i := range sorted {
			sorted[i] = new(Edge)
			at(i, sorted[i])
		}
		slices.SortStableFunc(sorted, func(a, b *Edge) int {
			if r := strings.Compare(a.From, b.From); r != 0 {
				return r
			}
			if r := strings.Compare(a.To, b.To); r != 0 {
				return r
			}
			return strings.Compare(string(a.Kind), string(b.Kind))
		})
		for _, e := range sorted {
			if err := g.Connect(*e); err != nil {
				return err
			}
		}
		return nil
	}
	return g.insertRefs(refs)
}

// sortRefs sorts refs by (from, to, kind, i), a total order (i is unique): a counting sort
// by from (a store position, so below the number of resources), then a sort of each run of
// one from, which holds a resource's few out-edges. On the 675k edges of the 100k realistic
// state that is 0.05 s where one comparison sort of them all took 0.21 s.
func sortRefs(refs []connRef) []connRef {
	cmp := func(a, b connRef) int {
		switch {
		case a.from != b.from:
			return int(a.from) - int(b.from)
		case a.to != b.to:
			return int(a.to) - int(b.to)
		case a.kind != b.kind:
			return int(a.kind) - int(b.kind)
		}
		return int(a.i) - int(b.i)
	}
	maxFrom := int32(0)
	for _, r := range refs {
		if r.from < 0 {
			slices.SortFunc(refs, cmp) // not a position: never the case, but never wrong
			return refs
		}
		maxFrom = max(maxFrom, r.from)
	}
	if len(refs) < 256 || int(maxFrom) > 4*len(refs) {
		slices.SortFunc(refs, cmp)
		return refs
	}
	start := make([]int32, maxFrom+2)
	for _, r := range refs {
		start[r.from+1]++
	}
	for k := 1; k < len(start); k++ {
		start[k] += start[k-1]
	}
	out := make([]connRef, len(refs))
	next := slices.Clone(start[:len(start)-1])
	for _, r := range refs {
		out[next[r.from]] = r
		next[r.from]++
	}
	for k := 0; k+1 < len(start); k++ {
		if run := out[start[k]:start[k+1]]; len(run) > 1 {
			slices.SortFunc(run, cmp)
		}
	}
	return out
}

// connRef is an edge ready for insertRefs: its ends as store positions, its kind code,
// action bits, interned note, and its position among the edges handed over.
type connRef struct {
	from, to, i, note int32
	kind, acts        uint8
}

// refOf is e, the i-th edge, as a connRef; false when Connect would refuse it.
func (g *Graph) refOf(e *Edge, i int) (connRef, bool) {
	from, okf := g.st.Position(e.From)
	to, okt := g.st.Position(e.To)
	code := kindCode(e.Kind)
	if !okf || !okt || from == to || int(code) >= len(EdgeKinds) || !validActions(e.Actions) {
		return connRef{}, false
	}
	return connRef{from: from, to: to, i: int32(i), kind: code, acts: actionBits(e.Actions), note: g.intern(e.Note)}, true
}

// insertRefs connects refs as Connect would in the order of (from, to, kind, i), through
// the compact store's batch: each end was looked up once (refOf).
func (g *Graph) insertRefs(refs []connRef) error {
	refs = sortRefs(refs)
	err := g.st.Batch(func(b store.Batch[string, *Resource]) {
		// Into a store without edges (the builders' one call), a pair is new unless the
		// ref before had the same ends (refs are sorted by them): no lookup per edge, and
		// the table is sized once.
		fresh := b.Empty()
		if fresh {
			b.Grow(len(refs))
		}
		for k, r := range refs {
			if fresh && (k == 0 || refs[k-1].from != r.from || refs[k-1].to != r.to) {
				b.SetNew(r.from, r.to, g.links.Add(link{from: r.from, to: r.to, kind: r.kind, acts: r.acts, note: r.note}))
				continue
			}
			d, exists := b.Data(r.from, r.to)
			if !exists {
				b.Set(r.from, r.to, g.links.Add(link{from: r.from, to: r.to, kind: r.kind, acts: r.acts, note: r.note}))
				continue
			}
			var p *pair
			switch d := d.(type) {
			case *link:
				p = &pair{links: []*link{d}}
			case *pair:
				p = d
			}
			merged := false
			for _, x := range p.links {
				if x.kind == r.kind {
					x.acts |= r.acts
					if x.note == 0 {
						x.note = r.note
					}
					merged = true
					break
				}
			}
			if merged {
				continue
			}
			p.links = append(p.links, g.links.Add(link{from: r.from, to: r.to, kind: r.kind, acts: r.acts, note: r.note}))
			if len(p.links) == 2 {
				b.Set(r.from, r.to, p)
			}
		}
	})
	if err != nil {
		return err
	}
	g.idx = nil
	return nil
}

func validActions(as []Action) bool {
	for _, a := range as {
		if a != Read && a != Write && a != Delete {
			return false
		}
	}
	return true
}
