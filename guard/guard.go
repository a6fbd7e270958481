// Package guard answers a coding agent's question before it acts: what does this delete
// take with it, and may it go ahead? It resolves a target the way an agent has it (a
// Railway volume ID or name, a Terraform address, an ARN, a canonical ID) in the graph,
// asks analyze for the blast (analyze.BlastOf: cascade, environments, which recovery
// points survive), and turns that into a verdict: deny when the delete destroys
// production data, data of unknown tier, or the last recovery point of some data; ask
// when the target cannot be resolved or the graph is incomplete; allow otherwise.
//
// Recognising a destructive call in a tool invocation (a shell command, a GraphQL
// mutation, an MCP tool) is call.go; the coding agents' hook protocols are hook.go. The
// package reads only the graph it is given: it sends nothing anywhere.
package guard

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/bulkhead-dev/bulkhead/analyze"
	"github.com/bulkhead-dev/bulkhead/graph"
)

// Decision is a verdict's outcome.
type Decision string

// Decisions, in the order a combination of verdicts takes the strongest.
const (
	Allow Decision = "allow"
	Ask   Decision = "ask"
	Deny  Decision = "deny"
)

func rank(d Decision) int {
	switch d {
	case Deny:
		return 2
	case Ask:
		return 1
	}
	return 0
}

// Target is a resource as a caller names it.
type Target struct {
	// Ref is what was given: vol-pgdata, pg-data, aws_db_instance.billing, an ARN, a
	// canonical ID.
	Ref string `json:"ref"`
	// Kinds, when set, are the kinds the caller's operation can delete (a volume delete
	// names a volume): a name shared by a volume and its instances then means the volume.
	Kinds []graph.Kind `json:"kinds,omitempty"`
	// Address marks a Terraform address given to -target: it deletes every resource at or
	// under the address (module.db, aws_db_instance.main[0], a nested block) and everything
	// that depends on them, so every match is a delete, not an ambiguity.
	Address bool `json:"address,omitempty"`
}

func (t Target) String() string { return t.Ref }

// ErrUnresolved is returned by Find when no resource, or more than one, fits a target.
var ErrUnresolved = errors.New("could not verify the target")

// Find returns the resources a target may mean. Exactly one is the normal answer; several
// are returned when a name is ambiguous even within the target's kinds (the caller judges
// them all: unknown is never safe). None is ErrUnresolved.
func Find(g *graph.Graph, t Target) ([]*graph.Resource, error) {
	ref := strings.TrimSpace(t.Ref)
	if ref == "" {
		return nil, fmt.Errorf("%w: no target given", ErrUnresolved)
	}
	ok := func(r *graph.Resource) bool {
		if len(t.Kinds) == 0 {
			return true
		}
		for _, k := range t.Kinds {
			if r.Kind == k {
				return true
			}
		}
		return false
	}
	if r, found := g.Resource(ref); found && ok(r) {
		return []*graph.Resource{r}, nil
	}
	var cands []*graph.Resource
	for _, r := range g.Resources() {
		if !ok(r) {
			continue
		}
		match := r.Name == ref || r.NativeID == ref || r.Origin.Ref == ref
		for _, a := range r.Aliases {
			match = match || a == ref
		}
		if match {
			cands = append(cands, r)
		}
	}
	if t.Address {
		cands = addressed(g, ref, cands)
	}
	if len(cands) == 0 {
		if r, err := analyze.Resolve(g, ref); err == nil && ok(r) {
			return []*graph.Resource{r}, nil
		}
		return nil, fmt.Errorf("%w: %q names nothing bulkhead knows (no canonical ID, name, native ID, Terraform address or ARN in the graph)", ErrUnresolved, ref)
	}
	return cands, nil
}

// Verdict is the answer about one operation.
type Verdict struct {
	Decision Decision `json:"decision"`
	// Reason is one paragraph for the agent (and the human reading its transcript): what
	// would be destroyed, in which environments, what survives.
	Reason string `json:"reason"`
	// Operation is what was recognised ("railway volume delete", "GraphQL volumeDelete").
	Operation string `json:"operation,omitempty"`
	// Targets are the deletes judged, with their blast.
	Targets []Judged `json:"targets,omitempty"`
}

