package terraform

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bulkhead-dev/bulkhead/analyze"
)

// An Azure estate for the benchmarks (issue 15): a generated state of n instances in blocks
// of one resource group each, holding a PostgreSQL flexible server, a storage account, an
// SQL server with two databases, a managed disk and its snapshot, a key vault, a Cosmos DB
// account, and a service principal with a client secret and a role assignment (Contributor
// on the group; Owner on the subscription in one block of 50; Reader in one of 7); one
// group in four has a CanNotDelete lock, one in ten a Backup vault protecting its server.
//
//	BULKHEAD_BENCH_N=10000 go test ./discover/terraform -run XXX -bench AzureSideBySide -benchtime 3x

const azSub = "/subscriptions/11111111-2222-3333-4444-555555555555"

// azureSchema lists, per type, the argument and attribute names of the provider's
// documentation (hashicorp/terraform-provider-azurerm website/docs/r, commit 69697b7f): the
// generator fills those it does not set with short strings, so that instances are as wide
// as real ones (a real state's instances carry every attribute of the schema; bulkhead reads
// a few of them, a bare decode all).
var azureSchema = map[string]string{
	"azurerm_resource_group":               "create delete id location managed_by name read tags update",
	"azurerm_postgresql_flexible_server":   "active_directory_auth_enabled administrator_login administrator_password administrator_password_wo administrator_password_wo_version authentication auto_grow_enabled backup_retention_days cluster create create_mode customer_managed_key day_of_week default_database_name delegated_subnet_id delete fqdn geo_backup_key_vault_key_id geo_backup_user_assigned_identity_id geo_redundant_backup_enabled high_availability id identity identity_ids key_vault_key_id location maintenance_window mode name password_auth_enabled point_in_time_restore_time_in_utc primary_user_assigned_identity_id principal_id private_dns_zone_id public_network_access_enabled read replication_role resource_group_name size sku_name source_server_id standby_availability_zone start_hour start_minute storage_mb storage_tier tags tenant_id type update version zone",
	"azurerm_storage_account":              "access_tier account_kind account_replication_type account_tier active_directory allow_nested_items_to_be_public allow_protected_append_writes allowed_copy_scope allowed_headers allowed_methods allowed_origins authentication_types azure_files_authentication blob_properties bypass change_feed_enabled change_feed_retention_in_days channel_encryption_type choice container_delete_retention_policy cors_rule create cross_tenant_replication_enabled custom_domain customer_managed_key days default_action default_service_version default_share_level_permission default_to_oauth_authentication delete delete_retention_policy directory_type dns_endpoint_type domain_guid domain_name domain_sid edge_zone endpoint_resource_id endpoint_tenant_id expiration_action expiration_period exposed_headers forest_name https_traffic_only_enabled id identity identity_ids immutability_policy infrastructure_encryption_enabled ip_rules is_hns_enabled kerberos_ticket_encryption_type key_vault_key_id large_file_share_enabled last_access_time_enabled local_user_enabled location max_age_in_seconds min_tls_version multichannel_enabled name netbios_domain_name network_rules nfsv3_enabled period_since_creation_in_days permanent_delete_enabled primary_access_key primary_blob_connection_string primary_blob_endpoint primary_blob_host primary_blob_internet_endpoint primary_blob_internet_host primary_blob_microsoft_endpoint primary_blob_microsoft_host primary_connection_string primary_dfs_endpoint primary_dfs_host primary_dfs_internet_endpoint primary_dfs_internet_host primary_dfs_microsoft_endpoint primary_dfs_microsoft_host primary_file_endpoint primary_file_host primary_file_internet_endpoint primary_file_internet_host primary_file_microsoft_endpoint primary_file_microsoft_host primary_location primary_queue_endpoint primary_queue_host primary_queue_microsoft_endpoint primary_queue_microsoft_host primary_table_endpoint primary_table_host primary_table_microsoft_endpoint primary_table_microsoft_host primary_web_endpoint primary_web_host primary_web_internet_endpoint primary_web_internet_host primary_web_microsoft_endpoint primary_web_microsoft_host principal_id private_link_access provisioned_billing_model_version public_network_access_enabled publish_internet_endpoints publish_microsoft_endpoints queue_encryption_key_type read resource_group_name restore_policy retention_policy routing sas_policy secondary_access_key secondary_blob_connection_string secondary_blob_endpoint secondary_blob_host secondary_blob_internet_endpoint secondary_blob_internet_host secondary_blob_microsoft_endpoint secondary_blob_microsoft_host secondary_connection_string secondary_dfs_endpoint secondary_dfs_host secondary_dfs_internet_endpoint secondary_dfs_internet_host secondary_dfs_microsoft_endpoint secondary_dfs_microsoft_host secondary_file_endpoint secondary_file_host secondary_file_internet_endpoint secondary_file_internet_host secondary_file_microsoft_endpoint secondary_file_microsoft_host secondary_location secondary_queue_endpoint secondary_queue_host secondary_queue_microsoft_endpoint secondary_queue_microsoft_host secondary_table_endpoint secondary_table_host secondary_table_microsoft_endpoint secondary_table_microsoft_host secondary_web_endpoint secondary_web_host secondary_web_internet_endpoint secondary_web_internet_host secondary_web_microsoft_endpoint secondary_web_microsoft_host sftp_enabled share_properties shared_access_key_enabled smb state storage_sid table_encryption_key_type tags tenant_id type update use_subdomain user_assigned_identity_id versioning_enabled versions virtual_network_subnet_ids",
	"azurerm_mssql_server":                 "administrator_login administrator_login_password administrator_login_password_wo administrator_login_password_wo_version azuread_administrator azuread_authentication_only connection_policy create delete express_vulnerability_assessment_enabled fully_qualified_domain_name id identity identity_ids location login_username minimum_tls_version name object_id outbound_network_restriction_enabled primary_user_assigned_identity_id principal_id public_network_access_enabled read resource_group_name restorable_dropped_database_ids tags tenant_id transparent_data_encryption_key_vault_key_id type update version",
	"azurerm_mssql_database":               "administrator_login administrator_login_password authentication_type auto_pause_delay_in_minutes backup_interval_in_hours collation create create_mode creation_source_database_id delete disabled_alerts elastic_pool_id email_account_admins_enabled email_addresses enclave_type geo_backup_enabled id identity identity_ids import ledger_enabled license_type long_term_retention_policy maintenance_configuration_name max_size_gb min_capacity monthly_retention name principal_id read read_replica_count read_scale recover_database_id recovery_point_id restore_dropped_database_id restore_long_term_retention_backup_id restore_point_in_time retention_days sample_name secondary_type server_id short_term_retention_policy sku_name state storage_account_access_key storage_account_id storage_account_type storage_endpoint storage_key storage_key_type storage_uri tags tenant_id threat_detection_policy transparent_data_encryption_enabled transparent_data_encryption_key_automatic_rotation_enabled transparent_data_encryption_key_vault_key_id type update week_of_year weekly_retention yearly_retention zone_redundant",
	"azurerm_managed_disk":                 "create create_option delete disk_access_id disk_encryption_key disk_encryption_set_id disk_iops_read_only disk_iops_read_write disk_mbps_read_only disk_mbps_read_write disk_size_gb edge_zone encryption_settings gallery_image_reference_id hyper_v_generation id image_reference_id key_encryption_key key_url location logical_sector_size max_shares name network_access_policy on_demand_bursting_enabled optimized_frequent_attach_enabled os_type performance_plus_enabled public_network_access_enabled read resource_group_name secret_url secure_vm_disk_encryption_set_id security_type source_resource_id source_uri source_vault_id storage_account_id storage_account_type tags tier trusted_launch_enabled update upload_size_bytes zone",
	"azurerm_snapshot":                     "create create_option delete disk_access_id disk_encryption_key disk_size_gb encryption_settings id incremental_enabled key_encryption_key key_url location name network_access_policy public_network_access_enabled read resource_group_name secret_url source_resource_id source_uri source_vault_id storage_account_id tags trusted_launch_enabled update",
	"azurerm_key_vault":                    "access_policy application_id bypass certificate_permissions create default_action delete enabled_for_deployment enabled_for_disk_encryption enabled_for_template_deployment id ip_rules key_permissions location name network_acls object_id public_network_access_enabled purge_protection_enabled rbac_authorization_enabled read resource_group_name secret_permissions sku_name soft_delete_retention_days storage_permissions tags tenant_id update vault_uri virtual_network_subnet_ids",
	"azurerm_cosmosdb_account":             "access_key_metadata_writes_enabled allowed_headers allowed_methods allowed_origins analytical_storage analytical_storage_enabled automatic_failover_enabled backup burst_capacity_enabled capabilities capacity collection_names consistency_level consistency_policy cors_rule create create_mode database default_identity_type delete endpoint exposed_headers failover_priority free_tier_enabled geo_location graph_names gremlin_database id identity identity_ids ignore_missing_vnet_service_endpoint interval_in_minutes ip_range_filter is_virtual_network_filter_enabled key_vault_key_id kind local_authentication_enabled location max_age_in_seconds max_interval_in_seconds max_staleness_prefix minimal_tls_version mongo_server_version multiple_write_locations_enabled name network_acl_bypass_for_azure_services network_acl_bypass_ids offer_type partition_merge_enabled primary_key primary_mongodb_connection_string primary_readonly_key primary_readonly_mongodb_connection_string primary_readonly_sql_connection_string primary_sql_connection_string principal_id public_network_access_enabled read read_endpoints resource_group_name restore restore_timestamp_in_utc retention_in_hours schema_type secondary_key secondary_mongodb_connection_string secondary_readonly_key secondary_readonly_mongodb_connection_string secondary_readonly_sql_connection_string secondary_sql_connection_string source_cosmosdb_account_id storage_redundancy tables_to_restore tags tenant_id tier total_throughput_limit type update virtual_network_rule write_endpoints zone_redundant",
	"azurerm_management_lock":              "create delete id lock_level name notes read scope",
	"azurerm_data_protection_backup_vault": "create cross_region_restore_enabled datastore_type delete id identity identity_ids immutability location name principal_id read redundancy resource_group_name retention_duration_in_days soft_delete tags tenant_id type update",
	"azurerm_data_protection_backup_instance_postgresql_flexible_server": "backup_policy_id create delete id location name protection_state read server_id update vault_id",
	"azurerm_role_assignment":            "condition condition_version create delegated_managed_identity_resource_id delete description id name principal_id principal_type read role_definition_id role_definition_name scope skip_service_principal_aad_check update",
	"azuread_service_principal":          "account_enabled alternative_names app_role_assignment_required app_role_ids app_roles application_tenant_id description display_name feature_tags features homepage_url login_url logout_url notes notification_email_addresses oauth2_permission_scope_ids oauth2_permission_scopes owners preferred_single_sign_on_mode redirect_uris saml_metadata_url saml_single_sign_on service_principal_names sign_in_audience tags type use_existing",
	"azuread_service_principal_password": "rotate_when_changed start_date end_date_relative",
}

