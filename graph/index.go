package graph

import "slices"

// Index is a read-only, compact view of a graph for traversals: resources numbered in ID
// order, forward and reverse adjacency as slices. Build it once after loading (Graph.Index
// does, and caches it until the graph changes); it is not safe to mutate the graph while
// an index is in use.
type Index struct {
	res []*Resource
	pos map[string]int32
	out [][]half
	in  [][]half

	destroys map[int32][]int32
	trees    map[int32]map[int32]*Edge // cascade shortest-path trees by source, for Chain
	env      []int32                   // memo of EnvironmentOf: -2 not computed, -1 none
	mark     []uint32                  // visit stamps, so traversals allocate no sets
	stamp    uint32
}

type half struct {
	n int32
	e *Edge
}

// Index returns the graph's traversal index, building it if needed.
func (g *Graph) Index() *Index {
	if g.idx != nil {
		return g.idx
	}
	rs := g.Resources()
	x := &Index{
		res:      rs,
		pos:      make(map[string]int32, len(rs)),
		out:      make([][]half, len(rs)),
		in:       make([][]half, len(rs)),
		destroys: map[int32][]int32{},
		trees:    map[int32]map[int32]*Edge{},
		env:      make([]int32, len(rs)),
		mark:     make([]uint32, len(rs)),
	}
	for i := range x.env {
		x.env[i] = -2
	}
	for i, r := range rs {
		x.pos[r.ID] = int32(i)
	}
	for _, e := range g.Edges() { // sorted, so adjacency lists are sorted too
		f, t := x.pos[e.From], x.pos[e.To]
		x.out[f] = append(x.out[f], half{t, e})
		x.in[t] = append(x.in[t], half{f, e})
	}
	g.idx = x
	return x
}

// Resource returns the resource with the given ID.
func (x *Index) Resource(id string) (*Resource, bool) {
	i, ok := x.pos[id]
	if !ok {
		return nil, false
	}
	return x.res[i], true
}

func (x *Index) at(r *Resource) int32 { return x.pos[r.ID] }

func has(kinds []EdgeKind, k EdgeKind) bool {
	if len(kinds) == 0 {
		return true
	}
	for _, x := range kinds {
		if x == k {
			return true
		}
	}
	return false
}

// Out returns r's outgoing edges of the given kinds (all kinds if none), sorted.
func (x *Index) Out(r *Resource, kinds ...EdgeKind) []*Edge {
	var out []*Edge
	for _, h := range x.out[x.at(r)] {
		if has(kinds, h.e.Kind) {
			out = append(out, h.e)
		}
	}
	return out
}

// In returns r's incoming edges of the given kinds (all kinds if none), sorted.
func (x *Index) In(r *Resource, kinds ...EdgeKind) []*Edge {
	var out []*Edge
	for _, h := range x.in[x.at(r)] {
		if has(kinds, h.e.Kind) {
			out = append(out, h.e)
		}
	}
	return out
}

func cascades(k EdgeKind) bool { return k == Contains || k == DeletesWith }

// Destroys is the cascade closure of deleting r: r and everything reachable from it over
// contains and deletes_with edges, sorted by ID. Results are memoised.
func (x *Index) Destroys(r *Resource) []*Resource {
	ids := x.destroysIdx(x.at(r))
	out := make([]*Resource, len(ids))
	for i, n := range ids {
		out[i] = x.res[n]
	}
	return out
}

// DestroysSet is Destroys as a set of IDs.
func (x *Index) DestroysSet(r *Resource) map[string]bool {
	ids := x.destroysIdx(x.at(r))
	m := make(map[string]bool, len(ids))
	for _, n := range ids {
		m[x.res[n].ID] = true
	}
	return m
}

func (x *Index) destroysIdx(start int32) []int32 {
	if d, ok := x.destroys[start]; ok {
		return d
	}
	stamp := x.nextStamp()
	x.mark[start] = stamp
	out := []int32{start}
	for i := 0; i < len(out); i++ {
		for _, h := range x.out[out[i]] {
			if cascades(h.e.Kind) && x.mark[h.n] != stamp {
				x.mark[h.n] = stamp
				out = append(out, h.n)
			}
		}
	}
	slices.Sort(out)
	x.destroys[start] = out
	return out
}

