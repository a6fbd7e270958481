package analyze

import "github.com/bulkhead-dev/bulkhead/graph"

// SingleCredentialWipe is BH004.
var SingleCredentialWipe = &Rule{
	ID: "BH004", Name: "single-credential-wipe", Severity: Critical,
	Doc: Doc{
		Title: "One credential can destroy a production data resource and every one of its recovery points.",
		Text: `This is the headline finding: with one credential, one actor (a person, a script, a coding
agent) can delete production data and every copy of it, so nothing is left to restore from. It
compounds BH002 (backups that die with their source) and BH003 (a token stronger than it needs
to be), but fires whenever the credential's delete reach covers the data and all its recovery
points, including when there are none.

Fix: break the chain at either end. Keep one recovery point the credential cannot delete (another
account, a locked vault, retained backups), and narrow the credential so it cannot delete the data.`,
		Before: `token "domains-cli" --may delete--> volume "pg-data" --deletes_with--> 3 backups`,
		After:  `a dump of pg-data in a bucket of another account, which the token cannot reach`,
		Since:  "0.1",
	},
	Run: runWipe,
}

func runWipe(p *Pass) ([]Finding, error) {
	var out []Finding
	for _, t := range p.Graph.ByKind(graph.Token) {
		reach := p.Reach(t)
		for _, d := range reach.Resources() {
			if !p.IsHolder(d) || p.Tier(d) != graph.Production {
				continue
			}
			if len(p.Surviving(d, reach.Destroyed)) > 0 {
				continue
			}
			copies := p.Copies(d)
			var f Finding
			if len(copies) > 0 {
				f = p.Finding(t, []*graph.Resource{d}, "%s can destroy %s and all %d of its recovery points", p.label(t), p.label(d), len(copies))
				f.Path = append(p.deletePath(t, d, 1), p.GroupHop(lostVia(p, d, copies), copies))
				f.Detail = "production data, no surviving recovery point"
			} else {
				f = p.Finding(t, []*graph.Resource{d}, "%s can destroy %s, which has no recovery point", p.label(t), p.label(d))
				f.Path = p.deletePath(t, d, 0)
				f.Detail = "production data, no recovery point at all"
			}
			f.Advice, _ = t.Attr(graph.AttrAdvice)
			for _, c := range copies {
				f.Resources = append(f.Resources, c.ID)
			}
			sortDedupe(&f)
			out = append(out, f)
		}
	}
	return out, nil
}
