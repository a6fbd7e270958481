package terraform

import (
	"testing"

	"github.com/bulkhead-dev/bulkhead/graph"
)

// TestMoreTypesAzGCPFixtures: issue 15's leftovers on the Azure and Google side
// (tfmap/azure_more_types.go, google_more_types.go): each row that changes a verdict fires
// on one fixture and not on the other.
func TestMoreTypesAzGCPFixtures(t *testing.T) {
	cases := []ruleCase{
		// An Azure Files share is data of its own: without a backup it has none, whatever
		// its soft delete.
		{"i15_az_storage_share_no_backup", "BH005", true, "azurerm:azurerm_storage_share:azurerm_storage_share.example", "has no backup"},
		// Azure Backup's share snapshots back up the share (not only its account)...
		{"i15_az_storage_share_backup", "BH005", false, "", ""},
		// ... and live with it: a share with snapshots is deleted with them.
		{"i15_az_storage_share_backup", "BH002", true, "azurerm:azurerm_storage_share:azurerm_storage_share.example", "1 of 1 recovery points"},
		// The deprecated azurerm_sql_server and azurerm_sql_database are Azure SQL as the
		// mssql types are: point-in-time backups that go with the server...
		{"i15_az_sql_legacy", "BH002", true, "azurerm:azurerm_sql_database:azurerm_sql_database.example", "1 of 1 recovery points"},
		// ... and deletion protection from a management lock only.
		{"i15_az_sql_legacy", "BH006", true, "azurerm:azurerm_sql_database:azurerm_sql_database.example", "deletion protection off"},
		{"i15_az_sql_legacy_locked", "BH006", false, "", ""},
		// A Spanner backup schedule's backups back up the database and outlive its drop...
		{"i15_gcp_spanner_no_backup_schedule", "BH005", true, "google:google_spanner_database:google_spanner_database.database", "has no backup"},
		{"i15_gcp_spanner_backup_schedule", "BH005", false, "", ""},
		{"i15_gcp_spanner_backup_schedule", "BH002", false, "", ""},
		// ... daily ...
		{"i15_gcp_spanner_backup_schedule", "BH007", false, "", ""},
		// ... but live in the instance: whoever may delete it destroys both.
		{"i15_gcp_spanner_backup_schedule", "BH004", true, "google:google_service_account_key:google_service_account_key.deploy", "and its only recovery point"},
	}
	runRuleCases(t, cases)
}

// TestStorageShare: a share is contained by its storage account, whether named by
// storage_account_id or storage_account_name, and takes the account's tier. Share soft
// delete is kept as days on the account and on the share, never as the share's
// restore_window (deleting the account takes soft-deleted shares too, and whoever may
// delete a share may turn soft delete off first); an account without the block states none.
func TestStorageShare(t *testing.T) {
	const (
		account = "azurerm:azurerm_storage_account:azurerm_storage_account.example"
		share   = "azurerm:azurerm_storage_share:azurerm_storage_share.example"
	)
	for _, c := range []struct {
		fixture, days string
	}{
		{"i15_az_storage_share_no_backup", "30"},
		{"i15_az_storage_share_backup", ""},
	} {
		g := loadFixture(t, c.fixture)
		s, ok := g.Resource(share)
		if !ok || s.Kind != graph.Volume {
			t.Fatalf("%s: share %v %+v\n%s", c.fixture, ok, s, summary(t, g))
		}
		if !hasEdge(g, account, graph.Contains, share) {
			t.Errorf("%s: the account does not contain the share\n%s", c.fixture, summary(t, g))
		}
		if s.Tier != graph.Production {
			t.Errorf("%s: share tier %q (%s)", c.fixture, s.Tier, s.TierWhy)
		}
		a, _ := g.Resource(account)
		if got, _ := a.Attr("share_soft_delete_days"); got != c.days {
			t.Errorf("%s: account share_soft_delete_days %q, want %q", c.fixture, got, c.days)
		}
		if got, _ := s.Attr("soft_delete_days"); got != c.days {
			t.Errorf("%s: share soft_delete_days %q, want %q", c.fixture, got, c.days)
		}
		if w, ok := s.Attr(graph.AttrRestoreWindow); ok {
			t.Errorf("%s: share restore_window %q: share soft delete is no undo for deleting the account", c.fixture, w)
		}
	}
}

// TestLegacySQL: a legacy database is contained by its server, named by a reference or
// by a literal server_name, and the server's delete takes its point-in-time backups.
func TestLegacySQL(t *testing.T) {
	const (
		server = "azurerm:azurerm_sql_server:azurerm_sql_server.example"
		db     = "azurerm:azurerm_sql_database:azurerm_sql_database.example"
		pitr   = "azurerm:azurerm_mssql_database_pitr:azurerm_sql_database.example"
	)
	for _, f := range []string{"i15_az_sql_legacy", "i15_az_sql_legacy_locked"} {
		g := loadFixture(t, f)
		if r, ok := g.Resource(server); !ok || r.Kind != graph.Service {
			t.Fatalf("%s: server %v %+v\n%s", f, ok, r, summary(t, g))
		}
		if !hasEdge(g, server, graph.Contains, db) {
			t.Errorf("%s: the server does not contain the database\n%s", f, summary(t, g))
		}
		if !hasEdge(g, server, graph.DeletesWith, pitr) || !hasEdge(g, pitr, graph.BacksUp, db) {
			t.Errorf("%s: the point-in-time backups do not back up the database and go with the server\n%s", f, summary(t, g))
		}
	}
}

// TestSpannerBackupSchedule: the schedule's backups back up its database, are contained by
// the instance (not by the database, which they outlive), keep them retention_duration and
// come at least daily.
func TestSpannerBackupSchedule(t *testing.T) {
	const (
		inst = "google:google_spanner_instance:google_spanner_instance.main"
		db   = "google:google_spanner_database:google_spanner_database.database"
		bk   = "google:google_spanner_backup_schedule:google_spanner_backup_schedule.full-backup"
	)
	g := loadFixture(t, "i15_gcp_spanner_backup_schedule")
	r, ok := g.Resource(bk)
	if !ok || r.Kind != graph.Backup {
		t.Fatalf("backups %v %+v\n%s", ok, r, summary(t, g))
	}
	if !hasEdge(g, bk, graph.BacksUp, db) || !hasEdge(g, inst, graph.Contains, bk) {
		t.Errorf("the backups do not back up the database from the instance\n%s", summary(t, g))
	}
	for _, k := range []graph.EdgeKind{graph.Contains, graph.DeletesWith} {
		if hasEdge(g, db, k, bk) {
			t.Errorf("the database %s its backups: they outlive a dropped database", k)
		}
	}
	for k, want := range map[string]string{graph.AttrRetentionDays: "366", graph.AttrInterval: "24h0m0s", graph.AttrAccount: "acme-prod"} {
		if got, _ := r.Attr(k); got != want {
			t.Errorf("%s %q, want %q", k, got, want)
		}
	}
}
