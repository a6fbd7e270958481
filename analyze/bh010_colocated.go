package analyze

import (
	"strconv"

	"github.com/bulkhead-dev/bulkhead/graph"
)

// ColocatedRecoveryPoints is BH010. It is written against the exported Pass only, as a rule
// outside this package would be (docs/architecture.md: the cost of a new rule).
var ColocatedRecoveryPoints = &Rule{
	ID: "BH010", Name: "colocated-recovery-points", Severity: Medium,
	Doc: Doc{
		Title: "Every recovery point that survives deleting the data is in the same account and region as the data.",
		Text: `The recovery points outlive a delete of the data, but they sit beside it: one compromised
account, one account-wide credential, one region outage or one mistaken account closure takes
the data and every copy together. Providers that offer it let you keep one copy elsewhere
(AWS Backup copy actions to another region or account, RDS cross-region automated backup
replication, S3 replication).

The rule judges only where the source says where both the data and its recovery points live
(account and region: AWS today); a recovery point whose place is unknown is not called
colocated. Data of unknown tier counts as production: unknown is never safe.

Fix: copy at least one recovery point to another region, and preferably another account, with
a vault there that the data's own credentials cannot delete.`,
		Before: `aws_db_instance "orders" (123456789012, eu-west-1) -> snapshots in 123456789012, eu-west-1 only`,
		After:  `an AWS Backup copy_action to a vault in another account and region`,
		Since:  "0.2",
	},
	Run: runColocated,
}

func runColocated(p *Pass) ([]Finding, error) {
	var out []Finding
	for _, d := range p.Holders() {
		if !p.AtRisk(d) {
			continue
		}
		account, region := placeOf(p, d)
		if account == "" || region == "" {
			continue
		}
		survivors := p.SurvivingOwnDelete(d)
		if len(survivors) == 0 {
			continue // BH002 or BH005 says worse
		}
		colocated := true
		for _, c := range survivors {
			if a, r := placeOf(p, c); a != account || r != region {
				colocated = false // elsewhere, or unknown: not claimed colocated
				break
			}
		}
		if !colocated {
			continue
		}
		what := "the only surviving recovery point of " + d.Label() + " is"
		if len(survivors) > 1 {
			what = "all " + strconv.Itoa(len(survivors)) + " surviving recovery points of " + d.Label() + " are"
		}
		f := p.Finding(d, survivors, "%s in account %s, region %s, beside the data", what, account, region)
		f.Path = []Hop{p.Hop(StepStart, d), p.GroupHop(StepColocated, survivors)}
		f.Detail = "an account compromise or a region outage takes the data and every copy together"
		out = append(out, f)
	}
	return out, nil
}

// placeOf is where r lives: its own account and region, else those of the store (a backup
// vault) it is stored in.
func placeOf(p *Pass, r *graph.Resource) (account, region string) {
	account, _ = r.Attr(graph.AttrAccount)
	region, _ = r.Attr(graph.AttrRegion)
	if account != "" && region != "" {
		return account, region
	}
	for _, s := range p.Index.Successors(r, graph.StoredIn) {
		a, _ := s.Attr(graph.AttrAccount)
		g, _ := s.Attr(graph.AttrRegion)
		return cmpOr(account, a), cmpOr(region, g)
	}
	return account, region
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
