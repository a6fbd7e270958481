package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestInlineWaivers (issue 19): a `# bulkhead:ignore` comment above a .tf block waives that
// block's finding with the rules of a waive block; a directive without a reason, or naming
// no rule, is an input error (exit 2), never a silent waiver.
func TestInlineWaivers(t *testing.T) {
	block := `resource "aws_db_instance" "orders" {
  identifier          = "orders"
  engine              = "postgres"
  instance_class      = "db.t3.micro"
  deletion_protection = false
  skip_final_snapshot = false
  backup_retention_period = 7
  tags = { Environment = "production" }
}
`
	for _, c := range []struct {
		name, comment string
		code          exitCode
		want, not     string
	}{
		{"waived", "# bulkhead:ignore BH006 reason=\"protected by the org's SCP; OPS-7\" expires=2099-01-31\n", exitOK, "waived: protected by the org's SCP; OPS-7 (until 2099-01-31)", ""},
		{"two rules, // comment", "// bulkhead:ignore BH006,BH002 reason=\"accepted\"\n", exitOK, "waived: accepted", ""},
		{"no comment", "", exitFindings, "BH006 no-deletion-protection", ""},
		{"expired", "# bulkhead:ignore BH006 reason=\"old\" expires=2020-01-01\n", exitFindings, "BH006 no-deletion-protection", ""},
		{"no reason", "# bulkhead:ignore BH006\n", exitInput, "needs a reason", ""},
		{"unknown rule", "# bulkhead:ignore BH999 reason=\"x\"\n", exitInput, `no rule "BH999"`, ""},
		{"comment not adjacent", "# bulkhead:ignore BH006 reason=\"x\"\n\n", exitFindings, "BH006 no-deletion-protection", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(c.comment+block), 0o644); err != nil {
				t.Fatal(err)
			}
			out, errOut, code := run(t, &IOStreams{ColorMode: "never"}, "audit", "--tf", dir, "--now", checkNow)
			all := out + errOut
			if code != c.code || !strings.Contains(all, c.want) || (c.not != "" && strings.Contains(out, c.not)) {
				t.Errorf("exit %d (want %d), want %q, not %q:\n%s", code, c.code, c.want, c.not, all)
			}
		})
	}
}
