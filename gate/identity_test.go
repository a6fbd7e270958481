package gate

import (
	"bytes"
	"slices"
	"sort"
	"testing"

	"github.com/bulkhead-dev/bulkhead/discover/terraform/tfgen"
	"github.com/bulkhead-dev/bulkhead/discover/terraform/tfplan"
	"github.com/bulkhead-dev/bulkhead/graph"
)

func TestStableIDsAcrossReplace(t *testing.T) {
	mk := func(dbID, backupID string) *graph.Graph {
		g := graph.New()
		g.MustAdd(&graph.Resource{ID: dbID, Kind: graph.Database, Name: "db", Origin: graph.Origin{Ref: "aws_db_instance.main"}})
		g.MustAdd(&graph.Resource{ID: backupID, Kind: graph.Backup, Name: "auto", Origin: graph.Origin{Ref: "aws_db_instance.main (backup_retention_period)"}})
		g.MustConnect(graph.Edge{From: backupID, To: dbID, Kind: graph.BacksUp})
		return g
	}
	before := mk("aws:aws_db_instance:arn:db", "aws:aws_db_instance_automated_backup:arn:db")
	after := mk("aws:aws_db_instance:aws_db_instance.main", "aws:aws_db_instance_automated_backup:aws_db_instance.main")
	after.MustAdd(&graph.Resource{ID: "aws:aws_s3_bucket:new", Kind: graph.Bucket, Name: "new", Origin: graph.Origin{Ref: "aws_s3_bucket.new"}})
	// Two resources with one ref on the before side: ambiguous, never renamed.
	before.MustAdd(&graph.Resource{ID: "x:a", Kind: graph.Other, Origin: graph.Origin{Ref: "dup"}})
	before.MustAdd(&graph.Resource{ID: "x:b", Kind: graph.Other, Origin: graph.Origin{Ref: "dup"}})
	after.MustAdd(&graph.Resource{ID: "x:c", Kind: graph.Other, Origin: graph.Origin{Ref: "dup"}})
	g, err := stableIDs(before, after)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"aws:aws_db_instance:arn:db", "aws:aws_db_instance_automated_backup:arn:db", "aws:aws_s3_bucket:new", "x:c"} {
		if _, ok := g.Resource(id); !ok {
			t.Errorf("%s missing after alignment", id)
		}
	}
	if g.Len() != after.Len() || g.EdgeCount() != after.EdgeCount() {
		t.Errorf("alignment changed the graph's size: %d/%d", g.Len(), g.EdgeCount())
	}
	if r, _ := g.Resource("aws:aws_db_instance:arn:db"); len(r.Aliases) != 1 || r.Aliases[0] != "aws:aws_db_instance:aws_db_instance.main" {
		t.Errorf("the planned ID is not kept as an alias: %v", r.Aliases)
	}
	if same, _ := stableIDs(before, before); same != before {
		t.Error("no rename must return the graph itself")
	}
}

// An ID derived from a renamed resource's native part, with no origin ref of its own,
// follows the rename unless the new ID is taken.
func TestStableIDsDerived(t *testing.T) {
	before, after := graph.New(), graph.New()
	before.MustAdd(&graph.Resource{ID: "aws:aws_db_instance:arn:db", Kind: graph.Database, Origin: graph.Origin{Ref: "aws_db_instance.main"}})
	after.MustAdd(&graph.Resource{ID: "aws:aws_db_instance:aws_db_instance.main", Kind: graph.Database, Origin: graph.Origin{Ref: "aws_db_instance.main"}})
	after.MustAdd(&graph.Resource{ID: "aws:final_snapshot:aws_db_instance.main", Kind: graph.Backup})
	after.MustAdd(&graph.Resource{ID: "x:y:z:aws_db_instance.main", Kind: graph.Other})
	after.MustAdd(&graph.Resource{ID: "aws:taken:aws_db_instance.main", Kind: graph.Other})
	after.MustAdd(&graph.Resource{ID: "aws:taken:arn:db", Kind: graph.Other})
	after.MustAdd(&graph.Resource{ID: "aws:unrelated:aws_db_instance.mainx", Kind: graph.Other})
	after.MustConnect(graph.Edge{From: "aws:final_snapshot:aws_db_instance.main", To: "aws:aws_db_instance:aws_db_instance.main", Kind: graph.BacksUp})
	g, err := stableIDs(before, after)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, r := range g.Resources() {
		ids = append(ids, r.ID)
	}
	sort.Strings(ids)
	want := []string{"aws:aws_db_instance:arn:db", "aws:final_snapshot:arn:db", "aws:taken:arn:db", "aws:taken:aws_db_instance.main",
		"aws:unrelated:aws_db_instance.mainx", "x:y:z:arn:db"}
	if !slices.Equal(ids, want) {
		t.Errorf("IDs after alignment:\n got %q\nwant %q", ids, want)
	}
	if es := g.Edges(); len(es) != 1 || es[0].From != "aws:final_snapshot:arn:db" || es[0].To != "aws:aws_db_instance:arn:db" {
		t.Errorf("edge not moved with its ends: %+v", es)
	}
}

// TestStableIDsOneBatch: the aligned graph connected in one batch is the one a Connect per
// edge gives (snapshot bytes), on generated plans with renames and on the realistic shape.
func TestStableIDsOneBatch(t *testing.T) {
	inputs := map[string]*Input{"moved 400": planOfMoved(400, true), "moved 7": planOfMoved(7, true)}
	o, err := tfgen.ParseShape("realistic")
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := tfgen.WritePlan(&b, 2000, 1, o, tfgen.PlanOptions{}); err != nil {
		t.Fatal(err)
	}
	p, err := tfplan.Parse(b.Bytes(), "plan.json")
	if err != nil {
		t.Fatal(err)
	}
	inputs["tfgen realistic 2000"] = &Input{Before: p.Before, After: p.After}
	for name, in := range inputs {
		t.Run(name, func(t *testing.T) {
			defer func(old bool) { connectEach = old }(connectEach)
			var snaps [2]bytes.Buffer
			for i, each := range []bool{true, false} {
				connectEach = each
				g, err := stableIDs(in.Before, in.After)
				if err != nil {
					t.Fatal(err)
				}
				if g == in.After {
					t.Fatal("no ID moved")
				}
				if err := graph.WriteSnapshot(&snaps[i], g); err != nil {
					t.Fatal(err)
				}
			}
			if !bytes.Equal(snaps[0].Bytes(), snaps[1].Bytes()) {
				t.Errorf("one batch gives another graph than a Connect per edge (%d bytes against %d)", snaps[1].Len(), snaps[0].Len())
			}
		})
	}
}
