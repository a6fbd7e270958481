package graph

import (
	"slices"
	"sort"
)

// Index is a compact view of a graph for traversals: resources numbered in ID order,
// forward and reverse adjacency as slices. Build it once after loading (Graph.Index does,
// and caches it until the graph changes); the graph must not change while an index is in
// use.
//
// An Index is not safe for concurrent use: its queries memoise (cascade sets, shortest-path
// trees, environments) and share visit stamps, so two goroutines must not query one Index
// at the same time.
//
// The adjacency is in compressed sparse row form: the out-edges of resource i are the
// links out[outOff[i]:outOff[i+1]], sorted by (to, kind); in-edges likewise, sorted by
// (from, kind). A link number is all an entry holds (the link has both ends): 4 bytes per
// edge and direction plus 4 per resource, instead of a slice per resource. When the links
// were made in sorted order (tfmap, snapshots), the forward order is the links' own and
// out is not kept at all. IDs are looked up in the store's own vertex map (rank turns its
// positions into index numbers), not in a second map.
type Index struct {
	g      *Graph
	res    []*Resource
	outOff []int32
	out    []int32 // link numbers; nil when they are 0, 1, 2, ...
	inOff  []int32
	in     []int32 // link numbers
	rank   []int32 // insertion position -> index number; nil when they are the same

	destroys map[int32][]int32
	trees    map[int32][]treeNode // cascade shortest-path trees by source, for Chain
	env      []int32              // memo of EnvironmentOf: -2 not computed, -1 none
	mark     []uint32             // visit stamps, so traversals allocate no sets
	stamp    uint32
	// Chain's search state, kept while memoised trees are: labels, the edges that gave
	// them, and the work lists.
	bfsKey     []int64
	bfsEdge    []int32
	bfsReached []int32
	bfsFront   []bfsItem
	bfsBack    []bfsItem
}

type bfsItem struct {
	n   int32
	key int64 // cost << 32 | hops
}

// half is one end of an edge seen from the other: the resource at that end and the edge's
// link number in the graph's arena.
type half struct{ n, e int32 }

// run is the edges of one resource in one direction.
type run struct {
	x     *Index
	links []int32 // link numbers, or nil for the links lo, lo+1, ..., hi-1
	lo    int32
	hi    int32
	in    bool // the other end is the links' from
}

func (r run) len() int { return int(r.hi - r.lo) }

func (r run) at(i int) half {
	e := r.lo + int32(i)
	if r.links != nil {
		e = r.links[i]
	}
	l := r.x.g.links.At(e)
	if r.in {
		return half{r.x.num(l.from), e}
	}
	return half{r.x.num(l.to), e}
}

// num is the index number of an insertion position.
func (x *Index) num(p int32) int32 {
	if x.rank != nil {
		return x.rank[p]
	}
	return p
}

// treeNode is a resource reached by a cascade tree, its parent and the link between them.
type treeNode struct{ n, parent, e int32 }

// kindCode is k's position in EdgeKinds (which is sorted, so codes order like kinds), or
// len(EdgeKinds) for an unknown kind.
func kindCode(k EdgeKind) uint8 {
	for i, x := range EdgeKinds {
		if x == k {
			return uint8(i)
		}
	}
	return uint8(len(EdgeKinds))
}

var (
	codeContains    = kindCode(Contains)
	codeDeletesWith = kindCode(DeletesWith)
)

