package config_test

import (
	"os"
	"strings"
	"testing"

	"github.com/bulkhead-dev/bulkhead/config"
	"github.com/bulkhead-dev/bulkhead/fixtures"
	"github.com/bulkhead-dev/bulkhead/graph"
)

func TestApply(t *testing.T) {
	cfg, diags := config.Parse([]byte(`
tier "development" {
  match = ["stag*"]
}
token "analytics-staging-ci" {
  purpose    = ["domains"]
  exposed_in = ["shop/production/web", "railway:environment:env-shop-stg"]
}
`), "bulkhead.hcl")
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	g := fixtures.Demo()
	if diags := cfg.Apply(g); len(diags) > 0 {
		t.Fatalf("unexpected diagnostics: %v", diags)
	}
	env, _ := g.Resource("railway:environment:env-shop-stg")
	if env.Tier != graph.Development || !strings.Contains(env.TierWhy, "bulkhead.hcl:2,1") {
		t.Fatalf("tier pattern not applied with its reason: %s (%s)", env.Tier, env.TierWhy)
	}
	tok, _ := g.Resource("railway:project_token:tok-analytics-ci")
	if tok.Attrs.Get(graph.AttrPurpose) != "domains" {
		t.Fatalf("purpose not applied: %v", tok.Attrs)
	}
	var exposed []string
	for _, e := range g.Edges() {
		if e.From == tok.ID && e.Kind == graph.ExposedIn {
			exposed = append(exposed, e.To)
		}
	}
	want := "railway:environment:env-shop-stg,railway:service_instance:si-web-env-shop-prod,railway:service_instance:si-worker-stg"
	if strings.Join(exposed, ",") != want {
		t.Fatalf("exposures = %v, want %s", exposed, want)
	}
}

func TestParseErrors(t *testing.T) {
	cases := map[string]string{
		`tier "prod" { match = ["x"] }`:                       `Did you mean "production"?`,
		`tier "production" { match = ["[x"] }`:                "not a valid glob",
		`rule "BH007" { objective = "soon" }`:                 "positive duration",
		`rule "BH007" { severity = "severe" }`:                `unknown severity "severe"`,
		`rule "BH0007" { }`:                                   `Did you mean "BH007"?`,
		`token "x" { purpose = "domains" }`:                   "list of string required",
		`tier "production" { match = ["x"] `:                  "Unclosed configuration block",
		`waiver "BH002" { }`:                                  "Unsupported block type",
		`token "x" { purpose = ["a"] }` + "\n" + `tokens = 1`: "Unsupported argument",
	}
	for src, want := range cases {
		_, diags := config.Parse([]byte(src), "bulkhead.hcl")
		if !diags.HasErrors() || !strings.Contains(diags.Error(), want) {
			t.Errorf("%s: got %v, want an error saying %q", src, diags, want)
		}
		for _, d := range diags {
			if d.Subject == nil || d.Subject.Filename != "bulkhead.hcl" || d.Subject.Start.Line < 1 {
				t.Errorf("%s: diagnostic without a file position: %v", src, d)
			}
		}
	}
}

// TestREADMEExample keeps the README's bulkhead.hcl example valid.
func TestREADMEExample(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, block, ok := strings.Cut(string(readme), "```hcl\n")
	block, _, ok2 := strings.Cut(block, "```")
	if !ok || !ok2 {
		t.Fatal("README has no ```hcl example")
	}
	if _, diags := config.Parse([]byte(block), "README.md"); diags.HasErrors() {
		t.Fatalf("the README's example does not parse: %v", diags)
	}
}
