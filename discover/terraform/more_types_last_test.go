package terraform

import (
	"strings"
	"testing"

	"github.com/bulkhead-dev/bulkhead/analyze"
	"github.com/bulkhead-dev/bulkhead/graph"
)

// TestMoreTypesLastFixtures: issue 15's last leftovers (tfmap/google_more_types.go,
// azure_types.go): each row that changes a verdict fires on one fixture and not on the
// other.
func TestMoreTypesLastFixtures(t *testing.T) {
	cases := []ruleCase{
		// A boot disk made from initialize_params is a volume of its own, deleted with its
		// instance: without a snapshot it has no backup...
		{"i15_gcp_boot_disk_no_snapshot", "BH005", true, "google:google_compute_boot_disk:google_compute_instance.default", "has no backup"},
		// ... and a snapshot schedule of initialize_params.resource_policies backs it up,
		// with snapshots that outlive it.
		{"i15_gcp_boot_disk_snapshot_schedule", "BH005", false, "", ""},
		{"i15_gcp_boot_disk_snapshot_schedule", "BH002", false, "", ""},
		// The daily schedule bounds the snapshots' age: no "age unknown".
		{"i15_gcp_boot_disk_snapshot_schedule", "BH007", false, "", ""},
	}
	runRuleCases(t, cases)
}

// TestGCEInlineBootDisk: in a state, an instance's boot disk made from initialize_params
// has a source (the self link of the disk made with it) that is no disk of the state. It is
// a volume with the instance's tier and project, deleted with the instance unless
// auto_delete is false, backed up by a resource policy attachment that names it (by its
// name, the instance's) and by a snapshot whose source_disk is its self link; its self
// link is an alias, so that a source managing that disk merges with it.
func TestGCEInlineBootDisk(t *testing.T) {
	g := loadFixture(t, "i15_gcp_boot_disk_attachment_state")
	const (
		inst = "google:google_compute_instance:https://www.googleapis.com/compute/v1/projects/my-project/zones/us-central1-a/instances/"
		disk = "google:google_compute_boot_disk:https://www.googleapis.com/compute/v1/projects/my-project/zones/us-central1-a/instances/"
		self = "https://www.googleapis.com/compute/v1/projects/my-project/zones/us-central1-a/disks/"
	)
	for _, name := range []string{"app-prod", "worker-prod", "scratch-prod"} {
		d, ok := g.Resource(disk + name)
		if !ok {
			t.Fatalf("no boot disk of %s\n%s", name, summary(t, g))
		}
		if d.Kind != graph.Volume || d.Tier != graph.Production {
			t.Errorf("%s boot disk: kind %s, tier %s; want a production volume", name, d.Kind, d.Tier)
		}
		if a, _ := d.Attr(graph.AttrAccount); a != "my-project" {
			t.Errorf("%s boot disk: account %q, want my-project", name, a)
		}
		if sz, _ := d.Attr("size_gb"); sz != "10" {
			t.Errorf("%s boot disk: size_gb %q, want 10 (initialize_params.size)", name, sz)
		}
		if dn, _ := d.Attr("disk_name"); dn != name {
			t.Errorf("%s boot disk: disk_name %q", name, dn)
		}
		alias := false
		for _, a := range d.Aliases {
			alias = alias || a == "google:google_compute_disk:"+self+name
		}
		if !alias {
			t.Errorf("%s boot disk: aliases %v lack its google_compute_disk ID", name, d.Aliases)
		}
		want := name != "scratch-prod"
		if got := hasEdge(g, inst+name, graph.DeletesWith, disk+name); got != want {
			t.Errorf("%s deletes_with its boot disk: %v, want %v (auto_delete)", name, got, want)
		}
	}
	backedBy := func(name string) []string {
		var out []string
		for _, e := range g.Edges() {
			if e.Kind == graph.BacksUp && e.To == disk+name {
				out = append(out, e.From)
			}
		}
		return out
	}
	if b := backedBy("app-prod"); len(b) != 1 || !strings.HasPrefix(b[0], "google:scheduled_snapshots:") {
		t.Errorf("app-prod boot disk backed up by %v, want the attachment's scheduled snapshots", b)
	}
	if b := backedBy("worker-prod"); len(b) != 1 || b[0] != "google:google_compute_snapshot:https://www.googleapis.com/compute/v1/projects/my-project/global/snapshots/worker-manual" {
		t.Errorf("worker-prod boot disk backed up by %v, want the manual snapshot", b)
	}
	if b := backedBy("scratch-prod"); len(b) != 0 {
		t.Errorf("scratch-prod boot disk backed up by %v, want nothing", b)
	}
}

