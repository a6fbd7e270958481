package analyze

// PlanRules are judged on a planned change (bulkhead check --plan), not on one graph: they
// compare the graph before a Terraform plan with the graph after it (Options.Plan; the
// Pass's Before, Deletions and Weakenings). Run runs them whenever Options.Plan is set and
// finds nothing for them in an audit. They are documented and waived like any other
// rule, and their IDs (BH1xx) are never reused.
var PlanRules = []*Rule{PlanDestroysData, PlanWeakensProtection}