// Index returns the graph's traversal index, building it if needed.
func (g *Graph) Index() *Index {
	if g.idx != nil {
		return g.idx
	}
	rs := g.Resources()
	n, ne := len(rs), int(g.links.Len())
	x := &Index{
		g:        g,
		res:      rs,
		outOff:   make([]int32, n+1),
		inOff:    make([]int32, n+1),
		in:       make([]int32, ne),
		destroys: map[int32][]int32{},
		trees:    map[int32][]treeNode{},
		env:      make([]int32, n),
		mark:     make([]uint32, n),
	}
	for i := range x.env {
		x.env[i] = -2
	}
	// Index numbers are ID order, insertion positions the order of Add: the same when the
	// resources were added sorted (tfmap does), else rank maps one to the other.
	for i, r := range rs {
		if p, _ := g.position(r.ID); p != int32(i) {
			x.rank = make([]int32, n)
			for i, r := range rs {
				p, _ := g.position(r.ID)
				x.rank[p] = int32(i)
			}
			break
		}
	}
	// The forward order: by (from, to, kind). Links made in that order need no list.
	sorted := true
	var prev half // from, to of the previous link
	var prevKind uint8
	for i := range ne {
		l := g.links.At(int32(i))
		f, t := x.num(l.from), x.num(l.to)
		x.outOff[f+1]++
		if i > 0 && (f < prev.n || f == prev.n && (t < prev.e || t == prev.e && l.kind < prevKind)) {
			sorted = false
		}
		prev, prevKind = half{f, t}, l.kind
	}
	for i := range n {
		x.outOff[i+1] += x.outOff[i]
	}
	next := slices.Clone(x.outOff[:n])
	if !sorted {
		x.out = make([]int32, ne)
		for i := range ne {
			f := x.num(g.links.At(int32(i)).from)
			x.out[next[f]] = int32(i)
			next[f]++
		}
		less := func(a, b int32) int {
			la, lb := g.links.At(a), g.links.At(b)
			if ta, tb := x.num(la.to), x.num(lb.to); ta != tb {
				return int(ta - tb)
			}
			return int(la.kind) - int(lb.kind)
		}
		for i := range n {
			slices.SortFunc(x.out[x.outOff[i]:x.outOff[i+1]], less)
		}
	}
	// The reverse adjacency, filled in the forward order, so each resource's in-edges
	// come sorted by (from, kind).
	for i := range ne {
		x.inOff[x.num(g.links.At(int32(i)).to)+1]++
	}
	for i := range n {
		x.inOff[i+1] += x.inOff[i]
	}
	copy(next, x.inOff[:n])
	for f := range n {
		o := x.outOf(int32(f))
		for i := range o.len() {
			h := o.at(i)
			x.in[next[h.n]] = h.e
			next[h.n]++
		}
	}
	g.noted = nil // the notes stay; their lookup map is made again if an edge is added
	g.idx = x
	return x
}

// lookup returns the index number of the resource with the given ID.
func (x *Index) lookup(id string) (int32, bool) {
	p, ok := x.g.position(id)
	if !ok {
		return 0, false
	}
	if x.rank != nil {
		p = x.rank[p]
	}
	return p, true
}

func (x *Index) kind(h half) uint8 { return x.g.links.At(h.e).kind }

func (x *Index) outOf(n int32) run {
	r := run{x: x, lo: x.outOff[n], hi: x.outOff[n+1]}
	if x.out != nil {
		r.links = x.out[r.lo:r.hi]
	}
	return r
}

func (x *Index) inOf(n int32) run {
	lo, hi := x.inOff[n], x.inOff[n+1]
	return run{x: x, links: x.in[lo:hi], lo: lo, hi: hi, in: true}
}

// Resource returns the resource with the given ID.
func (x *Index) Resource(id string) (*Resource, bool) {
	i, ok := x.lookup(id)
	if !ok {
		return nil, false
	}
	return x.res[i], true
}

// Num is r's number in the index: resources are numbered 0 to Len()-1 in ID order.
func (x *Index) Num(r *Resource) int32 { return x.at(r) }

// At is the resource numbered n.
func (x *Index) At(n int32) *Resource { return x.res[n] }

// Len is the number of resources indexed.
func (x *Index) Len() int { return len(x.res) }

// DestroysNums is Destroys as resource numbers, sorted (so in ID order). The slice is
// the memo's: do not modify it.
func (x *Index) DestroysNums(r *Resource) []int32 { return x.destroysIdx(x.at(r)) }

func (x *Index) at(r *Resource) int32 {
	i, _ := x.lookup(r.ID)
	return i
}

// kindMask is the set of kind codes of kinds (every kind if none).
func kindMask(kinds []EdgeKind) uint16 {
	if len(kinds) == 0 {
		return 1<<16 - 1
	}
	var m uint16
	for _, k := range kinds {
		m |= 1 << kindCode(k)
	}
	return m
}

// Out returns r's outgoing edges of the given kinds (all kinds if none), sorted. The
// edges are made for the call (see Graph).
func (x *Index) Out(r *Resource, kinds ...EdgeKind) []*Edge {
	return x.edges(x.outOf(x.at(r)), kindMask(kinds))
}

// In returns r's incoming edges of the given kinds (all kinds if none), sorted. The
// edges are made for the call (see Graph).
func (x *Index) In(r *Resource, kinds ...EdgeKind) []*Edge {
	return x.edges(x.inOf(x.at(r)), kindMask(kinds))
}

