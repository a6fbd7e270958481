package analyze

import (
	"strconv"
	"strings"

	"github.com/bulkhead-dev/bulkhead/graph"
)

// BroadCredential is BH008.
var BroadCredential = &Rule{
	ID: "BH008", Name: "broad-credential", Severity: Medium,
	Doc: Doc{
		Title: "A credential has account- or workspace-wide authority, or never expires while it can delete production data.",
		Text: `Account and workspace tokens reach every project their owner can, in every environment, now and
in the future. A credential that never expires stays dangerous long after the job it was made for
is done. No expiry alone is reported only when the credential can delete production data: a
staging-only token that never expires is a smaller problem. Data of unknown tier counts as
production (unknown is never safe). One finding per credential; it counts
what the credential can delete rather than listing it.

Fix: prefer project- or environment-scoped credentials; give every token an expiry and rotate it.`,
		Before: `workspace token "domains-cli", no expiry`,
		After:  `project token for one environment, expiring in 90 days`,
		Since:  "0.1",
	},
	Run: func(p *Pass) ([]Finding, error) {
		var out []Finding
		for _, t := range p.Graph.ByKind(graph.Token) {
			if _, can := p.CanAct(t); !can {
				continue // expired or disabled: broad on paper, able to do nothing
			}
			var why []string
			level, _ := t.Attr(graph.AttrScopeLevel)
			if graph.WideScope(level) {
				why = append(why, level+"-wide authority")
			}
			exp, _ := t.Attr(graph.AttrExpiresAt)
			prodReach := p.Reach(t).AtRisk()
			if exp == graph.Never && (prodReach > 0 || len(why) > 0) {
				why = append(why, "no expiry")
			}
			if len(why) == 0 {
				continue
			}
			f := p.Finding(t, nil, "%s has %s", p.Label(t), strings.Join(why, " and "))
			f.Path = []Hop{p.Hop(StepStart, t)}
			f.Advice, _ = t.Attr(graph.AttrAdvice)
			if tg := p.Reach(t).Targets; len(tg) > 0 {
				first, _ := p.Index.Resource(tg[0].To)
				f.Path = append(f.Path, p.Hop(StepMayDelete, first))
			}
			f.Detail = "it can delete " + strconv.Itoa(p.Reach(t).Len()) + " resources"
			if prodReach > 0 {
				f.Detail += ", " + strconv.Itoa(prodReach) + " of them production data"
				if p.Reach(t).Stats().Production < prodReach {
					f.Detail += " or data of unknown tier"
				}
			}
			out = append(out, f)
		}
		return out, nil
	},
}

// AtRiskNoun names n at-risk data resources of which prod are of production tier and the
// rest of unknown tier (Pass.AtRisk), so that a finding never calls unknown-tier data
// production, nor leaves it out.
func AtRiskNoun(n, prod int) string {
	switch {
	case prod == n:
		return Plural(n, "production data resource", "production data resources")
	case prod == 0:
		return Plural(n, "data resource of unknown tier", "data resources of unknown tier")
	}
	return "data resources of production or unknown tier"
}

// Plural picks the word for n: one or many. Every output uses it.
func Plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
