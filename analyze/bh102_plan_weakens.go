package analyze

import (
	"fmt"

	"github.com/bulkhead-dev/bulkhead/graph"
)

// PlanWeakensProtection is BH102.
var PlanWeakensProtection = &Rule{
	ID: "BH102", Name: "plan-weakens-protection", Severity: High, Run: runPlanWeakens,
	Doc: Doc{
		Title: "A planned change weakens the protection of data or of its recovery points.",
		Text: `The plan turns off a safeguard: deletion_protection true → false, skip_final_snapshot
false → true, delete_automated_backups false → true, force_destroy false → true,
backup_retention_period to 0, a backup vault lock removed, or a credential's authority widened
(it may delete more than before). A value
that is only known after apply is reported as "unknown": it is never assumed safe.

Fix: keep the safeguard, or make the change in its own reviewed pull request and waive it.`,
		Before: `~ aws_db_instance.main: deletion_protection = true -> false`,
		After:  `aws_db_instance.main: deletion_protection = true (unchanged)`,
		Since:  "0.1",
	},
}

func runPlanWeakens(p *Pass) ([]Finding, error) {
	if p.Plan() == nil {
		return nil, nil
	}
	ws := p.Weakenings()
	var out []Finding
	for i := range ws {
		w := &ws[i]
		r := p.ResourceEither(w.Resource)
		if !p.AtRisk(r) && w.To != "unknown" {
			p.Notice(Notice{Kind: "weakening", Location: w.Address,
				Message: fmt.Sprintf("%s: %s %s → %s on %s tier", w.Label, w.Attribute, w.From, w.To, p.Tier(r))})
			continue
		}
		f := planWeakeningFinding(p, w)
		w.Finding = f.Fingerprint
		out = append(out, f)
	}
	return out, nil
}

// planWeakeningFinding is the BH102 finding of a weakening. Its fingerprint keys on the
// attribute too: one resource can lose several safeguards in one plan.
func planWeakeningFinding(ap *Pass, w *Weakening) Finding {
	r := ap.ResourceEither(w.Resource)
	if r == nil {
		r = &graph.Resource{ID: w.Resource, Kind: graph.Other, Name: w.Address}
	}
	name := w.Address
	if name == "" {
		name = r.Label()
	}
	f := ap.Finding(r, nil, "%s: %s %s → %s", name, w.Attribute, w.From, w.To)
	f.Path = []Hop{{IDs: []string{r.ID}, Label: r.Label(), Note: string(ap.Tier(r))}}
	f.Detail = w.Why
	if w.To == "unknown" {
		f.Detail = "unknown after apply: " + w.Why
	}
	f.KeyOn(w.Attribute)
	return f
}
