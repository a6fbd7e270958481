package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestVarFileFlag (issue 14): --var-file gives the --tf configuration its variables after
// terraform.tfvars, as terraform's -var-file. skip = true in terraform.tfvars skips the
// final snapshot (BH002, exit 1); keep.tfvars sets it false and the final snapshot
// survives (exit 0). --var-file without --tf, or a file that is not there, is a usage or
// input error (exit 2).
func TestVarFileFlag(t *testing.T) {
	dir := filepath.Join(tfdata, "eval", "skip_tfvars")
	code, out, errOut := runMain(t, "audit", "--tf", dir, "--format", "json", "--now", checkNow)
	if code != 1 || !strings.Contains(out, `"BH002"`) {
		t.Fatalf("terraform.tfvars: exit %d, want 1 with BH002\n%s%s", code, out, errOut)
	}
	if strings.Contains(out, "not resolved") {
		t.Errorf("terraform.tfvars gives skip: nothing should be unresolved\n%s", out)
	}
	code, out, errOut = runMain(t, "audit", "--tf", dir, "--var-file", filepath.Join(dir, "keep.tfvars"), "--format", "json", "--now", checkNow)
	if code != 0 || strings.Contains(out, `"BH002"`) {
		t.Errorf("--var-file keep.tfvars: exit %d, want 0 without BH002\n%s%s", code, out, errOut)
	}
	code, _, errOut = runMain(t, "audit", "--var-file", filepath.Join(dir, "keep.tfvars"))
	if code != 2 || !strings.Contains(errOut, "--tf") {
		t.Errorf("--var-file alone: exit %d, stderr %q", code, errOut)
	}
	code, _, errOut = runMain(t, "audit", "--tf", dir, "--var-file", filepath.Join(dir, "nowhere.tfvars"))
	if code != 2 || !strings.Contains(errOut, "nowhere.tfvars") {
		t.Errorf("missing --var-file: exit %d, stderr %q", code, errOut)
	}
}
