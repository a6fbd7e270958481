package analyze_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/bulkhead-dev/bulkhead/analyze"
	"github.com/bulkhead-dev/bulkhead/discover/terraform"
	"github.com/bulkhead-dev/bulkhead/discover/terraform/tfgen"
	"github.com/bulkhead-dev/bulkhead/fixtures"
	"github.com/bulkhead-dev/bulkhead/fixtures/estate"
	"github.com/bulkhead-dev/bulkhead/graph"
)

func TestBlastFacts(t *testing.T) {
	g := fixtures.Demo()
	opts := analyze.Options{Now: fixtures.DemoNow}
	vol, _ := g.Resource("railway:volume:vol-pgdata")
	b := analyze.BlastOf(g, vol, opts)
	// Deleting the volume destroys both environments' instances and the production backups.
	for _, id := range []string{"railway:volume_instance:vi-pgdata-prod", "railway:volume_instance:vi-pgdata-stg", "railway:backup:bk-1"} {
		if !b.DestroyedSet()[id] {
			t.Errorf("deleting the volume should destroy %s", id)
		}
	}
	if b.Summary.UnrecoverableProd != 1 {
		t.Errorf("unrecoverable production data = %d, want 1 (the production instance)", b.Summary.UnrecoverableProd)
	}
	// The billing database's copy in the locked vault survives its deletion.
	db, _ := g.Resource("aws:aws_db_instance:arn:aws:rds:us-east-1:111111111111:db:billing")
	b = analyze.BlastOf(g, db, opts)
	if len(b.Data) != 1 || !b.Data[0].Recoverable || b.Data[0].Surviving[0].ID != "aws:recovery_point:billing-offsite:rp-20261120" {
		t.Errorf("billing: %+v", b.Data)
	}
	// The analytics CI token reaches only staging.
	ci, _ := g.Resource("railway:project_token:tok-analytics-ci")
	if b := analyze.BlastOf(g, ci, opts); b.Summary.ProductionData != 0 || !b.Credential {
		t.Errorf("analytics CI token: %+v", b.Summary)
	}
}

func TestResolve(t *testing.T) {
	g := fixtures.Demo()
	for target, want := range map[string]string{
		"railway:volume:vol-pgdata": "railway:volume:vol-pgdata",
		"token:domains-cli":         "railway:api_token:tok-domains",
		"token:tok-analytics-ci":    "railway:project_token:tok-analytics-ci",
		"uploads":                   "railway:bucket:bkt-uploads",
	} {
		r, err := analyze.Resolve(g, target)
		if err != nil || r.ID != want {
			t.Errorf("Resolve(%q) = %v, %v; want %s", target, r, err, want)
		}
	}
	_, err := analyze.Resolve(g, "pg-data")
	if !errors.Is(err, analyze.ErrAmbiguousTarget) || !strings.Contains(err.Error(), "railway:volume_instance:vi-pgdata-stg") {
		t.Errorf("ambiguous name: %v", err)
	}
	if _, err := analyze.Resolve(g, "token:nope"); !errors.Is(err, analyze.ErrNoTarget) {
		t.Errorf("unknown token: %v", err)
	}
	if _, err := analyze.Resolve(g, "staging"); !errors.Is(err, analyze.ErrAmbiguousTarget) {
		t.Errorf("two environments named staging: %v", err)
	}
}

func TestExposedCredentialsCarryAdvice(t *testing.T) {
	g := fixtures.Demo()
	tok, _ := g.Resource("railway:api_token:tok-domains")
	tok.SetAttr("advice", "use a project token scoped to the domains service")
	rep := analyze.ExposedCredentials(g, analyze.Options{Now: fixtures.DemoNow})
	if len(rep.Credentials) != 2 {
		t.Fatalf("%d exposed credentials, want 2", len(rep.Credentials))
	}
	worst := rep.Credentials[0]
	if worst.Target.ID != tok.ID || worst.Advice != "use a project token scoped to the domains service" {
		t.Errorf("worst credential first, with its advice: %+v", worst.Target)
	}
	if len(worst.Exposed) != 1 || worst.Exposed[0].Note != "variable RAILWAY_API_TOKEN" || worst.Exposed[0].Place != "staging/web" {
		t.Errorf("exposure: %+v", worst.Exposed)
	}
	if !strings.Contains(rep.Worst.Sentence, `delete workspace "acme"`) || !strings.Contains(rep.Worst.Sentence, "readable from staging/web (variable RAILWAY_API_TOKEN)") {
		t.Errorf("worst: %s", rep.Worst.Sentence)
	}
}

