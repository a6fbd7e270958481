package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Real plans from the corpus (copied into discover/terraform/testdata/corpus by the
// Terraform reader's branch; sources and licences in its SOURCES.md).
const corpusPlans = "../../discover/terraform/testdata/corpus/plan/"

const infracostPlan = corpusPlans + "infracost__infracost__cmd__infracost__testdata__terraform_v0.14_plan.json"

// The production-like database of that plan: present in prior state, updated in place.
const infracostDB = "module.db.module.db_1.module.db_instance.aws_db_instance.this[0]"

func readPlanJSON(t *testing.T, path string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func writePlanJSON(t *testing.T, m map[string]any) string {
	t.Helper()
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "plan.json")
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestCheckRealPlanAsIs: the plan updates the database in place and creates a second one
// whose automated backups die with it; the gate reports that introduced finding.
func TestCheckRealPlanAsIs(t *testing.T) {
	code, _, errOut := checkCLI("check", "--plan", infracostPlan)
	if code != 1 || !strings.Contains(errOut, "Findings this plan introduces") || strings.Contains(errOut, "Data destroyed") {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	if !strings.Contains(errOut, `resource = "module.db.module.db_2.module.db_instance.aws_db_instance.this[0]"`) {
		t.Errorf("the waive block does not name the Terraform address:\n%s", errOut)
	}
}

// TestCheckRealPlanPureDelete removes the database from the configuration of a real plan:
// its change becomes ["delete"] with no planned value. The gate must see the delete itself,
// not only changed attributes. The corpus database is tagged Environment = "dev": deleting
// it is reported but does not fail; tagged "production" in its prior state, it fails.
func TestCheckRealPlanPureDelete(t *testing.T) {
	m := deletePlan(t)
	// --fail-on high: the plan also creates a second, non-production database (BH002, medium).
	code, _, errOut := checkCLI("check", "--plan", writePlanJSON(t, m), "--fail-on", "high")
	if code != 0 || !strings.Contains(errOut, "delete "+infracostDB+`: database "demodb" (development)`) {
		t.Fatalf("development database: exit %d\n%s", code, errOut)
	}
	setTag(m["prior_state"].(map[string]any)["values"].(map[string]any)["root_module"].(map[string]any), infracostDB, "production")
	code, _, errOut = checkCLI("check", "--plan", writePlanJSON(t, m), "--fail-on", "high")
	if code != 1 {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	for _, want := range []string{"delete " + infracostDB + `: database "demodb" (production)`, "surviving recovery points: none", `waive "BH101"`} {
		if !strings.Contains(errOut, want) {
			t.Errorf("verdict lacks %q:\n%s", want, errOut)
		}
	}
}

func setTag(mod map[string]any, addr, env string) {
	for _, r := range asList(mod["resources"]) {
		r := r.(map[string]any)
		if r["address"] == addr {
			r["values"].(map[string]any)["tags"].(map[string]any)["Environment"] = env
		}
	}
	for _, c := range asList(mod["child_modules"]) {
		setTag(c.(map[string]any), addr, env)
	}
}

func asList(v any) []any { l, _ := v.([]any); return l }

func deletePlan(t *testing.T) map[string]any {
	m := readPlanJSON(t, infracostPlan)
	found := false
	for _, rc := range m["resource_changes"].([]any) {
		rc := rc.(map[string]any)
		if rc["address"] == infracostDB {
			ch := rc["change"].(map[string]any)
			ch["actions"] = []any{"delete"}
			ch["after"] = nil
			ch["after_unknown"] = map[string]any{}
			found = true
		}
	}
	if !found {
		t.Fatal("database not in the corpus plan")
	}
	removeFromPlanned(m["planned_values"].(map[string]any)["root_module"].(map[string]any), infracostDB)
	return m
}

func removeFromPlanned(mod map[string]any, addr string) {
	if rs, ok := mod["resources"].([]any); ok {
		var keep []any
		for _, r := range rs {
			if r.(map[string]any)["address"] != addr {
				keep = append(keep, r)
			}
		}
		mod["resources"] = keep
	}
	if cs, ok := mod["child_modules"].([]any); ok {
		for _, c := range cs {
			removeFromPlanned(c.(map[string]any), addr)
		}
	}
}

func TestCheckBadPlans(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(body), 0o644)
		return p
	}
	state := "../../discover/terraform/testdata/corpus/tfstate/snyk__driftctl__pkg__iac__terraform__state__test__aws_db_instance__terraform.tfstate"
	cases := []struct {
		name, path string
		code       int
		want       string
	}{
		{"empty file", write("empty.json", ""), 2, "plan"},
		{"not json", write("x.json", "plan: yes"), 2, "plan"},
		{"state passed as plan", state, 2, "not plan JSON"},
		{"show -json state passed as plan", "../../discover/terraform/testdata/corpus/showjson/hashicorp__terraform-json__testdata__110_sensitive_values__state.json", 2, "state output, not a plan"},
		{"unsupported format version", write("v9.json", `{"format_version":"9.0","resource_changes":[]}`), 2, "format"},
	}
	for _, c := range cases {
		code, _, errOut := checkCLI("check", "--plan", c.path)
		if code != c.code || !strings.Contains(errOut, c.want) || strings.Contains(errOut, "panic") {
			t.Errorf("%s: exit %d, want %d with %q\n%s", c.name, code, c.code, c.want, errOut)
		}
	}
	// A plan Terraform could not finish (errored: true) is incomplete: fail closed.
	m := readPlanJSON(t, checkFixtures+"rds_replace_with_snapshot.json")
	m["errored"] = true
	code, _, errOut := checkCLI("check", "--plan", writePlanJSON(t, m))
	if code != 3 || !strings.Contains(errOut, `"errored": true`) {
		t.Errorf("errored plan: exit %d, want 3\n%s", code, errOut)
	}
	// A plan that changes nothing passes and says so.
	code, _, errOut = checkCLI("check", "--plan", write("none.json", `{"format_version":"1.2","terraform_version":"1.7.2","planned_values":{"root_module":{}},"resource_changes":[]}`))
	if code != 0 || !strings.Contains(errOut, "0 to create, 0 to update, 0 to replace, 0 to delete") {
		t.Errorf("empty plan: exit %d\n%s", code, errOut)
	}
}

// TestCheckEveryCorpusPlan runs the gate on every real plan of the corpus: none may crash
// or be misread, and the two that create unprotected data fail.
func TestCheckEveryCorpusPlan(t *testing.T) {
	want := map[string]int{
		"bridgecrewio__checkov__tests__terraform__runner__resources__plan__tfplan.json": 1,
		"infracost__infracost__cmd__infracost__testdata__terraform_v0.14_plan.json":     1,
	}
	entries, err := os.ReadDir(corpusPlans)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) < 10 {
		t.Fatalf("only %d corpus plans", len(entries))
	}
	for _, e := range entries {
		code, _, errOut := checkCLI("check", "--plan", corpusPlans+e.Name(), "--now", checkNow)
		if code != want[e.Name()] || !strings.HasPrefix(errOut, "bulkhead check: ") {
			t.Errorf("%s: exit %d, want %d\n%s", e.Name(), code, want[e.Name()], errOut)
		}
	}
}

// TestCheckNeverPrintsSecrets plants a secret in the access key of a plan (prior state,
// planned values and the change) and checks that no output of check contains it.
func TestCheckNeverPrintsSecrets(t *testing.T) {
	const canary = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYCANARY"
	m := readPlanJSON(t, checkFixtures+"token_widened.json")
	var plant func(v any)
	plant = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if x["type"] == "aws_iam_access_key" {
				for _, k := range []string{"values"} {
					if vals, ok := x[k].(map[string]any); ok {
						vals["secret"], vals["ses_smtp_password_v4"] = canary, canary
					}
				}
				if ch, ok := x["change"].(map[string]any); ok {
					for _, k := range []string{"before", "after"} {
						ch[k].(map[string]any)["secret"] = canary
					}
				}
			}
			for _, c := range x {
				plant(c)
			}
		case []any:
			for _, c := range x {
				plant(c)
			}
		}
	}
	plant(m)
	path := writePlanJSON(t, m)
	raw, _ := os.ReadFile(path)
	if !strings.Contains(string(raw), canary) {
		t.Fatal("canary not planted")
	}
	for _, format := range []string{"text", "markdown", "json"} {
		code, out, errOut := checkCLI("check", "--plan", path, "--now", checkNow, "--format", format)
		if code != 1 || strings.Contains(out+errOut, canary) {
			t.Errorf("--format %s: exit %d, secret printed: %v", format, code, strings.Contains(out+errOut, canary))
		}
	}
}
