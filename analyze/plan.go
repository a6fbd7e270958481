package analyze

import (
	"fmt"
	"sort"
	"strings"

	"github.com/bulkhead-dev/bulkhead/graph"
)

// Plan is a planned change as the plan rules (PlanRules, BH1xx) see it: the graph before
// the change and the changes. The Pass's own graph is the one after the change. With
// Options.Plan set, Run also analyses Before with the audit rules, marks each finding
// after the change new or existing, lists those the change fixes, and runs the plan rules
// (Report.Plan holds what they saw). Pairing the two graphs' identities and reading the
// plan are the caller's (the gate's): the engine sees only graphs and changes.
type Plan struct {
	Before  *graph.Graph
	Changes []PlannedChange // in the order findings and lists should follow (the gate: by address)
}

// PlannedChange is one planned resource change.
type PlannedChange struct {
	Address    string `json:"address"`     // the source's name for it (a Terraform address)
	ResourceID string `json:"resource_id"` // canonical ID in the graphs; "" when the graphs have no node for it
	// Action is create, update, replace, delete, read, no-op, or unknown (an action the
	// source could not name: judged as a delete, never as safe).
	Action string `json:"action"`
	// Weakened are the safeguards of the resource that the source says the change turns
	// off (a setting's value before and after); the graphs' own safeguards (deletion
	// protection, vault locks, credentials' authority) are compared by BH102 itself.
	Weakened []SafeguardChange `json:"weakened,omitempty"`
}

// SafeguardChange is a safeguard setting a change turns off, as the source states it.
type SafeguardChange struct {
	Attribute string `json:"attribute"`
	From      string `json:"from"`
	To        string `json:"to"`  // "unknown" when known only after the change
	Why       string `json:"why"` // what the weaker value means
}

// PlanFacts is what the plan rules saw, for writers that list the change's effect.
type PlanFacts struct {
	Deletions  []Deletion
	Weakenings []Weakening
	Fixed      []FixedFinding
	Unmapped   []string // deleted addresses the graph has no resource for
}

// Deletion is a planned delete or replace that destroys data.
type Deletion struct {
	Address   string     `json:"address"`
	Resource  string     `json:"resource"`
	Label     string     `json:"label"`
	Action    string     `json:"action"` // delete or replace
	Tier      graph.Tier `json:"tier"`
	Destroyed []Lost     `json:"destroyed"` // data and recovery points that go with it
	Survivors []Survivor `json:"survivors"` // recovery points of the destroyed data that outlive the plan
	Fails     bool       `json:"fails"`     // production or unknown tier data, no survivor
	Finding   string     `json:"finding,omitempty"`
}

// Lost is one resource a deletion destroys.
type Lost struct {
	ID    string     `json:"id"`
	Label string     `json:"label"`
	Kind  graph.Kind `json:"kind"`
	Via   string     `json:"via,omitempty"` // the last edge of the cascade chain: deletes_with, contains
}

// Survivor is a recovery point that outlives the planned change.
type Survivor struct {
	ID    string `json:"id"`
	Label string `json:"label"`
	Of    string `json:"of"`            // the data resource it holds a copy of
	Age   string `json:"age,omitempty"` // how old it is at check time, when known
	Note  string `json:"note,omitempty"`
}

// Weakening is a safeguard the change turns off.
type Weakening struct {
	Address   string `json:"address,omitempty"`
	Resource  string `json:"resource"`
	Label     string `json:"label"`
	Attribute string `json:"attribute"`
	From      string `json:"from"`
	To        string `json:"to"` // "unknown" when known only after apply
	Why       string `json:"why"`
	Finding   string `json:"finding,omitempty"`
}

// FixedFinding is a finding present before the change and absent after it.
type FixedFinding struct {
	Rule        string `json:"rule"`
	Resource    string `json:"resource"`
	Message     string `json:"message"`
	Fingerprint string `json:"fingerprint"`
}

// planState is a pass's view of the plan: the pass over the graph before the change and
// the facts the plan rules share, made on first use.
type planState struct {
	plan   *Plan
	before *Pass
	facts  PlanFacts
	dels   bool // facts.Deletions made
	weak   bool // facts.Weakenings made
	// ready is closed when the pass before the change has run (on its own goroutine, see
	// Run): before, beforeRep and beforeErr are not read until then.
	ready     chan struct{}
	beforeRep *Report
	beforeErr error
}

