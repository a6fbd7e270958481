package terraform

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bulkhead-dev/bulkhead/analyze"
	"github.com/bulkhead-dev/bulkhead/graph"
)

// loadFixture reads a fixture directory: its terraform.tfstate if there is one, else its .tf files.
func loadFixture(t *testing.T, name string) *graph.Graph {
	t.Helper()
	dir := filepath.Join("testdata", "fixtures", name)
	var g *graph.Graph
	var err error
	if _, serr := os.Stat(filepath.Join(dir, "terraform.tfstate")); serr == nil {
		g, err = LoadState(context.Background(), filepath.Join(dir, "terraform.tfstate"), "")
	} else {
		g, err = LoadConfig(context.Background(), dir, "")
	}
	if err != nil {
		t.Fatalf("load %s: %v", name, err)
	}
	return g
}

// ruleCase is a fixture and what one rule does on it: fires on resource with a message
// containing message, or does not fire at all.
type ruleCase struct {
	fixture, rule string
	fires         bool
	resource      string // the finding's primary resource, when it fires
	message       string // a fragment of its message
}

// runRuleCases runs the catalogue on each case's fixture and checks the case's rule.
func runRuleCases(t *testing.T, cases []ruleCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.fixture+"/"+c.rule, func(t *testing.T) {
			g := loadFixture(t, c.fixture)
			rep, err := analyze.Run(g, analyze.Options{Now: testNow})
			if err != nil {
				t.Fatal(err)
			}
			var all []string
			found := false
			for _, f := range rep.Findings {
				all = append(all, f.Rule+" "+f.Resource+": "+f.Message)
				if f.Rule != c.rule {
					continue
				}
				if !c.fires {
					t.Errorf("%s fired: %s: %s", c.rule, f.Resource, f.Message)
				}
				if f.Resource == c.resource && strings.Contains(f.Message, c.message) {
					found = true
				}
			}
			if c.fires && !found {
				t.Errorf("no %s finding on %s containing %q; findings:\n%s\nsummary:\n%s", c.rule, c.resource, c.message, strings.Join(all, "\n"), summary(t, g))
			}
		})
	}
}

// TestRuleFixtures runs the catalogue on Terraform fixtures: each rule has a fixture where
// it must fire (on the given resource) and one where it must not.
func TestRuleFixtures(t *testing.T) {
	cases := []ruleCase{
		{"bh001_railway_shared_volume", "BH001", true, "railway:volume:railway_service.postgres.volume", "shared by 2 environments (production, staging)"},
		{"bh001_railway_single_env", "BH001", false, "", ""},
		// issue 14: one EFS file system mounted by staging's and production's ECS tasks.
		{"bh001_ecs_shared_efs", "BH001", true, "aws:aws_efs_file_system:aws_efs_file_system.shared", "shared by 2 environments (production, staging)"},
		{"bh001_ecs_own_efs", "BH001", false, "", ""},
		// issue 14: the project's default environment, named in .tf but not yet applied.
		{"bh001_railway_default_env", "BH001", true, "railway:volume:railway_service.db.volume", "shared by 2 environments"},
		{"bh002_rds_auto_backups_only", "BH002", true, "aws:aws_db_instance:aws_db_instance.main", "1 of 1 recovery points"},
		{"bh002_rds_locked_vault", "BH002", false, "", ""},
		{"bh002_rds_selection_by_tag", "BH002", false, "", ""},
		{"bh002_rds_selection_by_wildcard", "BH002", false, "", ""},
		{"bh002_rds_selection_tag_mismatch", "BH002", true, "aws:aws_db_instance:aws_db_instance.main", "1 of 1 recovery points"},
		{"bh003_staging_key", "BH003", true, "aws:aws_iam_access_key:aws_iam_access_key.ci", "exposed in staging"},
		{"bh003_describe_only", "BH003", false, "", ""},
		// issue 14: a role GitHub Actions assumes from pull requests is a credential exposed there.
		{"bh003_oidc_pull_request", "BH003", true, "aws:oidc_role:token.actions.githubusercontent.com:aws_iam_role.ci", "exposed in GitHub Actions pull requests of acme/shop"},
		{"bh003_oidc_production_env", "BH003", false, "", ""},
		{"bh004_key_deletes_db", "BH004", true, "aws:aws_iam_access_key:aws_iam_access_key.ops", "all 2 of its recovery points"},
		{"bh004_key_vs_locked_vault", "BH004", false, "", ""},
		// issue 14: one KMS key under the data and its locked vault is a single point of loss.
		{"bh004_kms_single_key", "BH004", true, "aws:aws_iam_access_key:aws_iam_access_key.ops", "all 3 of its recovery points"},
		{"bh004_kms_separate_key", "BH004", false, "", ""},
		{"bh004_google_project_role", "BH004", true, "google:google_service_account_key:google_service_account_key.deploy", "can destroy 2 production data resources"},
		{"bh004_google_bucket_role", "BH004", false, "", ""},
		{"bh005_dynamodb_no_pitr", "BH005", true, "aws:aws_dynamodb_table:aws_dynamodb_table.sessions", "has no backup"},
		{"bh005_dynamodb_pitr", "BH005", false, "", ""},
		{"bh006_rds_unprotected", "BH006", true, "aws:aws_db_instance:aws_db_instance.main", "deletion protection off"},
		{"bh006_rds_protected", "BH006", false, "", ""},
		{"bh007_stale_snapshot", "BH007", true, "aws:aws_ebs_volume:arn:aws:ec2:eu-west-1:111111111111:volume/vol-0a1b2c3d4e5f60718", "is 92d old"},
		{"bh007_fresh_snapshot", "BH007", false, "", ""},
		{"bh008_admin_key", "BH008", true, "aws:aws_iam_access_key:aws_iam_access_key.admin", "account-wide authority and no expiry"},
		{"bh008_scoped_key", "BH008", false, "", ""},
	}
	runRuleCases(t, cases)
}
