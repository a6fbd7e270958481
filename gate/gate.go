// Package gate is bulkhead's CI gate on a planned infrastructure change (bulkhead check
// --plan). Given the graph before a Terraform plan, the graph after it and the plan's
// resource changes, it reports what the change destroys and whether a recovery point
// survives, which findings the change introduces and which it fixes, and which safeguards
// it weakens. Its result is an analyze.Report (so every renderer can write it) plus the
// plan-specific facts the PR comment and the text verdict need.
package gate

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/bulkhead-dev/bulkhead/analyze"
	"github.com/bulkhead-dev/bulkhead/graph"
)

// Change is one planned resource change, as the plan reader (discover/terraform/tfplan)
// gives it: Actions are Terraform's ("create", "update", "delete", "read", "no-op");
// ["delete","create"] and ["create","delete"] are replaces. Before and After are the raw
// attribute values; AfterUnknown lists attributes known only after apply.
type Change struct {
	Address      string
	ResourceID   string // canonical graph ID
	Type         string
	Actions      []string
	Before       map[string]any
	After        map[string]any
	AfterUnknown []string
}

// Input is a plan read into graphs.
type Input struct {
	FormatVersion, TerraformVersion string
	Before, After                   *graph.Graph
	Changes                         []Change
}

// Options tune a check.
type Options struct {
	Analyze analyze.Options // rules, severities, RPO, Now, Waivers, Baseline
}

// Result is the outcome of a check.
type Result struct {
	FormatVersion    string         `json:"format_version"`
	TerraformVersion string         `json:"terraform_version,omitempty"`
	Changes          Counts         `json:"changes"`
	Deletions        []Deletion     `json:"deletions"`
	Weakenings       []Weakening    `json:"weakenings"`
	Fixed            []FixedFinding `json:"fixed"`
	Unmapped         []string       `json:"unmapped_deletes,omitempty"` // deleted addresses the graph has no resource for

	// Report holds the findings after the change (new and existing), BH101 and BH102
	// findings, their statuses (new, existing, baseline, waived) and notices.
	Report *analyze.Report `json:"report"`
	Now    time.Time       `json:"-"`

	addr map[string]string           // resource ID -> Terraform address
	byFP map[string]*analyze.Finding // built on first use by the writers
}

