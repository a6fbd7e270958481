package tfgen_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/bulkhead-dev/bulkhead/discover/terraform"
	"github.com/bulkhead-dev/bulkhead/discover/terraform/tfgen"
	"github.com/bulkhead-dev/bulkhead/discover/terraform/tfmap"
	"github.com/bulkhead-dev/bulkhead/discover/terraform/tfplan"
	"github.com/bulkhead-dev/bulkhead/graph"
)

// Every shape writes exactly n managed instances of types bulkhead understands (but the
// default mix's security groups), the same
// bytes for the same seed, and maps to the graph the shape is meant to produce.
func TestShapes(t *testing.T) {
	const n = 1200
	for _, shape := range tfgen.Shapes {
		t.Run(shape, func(t *testing.T) {
			o, err := tfgen.ParseShape(shape)
			if err != nil {
				t.Fatal(err)
			}
			var a, b bytes.Buffer
			if err := tfgen.WriteOptions(&a, n, 1, o); err != nil {
				t.Fatal(err)
			}
			if err := tfgen.WriteOptions(&b, n, 1, o); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(a.Bytes(), b.Bytes()) {
				t.Fatal("two runs with one seed differ")
			}
			var st struct {
				Resources []struct {
					Mode      string
					Type      string
					Instances []json.RawMessage
				}
			}
			if err := json.Unmarshal(a.Bytes(), &st); err != nil {
				t.Fatal(err)
			}
			managed := 0
			for _, r := range st.Resources {
				if r.Mode == "managed" {
					managed += len(r.Instances)
				}
			}
			if managed != n {
				t.Errorf("%d managed instances, want %d", managed, n)
			}
			bl := tfmap.NewBuilder(tfmap.Options{Source: terraform.SourceState, Target: shape + ".tfstate"})
			if _, err := terraform.ReadState(context.Background(), bytes.NewReader(a.Bytes()), bl); err != nil {
				t.Fatal(err)
			}
			g, err := bl.Graph()
			if err != nil {
				t.Fatal(err)
			}
			// Security groups are in the default mix and hold no data: bulkhead skips them.
			if c := g.Sources[0].Counts["not_understood"] - g.Sources[0].Counts["not_understood.aws_security_group"]; c != 0 {
				t.Errorf("%d instances of types bulkhead does not read: %v", c, g.Sources[0].Counts)
			}
			checkShape(t, o, g)
		})
	}
}

func checkShape(t *testing.T, o tfgen.Options, g *graph.Graph) {
	t.Helper()
	types := map[string]int{}
	for _, r := range g.Resources() {
		types[r.Type]++
	}
	scoped := map[string]bool{}
	stored := map[string]bool{}
	for _, e := range g.Edges() {
		switch e.Kind {
		case graph.ScopedTo:
			scoped[e.From] = true
		case graph.StoredIn:
			stored[e.To] = true
		}
	}
	keys, users := types["aws_iam_access_key"], types["aws_iam_user"]
	armed := 0 // keys that may delete something
	for _, r := range g.Resources() {
		if r.Type == "aws_iam_access_key" && scoped[r.ID] {
			armed++
		}
	}
	want := func(what string, got, want int) {
		t.Helper()
		if got != want {
			t.Errorf("%s: %d, want %d", what, got, want)
		}
	}
	if o.KeysPerUser > 1 {
		want("access keys", keys, o.KeysPerUser*users)
	} else {
		want("access keys", keys, users)
	}
	// Only the two broad keys of the first blocks may delete anything by default.
	everyKey := o.Deploy || o.ActionWildcards == 1 || o.PartialWildcards == 1 || o.SharedPolicies > 0 || o.ManagedPolicies == 1
	switch {
	case everyKey:
		want("keys with delete authority", armed, keys)
	case o.ActionWildcards == 0 && o.PartialWildcards == 0 && o.ManagedPolicies == 0:
		want("keys with delete authority", armed, 2*max(o.KeysPerUser, 1))
	}
	if o.Deploy {
		want("inline deploy policies", types["aws_iam_user_policy"], users)
	}
	if o.SharedPolicies > 0 {
		want("groups", types["aws_iam_group"], o.SharedPolicies)
	}
	if o.ManagedPolicies > 0 {
		if types["aws_iam_role"] == 0 || types["aws_iam_role"] > users/o.ManagedPolicies+1 {
			t.Errorf("%d roles for %d users, every %d with a managed policy", types["aws_iam_role"], users, o.ManagedPolicies)
		}
	}
	if o.BackupSelections > 0 {
		if types["aws_backup_recovery_point"] == 0 || !stored["aws:aws_backup_vault:arn:aws:backup:eu-west-1:210987654321:backup-vault:offsite"] {
			t.Errorf("%d recovery points, vaults %v", types["aws_backup_recovery_point"], stored)
		}
	}
}

func TestParseShapeUnknown(t *testing.T) {
	if _, err := tfgen.ParseShape("deploy,nope"); err == nil {
		t.Error("unknown shape accepted")
	}
}

// WritePlan's plan reads as a plan: one change per managed instance, the chosen replaces,
// deletes and updates, and the replaced instances' canonical IDs move (their ARN unknown).
func TestWritePlan(t *testing.T) {
	const n = 900
	o, _ := tfgen.ParseShape("realistic")
	var a, b bytes.Buffer
	for _, buf := range []*bytes.Buffer{&a, &b} {
		if err := tfgen.WritePlan(buf, n, 1, o, tfgen.PlanOptions{Every: 4}); err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatal("two runs with one seed differ")
	}
	p, err := tfplan.Parse(a.Bytes(), "plan.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Changes) != n {
		t.Errorf("%d changes, want %d", len(p.Changes), n)
	}
	acts := map[string]map[string]int{}
	moved := 0
	for _, c := range p.Changes {
		a := strings.Join(c.Actions, ",")
		if acts[c.Type] == nil {
			acts[c.Type] = map[string]int{}
		}
		acts[c.Type][a]++
		if a == "delete,create" {
			if _, ok := p.After.Resource(c.ResourceID); !ok {
				moved++
			}
		}
	}
	for _, typ := range []string{"aws_db_instance", "aws_s3_bucket", "aws_ebs_volume"} {
		m := acts[typ]
		total := m["delete,create"] + m["delete"] + m["update"] + m["no-op"]
		if m["delete,create"] == 0 || m["delete"] == 0 || m["update"] == 0 || m["delete,create"] != (total+3)/4 {
			t.Errorf("%s: changes %v", typ, m)
		}
	}
	if acts["aws_instance"]["no-op"] == 0 || len(acts["aws_instance"]) != 1 {
		t.Errorf("aws_instance: changes %v, want no-ops only", acts["aws_instance"])
	}
	if want := acts["aws_db_instance"]["delete,create"] + acts["aws_s3_bucket"]["delete,create"] + acts["aws_ebs_volume"]["delete,create"]; moved != want {
		t.Errorf("%d replaced instances have a new ID in the planned graph, want %d", moved, want)
	}
}
