package gate

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/bulkhead-dev/bulkhead/analyze"
	"github.com/bulkhead-dev/bulkhead/graph"
)

// safeguard is an attribute whose change in one direction weakens protection. The names
// are provider attributes, not types: the same switch means the same on every resource
// that has it. Sources: AWS provider docs for aws_db_instance / aws_rds_cluster
// (deletion_protection, skip_final_snapshot, delete_automated_backups,
// backup_retention_period), aws_dynamodb_table (deletion_protection_enabled),
// aws_s3_bucket and aws_backup_vault (force_destroy), google_sql_database_instance
// (deletion_protection).
type safeguard struct {
	Attr string
	Safe any    // the protective value (bool), or nil for "a number above zero"
	Why  string // what the weaker value means
}

var safeguards = []safeguard{
	{Attr: "backup_retention_period", Safe: nil, Why: "automated backups are switched off"},
	{Attr: "delete_automated_backups", Safe: false, Why: "automated backups are deleted together with the instance"},
	{Attr: graph.AttrDeletionProtection, Safe: true, Why: "one API call deletes it"},
	{Attr: "deletion_protection_enabled", Safe: true, Why: "one API call deletes it"},
	{Attr: "force_destroy", Safe: false, Why: "a delete also deletes everything stored in it"},
	{Attr: "skip_final_snapshot", Safe: false, Why: "no final snapshot is taken when it is deleted"},
}

// scopeOrder ranks graph.AttrScopeLevel values from narrowest to broadest.
var scopeOrder = map[string]int{graph.ScopeResource: 1, graph.ScopeEnvironment: 2, graph.ScopeProject: 3, graph.ScopeWorkspace: 4, graph.ScopeOrganization: 5, graph.ScopeAccount: 5}

func weakenings(bp, ap *analyze.Pass, changes []Change) []Weakening {
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
	// 1. Raw attribute changes of updates and replaces.
	for _, c := range changes {
		a := actionOf(c.Actions)
		if a != "update" && a != "replace" {
			continue
		}
		r := resourceIn(ap, bp, c.ResourceID)
		label := c.Address
		if r != nil {
			label = r.Label()
		}
		id := c.ResourceID
		if id == "" {
			id = c.Address
		}
		for _, s := range safeguards {
			from, ok := c.Before[s.Attr]
			if !ok || !protective(s, from) {
				continue
			}
			w := Weakening{Address: c.Address, Resource: id, Label: label, Attribute: s.Attr, From: show(from), Why: s.Why}
			if unknownAfter(c.AfterUnknown, s.Attr) {
				w.To = "unknown"
				w.Why = "known only after apply, so it may be that " + s.Why
				add(w)
				continue
			}
			to, ok := c.After[s.Attr]
			if !ok || to == nil || protective(s, to) {
				continue
			}
			w.To = show(to)
			add(w)
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
func widened(bp, ap *analyze.Pass, br, ar *graph.Resource, grew *targetGrowth) (Weakening, bool) {
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
	bp, ap *analyze.Pass
	memo   map[string]bool
}

// none reports whether a credential whose delete targets after the change were all its
// targets before (the plan may have removed some) may delete no existing resource it could
// not before.
func (g *targetGrowth) none(before, after *analyze.Reach) bool {
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

func weakeningFinding(bp, ap *analyze.Pass, w *Weakening) analyze.Finding {
	r := resourceIn(ap, bp, w.Resource)
	if r == nil {
		r = &graph.Resource{ID: w.Resource, Kind: graph.Other, Name: w.Address}
	}
	name := w.Address
	if name == "" {
		name = r.Label()
	}
	f := ap.Finding(r, nil, "%s: %s %s → %s", name, w.Attribute, w.From, w.To)
	f.Path = []analyze.Hop{{IDs: []string{r.ID}, Label: r.Label(), Note: string(ap.Tier(r))}}
	f.Detail = w.Why
	if w.To == "unknown" {
		f.Detail = "unknown after apply: " + w.Why
	}
	h := sha256.Sum256([]byte(f.Fingerprint + "\x00" + w.Attribute))
	f.Fingerprint = hex.EncodeToString(h[:])[:16]
	return f
}

func resourceIn(ap, bp *analyze.Pass, id string) *graph.Resource {
	if r, ok := ap.Graph.Resource(id); ok {
		return r
	}
	if r, ok := bp.Graph.Resource(id); ok {
		return r
	}
	return nil
}

func protective(s safeguard, v any) bool {
	if s.Safe == nil {
		n, ok := number(v)
		return ok && n > 0
	}
	b, ok := v.(bool)
	return ok && b == s.Safe
}

func number(v any) (float64, bool) {
	switch n := v.(type) {
	case float64:
		return n, true
	case int:
		return float64(n), true
	case interface{ Float64() (float64, error) }:
		f, err := n.Float64()
		return f, err == nil
	case string:
		f, err := strconv.ParseFloat(n, 64)
		return f, err == nil
	}
	return 0, false
}

func show(v any) string {
	switch x := v.(type) {
	case bool:
		return strconv.FormatBool(x)
	case string:
		return x
	case nil:
		return "null"
	}
	if n, ok := number(v); ok {
		return strconv.FormatFloat(n, 'f', -1, 64)
	}
	return fmt.Sprint(v)
}

// unknownAfter reports whether attr (or part of it) is known only after apply.
func unknownAfter(paths []string, attr string) bool {
	for _, p := range paths {
		if p == attr || strings.HasPrefix(p, attr+".") || strings.HasPrefix(p, attr+"[") {
			return true
		}
	}
	return false
}