// Judged is one resolved delete and what it takes with it.
type Judged struct {
	Target   Target         `json:"target"`
	Resource string         `json:"resource,omitempty"` // canonical ID, when resolved
	Decision Decision       `json:"decision"`
	Why      string         `json:"why"`
	Blast    *analyze.Blast `json:"blast,omitempty"`
	// LastCopies are data resources the delete leaves in place but with no surviving
	// recovery point (deleting a backup that was the only copy).
	LastCopies []string `json:"last_recovery_point_of,omitempty"`
}

// Judge decides on deleting each target. With no target the operation is judged as
// unverifiable (ask). A graph with gaps never yields allow: an incomplete graph may miss
// what the delete takes with it.
func Judge(g *graph.Graph, op string, targets []Target, opts analyze.Options) *Verdict {
	v := &Verdict{Decision: Allow, Operation: op}
	if len(targets) == 0 {
		v.Decision = Ask
		v.Reason = fmt.Sprintf("bulkhead could not verify %s: the call does not say what it deletes (a linked project, a prompt, a file bulkhead cannot read); unknown is never safe", opname(op))
		return v
	}
	pass := analyze.NewPass(g, opts, nil)
	var parts []string
	for _, t := range targets {
		rs, err := Find(g, t)
		if err != nil {
			shownT := Target{Ref: Shown(t.Ref), Kinds: t.Kinds}
			j := Judged{Target: shownT, Decision: Ask, Why: fmt.Sprintf("could not verify %q: it names nothing in bulkhead's graph; unknown is never safe", shownT.Ref)}
			v.Targets = append(v.Targets, j)
			continue
		}
		for _, r := range rs {
			j := judgeOne(g, pass, t, r, opts)
			if len(rs) > 1 && j.Decision == Allow && !t.Address {
				j.Decision = Ask
				j.Why = fmt.Sprintf("%q matches %d resources; %s", Shown(t.Ref), len(rs), j.Why)
			}
			v.Targets = append(v.Targets, j)
		}
	}
	for _, j := range v.Targets {
		if rank(j.Decision) > rank(v.Decision) {
			v.Decision = j.Decision
		}
	}
	for _, j := range v.Targets {
		if j.Decision == v.Decision {
			parts = append(parts, j.Why)
		}
	}
	if v.Decision == Allow && !g.Complete() {
		v.Decision = Ask
		parts = append(parts, fmt.Sprintf("but bulkhead's graph is incomplete (%d parts could not be read), so it may miss what this takes with it", len(g.Gaps)))
	}
	prefix := map[Decision]string{
		Deny:  "bulkhead blocked " + opname(op) + ": ",
		Ask:   "bulkhead could not verify " + opname(op) + ": ",
		Allow: "bulkhead checked " + opname(op) + ": ",
	}[v.Decision]
	v.Reason = prefix + strings.Join(parts, "; ")
	if v.Decision == Deny {
		v.Reason += ". Do not retry this call another way (another tool, the API, another credential): ask the user, who can make a copy that survives first"
	}
	return v
}

func opname(op string) string {
	if op == "" {
		return "this delete"
	}
	return op
}