// Counts counts planned changes by kind.
type Counts struct {
	Create  int `json:"create"`
	Update  int `json:"update"`
	Replace int `json:"replace"`
	Delete  int `json:"delete"`
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

// Failing are the findings that fail the check at threshold failOn.
func (r *Result) Failing(failOn analyze.Severity) []analyze.Finding {
	var out []analyze.Finding
	if failOn == 0 {
		return nil
	}
	for _, f := range r.Report.Findings {
		if f.Counts() && f.Severity >= failOn {
			out = append(out, f)
		}
	}
	return out
}

// Check runs the gate.
func Check(in *Input, opts Options) (*Result, error) {
	ao := opts.Analyze
	if ao.Now.IsZero() {
		ao.Now = time.Now()
	}
	before, after := in.Before, in.After
	if before == nil {
		before = graph.New()
	}
	if after == nil {
		after = graph.New()
	}
	after, err := stableIDs(before, after)
	if err != nil {
		return nil, err
	}
	plain := ao
	plain.Waivers, plain.Baseline = nil, nil
	bRep, err := analyze.Run(before, plain)
	if err != nil {
		return nil, fmt.Errorf("check: findings before the change: %w", err)
	}
	aRep, err := analyze.Run(after, plain)
	if err != nil {
		return nil, fmt.Errorf("check: findings after the change: %w", err)
	}
	res := &Result{FormatVersion: in.FormatVersion, TerraformVersion: in.TerraformVersion, Now: ao.Now,
		Deletions: []Deletion{}, Weakenings: []Weakening{}, Fixed: []FixedFinding{}}
	rep := aRep
	rep.Gaps = mergeGaps(mergeGaps(before.Gaps, after.Gaps), unknownActions(in.Changes))
	rep.Summary.Complete = len(rep.Gaps) == 0
	rep.Sources = after.Sources
	for _, r := range analyze.PlanRules {
		rep.Rules[r.ID] = analyze.RuleInfo{ID: r.ID, Name: r.Name, Severity: r.Severity, Doc: r.Doc}
	}

	// Introduced and fixed findings: fingerprints are stable across graphs.
	beforeFP := map[string]bool{}
	for _, f := range bRep.Findings {
		beforeFP[f.Fingerprint] = true
	}
	afterFP := map[string]bool{}
	for i := range rep.Findings {
		f := &rep.Findings[i]
		afterFP[f.Fingerprint] = true
		f.Status = analyze.StatusNew
		if beforeFP[f.Fingerprint] {
			f.Status = analyze.StatusExisting
		}
	}
	for _, f := range bRep.Findings {
		if !afterFP[f.Fingerprint] {
			res.Fixed = append(res.Fixed, FixedFinding{Rule: f.Rule, Resource: f.Resource, Message: f.Message, Fingerprint: f.Fingerprint})
		}
	}

	changes := append([]Change(nil), in.Changes...)
	sort.SliceStable(changes, func(i, j int) bool { return changes[i].Address < changes[j].Address })
	addr := map[string]string{} // resource ID -> address, for waivers and messages
	for _, c := range changes {
		if c.ResourceID != "" {
			addr[c.ResourceID] = c.Address
		}
		switch actionOf(c.Actions) {
		case "create":
			res.Changes.Create++
		case "update":
			res.Changes.Update++
		case "replace":
			res.Changes.Replace++
		case "delete":
			res.Changes.Delete++
		}
	}

	bp := analyze.NewPass(before, ao, analyze.PlanDestroysData)
	dels, unmapped := deletions(bp, changes, ao.Now)
	res.Unmapped = unmapped
	res.addr = addr
	for i := range dels {
		d := &dels[i]
		if f, ok := deletionFinding(bp, d); ok {
			applySeverity(&f, ao)
			d.Finding = f.Fingerprint
			rep.Findings = append(rep.Findings, f)
		} else {
			rep.Notices = append(rep.Notices, deletionNotice(d))
		}
	}
	res.Deletions = dels

	ap := analyze.NewPass(after, ao, analyze.PlanWeakensProtection)
	ws := weakenings(bp, ap, changes)
	for i := range ws {
		w := &ws[i]
		f := weakeningFinding(bp, ap, w)
		if !ap.AtRisk(resourceIn(ap, bp, w.Resource)) && w.To != "unknown" {
			rep.Notices = append(rep.Notices, analyze.Notice{Kind: "weakening", Location: w.Address,
				Message: fmt.Sprintf("%s: %s %s → %s on %s tier", w.Label, w.Attribute, w.From, w.To, ap.Tier(resourceIn(ap, bp, w.Resource)))})
			continue
		}
		applySeverity(&f, ao)
		w.Finding = f.Fingerprint
		rep.Findings = append(rep.Findings, f)
	}
	res.Weakenings = ws
	if len(unmapped) > 0 {
		rep.Notices = append(rep.Notices, analyze.Notice{Kind: "unmapped_delete",
			Message: fmt.Sprintf("%d deleted %s no node of %s own in the graph (a setting of another resource, judged through that resource, or a type bulkhead does not understand): %s",
				len(unmapped), analyze.Plural(len(unmapped), "resource has", "resources have"), analyze.Plural(len(unmapped), "its", "their"), strings.Join(unmapped, ", "))})
	}

	for i := range rep.Findings {
		if rep.Findings[i].Status == "" {
			rep.Findings[i].Status = analyze.StatusNew
		}
	}
	sort.SliceStable(rep.Findings, func(i, j int) bool { return analyze.Less(rep.Findings[i], rep.Findings[j]) })
	rep.Findings = dedupeFindings(rep.Findings)
	names := func(id string) []string {
		ns := analyze.GraphNamer(after, before)(id)
		if a, ok := addr[id]; ok {
			ns = append(ns, a, stripIndex(a))
		}
		return ns
	}
	analyze.Triage(rep, ao.Waivers, ao.Baseline, names, ao.Now)
	analyze.SortNotices(rep.Notices)
	analyze.Recount(rep)
	res.Report = rep
	return res, nil
}

// Address returns the Terraform address the check knows for a resource ID, or "".
func (r *Result) Address(id string) string {
	if a, ok := r.addr[id]; ok {
		return a
	}
	for _, d := range r.Deletions {
		if d.Resource == id {
			return d.Address
		}
	}
	for _, w := range r.Weakenings {
		if w.Resource == id && w.Address != "" {
			return w.Address
		}
	}
	return ""
}

func applySeverity(f *analyze.Finding, ao analyze.Options) {
	if s, ok := ao.Severity[f.Rule]; ok {
		f.Severity = s
	}
}

func dedupeFindings(fs []analyze.Finding) []analyze.Finding {
	seen := map[string]bool{}
	out := fs[:0]
	for _, f := range fs {
		if seen[f.Fingerprint] {
			continue
		}
		seen[f.Fingerprint] = true
		out = append(out, f)
	}
	return out
}

func mergeGaps(a, b []graph.Gap) []graph.Gap {
	seen := map[graph.Gap]bool{}
	var out []graph.Gap
	for _, g := range append(append([]graph.Gap(nil), a...), b...) {
		if !seen[g] {
			seen[g] = true
			out = append(out, g)
		}
	}
	return out
}

// knownActions are the plan actions of terraform-json (Terraform 1.7 added forget: the
// object leaves the state and stays in place).
var knownActions = map[string]bool{"no-op": true, "create": true, "read": true, "update": true, "delete": true, "forget": true}

// unknownActions is a gap for every change with an action bulkhead does not know, or with
// none. Such an action is never read as safe: it may destroy data in a way the gate cannot
// judge (a newer Terraform's action), so the check fails closed (exit 3) and the deletion
// list treats the change as a delete, to show what is at stake.
func unknownActions(changes []Change) []graph.Gap {
	var out []graph.Gap
	for _, c := range changes {
		var unknown []string
		for _, a := range c.Actions {
			if !knownActions[a] {
				unknown = append(unknown, fmt.Sprintf("%q", a))
			}
		}
		switch {
		case len(c.Actions) == 0:
			out = append(out, graph.Gap{Source: "tfplan", What: c.Address,
				Reason: "the change lists no action: its effect cannot be judged, so the gate fails closed"})
		case len(unknown) > 0:
			out = append(out, graph.Gap{Source: "tfplan", What: c.Address,
				Reason: "planned action " + strings.Join(unknown, ", ") + " is not one bulkhead knows (a newer Terraform?): it may destroy data, so the gate fails closed"})
		}
	}
	return out
}

// actionOf names a change: create, update, replace, delete, read or no-op, or "unknown"
// when an action is not one of terraform-json's (or there is none): see unknownActions.
func actionOf(actions []string) string {
	if len(actions) == 0 {
		return "unknown"
	}
	for _, a := range actions {
		if !knownActions[a] {
			return "unknown"
		}
	}
	has := func(a string) bool {
		for _, x := range actions {
			if x == a {
				return true
			}
		}
		return false
	}
	switch {
	case has("delete") && has("create"):
		return "replace"
	case has("delete"):
		return "delete"
	case has("create"):
		return "create"
	case has("update"):
		return "update"
	case has("read"):
		return "read"
	}
	return "no-op"
}

// stripIndex turns module.x.aws_db_instance.main[0] into module.x.aws_db_instance.main, so
// a waiver can name a resource without its instance key.
func stripIndex(addr string) string {
	if i := strings.LastIndexByte(addr, '['); i > 0 && strings.HasSuffix(addr, "]") {
		return addr[:i]
	}
	return addr
}

// age is analyze.Age: one way to write an age in every output.
func age(d time.Duration) string { return analyze.Age(d) }
