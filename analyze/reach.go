package analyze

import (
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"slices"

	"github.com/bulkhead-dev/bulkhead/graph"
)

// Credential reach, shared.
//
// A credential may delete the targets of its scoped_to edges (resources and shared scopes)
// and everything they cascade to. Many credentials share most of that: a thousand keys with
// the same managed policy share its scopes, and only their own bucket or database differs.
// The union of a credential's delete targets is therefore kept as a path in a trie whose
// edges are delete targets, taken largest cascade first: a node holds only what its target
// destroys beyond its parent's union (the delta), plus the at-risk data and the data with
// no surviving recovery point that this step adds. Credentials with the same large grants
// share the prefix, so the work and the memory of every credential's reach grow with
// credentials plus resources, never with their product; asking whether a credential
// destroys a resource is a binary search per step of its path.

// reachNode is one step of a credential's path: the union of its ancestors' targets and
// its own.
type reachNode struct {
	parent   *reachNode
	depth    int
	delta    []int32 // destroyed here, not by the parent's union: resource numbers, sorted
	size     int     // destroyed by the whole union
	atRisk   []int32 // at-risk data holders in delta, sorted
	nAtRisk  int     // over the union
	wiped    []int32 // at-risk holders whose every recovery point dies with the union, not already at the parent's, sorted
	nWiped   int
	wipeDone bool
	// Order-free hashes of the union's at-risk and wiped sets (sums of their IDs' hashes:
	// the deltas along a path are disjoint, so the sum does not depend on how the union
	// was split into steps). Grouped findings' fingerprints key on them.
	atRiskSum, wipedSum uint64
	children map[int32]*reachNode
}

// has reports whether the union at n destroys resource number x.
func (n *reachNode) has(x int32) bool {
	for ; n != nil; n = n.parent {
		if _, ok := slices.BinarySearch(n.delta, x); ok {
			return true
		}
	}
	return false
}

// wipedHas reports whether x is wiped at n.
func (n *reachNode) wipedHas(x int32) bool {
	for ; n != nil; n = n.parent {
		if _, ok := slices.BinarySearch(n.wiped, x); ok {
			return true
		}
	}
	return false
}

// chain is the path from the root's first child to n.
func (n *reachNode) chain() []*reachNode {
	out := make([]*reachNode, n.depth)
	for i := n.depth - 1; n != nil && i >= 0; n, i = n.parent, i-1 {
		out[i] = n
	}
	return out
}

// reachTrie is the pass's shared trie.
type reachTrie struct {
	root reachNode
}

// atRiskHolder is the predicate of credential findings: a data holder of production tier.
func (p *Pass) atRiskHolder(x int32) bool {
	d := p.Index.At(x)
	return p.IsHolder(d) && p.Tier(d) == graph.Production
}

// reachNodeOf walks (and extends) the trie along parts, which must be sorted by
// reachOrder.
func (p *Pass) reachNodeOf(parts []int32) *reachNode {
	n := &p.trie.root
	for _, part := range parts {
		c, ok := n.children[part]
		if !ok {
			c = p.newReachNode(n, part)
			if n.children == nil {
				n.children = map[int32]*reachNode{}
			}
			n.children[part] = c
		}
		n = c
	}
	return n
}

func (p *Pass) newReachNode(parent *reachNode, part int32) *reachNode {
	all := p.Index.DestroysNums(p.Index.At(part))
	c := &reachNode{depth: parent.depth + 1}
	if parent != &p.trie.root {
		c.parent = parent
	}
	if c.parent == nil {
		c.delta = all // the memo's sorted slice, shared
	} else {
		for _, x := range all {
			if !c.parent.has(x) {
				c.delta = append(c.delta, x)
			}
		}
	}
	c.size = len(c.delta)
	if c.parent != nil {
		c.size += c.parent.size
		c.nAtRisk = c.parent.nAtRisk
	}
	for _, x := range c.delta {
		if p.atRiskHolder(x) {
			c.atRisk = append(c.atRisk, x)
		}
	}
	c.nAtRisk += len(c.atRisk)
	if c.parent != nil {
		c.atRiskSum = c.parent.atRiskSum
	}
	for _, x := range c.atRisk {
		c.atRiskSum += idHash(p.Index.At(x).ID)
	}
	return c
}

// survives reports whether some recovery point of holder d outlives the union at n: the
// copy and every store it lives in must survive.
func (p *Pass) survivesAt(n *reachNode, d *graph.Resource) bool {
	for _, c := range p.Copies(d) {
		if n.has(p.Index.Num(c)) {
			continue
		}
		lost := false
		for _, s := range p.Index.Successors(c, graph.StoredIn) {
			if n.has(p.Index.Num(s)) {
				lost = true
				break
			}
		}
		if !lost {
			return true
		}
	}
	return false
}

