package terraform

import (
	"bytes"
	"strings"
	"testing"

	"github.com/bulkhead-dev/bulkhead/analyze"
	"github.com/bulkhead-dev/bulkhead/graph"
)

// TestAzureFixtures runs the catalogue on the fixtures of issue 15's rows (Azure, and the AWS
// and Google types added with them): for each row that changes a verdict, a fixture where
// the rule fires and one where it must not.
func TestAzureFixtures(t *testing.T) {
	cases := []ruleCase{
		{"az_bh002_postgres_only_own_backups", "BH002", true, "azurerm:azurerm_postgresql_flexible_server:azurerm_postgresql_flexible_server.main", "1 of 1 recovery points"},
		{"az_bh002_postgres_backup_vault", "BH002", false, "", ""},
		{"az_bh002_mssql_pitr_only", "BH002", true, "azurerm:azurerm_mssql_database:azurerm_mssql_database.billing", "1 of 1 recovery points"},
		{"az_bh002_mssql_ltr", "BH002", false, "", ""},
		{"az_bh002_storage_versions", "BH002", true, "azurerm:azurerm_storage_account:azurerm_storage_account.main", "1 of 1 recovery points"},
		{"az_bh002_storage_immutable", "BH002", false, "", ""},
		{"az_bh004_owner_subscription", "BH004", true, "azuread:azuread_application_password:azuread_application_password.ci", "production data"},
		{"az_bh004_reader_subscription", "BH004", false, "", ""},
		{"az_bh005_disk_no_snapshot", "BH005", true, "azurerm:azurerm_managed_disk:azurerm_managed_disk.data", "has no backup"},
		{"az_bh005_disk_snapshot", "BH005", false, "", ""},
		{"az_bh005_disk_vm_backup", "BH005", false, "", ""},
		{"az_bh006_no_lock", "BH006", true, "azurerm:azurerm_key_vault:azurerm_key_vault.main", "deletion protection off"},
		{"az_bh006_rg_lock", "BH006", false, "", ""},
		{"az_bh004_contributor_rg_state", "BH004", true, "azuread:azuread_service_principal_password:/servicePrincipals/9a8b7c6d-0000-4000-8000-00000000abcd/password/k1", "can destroy database \"orders-pg\""},
		{"az_bh004_contributor_locked_state", "BH004", false, "", ""},
		{"az_bh004_contributor_rg_with_locked_resource", "BH004", false, "", ""},
		{"az_bh009_unknown_role", "BH009", true, "azuread:azuread_application_password:azuread_application_password.ci", "reach is unknown"},
		{"az_bh004_owner_subscription", "BH009", false, "", ""},
		// Issue 15's AWS and Google rows.
		{"i15_bh002_docdb_no_final", "BH002", true, "aws:aws_docdb_cluster:aws_docdb_cluster.main", "1 of 1 recovery points"},
		{"i15_bh002_docdb_final", "BH002", false, "", ""},
		{"i15_bh002_redis_auto_only", "BH002", true, "aws:aws_elasticache_replication_group:aws_elasticache_replication_group.sessions", "1 of 1 recovery points"},
		{"i15_bh002_redis_final", "BH002", false, "", ""},
		{"i15_bh005_memcached", "BH005", false, "", ""},
		{"i15_bh005_ebs_copy", "BH005", false, "", ""},
		{"i15_bh002_s3_replicated", "BH002", false, "", ""},
		{"i15_bh005_bigquery_dataset", "BH005", true, "google:google_bigquery_dataset:google_bigquery_dataset.analytics", "has no backup"},
		{"i15_bh005_filestore_none", "BH005", true, "google:google_filestore_instance:google_filestore_instance.share", "has no backup"},
		{"i15_bh005_filestore_backup", "BH005", false, "", ""},
		{"i15_bh006_spanner_unprotected", "BH006", true, "google:google_spanner_database:google_spanner_database.orders", "deletion protection off"},
		{"i15_bh006_spanner_protected", "BH006", false, "", ""},
	}
	runRuleCases(t, cases)
}

// TestAzureSecretNeverRead: a client secret's value in the state never reaches the graph.
func TestAzureSecretNeverRead(t *testing.T) {
	g := loadFixture(t, "az_bh004_contributor_rg_state")
	var buf bytes.Buffer
	if err := graph.WriteSnapshot(&buf, g); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(buf.Bytes(), []byte("CANARY")) {
		t.Fatal("the client secret's value is in the snapshot")
	}
	rep, err := analyze.Run(g, analyze.Options{Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range rep.Findings {
		if strings.Contains(f.Message+f.Detail, "CANARY") {
			t.Fatal("the client secret's value is in a finding")
		}
	}
}