// Between returns the edges from a to b, then those from b to a, each sorted as Out gives
// them: a binary search in each adjacency run, so a resource with tens of thousands of
// edges (an account that contains every target of a state) costs no more than any other.
func (x *Index) Between(a, b *Resource) []*Edge {
	ia, ok := x.lookup(a.ID)
	if !ok {
		return nil
	}
	ib, ok := x.lookup(b.ID)
	if !ok {
		return nil
	}
	var links []int32
	for _, d := range [2][2]int32{{ia, ib}, {ib, ia}} {
		o := x.outOf(d[0])
		i := sort.Search(o.len(), func(i int) bool { return o.at(i).n >= d[1] })
		for ; i < o.len() && o.at(i).n == d[1]; i++ {
			links = append(links, o.at(i).e)
		}
	}
	if len(links) == 0 {
		return nil
	}
	vals := make([]Edge, len(links))
	out := make([]*Edge, len(links))
	for i, e := range links {
		x.g.edge(x.g.links.At(e), &vals[i])
		out[i] = &vals[i]
	}
	return out
}

// Successors returns the ends of r's outgoing edges of the given kinds (all kinds if
// none), in the order of Out: what Out gives, without making the edges.
func (x *Index) Successors(r *Resource, kinds ...EdgeKind) []*Resource {
	return x.ends(x.outOf(x.at(r)), kindMask(kinds))
}

// Predecessors returns the starts of r's incoming edges of the given kinds (all kinds if
// none), in the order of In.
func (x *Index) Predecessors(r *Resource, kinds ...EdgeKind) []*Resource {
	return x.ends(x.inOf(x.at(r)), kindMask(kinds))
}

// AppendSuccessorNums appends to dst the numbers of the ends of the outgoing edges of
// the resource numbered n, as Successors gives them: traversals that work in numbers look
// nothing up by ID.
func (x *Index) AppendSuccessorNums(dst []int32, n int32, kinds ...EdgeKind) []int32 {
	return x.appendEnds(dst, x.outOf(n), kindMask(kinds))
}

// AppendPredecessorNums appends to dst the numbers of the starts of the incoming edges of
// the resource numbered n, as Predecessors gives them.
func (x *Index) AppendPredecessorNums(dst []int32, n int32, kinds ...EdgeKind) []int32 {
	return x.appendEnds(dst, x.inOf(n), kindMask(kinds))
}

func (x *Index) appendEnds(dst []int32, hs run, mask uint16) []int32 {
	for i := range hs.len() {
		if h := hs.at(i); mask&(1<<x.kind(h)) != 0 {
			dst = append(dst, h.n)
		}
	}
	return dst
}

func (x *Index) ends(hs run, mask uint16) []*Resource {
	var out []*Resource
	for i := range hs.len() {
		if h := hs.at(i); mask&(1<<x.kind(h)) != 0 {
			out = append(out, x.res[h.n])
		}
	}
	return out
}

func (x *Index) edges(hs run, mask uint16) []*Edge {
	n := 0
	for i := range hs.len() {
		if mask&(1<<x.kind(hs.at(i))) != 0 {
			n++
		}
	}
	if n == 0 {
		return nil
	}
	vals := make([]Edge, n)
	out := make([]*Edge, 0, n)
	for i := range hs.len() {
		if h := hs.at(i); mask&(1<<x.kind(h)) != 0 {
			e := &vals[len(out)]
			x.g.edge(x.g.links.At(h.e), e)
			out = append(out, e)
		}
	}
	return out
}

