package analyze_test

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bulkhead-dev/bulkhead/analyze"
)

var update = flag.Bool("update", false, "rewrite generated docs")

// TestRulesDoc keeps docs/rules.md and the README's rule table generated from the one Doc of
// each rule, so `bulkhead rules`, the docs and SARIF never disagree.
func TestRulesDoc(t *testing.T) {
	var b strings.Builder
	b.WriteString("# bulkhead rules\n\n<!-- Generated from analyze.All by `go test ./analyze -run TestRulesDoc -update`; do not edit. -->\n\n")
	b.WriteString(analyze.RuleTable(""))
	for _, r := range analyze.All {
		b.WriteString("\n" + analyze.FormatDocMarkdown(r))
	}
	path := filepath.Join("..", "docs", "rules.md")
	if *update {
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil || string(got) != b.String() {
		t.Fatalf("docs/rules.md is stale (%v); run go test ./analyze -run TestRulesDoc -update", err)
	}
	readme, err := os.ReadFile(filepath.Join("..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(readme), analyze.RuleTable("docs/rules.md")) {
		t.Fatalf("README.md's rule table differs from the catalogue; paste this:\n%s", analyze.RuleTable("docs/rules.md"))
	}
}