// Plan is the planned change the pass judges, or nil in an audit.
func (p *Pass) Plan() *Plan {
	if p.plan == nil {
		return nil
	}
	return p.plan.plan
}

// Before is the pass over the graph before the planned change (nil in an audit). Findings
// it builds are attributed to the rule running.
func (p *Pass) Before() *Pass {
	if p.plan == nil {
		return nil
	}
	if p.plan.ready != nil {
		<-p.plan.ready
		if p.plan.beforeErr != nil {
			return nil
		}
	}
	p.plan.before.rule = p.rule
	return p.plan.before
}

// Notice adds a notice to the report: what a rule judged and found no risk in, said once
// (a planned delete of staging data, a weakened safeguard on a development resource).
func (p *Pass) Notice(n Notice) { p.notices = append(p.notices, n) }

// ResourceEither is the resource with the given ID after the change, or before it, or nil.
func (p *Pass) ResourceEither(id string) *graph.Resource {
	if r, ok := p.Graph.Resource(id); ok {
		return r
	}
	if b := p.Before(); b != nil {
		if r, ok := b.Graph.Resource(id); ok {
			return r
		}
	}
	return nil
}

// Deletions lists the planned deletes and replaces that destroy data, in the plan's
// order, and the deleted addresses with no node in the graph, sorted. What a delete
// destroys is the cascade closure in the graph before the change; a recovery point
// survives when neither it nor the store it lives in is destroyed by any delete of the
// plan. Recovery points a provider takes on delete (an RDS final snapshot when
// skip_final_snapshot = false) are modelled by the discoverer as backs_up resources
// outside the lifecycle, so they count here without provider knowledge.
func (p *Pass) Deletions() ([]Deletion, []string) {
	if p.plan == nil {
		return nil, nil
	}
	if !p.plan.dels {
		p.plan.dels = true
		p.plan.facts.Deletions, p.plan.facts.Unmapped = deletions(p.Before(), p.plan.plan.Changes, p)
	}
	return p.plan.facts.Deletions, p.plan.facts.Unmapped
}

func deletions(bp *Pass, changes []PlannedChange, ap *Pass) ([]Deletion, []string) {
	type planned struct {
		c PlannedChange
		r *graph.Resource
	}
	var dels []planned
	var unmapped []string
	destroyed := map[string]bool{}
	for _, c := range changes {
		if c.Action != "delete" && c.Action != "replace" && c.Action != "unknown" {
			continue
		}
		r, ok := bp.Index.Resource(c.ResourceID)
		if !ok || c.ResourceID == "" {
			unmapped = append(unmapped, c.Address)
			continue
		}
		dels = append(dels, planned{c, r})
		for _, d := range bp.Destroys(r) {
			destroyed[d.ID] = true
		}
	}
	out := []Deletion{}
	for _, pd := range dels {
		closure := bp.Destroys(pd.r)
		var holders []*graph.Resource
		for _, d := range closure {
			if bp.IsHolder(d) {
				holders = append(holders, d)
			}
		}
		if len(holders) == 0 {
			continue
		}
		d := Deletion{Address: pd.c.Address, Resource: pd.r.ID, Label: pd.r.Label(), Action: pd.c.Action,
			Tier: bp.Tier(holders[0]), Destroyed: []Lost{}, Survivors: []Survivor{}}
		for _, x := range closure {
			if x != pd.r && !x.Kind.IsData() && x.Kind != graph.Backup && x.Kind != graph.BackupPolicy && x.Kind != graph.BackupVault {
				continue
			}
			l := Lost{ID: x.ID, Label: x.Label(), Kind: x.Kind}
			if chain := bp.Index.Chain(pd.r, x); len(chain) > 0 {
				l.Via = string(chain[len(chain)-1].Kind)
			}
			d.Destroyed = append(d.Destroyed, l)
		}
		for _, h := range holders {
			surv := bp.Surviving(h, destroyed)
			for _, s := range surv {
				sv := Survivor{ID: s.ID, Label: s.Label(), Of: h.ID}
				if t, ok := s.Time(graph.AttrCreatedAt); ok {
					sv.Age = Age(ap.Opts.Now.Sub(t))
				}
				d.Survivors = append(d.Survivors, sv)
			}
			if len(surv) == 0 && bp.AtRisk(h) {
				d.Fails = true
				d.Tier = bp.Tier(h)
			}
		}
		sort.Slice(d.Survivors, func(i, j int) bool { return d.Survivors[i].ID < d.Survivors[j].ID })
		out = append(out, d)
	}
	sort.Strings(unmapped)
	return out, unmapped
}