func writeAzureState(w *os.File, n int) error {
	type inst = map[string]any
	var res []any
	add := func(typ, name string, a inst) {
		if len(res) >= n {
			return
		}
		prov := "azurerm"
		if typ[:7] == "azuread" {
			prov = "azuread"
		}
		for _, k := range strings.Fields(azureSchema[typ]) {
			if _, set := a[k]; !set {
				a[k] = "value-of-" + k
			}
		}
		res = append(res, inst{"mode": "managed", "type": typ, "name": name,
			"provider":  `provider["registry.terraform.io/hashicorp/` + prov + `"]`,
			"instances": []any{inst{"schema_version": 0, "attributes": a, "sensitive_attributes": []any{}}}})
	}
	envs := []string{"prod", "staging", "dev"}
	for i := 0; len(res) < n; i++ {
		env := envs[i%3]
		rgName := fmt.Sprintf("rg-svc%d-%s", i, env)
		rg := azSub + "/resourceGroups/" + rgName
		s := strconv.Itoa(i)
		tags := inst{"environment": env}
		add("azurerm_resource_group", "rg"+s, inst{"id": rg, "name": rgName, "location": "westeurope", "tags": tags})
		pg := rg + "/providers/Microsoft.DBforPostgreSQL/flexibleServers/pg" + s
		add("azurerm_postgresql_flexible_server", "pg"+s, inst{"id": pg, "name": "pg" + s, "resource_group_name": rgName, "location": "westeurope",
			"backup_retention_days": 7 + i%28, "geo_redundant_backup_enabled": i%2 == 0, "version": "16", "tags": tags})
		add("azurerm_storage_account", "sa"+s, inst{"id": rg + "/providers/Microsoft.Storage/storageAccounts/sa" + s, "name": "sa" + s, "resource_group_name": rgName,
			"location": "westeurope", "tags": tags, "blob_properties": []any{inst{"versioning_enabled": i%2 == 1, "delete_retention_policy": []any{inst{"days": 7}}}}})
		sql := rg + "/providers/Microsoft.Sql/servers/sql" + s
		add("azurerm_mssql_server", "sql"+s, inst{"id": sql, "name": "sql" + s, "resource_group_name": rgName, "location": "westeurope", "version": "12.0", "tags": tags})
		for d := 0; d < 2; d++ {
			ltr := []any{}
			if (i+d)%3 == 0 {
				ltr = []any{inst{"weekly_retention": "P4W", "monthly_retention": "PT0S", "yearly_retention": "PT0S"}}
			}
			add("azurerm_mssql_database", fmt.Sprintf("db%d_%d", i, d), inst{"id": fmt.Sprintf("%s/databases/db%d", sql, d), "name": fmt.Sprintf("db%d", d), "server_id": sql,
				"short_term_retention_policy": []any{inst{"retention_days": 7}}, "long_term_retention_policy": ltr, "tags": tags})
		}
		disk := rg + "/providers/Microsoft.Compute/disks/disk" + s
		add("azurerm_managed_disk", "disk"+s, inst{"id": disk, "name": "disk" + s, "resource_group_name": rgName, "location": "westeurope", "disk_size_gb": 128, "tags": tags})
		add("azurerm_snapshot", "snap"+s, inst{"id": rg + "/providers/Microsoft.Compute/snapshots/snap" + s, "name": "snap" + s, "resource_group_name": rgName,
			"location": "westeurope", "source_uri": disk, "time_created": "2026-11-01T03:00:00Z", "tags": tags})
		add("azurerm_key_vault", "kv"+s, inst{"id": rg + "/providers/Microsoft.KeyVault/vaults/kv" + s, "name": "kv" + s, "resource_group_name": rgName,
			"location": "westeurope", "soft_delete_retention_days": 90, "purge_protection_enabled": i%2 == 0, "tags": tags})
		backup := "Periodic"
		if i%2 == 0 {
			backup = "Continuous"
		}
		add("azurerm_cosmosdb_account", "cosmos"+s, inst{"id": rg + "/providers/Microsoft.DocumentDB/databaseAccounts/cosmos" + s, "name": "cosmos" + s,
			"resource_group_name": rgName, "location": "westeurope", "backup": []any{inst{"type": backup, "tier": "Continuous30Days"}}, "tags": tags})
		if i%4 == 0 {
			add("azurerm_management_lock", "lock"+s, inst{"id": rg + "/providers/Microsoft.Authorization/locks/nodelete", "name": "nodelete", "scope": rg, "lock_level": "CanNotDelete"})
		}
		if i%10 == 0 {
			bv := rg + "/providers/Microsoft.DataProtection/backupVaults/bv" + s
			add("azurerm_data_protection_backup_vault", "bv"+s, inst{"id": bv, "name": "bv" + s, "resource_group_name": rgName, "location": "westeurope",
				"soft_delete": "On", "retention_duration_in_days": 14, "immutability": "Unlocked", "tags": tags})
			add("azurerm_data_protection_backup_instance_postgresql_flexible_server", "bi"+s, inst{"id": bv + "/backupInstances/pg" + s, "vault_id": bv, "server_id": pg})
		}
		oid := fmt.Sprintf("00000000-0000-4000-8000-%012d", i)
		add("azuread_service_principal", "sp"+s, inst{"id": "/servicePrincipals/" + oid, "object_id": oid, "client_id": fmt.Sprintf("10000000-0000-4000-8000-%012d", i), "display_name": "deploy-" + s})
		add("azuread_service_principal_password", "secret"+s, inst{"id": "/servicePrincipals/" + oid + "/password/k" + s, "service_principal_id": "/servicePrincipals/" + oid,
			"key_id": "k" + s, "display_name": "deploy secret " + s, "end_date": "2027-12-31T00:00:00Z", "value": "never-read"})
		scope, role := rg, "Contributor"
		switch {
		case i%50 == 49:
			scope, role = azSub, "Owner"
		case i%7 == 3:
			role = "Reader"
		}
		add("azurerm_role_assignment", "ra"+s, inst{"id": scope + "/providers/Microsoft.Authorization/roleAssignments/" + oid, "scope": scope,
			"role_definition_name": role, "principal_id": oid, "principal_type": "ServicePrincipal"})
	}
	return json.NewEncoder(w).Encode(map[string]any{"version": 4, "terraform_version": "1.9.5", "serial": 1,
		"lineage": "00000000-0000-4000-8000-0000000a2001", "outputs": map[string]any{}, "resources": res})
}

