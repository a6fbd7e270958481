package gate

import (
	"flag"
	"os"
	"strings"
	"testing"

	"github.com/bulkhead-dev/bulkhead/analyze"
)

var update = flag.Bool("update", false, "rewrite generated docs")

const planRulesMarker = "<!-- Generated from analyze.PlanRules by `go test ./gate -run TestPlanRulesDoc -update`; do not edit below. -->\n"

// TestPlanRulesDoc keeps the BH101/BH102 sections of docs/gate.md generated from their one Doc.
func TestPlanRulesDoc(t *testing.T) {
	path := "../docs/gate.md"
	cur, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	head, _, _ := strings.Cut(string(cur), planRulesMarker)
	var b strings.Builder
	b.WriteString(head + planRulesMarker)
	for _, r := range analyze.PlanRules {
		b.WriteString("\n" + analyze.FormatDocMarkdown(r))
	}
	if *update {
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		cur = []byte(b.String())
	}
	if string(cur) != b.String() {
		t.Fatal("docs/gate.md's rule sections are stale; run go test ./gate -run TestPlanRulesDoc -update")
	}
}
