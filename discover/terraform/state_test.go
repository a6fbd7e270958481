package terraform

import (
	"context"
	"strings"
	"testing"

	"github.com/bulkhead-dev/bulkhead/discover/terraform/tfmap"
	"github.com/bulkhead-dev/bulkhead/graph"
)

// TestStateFeatures: modules, for_each keys, tainted and deposed objects, data sources,
// sensitive attributes and the tier of a workspace path, on one small state.
func TestStateFeatures(t *testing.T) {
	state := `{
  "version": 4, "terraform_version": "1.9.5", "serial": 3, "lineage": "x",
  "outputs": {"db": {"value": "x", "type": "string", "sensitive": true}},
  "resources": [
    {"mode": "data", "type": "aws_caller_identity", "name": "me", "provider": "p",
     "instances": [{"attributes": {"account_id": "111111111111"}}]},
    {"module": "module.db", "mode": "managed", "type": "aws_db_instance", "name": "main", "each": "map", "provider": "p",
     "instances": [
       {"index_key": "orders", "status": "tainted", "attributes": {"arn": "arn:aws:rds:eu-west-1:111111111111:db:orders",
         "identifier": "orders", "password": "hunter2-secret", "master_password": "also-secret", "deletion_protection": true,
         "backup_retention_period": 0, "skip_final_snapshot": true, "tags": {"Team": "shop"}},
        "sensitive_attributes": [[{"type": "get_attr", "value": "tags"}]]},
       {"index_key": "orders", "deposed": "00aa11bb", "attributes": {"arn": "arn:aws:rds:eu-west-1:111111111111:db:orders-old",
         "identifier": "orders-old", "skip_final_snapshot": true, "backup_retention_period": 0}}
     ]}
  ]
}`
	p := writeTemp(t, "terraform.tfstate", []byte(state))
	// The path says which workspace: terraform.tfstate.d/<workspace>/terraform.tfstate.
	g, err := LoadState(context.Background(), p, "prod")
	if err != nil {
		t.Fatal(err)
	}
	c := g.Sources[0].Counts
	if c["resources"] != 2 || c["data_sources_skipped"] != 1 || c["tainted"] != 1 || c["deposed"] != 1 {
		t.Errorf("counts %v", c)
	}
	db, ok := g.Resource("aws:aws_db_instance:arn:aws:rds:eu-west-1:111111111111:db:orders")
	if !ok {
		t.Fatalf("no database; resources: %v", ids(g))
	}
	if db.Origin.Ref != `module.db.aws_db_instance.main["orders"]` {
		t.Errorf("address %q", db.Origin.Ref)
	}
	if v, _ := db.Attr("tainted"); v != "true" {
		t.Errorf("tainted not recorded: %v", db.Attrs)
	}
	old, ok := g.Resource("aws:aws_db_instance:arn:aws:rds:eu-west-1:111111111111:db:orders-old#deposed:00aa11bb")
	if !ok || !strings.Contains(old.Name, "deposed") {
		t.Errorf("deposed object missing or unnamed: %v", ids(g))
	}
	env, ok := g.Resource("terraform:environment:prod")
	if !ok || env.Tier != graph.Production || !strings.Contains(env.TierWhy, "workspace") {
		t.Errorf("workspace environment: %+v", env)
	}
	if x := g.Index().EnvironmentOf(db); x == nil || x.ID != env.ID {
		t.Errorf("database not in the workspace environment")
	}
	for _, r := range g.Resources() {
		for k, v := range r.Attrs.All() {
			if strings.Contains(v, "secret") || k == "tags" {
				t.Errorf("%s keeps %s=%s", r.ID, k, v)
			}
		}
	}
	if n, ok := g.Resource("aws:aws_db_instance:arn:aws:rds:eu-west-1:111111111111:db:orders"); ok && n.Tier != "" {
		t.Errorf("sensitive tags must not give a tier; got %s (%s)", n.Tier, n.TierWhy)
	}
}

func ids(g *graph.Graph) []string {
	var out []string
	for _, r := range g.Resources() {
		out = append(out, r.ID)
	}
	return out
}

// TestMergeStateAndPlan: the same infrastructure as a `show -json` state and as a plan
// merges into one node per resource (by ARN), and the plan's new resources join it.
func TestMergeStateAndPlan(t *testing.T) {
	st, err := loadCorpusFile(t, "showjson/infracost__infracost__cmd__infracost__testdata__terraform_v0.14_state.json")
	if err != nil {
		t.Fatal(err)
	}
	pl, err := loadCorpusFile(t, "plan/infracost__infracost__cmd__infracost__testdata__terraform_v0.14_plan.json")
	if err != nil {
		t.Fatal(err)
	}
	m, err := graph.Merge(st, pl)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range m.ByKind(graph.Database) {
		if strings.Contains(r.ID, "db:demodb") {
			n++
		}
	}
	if n != 1 {
		t.Errorf("demodb appears %d times after merge", n)
	}
	if m.Len() >= st.Len()+pl.Len() {
		t.Errorf("nothing merged: %d + %d -> %d", st.Len(), pl.Len(), m.Len())
	}
	_ = tfmap.Managed
}
