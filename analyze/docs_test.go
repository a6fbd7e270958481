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
	for _, r := range analyze.Catalogue() {
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
	readmePath := filepath.Join("..", "README.md")
	readme, err := os.ReadFile(readmePath)
	if err != nil {
		t.Fatal(err)
	}
	table := analyze.RuleTable("docs/rules.md")
	if *update {
		// The table runs from its header line to the first blank line.
		s := string(readme)
		i := strings.Index(s, "| ID | name | default severity | finding |")
		if i < 0 {
			t.Fatal("README.md has no rule table to regenerate")
		}
		j := strings.Index(s[i:], "\n\n")
		if j < 0 {
			j = len(s) - i
		}
		readme = []byte(s[:i] + strings.TrimSuffix(table, "\n") + s[i+j:])
		if err := os.WriteFile(readmePath, readme, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if !strings.Contains(string(readme), table) {
		t.Fatalf("README.md's rule table differs from the catalogue; run go test ./analyze -run TestRulesDoc -update")
	}
}

// TestHelpURLsResolve: every rule's help URL (SARIF helpUri, the README's table) names a
// heading of docs/rules.md, whose GitHub anchor is the heading lowercased with spaces as
// hyphens. BH101 and BH102 pointed at anchors that did not exist.
func TestHelpURLsResolve(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "docs", "rules.md"))
	if err != nil {
		t.Fatal(err)
	}
	anchors := map[string]bool{}
	for _, line := range strings.Split(string(doc), "\n") {
		if h, ok := strings.CutPrefix(line, "## "); ok {
			anchors[strings.ReplaceAll(strings.ToLower(h), " ", "-")] = true
		}
	}
	for _, r := range analyze.Catalogue() {
		u := r.HelpURL("https://example.test")
		if _, frag, _ := strings.Cut(u, "#"); !anchors[frag] {
			t.Errorf("%s: help URL %s names no heading of docs/rules.md", r.ID, u)
		}
	}
}
