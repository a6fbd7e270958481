package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bulkhead-dev/bulkhead/gate"
	"github.com/bulkhead-dev/bulkhead/graph"
)

// Until the Terraform plan reader is merged, these tests give `check` a plan already read
// into graphs: a production RDS instance replaced with skip_final_snapshot = true, whose
// only recovery points are its automated backups (fails), or which also has a manual
// snapshot outside its lifecycle (passes with a note).
const testDB = "aws:aws_db_instance:arn:aws:rds:eu-west-1:111111111111:db:shop-prod"

var testNow = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

func rdsGraph(snapshot bool) *graph.Graph {
	g := graph.New()
	db := g.MustAdd(&graph.Resource{ID: testDB, Kind: graph.Database, Type: "aws_db_instance", Name: "shop-prod", Tier: graph.Production,
		Aliases: []string{"aws_db_instance.main"}, Attrs: map[string]string{graph.AttrDeletionProtection: "true"}})
	auto := g.MustAdd(&graph.Resource{ID: "aws:rds_automated_backup:shop-prod", Kind: graph.Backup, Name: "shop-prod automated backups",
		Attrs: map[string]string{graph.AttrCreatedAt: testNow.Add(-3 * time.Hour).Format(time.RFC3339)}})
	g.MustConnect(graph.Edge{From: auto.ID, To: db.ID, Kind: graph.BacksUp})
	g.MustConnect(graph.Edge{From: db.ID, To: auto.ID, Kind: graph.DeletesWith})
	if snapshot {
		s := g.MustAdd(&graph.Resource{ID: "aws:aws_db_snapshot:pre", Kind: graph.Backup, Name: "shop-prod-pre-migration",
			Attrs: map[string]string{graph.AttrCreatedAt: testNow.Add(-2 * time.Hour).Format(time.RFC3339)}})
		g.MustConnect(graph.Edge{From: s.ID, To: db.ID, Kind: graph.BacksUp})
	}
	return g
}

func stubPlan(t *testing.T, snapshot bool) {
	t.Helper()
	old := readPlan
	t.Cleanup(func() { readPlan = old })
	readPlan = func(_ context.Context, path string) (*gate.Input, error) {
		if _, err := os.Stat(path); err != nil {
			return nil, inputError(err)
		}
		attrs := map[string]any{"skip_final_snapshot": true, "deletion_protection": true}
		return &gate.Input{FormatVersion: "1.2", TerraformVersion: "1.7.2", Before: rdsGraph(snapshot), After: rdsGraph(snapshot),
			Changes: []gate.Change{{Address: "aws_db_instance.main", ResourceID: testDB, Type: "aws_db_instance",
				Actions: []string{"delete", "create"}, Before: attrs, After: attrs}}}, nil
	}
}

func runCLI(args ...string) (int, string, string) {
	var out, errOut bytes.Buffer
	code := Main(args, &IOStreams{Out: &out, ErrOut: &errOut, ColorMode: "never"})
	return int(code), out.String(), errOut.String()
}

func TestCheckReplaceFailsAndNamesWhatIsLost(t *testing.T) {
	stubPlan(t, false)
	t.Chdir(t.TempDir())
	os.WriteFile("plan.json", []byte("{}"), 0o644)
	code, out, errOut := runCLI("check", "--plan", "plan.json", "--now", testNow.Format(time.RFC3339))
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s", code, errOut)
	}
	if out != "" {
		t.Errorf("text format wrote to stdout: %q", out)
	}
	for _, want := range []string{"FAIL", `replace aws_db_instance.main: database "shop-prod" (production)`,
		`also destroyed (deletes_with): backup "shop-prod automated backups"`, "surviving recovery points: none", `waive "BH101" {`} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	// The waive block it prints, pasted with a reason, makes the gate pass.
	os.WriteFile("bulkhead.hcl", []byte("waive \"BH101\" {\n  resource = \"aws_db_instance.main\"\n  reason = \"shop-prod is retired; data exported to s3://archive\"\n  expires = \"2026-12-31\"\n}\n"), 0o644)
	code, _, errOut = runCLI("check", "--plan", "plan.json", "--now", testNow.Format(time.RFC3339))
	if code != 0 || !strings.Contains(errOut, "Waived") {
		t.Errorf("with the waiver: exit %d\n%s", code, errOut)
	}
}

func TestCheckSnapshotOutsideLifecyclePasses(t *testing.T) {
	stubPlan(t, true)
	t.Chdir(t.TempDir())
	os.WriteFile("plan.json", []byte("{}"), 0o644)
	code, out, errOut := runCLI("check", "--plan", "plan.json", "--format", "json", "--now", testNow.Format(time.RFC3339))
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	if !strings.Contains(errOut, `survives: backup "shop-prod-pre-migration", 2h old`) || !strings.Contains(out, `"verdict": "pass"`) {
		t.Errorf("stdout %s\nstderr %s", out, errOut)
	}
}

func TestCheckUsageErrors(t *testing.T) {
	stubPlan(t, false)
	t.Chdir(t.TempDir())
	for _, args := range [][]string{
		{"check"},
		{"check", "--plan", "missing.json"},
		{"check", "--plan", "x", "--format", "pdf"},
		{"check", "--plan", "x", "--fail-on", "severe"},
	} {
		if code, _, errOut := runCLI(args...); code != 2 || !strings.HasPrefix(errOut, "bulkhead: ") {
			t.Errorf("%v: exit %d, stderr %q", args, code, errOut)
		}
	}
	os.WriteFile("plan.json", []byte("{}"), 0o644)
	os.WriteFile("prev.md", []byte("<!-- bulkhead:state aGVsbG8= -->"), 0o644)
	if code, _, errOut := runCLI("check", "--plan", "plan.json", "--previous-comment", "prev.md"); code != 2 || !strings.Contains(errOut, "damaged") {
		t.Errorf("damaged previous comment: exit %d %q", code, errOut)
	}
	if code, _, _ := runCLI("check", "--plan", "plan.json", "--previous-comment", "nope.md", "-q"); code != 1 {
		t.Errorf("a missing previous comment is a first run, not an error: exit %d", code)
	}
}

func TestAuditBaselineRoundTrip(t *testing.T) {
	dir := t.TempDir()
	base := filepath.Join(dir, "base.json")
	if code, _, errOut := runCLI("audit", "--demo", "--write-baseline", base); code != 0 || !strings.Contains(errOut, "wrote baseline") {
		t.Fatalf("write: exit %d %s", code, errOut)
	}
	code, out, _ := runCLI("audit", "--demo", "--baseline", base)
	if code != 0 || !strings.Contains(out, "in the baseline") {
		t.Errorf("audit with its own baseline: exit %d\n%s", code, out)
	}
	os.WriteFile(base, []byte(`{"findings":[]}`), 0o644)
	if code, _, errOut := runCLI("audit", "--demo", "--baseline", base); code != 2 || !strings.Contains(errOut, "schema") {
		t.Errorf("bad baseline: exit %d %s", code, errOut)
	}
}