func (x *Index) cascades(h half) bool {
	k := x.kind(h)
	return k == codeContains || k == codeDeletesWith
}

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
		o := x.outOf(out[i])
		for j := range o.len() {
			if h := o.at(j); x.cascades(h) && x.mark[h.n] != stamp {
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
	// Labels (cost << 32 | hops) and the edge that gave them live in arrays over all
	// resources, valid where mark holds this search's stamp: a search over a cascade of
	// 50,000 resources makes no maps.
	if x.bfsKey == nil {
		x.bfsKey, x.bfsEdge = make([]int64, len(x.res)), make([]int32, len(x.res))
	}
	stamp := x.nextStamp()
	x.mark[s], x.bfsKey[s] = stamp, 0
	reached := x.bfsReached[:0]
	front := x.bfsFront[:0]                               // zero-cost pushes, popped first (a stack)
	back, head := append(x.bfsBack[:0], bfsItem{s, 0}), 0 // unit-cost pushes (a queue)
	for len(front) > 0 || head < len(back) {
		var it bfsItem
		if n := len(front); n > 0 {
			it, front = front[n-1], front[:n-1]
		} else {
			it = back[head]
			head++
		}
		if x.bfsKey[it.n] != it.key {
			continue // stale entry
		}
		cost, hops := it.key>>32, it.key&(1<<32-1)
		o := x.outOf(it.n)
		for j := range o.len() {
			h := o.at(j)
			if !x.cascades(h) {
				continue
			}
			c := cost
			if x.kind(h) == codeContains {
				c++
			}
			key := c<<32 | (hops + 1)
			if x.mark[h.n] == stamp {
				if x.bfsKey[h.n] <= key {
					continue // not better
				}
			} else {
				x.mark[h.n] = stamp
				reached = append(reached, h.n)
			}
			x.bfsKey[h.n], x.bfsEdge[h.n] = key, h.e
			if c == cost {
				front = append(front, bfsItem{h.n, key})
			} else {
				back = append(back, bfsItem{h.n, key})
			}
		}
	}
	if max(cap(back), cap(front), cap(reached)) <= 4096 { // reused by the next search, unless a large one grew them
		x.bfsReached, x.bfsFront, x.bfsBack = reached, front, back
	} else {
		x.bfsReached, x.bfsFront, x.bfsBack = nil, nil, nil
	}
	// The tree is kept as a slice sorted by resource (12 bytes a node, searched in
	// O(log n)): a source's tree is walked once per chain asked.
	tree := make([]treeNode, len(reached))
	for i, n := range reached {
		e := x.bfsEdge[n]
		tree[i] = treeNode{n, x.num(x.g.links.At(e).from), e}
	}
	slices.SortFunc(tree, func(a, b treeNode) int { return int(a.n - b.n) })
	x.trees[s] = tree
	return x.walk(tree, s, t)
}

func findNode(tree []treeNode, n int32) (treeNode, bool) {
	i, ok := slices.BinarySearchFunc(tree, n, func(t treeNode, n int32) int { return int(t.n - n) })
	if !ok {
		return treeNode{}, false
	}
	return tree[i], true
}

func (x *Index) walk(tree []treeNode, s, t int32) []*Edge {
	node, ok := findNode(tree, t)
	if !ok {
		return nil
	}
	var links []int32 // from t back to s
	for {
		links = append(links, node.e)
		if node.parent == s {
			break
		}
		node, _ = findNode(tree, node.parent)
	}
	vals := make([]Edge, len(links))
	chain := make([]*Edge, len(links))
	for i := range chain {
		e := &vals[i]
		x.g.edge(x.g.links.At(links[len(links)-1-i]), e)
		chain[i] = e
	}
	return chain
}

// EnvironmentOf returns the environment that contains r (directly or through its
// containers), or nil. A resource held by several environments returns the first found
// breadth-first (in-edges in index order).
//
// The search stops at the first environment it enqueues (the one it would have dequeued
// first), and a search that finds none marks every resource it visited as having none, so
// later searches stop there: a container of every resource of an account (with an edge in
// from every credential that may delete all of it) is expanded once, not once per resource.
func (x *Index) EnvironmentOf(r *Resource) *Resource {
	n := x.at(r)
	if e := x.env[n]; e != -2 {
		if e < 0 {
			return nil
		}
		return x.res[e]
	}
	stamp := x.nextStamp()
	x.mark[n] = stamp
	queue := []int32{n}
	for i := 0; i < len(queue); i++ {
		c := queue[i]
		if c != n && x.env[c] == -1 {
			continue // nothing above c is an environment
		}
		in := x.inOf(c)
		for j := range in.len() {
			h := in.at(j)
			if x.kind(h) != codeContains || x.mark[h.n] == stamp {
				continue
			}
			if x.res[h.n].Kind == Environment {
				x.env[n] = h.n
				return x.res[h.n]
			}
			x.mark[h.n] = stamp
			queue = append(queue, h.n)
		}
	}
	for _, c := range queue {
		x.env[c] = -1
	}
	return nil
}

// DestroysID reports whether deleting r destroys the resource with the given ID, without
// building a set: a binary search in r's memoised cascade closure.
func (x *Index) DestroysID(r *Resource, id string) bool {
	n, ok := x.lookup(id)
	if !ok {
		return false
	}
	_, found := slices.BinarySearch(x.destroysIdx(x.at(r)), n)
	return found
}

// ResetMemo drops the memoised cascade closures and chains (Destroys, Chain), which are
// made again on demand: call it when a run of queries is over and the index stays alive
// with the graph.
func (x *Index) ResetMemo() {
	x.destroys = map[int32][]int32{}
	x.trees = map[int32][]treeNode{}
	x.bfsKey, x.bfsEdge, x.bfsReached, x.bfsFront, x.bfsBack = nil, nil, nil, nil, nil
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
