package analyze

// NoBackup is BH005.
var NoBackup = &Rule{
	ID: "BH005", Name: "no-backup", Severity: High,
	Doc: Doc{
		Title: "A production data resource has no backup at all.",
		Text: `No snapshot, no recovery point, no export: if this data is deleted, corrupted or encrypted, it is
gone. Resources of unknown tier are treated as production, since unknown is never safe.

Fix: enable backups (a Railway backup schedule, RDS automated backups plus AWS Backup, Cloud SQL
backups) and keep at least one copy outside the resource's lifecycle (see BH002).`,
		Before: `volume instance "redis-data" (production), no backups`,
		After:  `volume instance "redis-data" with a daily schedule and an off-site copy`,
		Since:  "0.1",
	},
	NoSurvivor: true,
	Run: func(p *Pass) ([]Finding, error) {
		var out []Finding
		for _, d := range p.Holders() {
			if !p.AtRisk(d) || len(p.Copies(d)) > 0 {
				continue
			}
			f := p.Finding(d, nil, "%s has no backup", p.Label(d))
			f.Path = p.DeleterHops(d)
			f.Detail = "production data with no recovery point"
			if p.Tier(d) != "production" {
				f.Detail = "data of unknown tier (treated as production) with no recovery point"
			}
			out = append(out, f)
		}
		return out, nil
	},
}
