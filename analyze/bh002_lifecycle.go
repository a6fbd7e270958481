package analyze

import (
	"slices"
	"sort"

	"github.com/bulkhead-dev/bulkhead/graph"
)

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
		f := p.Finding(d, nil, "%d of %d recovery points of %s are deleted with it", len(copies), len(copies), p.label(d))
		f.Severity = High
		if !p.AtRisk(d) {
			f.Severity = Medium
		}
		f.Path = append(p.deleterHopsExtra(d, 1), p.GroupHop(lostVia(p, d, copies), copies))
		f.Detail = "no recovery point survives deleting it"
		for _, c := range copies {
			f.Resources = append(f.Resources, c.ID)
		}
		sortDedupe(&f)
		out = append(out, f)
	}
	return out, nil
}

// deleterHops starts a path at the data resource that deletes d, when there is one (a
// Railway volume deletes its instances), so the reader sees the delete a person would issue.
func (p *Pass) deleterHops(d *graph.Resource) []Hop { return p.deleterHopsExtra(d, 0) }

// deleterHopsExtra is deleterHops in a slice with room for extra more hops.
func (p *Pass) deleterHopsExtra(d *graph.Resource, extra int) []Hop {
	for _, parent := range p.Index.Predecessors(d, graph.DeletesWith) {
		if parent.Kind.IsData() {
			return append(make([]Hop, 0, 2+extra), p.Hop("", parent), p.Hop(string(graph.DeletesWith), d))
		}
	}
	return append(make([]Hop, 0, 1+extra), p.Hop("", d))
}

// lostVia names the edge through which d's copies die with it.
func lostVia(p *Pass, d *graph.Resource, copies []*graph.Resource) string {
	if chain := p.Index.Chain(d, copies[0]); len(chain) > 0 {
		return string(chain[len(chain)-1].Kind)
	}
	return "loses"
}

// sortDedupe sorts and deduplicates a finding's resources after a rule appended to them
// (appending copied them: the slice is the finding's own).
func sortDedupe(f *Finding) {
	sort.Strings(f.Resources)
	f.Resources = slices.Compact(f.Resources)
}