// Chain returns the cascade edges that lead from one resource to another, or nil if
// deleting from does not destroy to. Among possible chains it prefers those with the fewest
// contains edges (a deletes_with step says more about the delete than containment does),
// then the fewest edges, then the first in ID order: a 0-1 breadth-first search.
func (x *Index) Chain(from, to *Resource) []*Edge {
	s, t := x.at(from), x.at(to)
	if s == t {
		return nil
	}
	if tree, ok := x.trees[s]; ok {
		return x.walk(tree, s, t)
	}
	type item struct{ n, cost, hops int32 }
	best := map[int32][2]int32{s: {0, 0}}
	parent := map[int32]*Edge{}
	var front []item          // zero-cost pushes, popped first (a stack)
	back := []item{{s, 0, 0}} // unit-cost pushes (a queue)
	better := func(n, cost, hops int32) bool {
		b, ok := best[n]
		return !ok || cost < b[0] || (cost == b[0] && hops < b[1])
	}
	for len(front)+len(back) > 0 {
		var it item
		if n := len(front); n > 0 {
			it, front = front[n-1], front[:n-1]
		} else {
			it, back = back[0], back[1:]
		}
		if b := best[it.n]; b[0] != it.cost || b[1] != it.hops {
			continue // stale entry
		}
		for _, h := range x.out[it.n] {
			if !cascades(h.e.Kind) {
				continue
			}
			cost := it.cost
			if h.e.Kind == Contains {
				cost++
			}
			if !better(h.n, cost, it.hops+1) {
				continue
			}
			best[h.n] = [2]int32{cost, it.hops + 1}
			parent[h.n] = h.e
			next := item{h.n, cost, it.hops + 1}
			if cost == it.cost {
				front = append(front, next)
			} else {
				back = append(back, next)
			}
		}
	}
	x.trees[s] = parent
	return x.walk(parent, s, t)
}

func (x *Index) walk(parent map[int32]*Edge, s, t int32) []*Edge {
	if _, ok := parent[t]; !ok {
		return nil
	}
	var chain []*Edge
	for c := t; c != s; c = x.pos[parent[c].From] {
		chain = append(chain, parent[c])
	}
	for i, j := 0, len(chain)-1; i < j; i, j = i+1, j-1 {
		chain[i], chain[j] = chain[j], chain[i]
	}
	return chain
}

// EnvironmentOf returns the environment that contains r (directly or through its
// containers), or nil. A resource held by several environments returns the first by ID.
func (x *Index) EnvironmentOf(r *Resource) *Resource {
	n := x.at(r)
	if e := x.env[n]; e != -2 {
		if e < 0 {
			return nil
		}
		return x.res[e]
	}
	x.env[n] = -1
	stamp := x.nextStamp()
	x.mark[n] = stamp
	queue := []int32{n}
	for i := 0; i < len(queue); i++ {
		c := queue[i]
		if x.res[c].Kind == Environment && c != n {
			x.env[n] = c
			return x.res[c]
		}
		for _, h := range x.in[c] {
			if h.e.Kind == Contains && x.mark[h.n] != stamp {
				x.mark[h.n] = stamp
				queue = append(queue, h.n)
			}
		}
	}
	return nil
}

// DestroysID reports whether deleting r destroys the resource with the given ID, without
// building a set: a binary search in r's memoised cascade closure.
func (x *Index) DestroysID(r *Resource, id string) bool {
	n, ok := x.pos[id]
	if !ok {
		return false
	}
	_, found := slices.BinarySearch(x.destroysIdx(x.at(r)), n)
	return found
}

func (x *Index) nextStamp() uint32 {
	x.stamp++
	if x.stamp == 0 { // wrapped: clear old stamps
		clear(x.mark)
		x.stamp = 1
	}
	return x.stamp
}

// TierOf is r's own tier, else the tier of its environment, else Unknown.
func (x *Index) TierOf(r *Resource) Tier {
	if r.Tier != "" && r.Tier != Unknown {
		return r.Tier
	}
	if env := x.EnvironmentOf(r); env != nil && env.Tier != "" {
		return env.Tier
	}
	return Unknown
}
