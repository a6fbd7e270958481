package analyze

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"slices"

	"github.com/bulkhead-dev/bulkhead/graph"
)

// GroupListMax is how many resources a finding about a credential lists itself. Past it,
// the finding lists the first ones (worst first), says how many there are (Count) and
// names the report's groups (Groups) whose resources together are the full list: the groups
// are shared among the credentials whose grants are shared, so a report grows with
// credentials plus resources, never with their product.
const GroupListMax = 10

// Group is a set of resources that several findings share (Report.Groups).
type Group struct {
	ID        string   `json:"id"`
	Resources []string `json:"resources"` // sorted
}

// ReachSet says which of a reach node's sets a group lists.
type ReachSet uint8

const (
	AtRiskSet ReachSet = iota // at-risk holders (Pass.AtRisk)
	WipedSet                  // at-risk holders with no surviving recovery point
)

type groupKey struct {
	n    *reachNode
	kind ReachSet
}

// nodeGroup returns the ID of the group listing one of n's sets, making it once; "" for
// an empty set.
func (p *Pass) nodeGroup(n *reachNode, kind ReachSet) string {
	k := groupKey{n, kind}
	if g, ok := p.groupOf[k]; ok {
		return g.ID
	}
	nums := n.atRisk
	prefix := "at-risk:"
	if kind == WipedSet {
		nums, prefix = n.wiped, "wiped:"
	}
	if len(nums) == 0 {
		return ""
	}
	g := &Group{Resources: make([]string, len(nums))}
	h := sha256.New()
	for i, x := range nums {
		g.Resources[i] = p.Index.At(x).ID
		h.Write([]byte(g.Resources[i]))
		h.Write([]byte{0})
	}
	g.ID = prefix + hex.EncodeToString(h.Sum(nil)[:8])
	if p.groupOf == nil {
		p.groupOf = map[groupKey]*Group{}
	}
	p.groupOf[k] = g
	return g.ID
}

// groupsOf lists the groups that together hold one of reach r's sets.
func (p *Pass) GroupsOf(r *Reach, kind ReachSet) []string {
	var out []string
	for _, n := range r.node.chain() {
		if id := p.nodeGroup(n, kind); id != "" {
			out = append(out, id)
		}
	}
	return out
}

// groups is every group made in the pass, by ID (identical sets share one).
func (p *Pass) groups() []Group {
	byID := map[string]*Group{}
	for _, g := range p.groupOf {
		byID[g.ID] = g
	}
	out := make([]Group, 0, len(byID))
	for _, id := range slices.Sorted(maps.Keys(byID)) {
		out = append(out, *byID[id])
	}
	return out
}

// first returns the first max resources, in ID order, of one of reach r's sets: a merge
// of the sorted sets along its path, so it costs max times the path's length.
func (p *Pass) FirstOf(r *Reach, kind ReachSet, max int) []*graph.Resource {
	if r.node == nil {
		return nil
	}
	chain := r.node.chain()
	lists := make([][]int32, len(chain))
	for i, n := range chain {
		lists[i] = n.atRisk
		if kind == WipedSet {
			lists[i] = n.wiped
		}
	}
	var out []*graph.Resource
	for len(out) < max {
		best := -1
		for i, l := range lists {
			if len(l) > 0 && (best < 0 || l[0] < lists[best][0]) {
				best = i
			}
		}
		if best < 0 {
			break
		}
		out = append(out, p.Index.At(lists[best][0]))
		lists[best] = lists[best][1:]
	}
	return out
}

// GroupFinding builds a finding about credential t and one of its reach's sets, of which
// shown are the first. A set longer than shown is counted and named by its groups. The
// fingerprint keys on the set: its IDs when they are all shown, else its size and an
// order-free hash of its IDs, so it changes when the set does, at a cost that does not grow
// with the set, whichever way the credential's grants split it.
func (p *Pass) GroupFinding(t *graph.Resource, reach *Reach, kind ReachSet, shown []*graph.Resource, format string, args ...any) Finding {
	total, sum := reach.Wiped(), reach.node.wipedSum
	if kind == AtRiskSet {
		total, sum = reach.AtRisk(), reach.node.atRiskSum
	}
	if total <= len(shown) {
		return p.Finding(t, shown, format, args...)
	}
	groups := p.GroupsOf(reach, kind)
	key := &graph.Resource{ID: fmt.Sprintf("%d resources, set hash %016x", total, sum)}
	f := p.Finding(t, []*graph.Resource{key}, format, args...)
	f.Resources = f.Resources[:0:0]
	f.Resources = append(f.Resources, t.ID)
	for _, d := range shown {
		f.Resources = append(f.Resources, d.ID)
	}
	f.Count, f.Groups = total, groups
	return f
}
