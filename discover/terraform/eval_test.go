package terraform

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bulkhead-dev/bulkhead/analyze"
	"github.com/bulkhead-dev/bulkhead/discover/terraform/tfmap"
	"github.com/bulkhead-dev/bulkhead/graph"
)

// loadEval reads a configuration of testdata/eval with optional --var-file files (relative
// to the configuration's directory).
func loadEval(t *testing.T, dir string, varFiles ...string) (*graph.Graph, *analyze.Report) {
	t.Helper()
	return loadEvalEnv(t, dir, nil, varFiles...)
}

// loadEvalEnv is loadEval with an environment ("NAME=value") for TF_VAR_<name>.
func loadEvalEnv(t *testing.T, dir string, env []string, varFiles ...string) (*graph.Graph, *analyze.Report) {
	t.Helper()
	dir = filepath.Join("testdata", "eval", dir)
	var vf []string
	for _, f := range varFiles {
		vf = append(vf, filepath.Join(dir, f))
	}
	g, err := LoadConfigWith(context.Background(), dir, "", ConfigOptions{VarFiles: vf, Env: env})
	if err != nil {
		t.Fatalf("load %s: %v", dir, err)
	}
	rep, err := analyze.Run(g, analyze.Options{Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	return g, rep
}

// byAddress is the resources of g by Terraform address (kind other included).
func byAddress(g *graph.Graph) map[string]*graph.Resource {
	out := map[string]*graph.Resource{}
	for _, r := range g.Resources() {
		if a, ok := r.Attr(graph.AttrAddress); ok && r.Kind != graph.Backup && r.Kind != graph.Environment {
			out[a] = r
		}
	}
	return out
}

func finding(rep *analyze.Report, rule, resource string) *analyze.Finding {
	for i := range rep.Findings {
		if f := &rep.Findings[i]; f.Rule == rule && f.Resource == resource {
			return f
		}
	}
	return nil
}

func attr(r *graph.Resource, k string) string {
	v, _ := r.Attr(k)
	return v
}

const ordersDB = "aws:aws_db_instance:aws_db_instance.orders"

// TestVariableValues (issue 14): skip_final_snapshot = var.skip is read from
// terraform.tfvars (known true: no final snapshot, BH002 without any unresolved note),
// overridden by *.auto.tfvars in lexical order and by --var-file in the order given
// (known false: the final snapshot survives, no BH002), and stays unresolved with no value
// anywhere or when the variable is sensitive (BH002, and the finding says so).
// TF_VAR_skip comes first in Terraform's order: it gives the value when no file does, and
// every file overrides it; a sensitive variable's is never read, and text that is not a
// bool is unknown, as Terraform would refuse it.
func TestVariableValues(t *testing.T) {
	cases := []struct {
		name, dir string
		varFiles  []string
		env       []string
		skip      string // skip_final_snapshot as the table read it
		bh002     bool
		unknown   bool // the finding names skip_final_snapshot as unresolved
	}{
		{"terraform.tfvars", "skip_tfvars", nil, nil, "true", true, false},
		{"var-file overrides tfvars", "skip_tfvars", []string{"keep.tfvars"}, nil, "false", false, false},
		{"var-file json", "skip_tfvars", []string{"keep.tfvars.json"}, nil, "false", false, false},
		{"later var-file wins", "skip_tfvars", []string{"keep.tfvars", "../skip_auto/a.auto.tfvars"}, nil, "true", true, false},
		{"auto.tfvars json last", "skip_auto", nil, nil, "false", false, false},
		{"no value anywhere", "skip_no_value", nil, nil, "true", true, true},
		{"sensitive", "skip_sensitive", nil, nil, "true", true, true},
		{"TF_VAR gives the value", "skip_no_value", nil, []string{"TF_VAR_skip=false"}, "false", false, false},
		{"TF_VAR true", "skip_no_value", nil, []string{"TF_VAR_skip=true"}, "true", true, false},
		{"terraform.tfvars overrides TF_VAR", "skip_tfvars", nil, []string{"TF_VAR_skip=false"}, "true", true, false},
		{"auto.tfvars overrides TF_VAR", "skip_auto", nil, []string{"TF_VAR_skip=true"}, "false", false, false},
		{"var-file overrides TF_VAR", "skip_no_value", []string{"../skip_tfvars/terraform.tfvars"}, []string{"TF_VAR_skip=false"}, "true", true, false},
		{"TF_VAR names are case-sensitive", "skip_no_value", nil, []string{"TF_VAR_SKIP=false", "tf_var_skip=false"}, "true", true, true},
		{"TF_VAR not a bool", "skip_no_value", nil, []string{"TF_VAR_skip=maybe"}, "true", true, true},
		{"TF_VAR of a sensitive variable", "skip_sensitive", nil, []string{"TF_VAR_skip=false"}, "true", true, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g, rep := loadEvalEnv(t, c.dir, c.env, c.varFiles...)
			db := byAddress(g)["aws_db_instance.orders"]
			if db == nil {
				t.Fatal("no aws_db_instance.orders")
			}
			if got := attr(db, "skip_final_snapshot"); got != c.skip {
				t.Errorf("skip_final_snapshot = %q, want %q", got, c.skip)
			}
			unresolved := slices.Contains(db.List(graph.AttrUnresolved), "skip_final_snapshot")
			if unresolved != c.unknown {
				t.Errorf("unresolved = %v (%q), want %v", unresolved, attr(db, graph.AttrUnresolved), c.unknown)
			}
			f := finding(rep, "BH002", ordersDB)
			if (f != nil) != c.bh002 {
				t.Fatalf("BH002 = %v, want %v", f, c.bh002)
			}
			if f != nil && strings.Contains(f.Detail, "skip_final_snapshot") != c.unknown {
				t.Errorf("BH002 detail %q: names skip_final_snapshot = %v, want %v", f.Detail, !c.unknown, c.unknown)
			}
		})
	}
}

// TestVarFileErrors: a missing or malformed variable file is an input error naming it.
func TestVarFileErrors(t *testing.T) {
	dir := filepath.Join("testdata", "eval", "skip_tfvars")
	for _, f := range []string{"nowhere.tfvars", "main.tf"} {
		_, err := LoadConfigWith(context.Background(), dir, "", ConfigOptions{VarFiles: []string{filepath.Join(dir, f)}})
		if f == "main.tf" {
			// A .tf file is HCL but has blocks, not just attributes: a diagnostic.
			if err == nil || !strings.Contains(err.Error(), "main.tf") {
				t.Errorf("%s: error %v, want a diagnostic naming it", f, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), f) {
			t.Errorf("%s: error %v, want one naming it", f, err)
		}
	}
}

// TestCountAndForEach: count = 0 and a count resolving to 0 mean no resource; a known count
// makes [i] instances and a known for_each ["key"] instances, with count.index and each in
// their attributes; an unknown count or for_each keeps one instance, noted as unresolved,
// and that instance is still at risk.
func TestCountAndForEach(t *testing.T) {
	g, rep := loadEval(t, "count_forms")
	got := byAddress(g)
	var addrs []string
	for a := range got {
		addrs = append(addrs, a)
	}
	slices.Sort(addrs)
	want := []string{
		`aws_s3_bucket.keyed["alpha"]`, `aws_s3_bucket.keyed["beta"]`,
		"aws_s3_bucket.many[0]", "aws_s3_bucket.many[1]", "aws_s3_bucket.many[2]",
		"aws_s3_bucket.maybe", "aws_s3_bucket.maybe_each",
		`aws_s3_bucket.set["x"]`, `aws_s3_bucket.set["y"]`,
		"aws_s3_bucket.try_local", "aws_s3_bucket.try_var",
	}
	if !slices.Equal(addrs, want) {
		t.Fatalf("addresses %q, want %q", addrs, want)
	}
	if r := got["aws_s3_bucket.many[2]"]; r.Name != "logs-2" {
		t.Errorf("many[2] name %q, want logs-2 (count.index)", r.Name)
	}
	if r := got[`aws_s3_bucket.keyed["beta"]`]; r.Name != "data-beta" || r.Tier != graph.Staging {
		t.Errorf("keyed[beta]: name %q tier %s, want data-beta, staging (each.key, each.value)", r.Name, r.Tier)
	}
	for a, meta := range map[string]string{"aws_s3_bucket.maybe": "count", "aws_s3_bucket.maybe_each": "for_each", "aws_s3_bucket.try_var": "count", "aws_s3_bucket.try_local": "count"} {
		if u := got[a].List(graph.AttrUnresolved); !slices.Contains(u, meta) {
			t.Errorf("%s: unresolved %q, want %s", a, u, meta)
		}
		f := finding(rep, "BH005", got[a].ID)
		if f == nil || !strings.Contains(f.Detail, meta) {
			t.Errorf("%s: BH005 %v, want one whose detail names %s", a, f, meta)
		}
	}
	if f := finding(rep, "BH005", got[`aws_s3_bucket.keyed["beta"]`].ID); f != nil {
		t.Errorf("staging bucket reported: %s", f.Message)
	}
	if n := g.Sources[0].Counts["disabled_by_count"]; n != 3 {
		t.Errorf("disabled_by_count = %d, want 3 (count = 0, count = false ? 1 : 0, for_each = {})", n)
	}
}

// TestLocals: locals resolve through each other in any order; a cycle stays unknown and
// its safeguard is taken at the unsafe value (BH006 says deletion_protection was not
// resolved).
func TestLocals(t *testing.T) {
	g, rep := loadEval(t, "locals")
	db := byAddress(g)["aws_db_instance.db"]
	if db == nil || db.Name != "orders-production-db" || db.Tier != graph.Production {
		t.Fatalf("db = %+v, want name orders-production-db, production", db)
	}
	f := finding(rep, "BH006", db.ID)
	if f == nil || !strings.Contains(f.Detail, "deletion_protection") {
		t.Errorf("BH006 = %v, want one naming deletion_protection as unresolved", f)
	}
}

// TestModuleCalls: a local module's inputs are its variables; count = 0 or a count inside
// the module resolving to 0 adds nothing; count and for_each on the call give module.x[i]
// and module.x["k"]; an unknown count on the call is noted on its resources; sources not
// on disk are counted as not understood.
func TestModuleCalls(t *testing.T) {
	g, rep := loadEval(t, "module_calls")
	got := byAddress(g)
	var addrs []string
	for a := range got {
		addrs = append(addrs, a)
	}
	slices.Sort(addrs)
	want := []string{
		`module.each["eu"].aws_dynamodb_table.this[0]`,
		"module.on.aws_dynamodb_table.this[0]",
		"module.two[0].aws_dynamodb_table.this[0]", "module.two[1].aws_dynamodb_table.this[0]",
		"module.unknown_count.aws_dynamodb_table.this[0]",
	}
	if !slices.Equal(addrs, want) {
		t.Fatalf("addresses %q, want %q", addrs, want)
	}
	if r := got["module.two[1].aws_dynamodb_table.this[0]"]; r.Name != "shard-1" || r.Tier != graph.Staging {
		t.Errorf("two[1]: name %q tier %s, want shard-1, staging", r.Name, r.Tier)
	}
	if u := got["module.unknown_count.aws_dynamodb_table.this[0]"].List(graph.AttrUnresolved); !slices.Contains(u, "module.unknown_count count") {
		t.Errorf("unknown_count: unresolved %q", u)
	}
	// pitr = true reaches the module: no BH005 on the production tables.
	for _, a := range []string{"module.on.aws_dynamodb_table.this[0]", `module.each["eu"].aws_dynamodb_table.this[0]`} {
		if f := finding(rep, "BH005", got[a].ID); f != nil {
			t.Errorf("%s: %s (pitr = true was not passed to the module)", a, f.Message)
		}
	}
	c := g.Sources[0].Counts
	for _, k := range []string{"modules_not_understood.module.registry", "modules_not_understood.module.git", "modules_not_understood.module.missing"} {
		if c[k] != 1 {
			t.Errorf("count %s = %d, want 1", k, c[k])
		}
	}
	if c["modules_not_understood"] != 3 || c["disabled_modules"] != 1 {
		t.Errorf("modules_not_understood = %d, disabled_modules = %d; want 3, 1", c["modules_not_understood"], c["disabled_modules"])
	}
}

// TestModuleExample (issue 14): terraform-aws-modules/dynamodb-table's own basic example
// has a staging-tagged table and a disabled one (create_table = false): no production
// table exists, so nothing at risk is reported. Calling the same module for a production
// table reports it (BH005), and --var-file setting create = false removes it.
func TestModuleExample(t *testing.T) {
	g, err := LoadConfig(context.Background(), filepath.Join("testdata", "corpus", "modules", "terraform-aws-modules__terraform-aws-dynamodb-table", "examples", "basic"), "")
	if err != nil {
		t.Fatal(err)
	}
	rep, err := analyze.Run(g, analyze.Options{Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	var tables []*graph.Resource
	for _, r := range g.Resources() {
		if r.Type == "aws_dynamodb_table" {
			tables = append(tables, r)
		}
	}
	if len(tables) != 1 || tables[0].Tier != graph.Staging || !strings.HasPrefix(attr(tables[0], graph.AttrAddress), "module.dynamodb_table.") {
		t.Fatalf("tables %v, want the one staging table of module.dynamodb_table", tables)
	}
	for _, f := range rep.Findings {
		t.Errorf("basic example: %s %s: %s", f.Rule, f.Resource, f.Message)
	}

	_, rep = loadEval(t, "dynamodb_call")
	id := "aws:aws_dynamodb_table:module.orders.aws_dynamodb_table.this[0]"
	if f := finding(rep, "BH005", id); f == nil {
		t.Errorf("production table: no BH005 on %s", id)
	}
	g, _ = loadEval(t, "dynamodb_call", "disabled.tfvars")
	for _, r := range g.Resources() {
		if r.Type == "aws_dynamodb_table" {
			t.Errorf("create = false: table %s still there", r.ID)
		}
	}
}

// TestEvalBounds: functions whose result can outgrow their arguments are refused past a
// bound, so a hostile configuration cannot make bulkhead build a huge value: the value is
// unknown, and a count that uses it leaves one instance, noted as unresolved.
func TestEvalBounds(t *testing.T) {
	src := []byte(`locals {
  big  = range(100000000)
  prod = setproduct(range(1000), range(1000))
  pair = setproduct(["a", "b"], ["x"])
}
resource "aws_s3_bucket" "keyed" {
  for_each = toset([for x in local.pair : join("-", x)])
  bucket   = each.key
}
resource "aws_s3_bucket" "huge" {
  count = length(local.big) + length(local.prod)
}
`)
	b := tfmap.NewBuilder(tfmap.Options{Source: SourceConfig, Target: "bounds"})
	if err := ParseConfigFile(src, "main.tf", b); err != nil {
		t.Fatal(err)
	}
	g, err := b.Graph()
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, r := range g.Resources() {
		ids = append(ids, r.ID)
	}
	slices.Sort(ids)
	want := []string{`aws:aws_s3_bucket:aws_s3_bucket.huge`, `aws:aws_s3_bucket:aws_s3_bucket.keyed["a-x"]`, `aws:aws_s3_bucket:aws_s3_bucket.keyed["b-x"]`}
	if !slices.Equal(ids, want) {
		t.Errorf("resources %q, want %q", ids, want)
	}
}

// TestPolicyReferences (issue 14): a reference inside a policy (Resource =
// aws_db_instance.main.arn in jsonencode, or in a data "aws_iam_policy_document") resolves
// to the referenced resource: the key may delete that database (BH004) and its reach is
// known (no BH009). A policy naming another database gives no reach to the production one,
// and a policy with a value bulkhead does not resolve stays unreadable (BH009).
func TestPolicyReferences(t *testing.T) {
	const db, key = "aws:aws_db_instance:aws_db_instance.main", "aws:aws_iam_access_key:aws_iam_access_key.ops"
	for _, dir := range []string{"policy_ref", "policy_doc"} {
		t.Run(dir, func(t *testing.T) {
			_, rep := loadEval(t, dir)
			if f := finding(rep, "BH004", key); f == nil {
				t.Errorf("no BH004 on %s", key)
			}
			if f := finding(rep, "BH009", key); f != nil {
				t.Errorf("BH009: %s", f.Message)
			}
		})
	}
	t.Run("bucket by reference", func(t *testing.T) {
		g, _ := loadEval(t, "policy_ref")
		reach := map[string]bool{}
		for _, e := range g.Edges() {
			if e.Kind == graph.ScopedTo {
				reach[e.From+" "+e.To] = true
			}
		}
		if !reach["aws:aws_iam_access_key:aws_iam_access_key.logs aws:aws_s3_bucket:aws_s3_bucket.logs"] {
			t.Errorf("key logs may not delete the bucket its policy names: %v", reach)
		}
		if reach["aws:aws_iam_access_key:aws_iam_access_key.ops aws:aws_s3_bucket:aws_s3_bucket.logs"] {
			t.Errorf("key ops may delete the bucket: s3:DeleteBucket on its objects (/*) does not cover it")
		}
	})
	t.Run("policy_module", func(t *testing.T) {
		_, rep := loadEval(t, "policy_module")
		if f := finding(rep, "BH004", key); f == nil || !strings.Contains(f.Message, "ledger") {
			t.Errorf("no BH004 on the key whose policy names the module's database: %v", f)
		}
		if f := finding(rep, "BH009", key); f != nil {
			t.Errorf("BH009: %s", f.Message)
		}
	})
	t.Run("policy_deny", func(t *testing.T) {
		_, rep := loadEval(t, "policy_deny")
		if f := finding(rep, "BH004", "aws:aws_iam_access_key:aws_iam_access_key.guarded"); f != nil {
			t.Errorf("key denied the database by reference: %s", f.Message)
		}
		if f := finding(rep, "BH004", "aws:aws_iam_access_key:aws_iam_access_key.spared"); f == nil {
			t.Errorf("key spared by a NotResource deny by reference: no BH004")
		}
	})
	t.Run("policy_other", func(t *testing.T) {
		g, rep := loadEval(t, "policy_other")
		if f := finding(rep, "BH004", key); f != nil {
			t.Errorf("BH004 on the key that may delete only the staging database: %s", f.Message)
		}
		if f := finding(rep, "BH009", key); f != nil {
			t.Errorf("BH009 on a key whose policy names a resource by reference: %s", f.Message)
		}
		for _, e := range g.Edges() {
			if e.From == key && e.To == db {
				t.Errorf("edge %v to the production database", e)
			}
		}
		if f := finding(rep, "BH009", "aws:aws_iam_access_key:aws_iam_access_key.ci"); f == nil {
			t.Errorf("no BH009 on the key whose policy uses .id (not resolved)")
		}
	})
}

// TestVariableSecretsNeverRead: the canary values of a sensitive variable and of one named
// db_password, given in terraform.tfvars, appear nowhere in the snapshot or the report.
func TestVariableSecretsNeverRead(t *testing.T) {
	g, rep := loadEval(t, "secrets")
	var buf bytes.Buffer
	if err := graph.WriteSnapshot(&buf, g); err != nil {
		t.Fatal(err)
	}
	for _, f := range rep.Findings {
		fmt.Fprintln(&buf, f.Message, f.Detail)
	}
	for _, canary := range []string{"canary-db-password-7f3a", "canary-sensitive-label-91c2"} {
		if bytes.Contains(buf.Bytes(), []byte(canary)) {
			t.Errorf("%s appears in the snapshot or findings", canary)
		}
	}
	if db := byAddress(g)["aws_db_instance.orders"]; db == nil || db.Tier != graph.Production {
		t.Errorf("the database or its tier is lost: %+v", db)
	}
}

// TestModuleManifest: a registry module fetched by terraform init is read from the
// directory .terraform/modules/modules.json gives; one whose directory is outside the
// configuration is not followed and is counted as not understood.
func TestModuleManifest(t *testing.T) {
	g, _ := loadEval(t, "manifest")
	if r := byAddress(g)["module.remote.aws_dynamodb_table.this[0]"]; r == nil || r.Name != "orders" || r.Tier != graph.Production {
		t.Errorf("module.remote: %+v", r)
	}
	if c := g.Sources[0].Counts; c["modules_not_understood.module.unfetched"] != 1 || c["modules_not_understood"] != 1 {
		t.Errorf("counts %v", c)
	}
}

// TestWorkspace: terraform.workspace is the --tf-workspace given, else unknown.
func TestWorkspace(t *testing.T) {
	dir := filepath.Join("testdata", "eval", "workspace")
	for ws, want := range map[string]string{"staging": "staging", "": ""} {
		g, err := LoadConfig(context.Background(), dir, ws)
		if err != nil {
			t.Fatal(err)
		}
		r := byAddress(g)["aws_s3_bucket.data"]
		if r == nil {
			t.Fatal("no aws_s3_bucket.data")
		}
		if want != "" && (r.Tier != graph.Staging || !strings.Contains(r.TierWhy, "tag Environment")) {
			t.Errorf("workspace %q: tier %s (%s), want staging from the tag", ws, r.Tier, r.TierWhy)
		}
		if want == "" && strings.Contains(r.TierWhy, "tag") {
			t.Errorf("no workspace: tier %s (%s) from a tag that is unknown", r.Tier, r.TierWhy)
		}
	}
}

// TestSelfCallingModule: a module calling itself with a count is refused with a reason
// once it passes the bound on module instances, in well under a second per thousand.
func TestSelfCallingModule(t *testing.T) {
	start := time.Now()
	_, err := LoadConfig(context.Background(), filepath.Join("testdata", "eval", "self_call"), "")
	if err == nil || !strings.Contains(err.Error(), "module instances") {
		t.Fatalf("error %v, want the bound on module instances", err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("took %s", d)
	}
}

// TestEnvVariables: TF_VAR_<name> values are parsed as Terraform parses them (the text for
// a variable with no type or a primitive one, an HCL expression otherwise), lose to
// terraform.tfvars, are counted by name in the source's counts (variables_from_env.NAME,
// never a value), and are never read for a sensitive variable or one whose name holds a
// secret: the canaries appear nowhere in the snapshot or the findings.
func TestEnvVariables(t *testing.T) {
	env := []string{
		"TF_VAR_name=orders-db",
		`TF_VAR_tags={ Environment = "production" }`,
		"TF_VAR_retention=14",
		`TF_VAR_extra={ engine = "mysql" }`,
		"TF_VAR_tier=from-env",
		"TF_VAR_db_password=canary-env-password-4b1e",
		"TF_VAR_label=canary-env-label-c7d0",
		"TF_VAR_undeclared=canary-env-undeclared-55aa",
		"PATH=/usr/bin",
		"TF_VAR_novalue",
	}
	g, rep := loadEvalEnv(t, "env_vars", env)
	db := byAddress(g)["aws_db_instance.orders"]
	if db == nil {
		t.Fatal("no aws_db_instance.orders")
	}
	if db.Name != "orders-db-from-tfvars" || db.Tier != graph.Production {
		t.Errorf("name %q tier %s (%s), want orders-db-from-tfvars in production from TF_VAR_tags", db.Name, db.Tier, db.TierWhy)
	}
	for k, want := range map[string]string{"backup_retention_period": "14", "engine": "mysql"} {
		if got := attr(db, k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	counts := g.Sources[0].Counts
	want := map[string]int{"variables_from_env": 4, "variables_from_env.name": 1, "variables_from_env.tags": 1,
		"variables_from_env.retention": 1, "variables_from_env.extra": 1}
	for k, v := range counts {
		if strings.HasPrefix(k, "variables_from_env") && want[k] != v {
			t.Errorf("count %s = %d, want %d", k, v, want[k])
		}
	}
	for k, v := range want {
		if counts[k] != v {
			t.Errorf("count %s = %d, want %d (counts %v)", k, counts[k], v, counts)
		}
	}
	var buf bytes.Buffer
	if err := graph.WriteSnapshot(&buf, g); err != nil {
		t.Fatal(err)
	}
	for _, f := range rep.Findings {
		fmt.Fprintln(&buf, f.Message, f.Detail)
	}
	for _, canary := range []string{"canary-env-password-4b1e", "canary-env-label-c7d0", "canary-env-undeclared-55aa", "undeclared", "db_password", "variables_from_env.label"} {
		if bytes.Contains(buf.Bytes(), []byte(canary)) {
			t.Errorf("%s appears in the snapshot or findings", canary)
		}
	}

	// Without an environment nothing is read from it: the same configuration, values unknown.
	g, _ = loadEvalEnv(t, "env_vars", nil)
	if db := byAddress(g)["aws_db_instance.orders"]; db == nil || db.Name == "orders-db-from-tfvars" || db.Tier == graph.Production || g.Sources[0].Counts["variables_from_env"] != 0 {
		t.Errorf("no env: %+v, counts %v", db, g.Sources[0].Counts)
	}
}

// TestModuleOutputs (issue 14): a resource attribute that uses a module output takes the
// output's value when it is statically known (the label module's id and tags: the name and
// the production tier), a reference when the output is one (the kms module's key encrypts
// the database), and stays unknown otherwise (deletion_protection from a variable nothing
// sets: unsafe, BH006 names it).
func TestModuleOutputs(t *testing.T) {
	g, rep := loadEval(t, "module_outputs")
	db := byAddress(g)["aws_db_instance.orders"]
	if db == nil {
		t.Fatal("no aws_db_instance.orders")
	}
	if db.Name != "acme-prod-orders" || db.Tier != graph.Production || !strings.Contains(db.TierWhy, "Environment") {
		t.Errorf("name %q tier %s (%s), want acme-prod-orders in production from its tag", db.Name, db.Tier, db.TierWhy)
	}
	const key = "aws:aws_kms_key:module.kms.aws_kms_key.this"
	linked := false
	for _, e := range g.Edges() {
		if e.From == key && e.To == db.ID {
			linked = true
		}
	}
	if !linked {
		t.Errorf("no edge from %s to the database", key)
	}
	if !slices.Contains(db.List(graph.AttrUnresolved), "deletion_protection") {
		t.Errorf("deletion_protection: unresolved %q, want it named", attr(db, graph.AttrUnresolved))
	}
	if f := finding(rep, "BH006", db.ID); f == nil {
		t.Errorf("no BH006 on the database whose protection is unknown")
	}
}
