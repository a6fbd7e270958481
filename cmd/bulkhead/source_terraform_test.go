package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

const tfdata = "../../discover/terraform/testdata"

// TestTerraformFlags runs the Terraform flags end to end: findings exit 1, refused input
// exits 2 with the reason, and several sources merge.
func TestTerraformFlags(t *testing.T) {
	code, out, errOut := runMain(t, "audit", "--tf", filepath.Join(tfdata, "fixtures", "bh003_staging_key"), "--format", "json")
	if code != 1 {
		t.Fatalf("audit --tf: exit %d, stderr %s", code, errOut)
	}
	if !strings.Contains(out, `"BH003"`) || !strings.Contains(out, `main.tf:`) {
		t.Errorf("audit --tf: no BH003 with a main.tf location in:\n%s", out)
	}

	code, _, errOut = runMain(t, "audit", "--tfstate", filepath.Join(tfdata, "corpus", "tfstate", "cycloidio__inframap__generate__testdata__version_3_state.json"))
	if code != 2 || !strings.Contains(errOut, "state format version 3") {
		t.Errorf("v3 state: exit %d, stderr %q", code, errOut)
	}

	code, _, errOut = runMain(t, "audit", "--tfplan", filepath.Join(tfdata, "corpus", "tfstate", "snyk__driftctl__pkg__iac__terraform__state__test__aws_db_instance__terraform.tfstate"))
	if code != 2 || !strings.Contains(errOut, "--tfstate") {
		t.Errorf("state as plan: exit %d, stderr %q", code, errOut)
	}

	code, out, errOut = runMain(t, "discover",
		"--tfstate", filepath.Join(tfdata, "corpus", "tfstate", "snyk__driftctl__pkg__iac__terraform__state__test__aws_ec2_ebs_volume__terraform.tfstate"),
		"--tfstate", filepath.Join(tfdata, "corpus", "tfstate", "snyk__driftctl__pkg__iac__terraform__state__test__aws_ec2_ebs_snapshot__terraform.tfstate"),
		"--tfplan", filepath.Join(tfdata, "corpus", "plan", "hashicorp__terraform-json__testdata__basic__plan.json"))
	if code != 0 {
		t.Fatalf("discover: exit %d, stderr %s", code, errOut)
	}
	var snap struct {
		Sources []struct{ Name string } `json:"sources"`
	}
	if err := json.Unmarshal([]byte(out), &snap); err != nil {
		t.Fatalf("snapshot: %v", err)
	}
	if len(snap.Sources) != 3 {
		t.Errorf("want 3 sources merged, got %+v", snap.Sources)
	}
	if strings.Contains(out, "secret") && strings.Contains(out, "\"secret\":") {
		t.Errorf("snapshot holds a secret attribute")
	}
}

// TestTFVarEnvironment (issue 14): audit --tf reads TF_VAR_<name> from its environment, as
// terraform plan does, below terraform.tfvars: TF_VAR_skip=false keeps the final snapshot
// of a configuration that gives skip no other value (exit 0, no BH002), the snapshot's
// counts name the variable (never its value), and a variable whose name holds a secret is
// not read from the environment.
func TestTFVarEnvironment(t *testing.T) {
	dir := filepath.Join(tfdata, "eval", "skip_no_value")
	code, out, errOut := runMain(t, "audit", "--tf", dir, "--format", "json", "--now", checkNow)
	if code != 1 || !strings.Contains(out, `"BH002"`) || !strings.Contains(out, "not resolved") {
		t.Fatalf("no TF_VAR_skip: exit %d, want 1 with BH002 naming the unresolved value\n%s%s", code, out, errOut)
	}
	t.Setenv("TF_VAR_skip", "false")
	t.Setenv("TF_VAR_db_password", "canary-cli-env-password-e19f")
	code, out, errOut = runMain(t, "audit", "--tf", dir, "--format", "json", "--now", checkNow)
	if code != 0 || strings.Contains(out, `"BH002"`) {
		t.Errorf("TF_VAR_skip=false: exit %d, want 0 without BH002\n%s%s", code, out, errOut)
	}
	code, out, errOut = runMain(t, "discover", "--tf", filepath.Join(tfdata, "eval", "secrets"))
	if code != 0 || strings.Contains(out+errOut, "canary-cli-env-password-e19f") || strings.Contains(out, "variables_from_env") {
		t.Errorf("secrets: exit %d; the password or a count of it is in the output\n%s%s", code, out, errOut)
	}
	code, out, errOut = runMain(t, "discover", "--tf", dir)
	if code != 0 || !strings.Contains(out, `"variables_from_env.skip": 1`) || strings.Contains(out, "canary") {
		t.Errorf("discover: exit %d, want the count variables_from_env.skip\n%s%s", code, out, errOut)
	}
	// Variable files win over the environment.
	code, out, _ = runMain(t, "audit", "--tf", dir, "--var-file", filepath.Join(tfdata, "eval", "skip_tfvars", "terraform.tfvars"), "--format", "json", "--now", checkNow)
	if code != 1 || !strings.Contains(out, `"BH002"`) {
		t.Errorf("--var-file over TF_VAR_skip: exit %d, want 1 with BH002\n%s", code, out)
	}
}
