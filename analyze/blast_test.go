package analyze_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/bulkhead-dev/bulkhead/analyze"
	"github.com/bulkhead-dev/bulkhead/fixtures"
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