func judgeOne(g *graph.Graph, p *analyze.Pass, t Target, r *graph.Resource, opts analyze.Options) Judged {
	j := Judged{Target: t, Resource: r.ID, Decision: Allow}
	if r.Kind == graph.Token {
		j.Why = fmt.Sprintf("deleting %s (%s) revokes a credential and destroys no data", r.Label(), r.ID)
		return j
	}
	b := analyze.BlastOf(g, r, opts)
	j.Blast = b
	destroyed := b.DestroyedSet()
	// Recovery points destroyed (or stored in something destroyed) whose data stays: was
	// any the last one that would survive deleting that data?
	var copies []*graph.Resource
	for id := range destroyed {
		c, _ := g.Resource(id)
		copies = append(copies, c)
		copies = append(copies, p.Index.Predecessors(c, graph.StoredIn)...)
	}
	var orphaned []*graph.Resource
	seen := map[string]bool{}
	for _, c := range copies {
		for _, d := range p.Index.Successors(c, graph.BacksUp) {
			if destroyed[d.ID] || seen[d.ID] {
				continue
			}
			seen[d.ID] = true
			if len(p.SurvivingOwnDelete(d)) == 0 {
				continue // none survived deleting d before either (BH002's business)
			}
			after := map[string]bool{}
			for id := range destroyed {
				after[id] = true
			}
			for id := range p.Index.DestroysSet(d) {
				after[id] = true
			}
			if len(p.Surviving(d, after)) == 0 {
				orphaned = append(orphaned, d)
			}
		}
	}
	sort.Slice(orphaned, func(a, b int) bool { return orphaned[a].ID < orphaned[b].ID })
	for _, d := range orphaned {
		j.LastCopies = append(j.LastCopies, d.ID)
	}
	s := b.Summary
	var why strings.Builder
	fmt.Fprintf(&why, "deleting %s (%s) destroys %d %s", r.Label(), r.ID, s.Destroyed, plural(s.Destroyed, "resource", "resources"))
	if envs := envList(b); envs != "" {
		fmt.Fprintf(&why, " in %s", envs)
	}
	var lost, kept []string
	for _, d := range b.Data {
		tier := string(d.Tier)
		where := d.Environment
		if where == "" {
			where = tier
		} else {
			where += ", " + tier
		}
		switch {
		case d.Recoverable:
			var rps []string
			for _, rp := range d.Surviving {
				rps = append(rps, rp.Label)
			}
			kept = append(kept, fmt.Sprintf("%s (%s) keeps %s", d.Label, where, strings.Join(rps, ", ")))
		case d.Copies > 0:
			lost = append(lost, fmt.Sprintf("%s (%s) and all %d of its recovery points (%s)", d.Label, where, d.Copies, copyNames(g, p, d.ID)))
		default:
			lost = append(lost, fmt.Sprintf("%s (%s), which has no recovery point", d.Label, where))
		}
	}
	if len(lost) > 0 {
		fmt.Fprintf(&why, "; lost for good: %s", strings.Join(lost, "; "))
	}
	if len(kept) > 0 {
		fmt.Fprintf(&why, "; recoverable: %s", strings.Join(kept, "; "))
	}
	for _, d := range orphaned {
		fmt.Fprintf(&why, "; it deletes the last recovery point of %s (%s, %s) that would survive deleting it", d.Label(), d.ID, p.Tier(d))
	}
	if rp := b.Summary.RecoveryPointsLost; rp > 0 && len(lost) == 0 {
		fmt.Fprintf(&why, "; %d recovery %s destroyed", rp, plural(rp, "point", "points"))
	}
	switch {
	case s.ProductionData > 0:
		j.Decision = Deny
		fmt.Fprintf(&why, " — %d destroyed data %s production or of unknown tier (unknown is never safe)", s.ProductionData, plural(s.ProductionData, "resource is", "resources are"))
		if s.UnrecoverableProd > 0 {
			fmt.Fprintf(&why, ", and for %d of them no recovery point survives", s.UnrecoverableProd)
		}
	case len(orphaned) > 0:
		j.Decision = Deny
	}
	if len(b.Data) > 0 && s.Unrecoverable == 0 && j.Decision == Allow {
		why.WriteString("; every data resource it destroys keeps a recovery point that survives")
	}
	if len(b.Data) == 0 && len(orphaned) == 0 {
		why.WriteString("; no data resource is destroyed")
	}
	j.Why = why.String()
	return j
}

