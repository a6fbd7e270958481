package analyze_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/bulkhead-dev/bulkhead/analyze"
	"github.com/bulkhead-dev/bulkhead/graph"
)

// TestPlanBeforePassFails: the pass over the graph before a change runs beside the audit
// rules after it (Run); when it fails, Run says so, whichever rule asks for it first, and
// no plan rule runs on a missing pass.
func TestPlanBeforePassFails(t *testing.T) {
	boom := errors.New("boom")
	before, after := graph.New(), graph.New()
	before.MustAdd(&graph.Resource{ID: "fails-here", Kind: graph.Database, Type: "t", Name: "db", Tier: graph.Production})
	after.MustAdd(&graph.Resource{ID: "ok", Kind: graph.Database, Type: "t", Name: "db2", Tier: graph.Production})
	failing := &analyze.Rule{ID: "BH900", Name: "fails-on-before", Severity: analyze.Low, Run: func(p *analyze.Pass) ([]analyze.Finding, error) {
		if _, ok := p.Graph.Resource("fails-here"); ok {
			return nil, boom
		}
		return nil, nil
	}}
	plan := &analyze.Plan{Before: before, Changes: []analyze.PlannedChange{{Address: "t.db", ResourceID: "fails-here", Action: "delete"}}}
	for range 20 {
		_, err := analyze.Run(after, analyze.Options{Now: time.Now(), Rules: []*analyze.Rule{failing}, Plan: plan})
		if !errors.Is(err, boom) || !strings.Contains(err.Error(), "findings before the change") {
			t.Fatalf("error %v, want the before pass's", err)
		}
	}
	// Without the failure both passes run and the plan rule judges the delete.
	rep, err := analyze.Run(after, analyze.Options{Now: time.Now(), Rules: []*analyze.Rule{analyze.NoBackup}, Plan: plan})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Plan == nil || len(rep.Plan.Deletions) != 1 {
		t.Fatalf("plan facts %+v, want one deletion", rep.Plan)
	}
}