func azureBenchState(b *testing.B) string {
	n := 10000
	if s := os.Getenv("BULKHEAD_BENCH_N"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	p := filepath.Join(b.TempDir(), "azure-"+strconv.Itoa(n)+".tfstate")
	f, err := os.Create(p)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	if err := writeAzureState(f, n); err != nil {
		b.Fatal(err)
	}
	return p
}

// TestAzureEstate: the generated estate loads, every instance is understood, and the
// credentials reach what their assignments say.
func TestAzureEstate(t *testing.T) {
	p := filepath.Join(t.TempDir(), "azure.tfstate")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := writeAzureState(f, 1000); err != nil {
		t.Fatal(err)
	}
	f.Close()
	g, err := LoadState(context.Background(), p, "")
	if err != nil {
		t.Fatal(err)
	}
	c := g.Sources[0].Counts
	if c["resources"] != 1000 || c["not_understood"] != 0 {
		t.Fatalf("counts %v", c)
	}
	rep, err := analyze.Run(g, analyze.Options{Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	rules := map[string]int{}
	for _, f := range rep.Findings {
		rules[f.Rule]++
	}
	if rules["BH004"] == 0 || rules["BH002"] == 0 {
		t.Fatalf("findings by rule %v", rules)
	}
}

// BenchmarkAzureSideBySide is BenchmarkSideBySide on the Azure estate.
func BenchmarkAzureSideBySide(b *testing.B) {
	p := azureBenchState(b)
	size := fileMB(b, p)
	var wallAny, wallBH time.Duration
	var peakAny, peakBH uint64
	for i := 0; i < b.N; i++ {
		w0 := time.Now()
		h := peak(func() {
			f, err := os.Open(p)
			if err != nil {
				b.Fatal(err)
			}
			var v any
			if err := json.NewDecoder(f).Decode(&v); err != nil {
				b.Fatal(err)
			}
			f.Close()
			runtime.KeepAlive(v)
		})
		wallAny += time.Since(w0)
		peakAny = max(peakAny, h)
		w0 = time.Now()
		h = peak(func() {
			g, err := LoadState(context.Background(), p, "")
			if err != nil {
				b.Fatal(err)
			}
			if _, err := analyze.Run(g, analyze.Options{Now: testNow}); err != nil {
				b.Fatal(err)
			}
		})
		wallBH += time.Since(w0)
		peakBH = max(peakBH, h)
	}
	n := float64(b.N)
	b.ReportMetric(size, "file-MB")
	b.ReportMetric(wallAny.Seconds()/n, "decode-any-s")
	b.ReportMetric(wallBH.Seconds()/n, "load+analyze-s")
	b.ReportMetric(float64(wallBH)/float64(wallAny), "wall-ratio")
	b.ReportMetric(float64(peakAny)/(1<<20)/size, "decode-any-peak/file")
	b.ReportMetric(float64(peakBH)/(1<<20)/size, "bulkhead-peak/file")
}

// BenchmarkAzurePeakMemory is the live heap peak (GOGC=10) of load + analyze on the Azure
// estate, against the file size and a bare decode.
func BenchmarkAzurePeakMemory(b *testing.B) {
	p := azureBenchState(b)
	size := fileMB(b, p)
	var liveAny, liveBH uint64
	for i := 0; i < b.N; i++ {
		liveAny = max(liveAny, livePeak(func() { decodeAny(b, p) }))
		liveBH = max(liveBH, livePeak(func() { loadAnalyze(b, p) }))
	}
	mb := func(v uint64) float64 { return float64(v) / (1 << 20) }
	b.ReportMetric(size, "file-MB")
	b.ReportMetric(mb(liveAny)/size, "decode-any-live-peak/file")
	b.ReportMetric(mb(liveBH)/size, "bulkhead-live-peak/file")
}
