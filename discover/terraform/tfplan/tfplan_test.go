package tfplan

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files")

func corpus(name string) string { return filepath.Join("..", "testdata", "corpus", "plan", name) }

// TestChanges pins the change list of plans that exercise the API: modules and count,
// create/update/no-op, a delete-and-replace, unknown values, and sensitive attributes.
func TestChanges(t *testing.T) {
	for _, name := range []string{
		"infracost__infracost__cmd__infracost__testdata__terraform_v0.14_plan.json",
		"bridgecrewio__checkov__tests__terraform__runner__resources__plan_with_deleted_resources__tfplan.json",
		"hashicorp__terraform-json__testdata__110_sensitive_values__plan.json",
		"bridgecrewio__checkov__tests__terraform__runner__resources__plan_with_utf_16_encoding__tfplan.json",
	} {
		t.Run(name, func(t *testing.T) {
			p, err := Read(context.Background(), corpus(name))
			if err != nil {
				t.Fatal(err)
			}
			var sb strings.Builder
			fmt.Fprintf(&sb, "format %s terraform %s before %d after %d\n", p.FormatVersion, p.TerraformVersion, p.Before.Len(), p.After.Len())
			for _, c := range p.Changes {
				fmt.Fprintf(&sb, "%s %s %v id=%s deletes=%v\n", c.Address, c.Type, c.Actions, c.ResourceID, c.Deletes())
				fmt.Fprintf(&sb, "  before %s\n  after  %s\n  unknown %s\n", keys(c.Before), keys(c.After), strings.Join(c.AfterUnknown, ","))
				for _, w := range c.Weakened {
					fmt.Fprintf(&sb, "  weakened %s %s -> %s\n", w.Attribute, w.From, w.To)
				}
			}
			golden := filepath.Join("testdata", name+".golden")
			if *update {
				os.MkdirAll("testdata", 0o755)
				os.WriteFile(golden, []byte(sb.String()), 0o644)
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if string(want) != sb.String() {
				t.Errorf("changes differ from %s (go test -update, then review):\n%s", golden, sb.String())
			}
		})
	}
}

func keys(m map[string]any) string {
	if m == nil {
		return "-"
	}
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	if len(out) > 12 {
		return strings.Join(out[:12], ",") + fmt.Sprintf(",... (%d)", len(out))
	}
	return strings.Join(out, ",")
}

// TestSensitiveRemoved: values marked in before_sensitive/after_sensitive, and attributes
// that hold secrets in common providers, never reach Change.Before/After or the graphs;
// Change.Before/After keep the safeguards that are not sensitive, and nothing else.
func TestSensitiveRemoved(t *testing.T) {
	plan := `{"format_version":"1.2","terraform_version":"1.9.0",
	 "planned_values":{"root_module":{"resources":[{"address":"aws_db_instance.main","mode":"managed","type":"aws_db_instance","name":"main",
	   "values":{"identifier":"orders","password":"hunter2-value","tags":{"Environment":"prod","Owner":"sensitive-owner"},"engine":"postgres"},
	   "sensitive_values":{"tags":{"Owner":true}}}]}},
	 "resource_changes":[{"address":"aws_db_instance.main","mode":"managed","type":"aws_db_instance","name":"main",
	   "change":{"actions":["create"],"before":null,
	     "after":{"identifier":"orders","password":"hunter2-value","tags":{"Environment":"prod","Owner":"sensitive-owner"},"engine":"postgres","custom":"marked-value","deletion_protection":false,"skip_final_snapshot":"marked-value"},
	     "after_unknown":{"arn":true,"id":true},"before_sensitive":false,
	     "after_sensitive":{"custom":true,"tags":{"Owner":true},"skip_final_snapshot":true}}}]}`
	p, err := Parse([]byte(plan), "inline.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Changes) != 1 {
		t.Fatalf("changes: %d", len(p.Changes))
	}
	c := p.Changes[0]
	got := fmt.Sprint(c.After) + fmt.Sprint(c.Before)
	for _, secret := range []string{"hunter2-value", "marked-value", "sensitive-owner"} {
		if strings.Contains(got, secret) {
			t.Errorf("change keeps %q: %v", secret, c.After)
		}
	}
	if c.After["deletion_protection"] != false || len(c.After) != 1 {
		t.Errorf("after: %v, want the non-sensitive safeguard alone", c.After)
	}
	if strings.Join(c.AfterUnknown, ",") != "arn,id" {
		t.Errorf("after unknown: %v", c.AfterUnknown)
	}
	for _, r := range p.After.Resources() {
		for k, v := range r.Attrs.All() {
			if strings.Contains(v, "hunter2") || strings.Contains(v, "sensitive-owner") {
				t.Errorf("graph attribute %s=%s holds a secret", k, v)
			}
		}
		if r.Type == "aws_db_instance" && r.Tier != "production" {
			t.Errorf("tier from the non-sensitive tag: got %q", r.Tier)
		}
	}
}

func TestUnsupported(t *testing.T) {
	_, err := Parse([]byte(`{"format_version":"2.0","planned_values":{}}`), "x.json")
	if !errors.Is(err, ErrUnsupportedFormat) {
		t.Fatalf("format 2.0: %v", err)
	}
	_, err = Parse([]byte(`{"version":4,"resources":[]}`), "x.json")
	if !errors.Is(err, ErrUnsupportedFormat) || !strings.Contains(err.Error(), "--tfstate") {
		t.Fatalf("raw state: %v", err)
	}
	_, err = Parse([]byte(`{"format_version":"1.0","values":{}}`), "x.json")
	if !errors.Is(err, ErrUnsupportedFormat) {
		t.Fatalf("show state: %v", err)
	}
}

// TestErrored: the plan's "errored" flag (Terraform >= 1.4) reaches Plan.Errored.
func TestErrored(t *testing.T) {
	data, err := os.ReadFile(corpus("hashicorp__terraform-json__testdata__110_sensitive_values__plan.json"))
	if err != nil {
		t.Fatal(err)
	}
	p, err := Parse(data, "plan.json")
	if err != nil {
		t.Fatal(err)
	}
	if p.Errored {
		t.Error("a plan without \"errored\" reads as errored")
	}
	i := strings.Index(string(data), "{")
	errored := string(data[:i+1]) + `"errored": true, ` + string(data[i+1:])
	if p, err = Parse([]byte(errored), "plan.json"); err != nil {
		t.Fatal(err)
	}
	if !p.Errored {
		t.Error(`"errored": true not read`)
	}
}

// TestResourceIDsOfChanges: every change of a deletion plan gets the same canonical ID as
// the graph holds for its address (ResourceID's map must agree with the graphs).
func TestResourceIDsOfChanges(t *testing.T) {
	p, err := Read(context.Background(), corpus("bridgecrewio__checkov__tests__terraform__runner__resources__plan_with_deleted_resources__tfplan.json"))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, c := range p.Changes {
		if c.ResourceID == "" {
			continue
		}
		n++
		r, ok := p.Before.Resource(c.ResourceID)
		if !ok {
			r, ok = p.After.Resource(c.ResourceID)
		}
		if !ok || r.Origin.Ref != c.Address {
			t.Errorf("%s: id %s is not the graph's resource of that address", c.Address, c.ResourceID)
		}
	}
	if n == 0 {
		t.Fatal("no change has a resource id")
	}
}
