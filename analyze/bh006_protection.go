package analyze

import "github.com/bulkhead-dev/bulkhead/graph"

// NoDeletionProtection is BH006.
var NoDeletionProtection = &Rule{
	ID: "BH006", Name: "no-deletion-protection", Severity: Medium,
	Doc: Doc{
		Title: "A production data resource has deletion protection switched off where the provider offers it.",
		Text: `Deletion protection (RDS and Aurora deletion_protection, Cloud SQL deletion_protection, DynamoDB
deletion_protection_enabled) makes a delete fail until someone turns it off on purpose: one more
deliberate step between a mistaken command and lost data. Providers that offer no such switch
(Railway volumes) are not reported.

Fix: set deletion_protection = true on production data resources.`,
		Before: `resource "aws_db_instance" "main" { deletion_protection = false }`,
		After:  `resource "aws_db_instance" "main" { deletion_protection = true }`,
		Since:  "0.1",
	},
	Run: func(p *Pass) ([]Finding, error) {
		var out []Finding
		for _, d := range p.Holders() {
			on, offered := d.Bool(graph.AttrDeletionProtection)
			if !offered || on || !p.AtRisk(d) {
				continue
			}
			f := p.Finding(d, nil, "%s has deletion protection off", p.Label(d))
			f.Path = []Hop{p.Hop(StepStart, d)}
			f.Detail = "one API call deletes it"
			out = append(out, f)
		}
		return out, nil
	},
}
