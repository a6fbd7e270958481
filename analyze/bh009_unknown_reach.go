package analyze

import (
	"github.com/bulkhead-dev/bulkhead/graph"
)

// UnknownReach is BH009.
var UnknownReach = &Rule{
	ID: "BH009", Name: "unknown-reach", Severity: High,
	Doc: Doc{
		Title: "A credential is readable here, but what it may delete could not be determined.",
		Text: `bulkhead found a credential (in a file, a variable, a policy it could not evaluate) and could not
learn what it is allowed to do (without --probe nothing is sent to ask). Unknown is never safe:
a token in a staging .env may well be the account-wide one that deletes production.

Fix: let bulkhead learn its reach: --probe asks the provider read-only what a found token can
reach (Railway today); --tfstate with the state that manages an AWS key gives its policies;
--scan-variable-values lets the Railway source tell which token a variable holds. Or remove the
credential from where it is readable.`,
		Before: `.env.staging: RAILWAY_API_TOKEN=… (reach unknown)`,
		After:  `bulkhead audit --workdir . --probe  # reach learned, read-only`,
		Since:  "0.1",
	},
	Run: func(p *Pass) ([]Finding, error) {
		var out []Finding
		for _, t := range p.Graph.ByKind(graph.Token) {
			if v, _ := t.Attr(graph.AttrReach); v != graph.ReachUnknown || len(p.Index.Successors(t, graph.ScopedTo)) > 0 {
				continue // known, or learned from another source (a joined Terraform key)
			}
			if _, can := p.CanAct(t); !can {
				continue // expired or disabled: whatever it was allowed, it acts on nothing
			}
			where := p.Exposure(t)
			if where == "" {
				where = "found by " + t.Origin.String()
			}
			f := p.Finding(t, nil, "%s (%s) may delete anything: its reach is unknown", p.Label(t), where)
			f.Path = []Hop{p.Hop(StepStart, t)}
			// What would teach bulkhead the reach is the discoverer's to say.
			f.Detail, _ = t.Attr(graph.AttrReachHint)
			if f.Detail == "" {
				f.Detail = "no source said what it may do"
			}
			f.Advice, _ = t.Attr(graph.AttrAdvice)
			out = append(out, f)
		}
		return out, nil
	},
}