// TestAKSBackup: AKS backup's backup instance and policy are understood (no
// not_understood count), the policy a backup_policy as its siblings, the instance an "other"
// node: what it protects (Kubernetes objects, disks the CSI driver makes outside Terraform)
// is no data resource of the graph, so it adds no recovery point and changes no finding.
func TestAKSBackup(t *testing.T) {
	g := loadFixture(t, "i15_az_aks_backup")
	for _, s := range g.Sources {
		for k, n := range s.Counts {
			if strings.HasPrefix(k, "not_understood.azurerm_data_protection_") {
				t.Errorf("count %s = %d: an AKS backup type is not understood", k, n)
			}
		}
	}
	for id, kind := range map[string]graph.Kind{
		"azurerm:azurerm_data_protection_backup_policy_kubernetes_cluster:azurerm_data_protection_backup_policy_kubernetes_cluster.example":     graph.BackupPolicy,
		"azurerm:azurerm_data_protection_backup_instance_kubernetes_cluster:azurerm_data_protection_backup_instance_kubernetes_cluster.example": graph.Other,
	} {
		r, ok := g.Resource(id)
		if !ok {
			t.Errorf("no %s\n%s", id, summary(t, g))
			continue
		}
		if r.Kind != kind {
			t.Errorf("%s: kind %s, want %s", id, r.Kind, kind)
		}
		if v, _ := r.Attr("not_understood"); v != "" {
			t.Errorf("%s: not_understood = %s", id, v)
		}
	}
	for _, e := range g.Edges() {
		if e.Kind == graph.BacksUp {
			t.Errorf("%s backs up %s: AKS backup protects no data resource of the graph", e.From, e.To)
		}
	}
	findings := func(name string) []string {
		rep, err := analyze.Run(loadFixture(t, name), analyze.Options{Now: testNow})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, f := range rep.Findings {
			out = append(out, f.Rule+" "+f.Resource)
		}
		return out
	}
	with, without := findings("i15_az_aks_backup"), findings("i15_az_aks_no_backup")
	if strings.Join(with, "\n") != strings.Join(without, "\n") {
		t.Errorf("AKS backup changes the findings:\nwith:\n%s\nwithout:\n%s", strings.Join(with, "\n"), strings.Join(without, "\n"))
	}
	if len(without) == 0 {
		t.Errorf("no finding on the unprotected storage account: the comparison proves nothing")
	}
}

// TestBigQueryTableKinds: views, materialized views and external tables hold no data of
// record (services, no "has no backup"); the table beside them does.
func TestBigQueryTableKinds(t *testing.T) {
	g := loadFixture(t, "i15_gcp_bigquery_view")
	rep, err := analyze.Run(g, analyze.Options{Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	noBackup := map[string]bool{}
	for _, f := range rep.Findings {
		if f.Rule == "BH005" {
			noBackup[f.Resource] = true
		}
	}
	for name, kind := range map[string]string{"events": "", "recent": "view", "daily": "materialized_view", "raw": "external_data_configuration"} {
		id := "google:google_bigquery_table:google_bigquery_table." + name
		r, ok := g.Resource(id)
		if !ok {
			t.Fatalf("no %s:\n%s", id, summary(t, g))
		}
		got, _ := r.Attr("table_kind")
		if data := kind == ""; got != kind || r.Kind.IsData() != data || noBackup[id] != data {
			t.Errorf("%s: kind %s, table_kind %q, BH005 %v; want table_kind %q, data and BH005 %v", name, r.Kind, got, noBackup[id], kind, data)
		}
	}
}
