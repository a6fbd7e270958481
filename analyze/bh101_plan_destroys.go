package analyze

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/bulkhead-dev/bulkhead/graph"
)

// PlanDestroysData is BH101.
var PlanDestroysData = &Rule{
	ID: "BH101", Name: "plan-destroys-data", Severity: Critical, Run: runPlanDestroys,
	Doc: Doc{
		Title: "A planned delete or replace destroys data with no recovery point that survives it.",
		Text: `Terraform will delete this data resource (a removed resource block, or a replace forced by a
changed attribute) and, through what deleting it takes with it (deletes_with, contains),
every recovery point of it: automated backups deleted with the instance, no final snapshot, no
copy outside its lifecycle. After apply, the data is gone. Data of production tier, and of
unknown tier (never assumed safe), fails the check; other tiers are reported as notices.

Fix: keep a recovery point outside the resource's lifecycle before applying (a manual
snapshot, an AWS Backup recovery point in another vault, skip_final_snapshot = false with a
final_snapshot_identifier), or avoid the replace (lifecycle { prevent_destroy = true }, or
revert the attribute that forces it). If the loss is intended, add a waive block.`,
		Before: `- aws_db_instance.main (replace; skip_final_snapshot = true; automated backups only)`,
		After:  `aws_db_snapshot.before_migration --backs_up--> aws_db_instance.main, then replace`,
		Since:  "0.1",
	},
}

func runPlanDestroys(p *Pass) ([]Finding, error) {
	if p.Plan() == nil {
		return nil, nil
	}
	bp := p.Before()
	dels, unmapped := p.Deletions()
	var out []Finding
	for i := range dels {
		d := &dels[i]
		if f, ok := planDeletionFinding(bp, d); ok {
			d.Finding = f.Fingerprint
			out = append(out, f)
		} else {
			p.Notice(planDeletionNotice(d))
		}
	}
	if len(unmapped) > 0 {
		p.Notice(Notice{Kind: "unmapped_delete",
			Message: fmt.Sprintf("%d deleted %s no node of %s own in the graph (a setting of another resource, judged through that resource, or a type bulkhead does not understand): %s",
				len(unmapped), Plural(len(unmapped), "resource has", "resources have"), Plural(len(unmapped), "its", "their"), strings.Join(unmapped, ", "))})
	}
	return out, nil
}

// deletionFinding is the BH101 finding of a failing deletion.
func planDeletionFinding(p *Pass, d *Deletion) (Finding, bool) {
	if !d.Fails {
		return Finding{}, false
	}
	r, _ := p.Index.Resource(d.Resource)
	var copies, data []*graph.Resource
	for _, l := range d.Destroyed {
		x, _ := p.Index.Resource(l.ID)
		switch {
		case x.Kind == graph.Backup:
			copies = append(copies, x)
		case x != r && x.Kind.IsData():
			data = append(data, x)
		}
	}
	what := r.Label()
	if len(data) > 0 {
		what += fmt.Sprintf(" and %d more data %s", len(data), Plural(len(data), "resource", "resources"))
	}
	msg := fmt.Sprintf("%s of %s destroys %s", d.Action, d.Address, what)
	switch len(copies) {
	case 0:
		msg += "; it has no recovery point"
	case 1:
		msg += " and its only recovery point"
	default:
		msg += fmt.Sprintf(" and all %d of its recovery points", len(copies))
	}
	f := p.Finding(r, nil, "%s", msg)
	f.Path = []Hop{p.Hop(StepStart, r)}
	f.Path[0].Note = strings.TrimPrefix(f.Path[0].Note+", ", ", ") + "planned " + d.Action
	for _, x := range data {
		if chain := p.Index.Chain(r, x); len(chain) > 0 {
			f.Path = append(f.Path, p.Hop(EdgeStep(chain[len(chain)-1].Kind), x))
		}
	}
	if len(copies) > 0 {
		via := EdgeStep(graph.DeletesWith)
		if chain := p.Index.Chain(r, copies[0]); len(chain) > 0 {
			via = EdgeStep(chain[len(chain)-1].Kind)
		}
		f.Path = append(f.Path, p.GroupHop(via, copies))
	}
	if d.Tier == graph.Production {
		f.Detail = "production data, no recovery point survives the plan"
	} else {
		f.Detail = "data of unknown tier (treated as production), no recovery point survives the plan"
	}
	for _, l := range d.Destroyed {
		f.Resources = append(f.Resources, l.ID)
	}
	sort.Strings(f.Resources)
	f.Resources = slices.Compact(f.Resources)
	f.Advice = "keep a recovery point outside its lifecycle (a manual snapshot, a recovery point in another vault, or skip_final_snapshot = false with a final_snapshot_identifier) before applying"
	return f, true
}

// deletionNotice tells what a deletion that does not fail destroys and what survives.
func planDeletionNotice(d *Deletion) Notice {
	var b strings.Builder
	fmt.Fprintf(&b, "%s of %s destroys %s (%s)", d.Action, d.Address, d.Label, d.Tier)
	if len(d.Survivors) > 0 {
		var ss []string
		for _, s := range d.Survivors {
			x := s.Label
			if s.Age != "" {
				x += ", " + s.Age + " old"
			}
			if s.Note != "" {
				x += ", " + s.Note
			}
			ss = append(ss, x)
		}
		fmt.Fprintf(&b, "; %d recovery %s survive: %s", len(ss), Plural(len(ss), "point", "points"), strings.Join(ss, "; "))
	} else {
		b.WriteString("; no recovery point survives, but it is not production data")
	}
	return Notice{Kind: "deletion", Location: d.Address, Message: b.String()}
}
