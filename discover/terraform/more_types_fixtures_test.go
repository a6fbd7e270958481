package terraform

import (
	"testing"

	"github.com/bulkhead-dev/bulkhead/graph"
)

// TestMoreTypesFixtures: issue 15's second pass (tfmap/aws_more_types.go,
// azure_more_types.go): each row that changes a verdict fires on one fixture and not on
// the other.
func TestMoreTypesFixtures(t *testing.T) {
	cases := []ruleCase{
		{"i15_bh005_dynamodb_replica_no_pitr", "BH005", true, "aws:aws_dynamodb_table_replica:aws_dynamodb_table_replica.orders_eu", "has no backup"},
		{"i15_bh005_dynamodb_replica_pitr", "BH005", false, "", ""},
		{"i15_bh005_azure_vm_os_disk", "BH005", true, "azurerm:azurerm_os_disk:azurerm_linux_virtual_machine.app", "has no backup"},
		// The VM backup of az_bh005_disk_vm_backup covers its OS disk too.
		{"az_bh005_disk_vm_backup", "BH005", false, "", ""},
		// A Cloud SQL read replica is no data resource of its own (no BH005 on it); its
		// primary without backups is.
		{"i15_bh005_sql_replica", "BH005", false, "", ""},
		{"i15_bh005_sql_replica_no_backup", "BH005", true, "google:google_sql_database_instance:google_sql_database_instance.main", "has no backup"},
	}
	runRuleCases(t, cases)
}

// TestBucketSoftDelete: a Cloud Storage bucket's soft delete is its undo window (seven
// days unless the policy says otherwise), and 0 turns it off.
func TestBucketSoftDelete(t *testing.T) {
	for _, c := range []struct {
		fixture, want string
	}{
		{"i15_gcs_soft_delete_default", "168h"},
		{"i15_gcs_soft_delete_off", ""},
	} {
		g := loadFixture(t, c.fixture)
		r, ok := g.Resource("google:google_storage_bucket:google_storage_bucket.docs")
		if !ok {
			t.Fatalf("%s: no bucket:\n%s", c.fixture, summary(t, g))
		}
		if got, _ := r.Attr(graph.AttrRestoreWindow); got != c.want {
			t.Errorf("%s: restore_window %q, want %q", c.fixture, got, c.want)
		}
	}
}

// TestRDSGlobalCluster: a global database is a service attached to its primary cluster,
// which is marked as its member and stays the data resource.
func TestRDSGlobalCluster(t *testing.T) {
	g := loadFixture(t, "i15_rds_global_cluster")
	gc, ok := g.Resource("aws:aws_rds_global_cluster:aws_rds_global_cluster.orders")
	if !ok || gc.Kind != graph.Service {
		t.Fatalf("global cluster: %v %+v\n%s", ok, gc, summary(t, g))
	}
	if v, _ := gc.Attr(graph.AttrDeletionProtection); v != "true" {
		t.Errorf("deletion_protection %q", v)
	}
	c, ok := g.Resource("aws:aws_rds_cluster:aws_rds_cluster.primary")
	if !ok || c.Kind != graph.Database {
		t.Fatalf("primary: %v %+v", ok, c)
	}
	if v, _ := c.Attr("global_cluster_role"); v != "primary" {
		t.Errorf("global_cluster_role %q\n%s", v, summary(t, g))
	}
	found := false
	for _, e := range g.Edges() {
		if e.From == gc.ID && e.To == c.ID && e.Kind == graph.Attached {
			found = true
		}
	}
	if !found {
		t.Errorf("no attached edge from the global cluster to its primary\n%s", summary(t, g))
	}
}

// TestGCEBootDisk: a boot disk with auto_delete (the default) is deleted with its instance;
// one with auto_delete = false is not.
func TestGCEBootDisk(t *testing.T) {
	g := loadFixture(t, "i15_gce_boot_disk")
	has := func(from, to string) bool {
		for _, e := range g.Edges() {
			if e.From == from && e.To == to && e.Kind == graph.DeletesWith {
				return true
			}
		}
		return false
	}
	if !has("google:google_compute_instance:google_compute_instance.app", "google:google_compute_disk:google_compute_disk.boot") {
		t.Errorf("the auto_delete boot disk does not go with its instance\n%s", summary(t, g))
	}
	if has("google:google_compute_instance:google_compute_instance.keeper", "google:google_compute_disk:google_compute_disk.kept") {
		t.Errorf("a boot disk with auto_delete = false goes with its instance")
	}
}

// TestRDSGlobalClusterMembers: in the common form, where each cluster names its global
// database (global_cluster_identifier), both clusters are linked as members.
func TestRDSGlobalClusterMembers(t *testing.T) {
	g := loadFixture(t, "i15_rds_global_cluster_members")
	gc, ok := g.Resource("aws:aws_rds_global_cluster:aws_rds_global_cluster.example")
	if !ok {
		t.Fatalf("no global cluster\n%s", summary(t, g))
	}
	for _, name := range []string{"primary", "secondary"} {
		c, ok := g.Resource("aws:aws_rds_cluster:aws_rds_cluster." + name)
		if !ok {
			t.Fatalf("no %s cluster\n%s", name, summary(t, g))
		}
		if v, _ := c.Attr("global_cluster_role"); v != "member" {
			t.Errorf("%s: global_cluster_role %q", name, v)
		}
		found := false
		for _, e := range g.Edges() {
			if e.From == gc.ID && e.To == c.ID && e.Kind == graph.Attached {
				found = true
			}
		}
		if !found {
			t.Errorf("no attached edge from the global cluster to %s\n%s", name, summary(t, g))
		}
	}
}