// computeWiped fills n's wiped delta (and its ancestors').
func (p *Pass) computeWiped(n *reachNode) {
	if n == nil || n.wipeDone {
		return
	}
	p.computeWiped(n.parent)
	n.wipeDone = true
	var out []int32
	// What this step adds that is at risk.
	for _, x := range n.atRisk {
		if !p.survivesAt(n, p.Index.At(x)) {
			out = append(out, x)
		}
	}
	// Holders of the parent's union whose last surviving copies this step destroys:
	// found from the copies and stores in the delta, never by scanning the parent.
	if n.parent != nil {
		var cands []int32
		for _, x := range n.delta {
			r := p.Index.At(x)
			copies := []*graph.Resource{r}
			copies = append(copies, p.Index.Predecessors(r, graph.StoredIn)...)
			for _, c := range copies {
				for _, h := range p.Index.Successors(c, graph.BacksUp) {
					cands = append(cands, p.Index.Num(h))
				}
			}
		}
		slices.Sort(cands)
		for _, h := range slices.Compact(cands) {
			if _, inDelta := slices.BinarySearch(n.delta, h); inDelta {
				continue // judged above
			}
			if !n.parent.has(h) || !p.atRiskHolder(h) || n.parent.wipedHas(h) {
				continue
			}
			if !p.survivesAt(n, p.Index.At(h)) {
				out = append(out, h)
			}
		}
	}
	slices.Sort(out)
	n.wiped = out
	n.nWiped = len(out)
	if n.parent != nil {
		n.nWiped += n.parent.nWiped
		n.wipedSum = n.parent.wipedSum
	}
	for _, x := range out {
		n.wipedSum += idHash(p.Index.At(x).ID)
	}
}

// reachOrder sorts delete targets largest cascade first, then by number, so that
// credentials sharing large grants share the trie's prefix.
func (p *Pass) reachOrder(parts []int32) {
	slices.SortFunc(parts, func(a, b int32) int {
		la, lb := len(p.Index.DestroysNums(p.Index.At(a))), len(p.Index.DestroysNums(p.Index.At(b)))
		if la != lb {
			return cmp.Compare(lb, la)
		}
		return cmp.Compare(a, b)
	})
}

// Reach is what a credential may delete: the resources its scoped_to edges allow it to
// delete, and the cascade closure of those deletes, kept shared with other credentials.
type Reach struct {
	Targets []*graph.Edge // scoped_to edges with the delete action, sorted
	p       *Pass
	node    *reachNode // nil: no delete target
	direct  map[string]bool
}

// Len is the number of resources the credential may destroy.
func (r *Reach) Len() int {
	if r.node == nil {
		return 0
	}
	return r.node.size
}

// Has reports whether the credential may destroy d.
func (r *Reach) Has(d *graph.Resource) bool {
	return r.node != nil && r.node.has(r.p.Index.Num(d))
}

// HasID reports whether the credential may destroy the resource with the given ID.
func (r *Reach) HasID(id string) bool {
	d, ok := r.p.Index.Resource(id)
	return ok && r.Has(d)
}

// Resources returns every resource the credential may destroy, sorted by ID. It is made
// on each call: for one credential's blast, not for a loop over credentials.
func (r *Reach) Resources() []*graph.Resource {
	if r.node == nil {
		return nil
	}
	var nums []int32
	for _, n := range r.node.chain() {
		nums = append(nums, n.delta...)
	}
	slices.Sort(nums)
	out := make([]*graph.Resource, len(nums))
	for i, x := range nums {
		out[i] = r.p.Index.At(x)
	}
	return out
}

// Destroyed is Resources as a set of IDs, made on each call.
func (r *Reach) Destroyed() map[string]bool {
	rs := r.Resources()
	m := make(map[string]bool, len(rs))
	for _, d := range rs {
		m[d.ID] = true
	}
	return m
}

// AtRisk is the number of production data holders the credential may destroy.
func (r *Reach) AtRisk() int {
	if r.node == nil {
		return 0
	}
	return r.node.nAtRisk
}

// AtRiskResources lists them, sorted by ID (made on each call: for one credential).
func (r *Reach) AtRiskResources() []*graph.Resource {
	return r.collect(func(n *reachNode) []int32 { return n.atRisk })
}

// Wiped is the number of production data holders the credential may destroy together with
// every one of their recovery points.
func (r *Reach) Wiped() int {
	if r.node == nil {
		return 0
	}
	r.p.computeWiped(r.node)
	return r.node.nWiped
}

// WipedResources lists them, sorted by ID (made on each call: for one credential).
func (r *Reach) WipedResources() []*graph.Resource {
	if r.node == nil {
		return nil
	}
	r.p.computeWiped(r.node)
	return r.collect(func(n *reachNode) []int32 { return n.wiped })
}

func (r *Reach) collect(part func(*reachNode) []int32) []*graph.Resource {
	if r.node == nil {
		return nil
	}
	var nums []int32
	for _, n := range r.node.chain() {
		nums = append(nums, part(n)...)
	}
	slices.Sort(nums)
	out := make([]*graph.Resource, len(nums))
	for i, x := range nums {
		out[i] = r.p.Index.At(x)
	}
	return out
}

// Reach computes (and memoises) what token t may destroy.
func (p *Pass) Reach(t *graph.Resource) *Reach {
	if r, ok := p.reach[t]; ok {
		return r
	}
	r := &Reach{p: p, direct: map[string]bool{}}
	var parts []int32
	for _, e := range p.Index.Out(t, graph.ScopedTo) {
		if !e.Allows(graph.Delete) {
			continue
		}
		r.Targets = append(r.Targets, e)
		if !r.direct[e.To] {
			r.direct[e.To] = true
			if d, ok := p.Index.Resource(e.To); ok {
				parts = append(parts, p.Index.Num(d))
			}
		}
	}
	if len(parts) > 0 {
		p.reachOrder(parts)
		r.node = p.reachNodeOf(parts)
	}
	p.reach[t] = r
	return r
}

// idHash is the first 8 bytes of SHA-256 of a resource ID.
func idHash(id string) uint64 {
	sum := sha256.Sum256([]byte(id))
	return binary.BigEndian.Uint64(sum[:8])
}
