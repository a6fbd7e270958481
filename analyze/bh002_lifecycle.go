package analyze

// BackupLifecycle is BH002.
var BackupLifecycle = &Rule{
	ID: "BH002", Name: "backup-lifecycle", Severity: High,
	Doc: Doc{
		Title: "Backups share a lifecycle with their source: deleting the source leaves no recovery point.",
		Text: `A backup that is deleted together with the data it protects is not a backup against deletion.
Railway keeps volume backups with the volume instance ("wiping a volume deletes all backups");
RDS deletes automated backups with the instance when delete_automated_backups is true (the
default), and Cloud SQL deletes backups with the instance unless they are retained.

Fix: keep at least one recovery point outside the source's lifecycle: an export to storage in
another account, AWS Backup in a locked vault, a final snapshot, retained backups.`,
		Before: `volume instance "pg-data" --deletes_with--> 3 backups`,
		After:  `volume instance "pg-data" <--backs_up-- nightly dump in a bucket of another account`,
		Since:  "0.1",
	},
	NoSurvivor: true,
	Run:        runLifecycle,
}

func runLifecycle(p *Pass) ([]Finding, error) {
	var out []Finding
	for _, d := range p.Holders() {
		copies := p.Copies(d)
		if len(copies) == 0 {
			continue // BH005's case
		}
		if len(p.SurvivingOwnDelete(d)) > 0 {
			continue
		}
		f := p.Finding(d, nil, "%d of %d recovery points of %s are deleted with it", len(copies), len(copies), p.Label(d))
		f.Severity = High
		if !p.AtRisk(d) {
			f.Severity = Medium
		}
		f.Path = append(p.DeleterHops(d), p.GroupHop(p.LostVia(d, copies), copies))
		f.Detail = "no recovery point survives deleting it"
		for _, c := range copies {
			f.Resources = append(f.Resources, c.ID)
		}
		f.SortResources()
		out = append(out, f)
	}
	return out, nil
}
