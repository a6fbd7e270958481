package analyze

import (
	"strconv"
	"strings"

	"github.com/bulkhead-dev/bulkhead/graph"
)

// TokenExceedsPurpose is BH003.
var TokenExceedsPurpose = &Rule{
	ID: "BH003", Name: "token-exceeds-purpose", Severity: High,
	Doc: Doc{
		Title: "A credential made for a narrow purpose, or exposed in a lower environment, can delete production data.",
		Text: `A token created to manage custom domains has no business deleting volumes; a credential readable
from staging (a variable, a .env file, a CI secret) should not be able to delete production. Yet
provider tokens are usually account- or workspace-wide: whoever or whatever holds one, including
a coding agent working in staging, holds the power to delete production data.

bulkhead takes a token's purpose from the provider where it can, from what the credential is
called (a name, an IAM path or a Purpose tag such as "route53-sync" or "netlify-domains" says
domains; "backup-reader" says read-only), and from token blocks in bulkhead.hcl, which win
(token "domains-cli" { purpose = ["domains"] }). A purpose that does not involve
data (anything but admin, data, backups, storage, volumes, databases, infrastructure) is narrow.
Exposure in an environment of unknown tier counts as a lower environment, and data of unknown
tier counts as production data: unknown is never safe in either direction.
One finding per credential counts the production data it can delete and shows the path to the
worst (one with no surviving recovery point when there is one); past ten resources the JSON
report names the groups that list them all.

Fix: replace the token with one scoped to what its purpose needs; on Railway, a project token for
the one environment it works in; on AWS, a policy without delete actions on data.`,
		Before: `token "domains-cli" { purpose = ["domains"] }  # a workspace token`,
		After:  `a project token scoped to the one environment whose domains it manages`,
		Since:  "0.1",
	},
	Run: runPurpose,
}

// dataPurposes are purposes that justify deleting data.
var dataPurposes = map[string]bool{
	"admin": true, "data": true, "backup": true, "backups": true, "storage": true, "volumes": true,
	"databases": true, "database": true, "infrastructure": true, "terraform": true, "all": true,
}

func runPurpose(p *Pass) ([]Finding, error) {
	var out []Finding
	for _, t := range p.Graph.ByKind(graph.Token) {
		reach := p.Reach(t)
		nProd := reach.AtRisk()
		if nProd == 0 {
			continue
		}
		var why []string
		if purposes := t.List(graph.AttrPurpose); len(purposes) > 0 {
			narrow := true
			for _, x := range purposes {
				if dataPurposes[strings.ToLower(x)] {
					narrow = false
				}
			}
			if narrow {
				s := "created for " + strings.Join(purposes, ", ")
				if r, ok := t.Attr(graph.AttrPurposeReason); ok && r != "" {
					s += ", " + r
				}
				why = append(why, s)
			}
		}
		var lower []string
		for _, place := range p.Exposures(t) {
			if p.Tier(place) != graph.Production {
				name := p.PlaceName(place)
				if t := string(p.Tier(place)); !strings.Contains(strings.ToLower(name), t) {
					name += " (" + t + ")"
				}
				lower = append(lower, name)
			}
		}
		if len(lower) > 0 {
			why = append(why, "exposed in "+strings.Join(lower, ", "))
		}
		if len(why) == 0 {
			continue
		}
		noun := AtRiskNoun(nProd, reach.Stats().Production)
		f := p.Finding(t, nil, "%s (%s) can delete %d %s", p.Label(t), strings.Join(why, "; "), nProd, noun)
		prod := p.FirstOf(reach, AtRiskSet, GroupListMax)
		f.Path = p.DeletePath(t, worst(p, prod, reach))
		f.Detail = "its scope exceeds its purpose"
		f.Advice, _ = t.Attr(graph.AttrAdvice)
		if nProd > 1 {
			f.Detail += " (the worst of " + strconv.Itoa(nProd) + " " + noun + " shown)"
		}
		for _, d := range prod {
			f.Resources = append(f.Resources, d.ID)
		}
		if nProd > len(prod) {
			f.Count, f.Groups = nProd, p.GroupsOf(reach, AtRiskSet)
		}
		f.SortResources()
		out = append(out, f)
	}
	return out, nil
}

// worst picks the data resource whose loss hurts most under a reach: one with no
// surviving recovery point (the first in ID order), else, among the listed ones, the one
// with the fewest.
func worst(p *Pass, ds []*graph.Resource, reach *Reach) *graph.Resource {
	if w := p.FirstOf(reach, WipedSet, 1); len(w) > 0 {
		return w[0]
	}
	best, bestN := ds[0], -1
	for _, d := range ds {
		n := len(p.SurvivingReach(d, reach))
		if bestN < 0 || n < bestN {
			best, bestN = d, n
		}
	}
	return best
}
