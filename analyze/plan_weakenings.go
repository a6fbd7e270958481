package analyze

import (
	"fmt"
	"sort"
	"strings"

	"github.com/bulkhead-dev/bulkhead/graph"
)

// scopeOrder ranks graph.AttrScopeLevel values from narrowest to broadest.
var scopeOrder = map[string]int{graph.ScopeResource: 1, graph.ScopeEnvironment: 2, graph.ScopeProject: 3, graph.ScopeWorkspace: 4, graph.ScopeOrganization: 5, graph.ScopeAccount: 5}

func weakenings(bp, ap *Pass, changes []PlannedChange) []Weakening {
	var out []Weakening
	seen := map[string]bool{}
	add := func(w Weakening) {
		k := w.Resource + "\x00" + w.Attribute
		if seen[k] {
			return
		}
		seen[k] = true
		out = append(out, w)
	}
	// 1. What the source states of updates and replaces.
	for _, c := range changes {
		if c.Action != "update" && c.Action != "replace" {
			continue
		}
		r := ap.ResourceEither(c.ResourceID)
		label := c.Address
		if r != nil {
			label = r.Label()
		}
		id := c.ResourceID
		if id == "" {
			id = c.Address
		}
		for _, s := range c.Weakened {
			add(Weakening{Address: c.Address, Resource: id, Label: label, Attribute: s.Attribute, From: s.From, To: s.To, Why: s.Why})
		}
	}
	// 2. The graphs: deletion protection and vault locks turned off, credentials widened.
	addrs := make(map[string]string, len(changes))
	for _, c := range changes {
		if c.ResourceID != "" {
			addrs[c.ResourceID] = c.Address
		}
	}
	grew := &targetGrowth{bp: bp, ap: ap, memo: map[string]bool{}}
	for _, br := range bp.Graph.Resources() {
		ar, ok := ap.Graph.Resource(br.ID)
		if !ok {
			continue
		}
		addr := addrs[br.ID]
		if on, ok := br.Bool(graph.AttrDeletionProtection); ok && on {
			if v, _ := ar.Attr(graph.AttrDeletionProtection); v != "true" {
				to := v
				if to == "" {
					to = "absent"
				}
				add(Weakening{Address: addr, Resource: br.ID, Label: ar.Label(), Attribute: graph.AttrDeletionProtection, From: "true", To: to,
					Why: "one API call deletes it"})
			}
		}
		if lock, _ := br.Attr(graph.AttrVaultLock); lock != "" {
			if v, _ := ar.Attr(graph.AttrVaultLock); v == "" || v == graph.VaultLockUnknown {
				to := "removed"
				if v == "unknown" {
					to = "unknown"
				}
				add(Weakening{Address: addr, Resource: br.ID, Label: ar.Label(), Attribute: graph.AttrVaultLock, From: lock, To: to,
					Why: "any principal allowed to delete recovery points can empty the vault"})
			}
		}
		if br.Kind == graph.Token {
			if w, ok := widened(bp, ap, br, ar, grew); ok {
				w.Address = addr
				add(w)
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Resource != out[j].Resource {
			return out[i].Resource < out[j].Resource
		}
		return out[i].Attribute < out[j].Attribute
	})
	if out == nil {
		out = []Weakening{}
	}
	return out
}

// widened reports a credential that may delete more after the change than before: a
// broader scope level, or existing resources it could not delete before.
func widened(bp, ap *Pass, br, ar *graph.Resource, grew *targetGrowth) (Weakening, bool) {
	if v, _ := ar.Attr(graph.AttrReach); v == graph.ReachUnknown {
		if bv, _ := br.Attr(graph.AttrReach); bv != graph.ReachUnknown {
			return Weakening{Resource: br.ID, Label: ar.Label(), Attribute: "authority", From: "known", To: "unknown",
				Why: "what it may delete after the change cannot be determined"}, true
		}
	}
	bReach, aReach := bp.Reach(br), ap.Reach(ar)
	if bReach.Len() == aReach.Len() && bReach.SetHash() == aReach.SetHash() || grew.none(bReach, aReach) {
		// The same set: no resource to list (checked without listing either reach, since
		// every credential of the plan's graphs comes here, not only the changed ones).
		bl, _ := br.Attr(graph.AttrScopeLevel)
		al, _ := ar.Attr(graph.AttrScopeLevel)
		if bl == "" || scopeOrder[al] <= scopeOrder[bl] {
			return Weakening{}, false
		}
	}
	before := bReach.Destroyed()
	var more []string
	for _, d := range ap.Reach(ar).Resources() {
		if before[d.ID] {
			continue
		}
		if _, existed := bp.Graph.Resource(d.ID); existed {
			more = append(more, d.Label())
		}
	}
	also := ""
	if len(more) > 0 {
		shown := more
		if len(shown) > 3 {
			shown = append(shown[:3:3], fmt.Sprintf("%d more", len(more)-3))
		}
		also = "it may now also delete " + strings.Join(shown, ", ")
	}
	bl, _ := br.Attr(graph.AttrScopeLevel)
	al, _ := ar.Attr(graph.AttrScopeLevel)
	if bl != "" && scopeOrder[al] > scopeOrder[bl] {
		why := "its authority now covers a broader scope"
		if also != "" {
			why += "; " + also
		}
		return Weakening{Resource: br.ID, Label: ar.Label(), Attribute: graph.AttrScopeLevel, From: bl, To: al, Why: why}, true
	}
	if also == "" {
		return Weakening{}, false
	}
	return Weakening{Resource: br.ID, Label: ar.Label(), Attribute: "authority",
		From: fmt.Sprintf("may delete %d", len(before)), To: fmt.Sprintf("may delete %d", len(ap.Reach(ar).Resources())), Why: also}, true
}

// targetGrowth tells whether a delete target (a resource or a shared scope, by ID) destroys,
// after the change, a resource that existed before and that it did not destroy then. It is
// memoised per target: every credential with the same grant shares the answer, so comparing
// every credential costs the targets' cascades once, not once per credential.
type targetGrowth struct {
	bp, ap *Pass
	memo   map[string]bool
}

// none reports whether a credential whose delete targets after the change were all its
// targets before (the plan may have removed some) may delete no existing resource it could
// not before.
func (g *targetGrowth) none(before, after *Reach) bool {
	had := make(map[string]bool, len(before.Targets))
	for _, e := range before.Targets {
		had[e.To] = true
	}
	for _, e := range after.Targets {
		if !had[e.To] || g.grows(e.To) {
			return false
		}
	}
	return true
}

func (g *targetGrowth) grows(id string) bool {
	if v, ok := g.memo[id]; ok {
		return v
	}
	v := true
	bt, ok1 := g.bp.Index.Resource(id)
	at, ok2 := g.ap.Index.Resource(id)
	if ok1 && ok2 {
		v = false
		for _, d := range g.ap.Destroys(at) {
			if _, existed := g.bp.Index.Resource(d.ID); existed && !g.bp.Index.DestroysID(bt, d.ID) {
				v = true
				break
			}
		}
	}
	g.memo[id] = v
	return v
}