// Weakenings lists the safeguards the planned change turns off, sorted by resource and
// attribute: those the source states (PlannedChange.Weakened) on updates and replaces,
// then from the graphs, deletion protection and vault locks turned off and credentials
// whose authority widened.
func (p *Pass) Weakenings() []Weakening {
	if p.plan == nil {
		return nil
	}
	if !p.plan.weak {
		p.plan.weak = true
		p.plan.facts.Weakenings = weakenings(p.Before(), p, p.plan.plan.Changes)
	}
	return p.plan.facts.Weakenings
}

// StripIndex turns module.x.aws_db_instance.main[0] into module.x.aws_db_instance.main, so
// a waiver can name a resource without its instance key.
func StripIndex(addr string) string {
	if i := strings.LastIndexByte(addr, '['); i > 0 && strings.HasSuffix(addr, "]") {
		return addr[:i]
	}
	return addr
}

// planNamer names a resource for waivers in a plan: its names in both graphs, and its
// planned change's address with and without the instance key.
func planNamer(after *graph.Graph, plan *Plan) Namer {
	graphs := GraphNamer(after, plan.Before)
	addr := map[string]string{}
	for _, c := range plan.Changes {
		if c.ResourceID != "" {
			addr[c.ResourceID] = c.Address
		}
	}
	return func(id string) []string {
		ns := graphs(id)
		if a, ok := addr[id]; ok {
			ns = append(ns, a, StripIndex(a))
		}
		return ns
	}
}

// markPlanStatus marks each finding after the change existing (it was there before) or new,
// and lists those before that the change fixes. A finding that is gone while a new one at
// least as severe names the same resource is not fixed, it is superseded (deleting a
// database's last snapshot ends its "stale recovery point" and starts its "no backup"): it
// becomes a notice, never an entry of the fixed list.
func markPlanStatus(rep *Report, before *Report) []FixedFinding {
	beforeFP := make(map[string]bool, len(before.Findings))
	for _, f := range before.Findings {
		beforeFP[f.Fingerprint] = true
	}
	afterFP := make(map[string]bool, len(rep.Findings))
	for i := range rep.Findings {
		f := &rep.Findings[i]
		afterFP[f.Fingerprint] = true
		f.Status = StatusNew
		if beforeFP[f.Fingerprint] {
			f.Status = StatusExisting
		}
	}
	worse := map[string][]*Finding{} // primary resource -> the new findings on it
	for i := range rep.Findings {
		if f := &rep.Findings[i]; f.Status == StatusNew {
			worse[f.Resource] = append(worse[f.Resource], f)
		}
	}
	fixed := []FixedFinding{}
	for _, f := range before.Findings {
		if afterFP[f.Fingerprint] {
			continue
		}
		var by *Finding
		for _, n := range worse[f.Resource] {
			if n.Severity >= f.Severity && (by == nil || n.Severity > by.Severity) {
				by = n
			}
		}
		if by != nil {
			msg := fmt.Sprintf("%s (%s) is not fixed: %s replaces it (%s)", f.Rule, f.Message, by.Rule, by.Message)
			if by.Rule == f.Rule {
				msg = fmt.Sprintf("%s (%s) is not fixed: it changed to %q", f.Rule, f.Message, by.Message)
			}
			rep.Notices = append(rep.Notices, Notice{Kind: NoticeSuperseded, Message: msg})
			continue
		}
		fixed = append(fixed, FixedFinding{Rule: f.Rule, Resource: f.Resource, Message: f.Message, Fingerprint: f.Fingerprint})
	}
	return fixed
}