// TestWorstDeleteAsEveryBlast: the worst delete of ExposedCredentials, found by the
// targets' summaries, is the one the whole blast of every target each exposed credential
// may delete gives (BlastOf and Worse), with the same blast.
func TestWorstDeleteAsEveryBlast(t *testing.T) {
	opts := analyze.Options{Now: fixtures.DemoNow}
	var state bytes.Buffer
	o, err := tfgen.ParseShape("realistic")
	if err != nil {
		t.Fatal(err)
	}
	if err := tfgen.WriteOptions(&state, 1500, 1, o); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "realistic.tfstate")
	if err := os.WriteFile(path, state.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	tf, err := terraform.LoadState(context.Background(), path, "")
	if err != nil {
		t.Fatal(err)
	}
	for name, g := range map[string]*graph.Graph{
		"terraform realistic 1500": tf,
		"demo":                     fixtures.Demo(),
		"estate 300":               estate.Generate(300),
		"workspace tokens":         estate.GenerateWith(estate.Projects(20), estate.Options{WorkspaceTokenEvery: 4}),
	} {
		t.Run(name, func(t *testing.T) {
			rep := analyze.ExposedCredentials(g, opts)
			var worst, worstTok *analyze.Blast
			n := 0
			creds := slices.Clone(rep.Credentials) // in ID order, ties keep the first
			slices.SortFunc(creds, func(a, b *analyze.Blast) int { return strings.Compare(a.Target.ID, b.Target.ID) })
			for _, c := range creds {
				for _, d := range c.Deletes {
					r, _ := g.Resource(d.ID)
					one := analyze.BlastOf(g, r, opts)
					n++
					if worst == nil || analyze.Worse(one, worst) {
						worst, worstTok = one, c
					}
				}
			}
			if worst == nil {
				if rep.Worst != nil {
					t.Fatalf("worst %s, but no credential deletes anything", rep.Worst.Delete.ID)
				}
				t.Skip("no exposed credential deletes anything")
			}
			if rep.Worst == nil || rep.Worst.Delete.ID != worst.Target.ID || rep.Worst.Credential.ID != worstTok.Target.ID {
				t.Fatalf("worst %+v, want %s with %s (of %d deletes)", rep.Worst, worst.Target.ID, worstTok.Target.ID, n)
			}
			if !reflect.DeepEqual(rep.Worst.Blast, worst) {
				t.Errorf("worst blast %+v, want %+v", rep.Worst.Blast.Summary, worst.Summary)
			}
			t.Logf("%d credentials, %d deletes measured", len(rep.Credentials), n)
		})
	}
}

// TestUnexposedCounted: credentials with no place they are readable from are not listed by
// ExposedCredentials, but counted: a state whose path names no environment holds 4 access
// keys (driftctl's corpus file), and none is silently absent.
func TestUnexposedCounted(t *testing.T) {
	g, err := terraform.LoadState(context.Background(), filepath.Join("..", "discover", "terraform", "testdata", "corpus", "tfstate",
		"snyk__driftctl__pkg__iac__terraform__state__test__aws_iam_access_key_multiple__terraform.tfstate"), "")
	if err != nil {
		t.Fatal(err)
	}
	rep := analyze.ExposedCredentials(g, analyze.Options{Now: fixtures.DemoNow})
	if len(rep.Credentials) != 0 || rep.Unexposed != 4 {
		t.Errorf("listed %d, unexposed %d; want 0 and the 4 access keys", len(rep.Credentials), rep.Unexposed)
	}
	if rep := analyze.ExposedCredentials(fixtures.Demo(), analyze.Options{Now: fixtures.DemoNow}); len(rep.Credentials)+rep.Unexposed != len(fixtures.Demo().ByKind(graph.Token)) {
		t.Errorf("demo: %d listed and %d unexposed, not every token", len(rep.Credentials), rep.Unexposed)
	}
}
