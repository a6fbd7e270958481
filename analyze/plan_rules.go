package analyze

// PlanRules are judged on a planned change (bulkhead check --plan), not on one graph: they
// compare the graph before a Terraform plan with the graph after it. Their Run is nil; the
// gate package builds their findings. They are documented and waived like any other rule,
// and their IDs (BH1xx) are never reused.
var PlanRules = []*Rule{PlanDestroysData, PlanWeakensProtection}

// PlanDestroysData is BH101.
var PlanDestroysData = &Rule{
	ID: "BH101", Name: "plan-destroys-data", Severity: Critical,
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

// PlanWeakensProtection is BH102.
var PlanWeakensProtection = &Rule{
	ID: "BH102", Name: "plan-weakens-protection", Severity: High,
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
