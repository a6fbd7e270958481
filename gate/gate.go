// Package gate is bulkhead's CI gate on a planned infrastructure change (bulkhead check
// --plan). Given the graph before a Terraform plan, the graph after it and the plan's
// resource changes, it pairs the two graphs' identities, hands the change to the engine
// (analyze.Options.Plan: the plan rules BH101/BH102 run there, with the audit rules before
// and after the change) and writes the verdict: what the change destroys and whether a
// recovery point survives, which findings it introduces and fixes, which safeguards it
// weakens. Its result is an analyze.Report (so every renderer can write it) plus the
// plan-specific facts the PR comment and the text verdict need.
package gate

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/bulkhead-dev/bulkhead/analyze"
	"github.com/bulkhead-dev/bulkhead/graph"
)

// Change is one planned resource change, as the plan reader (discover/terraform/tfplan)
// gives it: Actions are Terraform's ("create", "update", "delete", "read", "no-op");
// ["delete","create"] and ["create","delete"] are replaces. Weakened are the safeguard
// settings the reader says the change turns off (BH102 judges those of updates and
// replaces): the gate names no provider attribute.
type Change struct {
	Address    string
	ResourceID string // canonical graph ID
	Type       string
	Actions    []string
	Weakened   []analyze.SafeguardChange
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

	// Failing's last answer: the verdict, the headline, the waiver blocks and the state
	// each ask, and a copy of every failing finding per call was 134 MB at 100k changes.
	failing   []analyze.Finding
	failingOn analyze.Severity
}

// Counts counts planned changes by kind.
type Counts struct {
	Create  int `json:"create"`
	Update  int `json:"update"`
	Replace int `json:"replace"`
	Delete  int `json:"delete"`
}

// What the plan rules saw, as the engine states it (analyze.PlanFacts).
type (
	Deletion     = analyze.Deletion
	Lost         = analyze.Lost
	Survivor     = analyze.Survivor
	Weakening    = analyze.Weakening
	FixedFinding = analyze.FixedFinding
)

// Failing are the findings that fail the check at threshold failOn.
func (r *Result) Failing(failOn analyze.Severity) []analyze.Finding {
	if failOn == 0 {
		return nil
	}
	if r.failingOn == failOn {
		return r.failing
	}
	var out []analyze.Finding
	for _, f := range r.Report.Findings {
		if f.Counts() && f.Severity >= failOn {
			out = append(out, f)
		}
	}
	r.failing, r.failingOn = slices.Clip(out), failOn // an append by a caller copies
	return r.failing
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
	changes := append([]Change(nil), in.Changes...)
	sort.SliceStable(changes, func(i, j int) bool { return changes[i].Address < changes[j].Address })
	res := &Result{FormatVersion: in.FormatVersion, TerraformVersion: in.TerraformVersion, Now: ao.Now}
	addr := map[string]string{} // resource ID -> address, for messages
	plan := &analyze.Plan{Before: before, Changes: make([]analyze.PlannedChange, 0, len(changes))}
	for _, c := range changes {
		if c.ResourceID != "" {
			addr[c.ResourceID] = c.Address
		}
		a := actionOf(c.Actions)
		switch a {
		case "create":
			res.Changes.Create++
		case "update":
			res.Changes.Update++
		case "replace":
			res.Changes.Replace++
		case "delete":
			res.Changes.Delete++
		}
		plan.Changes = append(plan.Changes, analyze.PlannedChange{Address: c.Address, ResourceID: c.ResourceID, Action: a, Weakened: c.Weakened})
	}
	ao.Plan = plan
	rep, err := analyze.Run(after, ao)
	if err != nil {
		return nil, fmt.Errorf("check: %w", err)
	}
	// What the check read: both graphs' gaps, and changes it could not judge.
	rep.Gaps = mergeGaps(mergeGaps(before.Gaps, after.Gaps), unknownActions(in.Changes))
	rep.Summary.Complete = len(rep.Gaps) == 0
	rep.Sources = after.Sources
	res.Deletions, res.Weakenings, res.Fixed, res.Unmapped = rep.Plan.Deletions, rep.Plan.Weakenings, rep.Plan.Fixed, rep.Plan.Unmapped
	res.addr = addr
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
