package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestUnresolvedSafeguardsAreUnsafe (issue 14): a safeguard set to a variable is not read as
// the provider's default. skip_final_snapshot = var.x used to read as false, so a final
// snapshot that may never be taken counted as a surviving recovery point and hid BH002;
// now it counts as skipped, and each finding says which values it could not resolve. The
// same database with literal safeguards is clean.
func TestUnresolvedSafeguardsAreUnsafe(t *testing.T) {
	findings := func(dir string) map[string]string {
		out, errOut, _ := run(t, &IOStreams{ColorMode: "never"}, "audit", "--tf", "testdata/unresolved/"+dir, "--format", "json", "--now", checkNow)
		var rep struct {
			Findings []struct{ Rule, Detail string }
		}
		if err := json.Unmarshal([]byte(out), &rep); err != nil {
			t.Fatalf("%v\n%s%s", err, out, errOut)
		}
		m := map[string]string{}
		for _, f := range rep.Findings {
			m[f.Rule] = f.Detail
		}
		return m
	}
	got := findings("unknown")
	for _, rule := range []string{"BH002", "BH006"} {
		if !strings.Contains(got[rule], "not resolved in the input, so taken at the unsafe value: deletion_protection, skip_final_snapshot") {
			t.Errorf("%s: detail %q does not name the unresolved values (findings: %v)", rule, got[rule], got)
		}
	}
	if got := findings("literal"); len(got) != 0 {
		t.Errorf("literal safeguards: findings %v, want none", got)
	}
}

// TestFindingsCarryTheAddress (issue 14): a finding from Terraform names its resource the
// way its owner does, in every format: JSON's address, text and Markdown's "at FILE (ADDRESS)",
// SARIF's logical location name.
func TestFindingsCarryTheAddress(t *testing.T) {
	args := []string{"audit", "--tf", "testdata/unresolved/unknown", "--now", checkNow}
	for format, want := range map[string]string{
		"json":     `"address": "aws_db_instance.orders"`,
		"text":     `main.tf:8:1 (aws_db_instance.orders)`,
		"markdown": "(`aws_db_instance.orders`)",
		"sarif":    `"name": "aws_db_instance.orders"`,
	} {
		out, errOut, _ := run(t, &IOStreams{ColorMode: "never"}, append(args, "--format", format)...)
		if !strings.Contains(out, want) {
			t.Errorf("%s: no %q in:\n%s%s", format, want, out, errOut)
		}
	}
}
