package analyze

import (
	"cmp"
	"slices"
	"time"

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
	parent *reachNode
	depth  int
	delta  []int32 // destroyed here, not by the parent's union: resource numbers, sorted
	// What this step adds, sorted by number: at-risk data holders (Pass.AtRisk: production
	// or unknown tier), and at-risk holders that lose every recovery point here and not at
	// the parent (wiped).
	atRisk, wiped []int32
	stats         ReachStats // over the whole union
	// Order-free hashes of the union's at-risk and wiped sets (sums of their IDs' hashes:
	// the sets' steps along a path are disjoint, so the sum does not depend on how the
	// union was split into steps). Grouped findings' fingerprints key on them.
	atRiskSum, wipedSum, destroyedSum uint64
	children                          map[int32]*reachNode
}

// ReachStats counts what a credential's deletes destroy.
type ReachStats struct {
	Destroyed          int // resources
	Holders            int // data holders
	Production         int // holders of production tier
	AtRisk             int // holders of production or unknown tier (unknown is never safe)
	Unrecoverable      int // holders with no surviving recovery point
	UnrecoverableProd  int // of production tier
	UnrecoverableRisk  int // of production or unknown tier
	RecoveryPointsLost int
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

// holderFate is a data holder's state under a union: its tier class, and how many of its
// recovery points it has and loses.
type holderFate struct {
	prod, risk   bool
	copies, lost int
}

func (f holderFate) unrecoverable() bool { return f.lost == f.copies }

// fate is the fate of holder d (numbered dn) under the union at n: a recovery point is
// lost when it, or a store it lives in, is destroyed. It works in index numbers, with the
// pass's scratch slices: it runs for every holder a reach step touches.
func (p *Pass) fate(n *reachNode, dn int32) holderFate {
	d := p.Index.At(dn)
	f := holderFate{prod: p.Tier(d) == graph.Production, risk: p.AtRisk(d)}
	copies := p.Index.AppendPredecessorNums(p.fateCopies[:0], dn, graph.BacksUp)
	for _, c := range copies {
		f.copies++
		if n.has(c) {
			f.lost++
			continue
		}
		stores := p.Index.AppendSuccessorNums(p.fateStores[:0], c, graph.StoredIn)
		for _, s := range stores {
			if n.has(s) {
				f.lost++
				break
			}
		}
		p.fateStores = stores[:0]
	}
	p.fateCopies = copies[:0]
	return f
}

// add counts a holder's fate into the stats (sign -1 takes it out).
func (s *ReachStats) add(f holderFate, sign int) {
	s.Holders += sign
	s.RecoveryPointsLost += sign * f.lost
	if f.prod {
		s.Production += sign
	}
	if f.risk {
		s.AtRisk += sign
	}
	if f.unrecoverable() {
		s.Unrecoverable += sign
		if f.prod {
			s.UnrecoverableProd += sign
		}
		if f.risk {
			s.UnrecoverableRisk += sign
		}
	}
}

// newReachNode makes the step that adds part to parent's union. Its stats are the
// parent's, corrected for the holders whose fate the step changes: those it destroys, and
// those of the parent's union whose recovery points (or the stores they live in) it
// destroys, found from the delta, never by scanning the parent's union.
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
		c.stats = c.parent.stats
		c.atRiskSum, c.wipedSum, c.destroyedSum = c.parent.atRiskSum, c.parent.wipedSum, c.parent.destroyedSum
	}
	c.stats.Destroyed += len(c.delta)
	var cands []int32
	for _, x := range c.delta {
		r := p.Index.At(x)
		c.destroyedSum += idHash(r.ID)
		if p.IsHolder(r) {
			f := p.fate(c, x)
			c.stats.add(f, 1)
			if f.risk {
				c.atRisk = append(c.atRisk, x)
				c.atRiskSum += idHash(r.ID)
			}
			if f.unrecoverable() {
				p.lostHere(c, x, f)
			}
		}
		if c.parent == nil {
			continue
		}
		cands = p.Index.AppendSuccessorNums(cands, x, graph.BacksUp)
		stored := p.Index.AppendPredecessorNums(p.fateStores[:0], x, graph.StoredIn)
		for _, cp := range stored {
			cands = p.Index.AppendSuccessorNums(cands, cp, graph.BacksUp)
		}
		p.fateStores = stored[:0]
	}
	slices.Sort(cands)
	for _, h := range slices.Compact(cands) {
		if _, inDelta := slices.BinarySearch(c.delta, h); inDelta || !c.parent.has(h) {
			continue // judged above, or not destroyed
		}
		r := p.Index.At(h)
		if !p.IsHolder(r) {
			continue
		}
		before, after := p.fate(c.parent, h), p.fate(c, h)
		c.stats.add(before, -1)
		c.stats.add(after, 1)
		if after.unrecoverable() && !before.unrecoverable() {
			p.lostHere(c, h, after)
		}
	}
	slices.Sort(c.wiped) // appended in delta order, then the candidates'
	return c
}

