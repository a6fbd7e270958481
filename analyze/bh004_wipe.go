package analyze

import (
	"strconv"

	"github.com/bulkhead-dev/bulkhead/graph"
)

// SingleCredentialWipe is BH004.
var SingleCredentialWipe = &Rule{
	ID: "BH004", Name: "single-credential-wipe", Severity: Critical,
	Doc: Doc{
		Title: "One credential can destroy a production data resource and every one of its recovery points.",
		Text: `This is the headline finding: with one credential, one actor (a person, a script, a coding
agent) can delete production data and every copy of it, so nothing is left to restore from. It
compounds BH002 (backups that die with their source) and BH003 (a token stronger than it needs
to be), but fires whenever the credential's delete reach covers the data and all its recovery
points, including when there are none. Data of unknown tier counts as production (unknown is
never safe), and the finding says which tier it is.

Findings are grouped per credential: one finding names every production data resource the
credential can destroy with all its recovery points ("can destroy 412 production data resources
and every recovery point of 37 of them"), shows the path to the first, and lists the first ten;
the JSON report gives the count and names the report's groups that hold the full list. Its
fingerprint changes when that set does.

Fix: break the chain at either end. Keep one recovery point the credential cannot delete (another
account, a locked vault, retained backups), and narrow the credential so it cannot delete the data.`,
		Before: `token "domains-cli" --may delete--> volume "pg-data" --deletes_with--> 3 backups`,
		After:  `a dump of pg-data in a bucket of another account, which the token cannot reach`,
		Since:  "0.1",
	},
	NoSurvivor: true,
	Run:        runWipe,
}

func runWipe(p *Pass) ([]Finding, error) {
	var out []Finding
	for _, t := range p.Graph.ByKind(graph.Token) {
		reach := p.Reach(t)
		m := reach.Wiped()
		if m == 0 {
			continue
		}
		shown := p.FirstOf(reach, WipedSet, GroupListMax)
		d := shown[0] // the first in ID order: every one of them is unrecoverable
		copies := p.Copies(d)
		var f Finding
		switch {
		case m == 1 && len(copies) == 1:
			f = p.Finding(t, shown, "%s can destroy %s and its only recovery point", p.Label(t), p.Label(d))
		case m == 1 && len(copies) > 0:
			f = p.Finding(t, shown, "%s can destroy %s and all %d of its recovery points", p.Label(t), p.Label(d), len(copies))
		case m == 1:
			f = p.Finding(t, shown, "%s can destroy %s, which has no recovery point", p.Label(t), p.Label(d))
		default:
			n, st := reach.AtRisk(), reach.Stats()
			if m == n {
				f = p.GroupFinding(t, reach, WipedSet, shown, "%s can destroy %d %s and every recovery point of each", p.Label(t), m, AtRiskNoun(m, st.UnrecoverableProd))
			} else {
				f = p.GroupFinding(t, reach, WipedSet, shown, "%s can destroy %d %s and every recovery point of %d of them", p.Label(t), n, AtRiskNoun(n, st.Production), m)
			}
		}
		what := "production data"
		if p.Tier(d) != graph.Production {
			what = "data of unknown tier (unknown counts as production)"
		}
		if len(copies) > 0 {
			f.Path = append(p.DeletePath(t, d), p.GroupHop(p.LostVia(d, copies), copies))
			f.Detail = what + ", no surviving recovery point"
		} else {
			f.Path = p.DeletePath(t, d)
			f.Detail = what + ", no recovery point at all"
		}
		if m > 1 {
			f.Detail += alsoList(p, shown[1:], m-1)
		}
		f.Advice, _ = t.Attr(graph.AttrAdvice)
		for _, c := range copies {
			f.Resources = append(f.Resources, c.ID)
		}
		f.SortResources()
		out = append(out, f)
	}
	return out, nil
}

// alsoList names the other resources of a grouped finding after its verdict: "; also
// database "b", database "c" and 7 more".
func alsoList(p *Pass, rest []*graph.Resource, others int) string {
	const named = 3
	var s string
	for i, d := range rest {
		if i == named {
			break
		}
		if i > 0 {
			s += ", "
		}
		s += p.Label(d)
	}
	if n := others - min(len(rest), named); n > 0 {
		s += " and " + strconv.Itoa(n) + " more"
	}
	return "; also " + s
}