// envList names the environments a blast reaches, production first.
func envList(b *analyze.Blast) string {
	var out []string
	for _, e := range b.Destroyed {
		if e.Environment == "" {
			continue
		}
		out = append(out, fmt.Sprintf("%s (%s)", e.Environment, e.Tier))
	}
	return strings.Join(out, ", ")
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// Check judges every operation recognised in one tool call and returns the strongest
// verdict (deny over ask over allow). No operation is allow: the call is not a delete.
func Check(g *graph.Graph, ops []Op, opts analyze.Options) *Verdict {
	if len(ops) == 0 {
		return &Verdict{Decision: Allow, Reason: "no destructive operation recognised"}
	}
	var vs []*Verdict
	for _, op := range ops {
		switch {
		case op.NoData != "":
			vs = append(vs, &Verdict{Decision: Allow, Operation: op.Name, Reason: "bulkhead checked " + op.Name + ": " + op.NoData})
		case op.Whole:
			ts := terraformManaged(g)
			if len(ts) == 0 {
				vs = append(vs, &Verdict{Decision: Ask, Operation: op.Name, Reason: "bulkhead could not verify " + op.Name +
					": it destroys everything in its Terraform state, and bulkhead was given no Terraform state or plan (--tfstate, --tfplan, --tf) to see what that is; unknown is never safe"})
				continue
			}
			vs = append(vs, Judge(g, op.Name+" (everything in the state bulkhead was given)", ts, opts))
		default:
			vs = append(vs, Judge(g, op.Name, op.Targets, opts))
		}
	}
	out := vs[0]
	if len(vs) == 1 {
		return out
	}
	combined := &Verdict{Decision: Allow}
	var reasons, names []string
	for _, v := range vs {
		if rank(v.Decision) > rank(combined.Decision) {
			combined.Decision = v.Decision
		}
		combined.Targets = append(combined.Targets, v.Targets...)
		names = append(names, v.Operation)
	}
	for _, v := range vs {
		if v.Decision == combined.Decision {
			reasons = append(reasons, v.Reason)
		}
	}
	combined.Operation = strings.Join(names, " + ")
	combined.Reason = strings.Join(reasons, "\n")
	return combined
}

// terraformManaged are the data resources a Terraform state, plan or configuration in the
// graph manages: what a terraform destroy with no -target takes.
func terraformManaged(g *graph.Graph) []Target {
	var out []Target
	for _, r := range g.Resources() {
		switch r.Origin.Source {
		case "tfstate", "tf", "tfplan", "terraform":
		default:
			continue
		}
		if r.Kind.IsData() {
			out = append(out, Target{Ref: r.ID})
		}
	}
	return out
}

// copyNames lists a data resource's recovery points, the first few by name.
func copyNames(g *graph.Graph, p *analyze.Pass, id string) string {
	r, ok := g.Resource(id)
	if !ok {
		return ""
	}
	const max = 5
	cs := p.Copies(r)
	var names []string
	for i, c := range cs {
		if i == max {
			names = append(names, fmt.Sprintf("and %d more", len(cs)-max))
			break
		}
		names = append(names, c.Label()+" "+c.ID)
	}
	return strings.Join(names, ", ")
}

// Shown is a target as an answer repeats it. A target bulkhead could not resolve may be
// anything the caller pasted, a credential's value included: past 16 characters, only
// its first 8 are repeated, unless it has the shape of an address (a dot or a colon:
// Terraform addresses, ARNs, canonical IDs), which no token value has.
func Shown(ref string) string {
	ref = strings.TrimSpace(ref)
	if len(ref) <= 16 || strings.ContainsAny(ref, ".:") {
		return ref
	}
	return ref[:8] + "…"
}

// addressed adds to cands what terraform destroy -target=ref destroys: every resource whose
// Terraform address is ref or lies under it, and, transitively, whatever depends on them.
func addressed(g *graph.Graph, ref string, cands []*graph.Resource) []*graph.Resource {
	seen := map[string]bool{}
	for _, c := range cands {
		seen[c.ID] = true
	}
	for _, r := range g.Resources() {
		a := r.Origin.Ref
		if seen[r.ID] || a == "" {
			continue
		}
		if a == ref || strings.HasPrefix(a, ref+".") || strings.HasPrefix(a, ref+"[") || strings.HasPrefix(a, ref+" ") {
			seen[r.ID] = true
			cands = append(cands, r)
		}
	}
	idx := g.Index()
	for i := 0; i < len(cands); i++ {
		for _, d := range idx.Predecessors(cands[i], graph.DependsOn) {
			if !seen[d.ID] {
				seen[d.ID] = true
				cands = append(cands, d)
			}
		}
	}
	sort.Slice(cands, func(i, j int) bool { return cands[i].ID < cands[j].ID })
	return cands
}