// lostHere records that holder x loses every recovery point at step c.
func (p *Pass) lostHere(c *reachNode, x int32, f holderFate) {
	if f.risk {
		c.wiped = append(c.wiped, x)
		c.wipedSum += idHash(p.Index.At(x).ID)
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
	Targets   []*graph.Edge // scoped_to edges with the delete action, sorted
	CannotAct string        // why the credential cannot act (expired, disabled): its reach is empty
	p         *Pass
	node      *reachNode // nil: no delete target
	direct    map[string]bool
}

// Len is the number of resources the credential may destroy.
func (r *Reach) Len() int { return r.Stats().Destroyed }

// SetHash is an order-free hash of the IDs of everything the credential may destroy: two
// reaches (in two graphs, before and after a change) with the same hash and Len destroy the
// same resources, but for a 64-bit collision.
func (r *Reach) SetHash() uint64 {
	if r.node == nil {
		return 0
	}
	return r.node.destroyedSum
}

// Stats counts what the credential may destroy, without listing it.
func (r *Reach) Stats() ReachStats {
	if r.node == nil {
		return ReachStats{}
	}
	return r.node.stats
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

// AtRisk is the number of at-risk data holders (Pass.AtRisk: production or unknown tier)
// the credential may destroy.
func (r *Reach) AtRisk() int { return r.Stats().AtRisk }

// AtRiskResources lists them, sorted by ID (made on each call: for one credential).
func (r *Reach) AtRiskResources() []*graph.Resource {
	return r.collect(func(n *reachNode) []int32 { return n.atRisk })
}

// Wiped is the number of at-risk data holders the credential may destroy together with
// every one of their recovery points.
func (r *Reach) Wiped() int { return r.Stats().UnrecoverableRisk }

// WipedResources lists them, sorted by ID (made on each call: for one credential).
func (r *Reach) WipedResources() []*graph.Resource {
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
	if why, can := p.CanAct(t); !can {
		r.CannotAct = why // no reach: expired or disabled credentials act on nothing
		p.reach[t] = r
		return r
	}
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

// idHash is the 64-bit FNV-1a hash of a resource ID: deterministic across runs and
// machines (fingerprints depend on it), and a tenth of SHA-256's cost on the IDs of every
// resource a credential may destroy.
func idHash(id string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(id); i++ {
		h ^= uint64(id[i])
		h *= 1099511628211
	}
	return h
}

// CanAct reports whether credential t can act at the pass's reference time, and why not: a
// credential past its expiry, or one its discoverer says is disabled (graph.AttrDisabled),
// has no reach, whatever its scope says. An expiry that cannot be read is not treated as
// past: unknown is never safe.
func (p *Pass) CanAct(t *graph.Resource) (why string, can bool) {
	if d, ok := t.Attr(graph.AttrDisabled); ok && d != "" {
		return "disabled: " + d, false
	}
	if exp, ok := t.Attr(graph.AttrExpiresAt); ok && exp != graph.Never {
		if at, err := time.Parse(time.RFC3339, exp); err == nil && at.Before(p.Opts.Now) {
			return "expired on " + at.UTC().Format(DateLayout), false
		}
	}
	return "", true
}
