package workdir_test

import (
	"testing"

	"github.com/bulkhead-dev/bulkhead/analyze"
	"github.com/bulkhead-dev/bulkhead/graph"
)

// TestAWSKeyJoinsTerraform: an AWS access key found in a file takes the canonical ID the
// Terraform discoverer gives aws_iam_access_key, so Merge joins the two and the key found
// on disk inherits the scoped_to edges derived from its user's policies. The Terraform
// side here is a small hand-made graph following that convention.
func TestAWSKeyJoinsTerraform(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "ci/.env.staging", "AWS_ACCESS_KEY_ID=AKIACANARY2345ABCDEF\nAWS_SECRET_ACCESS_KEY=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\n")
	wd, _ := scan(t, testSource("wd", dir))

	tf := graph.New()
	tf.Sources = []graph.SourceInfo{{Name: "tfstate"}}
	key := tf.MustAdd(&graph.Resource{ID: "aws:aws_iam_access_key:AKIACANARY2345ABCDEF", Kind: graph.Token, Type: "aws_iam_access_key",
		NativeID: "AKIACANARY2345ABCDEF", Name: "deploy", Aliases: []string{"aws_iam_access_key.deploy"},
		Attrs: graph.MakeAttrs(graph.AttrScopeLevel, "resource")})
	db := tf.MustAdd(&graph.Resource{ID: "aws:aws_db_instance:arn:aws:rds:us-east-1:111111111111:db:shop", Kind: graph.Database, Type: "aws_db_instance",
		Name: "shop", Tier: graph.Production})
	tf.MustConnect(graph.Edge{From: key.ID, To: db.ID, Kind: graph.ScopedTo, Actions: []graph.Action{graph.Delete}, Note: "policy deploy: rds:DeleteDBInstance"})

	g, err := graph.Merge(tf, wd)
	if err != nil {
		t.Fatal(err)
	}
	tokens := g.ByKind(graph.Token)
	if len(tokens) != 1 {
		t.Fatalf("want one joined token, got %d", len(tokens))
	}
	tok := tokens[0]
	if tok.Name != "deploy" || tok.Attrs.Get("fingerprint") == "" || tok.Attrs.Get("secret_found") != "true" {
		t.Errorf("joined token lacks a side: %+v", tok)
	}
	var scoped, exposed bool
	for _, e := range g.Edges() {
		if e.From == tok.ID && e.Kind == graph.ScopedTo && e.To == db.ID {
			scoped = true
		}
		if e.From == tok.ID && e.Kind == graph.ExposedIn && e.To == "workdir:file:wd/ci/.env.staging" {
			exposed = true
		}
	}
	if !scoped || !exposed {
		t.Errorf("scoped_to from Terraform: %v; exposed_in from the file: %v", scoped, exposed)
	}
	// The rules now see a credential readable from a staging file that can delete a
	// production database with no recovery point.
	rep, err := analyze.Run(g, analyze.Options{})
	if err != nil {
		t.Fatal(err)
	}
	rules := map[string]bool{}
	for _, f := range rep.Findings {
		rules[f.Rule] = true
		if f.Rule == "BH003" && f.Advice == "" {
			t.Error("BH003 without the file's advice")
		}
	}
	if !rules["BH003"] || !rules["BH004"] {
		t.Errorf("want BH003 and BH004 on the joined key, got %v", rules)
	}
}
